"""My data (/account/): the person's enrolments, lesson progress and certificates.

When the account is deleted the records stay for the statistics (completion figures do not
change), and the certificates stop naming the person: the public verification page then says
the holder deleted their account (docs in the README, "My data").
"""

from django.utils.translation import gettext_lazy as _

from accounts.my_data import DELETED_NAME, SectionData, register_section

from .models import Certificate, Enrolment, LessonAssignment, LessonProgress


def enrolment_section(user):
    enrolments = (
        Enrolment.objects.filter(user=user).select_related("course").order_by("-started_at")
    )
    return SectionData(
        columns=[
            ("course", _("Course")),
            ("cycle", _("cycle")),
            ("started_at", _("started")),
            ("completed_at", _("completed")),
            ("expires_at", _("expires")),
            ("best_score", _("best quiz score")),
        ],
        rows=[
            {
                "course": enrolment.course.title,
                "cycle": enrolment.cycle,
                "started_at": enrolment.started_at,
                "completed_at": enrolment.completed_at or "",
                "expires_at": enrolment.expires_at or "",
                "best_score": "" if enrolment.best_score is None else enrolment.best_score,
            }
            for enrolment in enrolments
        ],
    )


def progress_section(user):
    progress = (
        LessonProgress.objects.filter(enrolment__user=user)
        .select_related("enrolment__course", "lesson")
        .order_by("-enrolment__started_at", "lesson__path")
    )
    return SectionData(
        columns=[
            ("course", _("Course")),
            ("cycle", _("cycle")),
            ("lesson", _("Lesson")),
            ("completed_at", _("completed")),
            ("video_position", _("video position (s)")),
        ],
        rows=[
            {
                "course": row.enrolment.course.title,
                "cycle": row.enrolment.cycle,
                "lesson": row.lesson.title,
                "completed_at": row.completed_at or "",
                "video_position": round(row.video_position),
            }
            for row in progress
        ],
    )


def certificate_section(user):
    certificates = Certificate.objects.filter(user=user).order_by("-issued_at")
    return SectionData(
        columns=[
            ("code", _("verification code")),
            ("holder_name", _("name on the certificate")),
            ("course_title", _("course on the certificate")),
            ("issued_at", _("issued")),
            ("expires_at", _("expires")),
            ("status", _("status")),
            ("revoked_reason", _("reason for revoking")),
        ],
        rows=[
            {
                "code": certificate.code,
                "holder_name": certificate.holder_name,
                "course_title": certificate.course_title,
                "issued_at": certificate.issued_at,
                "expires_at": certificate.expires_at or "",
                "status": str(certificate.get_status_display()),
                "revoked_reason": certificate.revoked_reason,
            }
            for certificate in certificates
        ],
    )


def assignment_section(user):
    assignments = (
        LessonAssignment.objects.filter(user=user)
        .select_related("lesson", "organisation")
        .order_by("-created_at", "-pk")
    )
    return SectionData(
        columns=[
            ("lesson", _("Lesson")),
            ("reason", _("reason")),
            ("organisation", _("organisation")),
            ("created_at", _("assigned")),
            ("due_date", _("due date")),
            ("completed_at", _("completed")),
        ],
        rows=[
            {
                "lesson": row.lesson.title,
                "reason": row.reason,
                "organisation": row.organisation.name,
                "created_at": row.created_at,
                "due_date": row.due_date,
                "completed_at": row.completed_at or "",
            }
            for row in assignments
        ],
    )


def anonymise_certificates(user, now):
    # The name printed on the certificate is a copy of the account's; it goes with it.
    Certificate.objects.filter(user=user).update(holder_name=DELETED_NAME)


register_section(
    "enrolments",
    _("Courses"),
    enrolment_section,
    order=20,
    empty_text=_("You have not started a course yet."),
)
register_section("lesson_progress", _("Lesson progress"), progress_section, order=21)
register_section(
    "certificates",
    _("Certificates"),
    certificate_section,
    order=22,
    anonymise=anonymise_certificates,
)
register_section(
    "lesson_assignments", _("Targeted refresher training"), assignment_section, order=23
)
