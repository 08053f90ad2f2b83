import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from django.core.cache import cache
from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.models import CampaignPage, Enrolment, TrainingRequirement
from organisations.models import JoinCode, Membership
from tests.courses.conftest import make_course
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
Role = Membership.Role


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def student(klass, name, number=""):
    user = UserFactory(name=name)
    MembershipFactory(user=user, organisation=klass, role=Role.STUDENT, number=number)
    return user


def finished(user, course, when):
    return Enrolment.objects.create(
        user=user, course=course, started_at=when, last_activity_at=when, completed_at=when
    )


@pytest.fixture
def schools(db):
    district = OrganisationFactory(name="青浦区", kind="district")
    town = OrganisationFactory(name="朱家角镇", kind="town", parent=district)
    other_town = OrganisationFactory(name="练塘镇", kind="town", parent=district)
    bureau = OrganisationFactory(
        name="区教育局", kind="department", sector="education", parent=district
    )
    school = OrganisationFactory(
        name="示例朱家角小学", kind="school", sector="education", parent=town
    )
    other_school = OrganisationFactory(
        name="示例练塘小学", kind="school", sector="education", parent=other_town
    )
    class_a = OrganisationFactory(
        name="三年级（2）班", kind="class", sector="education", parent=school
    )
    class_b = OrganisationFactory(
        name="三年级（1）班", kind="class", sector="education", parent=school
    )
    class_c = OrganisationFactory(
        name="一年级（1）班", kind="class", sector="education", parent=other_school
    )
    return {
        "district": district,
        "town": town,
        "bureau": bureau,
        "school": school,
        "other_school": other_school,
        "class_a": class_a,
        "class_b": class_b,
        "class_c": class_c,
    }


@pytest.fixture
def campaign(course_index, schools):
    course = make_course(course_index, lessons=2, slug="first-lesson", audience_roles=["student"])
    page = CampaignPage(
        title="2026年秋季消防安全开学第一课",
        slug="first-lesson-2026",
        intro="开学第一课",
        course=course,
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 9, 30),
        target=schools["district"],
    )
    course_index.add_child(instance=page)
    page.save_revision().publish()
    return CampaignPage.objects.get(pk=page.pk)


@pytest.fixture
def pupils(campaign, schools):
    """Class A: 3 students, 2 finished in the window (one on 09-03, one on 09-10), one before.

    Class B: 1 student, finished on 09-10. Class C (other town): 2 students, 1 finished 09-03,
    1 finished after the window.
    """
    course = campaign.course
    a1 = student(schools["class_a"], "王小明", "01")
    a2 = student(schools["class_a"], "李小红", "02")
    a3 = student(schools["class_a"], "张小刚", "03")
    b1 = student(schools["class_b"], "赵小雨", "01")
    c1 = student(schools["class_c"], "钱小杰", "01")
    c2 = student(schools["class_c"], "孙小雪", "02")
    finished(a1, course, at(2026, 9, 3, 10))
    finished(a2, course, at(2026, 9, 10, 10))
    finished(a3, course, at(2026, 8, 20, 10))  # before the window
    finished(b1, course, at(2026, 9, 10, 18))
    finished(c1, course, at(2026, 9, 3, 9))
    finished(c2, course, at(2026, 10, 2, 9))  # after the window
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "c1": c1, "c2": c2}


def coordinator(organisation, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
    return user


@pytest.fixture
def teacher(schools):
    user = coordinator(schools["class_a"], name="周老师")
    MembershipFactory(user=user, organisation=schools["class_a"], role=Role.TEACHER)
    return user


@pytest.fixture
def edu_dept(schools):
    return coordinator(schools["bureau"], name="教育局干事")


@pytest.fixture
def town(schools):
    return coordinator(schools["town"], name="镇协调员")


def overview_url(campaign, **query):
    url = reverse("courses:campaign", args=[campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def roster_url(campaign, klass):
    return reverse("courses:campaign_roster", args=[campaign.pk, klass.pk])


# ---- the page and its requirement ------------------------------------------------------------


def test_campaign_lives_under_the_course_index_only(campaign):
    assert CampaignPage.parent_page_types == ["courses.CourseIndexPage"]
    assert "courses.CampaignPage" in campaign.get_parent().specific.subpage_types


def admin_form_data(campaign_fields):
    return nested_form_data(
        {
            "title": "2027年春季开学第一课",
            "slug": "first-lesson-2027",
            "intro": "",
            "body": streamfield([]),
            "require_training": "on",
            **campaign_fields,
        }
    )


def test_editor_cannot_save_a_campaign_ending_before_it_starts(client, course_index, campaign):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:add", args=["courses", "campaignpage", course_index.pk])
    response = client.post(
        url,
        admin_form_data(
            {
                "course": campaign.course_id,
                "target": campaign.target_id,
                "starts_on": "2027-03-01",
                "ends_on": "2027-02-01",
            }
        ),
    )
    assert response.status_code == 200
    assert "最后一天不能早于第一天" in response.content.decode()
    assert CampaignPage.objects.count() == 1


def test_editor_saves_a_valid_campaign_in_the_admin(client, course_index, campaign):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:add", args=["courses", "campaignpage", course_index.pk])
    response = client.post(
        url,
        admin_form_data(
            {
                "course": campaign.course_id,
                "target": campaign.target_id,
                "starts_on": "2027-03-01",
                "ends_on": "2027-03-31",
                "action-publish": "action-publish",
            }
        ),
    )
    assert response.status_code == 302
    created = CampaignPage.objects.get(slug="first-lesson-2027")
    assert created.live
    assert created.requirement.due_date == date(2027, 3, 31)


def test_publishing_a_campaign_requires_students_and_teachers_by_its_last_day(campaign, schools):
    requirement = campaign.requirement
    assert requirement is not None
    assert requirement.course_id == campaign.course_id
    assert requirement.organisation == schools["district"]
    assert set(requirement.roles) == {"student", "teacher"}
    assert requirement.due_date == date(2026, 9, 30)
    assert requirement.is_active


def test_republishing_with_a_new_end_updates_the_same_requirement(campaign):
    campaign.ends_on = date(2026, 10, 15)
    campaign.save_revision().publish()
    assert TrainingRequirement.objects.filter(course=campaign.course).count() == 1
    assert TrainingRequirement.objects.get().due_date == date(2026, 10, 15)


def test_campaign_adopts_an_existing_requirement_for_the_same_course_and_target(
    course_index, schools
):
    course = make_course(course_index, lessons=1, slug="c2")
    existing = TrainingRequirement.objects.create(
        course=course,
        organisation=schools["district"],
        roles=["student"],
        due_date=date(2026, 9, 1),
    )
    page = CampaignPage(
        title="活动",
        slug="c2-campaign",
        course=course,
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 9, 30),
        target=schools["district"],
    )
    course_index.add_child(instance=page)
    page.save_revision().publish()
    existing.refresh_from_db()
    assert TrainingRequirement.objects.filter(course=course).count() == 1
    assert existing.due_date == date(2026, 9, 30)
    assert set(existing.roles) == {"student", "teacher"}


def test_unpublishing_or_opting_out_retires_the_requirement(campaign):
    requirement = campaign.requirement
    campaign.unpublish()
    requirement.refresh_from_db()
    assert not requirement.is_active
    campaign.require_training = False
    campaign.save_revision().publish()
    requirement.refresh_from_db()
    assert not requirement.is_active


# ---- public landing page and board -----------------------------------------------------------


def test_public_board_shows_counts_and_rates_per_school_and_never_names(client, pupils, campaign):
    response = client.get(campaign.url)
    assert response.status_code == 200
    html = response.content.decode()
    board = response.context["board"]
    rows = {row.name: (row.students, row.completed, row.rate) for row in board["rows"]}
    # Zhujiajiao: 4 students, a1, a2 and b1 finished within the window (a3 finished before it).
    assert rows["示例朱家角小学"] == (4, 3, 75)
    # Liantang: 2 students, only c1 within the window (c2 after it).
    assert rows["示例练塘小学"] == (2, 1, 50)
    assert (board["total"].students, board["total"].completed) == (6, 4)
    for name in ("王小明", "李小红", "张小刚", "赵小雨", "钱小杰", "孙小雪"):
        assert name not in html
    assert "75%" in html
    # One figure, one name: the share of registered pupils who finished is 完成率 everywhere.
    assert html.count("完成率") == 2 and "参与率" not in html


def test_public_board_is_a_fixed_few_queries_and_cached_for_a_minute(
    client, pupils, campaign, django_assert_num_queries
):
    from courses.campaigns import public_board

    cache.clear()
    with django_assert_num_queries(3):  # the target, its schools, then every count at once
        public_board(campaign)
    with django_assert_num_queries(0):
        public_board(campaign)


def test_public_board_query_count_does_not_grow_with_schools(
    client, campaign, schools, django_assert_num_queries
):
    from courses.campaigns import public_board

    def measure():
        cache.clear()
        with django_assert_num_queries(3):
            public_board(campaign)

    measure()
    for number in range(5):
        school = OrganisationFactory(
            name=f"示例学校{number}", kind="school", parent=schools["town"]
        )
        klass = OrganisationFactory(name="一班", kind="class", parent=school)
        for index in range(3):
            finished(student(klass, f"学生{number}{index}"), campaign.course, at(2026, 9, 5, 9))
    measure()


def test_landing_page_query_count_is_fixed(client, pupils, campaign, django_assert_max_num_queries):
    client.get(campaign.url)  # warm Wagtail's site cache
    cache.clear()
    # With the cache empty the route is walked as Wagtail does, and one query notes that no view
    # restriction applies, for the routes kept (editorial/routes.py).
    with django_assert_max_num_queries(15):
        assert client.get(campaign.url).status_code == 200


def test_join_form_sends_a_valid_code_to_the_join_page(client, campaign):
    response = client.get(campaign.url, {"code": " 34ac-6de7 "})
    assert response.status_code == 302
    assert response["Location"] == "/join/34AC6DE7/"


@pytest.mark.parametrize("code", ["", "123", "ABCDEFGHIJ", "OOOOOOOO", "<script>"])
def test_join_form_with_a_bad_code_shows_an_error_at_the_field(client, campaign, code):
    response = client.get(campaign.url, {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "加入码由8位字母和数字组成" in html
    assert "<script>" not in html.split("id_code")[1][:200]


def test_signed_in_teacher_sees_their_class_and_can_make_its_code_on_the_campaign_page(
    client, campaign, teacher, schools
):
    client.force_login(teacher)
    html = client.get(campaign.url).content.decode()
    assert "三年级（2）班" in html
    assert "一年级（1）班" not in html
    response = client.post(
        reverse("courses:campaign_join_code", args=[campaign.pk, schools["class_a"].pk]),
        {"back": "campaign"},
    )
    assert response.status_code == 302
    assert response["Location"] == campaign.url
    code = JoinCode.objects.get(organisation=schools["class_a"])
    assert code.code in client.get(campaign.url).content.decode()


# ---- join codes --------------------------------------------------------------------------------


def test_teacher_makes_the_class_code_once_and_then_reuses_it(client, campaign, teacher, schools):
    client.force_login(teacher)
    url = reverse("courses:campaign_join_code", args=[campaign.pk, schools["class_a"].pk])
    client.post(url)
    client.post(url)
    codes = JoinCode.objects.filter(organisation=schools["class_a"])
    assert codes.count() == 1
    code = codes.get()
    assert code.role == Role.STUDENT
    assert code.created_by == teacher
    assert code.code in client.get(roster_url(campaign, schools["class_a"])).content.decode()


def test_a_retired_code_is_replaced_by_a_new_one(client, campaign, teacher, schools):
    JoinCode.objects.create(
        organisation=schools["class_a"], code="AAAAAAAA", role=Role.STUDENT, is_active=False
    )
    client.force_login(teacher)
    client.post(reverse("courses:campaign_join_code", args=[campaign.pk, schools["class_a"].pk]))
    assert JoinCode.objects.filter(organisation=schools["class_a"], is_active=True).count() == 1


def test_school_coordinator_can_make_a_code_for_any_class_of_the_school(client, campaign, schools):
    school_coordinator = coordinator(schools["school"])
    client.force_login(school_coordinator)
    response = client.post(
        reverse("courses:campaign_join_code", args=[campaign.pk, schools["class_b"].pk])
    )
    assert response.status_code == 302
    assert JoinCode.objects.filter(organisation=schools["class_b"]).exists()


def test_teacher_cannot_make_a_code_for_another_class(client, campaign, teacher, schools):
    client.force_login(teacher)
    response = client.post(
        reverse("courses:campaign_join_code", args=[campaign.pk, schools["class_b"].pk])
    )
    assert response.status_code == 404
    assert not JoinCode.objects.exists()


def test_join_code_needs_a_post(client, campaign, teacher, schools):
    client.force_login(teacher)
    url = reverse("courses:campaign_join_code", args=[campaign.pk, schools["class_a"].pk])
    assert client.get(url).status_code == 405


# ---- the teacher's roster ----------------------------------------------------------------------


def test_teacher_sees_who_in_the_class_finished_within_the_window(
    client, pupils, campaign, teacher, schools
):
    client.force_login(teacher)
    response = client.get(roster_url(campaign, schools["class_a"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "王小明" in html and "李小红" in html and "张小刚" in html
    assert "赵小雨" not in html  # another class
    statuses = {member.user.name: member.completed_at for member in response.context["roster"]}
    assert statuses["王小明"] == at(2026, 9, 3, 10)
    assert statuses["张小刚"] is None  # finished before the campaign began
    assert response.context["finished"] == 2


def test_another_class_roster_is_404_for_the_teacher(client, pupils, campaign, teacher, schools):
    client.force_login(teacher)
    assert client.get(roster_url(campaign, schools["class_b"])).status_code == 404
    assert client.get(roster_url(campaign, schools["class_c"])).status_code == 404
    # Not a class at all, and a class id that does not exist.
    assert client.get(roster_url(campaign, schools["school"])).status_code == 404
    assert client.get(f"/manage/campaigns/{campaign.pk}/classes/999999/").status_code == 404


def test_student_cannot_open_a_roster(client, pupils, campaign, schools):
    client.force_login(pupils["a1"])
    assert client.get(roster_url(campaign, schools["class_a"])).status_code in (403, 404)


def test_roster_needs_sign_in(client, campaign, schools):
    response = client.get(roster_url(campaign, schools["class_a"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_or_unpublished_campaign_is_404(client, campaign, teacher, schools):
    client.force_login(teacher)
    assert client.get("/manage/campaigns/999999/").status_code == 404
    campaign.unpublish()
    assert client.get(roster_url(campaign, schools["class_a"])).status_code == 404


def test_printable_roster_lists_the_class(client, pupils, campaign, teacher, schools):
    JoinCode.objects.create(organisation=schools["class_a"], code="ACDEFGHJ", role=Role.STUDENT)
    client.force_login(teacher)
    response = client.get(roster_url(campaign, schools["class_a"]), {"print": "1"})
    html = response.content.decode()
    assert "print-sheet" in html
    assert "ACDEFGHJ" in html
    assert "王小明" in html


def test_roster_query_count_is_fixed(
    client, pupils, campaign, teacher, schools, django_assert_max_num_queries
):
    client.force_login(teacher)
    url = roster_url(campaign, schools["class_a"])
    client.get(url)
    with django_assert_max_num_queries(13) as small:
        client.get(url)
    for number in range(10):
        finished(student(schools["class_a"], f"加学生{number}"), campaign.course, at(2026, 9, 9))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


# ---- the bureau's overview -------------------------------------------------------------------


def test_edu_dept_sees_every_school_of_the_district(client, pupils, campaign, edu_dept):
    client.force_login(edu_dept)
    response = client.get(overview_url(campaign))
    assert response.status_code == 200
    rows = {row.name: (row.students, row.completed) for row in response.context["rows"]}
    assert rows == {"示例朱家角小学": (4, 3), "示例练塘小学": (2, 1)}
    assert response.context["level"] == "school"


def test_edu_dept_drills_into_a_school_by_class(client, pupils, campaign, edu_dept, schools):
    client.force_login(edu_dept)
    response = client.get(overview_url(campaign, school=schools["school"].pk))
    rows = {row.name: (row.students, row.completed) for row in response.context["rows"]}
    assert rows == {"三年级（2）班": (3, 2), "三年级（1）班": (1, 1)}
    # Names stay on the rosters: the overview shows numbers only.
    assert "王小明" not in response.content.decode()


def test_daily_figure_counts_new_completions_per_day_of_the_window(
    client, pupils, campaign, edu_dept
):
    client.force_login(edu_dept)
    response = client.get(overview_url(campaign))
    days = dict(response.context["days"])
    assert len(days) == 30
    assert days[date(2026, 9, 3)] == 2  # a1 and c1
    assert days[date(2026, 9, 10)] == 2  # a2 and b1
    assert response.context["days_total"] == 4
    html = response.content.decode()
    assert "<svg" in html and "<rect" in html


def test_town_coordinator_sees_only_the_town_school(client, pupils, campaign, town, schools):
    client.force_login(town)
    response = client.get(overview_url(campaign))
    assert [row.name for row in response.context["rows"]] == ["示例朱家角小学"]
    assert response.context["days_total"] == 3
    assert client.get(overview_url(campaign, school=schools["other_school"].pk)).status_code == 404
    assert client.get(roster_url(campaign, schools["class_c"])).status_code == 404
    assert client.get(roster_url(campaign, schools["class_a"])).status_code == 200


def test_teacher_overview_shows_their_class_only(client, pupils, campaign, teacher, schools):
    client.force_login(teacher)
    response = client.get(overview_url(campaign))
    assert response.context["level"] == "class"
    assert [(r.name, r.students, r.completed) for r in response.context["rows"]] == [
        ("三年级（2）班", 3, 2)
    ]
    assert response.context["days_total"] == 2
    html = response.content.decode()
    assert html.count("完成率") == 2 and "参与率" not in html
    assert client.get(overview_url(campaign, school=schools["school"].pk)).status_code == 404


@pytest.mark.parametrize("school", ["abc", "-1", "999999", "1%20OR%201=1", "9" * 30])
def test_overview_with_a_bad_school_is_404(client, campaign, edu_dept, school):
    client.force_login(edu_dept)
    assert client.get(overview_url(campaign, school=school)).status_code == 404


def test_overview_is_refused_to_people_who_coordinate_nothing(client, pupils, campaign):
    client.force_login(pupils["a1"])
    assert client.get(overview_url(campaign)).status_code == 403
    assert client.get(reverse("courses:campaigns")).status_code == 403


def test_overview_query_count_is_fixed_at_two_data_sizes(
    client, pupils, campaign, edu_dept, schools, django_assert_max_num_queries
):
    client.force_login(edu_dept)
    client.get(overview_url(campaign))
    with django_assert_max_num_queries(13) as small:
        client.get(overview_url(campaign))
    for number in range(6):
        school = OrganisationFactory(
            name=f"示例学校{number}", kind="school", sector="education", parent=schools["town"]
        )
        for class_number in range(2):
            klass = OrganisationFactory(
                name=f"{class_number}班", kind="class", sector="education", parent=school
            )
            for index in range(3):
                user = student(klass, f"学生{number}{class_number}{index}")
                finished(user, campaign.course, at(2026, 9, 1 + index, 9))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(overview_url(campaign))
    assert len(response.context["rows"]) == 8


def test_campaign_list_links_to_the_overview(client, campaign, edu_dept):
    client.force_login(edu_dept)
    html = client.get(reverse("courses:campaigns")).content.decode()
    assert overview_url(campaign) in html
    assert re.search(r"2026-09-01", html)


def test_public_board_is_computed_without_the_cache_when_redis_is_down(
    client, pupils, campaign, settings, caplog, monkeypatch
):
    from config import cache as disposable

    monkeypatch.setattr(disposable, "_last_logged", float("-inf"))
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.DisposableRedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    caplog.set_level("WARNING", logger="config.cache")
    for _ in range(2):
        response = client.get(campaign.url)
        assert response.status_code == 200
        assert response.context["board"]["total"].completed == 4
    assert [r.name for r in caplog.records if r.name == "config.cache"] == ["config.cache"]
