from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def validate_photo_size(photo):
    if photo and photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB."), code="too_large")
