"""The place types the district tracks (policy sections 二 and 六). Organisations, handbooks and
alerts use these names as tags, so a unit, its handbook and the warnings sent to it match."""

PLACE_TYPES = [
    "大型商业综合体",
    "养老机构",
    "医疗机构",
    "中小学校",
    "群租房",
    "农村自建出租房",
    "电动自行车集中停放充电场所",
    "厂房仓库",
    "高层住宅",
    "人员密集场所",
    "易燃易爆单位",
    "文物古建筑",
    "宗教活动场所",
]
