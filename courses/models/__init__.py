from .learning import Certificate, Enrolment, LessonProgress, TrainingRequirement
from .pages import CourseIndexPage, CoursePage, CourseTag, LessonPage

__all__ = [
    "Certificate",
    "CourseIndexPage",
    "CoursePage",
    "CourseTag",
    "Enrolment",
    "LessonPage",
    "LessonProgress",
    "TrainingRequirement",
]
