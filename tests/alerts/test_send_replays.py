"""Sending an alert carries the form's key: a double tap or a retry sends one dispatch."""

import pytest

from alerts.models import Dispatch
from organisations.models import AuditEntry
from tests.alerts import test_dispatch
from tests.idempotency.forms import flashed, form_key

district = test_dispatch.district
case = test_dispatch.case


@pytest.mark.django_db
def test_replaying_a_send_makes_one_dispatch_and_the_same_page(client, district, case, editor):
    client.force_login(editor)
    url = f"/manage/alerts/{case.pk}/send/"
    data = test_dispatch.send_form(district["district"], place_type="群租房")
    data["idempotency_key"] = form_key(client.get(url).content.decode())
    first = client.post(url, data, follow=True)
    replay = client.post(url, data, follow=True)
    dispatch = Dispatch.objects.get()
    assert (
        first.redirect_chain
        == replay.redirect_chain
        == [(f"/manage/alerts/dispatches/{dispatch.pk}/", 302)]
    )
    assert flashed(first) == flashed(replay) == ["已发送至 2 个单位。"]
    assert AuditEntry.objects.filter(action="firesafety.alert.dispatch").count() == 1
