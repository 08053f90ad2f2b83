from datetime import timedelta

import pytest
import time_machine

from django.core import mail

from accounts.models import Notice
from reports import services
from reports.models import Reminder
from tests.factories import UserFactory
from tests.reports.conftest import NOW


def remind(client, user, district, organisation, **data):
    client.force_login(user)
    url = "/reports/reminders/"
    query = f"?requirement={district['requirement'].pk}&organisation={organisation.pk}"
    return client.post(url + query, data)


@pytest.mark.django_db
def test_coordinator_sees_overdue_people_and_reminds_them(
    client, small_district, coordinator_of, django_capture_on_commit_callbacks
):
    town = coordinator_of(small_district["town_a"])
    people = small_district["people"]
    people["p3"].email = "p3@example.cn"
    people["p3"].save()
    client.force_login(town)
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            "/reports/reminders/",
            {
                "requirement": small_district["requirement"].pk,
                "organisation": small_district["town_a"].pk,
            },
        )
        assert {row["name"] for row in page.context["page_obj"]} == {"p3", "p8"}
        with django_capture_on_commit_callbacks(execute=True):
            response = remind(
                client, town, small_district, small_district["town_a"], everyone="1", confirmed="1"
            )
    assert response.status_code == 302
    assert set(Notice.objects.values_list("user__name", flat=True)) == {"p3", "p8"}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["p3@example.cn"]
    client.force_login(people["p3"])
    learn = client.get("/learn/").content.decode()
    assert "提醒" in learn
    assert "notice-count" in learn


@pytest.mark.django_db
def test_the_same_person_is_not_reminded_twice_within_a_day(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    p3 = small_district["people"]["p3"]
    with time_machine.travel(NOW, tick=False):
        remind(client, town, small_district, small_district["town_a"], person=[p3.pk])
    with time_machine.travel(NOW + timedelta(hours=23), tick=False):
        remind(client, town, small_district, small_district["town_a"], person=[p3.pk])
    assert Reminder.objects.filter(user=p3).count() == 1
    with time_machine.travel(NOW + timedelta(hours=25), tick=False):
        remind(client, town, small_district, small_district["town_a"], person=[p3.pk])
    assert Reminder.objects.filter(user=p3).count() == 2


@pytest.mark.django_db
def test_reminding_someone_outside_the_list_is_a_404(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    outsider = small_district["people"]["p4"]  # in B镇
    with time_machine.travel(NOW, tick=False):
        response = remind(
            client, town, small_district, small_district["town_a"], person=[outsider.pk]
        )
    assert response.status_code == 404
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_more_than_five_thousand_at_once_is_refused(small_district):
    users = [UserFactory.build(pk=index) for index in range(1, services.MAX_RECIPIENTS + 2)]
    with pytest.raises(services.TooManyRecipients):
        services.send_reminders(None, small_district["requirement"], users)
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_over_the_limit_shows_a_message_to_narrow_the_filter(
    client, small_district, coordinator_of, monkeypatch
):
    import reports.views

    monkeypatch.setattr(reports.views, "MAX_RECIPIENTS", 1)
    town = coordinator_of(small_district["town_a"])
    with time_machine.travel(NOW, tick=False):
        response = remind(
            client, town, small_district, small_district["town_a"], everyone="1", confirmed="1"
        )
        page = client.get(response["Location"]).content.decode()
    assert "缩小" in page
    assert not Notice.objects.exists()
