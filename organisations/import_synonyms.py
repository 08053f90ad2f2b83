"""The one table of what people write in a member sheet: column headings and role names.

Headings and role names are compared after spreadsheets.normalise (full-width forms, spaces,
notes in brackets such as "手机号码（必填）" removed), so only the words themselves are listed.
Add a word here and both the header detection and the role column accept it.
"""

from .models import Membership

Role = Membership.Role

# The template's own headings, in the template's order; the first synonym of each field.
TEMPLATE_HEADINGS = {
    "name": "姓名",
    "phone": "手机号",
    "path": "组织路径",
    "role": "角色",
    "number": "编号",
}

COLUMN_SYNONYMS = {
    "name": ("姓名", "名字", "人员姓名", "员工姓名", "学生姓名", "职工姓名", "真实姓名", "name"),
    "phone": (
        "手机号",
        "手机号码",
        "手机",
        "联系电话",
        "电话",
        "电话号码",
        "联系方式",
        "移动电话",
        "联系手机",
        "phone",
        "mobile",
    ),
    "path": (
        "组织路径",
        "所属单位",
        "单位",
        "单位名称",
        "所在单位",
        "工作单位",
        "组织",
        "部门",
        "所属部门",
        "班级",
        "所在班级",
        "organisation",
    ),
    "role": ("角色", "岗位", "职务", "身份", "人员类别", "人员类型", "role"),
    "number": ("编号", "工号", "学号", "员工编号", "职工编号", "number"),
}
REQUIRED_FIELDS = ("name", "phone", "path", "role")
# A row is the header row when it names the person and the phone or the number column.
HEADER_MUST_NAME = [("name",), ("phone", "number")]

# Role names besides each role's own label (in Chinese and English, added by role_lookup).
ROLE_SYNONYMS = {
    Role.RESPONSIBLE: ("消防安全责任人", "责任人", "单位负责人", "法定代表人"),
    Role.MANAGER: ("消防安全管理人", "管理人", "消防管理人", "安全管理人", "消防安全管理员"),
    Role.OPERATOR: (
        "消控室值班操作人员",
        "消控室值班人员",
        "值班操作人员",
        "消控员",
        "消控室操作员",
        "消防控制室值班人员",
    ),
    Role.STAFF: ("员工", "普通员工", "职工", "一般员工", "工作人员", "从业人员"),
    Role.TEACHER: ("教师", "老师", "班主任"),
    Role.STUDENT: ("学生",),
    Role.CADRE: ("基层治理骨干", "骨干", "网格员", "楼组长"),
    Role.VOLUNTEER: ("志愿者", "队员", "志愿消防队员"),
    Role.COORDINATOR: ("协调员", "协调人"),
}
