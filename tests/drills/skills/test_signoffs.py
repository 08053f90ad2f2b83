"""The instructor's skills sign-off: verdicts per skill, completion, the offer of a next session,
and every refusal the issue names."""

from datetime import timedelta

import pytest
import time_machine

from django.db import transaction
from django.utils import timezone

from accounts.models import Notice
from courses.models import Certificate, LessonProgress, TrainingRequirement
from drills.models import SkillSignOff
from drills.signoffs import SignOffRefused, sign_off
from inspections.append_only import RecordRefused
from organisations.models import AuditEntry, Membership
from tests.drills.skills.conftest import session_of, skill_ids
from tests.factories import EnrolmentFactory
from tests.idempotency.forms import flashed, form_key

Role = Membership.Role

pytestmark = pytest.mark.django_db


def person_url(enrolment):
    return f"/drills/sessions/{enrolment.session_id}/skills/{enrolment.pk}/"


def roster_url(session):
    return f"/drills/sessions/{session.pk}/skills/"


def verdicts(lesson, marks, notes=None):
    """POST data: marks is a list of 'pass' / 'fail' (or None) in checklist order."""
    data = {}
    for skill_id, mark in zip(skill_ids(lesson), marks, strict=False):
        if mark:
            data[f"skill-{skill_id}"] = mark
    for index, note in (notes or {}).items():
        data[f"note-{skill_ids(lesson)[index]}"] = note
    return data


def completed(place, user=None):
    return LessonProgress.objects.filter(
        enrolment__user=user or place.learner, lesson=place.lesson, completed_at__isnull=False
    ).exists()


def test_every_skill_passed_completes_the_lesson_with_certificate_and_audit(place, as_user):
    client = as_user(place.instructor)
    page = client.get(person_url(place.enrolment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "检查压力表与保险销" in html and "指出压力表指针在绿区" in html
    data = verdicts(place.lesson, ["pass"] * 3) | {"idempotency_key": form_key(html)}
    response = client.post(person_url(place.enrolment), data, follow=True)
    assert response.redirect_chain[-1][0] == roster_url(place.session)
    assert any("完成" in message for message in flashed(response))
    assert completed(place)
    # The course's only lesson: the course is complete and its certificate issued.
    assert Certificate.objects.filter(user=place.learner, course=place.course).exists()
    entry = AuditEntry.objects.get(action="firesafety.skills.sign_off")
    assert entry.subject == place.learner and entry.user == place.instructor
    assert entry.organisation == place.session.organisation
    assert entry.data["complete"] is True and len(entry.data["results"]) == 3
    # Completed the way a coordinator's attendance list completes it, the instructor recording.
    attendance = AuditEntry.objects.get(action="firesafety.attendance.record")
    assert attendance.user == place.instructor and attendance.subject == place.learner
    assert not Notice.objects.filter(user=place.learner).exists()
    # 我的学习 shows the course completed.
    learn = as_user(place.learner).get("/learn/").content.decode()
    assert "灭火器和消火栓的使用" in learn


def test_a_skill_not_passed_leaves_the_lesson_open_and_offers_the_next_session(place, as_user):
    client = as_user(place.instructor)
    html = client.get(person_url(place.enrolment)).content.decode()
    data = verdicts(place.lesson, ["pass", "fail", "pass"], notes={1: "先压后拔，顺序错误"})
    data["idempotency_key"] = form_key(html)
    response = client.post(person_url(place.enrolment), data, follow=True)
    assert any("下一场" in message for message in flashed(response))
    assert not completed(place)
    notice = Notice.objects.get(user=place.learner)
    assert notice.link == "/drills/sessions/"
    assert "提、拔、握、压" in notice.body
    learn = as_user(place.learner).get("/learn/").content.decode()
    assert notice.title in learn and 'href="/drills/sessions/"' in learn
    # The instructor's page of the person says so too, with the same link.
    page = as_user(place.instructor).get(person_url(place.enrolment)).content.decode()
    assert 'data-testid="next-session"' in page and "先压后拔，顺序错误" in page


def test_a_later_verdict_wins_and_the_earlier_one_stays(place):
    ids = skill_ids(place.lesson)
    sign_off(place.instructor, place.enrolment, {ids[0]: (False, "指针在红区未发现")})
    assert not completed(place)
    result = sign_off(place.instructor, place.enrolment, {skill: (True, "") for skill in ids})
    assert result.completed_now and completed(place)
    rows = SkillSignOff.objects.filter(user=place.learner, skill_id=ids[0])
    assert [row.passed for row in rows] == [True, False]  # latest first, both kept
    # Signing the same person again changes nothing more: no second attendance entry.
    sign_off(place.instructor, place.enrolment, {ids[1]: (True, "复核")})
    assert AuditEntry.objects.filter(action="firesafety.attendance.record").count() == 1
    assert AuditEntry.objects.filter(action="firesafety.skills.sign_off").count() == 3


def test_a_retest_at_the_next_session_need_only_cover_what_failed(place):
    ids = skill_ids(place.lesson)
    sign_off(place.instructor, place.enrolment, {ids[0]: (True, ""), ids[1]: (False, "")})
    sign_off(place.instructor, place.enrolment, {ids[2]: (True, "")})
    assert not completed(place)
    second = session_of(place, starts_in=timedelta(minutes=-5))
    enrolment = EnrolmentFactory(session=second, user=place.learner, checked_in=True)
    result = sign_off(place.instructor, enrolment, {ids[1]: (True, "")})
    assert result.completed_now and completed(place)


def test_the_skill_title_is_kept_as_it_was_signed_off(place):
    ids = skill_ids(place.lesson)
    sign_off(place.instructor, place.enrolment, {ids[0]: (True, "")})
    lesson = place.lesson
    lesson.skills[0].value["title"] = "检查压力表"
    lesson.save()
    row = SkillSignOff.objects.get(skill_id=ids[0])
    assert row.skill_title == "检查压力表与保险销"
    # The block id survived the edit: the verdict still counts for the renamed skill.
    assert skill_ids(type(lesson).objects.get(pk=lesson.pk))[0] == ids[0]


@pytest.mark.parametrize("attendance", ["", "no_show"])
def test_signing_off_someone_not_checked_in_is_refused(place, as_user, attendance):
    enrolment = EnrolmentFactory(session=place.session, attendance=attendance)
    client = as_user(place.instructor)
    page = client.get(person_url(enrolment)).content.decode()
    assert 'data-testid="refused"' in page and "尚未签到" in page
    response = client.post(person_url(enrolment), verdicts(place.lesson, ["pass"] * 3))
    assert response.status_code == 400 and "尚未签到" in response.content.decode()
    waiting = EnrolmentFactory(session=place.session, state="waiting")
    with pytest.raises(SignOffRefused):
        sign_off(place.instructor, waiting, {skill_ids(place.lesson)[0]: (True, "")})
    assert not SkillSignOff.objects.exists()


def test_an_instructor_cannot_sign_themself_off(place, as_user):
    own = EnrolmentFactory(session=place.session, user=place.instructor, checked_in=True)
    response = as_user(place.instructor).post(person_url(own), verdicts(place.lesson, ["pass"] * 3))
    assert response.status_code == 400 and "不能为自己" in response.content.decode()
    with pytest.raises(SignOffRefused):
        sign_off(place.instructor, own, {skill_ids(place.lesson)[0]: (True, "")})
    assert not SkillSignOff.objects.exists() and not completed(place, place.instructor)


def test_a_skill_not_in_the_checklist_is_refused(place, as_user):
    data = verdicts(place.lesson, ["pass"]) | {"skill-not-a-skill": "pass"}
    response = as_user(place.instructor).post(person_url(place.enrolment), data)
    assert response.status_code == 400 and "不在本课的技能清单" in response.content.decode()
    with pytest.raises(SignOffRefused, match="技能清单"):
        sign_off(place.instructor, place.enrolment, {"not-a-skill": (True, "")})
    assert not SkillSignOff.objects.exists()


def test_a_session_not_started_yet_is_refused(place, as_user):
    upcoming = session_of(place, starts_in=timedelta(days=2))
    enrolment = EnrolmentFactory(session=upcoming, user=place.learner, checked_in=True)
    client = as_user(place.instructor)
    assert "尚未开始" in client.get(person_url(enrolment)).content.decode()
    response = client.post(person_url(enrolment), verdicts(place.lesson, ["pass"] * 3))
    assert response.status_code == 400 and "尚未开始" in response.content.decode()
    # Once it has started, the same sign-off goes through.
    with time_machine.travel(upcoming.starts_at + timedelta(minutes=1)):
        sign_off(place.instructor, enrolment, {skill_ids(place.lesson)[0]: (True, "")})
    assert SkillSignOff.objects.count() == 1


def test_bad_form_input_is_a_form_error(place, as_user):
    client = as_user(place.instructor)
    nothing = client.post(person_url(place.enrolment), {})
    assert nothing.status_code == 400 and "至少" in nothing.content.decode()
    junk = client.post(person_url(place.enrolment), verdicts(place.lesson, ["maybe"]))
    assert junk.status_code == 400
    long_note = verdicts(place.lesson, ["fail"], notes={0: "长" * 301})
    assert client.post(person_url(place.enrolment), long_note).status_code == 400
    with pytest.raises(SignOffRefused):
        sign_off(
            place.instructor, place.enrolment, {skill_ids(place.lesson)[0]: (True, "长" * 301)}
        )
    assert not SkillSignOff.objects.exists()


def test_a_replayed_form_signs_off_once(place, as_user):
    client = as_user(place.instructor)
    key = form_key(client.get(person_url(place.enrolment)).content.decode())
    data = verdicts(place.lesson, ["pass", "fail", "pass"]) | {"idempotency_key": key}
    assert client.post(person_url(place.enrolment), data).status_code == 302
    assert client.post(person_url(place.enrolment), data).status_code == 302
    assert SkillSignOff.objects.count() == 3
    assert Notice.objects.filter(user=place.learner).count() == 1


def test_only_instructors_sign_off_coordinators_in_scope_read_and_others_get_404(place, as_user):
    sign_off(place.instructor, place.enrolment, {skill_ids(place.lesson)[0]: (False, "")})
    for outsider in (place.stranger, place.learner, place.other_town_lead):
        client = as_user(outsider)
        assert client.get(roster_url(place.session)).status_code == 404
        assert client.get(person_url(place.enrolment)).status_code == 404
        post = client.post(person_url(place.enrolment), verdicts(place.lesson, ["pass"] * 3))
        assert post.status_code == 404
    lead = as_user(place.town_lead)
    roster = lead.get(roster_url(place.session)).content.decode()
    assert 'data-testid="read-only"' in roster and "示例学员" in roster
    page = lead.get(person_url(place.enrolment)).content.decode()
    assert 'data-testid="signoff-form"' not in page and "未达标" in page
    assert 'data-testid="read-only"' in page
    refused = lead.post(person_url(place.enrolment), verdicts(place.lesson, ["pass"] * 3))
    assert refused.status_code == 403
    assert SkillSignOff.objects.count() == 1


def test_an_enrolment_of_another_session_and_malformed_ids_are_404(place, as_user):
    other = session_of(place)
    elsewhere = EnrolmentFactory(session=other, checked_in=True)
    client = as_user(place.instructor)
    wrong = f"/drills/sessions/{place.session.pk}/skills/{elsewhere.pk}/"
    assert client.get(wrong).status_code == 404
    assert client.get("/drills/sessions/99999999999999999999999/skills/").status_code == 404
    assert client.get(f"/drills/sessions/{place.session.pk}/skills/abc/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(place, client):
    response = client.get(roster_url(place.session))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_roster_lists_the_checked_in_only_with_their_state(place, as_user):
    EnrolmentFactory(session=place.session, user__name="未到的人", attendance="no_show")
    late = EnrolmentFactory(session=place.session, user__name="迟到的人", attendance="late")
    ids = skill_ids(place.lesson)
    sign_off(place.instructor, late, {skill: (True, "") for skill in ids})
    sign_off(place.instructor, place.enrolment, {ids[0]: (False, "")})
    html = as_user(place.instructor).get(roster_url(place.session)).content.decode()
    assert "迟到的人" in html and "示例学员" in html and "未到的人" not in html
    assert "全部达标" in html and "1项未达标" in html


def test_sign_off_pages_take_the_same_number_of_queries_whatever_the_roster(
    place, as_user, django_assert_max_num_queries
):
    client = as_user(place.instructor)
    ids = skill_ids(place.lesson)
    client.get(roster_url(place.session))
    client.get(person_url(place.enrolment))
    for number in range(6):
        enrolment = EnrolmentFactory(session=place.session, checked_in=True)
        sign_off(place.instructor, enrolment, {ids[number % 3]: (number % 2 == 0, "")})
    with django_assert_max_num_queries(10):
        assert client.get(roster_url(place.session)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(person_url(place.enrolment)).status_code == 200


def test_sign_offs_are_append_only(place):
    result = sign_off(place.instructor, place.enrolment, {skill_ids(place.lesson)[0]: (True, "")})
    row = result.rows[0]
    row.passed = False
    with pytest.raises(RecordRefused):
        row.save()
    with pytest.raises(RecordRefused):
        row.delete()
    # A queryset's delete (or a cascade) meets the pre_delete receiver.
    with pytest.raises(RecordRefused), transaction.atomic():
        SkillSignOff.objects.all().delete()
    assert SkillSignOff.objects.get().passed is True


def test_the_service_takes_a_moment_for_the_demo(place):
    moment = timezone.now() - timedelta(minutes=30)
    ids = skill_ids(place.lesson)
    sign_off(place.instructor, place.enrolment, {skill: (True, "") for skill in ids}, now=moment)
    assert set(SkillSignOff.objects.values_list("signed_at", flat=True)) == {moment}
    progress = LessonProgress.objects.get(enrolment__user=place.learner, lesson=place.lesson)
    assert progress.completed_at == moment


def test_a_skill_removed_from_the_checklist_no_longer_counts_its_verdict_stays(place):
    ids = skill_ids(place.lesson)
    sign_off(place.instructor, place.enrolment, {ids[0]: (True, ""), ids[1]: (False, "")})
    lesson = place.lesson
    lesson.skills = [raw for raw in lesson.skills.raw_data if raw["id"] != ids[1]]
    lesson.save()
    result = sign_off(place.instructor, place.enrolment, {ids[2]: (True, "")})
    assert result.completed_now and completed(place)
    assert SkillSignOff.objects.filter(skill_id=ids[1], passed=False).exists()


def test_a_cancelled_session_is_refused(place):
    place.session.cancelled_at = timezone.now()
    place.session.save()
    with pytest.raises(SignOffRefused, match="已取消"):
        sign_off(place.instructor, place.enrolment, {skill_ids(place.lesson)[0]: (True, "")})


def test_the_completion_reaches_the_requirements_report(place, as_user):
    """Signed off on every skill, the learner counts as completed where a requirement asks it."""
    requirement = TrainingRequirement.objects.create(
        course=place.course,
        organisation=place.town,
        roles=[Role.STAFF],
        due_date=timezone.localdate() + timedelta(days=30),
    )
    query = {"requirement": requirement.pk, "organisation": place.town.pk}

    def unit_row():
        rows = as_user(place.town_lead).get("/reports/", query).context["rows"]
        [row] = [row for row in rows if row.organisation == place.unit]
        return row.required, row.completed

    assert unit_row() == (2, 0)  # the learner and another member of the unit
    sign_off(place.instructor, place.enrolment, dict.fromkeys(skill_ids(place.lesson), (True, "")))
    assert unit_row() == (2, 1)
