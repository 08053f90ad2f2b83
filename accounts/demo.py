"""Demo accounts: created once with the shared demo password, never overwritten."""

from django.contrib.auth import get_user_model
from django.utils import timezone

DEMO_PASSWORD = "fire-safety-demo"  # noqa: S105 - published demo password, refused in production


def ensure_user(username, name, *, phone=None, is_superuser=False, is_staff=False):
    """The demo user of that login name, created with the demo password if missing."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "name": name,
            "phone": phone,
            "is_superuser": is_superuser,
            "is_staff": is_staff or is_superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if phone and user.phone == phone and user.phone_verified_at is None:
        # Demo people's phones count as proved, so their roles work as in real use; set once,
        # so that running load_demo again changes nothing.
        user.phone_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at"])
    return user
