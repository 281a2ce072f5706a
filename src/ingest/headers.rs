//! Column specifications of every file kind and the header matcher.
//!
//! A header cell is normalised (white space removed, full-width brackets made
//! ASCII, lower case) and looked up among the canonical header, its aliases
//! and the English field id. A unit in brackets (`罚款金额(万元)`) is split
//! off: the rest is matched and the unit becomes a multiplier.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::FileKind;
use crate::text::norm_name;

/// How a field's value is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Text,
    Unit,
    Region,
    Source,
    ViolationType,
    Date,
    Money,
    Decimal,
    Count,
    YesNo,
    Coord,
    Points,
    Mode,
    TargetKind,
}

/// One accepted column.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// English field id (also accepted as a header).
    pub id: &'static str,
    /// Canonical Chinese header.
    pub header: &'static str,
    pub aliases: &'static [&'static str],
    pub ty: Ty,
    pub required: bool,
}

const fn f(
    id: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
    ty: Ty,
    required: bool,
) -> FieldSpec {
    FieldSpec {
        id,
        header,
        aliases,
        ty,
        required,
    }
}

/// Declares the case columns once: [`CASE_FIELDS`] (header, aliases, type,
/// required) and [`col`], the index of each column in it, which the row
/// parser and the sample writer use. Adding a column is one entry here.
macro_rules! case_columns {
    ($( $konst:ident => $spec:expr ),* $(,)?) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(usize)]
        enum CaseCol { $($konst),* }

        /// The index of each case column in [`CASE_FIELDS`].
        pub mod col {
            $( pub const $konst: usize = super::CaseCol::$konst as usize; )*
            /// How many case columns there are.
            pub const COUNT: usize = [$(stringify!($konst)),*].len();
        }

        pub const CASE_FIELDS: &[FieldSpec] = &[ $($spec),* ];
    };
}

case_columns! {
    CASE_ID => f(
        "case_id",
        "案件编号",
        &["编号", "案号", "序号编号", "案件号"],
        Ty::Text,
        true,
    ),
    UNIT => f(
        "unit",
        "填报单位",
        &["单位", "执法部门", "部门", "执法单位"],
        Ty::Unit,
        false,
    ),
    REGION => f(
        "region",
        "县市区",
        &[
            "县(市、区)",
            "区县",
            "所属县市区",
            "地区",
            "县(市区)",
            "县市区名称",
        ],
        Ty::Region,
        true,
    ),
    TOWNSHIP => f(
        "township",
        "乡镇街道",
        &["乡镇(街道)", "乡镇", "街道", "所属乡镇"],
        Ty::Text,
        false,
    ),
    SITE => f(
        "site",
        "点位名称",
        &["违法地点", "地点", "位置", "点位"],
        Ty::Text,
        false,
    ),
    LON => f("lon", "经度", &["longitude"], Ty::Coord, false),
    LAT => f("lat", "纬度", &["latitude"], Ty::Coord, false),
    FOUND => f(
        "found_date",
        "发现日期",
        &["发现时间", "线索发现日期"],
        Ty::Date,
        true,
    ),
    SOURCE => f(
        "source",
        "线索来源",
        &["案件来源", "来源"],
        Ty::Source,
        true,
    ),
    VTYPE => f(
        "violation_type",
        "违法类型",
        &["违法行为类型", "案由"],
        Ty::ViolationType,
        true,
    ),
    FILED => f("filed_date", "立案日期", &["立案时间"], Ty::Date, false),
    CLOSED => f(
        "closed_date",
        "结案日期",
        &["办结日期", "结案时间"],
        Ty::Date,
        false,
    ),
    STATUS => f("status", "办理状态", &["案件状态", "状态"], Ty::Text, false),
    FINE => f(
        "fine_yuan",
        "罚款金额(元)",
        &["罚款", "罚款(元)", "罚款金额"],
        Ty::Money,
        false,
    ),
    CONFISCATED => f(
        "confiscated_yuan",
        "没收金额(元)",
        &["没收违法所得(元)", "没收", "没收金额", "没收违法所得"],
        Ty::Money,
        false,
    ),
    VOLUME => f(
        "volume_t",
        "涉案矿产量(吨)",
        &["涉案数量(吨)", "涉案矿产量", "涉案数量"],
        Ty::Decimal,
        false,
    ),
    TRANSFERRED => f(
        "transferred",
        "是否移送司法",
        &["移送司法机关", "移送公安", "移送司法"],
        Ty::YesNo,
        false,
    ),
    TRANSFER_DATE => f("transfer_date", "移送日期", &["移送时间"], Ty::Date, false),
    CRIMINAL => f(
        "criminal_filed",
        "是否刑事立案",
        &["刑事立案"],
        Ty::YesNo,
        false,
    ),
    PERSONS => f("persons", "涉案人数", &["涉案人员数"], Ty::Count, false),
    SITE_CLOSED => f(
        "site_closed",
        "是否取缔关闭",
        &["取缔关闭"],
        Ty::YesNo,
        false,
    ),
    POWER_CUT => f("power_cut", "是否断电", &["断电"], Ty::YesNo, false),
    VESSELS => f(
        "vessels_seized",
        "扣押船舶(艘)",
        &["扣押船舶"],
        Ty::Count,
        false,
    ),
    EQUIPMENT => f(
        "equipment_seized",
        "扣押设备(台)",
        &["扣押设备"],
        Ty::Count,
        false,
    ),
    REFERRED_BY => f("referred_by", "来文单位", &["通报单位"], Ty::Unit, false),
    PARTY => f(
        "party",
        "当事人",
        &["当事人姓名", "当事人名称"],
        Ty::Text,
        false,
    ),
    PARTY_ID => f(
        "party_id",
        "当事人证件号",
        &["身份证号", "证件号码", "证件号", "身份证号码"],
        Ty::Text,
        false,
    ),
    SUMMARY => f(
        "summary",
        "简要案情",
        &["案情摘要", "备注", "案情"],
        Ty::Text,
        false,
    ),
}

pub const REFERRAL_FIELDS: &[FieldSpec] = &[
    f("ref_id", "函告编号", &["编号", "函号"], Ty::Text, true),
    f("from_unit", "发函单位", &[], Ty::Unit, true),
    f("to_unit", "收函单位", &[], Ty::Unit, true),
    f("sent_date", "发函日期", &["发函时间"], Ty::Date, true),
    f(
        "reply_date",
        "回复日期",
        &["回复时间", "回函日期"],
        Ty::Date,
        false,
    ),
    f(
        "region",
        "县市区",
        &["县(市、区)", "区县", "所属县市区", "地区"],
        Ty::Region,
        false,
    ),
    f("case_id", "关联案件编号", &["案件编号"], Ty::Text, false),
    f("summary", "事由", &["备注", "内容"], Ty::Text, false),
];

pub const PATROL_FIELDS: &[FieldSpec] = &[
    f("date", "巡查日期", &["巡查时间", "日期"], Ty::Date, true),
    f("unit", "巡查单位", &["单位", "填报单位"], Ty::Unit, true),
    f(
        "region",
        "县市区",
        &["县(市、区)", "区县", "所属县市区", "地区"],
        Ty::Region,
        true,
    ),
    f(
        "township",
        "乡镇街道",
        &["乡镇(街道)", "乡镇", "街道"],
        Ty::Text,
        false,
    ),
    f("mode", "巡查方式", &["方式"], Ty::Mode, false),
    f("person_times", "出动人次", &["人次"], Ty::Count, false),
    f(
        "issues_found",
        "发现问题数",
        &["发现问题"],
        Ty::Count,
        false,
    ),
];

pub const MEETING_FIELDS: &[FieldSpec] = &[
    f("date", "会议日期", &["日期", "会议时间"], Ty::Date, true),
    f("unit", "单位", &["成员单位", "参会单位"], Ty::Unit, true),
    f(
        "attended",
        "是否出席",
        &["出席", "是否参会"],
        Ty::YesNo,
        true,
    ),
];

pub const ADJUSTMENT_FIELDS: &[FieldSpec] = &[
    f("target_kind", "对象类型", &["类型"], Ty::TargetKind, true),
    f("target", "对象", &["考核对象"], Ty::Text, true),
    f("points", "分值", &["加减分", "分数"], Ty::Points, false),
    f("reason", "事由", &["原因", "理由"], Ty::Text, true),
    f("basis", "依据", &[], Ty::Text, false),
];

pub fn fields_of(kind: FileKind) -> &'static [FieldSpec] {
    match kind {
        FileKind::Cases => CASE_FIELDS,
        FileKind::Referrals => REFERRAL_FIELDS,
        FileKind::Patrols => PATROL_FIELDS,
        FileKind::Meetings => MEETING_FIELDS,
        FileKind::Adjustments => ADJUSTMENT_FIELDS,
    }
}

/// A header cell matched to a field, with the multiplier its unit implies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matched {
    pub field: usize,
    pub scale: f64,
}

/// Strip a bracketed unit at the end: `罚款金额(万元)` → (`罚款金额`, `万元`).
fn split_unit(n: &str) -> (&str, Option<&str>) {
    if let Some(body) = n.strip_suffix(')') {
        if let Some(i) = body.rfind('(') {
            return (&body[..i], Some(&body[i + 1..]));
        }
    }
    (n, None)
}

fn unit_scale(u: &str) -> Option<f64> {
    match u {
        "元" | "吨" | "t" | "yuan" | "艘" | "台" | "人" | "个" | "次" => Some(1.0),
        "万元" | "万吨" | "万" => Some(10_000.0),
        "千元" | "千吨" => Some(1_000.0),
        _ => None,
    }
}

type Lookup = HashMap<String, usize>;

fn lookup(kind: FileKind) -> &'static (Lookup, Lookup) {
    static TABLES: OnceLock<Vec<(Lookup, Lookup)>> = OnceLock::new();
    let all = TABLES.get_or_init(|| {
        [
            FileKind::Cases,
            FileKind::Referrals,
            FileKind::Patrols,
            FileKind::Meetings,
            FileKind::Adjustments,
        ]
        .iter()
        .map(|&k| {
            // exact spellings, and spellings with the unit split off
            let mut exact = HashMap::new();
            let mut base = HashMap::new();
            for (i, spec) in fields_of(k).iter().enumerate() {
                for s in std::iter::once(spec.header)
                    .chain(spec.aliases.iter().copied())
                    .chain(std::iter::once(spec.id))
                {
                    let n = norm_name(s);
                    exact.entry(n.clone()).or_insert(i);
                    base.entry(split_unit(&n).0.to_string()).or_insert(i);
                }
            }
            (exact, base)
        })
        .collect()
    });
    let idx = match kind {
        FileKind::Cases => 0,
        FileKind::Referrals => 1,
        FileKind::Patrols => 2,
        FileKind::Meetings => 3,
        FileKind::Adjustments => 4,
    };
    &all[idx]
}

/// Match one header cell to a field of `kind`.
pub fn match_header(kind: FileKind, cell: &str) -> Option<Matched> {
    let n = norm_name(cell);
    if n.is_empty() {
        return None;
    }
    let (exact, base) = lookup(kind);
    if let Some(&field) = exact.get(&n) {
        let scale = split_unit(&n).1.and_then(unit_scale).unwrap_or(1.0);
        return Some(Matched { field, scale });
    }
    let (b, unit) = split_unit(&n);
    let field = *base.get(b)?;
    let scale = match unit {
        Some(u) => unit_scale(u)?,
        None => 1.0,
    };
    Some(Matched { field, scale })
}

/// Map a header row: for each field, the column it is in and its scale.
/// Returns `None` when fewer than three known columns are named.
pub fn map_header(kind: FileKind, cells: &[&str]) -> Option<HeaderMap> {
    let specs = fields_of(kind);
    let mut cols: Vec<Option<(usize, f64)>> = vec![None; specs.len()];
    let mut known = 0;
    let mut unknown = Vec::new();
    let mut duplicates = Vec::new();
    for (c, cell) in cells.iter().enumerate() {
        match match_header(kind, cell) {
            Some(m) if cols[m.field].is_none() => {
                cols[m.field] = Some((c, m.scale));
                known += 1;
            }
            Some(m) => {
                // A second column for the same field (two 县市区): a row
                // whose two cells differ is rejected (`Row::duplicates`).
                // Free text may sit side by side (简要案情 and 备注): the
                // first column is read, the other ignored.
                if specs[m.field].id != "summary" {
                    duplicates.push((m.field, c));
                }
                unknown.push(c)
            }
            None => unknown.push(c),
        }
    }
    (known >= 3).then_some(HeaderMap {
        cols,
        width: cells.len(),
        unknown,
        duplicates,
    })
}

/// Where each field is in a file.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    pub cols: Vec<Option<(usize, f64)>>,
    pub width: usize,
    /// Columns not used (unknown headers, duplicates).
    pub unknown: Vec<usize>,
    /// (field, column) of every further column for a field that already
    /// has one (not counting free text).
    pub duplicates: Vec<(usize, usize)>,
}

impl HeaderMap {
    pub fn has(&self, field: usize) -> bool {
        self.cols[field].is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(cell: &str) -> Option<(&'static str, f64)> {
        match_header(FileKind::Cases, cell).map(|m| (CASE_FIELDS[m.field].id, m.scale))
    }

    #[test]
    fn header_variants() {
        assert_eq!(m("案件编号"), Some(("case_id", 1.0)));
        assert_eq!(m(" 案号 "), Some(("case_id", 1.0)));
        assert_eq!(m("县（市、区）"), Some(("region", 1.0)));
        assert_eq!(m("罚款金额（元）"), Some(("fine_yuan", 1.0)));
        assert_eq!(m("罚款金额(万元)"), Some(("fine_yuan", 10_000.0)));
        assert_eq!(m("罚款（万元）"), Some(("fine_yuan", 10_000.0)));
        assert_eq!(
            m("没收违法所得（万元）"),
            Some(("confiscated_yuan", 10_000.0))
        );
        assert_eq!(m("涉案矿产量（万吨）"), Some(("volume_t", 10_000.0)));
        assert_eq!(m("fine_yuan"), Some(("fine_yuan", 1.0)));
        assert_eq!(m("Found_Date"), Some(("found_date", 1.0)));
        assert_eq!(m("扣押船舶（艘）"), Some(("vessels_seized", 1.0)));
        assert_eq!(m("罚款金额(美元)"), None);
        assert_eq!(m("备注"), Some(("summary", 1.0)));
        assert_eq!(m("无关列"), None);
    }

    #[test]
    fn header_needs_three() {
        assert!(map_header(FileKind::Cases, &["案件编号", "县市区", "x"]).is_none());
        let h = map_header(FileKind::Cases, &["案件编号", "县市区", "发现日期", "x"]).unwrap();
        assert_eq!(h.cols[0], Some((0, 1.0)));
        assert_eq!(h.unknown, vec![3]);
        assert!(h.duplicates.is_empty());
        let h = map_header(
            FileKind::Cases,
            &["案件编号", "县市区", "发现日期", "区县", "备注", "简要案情"],
        )
        .unwrap();
        assert_eq!(h.duplicates, vec![(2, 3)]);
        assert_eq!(h.unknown, vec![3, 5]);
        assert!(map_header(FileKind::Cases, &["2026年第三季度非法采矿案件统计表"]).is_none());
    }
}
