from .assignments import LessonAssignment
from .campaigns import CampaignPage
from .learning import Certificate, Enrolment, LessonProgress, TrainingRequirement
from .pages import CourseIndexPage, CoursePage, CourseTag, LessonPage

__all__ = [
    "CampaignPage",
    "Certificate",
    "CourseIndexPage",
    "CoursePage",
    "CourseTag",
    "Enrolment",
    "LessonAssignment",
    "LessonPage",
    "LessonProgress",
    "TrainingRequirement",
]
