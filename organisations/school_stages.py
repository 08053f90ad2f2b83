"""A pupil's school stage (小学 / 中学), read from the names of their class and school.

Classes are named the way schools name them (三年级（2）班, 初二（3）班, 高一（1）班, 七年级4班);
a class whose name gives no grade falls back to its school's name (示例朱家角小学 → primary).
"""

import re

from .models import Membership, Organisation

PRIMARY = "primary"
SECONDARY = "secondary"

_PRIMARY_GRADE = re.compile(r"^\s*(?:[一二三四五六1-6]\s*年级|小学)")
_SECONDARY_GRADE = re.compile(
    r"^\s*(?:[初高]\s*[一二三123]|(?:[七八九789]|1[0-2]|十[一二]?)\s*年级|初中|高中)"
)


def class_stage(class_name, school_name=""):
    """PRIMARY, SECONDARY or None when neither the class nor the school name tells."""
    if _PRIMARY_GRADE.match(class_name):
        return PRIMARY
    if _SECONDARY_GRADE.match(class_name):
        return SECONDARY
    if "小学" in school_name:
        return PRIMARY
    if "中学" in school_name:
        return SECONDARY
    return None


def pupil_stages(user):
    """The stages of the classes the user is a current pupil of (usually one; often none)."""
    classes = Organisation.objects.filter(
        kind=Organisation.Kind.CLASS,
        is_active=True,
        memberships__in=Membership.objects.current().filter(
            user=user, role=Membership.Role.STUDENT
        ),
    )
    stages = set()
    for school_class in classes:
        stage = class_stage(school_class.name)
        if stage is None:
            parent = school_class.get_parent()
            stage = class_stage(school_class.name, parent.name if parent else "")
        if stage:
            stages.add(stage)
    return stages
