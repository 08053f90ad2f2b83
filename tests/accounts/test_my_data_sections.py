"""My data gathers every app's records about a person; deleting the account anonymises them.

Each app contributes its section through its own my_data.py (accounts imports none of them).
"""

import json
from decimal import Decimal

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from accounts.my_data import DELETED_NAME
from alerts.models import Dispatch, DispatchRecipient
from courses import services as course_services
from courses.models import Certificate, Enrolment
from organisations import audit
from organisations.models import AuditEntry, Membership, Organisation
from quizzes import services as quiz_services
from tests.alerts.builders import make_alert_index, make_case
from tests.courses.conftest import make_course
from tests.courses.factories import CourseIndexPageFactory
from tests.factories import TEST_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory
from volunteers.models import ServiceRecord

EXPORT = reverse("accounts_my_data:export")
OVERVIEW = reverse("accounts_my_data:overview")
DELETE = reverse("accounts_my_data:delete")

# A tiny valid PNG, so the volunteer record has a photo to delete.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def learner_with_data(home_page, learner):
    unit = OrganisationFactory(name="示例商场", kind=Organisation.Kind.UNIT)
    team = OrganisationFactory(name="示例志愿队", kind=Organisation.Kind.VOLUNTEER_TEAM)
    MembershipFactory(user=learner, organisation=unit, role=Membership.Role.RESPONSIBLE)
    MembershipFactory(user=learner, organisation=team, role=Membership.Role.VOLUNTEER)

    course = make_course(
        CourseIndexPageFactory(parent=home_page), lessons=2, has_certificate=True, title="示例课程"
    )
    for lesson in course.get_lessons():
        course_services.complete_lesson(learner, lesson)

    question = QuestionFactory(right="A", stem="示例题：灭火器压力表绿区表示什么？")
    quiz = QuizFactory(title="示例测验", questions=[question], review_policy="right_wrong")
    attempt = quiz_services.start_attempt(learner, quiz)
    quiz_services.submit_attempt(
        attempt, {str(question.pk): [question.choices.order_by("sort_order")[0].pk]}
    )

    record = ServiceRecord.objects.create(
        volunteer=learner,
        team=team,
        date=timezone.localdate(),
        kind=ServiceRecord.Kind.PUBLICITY,
        hours=Decimal("2.5"),
        place="示例社区",
        description="示例：入户宣传",
        submitted_by=learner,
        photo=SimpleUploadedFile("p.png", PNG, content_type="image/png"),
    )
    Notice.objects.create(user=learner, title="示例提醒：请完成年度轮训")

    case = make_case(make_alert_index(home_page))
    dispatch = Dispatch.objects.create(page=case, root=unit, recipient_count=1)
    DispatchRecipient.objects.create(
        dispatch=dispatch,
        organisation=unit,
        acknowledged_by=learner,
        acknowledged_at=timezone.now(),
    )
    coordinator = UserFactory(name="示例协调员")
    audit.record(coordinator, "firesafety.member.reset_password", instance=learner, person=learner)
    return {"record": record, "course": course}


@pytest.mark.django_db
def test_download_holds_every_section_of_a_learner_with_data(signed_in_client, learner_with_data):
    response = signed_in_client.get(EXPORT)
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["account"]["name"] == "张三明"
    assert {m["organisation"] for m in data["memberships"]} == {"示例商场", "示例志愿队"}
    assert data["enrolments"][0]["course"] == "示例课程"
    assert data["enrolments"][0]["completed_at"]
    assert len(data["lesson_progress"]) == 2
    assert data["certificates"][0]["holder_name"] == "张三明"
    assert data["certificates"][0]["course_title"] == "示例课程"
    assert data["quiz_attempts"][0]["quiz"] == "示例测验"
    assert data["quiz_attempts"][0]["score"] == 100
    answer = data["quiz_answers"][0]
    assert answer["question"] == "示例题：灭火器压力表绿区表示什么？"
    assert answer["choices"] == ["甲"] and answer["right"] == "是"
    assert data["service_records"][0]["hours"] == "2.5"
    assert data["service_records"][0]["place"] == "示例社区"
    assert data["messages"][0]["title"] == "示例提醒：请完成年度轮训"
    assert data["alert_acknowledgements"][0]["alert"] == "【示例】群租房室内充电引发火情"
    assert data["alert_acknowledgements"][0]["organisation"] == "示例商场"


@pytest.mark.django_db
def test_the_page_shows_every_section(
    signed_in_client, learner_with_data, django_assert_max_num_queries
):
    # As many queries as for a person with no records (tests/accounts/test_my_data.py).
    with django_assert_max_num_queries(22):
        page = signed_in_client.get(OVERVIEW).content.decode()
    for text in ("示例课程", "示例测验", "示例社区", "示例提醒：请完成年度轮训", "示例商场"):
        assert text in page


@pytest.mark.django_db
def test_answers_say_right_or_wrong_only_where_the_quiz_shows_it(signed_in_client, learner):
    question = QuestionFactory(right="A")
    quiz = QuizFactory(questions=[question], review_policy="score")
    attempt = quiz_services.start_attempt(learner, quiz)
    quiz_services.submit_attempt(attempt, {str(question.pk): []})
    data = json.loads(signed_in_client.get(EXPORT).content)
    assert data["quiz_answers"][0]["right"] == ""
    assert "is_correct" not in json.dumps(data)


@pytest.mark.django_db
def test_deleting_the_account_anonymises_certificates_audit_labels_and_photos(
    signed_in_client, client, learner, learner_with_data
):
    certificate = Certificate.objects.get(user=learner)
    photo_name = learner_with_data["record"].photo.name
    storage = learner_with_data["record"].photo.storage
    assert storage.exists(photo_name)
    response = signed_in_client.post(DELETE, {"password": TEST_PASSWORD})
    assert response.status_code == 302

    certificate.refresh_from_db()
    assert certificate.holder_name == DELETED_NAME
    page = client.get(reverse("courses:verify", args=[certificate.code])).content.decode()
    assert "张三明" not in page and "张*明" not in page
    assert "持证人已注销账户" in page
    # The completion and the certificate's status stay: the statistics do not change.
    assert Enrolment.objects.get(user=learner).completed_at is not None
    assert "有效" in page

    entry = AuditEntry.objects.get(action="firesafety.member.reset_password")
    assert entry.label == DELETED_NAME
    record = ServiceRecord.objects.get(pk=learner_with_data["record"].pk)
    assert not record.photo and not storage.exists(photo_name)
    assert record.hours == Decimal("2.5")
    assert not Notice.objects.filter(user=learner).exists()
    assert DispatchRecipient.objects.filter(acknowledged_by=learner).exists()
