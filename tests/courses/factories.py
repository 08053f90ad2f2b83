import wagtail_factories

from courses.models import CourseIndexPage, CoursePage, LessonPage


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "课程中心"
    slug = "courses"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = "社会单位消防安全责任人、管理人培训"
    summary = "责任人与管理人的法定职责。"
    audience_roles = ["responsible", "manager"]
    credit_hours = 2
    estimated_minutes = 90


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = "责任人与管理人"
    kind = LessonPage.Kind.READING
