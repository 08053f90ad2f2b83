import datetime

import pytest
import time_machine

from django.core.management import call_command
from django.utils import timezone

from alerts import demo as alerts_demo
from alerts.models import (
    AlertPage,
    CaseWarningPage,
    Dispatch,
    DispatchRecipient,
    HazardExposurePage,
    RiskAlertPage,
)
from handbooks import demo as handbooks_demo
from handbooks.models import HandbookPage
from organisations.models import Membership, Organisation
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

# The demo's winter alert runs 2026-11-15 to 2027-03-15.
IN_WINTER = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_demo_publishes_all_handbooks_and_alerts_once(client):
    with time_machine.travel(IN_WINTER):
        call_command("load_demo")
        counts = (HandbookPage.objects.count(), AlertPage.objects.count())
        call_command("load_demo")
        assert (HandbookPage.objects.count(), AlertPage.objects.count()) == counts
        kinds = [model for _path, model, _data in alerts_demo.alert_files()]
        assert HandbookPage.objects.live().count() == len(handbooks_demo.handbook_files()) >= 8
        assert CaseWarningPage.objects.live().count() == kinds.count(CaseWarningPage)
        assert HazardExposurePage.objects.live().count() == kinds.count(HazardExposurePage)
        assert RiskAlertPage.objects.live().count() == kinds.count(RiskAlertPage) >= 3
        assert kinds.count(CaseWarningPage) + kinds.count(HazardExposurePage) >= 8
        for page in AlertPage.objects.all():
            assert page.live_revision_id is not None  # published with a revision
        current = RiskAlertPage.objects.filter(
            valid_from__lte=timezone.localdate(), valid_to__gte=timezone.localdate()
        )
        assert [alert.slug for alert in current] == ["winter-heating-2026"]
        assert "冬季取暖用火用电风险提示" in client.get("/").content.decode()
        assert client.get("/handbooks/group-rental/").status_code == 200
        assert client.get("/handbooks/group-rental/pdf/").status_code == 200
        # Check points name the lessons that teach them, and the patrol subset is marked.
        points = [
            point
            for section in HandbookPage.objects.get(slug="shopping-complex").sections
            for point in section.value["checkpoints"]
        ]
        lessons = [point["lesson"] for point in points if point["lesson"]]
        assert len(lessons) == len(points)
        assert lessons[0].slug == "lifelines-and-facilities"
        assert 0 < sum(point["patrol_point"] for point in points) < len(points)
        assert any(point["default_severity"] == "major" for point in points)
        case = CaseWarningPage.objects.get(slug="xujing-group-rental-ebike-battery")
        assert case.handbook.slug == "group-rental"
        assert {tag.name for tag in case.tags.all()} >= {"群租房", "电动自行车"}


@pytest.mark.django_db
def test_demo_without_organisations_sends_nothing():
    from home import demo as home_demo

    home_demo.load()
    handbooks_demo.load()
    alerts_demo.load()
    assert not Dispatch.objects.exists()


@pytest.mark.django_db
def test_demo_sends_to_the_demo_units_when_they_exist():
    from home import demo as home_demo

    home_demo.load()
    handbooks_demo.load()
    district = OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN, parent=district)
    town = Organisation.objects.get(pk=town.pk)
    for number in range(4):
        unit = OrganisationFactory(name=f"示例群租房{number}", parent=town, place_types=["群租房"])
        MembershipFactory(organisation=unit, role=Membership.Role.RESPONSIBLE)
    charging = OrganisationFactory(
        name="示例充电场所", parent=town, place_types=["电动自行车集中停放充电场所"]
    )
    MembershipFactory(
        organisation=charging, role=Membership.Role.MANAGER, user=UserFactory(username="manager")
    )
    alerts_demo.load()
    case_dispatches = Dispatch.objects.filter(page__slug="xujing-group-rental-ebike-battery")
    assert sorted(case_dispatches.values_list("place_type", flat=True)) == [
        "电动自行车集中停放充电场所",
        "群租房",
    ]
    winter = Dispatch.objects.get(page__slug="winter-heating-2026")
    assert winter.recipient_count == 5
    acknowledged = DispatchRecipient.objects.filter(acknowledged_at__isnull=False)
    assert acknowledged.exists()
    assert not acknowledged.filter(organisation=charging).exists()  # left for `manager` to do
    before = (Dispatch.objects.count(), acknowledged.count())
    alerts_demo.load()
    assert (Dispatch.objects.count(), acknowledged.count()) == before
