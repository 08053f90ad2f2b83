"""The demo district: 青浦区 with its real streets and towns, invented (示例) units and people."""

from django.db import transaction

from accounts.demo import ensure_user

from .models import Membership, Organisation
from .validators import credit_code_check_character

Kind = Organisation.Kind
Sector = Organisation.Sector
Role = Membership.Role

DISTRICT = "青浦区"
STREETS = ["夏阳街道", "盈浦街道", "香花桥街道"]
TOWNS = ["朱家角镇", "练塘镇", "金泽镇", "赵巷镇", "徐泾镇", "华新镇", "重固镇", "白鹤镇"]
# Two invented residents' or villagers' committees for each street and town.
COMMUNITIES = {
    "夏阳街道": [("示例青平居委", Kind.COMMUNITY), ("示例城中居委", Kind.COMMUNITY)],
    "盈浦街道": [("示例东湖居委", Kind.COMMUNITY), ("示例盈中居委", Kind.COMMUNITY)],
    "香花桥街道": [("示例香花居委", Kind.COMMUNITY), ("示例东方村委", Kind.VILLAGE)],
    "朱家角镇": [("示例放生桥居委", Kind.COMMUNITY), ("示例沈巷村委", Kind.VILLAGE)],
    "练塘镇": [("示例练塘居委", Kind.COMMUNITY), ("示例东庄村委", Kind.VILLAGE)],
    "金泽镇": [("示例金溪居委", Kind.COMMUNITY), ("示例莲湖村委", Kind.VILLAGE)],
    "赵巷镇": [("示例赵巷居委", Kind.COMMUNITY), ("示例崧泽村委", Kind.VILLAGE)],
    "徐泾镇": [("示例西郊居委", Kind.COMMUNITY), ("示例前明村委", Kind.VILLAGE)],
    "华新镇": [("示例华新居委", Kind.COMMUNITY), ("示例凤溪村委", Kind.VILLAGE)],
    "重固镇": [("示例重固居委", Kind.COMMUNITY), ("示例章堰村委", Kind.VILLAGE)],
    "白鹤镇": [("示例白鹤居委", Kind.COMMUNITY), ("示例塘湾村委", Kind.VILLAGE)],
}
DEMO_UNIT = "示例朱家角商业广场"
# (parent: town or "town/community", name, sector, place type)
UNITS = [
    ("朱家角镇", DEMO_UNIT, Sector.COMMERCE, "大型商业综合体"),
    ("朱家角镇", "示例朱家角古镇客栈（示例）", Sector.CULTURE_TOURISM, "人员密集场所"),
    ("朱家角镇/示例放生桥居委", "示例放生桥群租房（示例）", Sector.OTHER, "群租房"),
    ("朱家角镇/示例沈巷村委", "示例沈巷村自建出租房（示例）", Sector.OTHER, "农村自建出租房"),
    ("朱家角镇", "示例城隍庙（示例）", Sector.RELIGION, "宗教活动场所"),
    ("练塘镇", "示例练塘养老院（示例）", Sector.CIVIL_AFFAIRS, "养老机构"),
    ("练塘镇", "示例练塘服装厂（示例）", Sector.INDUSTRY, "厂房仓库"),
    ("金泽镇", "示例金泽古桥文物保护点（示例）", Sector.CULTURE_TOURISM, "文物古建筑"),
    ("金泽镇", "示例金泽化工仓库（示例）", Sector.LOGISTICS, "易燃易爆单位"),
    ("赵巷镇", "示例赵巷奥特莱斯（示例）", Sector.COMMERCE, "大型商业综合体"),
    (
        "赵巷镇/示例赵巷居委",
        "示例赵巷小区电动自行车充电棚（示例）",
        Sector.OTHER,
        "电动自行车集中停放充电场所",
    ),
    ("徐泾镇", "示例徐泾会展中心酒店（示例）", Sector.COMMERCE, "人员密集场所"),
    ("徐泾镇", "示例徐泾物流园（示例）", Sector.LOGISTICS, "厂房仓库"),
    ("华新镇", "示例华新社区卫生服务中心（示例）", Sector.HEALTH, "医疗机构"),
    ("华新镇", "示例华新长者照护之家（示例）", Sector.CIVIL_AFFAIRS, "养老机构"),
    ("重固镇", "示例重固高层住宅小区（示例）", Sector.OTHER, "高层住宅"),
    ("白鹤镇", "示例白鹤食品厂（示例）", Sector.INDUSTRY, "厂房仓库"),
    ("夏阳街道", "示例夏阳医院（示例）", Sector.HEALTH, "医疗机构"),
    ("盈浦街道/示例东湖居委", "示例东湖商业街（示例）", Sector.COMMERCE, "人员密集场所"),
    ("香花桥街道", "示例香花桥工业园仓库（示例）", Sector.LOGISTICS, "厂房仓库"),
    # A kindergarten is a unit, not a school, here: the 开学第一课 campaign counts 中小学 classes.
    ("朱家角镇", "示例朱家角幼儿园", Sector.EDUCATION, "人员密集场所"),
]
DEMO_SCHOOL = "示例朱家角小学"
DEMO_CLASS = "三年级（2）班"
# (town, school, classes, place type)
SCHOOLS = [
    ("朱家角镇", DEMO_SCHOOL, ["三年级（1）班", DEMO_CLASS], "中小学校"),
    ("夏阳街道", "示例夏阳中学", ["初一（1）班", "初二（3）班"], "中小学校"),
    ("练塘镇", "示例练塘小学", ["一年级（1）班"], "中小学校"),
    ("徐泾镇", "示例徐泾中学", ["初三（2）班"], "中小学校"),
    ("夏阳街道", "示例青浦区职业学校", ["高一（1）班"], "中小学校"),
]
DEPARTMENTS = [
    ("区教育局", Sector.EDUCATION),
    ("区卫健委", Sector.HEALTH),
    ("区民政局", Sector.CIVIL_AFFAIRS),
]
TEAM_FIRE = "示例朱家角镇志愿消防队"
TEAM_BLUE = "示例‘蓝朋友’消防科普志愿服务队"

# Invented members so lists are not empty: (where, name, role); phones are assigned in order.
MEMBERS = [
    (f"朱家角镇/{DEMO_UNIT}", "示例张伟", Role.STAFF),
    (f"朱家角镇/{DEMO_UNIT}", "示例王芳", Role.STAFF),
    (f"朱家角镇/{DEMO_UNIT}", "示例李强", Role.OPERATOR),
    (f"朱家角镇/{DEMO_UNIT}", "示例刘洋", Role.STAFF),
    ("朱家角镇/示例朱家角古镇客栈（示例）", "示例陈静", Role.RESPONSIBLE),
    ("朱家角镇/示例朱家角古镇客栈（示例）", "示例杨勇", Role.STAFF),
    ("朱家角镇/示例放生桥居委", "示例赵敏", Role.CADRE),
    ("朱家角镇/示例沈巷村委", "示例黄磊", Role.CADRE),
    ("朱家角镇/示例城隍庙（示例）", "示例周平", Role.MANAGER),
    ("练塘镇/示例练塘养老院（示例）", "示例吴霞", Role.RESPONSIBLE),
    ("练塘镇/示例练塘养老院（示例）", "示例徐刚", Role.STAFF),
    ("练塘镇/示例练塘服装厂（示例）", "示例孙丽", Role.MANAGER),
    ("金泽镇/示例金泽化工仓库（示例）", "示例胡军", Role.OPERATOR),
    ("金泽镇/示例金溪居委", "示例朱琳", Role.CADRE),
    ("赵巷镇/示例赵巷奥特莱斯（示例）", "示例高峰", Role.MANAGER),
    ("赵巷镇/示例赵巷奥特莱斯（示例）", "示例林雪", Role.OPERATOR),
    ("徐泾镇/示例徐泾物流园（示例）", "示例何斌", Role.STAFF),
    ("徐泾镇/示例前明村委", "示例郭慧", Role.CADRE),
    ("华新镇/示例华新社区卫生服务中心（示例）", "示例马超", Role.MANAGER),
    ("华新镇/示例华新长者照护之家（示例）", "示例罗娟", Role.STAFF),
    ("重固镇/示例重固高层住宅小区（示例）", "示例梁伟", Role.RESPONSIBLE),
    ("白鹤镇/示例白鹤食品厂（示例）", "示例宋涛", Role.STAFF),
    ("夏阳街道/示例夏阳医院（示例）", "示例郑洁", Role.OPERATOR),
    ("盈浦街道/示例东湖居委", "示例谢芳", Role.CADRE),
    ("香花桥街道/示例香花桥工业园仓库（示例）", "示例韩冰", Role.STAFF),
    (f"朱家角镇/{DEMO_SCHOOL}", "示例唐老师", Role.TEACHER),
    ("夏阳街道/示例夏阳中学", "示例冯老师", Role.TEACHER),
    (f"{DISTRICT}/{TEAM_BLUE}", "示例于晨", Role.VOLUNTEER),
    (f"朱家角镇/{TEAM_FIRE}", "示例董浩", Role.VOLUNTEER),
    ("夏阳街道/示例城中居委", "示例曹敏", Role.CADRE),
    ("朱家角镇/示例朱家角幼儿园", "示例钱老师", Role.TEACHER),
    ("朱家角镇/示例朱家角幼儿园", "示例沈阿姨", Role.STAFF),
]
MEMBER_PHONE_BASE = 13812340000
# Students have no phone (they are minors): a number in the class instead.
STUDENTS = [("示例小雨", "02"), ("示例小杰", "03"), ("示例小雪", "04")]


def load():
    """Create what is missing; running it again changes nothing."""
    with transaction.atomic():
        district = _root(DISTRICT, Kind.DISTRICT)
        towns = {}
        for name in STREETS:
            towns[name] = _child(district, name, Kind.STREET)
        for name in TOWNS:
            towns[name] = _child(district, name, Kind.TOWN)
        for town_name, communities in COMMUNITIES.items():
            for name, kind in communities:
                _child(towns[town_name], name, kind)
        for index, (where, name, sector, place_type) in enumerate(UNITS):
            code = _credit_code(index) if index % 4 == 0 else ""
            unit = _child(_at(district, where), name, Kind.UNIT, sector=sector, credit_code=code)
            unit.place_types.add(place_type)
        for town_name, name, classes, place_type in SCHOOLS:
            school = _child(towns[town_name], name, Kind.SCHOOL, sector=Sector.EDUCATION)
            school.place_types.add(place_type)
            for class_name in classes:
                _child(school, class_name, Kind.CLASS, sector=Sector.EDUCATION)
        for name, sector in DEPARTMENTS:
            _child(district, name, Kind.DEPARTMENT, sector=sector)
        _child(towns["朱家角镇"], TEAM_FIRE, Kind.VOLUNTEER_TEAM)
        _child(district, TEAM_BLUE, Kind.VOLUNTEER_TEAM)
        _accounts(district)
        _members(district)


def _root(name, kind):
    root = Organisation.get_root_nodes().filter(name=name).first()
    return root or Organisation.add_root(name=name, kind=kind)


def _child(parent, name, kind, **fields):
    parent.refresh_from_db()  # treebeard counts children on the parent row
    child = parent.get_children().filter(name=name).first()
    return child or parent.add_child(name=name, kind=kind, **fields)


def _at(district, where):
    """The organisation at "town/community/…" below the district."""
    node = district
    for name in where.split("/"):
        if name == DISTRICT:
            continue
        node = node.get_children().get(name=name)
    return node


def _credit_code(index):
    """A valid 统一社会信用代码 for an invented enterprise in 青浦 (310118)."""
    first_17 = f"91310118MA1G{index:05d}"
    return first_17 + credit_code_check_character(first_17)


def _member(user, organisation, role, number=""):
    Membership.objects.current().get_or_create(
        user=user, organisation=organisation, role=role, defaults={"number": number}
    )


def _accounts(district):
    """Every demo account of DESIGN.md with its membership(s)."""
    unit = _at(district, f"朱家角镇/{DEMO_UNIT}")
    klass = _at(district, f"朱家角镇/{DEMO_SCHOOL}/{DEMO_CLASS}")
    team = _at(district, f"朱家角镇/{TEAM_FIRE}")
    bureau = _at(district, "区教育局")
    _member(
        ensure_user("district", "示例区协调员", phone="13812330001"), district, Role.COORDINATOR
    )
    _member(
        ensure_user("town", "示例镇协调员", phone="13812330002"),
        _at(district, "朱家角镇"),
        Role.COORDINATOR,
    )
    _member(
        ensure_user("edu_dept", "示例教育局干事", phone="13812330003"), bureau, Role.COORDINATOR
    )
    _member(ensure_user("responsible", "示例陈总", phone="13812330004"), unit, Role.RESPONSIBLE)
    manager = ensure_user("manager", "示例王经理", phone="13812330005")
    _member(manager, unit, Role.MANAGER)
    _member(manager, unit, Role.COORDINATOR)
    _member(ensure_user("operator", "示例李值班", phone="13812330006"), unit, Role.OPERATOR)
    _member(ensure_user("staff", "示例赵店员", phone="13812330007"), unit, Role.STAFF)
    teacher = ensure_user("teacher", "示例周老师", phone="13812330008")
    _member(teacher, klass, Role.TEACHER)
    _member(teacher, klass, Role.COORDINATOR)
    _member(ensure_user("student", "示例小明"), klass, Role.STUDENT, number="01")
    lead = ensure_user("volunteer_lead", "示例孙队长", phone="13812330009")
    _member(lead, team, Role.COORDINATOR)
    _member(lead, team, Role.VOLUNTEER)
    _member(ensure_user("volunteer", "示例钱队员", phone="13812330010"), team, Role.VOLUNTEER)


def _members(district):
    for index, (where, name, role) in enumerate(MEMBERS):
        phone = str(MEMBER_PHONE_BASE + index + 1)
        _member(ensure_user(phone, name, phone=phone), _at(district, where), role)
    klass = _at(district, f"朱家角镇/{DEMO_SCHOOL}/{DEMO_CLASS}")
    for index, (name, number) in enumerate(STUDENTS):
        user = ensure_user(f"demo-student-{index + 1:02d}", name)
        _member(user, klass, Role.STUDENT, number=number)
