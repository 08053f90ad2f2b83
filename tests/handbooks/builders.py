"""Builders for handbook pages; pages need a parent, so these are functions, not factories."""

from handbooks.models import HandbookIndexPage, HandbookPage


def sections_stream(sections):
    """Plain sections as the handbook's StreamField data."""
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
                        "patrol_point": point.get("patrol_point", False),
                        "default_severity": point.get("default_severity", "ordinary"),
                        "lesson": point.get("lesson"),
                    }
                    for point in section["checkpoints"]
                ],
            },
        }
        for section in sections
    ]


SECTIONS = [
    {
        "title": "消防车通道",
        "checkpoints": [
            {
                "item": "消防车通道是否被占用、堵塞、封闭",
                "requirement": "任何单位、个人不得占用、堵塞、封闭消防车通道。",
                "method": "在营业高峰和夜间各查看一次，重点查看地锁、隔离桩和上锁的道闸。",
                "basis": "消防法第二十八条",
                "hazards": "车辆长期停放、设置固定隔离桩或上锁道闸。",
            }
        ],
    },
    {
        "title": "消防控制室",
        "checkpoints": [
            {
                "item": "值班人数和持证情况",
                "requirement": "实行24小时值班制度，每班不少于2人。",
                "method": "查看排班表和值班记录。",
                "basis": "GB 25506-2010 4.2",
                "hazards": "夜间只有1人值班。",
            }
        ],
    },
]


def make_handbook_index(home):
    index = HandbookIndexPage(title="检查手册", slug="handbooks", intro="重点场所检查要点")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_handbook(
    index,
    *,
    slug="shopping-complex",
    title="大型商业综合体消防安全检查要点",
    place_type="大型商业综合体",
    publish=True,
    sections=SECTIONS,
):
    handbook = HandbookPage(
        title=title,
        slug=slug,
        place_type=place_type,
        intro="本手册适用于大型商业综合体。",
        sections=sections_stream(sections),
        live=publish,
    )
    index.add_child(instance=handbook)
    revision = handbook.save_revision()
    if publish:
        revision.publish()
    return HandbookPage.objects.get(pk=handbook.pk)
