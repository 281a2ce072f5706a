//! Reference data of the generator: the member units with their quality
//! tiers and typical violations, the regions with their townships, types,
//! sources, name parts, the case columns (in `CASE_FIELDS` order) and their
//! aliases, and the planted bad rows, recurrences, media cases and
//! adjustments. Tables only, no logic beyond index lookups; long because
//! the tables are (twelve regions with every township).

// ---------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------

/// Quality tier of a unit or region: A good, B middling, C poor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tier {
    A,
    B,
    C,
}

pub(super) struct UnitDef {
    pub(super) name: &'static str,
    /// Case-number abbreviation: 温{abbr}案〔2026〕12号.
    pub(super) abbr: &'static str,
    pub(super) weight: u32,
    /// Typical violation types with weights.
    pub(super) types: &'static [(&'static str, u32)],
    pub(super) tier: Tier,
    /// Another name its exports use (old name before the 2018 reform, or the office name).
    pub(super) old_name: &'static str,
    /// Full name as printed on letters.
    pub(super) full_name: &'static str,
    /// Weight of the unit in patrols.
    pub(super) patrol_weight: u32,
}

pub(super) const UNITS: &[UnitDef] = &[
    UnitDef {
        name: "自然资源",
        abbr: "自然资",
        weight: 20,
        types: &[("无证开采", 4), ("越界开采", 2), ("非法加工矿产品", 1)],
        tier: Tier::A,
        old_name: "国土资源局",
        full_name: "温州市自然资源和规划局",
        patrol_weight: 30,
    },
    UnitDef {
        name: "公安",
        abbr: "公",
        weight: 14,
        types: &[("火工品违法", 2), ("无证开采", 1), ("非法开采海砂", 1)],
        tier: Tier::A,
        old_name: "公安局",
        full_name: "温州市公安局",
        patrol_weight: 10,
    },
    UnitDef {
        name: "交通运输",
        abbr: "交",
        weight: 8,
        types: &[("矿产品违法运输", 3), ("采运砂船舶违法", 1)],
        tier: Tier::B,
        old_name: "交通局",
        full_name: "温州市交通运输局",
        patrol_weight: 8,
    },
    UnitDef {
        name: "林业",
        abbr: "林",
        weight: 7,
        types: &[("非法占用林地", 1)],
        tier: Tier::C,
        old_name: "林业局",
        full_name: "温州市林业局",
        patrol_weight: 5,
    },
    UnitDef {
        name: "水利",
        abbr: "水",
        weight: 10,
        types: &[("河道非法采砂", 1)],
        tier: Tier::B,
        old_name: "水利局",
        full_name: "温州市水利局",
        patrol_weight: 12,
    },
    UnitDef {
        name: "应急管理",
        abbr: "应急",
        weight: 6,
        types: &[("安全生产违法", 2), ("火工品违法", 1)],
        tier: Tier::B,
        old_name: "安监局",
        full_name: "温州市应急管理局",
        patrol_weight: 5,
    },
    UnitDef {
        name: "生态环境",
        abbr: "环",
        weight: 7,
        types: &[("破坏生态环境", 1)],
        tier: Tier::A,
        old_name: "环保局",
        full_name: "温州市生态环境局",
        patrol_weight: 6,
    },
    UnitDef {
        name: "海洋与渔业",
        abbr: "海渔",
        weight: 6,
        types: &[
            ("非法开采海砂", 2),
            ("采运砂船舶违法", 1),
            ("无居民海岛非法采挖", 1),
        ],
        tier: Tier::C,
        old_name: "海洋与渔业局",
        full_name: "温州市海洋与渔业局",
        patrol_weight: 7,
    },
    UnitDef {
        name: "市场监管",
        abbr: "市监",
        weight: 8,
        types: &[("无照经营", 2), ("非法加工矿产品", 1)],
        tier: Tier::B,
        old_name: "工商局",
        full_name: "温州市市场监督管理局",
        patrol_weight: 5,
    },
    UnitDef {
        name: "海事",
        abbr: "海事",
        weight: 5,
        types: &[("采运砂船舶违法", 2), ("非法开采海砂", 1)],
        tier: Tier::A,
        old_name: "海事局",
        full_name: "温州海事局",
        patrol_weight: 6,
    },
    UnitDef {
        name: "电力",
        abbr: "电",
        weight: 5,
        types: &[("违规架设供电线路", 1)],
        tier: Tier::C,
        old_name: "供电局",
        full_name: "国网温州供电公司",
        patrol_weight: 3,
    },
];

pub(super) struct RegionDef {
    pub(super) name: &'static str,
    pub(super) short: &'static str,
    pub(super) weight: u32,
    /// 身份证 area code.
    pub(super) area: &'static str,
    pub(super) coastal: bool,
    pub(super) tier: Tier,
    /// Centre in micro-degrees (lon, lat); townships and sites are laid out
    /// around it so that no two sites are within 400 m of each other.
    pub(super) centre: (i64, i64),
    pub(super) townships: &'static [&'static str],
}

pub(super) const REGIONS: &[RegionDef] = &[
    RegionDef {
        name: "鹿城区",
        short: "鹿城",
        weight: 6,
        area: "330302",
        coastal: false,
        tier: Tier::A,
        centre: (120_640_000, 28_300_000),
        townships: &[
            "五马街道",
            "松台街道",
            "南汇街道",
            "七都街道",
            "藤桥镇",
            "山福镇",
        ],
    },
    RegionDef {
        name: "龙湾区",
        short: "龙湾",
        weight: 6,
        area: "330303",
        coastal: true,
        tier: Tier::B,
        centre: (120_640_000, 27_980_000),
        townships: &["永中街道", "状元街道", "海城街道", "星海街道", "瑶溪街道"],
    },
    RegionDef {
        name: "瓯海区",
        short: "瓯海",
        weight: 8,
        area: "330304",
        coastal: false,
        tier: Tier::A,
        centre: (120_220_000, 27_980_000),
        townships: &["景山街道", "娄桥街道", "瞿溪街道", "丽岙街道", "泽雅镇"],
    },
    RegionDef {
        name: "洞头区",
        short: "洞头",
        weight: 4,
        area: "330305",
        coastal: true,
        tier: Tier::B,
        centre: (121_060_000, 27_980_000),
        townships: &[
            "北岙街道",
            "东屏街道",
            "元觉街道",
            "霓屿街道",
            "大门镇",
            "鹿西乡",
        ],
    },
    RegionDef {
        name: "瑞安市",
        short: "瑞安",
        weight: 12,
        area: "330381",
        coastal: true,
        tier: Tier::A,
        centre: (120_640_000, 27_660_000),
        townships: &[
            "安阳街道",
            "飞云街道",
            "塘下镇",
            "马屿镇",
            "陶山镇",
            "高楼镇",
        ],
    },
    RegionDef {
        name: "乐清市",
        short: "乐清",
        weight: 12,
        area: "330382",
        coastal: true,
        tier: Tier::B,
        centre: (121_060_000, 28_300_000),
        townships: &[
            "城东街道",
            "柳市镇",
            "虹桥镇",
            "北白象镇",
            "大荆镇",
            "雁荡镇",
        ],
    },
    RegionDef {
        name: "龙港市",
        short: "龙港",
        weight: 6,
        area: "330383",
        coastal: true,
        tier: Tier::B,
        centre: (121_060_000, 27_660_000),
        townships: &["湖前片区", "舥艚片区", "芦浦片区", "平等片区", "云岩片区"],
    },
    RegionDef {
        name: "永嘉县",
        short: "永嘉",
        weight: 11,
        area: "330324",
        coastal: false,
        tier: Tier::C,
        centre: (120_220_000, 28_300_000),
        townships: &[
            "北城街道",
            "瓯北街道",
            "桥头镇",
            "岩头镇",
            "枫林镇",
            "鹤盛镇",
        ],
    },
    RegionDef {
        name: "平阳县",
        short: "平阳",
        weight: 10,
        area: "330326",
        coastal: true,
        tier: Tier::B,
        centre: (120_220_000, 27_660_000),
        townships: &["昆阳镇", "鳌江镇", "水头镇", "萧江镇", "腾蛟镇", "南麂镇"],
    },
    RegionDef {
        name: "苍南县",
        short: "苍南",
        weight: 12,
        area: "330327",
        coastal: true,
        tier: Tier::C,
        centre: (119_800_000, 27_660_000),
        townships: &["灵溪镇", "马站镇", "矾山镇", "桥墩镇", "钱库镇", "赤溪镇"],
    },
    RegionDef {
        name: "文成县",
        short: "文成",
        weight: 7,
        area: "330328",
        coastal: false,
        tier: Tier::A,
        centre: (119_800_000, 28_300_000),
        townships: &[
            "大峃镇",
            "珊溪镇",
            "玉壶镇",
            "南田镇",
            "黄坦镇",
            "西坑畲族镇",
        ],
    },
    RegionDef {
        name: "泰顺县",
        short: "泰顺",
        weight: 6,
        area: "330329",
        coastal: false,
        tier: Tier::C,
        centre: (119_800_000, 27_980_000),
        townships: &[
            "罗阳镇",
            "司前畲族镇",
            "百丈镇",
            "筱村镇",
            "泗溪镇",
            "雅阳镇",
        ],
    },
];

/// Violation types in configuration order, with an alias an export may use.
pub(super) const TYPES: &[(&str, &str)] = &[
    ("无证开采", "无证采矿"),
    ("越界开采", "越界采矿"),
    ("河道非法采砂", "非法采砂"),
    ("非法开采海砂", "盗采海砂"),
    ("无居民海岛非法采挖", "无居民海岛采挖"),
    ("非法占用林地", "毁坏林地"),
    ("火工品违法", "非法使用火工品"),
    ("无照经营", "无证无照经营"),
    ("违规架设供电线路", "私拉乱接电线"),
    ("矿产品违法运输", "非法运输矿产品"),
    ("采运砂船舶违法", "三无船舶"),
    ("破坏生态环境", "破坏环境"),
    ("安全生产违法", "安全生产违规"),
    ("非法加工矿产品", "非法加工"),
    ("其他", "其它"),
];

/// Lead sources in configuration order, with an alias an export may use.
pub(super) const SOURCES: &[(&str, &str)] = &[
    ("巡查发现", "日常巡查"),
    ("电子监控", "视频监控"),
    ("卫片执法", "卫片图斑"),
    ("部门通报", "部门函告"),
    ("群众举报", "信访举报"),
    ("媒体曝光", "媒体报道"),
    ("上级交办", "上级督办"),
    ("其他", "其它"),
];
pub(super) const SRC_PATROL: usize = 0;
pub(super) const SRC_NOTIFIED: usize = 3;
pub(super) const SRC_MEDIA: usize = 5;

/// Site kind of a violation type: 0 hill, 1 river, 2 sea, 3 yard.
pub(super) fn site_kind(vtype: usize) -> usize {
    match TYPES[vtype].0 {
        "河道非法采砂" => 1,
        "非法开采海砂" | "采运砂船舶违法" | "无居民海岛非法采挖" => 2,
        "无照经营" | "非法加工矿产品" | "矿产品违法运输" | "违规架设供电线路" => {
            3
        }
        _ => 0,
    }
}
pub(super) const KINDS: usize = 4;
pub(super) const SITE_SUFFIX: [&[&str]; KINDS] = [
    &["后山", "采石场", "宕口", "山场", "山坡", "矿点"],
    &["溪滩段", "河段", "溪河道", "江滩", "溪埠头"],
    &["海域", "码头", "锚地", "近岸海域", "渔港"],
    &["砂石堆场", "加工点", "中转场", "路口", "厂房"],
];
pub(super) const EQUIPMENT: [&str; KINDS] = ["挖掘机", "挖砂机具", "抽砂泵", "破碎机"];
pub(super) const VILLAGE_A: &[char] = &[
    '东', '西', '南', '北', '上', '下', '前', '后', '新', '大', '小', '石', '岭', '溪', '坑', '垟',
    '岙', '头', '桥', '塘', '湖', '山', '洋', '龙', '凤', '金', '银', '坦', '岩', '田', '林', '竹',
    '梅',
];
pub(super) const VILLAGE_B: &[char] = &[
    '垟', '岙', '坑', '头', '底', '口', '山', '岭', '湾', '桥', '洋', '塘', '田', '埠', '岩', '坦',
];
pub(super) const SURNAMES: &[char] = &[
    '陈', '林', '黄', '王', '张', '李', '周', '郑', '吴', '潘', '徐', '叶', '金', '胡', '朱', '杨',
    '蔡', '刘', '谢', '戴', '池', '季', '项', '章', '孙',
];
pub(super) const GIVEN: &[char] = &[
    '建', '国', '伟', '明', '海', '华', '志', '强', '军', '平', '杰', '勇', '斌', '忠', '成', '晓',
    '丽', '芳', '红', '燕', '春', '秀', '德', '光', '荣', '文', '武', '安', '福', '庆', '东', '林',
    '超', '磊', '洪', '宇',
];
pub(super) const FIRM_MID: &[char] = &[
    '鑫', '宏', '盛', '顺', '鼎', '汇', '恒', '旺', '兴', '达', '诚', '昌', '瓯', '海',
];
pub(super) const FIRM_KIND: &[&str] = &[
    "建材",
    "矿业",
    "砂石",
    "石料",
    "航运",
    "运输",
    "贸易",
    "土石方工程",
];
pub(super) const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
pub(super) const ID_CHECK: &[u8; 11] = b"10X98765432";
pub(super) const CODE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Site grid: 0.005° apart (about 500 m), 20 to a row, so a township holds 400.
pub(super) const GRID_STEP: i64 = 5_000;
pub(super) const GRID_COLS: usize = 20;
pub(super) const SITES_PER_TOWNSHIP: usize = 400;
/// Sites per township kept for planted recurrences (never used by ordinary cases).
pub(super) const RESERVED_SITES: usize = 16;

// Case column indices, declared with the columns in `ingest::headers`.
pub(super) use crate::ingest::headers::col;

/// Header aliases a recipe may use, per case field.
pub(super) const ALIAS_HEADERS: [&str; col::COUNT] = [
    "案号",
    "执法部门",
    "县(市、区)",
    "乡镇(街道)",
    "违法地点",
    "经度",
    "纬度",
    "发现时间",
    "案件来源",
    "违法行为类型",
    "立案时间",
    "办结日期",
    "案件状态",
    "罚款(元)",
    "没收违法所得(元)",
    "涉案数量(吨)",
    "移送司法机关",
    "移送时间",
    "刑事立案",
    "涉案人员数",
    "取缔关闭",
    "断电",
    "扣押船舶",
    "扣押设备",
    "通报单位",
    "当事人姓名",
    "身份证号",
    "案情摘要",
];

/// A bad row planted in the messy data: the reason code it must be rejected
/// with, the quarter (counted back from the last; clamped to the first), and
/// the unit whose file holds it.
pub const PLANTED_REJECTS: &[(&str, u32, &str)] = &[
    ("bad_date", 0, "自然资源"),
    ("bad_date", 2, "公安"),
    ("date_after_period", 0, "海事"),
    ("date_after_period", 1, "交通运输"),
    ("date_order", 0, "林业"),
    ("date_order", 3, "水利"),
    ("unknown_region", 0, "应急管理"),
    ("unknown_region", 2, "市场监管"),
    ("unknown_violation_type", 0, "生态环境"),
    ("unknown_violation_type", 1, "电力"),
    ("negative_number", 0, "水利"),
    ("negative_number", 4, "海洋与渔业"),
    ("bad_yes_no", 0, "海洋与渔业"),
    ("bad_yes_no", 1, "自然资源"),
    ("field_count", 0, "电力"),
    ("field_count", 2, "林业"),
    ("duplicate_case", 0, "公安"),
    ("duplicate_case", 3, "自然资源"),
];

/// Planted recurrences: (quarter back from the last, region, matched only by
/// coordinates under a slightly different site name).
pub(super) const PLANTED_RECURRENCES: &[(u32, &str, bool)] = &[
    (0, "永嘉县", false),
    (0, "永嘉县", false),
    (0, "永嘉县", true),
    (0, "瑞安市", false),
    (1, "平阳县", true),
    (1, "永嘉县", false),
    (2, "泰顺县", false),
    (3, "苍南县", true),
];

/// Planted media exposures: (quarter back from the last, region).
pub(super) const PLANTED_MEDIA: &[(u32, &str)] = &[
    (0, "苍南县"),
    (0, "苍南县"),
    (0, "苍南县"),
    (1, "平阳县"),
    (2, "苍南县"),
];

/// Score adjustments: (对象类型, 对象 canonical, points, 事由, 依据).
pub(super) const ADJUSTMENTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "单位",
        "公安",
        "+2",
        "侦破跨区域非法采矿刑事案件，获省公安厅通报表扬",
        "《考核细则》第五条第（一）项",
    ),
    (
        "县市区",
        "苍南县",
        "-3",
        "矾山镇非法采矿问题被中央媒体曝光",
        "《考核细则》第六条第（二）项",
    ),
    (
        "单位",
        "海洋与渔业",
        "-2",
        "未按时报送季度案件统计数据",
        "《考核细则》第六条第（一）项",
    ),
    (
        "县市区",
        "瑞安市",
        "+1.5",
        "建成重点区域电子监控全覆盖，经验被省厅推广",
        "《考核细则》第五条第（三）项",
    ),
    (
        "单位",
        "电力",
        "-1",
        "对函告断电事项长期未予回复",
        "《考核细则》第六条第（四）项",
    ),
    (
        "县市区",
        "永嘉县",
        "-2",
        "取缔关闭点位反弹问题整改不力",
        "《考核细则》第六条第（三）项",
    ),
    (
        "单位",
        "自然资源",
        "+2",
        "牵头开展“清源”专项行动成效明显",
        "《考核细则》第五条第（二）项",
    ),
    (
        "县市区",
        "文成县",
        "+1",
        "乡镇、村两级巡查网格全覆盖",
        "《考核细则》第五条第（四）项",
    ),
];
