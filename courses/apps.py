from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and learning")

    def ready(self):
        from . import (
            landing,  # noqa: F401 - registers the sign-in landing on 我的学习
            quiz_link,  # noqa: F401 - connects the quiz signal and start check
            requirement_cache,
            signals,
        )

        signals.connect()
        requirement_cache.connect()
