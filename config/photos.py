"""Personal photos (volunteers' activities, inspection findings): private, random names, shrunk.

A photo of a service activity or of a hazard shows people and places, and its original file
name often says who or where. So the file gets a random name, lives outside MEDIA_ROOT
(STORAGES["private"], which has no URL), and only a checked view of the app that owns it serves
it, after asking organisations.scope whether the viewer may see the record.
"""

import io
import os
import secrets

from PIL import Image, ImageOps, UnidentifiedImageError

from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.http import FileResponse, Http404
from django.urls import reverse

from .storage import named_storage

PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
PHOTO_EXTENSIONS = [extension[1:] for extension in PHOTO_TYPES]
# A phone photo of 4000 px is 3-8 MB; 1600 px still shows a blocked exit or a broken gauge.
LONGEST_SIDE = 1600


def private_storage():
    """The storage of personal uploads (a callable, so tests and settings can swap it)."""
    return named_storage("private")


def random_photo_name(folder, filename):
    """folder/ab/<random>.jpg: nothing of the original name but its (validated) extension."""
    extension = os.path.splitext(filename)[1].lower()
    token = secrets.token_hex(16)
    return f"{folder}/{token[:2]}/{token}{extension}"


class PhotoFieldFile(ImageFieldFile):
    """A stored photo whose url is the field's checked view, so templates link there."""

    @property
    def url(self):
        self._require_file()
        return reverse(self.field.photo_view, args=[self.instance.pk])


class PrivatePhotoField(models.ImageField):
    """An image field kept in private storage; subclasses name the view that serves it."""

    attr_class = PhotoFieldFile
    photo_view = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", private_storage)
        super().__init__(*args, **kwargs)


def shrink_photo(upload):
    """The upload with its longest side at most LONGEST_SIDE px, turned upright; else as it is."""
    try:
        image = Image.open(upload)
        image_format = image.format
        if max(image.size) <= LONGEST_SIDE:
            upload.seek(0)
            return upload
        image = ImageOps.exif_transpose(image)
        image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, image_format)
    except (UnidentifiedImageError, OSError, ValueError):
        # The form already checked it is an image; one Pillow cannot rewrite is kept as sent.
        upload.seek(0)
        return upload
    return ContentFile(buffer.getvalue(), name=upload.name)


def photo_response(field_file, name):
    """The stored photo as a download named `name` + its extension; 404 when it is gone."""
    extension = os.path.splitext(field_file.name)[1].lower()
    if extension not in PHOTO_TYPES:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as gone:
        raise Http404 from gone
    return FileResponse(handle, content_type=PHOTO_TYPES[extension], filename=f"{name}{extension}")
