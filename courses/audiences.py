"""Who reads which audience section of a lesson (see `blocks.AudienceSectionBlock`).

A pupil reads the sections for everyone and for their school stage (primary or secondary, from
their class); anyone else (a teacher, a signed-out visitor, another adult, an editor's preview,
a pupil whose class names no grade) reads every section, each marked with its audience: a
teacher teaches all of it, and nobody should lose text because we could not tell their stage.
"""

from django.utils.translation import pgettext_lazy

from organisations.school_stages import PRIMARY, SECONDARY, pupil_stages

EVERYONE = "everyone"
TEACHERS = "teachers"
AUDIENCE_CHOICES = [
    (EVERYONE, pgettext_lazy("lesson audience", "Everyone")),
    (PRIMARY, pgettext_lazy("lesson audience", "Primary pupils")),
    (SECONDARY, pgettext_lazy("lesson audience", "Secondary pupils")),
    (TEACHERS, pgettext_lazy("lesson audience", "Teachers")),
]


def lesson_audiences(request):
    """The audiences this viewer reads, or None: every section, each marked with its audience."""
    user = request.user
    if getattr(request, "is_preview", False) or not user.is_authenticated:
        return None
    stages = pupil_stages(user)
    if not stages:
        return None
    return {EVERYONE, *stages}
