"""Photos of findings and fixes: private storage, random names, served by inspections.views."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from config.photos import PHOTO_EXTENSIONS, PrivatePhotoField, random_photo_name

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def validate_photo_size(photo):
    if photo and photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("The photo is larger than 10 MB."), code="too_large")


PHOTO_VALIDATORS = [FileExtensionValidator(PHOTO_EXTENSIONS), validate_photo_size]


def photo_path(_instance, filename):
    """inspections/ab/<random>.jpg."""
    return random_photo_name("inspections", filename)


class AnswerPhotoField(PrivatePhotoField):
    """The photo taken with an answer (usually of what failed)."""

    photo_view = "inspections:answer_photo"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", photo_path)
        super().__init__(*args, **kwargs)


class FixPhotoField(PrivatePhotoField):
    """The photo that shows a hazard rectified."""

    photo_view = "inspections:fix_photo"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", photo_path)
        super().__init__(*args, **kwargs)
