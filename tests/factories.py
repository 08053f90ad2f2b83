"""Factories for the whole suite; the app folders add their own next to their tests."""

import factory
import wagtail_factories

from django.contrib.auth import get_user_model

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
