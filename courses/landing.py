"""After signing in, a learner with required training due lands on 我的学习."""

from django.urls import reverse

from accounts.landing import register_landing

from .progress import training_due


@register_landing
def learn_when_training_due(user):
    if user.is_authenticated and training_due(user):
        return reverse("courses:learn")
    return None
