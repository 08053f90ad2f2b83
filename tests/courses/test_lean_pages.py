"""Signed-in pages read little (issue 14 §2): what every page repeats comes from the cache, and
what is the same for every learner is rendered once; each change still shows at once."""

from datetime import date

import pytest

from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.models import PageViewRestriction

from accounts.models import Notice
from alerts.models import DispatchRecipient
from courses import services
from courses.models import LessonPage, TrainingRequirement
from home.models import FooterSettings
from organisations.models import Membership
from tests.alerts.builders import make_alert_index, make_risk_alert
from tests.courses.conftest import make_course
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

# As in production (config/settings/base.py with REDIS_URL): the session is read from the cache.
CACHED_SESSIONS = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = CACHED_SESSIONS


def _required(course, district, roles=("responsible",), due=date(2027, 6, 30)):
    return TrainingRequirement.objects.create(
        course=course, organisation=district["district"], roles=list(roles), due_date=due
    )


def _warm_get(client, url):
    client.get(url)
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("lessons", [3, 15])
def test_a_warm_lesson_page_runs_at_most_six_queries(
    client, cached_sessions, course_index, district, responsible, lessons,
    django_assert_max_num_queries,
):  # fmt: skip
    course = make_course(course_index, slug=f"size-{lessons}", lessons=lessons)
    _required(course, district)
    first, second = list(course.get_lessons())[:2]
    services.complete_lesson(responsible, first)
    client.force_login(responsible)
    assert _warm_get(client, second.url).status_code == 200
    # The user, the lesson, its course, the enrolment, the progress rows, the header's figures.
    with django_assert_max_num_queries(6):
        response = client.get(second.url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"第 2 课，共 {lessons} 课" in page
    assert response.context["course_percent"] == round(100 / lessons)
    assert response.context["previous_lesson"].pk == first.pk


@pytest.mark.django_db
def test_a_lesson_of_a_completed_course_adds_only_the_renewal_check(
    client, cached_sessions, course, district, responsible, django_assert_max_num_queries
):
    _required(course, district)
    for lesson in course.get_lessons():
        services.complete_lesson(responsible, lesson)
    client.force_login(responsible)
    lesson = course.get_lessons().last()
    assert _warm_get(client, lesson.url).status_code == 200
    # Whether the completion has lapsed needs the person's memberships and requirements.
    with django_assert_max_num_queries(8):
        assert client.get(lesson.url).context["lesson_done"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 6])
def test_my_learning_runs_at_most_seven_queries(
    client, cached_sessions, course_index, district, responsible, size,
    django_assert_max_num_queries,
):  # fmt: skip
    for number in range(size):
        course = make_course(
            course_index, title=f"课程{number}", slug=f"c{number}", lessons=2, has_certificate=True
        )
        _required(course, district, due=date(2027, 1, number + 1))
        services.complete_lesson(responsible, course.get_lessons().first())
    for lesson in course.get_lessons():  # the last one completed, with its certificate
        services.complete_lesson(responsible, lesson)
    make_course(course_index, title="推荐课程", slug="suggested", audience_roles=["responsible"])
    make_risk_alert(make_alert_index(course_index.get_parent()))
    client.force_login(responsible)
    assert _warm_get(client, "/learn/").status_code == 200
    with django_assert_max_num_queries(7):
        response = client.get("/learn/")
    assert len(response.context["required"]) == size
    assert len(response.context["certificates"]) == 1
    assert [c.title for c in response.context["recommended"]] == ["推荐课程"]
    assert "冬季取暖用火用电风险提示" in response.content.decode()


@pytest.mark.django_db
def test_a_new_lesson_is_counted_on_its_course_s_lesson_pages_at_once(client, course, responsible):
    client.force_login(responsible)
    lesson = course.get_lessons().last()
    assert _warm_get(client, lesson.url).context["lesson_count"] == 3
    added = course.add_child(instance=LessonPage(title="第4课", slug="lesson-4"))
    added.save_revision().publish()
    response = client.get(lesson.url)
    assert response.context["lesson_count"] == 4
    assert response.context["next_lesson_page"].pk == added.pk
    added.unpublish()
    assert client.get(lesson.url).context["lesson_count"] == 3
    assert _warm_get(client, "/learn/").status_code == 200


@pytest.mark.django_db
def test_an_edited_lesson_body_shows_at_once_to_signed_in_learners(client, course, responsible):
    client.force_login(responsible)
    lesson = course.get_lessons().first().specific
    _warm_get(client, lesson.url)
    lesson.body = [("paragraph", "<p>新版正文：灭火器压力表指针应在绿区</p>")]
    lesson.save_revision().publish()
    assert "新版正文" in client.get(lesson.url).content.decode()


@pytest.mark.django_db
def test_a_preview_of_a_draft_body_is_never_kept_for_learners(client, course, responsible):
    lesson = course.get_lessons().first().specific
    client.force_login(responsible)
    _warm_get(client, lesson.url)  # the live body is kept
    lesson.body = [("paragraph", "<p>草稿正文，尚未审核</p>")]
    draft = lesson.save_revision().as_object()
    # What an editor's preview renders: the draft, not the body kept for the live page.
    assert "草稿正文" in draft.make_preview_request().content.decode()
    # And the preview left nothing behind for the learners.
    assert "草稿正文" not in client.get(lesson.url).content.decode()


@pytest.mark.django_db
def test_pupils_of_each_stage_read_their_own_sections_from_the_kept_body(client, course_index):
    course = make_course(course_index, slug="first-lesson", lessons=1)
    lesson = course.get_lessons().first().specific
    lesson.body = [
        ("paragraph", "<p>大家都读的话</p>"),
        ("section", {"audience": "primary", "content": [("paragraph", "<p>小学生读的话</p>")]}),
        ("section", {"audience": "secondary", "content": [("paragraph", "<p>中学生读的话</p>")]}),
    ]
    lesson.save_revision().publish()
    school = OrganisationFactory(name="青浦区实验小学", kind="school")
    middle = OrganisationFactory(name="青浦区第一中学", kind="school")
    readers = {}
    for name, parent, class_name in (
        ("小明", school, "三年级（1）班"),
        ("小红", middle, "初二（2）班"),
    ):
        pupil = UserFactory(name=name)
        school_class = OrganisationFactory(name=class_name, kind="class", parent=parent)
        MembershipFactory(user=pupil, organisation=school_class, role=Membership.Role.STUDENT)
        readers[name] = pupil
    seen = {}
    for _round in range(2):  # the second round reads the bodies kept by the first
        for name, pupil in readers.items():
            client.force_login(pupil)
            seen[name] = client.get(lesson.url).content.decode()
    assert "小学生读的话" in seen["小明"] and "中学生读的话" not in seen["小明"]
    assert "中学生读的话" in seen["小红"] and "小学生读的话" not in seen["小红"]
    assert all("大家都读的话" in page for page in seen.values())


@pytest.mark.django_db
def test_a_changed_footer_shows_on_signed_in_pages_at_once(client, home_page, responsible):
    client.force_login(responsible)
    _warm_get(client, "/learn/")
    footer = FooterSettings.for_site(home_page.get_site())
    footer.organiser = "青浦区消防救援支队（新）"
    footer.save()
    assert "青浦区消防救援支队（新）" in client.get("/learn/").content.decode()


@pytest.mark.django_db
def test_a_risk_alert_published_or_ended_changes_my_learning_at_once(
    client, home_page, responsible, time_machine
):
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 12, 3, 9)))
    alerts = make_alert_index(home_page)
    client.force_login(responsible)
    assert "冬季取暖" not in _warm_get(client, "/learn/").content.decode()
    make_risk_alert(alerts, valid_from=date(2026, 12, 1), valid_to=date(2026, 12, 3))
    assert "冬季取暖用火用电风险提示" in client.get("/learn/").content.decode()
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 12, 4, 9)))
    assert "冬季取暖用火用电风险提示" not in client.get("/learn/").content.decode()


@pytest.mark.django_db
def test_only_readers_of_a_unit_are_asked_for_pending_acknowledgements(
    client, cached_sessions, home_page, district, responsible, django_assert_max_num_queries
):
    staff = UserFactory(name="普通员工")
    MembershipFactory(user=staff, organisation=district["unit"], role=Membership.Role.STAFF)
    client.force_login(staff)
    _warm_get(client, "/learn/")
    with django_assert_max_num_queries(5):
        assert client.get("/learn/").context["learner_roles"] == {"staff"}
    assert DispatchRecipient.objects.count() == 0


@pytest.mark.django_db
def test_the_editor_s_bar_is_shown_to_editors_only(client, home_page, responsible):
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    assert "wagtail-userbar" in client.get("/").content.decode()
    client.force_login(responsible)
    assert "wagtail-userbar" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_course_restricted_to_signed_in_groups_is_not_suggested(
    client, course_index, responsible
):
    hidden = make_course(
        course_index, title="内部课程", slug="internal", audience_roles=["responsible"]
    )
    make_course(course_index, title="公开课程", slug="open", audience_roles=["responsible"])
    restriction = PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="内部"))
    client.force_login(responsible)
    suggested = [c.title for c in client.get("/learn/").context["recommended"]]
    assert suggested == ["公开课程"]


@pytest.mark.django_db
def test_a_course_published_or_unpublished_changes_the_suggestions_at_once(
    client, course_index, responsible
):
    client.force_login(responsible)
    assert _warm_get(client, "/learn/").context["recommended"] == []
    added = make_course(course_index, title="新课程", slug="new", audience_roles=["responsible"])
    added.save_revision().publish()  # as the editor's 发布 does (the factory makes it live quietly)
    assert [c.title for c in client.get("/learn/").context["recommended"]] == ["新课程"]
    added.unpublish()
    assert client.get("/learn/").context["recommended"] == []


@pytest.mark.django_db
def test_my_learning_lists_unread_messages_and_reads_them_only_when_there_are_some(
    client, cached_sessions, home_page, responsible, django_assert_num_queries
):
    client.force_login(responsible)
    _warm_get(client, "/learn/")
    # Session, user, memberships, enrolments, the header's figures; no requirement applies.
    with django_assert_num_queries(5):
        page = client.get("/learn/").content.decode()
    assert "learn-notices" not in page
    Notice.objects.create(user=responsible, title="请完成年度消防培训", link="/learn/")
    Notice.objects.create(user=responsible, title="已读的旧消息", read_at=timezone.now())
    with django_assert_num_queries(6):
        page = client.get("/learn/").content.decode()
    assert "请完成年度消防培训" in page
    assert "已读的旧消息" not in page
