//! Turning one CSV record into a typed record, or a rejection with a reason.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// Hashing for the per-file caches (keys are short strings; no order is observable).
pub type FastHash = foldhash::fast::RandomState;

use chrono::NaiveDate;

use super::headers::{FieldSpec, HeaderMap};
use super::parse;
use crate::config::names::Resolver;
use crate::model::*;
use crate::quarter::Quarter;
use crate::text::trim_cell;

/// Why a row is rejected: a reason code, the field, the offending value and messages.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub field: &'static str,
    pub value: String,
    pub code: &'static str,
    pub message: String,
    pub message_en: String,
}

/// Largest amount of money (yuan) or tonnage accepted in one cell: 100亿
/// (1e10). Larger values (1e308, a value that overflows when scaled by 万)
/// are rejected as not a sensible number. Sums are kept in hundredths in
/// i64: at this bound 92 million cells all at the maximum are needed to
/// overflow them.
pub const MAX_AMOUNT: f64 = 1e10;
/// The bound as written in messages.
const MAX_AMOUNT_ZH: &str = "100亿";
/// Largest count (persons, vessels, equipment, person-times …) in one cell.
pub const MAX_COUNT: i64 = 100_000;
/// Largest adjustment (points, either sign) accepted: a score is out of 100.
pub const MAX_POINTS: f64 = 100.0;

/// Reason codes (stable, machine-readable).
pub mod codes {
    pub const MISSING: &str = "missing_required";
    pub const BAD_DATE: &str = "bad_date";
    pub const DATE_AFTER_PERIOD: &str = "date_after_period";
    pub const DATE_TOO_EARLY: &str = "date_before_2000";
    pub const DATE_ORDER: &str = "date_order";
    pub const UNKNOWN_UNIT: &str = "unknown_unit";
    pub const UNKNOWN_REGION: &str = "unknown_region";
    pub const UNKNOWN_TYPE: &str = "unknown_violation_type";
    pub const UNKNOWN_SOURCE: &str = "unknown_source";
    pub const UNKNOWN_VALUE: &str = "unknown_value";
    pub const NEGATIVE: &str = "negative_number";
    pub const BAD_NUMBER: &str = "bad_number";
    pub const BAD_YES_NO: &str = "bad_yes_no";
    pub const BAD_COORDINATE: &str = "bad_coordinate";
    pub const FIELD_COUNT: &str = "field_count";
    pub const DUPLICATE: &str = "duplicate_case";
    pub const NO_UNIT: &str = "unit_undetermined";
    pub const UNREADABLE: &str = "unreadable_file";
    pub const NO_HEADER: &str = "no_header";
    pub const BAD_RECORD: &str = "bad_record";
    pub const UNKNOWN_TARGET: &str = "unknown_target";
    pub const DUPLICATE_COLUMN: &str = "duplicate_column";
    pub const CONFLICT: &str = "conflicting_record";

    /// The Chinese name of a reason code, for reports.
    pub fn label(code: &str) -> &'static str {
        match code {
            MISSING => "必填项为空",
            BAD_DATE => "日期无法识别",
            DATE_AFTER_PERIOD => "日期晚于季度末",
            DATE_TOO_EARLY => "日期早于2000年",
            DATE_ORDER => "日期先后有误",
            UNKNOWN_UNIT => "单位无法识别",
            UNKNOWN_REGION => "县市区无法识别",
            UNKNOWN_TYPE => "违法类型无法识别",
            UNKNOWN_SOURCE => "线索来源无法识别",
            UNKNOWN_VALUE => "取值无法识别",
            NEGATIVE => "数值为负",
            BAD_NUMBER => "数值无法识别",
            BAD_YES_NO => "是/否无法识别",
            BAD_COORDINATE => "坐标无效",
            FIELD_COUNT => "列数与表头不符",
            DUPLICATE => "编号重复",
            NO_UNIT => "无法确定填报单位",
            UNREADABLE => "文件无法读取",
            NO_HEADER => "找不到表头",
            BAD_RECORD => "行无法解析",
            UNKNOWN_TARGET => "考核对象无法识别",
            DUPLICATE_COLUMN => "重复列的值不一致",
            CONFLICT => "与前一行矛盾",
            _ => "其他",
        }
    }
}

/// The alias table a value is looked up in.
#[derive(Clone, Copy)]
enum NameKind {
    Unit,
    Region,
    Type,
    Source,
}

/// What every row of a file shares.
pub struct RowCtx<'a> {
    pub resolver: &'a Resolver,
    pub specs: &'static [FieldSpec],
    pub header: &'a HeaderMap,
    /// Header cells as written in the file (for messages).
    pub header_cells: &'a [String],
    pub quarter: Quarter,
    pub file: u32,
    /// The unit named by the file name, for case files without a unit column.
    pub file_unit: Option<UnitId>,
    /// Names already resolved in this file, per `NameKind`.
    pub names: [RefCell<HashMap<String, Option<u16>, FastHash>>; 4],
    /// Strings repeated across rows (township, site, status), shared.
    pub strings: RefCell<HashSet<Text, FastHash>>,
    /// Which cases keep 当事人, 证件号 and 简要案情.
    pub keep_text: KeepText,
}

/// Which cases keep their free text (当事人, 证件号, 简要案情).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepText {
    /// Every case (reading one file on its own).
    All,
    /// Cases closed in the file's quarter: the only ones a report quotes
    /// (typical cases), for the report quarter's folder.
    ClosedInQuarter,
    /// None (earlier folders).
    Nothing,
}

impl RowCtx<'_> {
    /// Free text as kept for outputs: scrubbed of ID and phone numbers and of
    /// the record's own 当事人 and 证件号 (`privacy::scrub`), unless the
    /// configuration turns masking off. Borrowed when nothing changes.
    pub fn scrub<'s>(&self, s: &'s str, party: &str, party_id: &str) -> Cow<'s, str> {
        if self.resolver.mask_personal {
            crate::privacy::scrub(s, party, party_id)
        } else {
            Cow::Borrowed(s)
        }
    }

    /// One shared copy of a repeated string.
    pub fn intern(&self, s: &str) -> Text {
        if let Some(t) = self.strings.borrow().get(s) {
            return t.clone();
        }
        let t: Text = s.into();
        self.strings.borrow_mut().insert(t.clone());
        t
    }
}

/// One row being read.
pub struct Row<'a, 'r> {
    ctx: &'a RowCtx<'a>,
    cells: &'r csv::StringRecord,
    pub line: u64,
}

const EARLIEST: (i32, u32, u32) = (2000, 1, 1);

impl<'a, 'r> Row<'a, 'r> {
    pub fn new(ctx: &'a RowCtx<'a>, cells: &'r csv::StringRecord, line: u64) -> Self {
        Row { ctx, cells, line }
    }

    fn spec(&self, field: usize) -> &'static FieldSpec {
        &self.ctx.specs[field]
    }

    /// The header as written for a field (or its canonical header).
    fn label(&self, field: usize) -> &'a str {
        let ctx: &'a RowCtx<'a> = self.ctx;
        match ctx.header.cols[field] {
            Some((c, _)) => ctx
                .header_cells
                .get(c)
                .map(String::as_str)
                .unwrap_or(ctx.specs[field].header),
            None => ctx.specs[field].header,
        }
    }

    /// The trimmed cell of a field ("" when the column is absent).
    pub fn raw(&self, field: usize) -> &'r str {
        match self.ctx.header.cols[field] {
            Some((c, _)) => self.cells.get(c).map(trim_cell).unwrap_or(""),
            None => "",
        }
    }

    fn scale(&self, field: usize) -> f64 {
        self.ctx.header.cols[field].map(|(_, s)| s).unwrap_or(1.0)
    }

    pub fn err(&self, field: usize, code: &'static str, zh: String, en: String) -> RowError {
        let value = self.raw(field);
        // A byte that could not be decoded (a character cut short in a
        // UTF-8 file) was replaced by U+FFFD: say so.
        let (zh, en) = if value.contains('\u{FFFD}') {
            (
                format!("{zh}（该值含无法解码的字节“\u{FFFD}”，文件中可能有被截断的字符，请检查文件编码）"),
                format!("{en} (the value holds bytes that could not be decoded, shown as \u{FFFD}: a character may have been cut short; check the file's encoding)"),
            )
        } else {
            (zh, en)
        };
        RowError {
            field: self.spec(field).id,
            value: value.to_string(),
            code,
            message: zh,
            message_en: en,
        }
    }

    fn missing(&self, field: usize) -> RowError {
        let label = self.label(field);
        if self.ctx.header.cols[field].is_none() {
            let spec = self.spec(field);
            return self.err(
                field,
                codes::MISSING,
                format!(
                    "文件缺少必填列“{}”（也可写作：{}）",
                    spec.header,
                    spec.aliases.join("、")
                ),
                format!("the file has no column for required field {}", spec.id),
            );
        }
        self.err(
            field,
            codes::MISSING,
            format!("必填项“{label}”为空"),
            format!("required field {} is empty", self.spec(field).id),
        )
    }

    pub fn text(&self, field: usize) -> String {
        self.raw(field).to_string()
    }

    pub fn required_text(&self, field: usize) -> Result<String, RowError> {
        let v = self.raw(field);
        if v.is_empty() {
            return Err(self.missing(field));
        }
        Ok(v.to_string())
    }

    pub fn date(&self, field: usize) -> Result<Option<NaiveDate>, RowError> {
        let v = self.raw(field);
        if v.is_empty() {
            if self.spec(field).required {
                return Err(self.missing(field));
            }
            return Ok(None);
        }
        let Some(d) = parse::date(v) else {
            let label = self.label(field);
            return Err(self.err(
                field,
                codes::BAD_DATE,
                format!("“{label}”的值“{v}”不是可识别的日期（如 2026-07-03、2026年7月3日）"),
                format!("{}: cannot read “{v}” as a date", self.spec(field).id),
            ));
        };
        let earliest = NaiveDate::from_ymd_opt(EARLIEST.0, EARLIEST.1, EARLIEST.2).expect("valid");
        if d < earliest {
            let label = self.label(field);
            return Err(self.err(
                field,
                codes::DATE_TOO_EARLY,
                format!("“{label}”的日期 {d} 早于 2000-01-01"),
                format!("{}: date {d} is before 2000-01-01", self.spec(field).id),
            ));
        }
        let end = self.ctx.quarter.end();
        if d > end {
            let label = self.label(field);
            return Err(self.err(
                field,
                codes::DATE_AFTER_PERIOD,
                format!(
                    "“{label}”的日期 {d} 晚于所在季度文件夹 {} 的截止日 {end}",
                    self.ctx.quarter
                ),
                format!(
                    "{}: date {d} is after the end of quarter folder {} ({end})",
                    self.spec(field).id,
                    self.ctx.quarter
                ),
            ));
        }
        Ok(Some(d))
    }

    /// A field given in two columns (two 县市区) must say the same in both;
    /// otherwise the row is rejected naming both columns. Free of cost for
    /// a file without such columns.
    pub fn duplicates(&self) -> Result<(), RowError> {
        for &(field, col) in &self.ctx.header.duplicates {
            let second = self.cells.get(col).map(trim_cell).unwrap_or("");
            let first = self.raw(field);
            if first != second {
                let first_col = self.ctx.header.cols[field].map_or(0, |(c, _)| c);
                let label = self.label(field);
                let other = self
                    .ctx
                    .header_cells
                    .get(col)
                    .map(String::as_str)
                    .unwrap_or("");
                return Err(self.err(
                    field,
                    codes::DUPLICATE_COLUMN,
                    format!(
                        "表头有两列“{label}”（第{}列）和“{other}”（第{}列），本行两列的值不一致（“{first}”与“{second}”），无法判断以哪列为准",
                        first_col + 1,
                        col + 1
                    ),
                    format!(
                        "{}: two columns (column {} “{label}” and column {} “{other}”) disagree (“{first}” vs “{second}”)",
                        self.spec(field).id,
                        first_col + 1,
                        col + 1
                    ),
                ));
            }
        }
        Ok(())
    }

    pub fn required_date(&self, field: usize) -> Result<NaiveDate, RowError> {
        self.date(field)?.ok_or_else(|| self.missing(field))
    }

    /// Dates must not go backwards: `later` on or after `earlier`.
    pub fn order(
        &self,
        earlier_field: usize,
        earlier: Option<NaiveDate>,
        later_field: usize,
        later: Option<NaiveDate>,
    ) -> Result<(), RowError> {
        if let (Some(a), Some(b)) = (earlier, later) {
            if b < a {
                let (la, lb) = (self.label(earlier_field), self.label(later_field));
                return Err(self.err(
                    later_field,
                    codes::DATE_ORDER,
                    format!("日期先后有误：“{lb}”{b} 早于“{la}”{a}"),
                    format!(
                        "dates out of order: {} {b} is before {} {a}",
                        self.spec(later_field).id,
                        self.spec(earlier_field).id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Money or a quantity, scaled by the header's unit; blank = 0.
    pub fn amount(&self, field: usize) -> Result<f64, RowError> {
        let v = self.raw(field);
        let label = self.label(field);
        match parse::amount_with_unit(v) {
            None => Err(self.err(
                field,
                codes::BAD_NUMBER,
                format!("“{label}”的值“{v}”不是数字"),
                format!("{}: “{v}” is not a number", self.spec(field).id),
            )),
            Some((x, _)) if x < 0.0 => Err(self.err(
                field,
                codes::NEGATIVE,
                format!("“{label}”的值“{v}”为负数"),
                format!("{}: “{v}” is negative", self.spec(field).id),
            )),
            // A unit in the cell (200元) overrides the header's (罚款金额(万元)).
            Some((x, explicit)) => {
                let x = if explicit { x } else { x * self.scale(field) } + 0.0;
                if x.is_finite() && x <= MAX_AMOUNT {
                    Ok(x)
                } else {
                    Err(self.err(
                        field,
                        codes::BAD_NUMBER,
                        format!("“{label}”的值“{v}”过大（每格上限 {MAX_AMOUNT_ZH}）"),
                        format!(
                            "{}: “{v}” is too large (at most {MAX_AMOUNT:e} per cell)",
                            self.spec(field).id
                        ),
                    ))
                }
            }
        }
    }

    /// A signed number of points (adjustments): blank is 0 (a 通报表扬
    /// without points, contract §1); at most `MAX_POINTS` either way.
    pub fn signed(&self, field: usize) -> Result<f64, RowError> {
        let v = self.raw(field);
        let label = self.label(field);
        let t = v.trim_end_matches('分');
        let x = parse::amount(t).ok_or_else(|| {
            self.err(
                field,
                codes::BAD_NUMBER,
                format!("“{label}”的值“{v}”不是数字"),
                format!("{}: “{v}” is not a number", self.spec(field).id),
            )
        })?;
        if x.abs() > MAX_POINTS {
            return Err(self.err(
                field,
                codes::BAD_NUMBER,
                format!("“{label}”的值“{v}”超出范围：加减分须在 -{MAX_POINTS} 到 +{MAX_POINTS} 分之间"),
                format!(
                    "{}: “{v}” is out of range: points must lie between -{MAX_POINTS} and +{MAX_POINTS}",
                    self.spec(field).id
                ),
            ));
        }
        Ok(x + 0.0)
    }

    pub fn count(&self, field: usize) -> Result<u32, RowError> {
        let v = self.raw(field);
        let label = self.label(field);
        match parse::count(v) {
            None => Err(self.err(
                field,
                codes::BAD_NUMBER,
                format!("“{label}”的值“{v}”不是整数（只写数字，如 3 或 1,200）"),
                format!("{}: “{v}” is not a whole number", self.spec(field).id),
            )),
            Some(x) if x < 0 => Err(self.err(
                field,
                codes::NEGATIVE,
                format!("“{label}”的值“{v}”为负数"),
                format!("{}: “{v}” is negative", self.spec(field).id),
            )),
            Some(x) if x > MAX_COUNT => Err(self.err(
                field,
                codes::BAD_NUMBER,
                format!("“{label}”的值“{v}”过大（每格上限 {MAX_COUNT}）"),
                format!(
                    "{}: “{v}” is too large (at most {MAX_COUNT} per cell)",
                    self.spec(field).id
                ),
            )),
            Some(x) => Ok(x as u32),
        }
    }

    pub fn yes_no(&self, field: usize) -> Result<bool, RowError> {
        let v = self.raw(field);
        if v.is_empty() && self.spec(field).required {
            return Err(self.missing(field));
        }
        let label = self.label(field);
        parse::yes_no(v).ok_or_else(|| {
            self.err(
                field,
                codes::BAD_YES_NO,
                format!("“{label}”的值“{v}”应为 是/否"),
                format!(
                    "{}: “{v}” is not yes/no (是/否, Y/N, 1/0)",
                    self.spec(field).id
                ),
            )
        })
    }

    pub fn coordinate(&self, field: usize, max: f64) -> Result<Option<f64>, RowError> {
        let v = self.raw(field);
        let label = self.label(field);
        match parse::coordinate(v) {
            Some(None) => Ok(None),
            Some(Some(x)) if x.abs() <= max => Ok(Some(x)),
            _ => Err(self.err(
                field,
                codes::BAD_COORDINATE,
                format!("“{label}”的值“{v}”不是有效的十进制度数"),
                format!(
                    "{}: “{v}” is not a coordinate in decimal degrees",
                    self.spec(field).id
                ),
            )),
        }
    }

    fn unknown(
        &self,
        field: usize,
        code: &'static str,
        what_zh: &str,
        what_en: &str,
        suggestion: Option<&str>,
    ) -> RowError {
        let v = self.raw(field);
        let (hint_zh, hint_en) = match suggestion {
            Some(s) => (
                format!("，是否应为“{s}”？"),
                format!("; did you mean “{s}”?"),
            ),
            None => (
                "，请按配置中的名称填写".to_string(),
                "; use a name from the configuration".to_string(),
            ),
        };
        self.err(
            field,
            code,
            format!("未知的{what_zh}“{v}”{hint_zh}"),
            format!("unknown {what_en} “{v}”{hint_en}"),
        )
    }

    /// A name looked up in one of the alias tables; blank is `None` (or
    /// missing when the field is required), unknown is a rejection naming
    /// the nearest known value.
    fn named(&self, field: usize, kind: NameKind, required: bool) -> Result<Option<u16>, RowError> {
        let v = self.raw(field);
        if v.is_empty() {
            if required || self.spec(field).required {
                return Err(self.missing(field));
            }
            return Ok(None);
        }
        // Most files repeat a handful of spellings: remember each one's answer.
        let cache = &self.ctx.names[kind as usize];
        if let Some(Some(i)) = cache.borrow().get(v) {
            return Ok(Some(*i));
        }
        let r = self.ctx.resolver;
        let (found, table, code, zh, en) = match kind {
            NameKind::Unit => (r.unit(v), &r.units, codes::UNKNOWN_UNIT, "单位", "unit"),
            NameKind::Region => (
                r.region(v),
                &r.regions,
                codes::UNKNOWN_REGION,
                "县市区",
                "region",
            ),
            NameKind::Type => (
                r.violation_type(v),
                &r.violation_types,
                codes::UNKNOWN_TYPE,
                "违法类型",
                "violation type",
            ),
            NameKind::Source => (
                r.source(v),
                &r.sources,
                codes::UNKNOWN_SOURCE,
                "线索来源",
                "lead source",
            ),
        };
        match found {
            Some(i) => {
                cache.borrow_mut().insert(v.to_string(), Some(i));
                Ok(Some(i))
            }
            None => Err(self.unknown(field, code, zh, en, table.suggest(v))),
        }
    }

    pub fn unit(&self, field: usize) -> Result<Option<UnitId>, RowError> {
        self.named(field, NameKind::Unit, false)
    }

    pub fn region(&self, field: usize) -> Result<Option<RegionId>, RowError> {
        self.named(field, NameKind::Region, false)
    }

    pub fn violation_type(&self, field: usize) -> Result<TypeId, RowError> {
        self.named(field, NameKind::Type, true)
            .map(|v| v.unwrap_or_default())
    }

    pub fn source(&self, field: usize) -> Result<SourceId, RowError> {
        self.named(field, NameKind::Source, true)
            .map(|v| v.unwrap_or_default())
    }

    pub fn origin(&self) -> Origin {
        Origin {
            file: self.ctx.file,
            line: self.line,
            quarter: self.ctx.quarter,
        }
    }
}

// Case column indices, declared with the columns in `headers`.
use super::headers::col as c;

/// A case row. The unit comes from the row's 填报单位, else from the file name.
pub fn case(row: &Row) -> Result<Case, RowError> {
    row.duplicates()?;
    let case_id: Text = row.required_text(c::CASE_ID)?.into();
    let unit = match row.unit(c::UNIT)? {
        Some(u) => u,
        None => match row.ctx.file_unit {
            Some(u) => u,
            None => {
                return Err(row.err(
                    c::UNIT,
                    codes::NO_UNIT,
                    "无法确定填报单位：请增加“填报单位”列，或在文件名中写明单位（如 公安局_2026Q3.csv）".into(),
                    "cannot tell the reporting unit: add a 填报单位 column or put the unit's name in the file name (e.g. 公安局_2026Q3.csv)".into(),
                ))
            }
        },
    };
    let region = row
        .region(c::REGION)?
        .ok_or_else(|| row.missing(c::REGION))?;
    let found_date = row.required_date(c::FOUND)?;
    let source = row.source(c::SOURCE)?;
    let violation_type = row.violation_type(c::VTYPE)?;
    let filed_date = row.date(c::FILED)?;
    let closed_date = row.date(c::CLOSED)?;
    let transfer_date = row.date(c::TRANSFER_DATE)?;
    row.order(c::FOUND, Some(found_date), c::FILED, filed_date)?;
    row.order(c::FILED, filed_date, c::CLOSED, closed_date)?;
    row.order(c::FOUND, Some(found_date), c::TRANSFER_DATE, transfer_date)?;
    let lon = row.coordinate(c::LON, 180.0)?;
    let lat = row.coordinate(c::LAT, 90.0)?;
    let fine_yuan = row.amount(c::FINE)?;
    let confiscated_yuan = row.amount(c::CONFISCATED)?;
    let volume_t = row.amount(c::VOLUME)?;
    let transferred = row.yes_no(c::TRANSFERRED)?;
    let criminal_filed = row.yes_no(c::CRIMINAL)?;
    let persons = row.count(c::PERSONS)?;
    let site_closed = row.yes_no(c::SITE_CLOSED)?;
    let power_cut = row.yes_no(c::POWER_CUT)?;
    let vessels_seized = row.count(c::VESSELS)?;
    let equipment_seized = row.count(c::EQUIPMENT)?;
    let referred_by = row.unit(c::REFERRED_BY)?;
    let mut status = row.raw(c::STATUS);
    if status.is_empty() {
        status = if closed_date.is_some() {
            "已结案"
        } else if filed_date.is_some() {
            "办理中"
        } else {
            "未立案"
        };
    }
    let ctx = row.ctx;
    // Reports quote free text only for cases closed in the report quarter
    // (typical cases); at ten million rows it is most of the memory.
    let keep = match ctx.keep_text {
        KeepText::All => true,
        KeepText::ClosedInQuarter => closed_date.is_some_and(|d| ctx.quarter.period().contains(d)),
        KeepText::Nothing => false,
    };
    let kept = |f: usize| {
        if keep {
            row.text(f)
        } else {
            String::new()
        }
    };
    let (party, party_id) = (row.raw(c::PARTY), row.raw(c::PARTY_ID));
    let summary = if keep {
        ctx.scrub(row.raw(c::SUMMARY), party, party_id).into_owned()
    } else {
        String::new()
    };
    Ok(Case {
        origin: row.origin(),
        case_id,
        unit,
        region,
        // Township and status are short, shared names: numbers only.
        township: ctx.intern(&ctx.scrub(row.raw(c::TOWNSHIP), "", "")),
        site: ctx.intern(&ctx.scrub(row.raw(c::SITE), party, party_id)),
        // A coordinate pair counts only when both halves are given.
        lon: lat.and(lon),
        lat: lon.and(lat),
        found_date,
        source,
        violation_type,
        filed_date,
        closed_date,
        status: ctx.intern(&ctx.scrub(status, "", "")),
        fine_yuan,
        confiscated_yuan,
        volume_t,
        transferred,
        transfer_date,
        criminal_filed,
        persons,
        site_closed,
        power_cut,
        vessels_seized,
        equipment_seized,
        referred_by,
        text: CaseText::new(kept(c::PARTY), kept(c::PARTY_ID), summary),
    })
}

pub fn referral(row: &Row) -> Result<Referral, RowError> {
    row.duplicates()?;
    // ref_id, from_unit, to_unit, sent_date, reply_date, region, case_id, summary
    let ref_id = row.required_text(0)?;
    let from_unit = row.unit(1)?.ok_or_else(|| row.missing(1))?;
    let to_unit = row.unit(2)?.ok_or_else(|| row.missing(2))?;
    let sent_date = row.required_date(3)?;
    let reply_date = row.date(4)?;
    row.order(3, Some(sent_date), 4, reply_date)?;
    let region = row.region(5)?;
    Ok(Referral {
        origin: row.origin(),
        ref_id,
        from_unit,
        to_unit,
        sent_date,
        reply_date,
        region,
        case_id: row.text(6),
        summary: row.ctx.scrub(row.raw(7), "", "").into_owned(),
    })
}

pub fn patrol(row: &Row) -> Result<Patrol, RowError> {
    row.duplicates()?;
    // date, unit, region, township, mode, person_times, issues_found
    let date = row.required_date(0)?;
    let unit = row.unit(1)?.ok_or_else(|| row.missing(1))?;
    let region = row.region(2)?.ok_or_else(|| row.missing(2))?;
    let m = row.raw(4);
    let mode = match m {
        "" | "单独" | "单独巡查" | "single" | "Single" => PatrolMode::Single,
        "联合" | "联合巡查" | "joint" | "Joint" => PatrolMode::Joint,
        _ => {
            return Err(row.err(
                4,
                codes::UNKNOWN_VALUE,
                format!("巡查方式“{m}”应为 单独 或 联合"),
                format!("mode “{m}” must be 单独 (single) or 联合 (joint)"),
            ))
        }
    };
    Ok(Patrol {
        origin: row.origin(),
        date,
        unit,
        region,
        township: row.ctx.intern(&row.ctx.scrub(row.raw(3), "", "")),
        mode,
        person_times: row.count(5)?,
        issues_found: row.count(6)?,
    })
}

pub fn meeting(row: &Row) -> Result<Meeting, RowError> {
    row.duplicates()?;
    let date = row.required_date(0)?;
    let unit = row.unit(1)?.ok_or_else(|| row.missing(1))?;
    let attended = row.yes_no(2)?;
    Ok(Meeting {
        origin: row.origin(),
        date,
        unit,
        attended,
    })
}

pub fn adjustment(row: &Row) -> Result<Adjustment, RowError> {
    row.duplicates()?;
    // target_kind, target, points, reason, basis
    let kind = row.required_text(0)?;
    let is_unit = match kind.as_str() {
        "单位" | "部门" | "成员单位" | "unit" => true,
        "县市区" | "地区" | "区县" | "region" => false,
        _ => {
            return Err(row.err(
                0,
                codes::UNKNOWN_VALUE,
                format!("对象类型“{kind}”应为 单位 或 县市区"),
                format!("target_kind “{kind}” must be 单位 (unit) or 县市区 (region)"),
            ))
        }
    };
    let target_raw = row.required_text(1)?;
    let r = row.ctx.resolver;
    let target = if is_unit {
        r.unit(&target_raw).map(Target::Unit)
    } else {
        r.region(&target_raw).map(Target::Region)
    };
    let Some(target) = target else {
        let sugg = if is_unit {
            r.units.suggest(&target_raw)
        } else {
            r.regions.suggest(&target_raw)
        };
        let mut e = row.unknown(
            1,
            codes::UNKNOWN_TARGET,
            if is_unit {
                "考核对象（单位）"
            } else {
                "考核对象（县市区）"
            },
            "assessment target",
            sugg,
        );
        e.field = "target";
        return Err(e);
    };
    let points = row.signed(2)?;
    let reason = row.required_text(3)?;
    Ok(Adjustment {
        origin: row.origin(),
        target,
        points,
        reason: row.ctx.scrub(&reason, "", "").into_owned(),
        basis: row.ctx.scrub(row.raw(4), "", "").into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::headers::*;
    use super::c;

    #[test]
    fn case_field_indices_match_spec() {
        let ids: Vec<_> = CASE_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(ids.len(), c::COUNT);
        assert_eq!(ids[c::CASE_ID], "case_id");
        assert_eq!(ids[c::UNIT], "unit");
        assert_eq!(ids[c::REGION], "region");
        assert_eq!(ids[c::TOWNSHIP], "township");
        assert_eq!(ids[c::SITE], "site");
        assert_eq!(ids[c::LON], "lon");
        assert_eq!(ids[c::LAT], "lat");
        assert_eq!(ids[c::FOUND], "found_date");
        assert_eq!(ids[c::SOURCE], "source");
        assert_eq!(ids[c::VTYPE], "violation_type");
        assert_eq!(ids[c::FILED], "filed_date");
        assert_eq!(ids[c::CLOSED], "closed_date");
        assert_eq!(ids[c::STATUS], "status");
        assert_eq!(ids[c::FINE], "fine_yuan");
        assert_eq!(ids[c::CONFISCATED], "confiscated_yuan");
        assert_eq!(ids[c::VOLUME], "volume_t");
        assert_eq!(ids[c::TRANSFERRED], "transferred");
        assert_eq!(ids[c::TRANSFER_DATE], "transfer_date");
        assert_eq!(ids[c::CRIMINAL], "criminal_filed");
        assert_eq!(ids[c::PERSONS], "persons");
        assert_eq!(ids[c::SITE_CLOSED], "site_closed");
        assert_eq!(ids[c::POWER_CUT], "power_cut");
        assert_eq!(ids[c::VESSELS], "vessels_seized");
        assert_eq!(ids[c::EQUIPMENT], "equipment_seized");
        assert_eq!(ids[c::REFERRED_BY], "referred_by");
        assert_eq!(ids[c::PARTY], "party");
        assert_eq!(ids[c::PARTY_ID], "party_id");
        assert_eq!(ids[c::SUMMARY], "summary");
        let r: Vec<_> = REFERRAL_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(
            r,
            [
                "ref_id",
                "from_unit",
                "to_unit",
                "sent_date",
                "reply_date",
                "region",
                "case_id",
                "summary"
            ]
        );
        let p: Vec<_> = PATROL_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(
            p,
            [
                "date",
                "unit",
                "region",
                "township",
                "mode",
                "person_times",
                "issues_found"
            ]
        );
        let a: Vec<_> = ADJUSTMENT_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(a, ["target_kind", "target", "points", "reason", "basis"]);
    }
}
