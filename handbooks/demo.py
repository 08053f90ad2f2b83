"""Demo handbooks: every file of content/handbooks/, published under /handbooks/."""

from django.db import transaction

from editorial import content_files
from editorial.demo import default_site_root

from .models import HandbookIndexPage, HandbookPage


def index_file():
    """检查手册's index fields from content/indexes.yaml, checked."""
    path, data = content_files.index_spec("handbooks")
    content_files.page(HandbookIndexPage, data, path=path, place=("handbooks",))
    return data


def handbook_files():
    """[(path, data)] of every handbook file, checked; a ContentFileError names the first problem."""
    handbooks = []
    for path in content_files.files("handbooks"):
        data = content_files.mapping(path, content_files.read(path))
        content_files.page(HandbookPage, data, path=path)
        handbooks.append((path, data))
    return handbooks


def load():
    """Create the index and any missing handbook; existing pages are left as editors made them."""
    home = default_site_root()
    if home is None:
        return
    with transaction.atomic():
        index = HandbookIndexPage.objects.first()
        if index is None:
            index = HandbookIndexPage(**index_file())
            home.add_child(instance=index)
            index.save_revision().publish()
        existing = set(HandbookPage.objects.values_list("slug", flat=True))
        for _path, data in handbook_files():
            if data["slug"] in existing:
                continue
            handbook = HandbookPage(search_description=data["intro"][:150], **data)
            index.add_child(instance=handbook)
            handbook.save_revision().publish()
