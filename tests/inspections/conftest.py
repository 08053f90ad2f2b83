import io
from types import SimpleNamespace

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile

from organisations.models import Membership, Organisation
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.factories import UserFactory
from tests.handbooks.builders import make_handbook, make_handbook_index
from tests.organisations.factories import MembershipFactory, OrganisationFactory

Role = Membership.Role


def member(organisation, role, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def image_upload(name="photo.png", size=(40, 30), image_format="PNG", padding=0):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue() + b"\0" * padding, content_type="image/png")


def sections(lesson_id=None):
    """Two sections, three check points: two patrol points, one of them 重大 by default."""
    return [
        {
            "title": "消防车通道",
            "checkpoints": [
                {
                    "item": "消防车通道是否被占用",
                    "requirement": "不得占用、堵塞、封闭消防车通道。",
                    "method": "巡查通道全程。",
                    "basis": "消防法第二十八条",
                    "patrol_point": True,
                    "lesson": lesson_id,
                },
                {
                    "item": "消防车通道净宽净高",
                    "requirement": "净宽度和净空高度均不应小于4.0米。",
                    "basis": "GB 50016-2014(2018年版) 7.1.8",
                },
            ],
        },
        {
            "title": "安全疏散",
            "checkpoints": [
                {
                    "item": "安全出口是否上锁",
                    "requirement": "营业期间不得将安全出口上锁、遮挡。",
                    "basis": "消防法第二十八条",
                    "patrol_point": True,
                    "default_severity": "major",
                },
            ],
        },
    ]


@pytest.fixture
def place(home_page):
    """A district, two towns, a unit in each, its leaders and staff, and a handbook."""
    district = OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN, parent=district)
    other_town = OrganisationFactory(name="练塘镇", kind=Organisation.Kind.TOWN, parent=district)
    unit = OrganisationFactory(name="示例商业广场", parent=town, place_types=["大型商业综合体"])
    other_unit = OrganisationFactory(name="示例练塘工厂", parent=other_town)
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home_page))
    lesson = LessonPageFactory(parent=course, title="消防车通道", slug="fire-lanes")
    index = make_handbook_index(home_page)
    make_handbook(index, slug="factory", title="厂房仓库检查要点", place_type="厂房仓库")
    handbook = make_handbook(index, sections=sections(lesson.pk))
    return SimpleNamespace(
        district=district,
        town=town,
        other_town=other_town,
        unit=unit,
        other_unit=other_unit,
        handbook=handbook,
        lesson=lesson,
        manager=member(unit, Role.MANAGER, name="示例管理人"),
        responsible=member(unit, Role.RESPONSIBLE, name="示例责任人"),
        staff=member(unit, Role.STAFF, name="示例员工"),
        other_manager=member(other_unit, Role.MANAGER, name="示例练塘管理人"),
        town_lead=member(town, Role.COORDINATOR, name="示例镇协调员"),
        other_town_lead=member(other_town, Role.COORDINATOR, name="示例练塘协调员"),
    )


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
