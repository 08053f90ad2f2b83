"""drills.signoff_rollup.skills_by_organisation: people 达标 / 未达标 per organisation and skill."""

from datetime import timedelta

import pytest

from django.utils import timezone

from drills.signoff_rollup import skills_by_organisation
from drills.signoffs import sign_off
from organisations.scope import visible_organisations
from tests.drills.skills.conftest import session_of, skill_ids
from tests.factories import EnrolmentFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def figures(rows):
    return {
        row.organisation.name: {
            figure.skill: (figure.passed, figure.failed) for figure in row.skills
        }
        for row in rows
    }


def test_people_count_once_per_skill_by_their_latest_verdict_at_the_session_organiser(place):
    ids = skill_ids(place.lesson)
    unit_session = session_of(place, organisation=place.unit)
    other_session = session_of(place, organisation=place.other_town)
    # The learner fails 提、拔、握、压 in the town, then passes it at a later unit session.
    sign_off(place.instructor, place.enrolment, {ids[0]: (True, ""), ids[1]: (False, "")})
    retest = EnrolmentFactory(session=unit_session, user=place.learner, checked_in=True)
    later = timezone.now() + timedelta(minutes=5)
    sign_off(place.instructor, retest, {ids[1]: (True, "")}, now=later)
    # Someone else fails it in the other town.
    elsewhere = EnrolmentFactory(session=other_session, checked_in=True)
    sign_off(place.instructor, elsewhere, {ids[1]: (False, "")})

    district_lead = place.district
    visible = visible_organisations(place.town_lead)
    rows = skills_by_organisation(visible, None)
    assert figures(rows) == {"朱家角镇": {"检查压力表与保险销": (1, 0), "提、拔、握、压": (1, 0)}}
    below = skills_by_organisation(visible, place.town)
    assert figures(below) == {"示例商业广场": {"提、拔、握、压": (1, 0)}}

    from organisations.models import Organisation

    everything = Organisation.objects.all()
    by_town = figures(skills_by_organisation(everything, district_lead))
    assert by_town["朱家角镇"] == {"检查压力表与保险销": (1, 0), "提、拔、握、压": (1, 0)}
    assert by_town["练塘镇"] == {"提、拔、握、压": (0, 1)}


def test_one_statement_per_depth_of_the_rows(place, django_assert_num_queries):
    from organisations.models import Organisation

    ids = skill_ids(place.lesson)
    deeper = OrganisationFactory(name="示例社区", kind="community", parent=place.district)
    for _number in range(4):
        enrolment = EnrolmentFactory(session=place.session, checked_in=True)
        sign_off(place.instructor, enrolment, {ids[0]: (True, ""), ids[2]: (False, "")})
    everything = Organisation.objects.all()
    # The rows' organisations, then one grouped statement (every row has the same depth).
    with django_assert_num_queries(2):
        rows = skills_by_organisation(everything, place.district)
    assert {row.organisation.name for row in rows} >= {"朱家角镇", deeper.name}
    town = next(row for row in rows if row.organisation.name == "朱家角镇")
    assert (town.passed, town.failed) == (4, 4)
