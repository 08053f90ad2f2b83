"""Where volunteers' photos live: private storage, random names, handed out by a checked view.

A photo of a service activity shows people (often the volunteer, sometimes the public) and its
original file name often says who or where. So the file gets a random name, lives outside
MEDIA_ROOT (STORAGES["private"], which has no URL), and only volunteers.views.photo serves it,
after asking organisations.scope whether the viewer may see the record.
"""

import os
import secrets

from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.urls import reverse

from config.storage import named_storage


def private_storage():
    """The storage of personal uploads (a callable, so tests and settings can swap it)."""
    return named_storage("private")


def photo_path(_record, filename):
    """volunteers/ab/<random>.jpg: nothing of the original name but its (validated) extension."""
    extension = os.path.splitext(filename)[1].lower()
    token = secrets.token_hex(16)
    return f"volunteers/{token[:2]}/{token}{extension}"


class PhotoFieldFile(ImageFieldFile):
    """A stored photo whose url is the checked view, so templates and widgets link there."""

    @property
    def url(self):
        self._require_file()
        return reverse("volunteers:photo", args=[self.instance.pk])


class PrivatePhotoField(models.ImageField):
    """An image field kept in private storage under a random name, linked to the checked view."""

    attr_class = PhotoFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", private_storage)
        kwargs.setdefault("upload_to", photo_path)
        super().__init__(*args, **kwargs)
