"""Who may open a course. Courses are open to everyone unless marked for their audience only."""

from organisations.models import Membership


def user_may_take_course(user, course):
    if not course.live:
        return False
    if not course.audience_only:
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if Membership.objects.current().filter(user=user, role__in=course.audience_roles).exists():
        return True
    from .models import Enrolment, TrainingRequirement

    if Enrolment.objects.filter(user=user, course=course).exists():
        return True
    return any(req.course_id == course.pk for req in TrainingRequirement.applying_to(user))
