"""Demo handbooks: every file of content/handbooks/, published under /handbooks/."""

from django.db import transaction

from editorial import content_files
from editorial.demo import default_site_root

from .models import HandbookIndexPage, HandbookPage

INDEX_INTRO = (
    "重点场所消防安全检查要点，供街镇、居村基层治理骨干开展检查指导，"
    "也供单位的消防安全责任人、管理人自查。每本手册可打印或下载 PDF，带到现场逐项勾选。"
)


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
            index = HandbookIndexPage(
                title="检查手册",
                slug="handbooks",
                intro=INDEX_INTRO,
                search_description="大型商业综合体、养老机构、群租房等重点场所消防安全检查要点。",
            )
            home.add_child(instance=index)
            index.save_revision().publish()
        existing = set(HandbookPage.objects.values_list("slug", flat=True))
        for _path, data in handbook_files():
            if data["slug"] in existing:
                continue
            handbook = HandbookPage(search_description=data["intro"][:150], **data)
            index.add_child(instance=handbook)
            handbook.save_revision().publish()
