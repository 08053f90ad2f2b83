"""Factories for the whole suite; the app folders add their own next to their tests."""

from datetime import timedelta

import factory
import wagtail_factories

from django.contrib.auth import get_user_model
from django.utils import timezone

from home.models import HomePage

TEST_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:05d}")
    name = factory.Sequence(lambda n: f"学员{n}")
    phone = None
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "消防安全学习平台"
    intro = "示例首页"


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A session of `lesson` (pass a practical LessonPage); instructors=[user, …] names them."""

    class Meta:
        model = "drills.TrainingSession"
        skip_postgeneration_save = True

    organisation = factory.SubFactory("tests.organisations.factories.OrganisationFactory")
    open_to = factory.SelfAttribute("organisation")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    signup_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=1))
    place = "示例消防站训练场"
    capacity = 20

    @factory.post_generation
    def instructors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.instructors.add(*extracted)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """A confirmed place on a session; `checked_in=True` marks the person present."""

    class Meta:
        model = "drills.Enrolment"

    class Params:
        checked_in = factory.Trait(
            attendance="present",
            checked_in_at=factory.LazyAttribute(lambda o: o.session.starts_at),
        )

    session = factory.SubFactory(TrainingSessionFactory)
    user = factory.SubFactory(UserFactory)
    state = "confirmed"
