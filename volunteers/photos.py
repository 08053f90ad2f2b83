"""Where volunteers' photos live: private storage, random names (config.photos), checked view."""

from config.photos import PrivatePhotoField as CheckedPrivatePhotoField
from config.photos import private_storage, random_photo_name

__all__ = ["PrivatePhotoField", "photo_path", "private_storage"]


def photo_path(_record, filename):
    """volunteers/ab/<random>.jpg."""
    return random_photo_name("volunteers", filename)


class PrivatePhotoField(CheckedPrivatePhotoField):
    """A service record's photo, served by volunteers.views.photo."""

    photo_view = "volunteers:photo"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", photo_path)
        super().__init__(*args, **kwargs)
