"""My data (/account/): the skills sign-offs recorded about a person.

When the account is deleted they stay, as other training records do (the name goes with the
account; a row holds none).
"""

from django.utils.translation import gettext_lazy as _

from accounts.my_data import SectionData, register_section

from .models import SkillSignOff


def signoff_section(user):
    rows = (
        SkillSignOff.objects.filter(user=user)
        .select_related("lesson", "signed_by", "enrolment__session")
        .order_by("-signed_at", "-pk")
    )
    return SectionData(
        columns=[
            ("signed_at", _("signed off")),
            ("lesson", _("practical lesson")),
            ("session", _("training session")),
            ("skill", _("skill")),
            ("result", _("result")),
            ("note", _("note")),
            ("signed_by", _("signed off by")),
        ],
        rows=[
            {
                "signed_at": row.signed_at,
                "lesson": row.lesson.title,
                "session": row.enrolment.session.starts_at,
                "skill": row.skill_title,
                "result": str(_("Passed (达标)") if row.passed else _("Not passed (未达标)")),
                "note": row.note,
                "signed_by": (row.signed_by.name or row.signed_by.username)
                if row.signed_by
                else "",
            }
            for row in rows
        ],
    )


register_section("skill_signoffs", _("Skills sign-offs"), signoff_section, order=23)
