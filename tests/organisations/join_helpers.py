"""A small district for the join, import and My data tests (the demo one is built elsewhere)."""

import io

import openpyxl

from organisations.models import Membership, Organisation
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

Kind = Organisation.Kind


def build_district():
    district = OrganisationFactory(name="青浦区", kind=Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Kind.TOWN, parent=district)
    other_town = OrganisationFactory(name="练塘镇", kind=Kind.TOWN, parent=district)
    unit = OrganisationFactory(
        name="示例朱家角商业广场", kind=Kind.UNIT, sector="commerce", parent=town
    )
    school = OrganisationFactory(
        name="示例朱家角小学", kind=Kind.SCHOOL, sector="education", parent=town
    )
    klass = OrganisationFactory(name="三年级2班", kind=Kind.CLASS, parent=school)
    other_unit = OrganisationFactory(name="示例练塘养老院", kind=Kind.UNIT, parent=other_town)
    bureau = OrganisationFactory(
        name="区教育局", kind=Kind.DEPARTMENT, sector="education", parent=district
    )
    return {
        "district": district,
        "town": town,
        "other_town": other_town,
        "unit": unit,
        "school": school,
        "class": klass,
        "other_unit": other_unit,
        "bureau": bureau,
    }


def coordinator_of(organisation, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.COORDINATOR)
    return user


def xlsx_bytes(rows, header=("姓名", "手机号", "组织路径", "角色", "编号")):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=("姓名", "手机号", "组织路径", "角色", "编号"), bom=False):
    lines = [",".join(header), *(",".join(str(value) for value in row) for row in rows)]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def last_sms_code(outbox, phone):
    """The code of the newest SMS to this phone (the in-memory backend keeps them)."""
    for message in reversed(outbox):
        if message.phone == phone and "code" in message.params:
            return message.params["code"]
    raise AssertionError(f"no code was sent to {phone}")
