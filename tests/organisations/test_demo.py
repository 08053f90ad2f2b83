import pytest

from django.core.management import call_command

from accounts.models import User
from organisations.models import Membership, Organisation
from organisations.scope import visible_organisations
from organisations.validators import validate_credit_code

Kind = Organisation.Kind


@pytest.fixture
def demo(db):
    call_command("load_demo")


def test_demo_district_has_the_real_streets_and_towns(demo):
    district = Organisation.objects.get(name="青浦区", depth=1)
    streets = set(district.get_children().filter(kind=Kind.STREET).values_list("name", flat=True))
    towns = set(district.get_children().filter(kind=Kind.TOWN).values_list("name", flat=True))
    assert streets == {"夏阳街道", "盈浦街道", "香花桥街道"}
    assert towns == {
        "朱家角镇",
        "练塘镇",
        "金泽镇",
        "赵巷镇",
        "徐泾镇",
        "华新镇",
        "重固镇",
        "白鹤镇",
    }
    departments = district.get_children().filter(kind=Kind.DEPARTMENT)
    assert dict(departments.values_list("name", "sector")) == {
        "区教育局": "education",
        "区卫健委": "health",
        "区民政局": "civil_affairs",
    }


def test_demo_units_schools_and_teams(demo):
    units = Organisation.objects.filter(kind=Kind.UNIT)
    assert units.count() >= 20
    assert all("示例" in name for name in units.values_list("name", flat=True))
    place_types = {tag for unit in units for tag in unit.place_types.names()}
    assert len(place_types) >= 8
    codes = [code for code in units.values_list("credit_code", flat=True) if code]
    assert codes
    for code in codes:
        validate_credit_code(code)
    assert Organisation.objects.filter(kind=Kind.SCHOOL).count() == 5
    assert Organisation.objects.get(name="三年级（2）班").get_parent().name == "示例朱家角小学"
    assert Organisation.objects.filter(kind=Kind.VOLUNTEER_TEAM).count() == 2


@pytest.mark.parametrize(
    ("username", "organisation", "roles"),
    [
        ("district", "青浦区", {"coordinator"}),
        ("town", "朱家角镇", {"coordinator"}),
        ("edu_dept", "区教育局", {"coordinator"}),
        ("responsible", "示例朱家角商业广场", {"responsible"}),
        ("manager", "示例朱家角商业广场", {"manager", "coordinator"}),
        ("operator", "示例朱家角商业广场", {"operator"}),
        ("staff", "示例朱家角商业广场", {"staff"}),
        ("teacher", "三年级（2）班", {"teacher", "coordinator"}),
        ("student", "三年级（2）班", {"student"}),
        ("volunteer_lead", "示例朱家角镇志愿消防队", {"coordinator", "volunteer"}),
        ("volunteer", "示例朱家角镇志愿消防队", {"volunteer"}),
    ],
)
def test_every_demo_account_has_its_memberships(demo, username, organisation, roles):
    user = User.objects.get(username=username)
    memberships = Membership.objects.current().filter(user=user)
    assert {m.organisation.name for m in memberships} == {organisation}
    assert set(memberships.values_list("role", flat=True)) == roles


def test_demo_student_has_a_number_and_no_phone(demo):
    student = User.objects.get(username="student")
    assert student.phone is None
    assert student.memberships.get().number


def test_demo_scopes_match_the_accounts_table(demo):
    town = visible_organisations(User.objects.get(username="town"))
    assert "练塘镇" not in set(town.values_list("name", flat=True))
    assert town.filter(name="示例朱家角商业广场").exists()
    edu = set(
        visible_organisations(User.objects.get(username="edu_dept")).values_list("name", flat=True)
    )
    assert {"示例朱家角小学", "三年级（2）班", "示例夏阳中学"} <= edu
    assert "示例朱家角商业广场" not in edu
    assert (
        Membership.objects.filter(user__name__startswith="示例", user__phone__isnull=False).count()
        >= 30
    )


def test_demo_adults_phones_are_confirmed_once_and_students_have_none(demo):
    adults = User.objects.exclude(phone=None)
    assert adults.filter(username="district").exists()
    assert not adults.filter(phone_verified_at=None).exists()
    assert User.objects.get(username="student").phone_verified_at is None
    confirmed = dict(adults.values_list("pk", "phone_verified_at"))
    call_command("load_demo")
    assert dict(User.objects.exclude(phone=None).values_list("pk", "phone_verified_at")) == (
        confirmed
    )
