"""Pictures the content files name: content/images/<name>, made Wagtail images once.

A file's image block says ``image: heater.png``; loading it finds the Wagtail image with the
same file hash or creates it, so a content writer adds a picture by dropping the file in the
folder and naming it, and loading twice makes no second copy. The sources the pictures are drawn
from are beside them (content/images/src/*.svg; docs/demo-content.md says how they are rendered).
"""

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils.translation import gettext as _

from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp"}


def images_dir():
    return Path(settings.BASE_DIR) / "content" / "images"


def problem_with(name):
    """Why `name` cannot be a content picture, or None."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or len(relative.parts) != 1:
        return _("A picture is named by its file name in content/images/, e.g. heater.png.")
    if relative.suffix.lower() not in EXTENSIONS:
        return _("A picture must be a PNG, JPEG or WebP file.")
    if not (images_dir() / name).is_file():
        return _("There is no picture “%(name)s” in content/images/.") % {"name": name}
    return None


def content_image(name):
    """The Wagtail image of content/images/<name> (checked by problem_with first)."""
    Image = get_image_model()
    path = images_dir() / name
    with path.open("rb") as handle:
        digest = hash_filelike(handle)
        existing = Image.objects.filter(file_hash=digest).first()
        if existing is not None:
            return existing
        handle.seek(0)
        if Collection.get_first_root_node() is None:
            # A flush (transactional tests) removes the root collection new images go into.
            Collection.add_root(name="Root")
        image = Image(title=path.stem, file=ImageFile(handle, name=path.name))
        image._set_image_file_metadata()
        image.save()
    return image
