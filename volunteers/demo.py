"""Demo volunteer service: the two 示例 teams with members, records in every state, a requirement."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.demo import ensure_user
from courses.models import CoursePage, TrainingRequirement
from organisations.demo import TEAM_BLUE, TEAM_FIRE
from organisations.models import Membership, Organisation

from .models import ServiceRecord

Kind = ServiceRecord.Kind
Status = ServiceRecord.Status
REQUIRED_COURSE = "extinguisher-and-hydrant"

# Invented volunteers (phones in a range no other demo uses): (team, login/phone, name)
EXTRA_VOLUNTEERS = [
    (TEAM_FIRE, "13812350001", "示例陆志刚"),
    (TEAM_FIRE, "13812350002", "示例沈佳怡"),
    (TEAM_FIRE, "13812350003", "示例顾建华"),
    (TEAM_BLUE, "13812350004", "示例蒋雨萱"),
    (TEAM_BLUE, "13812350005", "示例许文博"),
    (TEAM_BLUE, "13812350006", "示例潘晓燕"),
]

# (login, team, days ago, kind, hours, place, what was done, status, reason for rejecting).
# The description tells the records apart, so running the loader on another day adds nothing.
RECORDS = [
    (
        "volunteer_lead",
        TEAM_FIRE,
        100,
        Kind.DRILL,
        "3.0",
        "示例放生桥居委",
        "示例：组织居民疏散演练",
        Status.VERIFIED,
        "",
    ),
    (
        "volunteer",
        TEAM_FIRE,
        100,
        Kind.DRILL,
        "3.0",
        "示例放生桥居委",
        "示例：参加居民疏散演练",
        Status.VERIFIED,
        "",
    ),
    (
        "13812350001",
        TEAM_FIRE,
        70,
        Kind.HAZARDS,
        "2.5",
        "示例沈巷村自建出租房",
        "示例：协助排查电动自行车违规充电",
        Status.VERIFIED,
        "",
    ),
    (
        "13812350002",
        TEAM_FIRE,
        45,
        Kind.PUBLICITY,
        "2.0",
        "示例朱家角商业广场",
        "示例：商场消防宣传摆摊",
        Status.VERIFIED,
        "",
    ),
    (
        "13812350003",
        TEAM_FIRE,
        40,
        Kind.RESCUE_SKILLS,
        "4.0",
        "示例镇消防站",
        "示例：灭火器与室内消火栓操作训练",
        Status.VERIFIED,
        "",
    ),
    (
        "volunteer",
        TEAM_FIRE,
        20,
        Kind.PUBLICITY,
        "2.0",
        "示例放生桥居委",
        "示例：楼道堆物宣传",
        Status.REJECTED,
        "示例：日期与签到表不符，请核对后重新登记",
    ),
    (
        "volunteer",
        TEAM_FIRE,
        12,
        Kind.HAZARDS,
        "1.5",
        "示例放生桥群租房",
        "示例：群租房隐患回访",
        Status.VERIFIED,
        "",
    ),
    (
        "volunteer",
        TEAM_FIRE,
        3,
        Kind.PUBLICITY,
        "2.0",
        "示例朱家角古镇客栈",
        "示例：客栈员工消防常识讲解",
        Status.SUBMITTED,
        "",
    ),
    (
        "13812350001",
        TEAM_FIRE,
        2,
        Kind.CULTURE,
        "1.0",
        "示例朱家角小学",
        "示例：消防主题手抄报展",
        Status.SUBMITTED,
        "",
    ),
    (
        "示例董浩",
        TEAM_FIRE,
        30,
        Kind.DRILL,
        "2.0",
        "示例城隍庙",
        "示例：宗教场所初起火灾处置演练",
        Status.VERIFIED,
        "",
    ),
    (
        "13812350004",
        TEAM_BLUE,
        90,
        Kind.PUBLICITY,
        "3.0",
        "示例夏阳中学",
        "示例：“蓝朋友”进校园科普讲解",
        Status.VERIFIED,
        "",
    ),
    (
        "13812350005",
        TEAM_BLUE,
        60,
        Kind.CULTURE,
        "2.0",
        "示例东湖商业街",
        "示例：消防文化展板巡展",
        Status.VERIFIED,
        "",
    ),
    (
        "13812350006",
        TEAM_BLUE,
        25,
        Kind.PUBLICITY,
        "1.5",
        "示例华新长者照护之家",
        "示例：老年人用电安全讲解",
        Status.VERIFIED,
        "",
    ),
    (
        "13812350004",
        TEAM_BLUE,
        8,
        Kind.OTHER,
        "1.0",
        "示例香花居委",
        "示例：协助社区消防站开放日",
        Status.REJECTED,
        "示例：请补充活动照片",
    ),
    (
        "13812350005",
        TEAM_BLUE,
        1,
        Kind.PUBLICITY,
        "2.0",
        "示例徐泾中学",
        "示例：“蓝朋友”科普讲解员试讲",
        Status.SUBMITTED,
        "",
    ),
]


def load():
    """Create what is missing; running it again changes nothing."""
    with transaction.atomic():
        teams = {
            name: Organisation.objects.filter(
                name=name, kind=Organisation.Kind.VOLUNTEER_TEAM
            ).first()
            for name in (TEAM_FIRE, TEAM_BLUE)
        }
        if not all(teams.values()):
            return
        for team_name, phone, name in EXTRA_VOLUNTEERS:
            user = ensure_user(phone, name, phone=phone)
            Membership.objects.current().get_or_create(
                user=user, organisation=teams[team_name], role=Membership.Role.VOLUNTEER
            )
        _requirement(teams[TEAM_FIRE])
        _trained()
        _records(teams)


def _requirement(team):
    course = CoursePage.objects.filter(slug=REQUIRED_COURSE).first()
    if course is None:
        return
    TrainingRequirement.objects.get_or_create(
        course=course,
        organisation=team,
        defaults={"roles": [Membership.Role.VOLUNTEER], "due_date": date(2027, 3, 31)},
    )


# Volunteers who finished the required course, so the roll-up has trained members: (login, days ago)
TRAINED = [("volunteer_lead", 60), ("13812350003", 45)]


def _trained():
    """Complete the required course for a few volunteers who have not started it."""
    from courses import services as course_services
    from courses.models import Enrolment

    course = CoursePage.objects.filter(slug=REQUIRED_COURSE).first()
    if course is None:
        return
    for login, days_ago in TRAINED:
        user = _person(login)
        if user is None or Enrolment.objects.filter(user=user, course=course).exists():
            continue
        when = timezone.now() - timedelta(days=days_ago)
        course_services.start_course(user, course, now=when)
        for offset, lesson in enumerate(course.get_lessons()):
            course_services.complete_lesson(user, lesson, now=when + timedelta(minutes=20 * offset))


def _person(login):
    User = get_user_model()
    return User.objects.filter(username=login).first() or User.objects.filter(name=login).first()


def _records(teams):
    lead = _person("volunteer_lead")
    today = timezone.localdate()
    now = timezone.now()
    for login, team_name, days_ago, kind, hours, place, what, status, reason in RECORDS:
        volunteer = _person(login)
        team = teams[team_name]
        if (
            volunteer is None
            or ServiceRecord.objects.filter(
                volunteer=volunteer, team=team, description=what
            ).exists()
        ):
            continue
        decided = status != Status.SUBMITTED
        ServiceRecord.objects.create(
            volunteer=volunteer,
            team=team,
            date=today - timedelta(days=days_ago),
            kind=kind,
            hours=Decimal(hours),
            place=place,
            description=what,
            status=status,
            reject_reason=reason,
            submitted_by=volunteer,
            verified_by=lead if decided else None,
            verified_at=now if decided else None,
        )
