import factory
import wagtail_factories

from courses.models import CourseIndexPage, CoursePage, LessonPage
from videos.models import Video


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


class VideoFactory(factory.django.DjangoModelFactory):
    """A library video with its facts given, as if ffprobe had read them (bytes: no video)."""

    class Meta:
        model = Video

    title = "灭火器使用演示"
    type = "video"
    file = factory.django.FileField(filename="demo.mp4", data=b"\x00" * 64)
    duration = 100


def make_video_lesson(parent, duration=100, **kwargs):
    """A video lesson whose body holds one video of `duration` seconds."""
    video = kwargs.pop("video", None) or VideoFactory(duration=duration)
    body = [("video", {"video": video, "poster": None, "caption": ""})]
    return LessonPageFactory(parent=parent, kind=LessonPage.Kind.VIDEO, body=body, **kwargs)
