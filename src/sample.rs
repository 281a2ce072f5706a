//! Deterministic generator of realistic sample data (`minebrief sample`).
//!
//! The data is a data folder as SPEC section 1 describes it: one folder per
//! quarter, one case export per member unit per quarter, plus the referral
//! ledger, patrol records, joint-meeting attendance and score adjustments.
//!
//! How it is made:
//!
//! * Cases are generated quarter by quarter, in order of their found date,
//!   and each one is written at once to every quarter folder that exports it
//!   (its found quarter and every later quarter it is still open at the
//!   start of), with its state at that quarter's end. Only the file writers
//!   are held open; no row text is kept, so `--rows 10000000` streams.
//! * Everything comes from two `ChaCha8Rng`s seeded from `--seed`: one for
//!   the content, one for per-cell formatting choices of messy files. The
//!   same seed and options give byte-identical files. No hash-map order and
//!   no floating-point library function reaches the output: amounts and
//!   coordinates are integers formatted by hand.
//! * Units and regions have a quality tier (timely filing, closing within 90
//!   days, proactive discovery, replies to referral letters, meeting
//!   attendance), so the assessment has leaders and laggards.
//! * Closed sites (是否取缔关闭=是) are never revisited by ordinary cases;
//!   recurrences (反弹) and media exposures (媒体曝光) are planted on a
//!   schedule, so their counts do not depend on chance.
//! * Without `--clean`, each quarter's case files rotate through eleven
//!   export "recipes" (encodings, delimiters, title and total rows, header
//!   aliases, date, amount and yes/no forms, old unit names, short region
//!   names, a unit named only by the file name), and a fixed set of bad rows
//!   is planted: see [`PLANTED_REJECTS`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::ingest;
use crate::ingest::headers::CASE_FIELDS;
use crate::quarter::Quarter;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub quarters: u32,
    /// Approximate total case rows over all quarter folders.
    pub rows: u64,
    pub seed: u64,
    pub last: Quarter,
    pub clean: bool,
}

/// One file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// Relative to the output folder, with `/`.
    pub rel: String,
    /// Data rows (not counting title, header, blank and total rows).
    pub rows: u64,
    pub bytes: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub quarters: Vec<Quarter>,
    pub files: Vec<FileInfo>,
    /// Case rows over all case files (accepted, superseded and planted bad rows).
    pub case_rows: u64,
    /// Distinct cases generated (not counting planted bad rows).
    pub cases: u64,
    /// Planted rejections by reason code (empty with `--clean`).
    pub planted: BTreeMap<&'static str, u64>,
    /// Quarter folders already in the output folder that this run did not
    /// write (they will be read with the new data).
    pub other_quarter_folders: Vec<String>,
}

impl Report {
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

// ---------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------

/// Quality tier of a unit or region: A good, B middling, C poor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    A,
    B,
    C,
}

struct UnitDef {
    name: &'static str,
    /// Case-number abbreviation: 温{abbr}案〔2026〕12号.
    abbr: &'static str,
    weight: u32,
    /// Typical violation types with weights.
    types: &'static [(&'static str, u32)],
    tier: Tier,
    /// Another name its exports use (old name before the 2018 reform, or the office name).
    old_name: &'static str,
    /// Full name as printed on letters.
    full_name: &'static str,
    /// Weight of the unit in patrols.
    patrol_weight: u32,
}

const UNITS: &[UnitDef] = &[
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

struct RegionDef {
    name: &'static str,
    short: &'static str,
    weight: u32,
    /// 身份证 area code.
    area: &'static str,
    coastal: bool,
    tier: Tier,
    /// Centre in micro-degrees (lon, lat); townships and sites are laid out
    /// around it so that no two sites are within 400 m of each other.
    centre: (i64, i64),
    townships: &'static [&'static str],
}

const REGIONS: &[RegionDef] = &[
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
const TYPES: &[(&str, &str)] = &[
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
const SOURCES: &[(&str, &str)] = &[
    ("巡查发现", "日常巡查"),
    ("电子监控", "视频监控"),
    ("卫片执法", "卫片图斑"),
    ("部门通报", "部门函告"),
    ("群众举报", "信访举报"),
    ("媒体曝光", "媒体报道"),
    ("上级交办", "上级督办"),
    ("其他", "其它"),
];
const SRC_PATROL: usize = 0;
const SRC_NOTIFIED: usize = 3;
const SRC_MEDIA: usize = 5;

/// Site kind of a violation type: 0 hill, 1 river, 2 sea, 3 yard.
fn site_kind(vtype: usize) -> usize {
    match TYPES[vtype].0 {
        "河道非法采砂" => 1,
        "非法开采海砂" | "采运砂船舶违法" | "无居民海岛非法采挖" => 2,
        "无照经营" | "非法加工矿产品" | "矿产品违法运输" | "违规架设供电线路" => {
            3
        }
        _ => 0,
    }
}
const KINDS: usize = 4;
const SITE_SUFFIX: [&[&str]; KINDS] = [
    &["后山", "采石场", "宕口", "山场", "山坡", "矿点"],
    &["溪滩段", "河段", "溪河道", "江滩", "溪埠头"],
    &["海域", "码头", "锚地", "近岸海域", "渔港"],
    &["砂石堆场", "加工点", "中转场", "路口", "厂房"],
];
const EQUIPMENT: [&str; KINDS] = ["挖掘机", "挖砂机具", "抽砂泵", "破碎机"];
const VILLAGE_A: &[char] = &[
    '东', '西', '南', '北', '上', '下', '前', '后', '新', '大', '小', '石', '岭', '溪', '坑', '垟',
    '岙', '头', '桥', '塘', '湖', '山', '洋', '龙', '凤', '金', '银', '坦', '岩', '田', '林', '竹',
    '梅',
];
const VILLAGE_B: &[char] = &[
    '垟', '岙', '坑', '头', '底', '口', '山', '岭', '湾', '桥', '洋', '塘', '田', '埠', '岩', '坦',
];
const SURNAMES: &[char] = &[
    '陈', '林', '黄', '王', '张', '李', '周', '郑', '吴', '潘', '徐', '叶', '金', '胡', '朱', '杨',
    '蔡', '刘', '谢', '戴', '池', '季', '项', '章', '孙',
];
const GIVEN: &[char] = &[
    '建', '国', '伟', '明', '海', '华', '志', '强', '军', '平', '杰', '勇', '斌', '忠', '成', '晓',
    '丽', '芳', '红', '燕', '春', '秀', '德', '光', '荣', '文', '武', '安', '福', '庆', '东', '林',
    '超', '磊', '洪', '宇',
];
const FIRM_MID: &[char] = &[
    '鑫', '宏', '盛', '顺', '鼎', '汇', '恒', '旺', '兴', '达', '诚', '昌', '瓯', '海',
];
const FIRM_KIND: &[&str] = &[
    "建材",
    "矿业",
    "砂石",
    "石料",
    "航运",
    "运输",
    "贸易",
    "土石方工程",
];
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";
const CODE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Site grid: 0.005° apart (about 500 m), 20 to a row, so a township holds 400.
const GRID_STEP: i64 = 5_000;
const GRID_COLS: usize = 20;
const SITES_PER_TOWNSHIP: usize = 400;
/// Sites per township kept for planted recurrences (never used by ordinary cases).
const RESERVED_SITES: usize = 16;

// Case field indices (CASE_FIELDS order; checked by a test).
const F_CASE_ID: usize = 0;
const F_UNIT: usize = 1;
const F_REGION: usize = 2;
const F_TOWNSHIP: usize = 3;
const F_SITE: usize = 4;
const F_LON: usize = 5;
const F_LAT: usize = 6;
const F_FOUND: usize = 7;
const F_SOURCE: usize = 8;
const F_VTYPE: usize = 9;
const F_FILED: usize = 10;
const F_CLOSED: usize = 11;
const F_STATUS: usize = 12;
const F_FINE: usize = 13;
const F_CONFISCATED: usize = 14;
const F_VOLUME: usize = 15;
const F_TRANSFERRED: usize = 16;
const F_TRANSFER_DATE: usize = 17;
const F_CRIMINAL: usize = 18;
const F_PERSONS: usize = 19;
const F_SITE_CLOSED: usize = 20;
const F_POWER_CUT: usize = 21;
const F_VESSELS: usize = 22;
const F_EQUIPMENT: usize = 23;
const F_REFERRED_BY: usize = 24;
const F_PARTY: usize = 25;
const F_PARTY_ID: usize = 26;
const F_SUMMARY: usize = 27;
const NFIELDS: usize = 28;

/// Header aliases a recipe may use, per case field.
const ALIAS_HEADERS: [&str; NFIELDS] = [
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
const PLANTED_RECURRENCES: &[(u32, &str, bool)] = &[
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
const PLANTED_MEDIA: &[(u32, &str)] = &[
    (0, "苍南县"),
    (0, "苍南县"),
    (0, "苍南县"),
    (1, "平阳县"),
    (2, "苍南县"),
];

/// Score adjustments: (对象类型, 对象 canonical, points, 事由, 依据).
const ADJUSTMENTS: &[(&str, &str, &str, &str, &str)] = &[
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

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/// Calendar day as days from the common era (chrono's ordinal).
type Day = i32;

fn date_of(d: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(NaiveDate::MIN)
}

fn day_of(d: NaiveDate) -> Day {
    d.num_days_from_ce()
}

fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let mut total = 0;
    for w in weights {
        total += w;
    }
    let mut x = rng.gen_range(0..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

fn pick_char(rng: &mut ChaCha8Rng, s: &[char]) -> char {
    s[rng.gen_range(0..s.len())]
}

/// Write micro-units (millionths) as a decimal with `places` places, trailing zeros kept.
fn push_fixed(out: &mut String, value: i64, scale_digits: u32, places: u32) {
    let scale = 10_i64.pow(scale_digits);
    let neg = value < 0;
    let v = value.unsigned_abs() as i64;
    let int = v / scale;
    let mut frac = v % scale;
    // truncate the fraction to `places` digits
    let drop = scale_digits.saturating_sub(places);
    frac /= 10_i64.pow(drop);
    if neg {
        out.push('-');
    }
    let _ = write!(out, "{int}");
    if places > 0 {
        let _ = write!(out, ".{:0width$}", frac, width = places as usize);
    }
}

/// Write `value / 10^scale_digits` with trailing zeros (and a bare point) removed.
fn push_trimmed(out: &mut String, value: i64, scale_digits: u32) {
    let start = out.len();
    push_fixed(out, value, scale_digits, scale_digits);
    if scale_digits > 0 {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            out.pop();
        }
    }
    if out.len() == start {
        out.push('0');
    }
}

/// `12,345.50` from cents.
fn push_grouped_cents(out: &mut String, cents: i64) {
    let int = (cents / 100).to_string();
    let bytes = int.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*b as char);
    }
    let _ = write!(out, ".{:02}", cents % 100);
}

// ---------------------------------------------------------------------------
// Export recipes (messy formats)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enc {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16Le,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    Iso,
    Slash,
    Dot,
    Chinese,
    Compact,
    Serial,
    WithTime,
    Mixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YesNo {
    Shi,
    Yn,
    Check,
    OneZero,
    English,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Money {
    Plain,
    Grouped,
    WanSuffix,
    WanHeader,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderStyle {
    Canonical,
    Alias,
    English,
    Spaced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitForm {
    Canonical,
    Old,
    Full,
    /// No 填报单位 column: the unit is in the file name only.
    FileName,
}

#[derive(Debug, Clone)]
struct Recipe {
    enc: Enc,
    delim: u8,
    crlf: bool,
    title: bool,
    total: bool,
    seq_col: bool,
    headers: HeaderStyle,
    dates: DateStyle,
    yes_no: YesNo,
    money: Money,
    unit_form: UnitForm,
    region_short: bool,
    name_aliases: bool,
    status_col: bool,
    shuffle: bool,
    ext: &'static str,
}

impl Recipe {
    fn clean() -> Recipe {
        Recipe {
            enc: Enc::Utf8,
            delim: b',',
            crlf: false,
            title: false,
            total: false,
            seq_col: false,
            headers: HeaderStyle::Canonical,
            dates: DateStyle::Iso,
            yes_no: YesNo::Shi,
            money: Money::Plain,
            unit_form: UnitForm::Canonical,
            region_short: false,
            name_aliases: false,
            status_col: true,
            shuffle: false,
            ext: "csv",
        }
    }

    /// The eleven messy export recipes; in the last quarter unit `i` uses recipe `i`.
    fn messy(k: usize) -> Recipe {
        let base = Recipe {
            status_col: false,
            ..Recipe::clean()
        };
        match k % 11 {
            0 => Recipe {
                enc: Enc::Gb18030,
                title: true,
                total: true,
                seq_col: true,
                dates: DateStyle::Slash,
                unit_form: UnitForm::Old,
                ..base
            },
            1 => Recipe {
                dates: DateStyle::Compact,
                unit_form: UnitForm::FileName,
                region_short: true,
                ..base
            },
            2 => Recipe {
                enc: Enc::Utf8Bom,
                crlf: true,
                headers: HeaderStyle::Alias,
                dates: DateStyle::Chinese,
                yes_no: YesNo::Yn,
                name_aliases: true,
                status_col: true,
                ..base
            },
            3 => Recipe {
                enc: Enc::Utf16Le,
                delim: b'\t',
                crlf: true,
                dates: DateStyle::Serial,
                yes_no: YesNo::Check,
                unit_form: UnitForm::Full,
                ext: "txt",
                ..base
            },
            4 => Recipe {
                money: Money::WanHeader,
                dates: DateStyle::WithTime,
                headers: HeaderStyle::Spaced,
                ..base
            },
            5 => Recipe {
                delim: b'\t',
                money: Money::WanSuffix,
                unit_form: UnitForm::Old,
                region_short: true,
                ..base
            },
            6 => Recipe {
                enc: Enc::Utf8Bom,
                title: true,
                money: Money::Grouped,
                dates: DateStyle::Dot,
                unit_form: UnitForm::Old,
                status_col: true,
                ..base
            },
            7 => Recipe {
                headers: HeaderStyle::English,
                shuffle: true,
                yes_no: YesNo::English,
                ..base
            },
            8 => Recipe::clean(),
            9 => Recipe {
                enc: Enc::Gb18030,
                crlf: true,
                total: true,
                headers: HeaderStyle::Alias,
                dates: DateStyle::Mixed,
                name_aliases: true,
                unit_form: UnitForm::Full,
                ..base
            },
            _ => Recipe {
                total: true,
                yes_no: YesNo::OneZero,
                unit_form: UnitForm::Full,
                money: Money::Grouped,
                ..base
            },
        }
    }
}

// ---------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------

/// Where the `csv` writer's bytes go: straight to the file for UTF-8, or
/// collected and re-encoded a whole record at a time (on `flush`).
struct Sink {
    w: BufWriter<File>,
    enc: Enc,
    pending: Vec<u8>,
    encoded: Vec<u8>,
    written: u64,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.enc {
            Enc::Utf8 | Enc::Utf8Bom => {
                self.written += buf.len() as u64;
                self.w.write_all(buf)?;
            }
            Enc::Gb18030 | Enc::Utf16Le => self.pending.extend_from_slice(buf),
        }
        Ok(buf.len())
    }

    /// Encode what was collected (whole records) and pass it on; the file
    /// itself is flushed only when the writer is finished.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        // the csv writer was given UTF-8 text and copies it unchanged
        let text = String::from_utf8_lossy(&self.pending);
        self.encoded.clear();
        match self.enc {
            Enc::Gb18030 => {
                let (b, _, _) = encoding_rs::GB18030.encode(&text);
                self.encoded.extend_from_slice(&b);
            }
            _ => {
                for u in text.encode_utf16() {
                    self.encoded.extend_from_slice(&u.to_le_bytes());
                }
            }
        }
        self.pending.clear();
        self.written += self.encoded.len() as u64;
        self.w.write_all(&self.encoded)
    }
}

/// A text file written row by row in one encoding and delimiter. Records
/// are formatted by the `csv` crate (quoting only where needed).
struct Out {
    csv: csv::Writer<Sink>,
    path: PathBuf,
    rel: String,
    /// Re-encoded files are flushed record by record.
    reencode: bool,
    rows: u64,
}

impl Out {
    fn create(dir: &Path, rel: String, enc: Enc, delim: u8, crlf: bool) -> Result<Out> {
        let path = dir.join(&rel);
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut sink = Sink {
            w: BufWriter::with_capacity(1 << 16, f),
            enc,
            pending: Vec::new(),
            encoded: Vec::new(),
            written: 0,
        };
        let bom: &[u8] = match enc {
            Enc::Utf8Bom => b"\xEF\xBB\xBF",
            Enc::Utf16Le => b"\xFF\xFE",
            _ => b"",
        };
        sink.written += bom.len() as u64;
        sink.w.write_all(bom).map_err(|e| Error::io(&path, e))?;
        let csv = csv::WriterBuilder::new()
            .delimiter(delim)
            .terminator(if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_writer(sink);
        Ok(Out {
            csv,
            path,
            rel,
            reencode: matches!(enc, Enc::Gb18030 | Enc::Utf16Le),
            rows: 0,
        })
    }

    fn record<'s>(&mut self, cells: impl IntoIterator<Item = &'s str>) -> Result<()> {
        let path = &self.path;
        let io = |e: csv::Error| Error::io(path, std::io::Error::other(e.to_string()));
        self.csv.write_record(cells).map_err(io)?;
        if self.reencode {
            self.csv.flush().map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    }

    /// A data record (counted in `rows`).
    fn row<'s>(&mut self, cells: impl IntoIterator<Item = &'s str>) -> Result<()> {
        self.rows += 1;
        self.record(cells)
    }

    fn finish(mut self) -> Result<FileInfo> {
        self.csv.flush().map_err(|e| Error::io(&self.path, e))?;
        let mut sink = self
            .csv
            .into_inner()
            .map_err(|e| Error::io(&self.path, std::io::Error::other(e.to_string())))?;
        sink.w.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(FileInfo {
            rel: self.rel,
            rows: self.rows,
            bytes: sink.written,
        })
    }
}

/// A unit's case export of one quarter.
struct CaseFile {
    out: Out,
    recipe: Recipe,
    /// Field index of each column, in column order.
    cols: Vec<usize>,
    /// The quarter's title (for the title row) and end day.
    quarter: Quarter,
}

impl CaseFile {
    fn width(&self) -> usize {
        self.cols.len() + usize::from(self.recipe.seq_col)
    }
}

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Case {
    id: String,
    unit: usize,
    region: usize,
    township: Option<usize>,
    site: String,
    /// Micro-degrees.
    coord: Option<(i64, i64)>,
    found: Day,
    source: usize,
    vtype: usize,
    filed: Option<Day>,
    closed: Option<Day>,
    fine_yuan: i64,
    confiscated_cents: i64,
    volume_dt: i64,
    transferred: bool,
    transfer: Option<Day>,
    criminal: bool,
    persons: u32,
    site_closed: bool,
    power_cut: bool,
    vessels: u32,
    equipment: u32,
    referred_by: Option<usize>,
    party: String,
    party_id: String,
    summary: String,
}

/// How a case is to be made (planted cases force some of it).
#[derive(Debug, Clone, Default)]
struct Spec {
    unit: Option<usize>,
    region: Option<usize>,
    source: Option<usize>,
    never_closes_site: bool,
    /// Use this reserved site (township, site index) instead of a pool site.
    reserved: Option<(usize, usize)>,
    site_closed: Option<bool>,
    backlog: bool,
}

/// A site of a township: name and position.
#[derive(Debug, Clone)]
struct Site {
    name: String,
    coord: (i64, i64),
}

struct Sites {
    /// [region][township] -> all sites (pools by kind, then reserved).
    all: Vec<Vec<Vec<Site>>>,
    pool: usize,
    /// Closed flags, same layout.
    closed: Vec<Vec<Vec<bool>>>,
    /// Next reserved site per [region][township].
    next_reserved: Vec<Vec<usize>>,
}

impl Sites {
    fn new(rng: &mut ChaCha8Rng, pool: usize) -> Sites {
        let pool = pool.clamp(4, (SITES_PER_TOWNSHIP - RESERVED_SITES) / KINDS);
        let mut all = Vec::new();
        let mut closed = Vec::new();
        let mut next_reserved = Vec::new();
        for r in REGIONS {
            let mut towns = Vec::new();
            let mut towns_closed = Vec::new();
            for (t, _) in r.townships.iter().enumerate() {
                // townships on a 3 x 2 grid 0.13° apart, sites on a 20-wide grid
                let t_lon = r.centre.0 + (t as i64 % 3 - 1) * 130_000 - 50_000;
                let t_lat = r.centre.1 + (t as i64 / 3) * 130_000 - 110_000;
                let mut names = BTreeSet::new();
                let mut sites = Vec::new();
                let total = pool * KINDS + RESERVED_SITES;
                for i in 0..total {
                    let kind = if i < pool * KINDS { i / pool } else { 0 };
                    let name = loop {
                        let v = format!(
                            "{}{}村{}",
                            pick_char(rng, VILLAGE_A),
                            pick_char(rng, VILLAGE_B),
                            SITE_SUFFIX[kind][rng.gen_range(0..SITE_SUFFIX[kind].len())]
                        );
                        if names.insert(v.clone()) {
                            break v;
                        }
                    };
                    let coord = (
                        t_lon + (i % GRID_COLS) as i64 * GRID_STEP,
                        t_lat + (i / GRID_COLS) as i64 * GRID_STEP,
                    );
                    sites.push(Site { name, coord });
                }
                towns_closed.push(vec![false; sites.len()]);
                towns.push(sites);
            }
            next_reserved.push(vec![0; towns.len()]);
            all.push(towns);
            closed.push(towns_closed);
        }
        Sites {
            all,
            pool,
            closed,
            next_reserved,
        }
    }

    /// A reserved site of a region for a planted recurrence: (township, index).
    fn reserve(&mut self, rng: &mut ChaCha8Rng, region: usize) -> (usize, usize) {
        let towns = self.all[region].len();
        let start = rng.gen_range(0..towns);
        for k in 0..towns {
            let t = (start + k) % towns;
            let n = self.next_reserved[region][t];
            if n < RESERVED_SITES {
                self.next_reserved[region][t] += 1;
                return (t, self.pool * KINDS + n);
            }
        }
        // every reserved site used: reuse the first one of the township
        (start, self.pool * KINDS)
    }
}

fn chinese_num_list(rng: &mut ChaCha8Rng, n: usize, from: &[char]) -> String {
    let mut s = String::new();
    for _ in 0..n {
        s.push(pick_char(rng, from));
    }
    s
}

/// Weight tables for `pick_weighted`.
struct Weights {
    units: Vec<u32>,
    /// Per unit: weights of its typical violation types.
    types: Vec<Vec<u32>>,
    regions: Vec<u32>,
    /// Regions on the coast only (sea sand).
    coastal: Vec<u32>,
    patrols: Vec<u32>,
}

impl Weights {
    fn new() -> Weights {
        Weights {
            units: UNITS.iter().map(|u| u.weight).collect(),
            types: UNITS
                .iter()
                .map(|u| u.types.iter().map(|t| t.1).collect())
                .collect(),
            regions: REGIONS.iter().map(|r| r.weight).collect(),
            coastal: REGIONS
                .iter()
                .map(|r| if r.coastal { r.weight } else { 0 })
                .collect(),
            patrols: UNITS.iter().map(|u| u.patrol_weight).collect(),
        }
    }
}

/// The generator state.
struct Gen {
    w: Weights,
    rng: ChaCha8Rng,
    /// Per-cell formatting choices of messy files (mixed date forms, aliases).
    frng: ChaCha8Rng,
    clean: bool,
    quarters: Vec<Quarter>,
    bounds: Vec<(Day, Day)>,
    sites: Sites,
    /// (unit, year) -> last case number.
    seq: BTreeMap<(usize, i32), u32>,
    ref_seq: BTreeMap<i32, u32>,
    files: Vec<Vec<CaseFile>>,
    referrals: Vec<Out>,
    /// Rows already committed to each quarter by earlier cases.
    carried: Vec<u64>,
    case_rows: u64,
    cases: u64,
    planted: BTreeMap<&'static str, u64>,
    vals: Vec<String>,
    excel_epoch: Day,
}

fn unit_index(name: &str) -> usize {
    UNITS.iter().position(|u| u.name == name).unwrap_or(0)
}

fn region_index(name: &str) -> usize {
    REGIONS.iter().position(|r| r.name == name).unwrap_or(0)
}

fn type_index(name: &str) -> usize {
    TYPES
        .iter()
        .position(|t| t.0 == name)
        .unwrap_or(TYPES.len() - 1)
}

/// Filing within 7 days, per mille: (the rate of a unit of this tier, the
/// factor a region of this tier multiplies it by).
fn tier_fast(t: Tier) -> (u32, u32) {
    match t {
        Tier::A => (960, 1000),
        Tier::B => (820, 940),
        Tier::C => (520, 800),
    }
}

impl Gen {
    fn quarter_index(&self, d: Day) -> Option<usize> {
        self.bounds.iter().position(|&(s, e)| s <= d && d <= e)
    }

    fn last_end(&self) -> Day {
        self.bounds.last().map(|b| b.1).unwrap_or(0)
    }

    fn first_start(&self) -> Day {
        self.bounds.first().map(|b| b.0).unwrap_or(0)
    }

    fn next_case_id(&mut self, unit: usize, found: Day) -> String {
        let year = date_of(found).year();
        let n = self.seq.entry((unit, year)).or_insert(0);
        *n += 1;
        format!("温{}案〔{year}〕{}号", UNITS[unit].abbr, n)
    }

    fn person(&mut self, region: usize) -> (String, String) {
        let rng = &mut self.rng;
        let mut name = String::new();
        name.push(pick_char(rng, SURNAMES));
        let given = if rng.gen_bool(0.3) { 1 } else { 2 };
        name.push_str(&chinese_num_list(rng, given, GIVEN));
        let birth = day_of(NaiveDate::from_ymd_opt(1955, 1, 1).unwrap_or(NaiveDate::MIN))
            + rng.gen_range(0..16_400);
        let b = date_of(birth);
        let body = format!(
            "{}{:04}{:02}{:02}{:03}",
            REGIONS[region].area,
            b.year(),
            b.month(),
            b.day(),
            rng.gen_range(0..1000)
        );
        let sum: u32 = body
            .bytes()
            .zip(ID_WEIGHTS)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        let check = ID_CHECK[(sum % 11) as usize] as char;
        (name, format!("{body}{check}"))
    }

    fn firm(&mut self, region: usize) -> (String, String) {
        let rng = &mut self.rng;
        let r = &REGIONS[region];
        let prefix = if ["鹿城", "龙湾", "瓯海", "洞头"].contains(&r.short) {
            "温州"
        } else {
            r.short
        };
        let name = format!(
            "{prefix}{}{}{}有限公司",
            pick_char(rng, FIRM_MID),
            pick_char(rng, FIRM_MID),
            FIRM_KIND[rng.gen_range(0..FIRM_KIND.len())]
        );
        let mut code = format!("91{}MA", r.area);
        for _ in 0..8 {
            code.push(CODE_CHARS[rng.gen_range(0..CODE_CHARS.len())] as char);
        }
        (name, code)
    }

    /// Make one case found on `found`.
    fn make_case(&mut self, found: Day, spec: &Spec) -> Case {
        let unit = match spec.unit {
            Some(u) => u,
            None => pick_weighted(&mut self.rng, &self.w.units),
        };
        let ud = &UNITS[unit];
        let vtype = if self.rng.gen_bool(0.75) {
            let i = pick_weighted(&mut self.rng, &self.w.types[unit]);
            type_index(ud.types[i].0)
        } else {
            // any type but 其他 mostly
            let i = self.rng.gen_range(0..TYPES.len() + 3);
            i.min(TYPES.len() - 2)
        };
        let kind = site_kind(vtype);
        let region = match spec.region {
            Some(r) => r,
            None => {
                let w = if kind == 2 {
                    &self.w.coastal
                } else {
                    &self.w.regions
                };
                pick_weighted(&mut self.rng, w)
            }
        };
        let rd = &REGIONS[region];
        // site: a pool site of the kind that is not a closed site, or a reserved one
        let (site_town, site_idx) = match spec.reserved {
            Some(x) => (x.0, Some(x.1)),
            None => {
                let t = self.rng.gen_range(0..rd.townships.len());
                let mut chosen = None;
                for _ in 0..8 {
                    let i = kind * self.sites.pool + self.rng.gen_range(0..self.sites.pool);
                    if !self.sites.closed[region][t][i] {
                        chosen = Some(i);
                        break;
                    }
                }
                (t, chosen)
            }
        };
        let township = if spec.reserved.is_none() && self.rng.gen_bool(0.01) {
            None
        } else {
            Some(site_town)
        };
        let (site, coord) = match site_idx {
            Some(i) if spec.reserved.is_some() || !self.rng.gen_bool(0.03) => {
                let s = &self.sites.all[region][site_town][i];
                // same site: within about 30 m
                let j = (
                    self.rng.gen_range(-300..=300_i64),
                    self.rng.gen_range(-300..=300_i64),
                );
                (s.name.clone(), Some((s.coord.0 + j.0, s.coord.1 + j.1)))
            }
            _ => (String::new(), None),
        };
        let site_closed = spec.site_closed.unwrap_or_else(|| {
            !spec.never_closes_site && site_idx.is_some() && self.rng.gen_bool(0.05)
        });
        // a closed site is always archived with its coordinates; others mostly have them
        let coord = if site_closed || spec.reserved.is_some() || self.rng.gen_bool(0.85) {
            coord
        } else {
            None
        };
        if site_closed && spec.reserved.is_none() {
            if let Some(i) = site_idx {
                self.sites.closed[region][site_town][i] = true;
            }
        }

        // lead source
        let source = match spec.source {
            Some(s) => s,
            None => {
                let mut p = match rd.tier {
                    Tier::A => 820,
                    Tier::B => 620,
                    Tier::C => 380,
                };
                p = match ud.tier {
                    Tier::A => p + 80,
                    Tier::B => p,
                    Tier::C => p - 100,
                };
                if self.rng.gen_range(0..1000) < p {
                    [0, 1, 2][pick_weighted(&mut self.rng, &[60, 20, 20])]
                } else {
                    let media = if rd.tier == Tier::C { 4 } else { 1 };
                    [3, 4, 5, 6, 7][pick_weighted(&mut self.rng, &[35, 45, media, 8, 4])]
                }
            }
        };
        let referred_by = if source == SRC_NOTIFIED {
            let mut o = self.rng.gen_range(0..UNITS.len() - 1);
            if o >= unit {
                o += 1;
            }
            Some(o)
        } else {
            None
        };

        // dates
        let (ufast, _) = tier_fast(ud.tier);
        let (_, rscale) = tier_fast(rd.tier);
        let fast = ufast * rscale / 1000;
        let (slow_close, never_close) = match (ud.tier, rd.tier) {
            (Tier::A, Tier::A) => (10, 2),
            (Tier::A, _) | (_, Tier::A) => (35, 8),
            (Tier::C, Tier::C) => (380, 120),
            (Tier::C, _) | (_, Tier::C) => (250, 70),
            _ => (120, 30),
        };
        let mut filed = None;
        let mut closed = None;
        if spec.backlog || spec.reserved.is_some() || self.rng.gen_range(0..1000) < 940 {
            let delay = if spec.reserved.is_some() || self.rng.gen_range(0..1000) < fast {
                self.rng.gen_range(0..=7)
            } else if self.rng.gen_bool(0.8) {
                self.rng.gen_range(8..=30)
            } else {
                self.rng.gen_range(31..=75)
            };
            let f = found + delay;
            let x = self.rng.gen_range(0..1000);
            let c = if spec.reserved.is_some() {
                Some(f + self.rng.gen_range(5..=40))
            } else if x < never_close {
                None
            } else if x < never_close + slow_close {
                Some(f + self.rng.gen_range(91..=220))
            } else {
                Some(f + self.rng.gen_range(7..=88))
            };
            filed = Some(f);
            closed = c;
            if spec.backlog {
                let first = self.first_start();
                filed = Some(f.min(first - 1));
                if let Some(c) = closed {
                    if c < first {
                        closed = Some(first + self.rng.gen_range(0..150));
                    }
                }
            }
        }

        let transferred = filed.is_some()
            && self.rng.gen_range(0..1000)
                < if ud.name == "公安" {
                    350
                } else if TYPES[vtype].0 == "非法开采海砂" {
                    220
                } else {
                    60
                };
        let transfer = match filed {
            Some(f) if transferred && self.rng.gen_bool(0.8) => {
                Some(f + self.rng.gen_range(0..=20))
            }
            _ => None,
        };
        let criminal = transferred && self.rng.gen_bool(0.65);
        let persons =
            1 + [0, 1, 2, 3, 4, 6, 9][pick_weighted(&mut self.rng, &[40, 25, 14, 9, 6, 4, 2])];
        let power_cut = self.rng.gen_range(0..100) < if ud.name == "电力" { 60 } else { 8 };
        let vessels = if (kind == 1 || kind == 2) && self.rng.gen_bool(0.35) {
            self.rng.gen_range(1..4)
        } else {
            0
        };
        let equipment = if self.rng.gen_bool(0.3) {
            self.rng.gen_range(1..7)
        } else {
            0
        };
        let fine_yuan = if closed.is_some() && self.rng.gen_bool(0.85) {
            let base = [
                2_000, 5_000, 10_000, 20_000, 30_000, 50_000, 100_000, 200_000, 500_000,
            ][pick_weighted(&mut self.rng, &[8, 14, 18, 16, 12, 10, 8, 4, 1])];
            base + 100 * self.rng.gen_range(0..base / 100)
        } else {
            0
        };
        let confiscated_cents = if closed.is_some() && self.rng.gen_bool(0.3) {
            let mag = [100_000, 1_000_000, 10_000_000][pick_weighted(&mut self.rng, &[5, 4, 1])];
            self.rng.gen_range(mag..mag * 10)
        } else {
            0
        };
        let volume_dt = if self.rng.gen_bool(0.7) {
            let mag = [100, 1_000, 10_000, 100_000][pick_weighted(&mut self.rng, &[3, 5, 3, 1])];
            self.rng.gen_range(mag..mag * 10)
        } else {
            0
        };
        let (party, party_id) = if self.rng.gen_bool(0.75) {
            self.person(region)
        } else {
            self.firm(region)
        };
        let id = self.next_case_id(unit, found);

        // summary, 30 to 80 characters
        let d = date_of(found);
        let mut text = format!("{}月{}日，", d.month(), d.day());
        match source {
            0 => text.push_str("执法人员日常巡查发现"),
            1 => text.push_str("通过电子监控发现"),
            2 => text.push_str("经卫片执法图斑核查发现"),
            3 => {
                let o = referred_by.unwrap_or(0);
                let _ = write!(text, "接{}部门通报", UNITS[o].name);
            }
            4 => text.push_str("接群众举报"),
            5 => text.push_str("经媒体曝光"),
            6 => text.push_str("经上级交办"),
            _ => text.push_str("经核查"),
        }
        let _ = write!(
            text,
            "{}{}{}存在{}行为",
            rd.name,
            township.map(|t| rd.townships[t]).unwrap_or(""),
            site,
            TYPES[vtype].0
        );
        let mut acts: Vec<String> = Vec::new();
        if vessels > 0 {
            acts.push(format!("扣押船舶{vessels}艘"));
        }
        if equipment > 0 {
            acts.push(format!("暂扣{}{equipment}台", EQUIPMENT[kind]));
        }
        if volume_dt > 0 {
            let mut v = String::from("涉案矿产品约");
            push_trimmed(&mut v, volume_dt, 1);
            v.push('吨');
            acts.push(v);
        }
        if power_cut {
            acts.push("已对该点位实施断电".into());
        }
        if site_closed {
            acts.push("已取缔关闭".into());
        }
        if transferred {
            acts.push("已移送公安机关".into());
        }
        acts.push(if self.rng.gen_bool(0.5) {
            "已责令停止违法行为".into()
        } else {
            "案件正在进一步调查中".into()
        });
        for a in acts {
            if text.chars().count() + a.chars().count() + 2 > 80 {
                break;
            }
            text.push('，');
            text.push_str(&a);
        }
        text.push('。');
        if text.chars().count() < 30 {
            text.pop();
            text.push_str("，当事人已到案接受调查。");
        }
        if !self.clean && self.rng.gen_range(0..100) < 2 {
            // a cell spanning lines, with ASCII quotes and a comma
            text.push_str("\n现场查见\"三无\"船只1艘, 已拍照取证。");
        }

        Case {
            id,
            unit,
            region,
            township,
            site,
            coord,
            found,
            source,
            vtype,
            filed,
            closed,
            fine_yuan,
            confiscated_cents,
            volume_dt,
            transferred,
            transfer,
            criminal,
            persons,
            site_closed,
            power_cut,
            vessels,
            equipment,
            referred_by,
            party,
            party_id,
            summary: text,
        }
    }

    /// Quarter indices exporting a case: its found quarter (or the first) to
    /// the quarter it is closed in (or the last).
    fn export_range(&self, c: &Case) -> std::ops::RangeInclusive<usize> {
        let n = self.quarters.len();
        let first = self.quarter_index(c.found).unwrap_or(0);
        let last = match (c.filed, c.closed) {
            (None, _) => first,
            (Some(_), Some(cl)) if cl <= self.last_end() => self.quarter_index(cl).unwrap_or(n - 1),
            _ => n - 1,
        };
        first..=last.max(first)
    }

    fn fmt_date(&mut self, out: &mut String, style: DateStyle, d: Day) {
        let style = if style == DateStyle::Mixed {
            [
                DateStyle::Iso,
                DateStyle::Slash,
                DateStyle::Chinese,
                DateStyle::Compact,
                DateStyle::Serial,
                DateStyle::Dot,
            ][self.frng.gen_range(0..6)]
        } else {
            style
        };
        let nd = date_of(d);
        let (y, m, dd) = (nd.year(), nd.month(), nd.day());
        let _ = match style {
            DateStyle::Iso | DateStyle::Mixed => write!(out, "{y:04}-{m:02}-{dd:02}"),
            DateStyle::Slash => write!(out, "{y}/{m}/{dd}"),
            DateStyle::Dot => write!(out, "{y}.{m}.{dd}"),
            DateStyle::Chinese => write!(out, "{y}年{m}月{dd}日"),
            DateStyle::Compact => write!(out, "{y:04}{m:02}{dd:02}"),
            DateStyle::Serial => write!(out, "{}", d - self.excel_epoch),
            DateStyle::WithTime => write!(
                out,
                "{y:04}-{m:02}-{dd:02} {:02}:{:02}",
                self.frng.gen_range(8..18),
                self.frng.gen_range(0..60)
            ),
        };
    }

    /// Render a case as exported at the end of quarter `qi` into `self.vals`.
    fn render(&mut self, c: &Case, qi: usize, recipe: &Recipe) {
        let end = self.bounds[qi].1;
        let mut vals = std::mem::take(&mut self.vals);
        for v in vals.iter_mut() {
            v.clear();
        }
        let filed = c.filed.filter(|&f| f <= end);
        let closed = c.closed.filter(|&d| d <= end && filed.is_some());
        let t_event = c.transfer.or(c.filed).unwrap_or(c.found);
        let transferred = c.transferred && filed.is_some() && t_event <= end;
        let ud = &UNITS[c.unit];
        let rd = &REGIONS[c.region];
        vals[F_CASE_ID].push_str(&c.id);
        vals[F_UNIT].push_str(match recipe.unit_form {
            UnitForm::Canonical | UnitForm::FileName => ud.name,
            UnitForm::Old => ud.old_name,
            UnitForm::Full => ud.full_name,
        });
        vals[F_REGION].push_str(if recipe.region_short {
            rd.short
        } else {
            rd.name
        });
        if let Some(t) = c.township {
            vals[F_TOWNSHIP].push_str(rd.townships[t]);
        }
        vals[F_SITE].push_str(&c.site);
        if let Some((lon, lat)) = c.coord {
            push_fixed(&mut vals[F_LON], lon, 6, 6);
            push_fixed(&mut vals[F_LAT], lat, 6, 6);
        }
        let ds = recipe.dates;
        self.fmt_date(&mut vals[F_FOUND], ds, c.found);
        let (src, vt) = (SOURCES[c.source], TYPES[c.vtype]);
        let alias = recipe.name_aliases && self.frng.gen_bool(0.4);
        vals[F_SOURCE].push_str(if alias { src.1 } else { src.0 });
        vals[F_VTYPE].push_str(if alias { vt.1 } else { vt.0 });
        if let Some(f) = filed {
            self.fmt_date(&mut vals[F_FILED], ds, f);
        }
        if let Some(d) = closed {
            self.fmt_date(&mut vals[F_CLOSED], ds, d);
        }
        vals[F_STATUS].push_str(if closed.is_some() {
            "已结案"
        } else if filed.is_some() {
            "办理中"
        } else if qi + 1 == self.quarters.len() || c.filed.is_some() {
            "待立案"
        } else {
            "不予立案"
        });
        let fine = if closed.is_some() { c.fine_yuan } else { 0 };
        let conf = if closed.is_some() {
            c.confiscated_cents
        } else {
            0
        };
        if fine > 0 {
            let v = &mut vals[F_FINE];
            match recipe.money {
                Money::Plain => push_trimmed(v, fine, 0),
                Money::Grouped => push_grouped_cents(v, fine * 100),
                Money::WanSuffix if fine >= 10_000 => {
                    push_trimmed(v, fine, 4);
                    v.push_str("万元");
                }
                Money::WanSuffix => {
                    push_trimmed(v, fine, 0);
                    v.push('元');
                }
                Money::WanHeader => push_trimmed(v, fine, 4),
            }
        }
        if conf > 0 {
            let v = &mut vals[F_CONFISCATED];
            match recipe.money {
                Money::Plain => push_fixed(v, conf, 2, 2),
                Money::Grouped => push_grouped_cents(v, conf),
                Money::WanSuffix => {
                    push_fixed(v, conf, 2, 2);
                    v.push('元');
                }
                Money::WanHeader => push_trimmed(v, conf, 6),
            }
        }
        if c.volume_dt > 0 {
            push_fixed(&mut vals[F_VOLUME], c.volume_dt, 1, 1);
        }
        let yn = |b: bool| -> &'static str {
            match (recipe.yes_no, b) {
                (YesNo::Shi, true) => "是",
                (YesNo::Shi, false) => "否",
                (YesNo::Yn, true) => "Y",
                (YesNo::Yn, false) => "N",
                (YesNo::Check, true) => "√",
                (YesNo::Check, false) => "×",
                (YesNo::OneZero, true) => "1",
                (YesNo::OneZero, false) => "0",
                (YesNo::English, true) => "yes",
                (YesNo::English, false) => "no",
            }
        };
        vals[F_TRANSFERRED].push_str(yn(transferred));
        if transferred {
            if let Some(t) = c.transfer {
                self.fmt_date(&mut vals[F_TRANSFER_DATE], ds, t);
            }
        }
        vals[F_CRIMINAL].push_str(yn(transferred && c.criminal));
        let _ = write!(vals[F_PERSONS], "{}", c.persons);
        vals[F_SITE_CLOSED].push_str(yn(c.site_closed));
        vals[F_POWER_CUT].push_str(yn(c.power_cut));
        let _ = write!(vals[F_VESSELS], "{}", c.vessels);
        let _ = write!(vals[F_EQUIPMENT], "{}", c.equipment);
        if let Some(o) = c.referred_by {
            vals[F_REFERRED_BY].push_str(match recipe.unit_form {
                UnitForm::Full => UNITS[o].full_name,
                _ => UNITS[o].name,
            });
        }
        vals[F_PARTY].push_str(&c.party);
        vals[F_PARTY_ID].push_str(&c.party_id);
        vals[F_SUMMARY].push_str(&c.summary);
        self.vals = vals;
    }

    /// Write the current `vals` to a case file, optionally with an extra cell.
    fn write_vals(&mut self, qi: usize, unit: usize, extra: Option<&str>) -> Result<()> {
        let f = &mut self.files[qi][unit];
        let seq = if f.recipe.seq_col {
            (f.out.rows + 1).to_string()
        } else {
            String::new()
        };
        let vals = &self.vals;
        let mut cells: Vec<&str> = Vec::with_capacity(NFIELDS + 2);
        if f.recipe.seq_col {
            cells.push(&seq);
        }
        for &i in &f.cols {
            cells.push(&vals[i]);
        }
        if let Some(x) = extra {
            cells.push(x);
        }
        f.out.row(cells)?;
        self.case_rows += 1;
        Ok(())
    }

    /// Write a case to every quarter folder that exports it, and its referral letter.
    fn emit(&mut self, c: &Case, current: usize, dup_in: Option<usize>) -> Result<()> {
        for qi in self.export_range(c) {
            let recipe = self.files[qi][c.unit].recipe.clone();
            self.render(c, qi, &recipe);
            self.write_vals(qi, c.unit, None)?;
            if dup_in == Some(qi) {
                self.write_vals(qi, c.unit, None)?;
            }
            if qi > current {
                self.carried[qi] += 1;
            }
        }
        self.cases += 1;
        if let Some(from) = c.referred_by {
            self.emit_referral(c, from)?;
        }
        Ok(())
    }

    /// The referral letter behind a case found through a notification.
    fn emit_referral(&mut self, c: &Case, from: usize) -> Result<()> {
        let sent = c.found - self.rng.gen_range(0..=2);
        let (on_time, late) = match UNITS[c.unit].tier {
            Tier::A => (950, 50),
            Tier::B => (760, 190),
            Tier::C => (400, 300),
        };
        let x = self.rng.gen_range(0..1000);
        let reply = if x < on_time {
            Some(sent + self.rng.gen_range(1..=7))
        } else if x < on_time + late {
            Some(sent + self.rng.gen_range(8..=40))
        } else {
            None
        };
        let year = date_of(sent).year();
        let n = self.ref_seq.entry(year).or_insert(0);
        *n += 1;
        let ref_id = format!("温打非函〔{year}〕{n}号");
        let first = match self.quarter_index(sent) {
            Some(q) => q,
            None if reply.is_none_or(|r| r >= self.first_start()) => 0,
            None => return Ok(()),
        };
        let last = match reply {
            Some(r) if r <= self.last_end() => self.quarter_index(r).unwrap_or(first),
            _ => self.quarters.len() - 1,
        };
        let rd = &REGIONS[c.region];
        let summary = format!(
            "{}{}疑似存在{}行为，请核查处理",
            rd.name,
            c.township.map(|t| rd.townships[t]).unwrap_or(""),
            TYPES[c.vtype].0
        );
        let style = if self.clean {
            DateStyle::Iso
        } else {
            DateStyle::Slash
        };
        for qi in first..=last.max(first) {
            let end = self.bounds[qi].1;
            let mut s = String::new();
            self.fmt_date(&mut s, style, sent);
            let mut r = String::new();
            if let Some(rp) = reply.filter(|&d| d <= end) {
                self.fmt_date(&mut r, style, rp);
            }
            let to = if self.clean {
                UNITS[c.unit].name
            } else {
                UNITS[c.unit].full_name
            };
            let cells = [
                ref_id.as_str(),
                UNITS[from].name,
                to,
                &s,
                &r,
                rd.name,
                &c.id,
                &summary,
            ];
            self.referrals[qi].row(cells)?;
        }
        Ok(())
    }

    fn random_day(&mut self, qi: usize) -> Day {
        let (s, e) = self.bounds[qi];
        self.rng.gen_range(s..=e)
    }
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

/// At most this many quarter folders (ten years).
pub const MAX_QUARTERS: u32 = 40;
/// Most case rows (`--rows`): 100 million rows are ~36 GB of CSV, beyond
/// any test; a larger number is a typing error, not a request to fill the
/// disk (or to size the generator's tables by it).
pub const MAX_ROWS: u64 = 100_000_000;
/// Marker file of a folder written by `sample`: its files may be
/// regenerated. Without it, files of the same names are someone's own and
/// are not overwritten.
pub const SAMPLE_MARKER: &str = ".minebrief-sample";

/// Generate a data folder.
pub fn generate(opts: &Options) -> Result<Report> {
    // every case file of every quarter is open at once (12 files a quarter)
    if opts.quarters == 0 || opts.quarters > MAX_QUARTERS {
        return Err(Error::usage(
            format!(
                "--quarters 应在 1 到 {MAX_QUARTERS} 之间（现为 {}）",
                opts.quarters
            ),
            format!(
                "--quarters must be 1..={MAX_QUARTERS} (got {})",
                opts.quarters
            ),
        ));
    }
    if opts.rows == 0 || opts.rows > MAX_ROWS {
        return Err(Error::usage(
            format!("--rows 应在 1 到 {MAX_ROWS} 之间（现为 {}）", opts.rows),
            format!("--rows must be 1..={MAX_ROWS} (got {})", opts.rows),
        ));
    }
    let mut quarters = vec![opts.last];
    for _ in 1..opts.quarters {
        let p = quarters[quarters.len() - 1].prev();
        if p.year < 2001 {
            return Err(Error::usage(
                "季度过多：最早的季度早于 2001 年",
                "too many quarters: the first would be before 2001",
            ));
        }
        quarters.push(p);
    }
    quarters.reverse();
    let nq = quarters.len();
    std::fs::create_dir_all(&opts.out).map_err(|e| Error::io(&opts.out, e))?;

    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let frng = ChaCha8Rng::seed_from_u64(opts.seed ^ 0x5EED_F0F0_0D15_EA5E);
    let target_q = (opts.rows / nq as u64).max(1);
    // about 1.4 export rows per case; a township-kind pool of about half the cases it receives
    let est_cases = opts.rows * 10 / 14;
    let towns: usize = REGIONS.iter().map(|r| r.townships.len()).sum();
    let pool = (est_cases as usize / (towns * KINDS * 2)).max(6);
    let sites = Sites::new(&mut rng, pool);
    let bounds: Vec<(Day, Day)> = quarters
        .iter()
        .map(|q| (day_of(q.start()), day_of(q.end())))
        .collect();
    let excel_epoch = day_of(NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN));

    // plan every file name, refuse stale files, then open the files
    let plans: Vec<Vec<(Recipe, String)>> = (0..nq)
        .map(|qi| {
            (0..UNITS.len())
                .map(|ui| case_file_plan(opts.clean, &quarters[qi], qi, ui, nq))
                .collect()
        })
        .collect();
    let planned: Vec<BTreeSet<String>> = plans
        .iter()
        .map(|row| {
            row.iter()
                .map(|(_, n)| n.clone())
                .chain(EXTRA_FILES.iter().map(|s| s.to_string()))
                .collect()
        })
        .collect();
    check_stale(&opts.out, &quarters, &planned)?;
    check_overwrite(&opts.out, &quarters, &planned)?;
    let marker = opts.out.join(SAMPLE_MARKER);
    std::fs::write(
        &marker,
        "minebrief sample 生成的文件夹，其中的数据文件可被重新生成 / written by minebrief sample; its data files may be regenerated\n",
    )
    .map_err(|e| Error::io(&marker, e))?;
    let mut files = Vec::with_capacity(nq);
    let mut referrals = Vec::with_capacity(nq);
    for (q, plan) in quarters.iter().zip(plans) {
        let qname = q.to_string();
        let dir = opts.out.join(&qname);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut row = Vec::with_capacity(UNITS.len());
        for (recipe, name) in plan {
            let rel = format!("{qname}/{name}");
            let out = Out::create(&opts.out, rel, recipe.enc, recipe.delim, recipe.crlf)?;
            let mut cols: Vec<usize> = (0..NFIELDS)
                .filter(|&f| {
                    !((f == F_UNIT && recipe.unit_form == UnitForm::FileName)
                        || (f == F_STATUS && !recipe.status_col))
                })
                .collect();
            if recipe.shuffle {
                // a fixed, different column order: the case id first, the rest rotated
                let tail: Vec<usize> = cols.split_off(1);
                let k = tail.len() / 3;
                cols.extend(tail[k..].iter().chain(tail[..k].iter()));
            }
            let mut cf = CaseFile {
                out,
                recipe,
                cols,
                quarter: *q,
            };
            write_case_header(&mut cf)?;
            row.push(cf);
        }
        files.push(row);
        let mut r = Out::create(
            &opts.out,
            format!("{qname}/referrals.csv"),
            if opts.clean { Enc::Utf8 } else { Enc::Utf8Bom },
            b',',
            false,
        )?;
        r.record([
            "函告编号",
            "发函单位",
            "收函单位",
            "发函日期",
            "回复日期",
            "县市区",
            "关联案件编号",
            "事由",
        ])?;
        referrals.push(r);
    }

    let mut g = Gen {
        w: Weights::new(),
        rng,
        frng,
        clean: opts.clean,
        quarters: quarters.clone(),
        bounds,
        sites,
        seq: BTreeMap::new(),
        ref_seq: BTreeMap::new(),
        files,
        referrals,
        carried: vec![0; nq],
        case_rows: 0,
        cases: 0,
        planted: BTreeMap::new(),
        vals: vec![String::new(); NFIELDS],
        excel_epoch,
    };

    // backlog: cases found in the 270 days before the first quarter, still open at its start
    let first = g.first_start();
    let n_backlog = target_q * 15 / 100;
    let mut days: Vec<Day> = (0..n_backlog)
        .map(|_| first - 1 - g.rng.gen_range(0..270))
        .collect();
    days.sort_unstable();
    let backlog = Spec {
        backlog: true,
        ..Spec::default()
    };
    for d in days {
        let c = g.make_case(d, &backlog);
        g.emit(&c, 0, None)?;
    }

    let mut other_files = Vec::new();
    for qi in 0..nq {
        // A steady flow of new cases (about 1.4 export rows each), ±15 % per
        // quarter, so that quarter-on-quarter and year-on-year changes go
        // both ways rather than swinging with the backlog.
        let wobble = g.rng.gen_range(85..=115u64);
        let n_new = (target_q * 10 / 14 * wobble / 100).max(1);
        let mut days: Vec<Day> = (0..n_new).map(|_| g.random_day(qi)).collect();
        days.sort_unstable();
        let spec = Spec::default();
        for d in days {
            let c = g.make_case(d, &spec);
            g.emit(&c, qi, None)?;
        }
        plant_cases(&mut g, qi)?;
        if !opts.clean {
            plant_rejects(&mut g, qi)?;
        }
        other_files.extend(write_quarter_extras(&mut g, opts, qi)?);
    }

    // close the case files: blank and total rows, flush
    let mut report = Report {
        quarters: quarters.clone(),
        case_rows: g.case_rows,
        cases: g.cases,
        planted: g.planted.clone(),
        ..Report::default()
    };
    let files = std::mem::take(&mut g.files);
    for row in files {
        for mut f in row {
            if f.recipe.total {
                let w = f.width();
                let n = f.out.rows;
                f.out.record(std::iter::repeat_n("", w))?;
                let count = format!("共{n}件");
                let mut cells = vec!["合计", count.as_str()];
                cells.resize(w, "");
                f.out.record(cells)?;
            }
            report.files.push(f.out.finish()?);
        }
    }
    for r in std::mem::take(&mut g.referrals) {
        report.files.push(r.finish()?);
    }
    report.files.extend(other_files);
    report
        .files
        .sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    let written: BTreeSet<String> = quarters.iter().map(|q| q.to_string()).collect();
    report.other_quarter_folders = ingest::quarter_folders(&opts.out, None)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, name)| name)
        .filter(|name| !written.contains(name))
        .collect();
    Ok(report)
}

const EXTRA_FILES: &[&str] = &[
    "referrals.csv",
    "patrols.csv",
    "meetings.csv",
    "adjustments.csv",
];

/// The export recipe and file name of unit `ui`'s case file in quarter `qi`.
fn case_file_plan(clean: bool, q: &Quarter, qi: usize, ui: usize, nq: usize) -> (Recipe, String) {
    let u = &UNITS[ui];
    let qname = q.to_string();
    if clean {
        return (Recipe::clean(), format!("{}_{qname}.csv", u.name));
    }
    let recipe = Recipe::messy(ui + (nq - 1 - qi) * 4);
    let name = match recipe.unit_form {
        UnitForm::FileName => format!("{}_{qname}.{}", u.old_name, recipe.ext),
        UnitForm::Full => format!("{qname}{}案件.{}", u.full_name, recipe.ext),
        _ if ui.is_multiple_of(2) => format!("{}_{qname}.{}", u.name, recipe.ext),
        _ => format!("{qname}-{}非法采矿案件台账.{}", u.name, recipe.ext),
    };
    (recipe, name)
}

/// Refuse to leave files of another run in the quarter folders written (they
/// would be read with the new ones).
/// Refuse to overwrite files of a folder `sample` did not write (no
/// [`SAMPLE_MARKER`]): they may be someone's edited data.
fn check_overwrite(out: &Path, quarters: &[Quarter], planned: &[BTreeSet<String>]) -> Result<()> {
    if std::fs::symlink_metadata(out.join(SAMPLE_MARKER)).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    let mut existing = Vec::new();
    for (q, names) in quarters.iter().zip(planned) {
        for n in names {
            let rel = format!("{q}/{n}");
            if std::fs::symlink_metadata(out.join(&rel)).is_ok() {
                existing.push(rel);
            }
        }
    }
    if existing.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = existing.iter().take(5).map(|s| s.as_str()).collect();
    let more = if existing.len() > 5 {
        format!(" … ({})", existing.len())
    } else {
        String::new()
    };
    Err(Error::usage(
        format!(
            "{} 不是 sample 生成的文件夹，其中已有同名文件（{}{more}），不会覆盖：请换一个空的输出目录",
            out.display(),
            shown.join("、")
        ),
        format!(
            "{} was not written by sample and already holds files of the same names ({}{more}); they are not overwritten: use an empty --out",
            out.display(),
            shown.join(", ")
        ),
    ))
}

fn check_stale(out: &Path, quarters: &[Quarter], planned: &[BTreeSet<String>]) -> Result<()> {
    for (q, names) in quarters.iter().zip(planned) {
        let dir = out.join(q.to_string());
        if !dir.exists() {
            continue;
        }
        let rd = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut stale = Vec::new();
        for e in rd {
            let e = e.map_err(|e| Error::io(&dir, e))?;
            let name = e.file_name().to_string_lossy().to_string();
            if !names.contains(&name) && !name.starts_with('.') {
                stale.push(name);
            }
        }
        if !stale.is_empty() {
            stale.sort();
            return Err(Error::usage(
                format!(
                    "输出文件夹 {} 中已有本次不会生成的文件（{}），会与新数据一起被读入：请换一个输出目录或先删除它们",
                    dir.display(),
                    stale.join("、")
                ),
                format!(
                    "{} holds files this run does not write ({}); they would be read with the new data: use another --out or remove them",
                    dir.display(),
                    stale.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn write_case_header(f: &mut CaseFile) -> Result<()> {
    let r = &f.recipe;
    if r.title {
        let title = format!("{}非法采矿案件统计表", f.quarter.chinese());
        f.out.record([title.as_str()])?;
    }
    let mut cells: Vec<String> = Vec::with_capacity(f.width());
    if r.seq_col {
        cells.push("序号".into());
    }
    for &i in &f.cols {
        let spec = &CASE_FIELDS[i];
        let h = match r.headers {
            HeaderStyle::Canonical => spec.header.to_string(),
            HeaderStyle::Alias => ALIAS_HEADERS[i].to_string(),
            HeaderStyle::English => spec.id.to_string(),
            HeaderStyle::Spaced => {
                format!(" {} ", spec.header.replace('(', "（").replace(')', "）"))
            }
        };
        let h = match (r.money, i) {
            (Money::WanHeader, F_FINE) => "罚款金额(万元)".to_string(),
            (Money::WanHeader, F_CONFISCATED) => "没收金额（万元）".to_string(),
            _ => h,
        };
        cells.push(h);
    }
    f.out.record(cells.iter().map(|s| s.as_str()))
}

/// The planted recurrences and media exposures of quarter `qi`.
fn plant_cases(g: &mut Gen, qi: usize) -> Result<()> {
    let nq = g.quarters.len();
    let back = (nq - 1 - qi) as u32;
    for &(b, region, by_coords) in PLANTED_RECURRENCES {
        if b.min(nq as u32 - 1) != back {
            continue;
        }
        let r = region_index(region);
        let (t, i) = g.sites.reserve(&mut g.rng, r);
        let (s, e) = g.bounds[qi];
        // the closing case: an earlier quarter, or the first weeks of this one
        let (close_day, recur_day) = if qi > 0 {
            let (ps, pe) = g.bounds[qi - 1];
            (g.rng.gen_range(ps..=pe), g.rng.gen_range(s..=e))
        } else {
            (g.rng.gen_range(s..s + 20), g.rng.gen_range(e - 40..=e))
        };
        let closing = g.make_case(
            close_day,
            &Spec {
                unit: Some(unit_index("自然资源")),
                region: Some(r),
                source: Some(SRC_PATROL),
                reserved: Some((t, i)),
                site_closed: Some(true),
                ..Spec::default()
            },
        );
        g.emit(&closing, qi, None)?;
        let mut again = g.make_case(
            recur_day,
            &Spec {
                unit: Some(unit_index("自然资源")),
                region: Some(r),
                reserved: Some((t, i)),
                site_closed: Some(false),
                ..Spec::default()
            },
        );
        if by_coords {
            // the same place under another name: only the coordinates match (within ~100 m)
            let suffix = ["东侧", "北面", "附近", "西侧"][g.rng.gen_range(0..4)];
            again.site = format!("{}{}", again.site.replace('村', ""), suffix);
            if let Some((lon, lat)) = closing.coord {
                again.coord = Some((
                    lon + g.rng.gen_range(-700..=700),
                    lat + g.rng.gen_range(-700..=700),
                ));
            }
        }
        g.emit(&again, qi, None)?;
    }
    for &(b, region) in PLANTED_MEDIA {
        if b.min(nq as u32 - 1) != back {
            continue;
        }
        let d = g.random_day(qi);
        let c = g.make_case(
            d,
            &Spec {
                region: Some(region_index(region)),
                source: Some(SRC_MEDIA),
                never_closes_site: true,
                ..Spec::default()
            },
        );
        g.emit(&c, qi, None)?;
    }
    Ok(())
}

/// The planted bad rows of quarter `qi` (messy data only).
fn plant_rejects(g: &mut Gen, qi: usize) -> Result<()> {
    let nq = g.quarters.len();
    for (k, &(code, back, unit)) in PLANTED_REJECTS.iter().enumerate() {
        let target_q = (nq - 1).saturating_sub(back as usize);
        if target_q != qi {
            continue;
        }
        let u = unit_index(unit);
        let d = g.random_day(qi);
        let spec = Spec {
            unit: Some(u),
            never_closes_site: true,
            ..Spec::default()
        };
        let mut c = g.make_case(d, &spec);
        *g.planted.entry(code).or_insert(0) += 1;
        if code == "duplicate_case" {
            // a real case whose row is exported twice in this quarter's file
            c.referred_by = None;
            if c.source == SRC_NOTIFIED {
                c.source = SRC_PATROL;
            }
            g.emit(&c, qi, Some(qi))?;
            continue;
        }
        let recipe = g.files[qi][u].recipe.clone();
        g.render(&c, qi, &recipe);
        let (qs, qe) = g.bounds[qi];
        let year = g.quarters[qi].year;
        let mut extra = None;
        let v = &mut g.vals;
        match code {
            "bad_date" => {
                v[F_FOUND].clear();
                if k % 2 == 0 {
                    let _ = write!(v[F_FOUND], "{year}-02-30");
                } else {
                    v[F_FOUND].push_str("7月3日");
                }
            }
            "date_after_period" => {
                for f in [F_FOUND, F_FILED, F_CLOSED, F_TRANSFER_DATE] {
                    v[f].clear();
                }
                let mut s = String::new();
                g.fmt_date(&mut s, recipe.dates, qe + 3 + (k as Day % 20));
                g.vals[F_FOUND] = s;
                g.vals[F_TRANSFERRED].clear();
                g.vals[F_CRIMINAL].clear();
            }
            "date_order" => {
                for f in [F_FOUND, F_FILED, F_CLOSED, F_TRANSFER_DATE] {
                    v[f].clear();
                }
                let found = (qs + 10).max(d);
                let mut s = String::new();
                g.fmt_date(&mut s, recipe.dates, found);
                g.vals[F_FOUND] = s;
                let mut s = String::new();
                g.fmt_date(&mut s, recipe.dates, found - 5);
                g.vals[F_FILED] = s;
                g.vals[F_TRANSFERRED].clear();
                g.vals[F_CRIMINAL].clear();
            }
            "unknown_region" => {
                v[F_REGION].clear();
                v[F_REGION].push_str(if k % 2 == 0 { "瑞按市" } else { "乐请市" });
            }
            "unknown_violation_type" => {
                v[F_VTYPE].clear();
                v[F_VTYPE].push_str(if k % 2 == 0 {
                    "盗采稀土"
                } else {
                    "非法采煤"
                });
            }
            "negative_number" => {
                v[F_FINE].clear();
                v[F_FINE].push_str(if recipe.money == Money::WanHeader {
                    "-0.05"
                } else {
                    "-500"
                });
            }
            "bad_yes_no" => {
                v[F_SITE_CLOSED].clear();
                v[F_SITE_CLOSED].push_str(if k % 2 == 0 { "待定" } else { "不详" });
            }
            "field_count" => extra = Some("见附件"),
            _ => {}
        }
        g.write_vals(qi, u, extra)?;
    }
    Ok(())
}

/// Patrols, the joint meeting and the adjustments of quarter `qi`.
fn write_quarter_extras(g: &mut Gen, opts: &Options, qi: usize) -> Result<Vec<FileInfo>> {
    let q = g.quarters[qi];
    let qname = q.to_string();
    let (s, e) = g.bounds[qi];
    let nq = g.quarters.len();
    let target_q = (opts.rows / nq as u64).max(1);
    let mut infos = Vec::new();
    let style = if opts.clean {
        DateStyle::Iso
    } else {
        DateStyle::Chinese
    };

    // patrols: single and joint
    let (enc, crlf) = if opts.clean {
        (Enc::Utf8, false)
    } else {
        (Enc::Gb18030, true)
    };
    let mut p = Out::create(&opts.out, format!("{qname}/patrols.csv"), enc, b',', crlf)?;
    p.record([
        "巡查日期",
        "巡查单位",
        "县市区",
        "乡镇街道",
        "巡查方式",
        "出动人次",
        "发现问题数",
    ])?;
    let events = (target_q / 8).max(40);
    for _ in 0..events {
        let day = g.rng.gen_range(s..=e);
        let r = pick_weighted(&mut g.rng, &g.w.regions);
        let rd = &REGIONS[r];
        let t = rd.townships[g.rng.gen_range(0..rd.townships.len())];
        let joint = g.rng.gen_bool(0.25);
        let mut units = vec![pick_weighted(&mut g.rng, &g.w.patrols)];
        if joint {
            let extra = g.rng.gen_range(1..=2);
            while units.len() < 1 + extra {
                let u = pick_weighted(&mut g.rng, &g.w.patrols);
                if !units.contains(&u) {
                    units.push(u);
                }
            }
        }
        let mut date = String::new();
        g.fmt_date(&mut date, style, day);
        for u in units {
            let persons = if joint {
                g.rng.gen_range(4..=16)
            } else {
                g.rng.gen_range(2..=8)
            }
            .to_string();
            let issues = [0, 0, 0, 1, 1, 2, 3][g.rng.gen_range(0..7)].to_string();
            p.row([
                date.as_str(),
                UNITS[u].name,
                rd.name,
                t,
                if joint { "联合" } else { "单独" },
                &persons,
                &issues,
            ])?;
        }
    }
    infos.push(p.finish()?);

    // the quarter's joint meeting: second month, a weekday
    let mid = q.start().checked_add_months(chrono::Months::new(1));
    let mut day = mid.map(day_of).unwrap_or(s + 40) + 9 + g.rng.gen_range(0..10);
    while matches!(date_of(day).weekday(), Weekday::Sat | Weekday::Sun) {
        day += 1;
    }
    let mut m = Out::create(
        &opts.out,
        format!("{qname}/meetings.csv"),
        Enc::Utf8,
        b',',
        false,
    )?;
    m.record(["会议日期", "单位", "是否出席"])?;
    let mut date = String::new();
    g.fmt_date(&mut date, style, day);
    let last = qi + 1 == nq;
    for (ui, u) in UNITS.iter().enumerate() {
        let absent = match u.tier {
            Tier::C => (qi + ui).is_multiple_of(2) || (last && ui != unit_index("海洋与渔业")),
            Tier::B => (qi + ui).is_multiple_of(5),
            Tier::A => false,
        };
        let yes = if opts.clean {
            if absent {
                "否"
            } else {
                "是"
            }
        } else if absent {
            "×"
        } else {
            "√"
        };
        let name = if opts.clean { u.name } else { u.full_name };
        m.row([date.as_str(), name, yes])?;
    }
    infos.push(m.finish()?);

    // adjustments: two a quarter
    let mut a = Out::create(
        &opts.out,
        format!("{qname}/adjustments.csv"),
        Enc::Utf8,
        b',',
        false,
    )?;
    a.record(["对象类型", "对象", "分值", "事由", "依据"])?;
    for k in 0..2 {
        let (kind, target, points, reason, basis) = ADJUSTMENTS[(qi * 2 + k) % ADJUSTMENTS.len()];
        let target = if opts.clean {
            target.to_string()
        } else if kind == "单位" {
            UNITS[unit_index(target)].full_name.to_string()
        } else {
            REGIONS[region_index(target)].short.to_string()
        };
        let points = if opts.clean {
            points.to_string()
        } else {
            format!("{points}分")
        };
        a.row([kind, target.as_str(), &points, reason, basis])?;
    }
    infos.push(a.finish()?);
    Ok(infos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::names::Resolver;

    #[test]
    fn field_indices_match_spec() {
        let ids: Vec<&str> = CASE_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(ids.len(), NFIELDS);
        assert_eq!(ids[F_CASE_ID], "case_id");
        assert_eq!(ids[F_UNIT], "unit");
        assert_eq!(ids[F_REGION], "region");
        assert_eq!(ids[F_TOWNSHIP], "township");
        assert_eq!(ids[F_SITE], "site");
        assert_eq!(ids[F_LON], "lon");
        assert_eq!(ids[F_LAT], "lat");
        assert_eq!(ids[F_FOUND], "found_date");
        assert_eq!(ids[F_SOURCE], "source");
        assert_eq!(ids[F_VTYPE], "violation_type");
        assert_eq!(ids[F_FILED], "filed_date");
        assert_eq!(ids[F_CLOSED], "closed_date");
        assert_eq!(ids[F_STATUS], "status");
        assert_eq!(ids[F_FINE], "fine_yuan");
        assert_eq!(ids[F_CONFISCATED], "confiscated_yuan");
        assert_eq!(ids[F_VOLUME], "volume_t");
        assert_eq!(ids[F_TRANSFERRED], "transferred");
        assert_eq!(ids[F_TRANSFER_DATE], "transfer_date");
        assert_eq!(ids[F_CRIMINAL], "criminal_filed");
        assert_eq!(ids[F_PERSONS], "persons");
        assert_eq!(ids[F_SITE_CLOSED], "site_closed");
        assert_eq!(ids[F_POWER_CUT], "power_cut");
        assert_eq!(ids[F_VESSELS], "vessels_seized");
        assert_eq!(ids[F_EQUIPMENT], "equipment_seized");
        assert_eq!(ids[F_REFERRED_BY], "referred_by");
        assert_eq!(ids[F_PARTY], "party");
        assert_eq!(ids[F_PARTY_ID], "party_id");
        assert_eq!(ids[F_SUMMARY], "summary");
    }

    #[test]
    fn names_resolve_through_the_default_config() {
        let cfg = Config::embedded();
        let r = Resolver::new(&cfg);
        for (i, u) in UNITS.iter().enumerate() {
            for n in [u.name, u.old_name, u.full_name] {
                assert_eq!(r.unit(n).map(usize::from), Some(i), "{n}");
            }
            assert_eq!(cfg.units[i].name, u.name);
        }
        for (i, reg) in REGIONS.iter().enumerate() {
            assert_eq!(r.region(reg.name).map(usize::from), Some(i));
            assert_eq!(r.region(reg.short).map(usize::from), Some(i));
        }
        for (i, (n, a)) in TYPES.iter().enumerate() {
            assert_eq!(r.violation_type(n).map(usize::from), Some(i), "{n}");
            assert_eq!(r.violation_type(a).map(usize::from), Some(i), "{a}");
        }
        for (i, (n, a)) in SOURCES.iter().enumerate() {
            assert_eq!(r.source(n).map(usize::from), Some(i), "{n}");
            assert_eq!(r.source(a).map(usize::from), Some(i), "{a}");
        }
        assert_eq!(r.region("瑞按市"), None);
        assert_eq!(r.region("乐请市"), None);
        assert_eq!(r.violation_type("盗采稀土"), None);
        assert_eq!(r.violation_type("非法采煤"), None);
    }

    #[test]
    fn alias_headers_match_their_fields() {
        use crate::ingest::headers::match_header;
        use crate::model::FileKind;
        for (i, h) in ALIAS_HEADERS.iter().enumerate() {
            let m = match_header(FileKind::Cases, h).map(|m| m.field);
            assert_eq!(m, Some(i), "{h}");
        }
    }

    #[test]
    fn number_formats() {
        let f = |v: i64, s: u32, p: u32| {
            let mut o = String::new();
            push_fixed(&mut o, v, s, p);
            o
        };
        assert_eq!(f(120_123_456, 6, 6), "120.123456");
        assert_eq!(f(12_345, 2, 2), "123.45");
        assert_eq!(f(5, 1, 1), "0.5");
        let t = |v: i64, s: u32| {
            let mut o = String::new();
            push_trimmed(&mut o, v, s);
            o
        };
        assert_eq!(t(12_300, 4), "1.23");
        assert_eq!(t(10_000, 4), "1");
        assert_eq!(t(0, 4), "0");
        assert_eq!(t(500, 0), "500");
        let mut o = String::new();
        push_grouped_cents(&mut o, 123_450);
        assert_eq!(o, "1,234.50");
        o.clear();
        push_grouped_cents(&mut o, 12_345_678_900);
        assert_eq!(o, "123,456,789.00");
    }
}
