"""Attendance recorded and certificates revoked are written to the audit log."""

import pytest

from courses import services
from courses.models import Certificate
from organisations.models import AuditEntry, Membership
from tests.courses.factories import LessonPageFactory
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory


@pytest.mark.django_db
def test_recording_attendance_writes_an_entry_per_attendee(client, course, district, responsible):
    lesson = LessonPageFactory(parent=course, slug="drill", kind="practical", title="实操培训")
    coordinator = UserFactory()
    MembershipFactory(
        user=coordinator, organisation=district["unit"], role=Membership.Role.COORDINATOR
    )
    client.force_login(coordinator)
    response = client.post(
        f"/manage/attendance/{lesson.pk}/",
        {"organisation": district["unit"].pk, "person": [responsible.pk]},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="firesafety.attendance.record")
    assert (entry.user, entry.organisation, entry.subject) == (
        coordinator,
        district["unit"],
        responsible,
    )
    assert entry.object_id == str(responsible.pk)
    assert entry.data == {"lesson": "实操培训", "lesson_id": lesson.pk}


@pytest.mark.django_db
def test_revoking_a_certificate_in_the_admin_is_audited(client, course, responsible):
    for lesson in course.get_lessons():
        services.complete_lesson(responsible, lesson)
    certificate = Certificate.objects.get(user=responsible)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        f"/admin/certificate/edit/{certificate.pk}/", {"revoked_reason": "培训记录不实"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="firesafety.certificate.revoke")
    assert (entry.user, entry.subject, entry.organisation) == (admin, responsible, None)
    assert entry.object_id == str(certificate.pk)
    assert entry.data == {"code": certificate.code, "reason": "培训记录不实"}
    # Revoking again changes nothing and writes nothing.
    client.post(f"/admin/certificate/edit/{certificate.pk}/", {"revoked_reason": "再次"})
    assert AuditEntry.objects.filter(action="firesafety.certificate.revoke").count() == 1
