"""Demo handbooks: every handbook in demo_content, published under /handbooks/."""

from django.db import transaction

from editorial.demo import default_site_root

from .demo_content import HANDBOOKS
from .models import HandbookIndexPage, HandbookPage

INDEX_INTRO = (
    "重点场所消防安全检查要点，供街镇、居村基层治理骨干开展检查指导，"
    "也供单位的消防安全责任人、管理人自查。每本手册可打印或下载 PDF，带到现场逐项勾选。"
)


def sections_stream(sections):
    """demo_content sections as StreamField data."""
    return [
        {
            "type": "section",
            "value": {
                "title": section["title"],
                "checkpoints": [
                    {
                        "item": point["item"],
                        "requirement": point["requirement"],
                        "method": point.get("method", ""),
                        "basis": point.get("basis", ""),
                        "hazards": point.get("hazards", ""),
                        "photo_right": None,
                        "photo_wrong": None,
                    }
                    for point in section["checkpoints"]
                ],
            },
        }
        for section in sections
    ]


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
        for data in HANDBOOKS:
            if data["slug"] in existing:
                continue
            handbook = HandbookPage(
                title=data["title"],
                slug=data["slug"],
                place_type=data["place_type"],
                intro=data["intro"],
                sections=sections_stream(data["sections"]),
                search_description=data["intro"][:150],
            )
            index.add_child(instance=handbook)
            handbook.save_revision().publish()
