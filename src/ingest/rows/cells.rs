//! A row's context and its cells: what every row of a file shares
//! ([`RowCtx`]: the header, the alias tables and their per-file caches,
//! which free text is kept) and one row being read ([`Row`]): each cell
//! read as text, a date, an amount, a count, yes/no, a coordinate or a
//! name, or rejected with a message naming the column as written. The
//! bounds a cell must keep are here too. The row parsers (`cases`,
//! `optional`) are built from these readers.
//!
//! Longer than 600 lines because every cell reader sits beside the bounds
//! and the bilingual messages it shares with the others, so a column's
//! rule and its rejection are read together; the per-file caches and the
//! thread's memo (`CellKey`, `SharedMemo`, `RowCtx`, lines 40–210) are the
//! part to move out first if it grows.

use std::borrow::Cow;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use hashbrown::{Equivalent, HashMap, HashSet};

/// Hashing for the per-file caches (keys are short strings; no order is observable).
pub type FastHash = foldhash::fast::RandomState;

use chrono::NaiveDate;

use super::{codes, RowError};
use crate::config::names::Resolver;
use crate::ingest::headers::{FieldSpec, HeaderMap};
use crate::ingest::parse;
use crate::ingest::table::Cells;
use crate::model::*;
use crate::quarter::Quarter;
use crate::text::trim_cell;

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

/// Most distinct cells kept per file by [`RowCtx::shared`]'s cache.
const SHARED_CACHE: usize = 1 << 16;

/// A cached cell's text, found by [`Cell`].
#[derive(PartialEq, Eq, Hash)]
pub struct CellKey(Box<str>);

/// A cell's text looked up in a per-file cache: hashed as the `str` it is
/// (as `CellKey` and `Name` are), compared inline (`text::same`, not the
/// C library's `memcmp`: these caches are asked several times a row).
struct Cell<'a>(&'a str);

impl Hash for Cell<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

impl Equivalent<CellKey> for Cell<'_> {
    fn equivalent(&self, key: &CellKey) -> bool {
        crate::text::same(self.0, &key.0)
    }
}

impl Equivalent<Name> for Cell<'_> {
    fn equivalent(&self, key: &Name) -> bool {
        crate::text::same(self.0, key)
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

/// The run's one copy of texts met before ([`RowCtx::intern`]) and each
/// cell's number-scrubbed text ([`RowCtx::shared`]), remembered by the
/// thread that reads files from one file to the next. Both are functions
/// of the text alone (the copies are the run's, never freed), so a memo
/// made with one file is right for any other; kept per file, as before,
/// a folder's files, which name the same few thousand sites, scrubbed
/// and looked up every site again (97,000 times for 2,208 sites in the
/// million-row benchmark).
#[derive(Default)]
pub struct SharedMemo {
    /// Strings repeated across rows (township, site, status), shared.
    strings: HashSet<Name, FastHash>,
    /// A cell as written → its shared text, scrubbed of numbers: each
    /// distinct value is scrubbed once.
    scrubbed: HashMap<CellKey, Name, FastHash>,
}

thread_local! {
    static MEMO: RefCell<SharedMemo> = RefCell::default();
}

impl SharedMemo {
    /// The memo this thread has kept (empty the first time).
    pub fn take() -> SharedMemo {
        MEMO.with(|m| std::mem::take(&mut *m.borrow_mut()))
    }

    /// Keep `self` for this thread's next file, unless it has grown past
    /// [`SHARED_CACHE`] texts (a file of a million different sites): then
    /// it is dropped, so that what a thread holds stays bounded.
    pub fn give_back(self) {
        if self.strings.len() <= SHARED_CACHE && self.scrubbed.len() <= SHARED_CACHE {
            MEMO.with(|m| *m.borrow_mut() = self);
        }
    }
}

/// What every row of a file shares.
pub struct RowCtx<'a> {
    pub resolver: &'a Resolver,
    pub specs: &'static [FieldSpec],
    pub header: &'a HeaderMap,
    /// Header cells as written in the file (for messages).
    pub header_cells: &'a [String],
    pub quarter: Quarter,
    /// `quarter.period()`, worked out once per file: every date of every
    /// row is checked against its end (four dates a case row).
    pub period: crate::quarter::Period,
    pub file: u32,
    /// The unit named by the file name, for case files without a unit column.
    pub file_unit: Option<UnitId>,
    /// Names already resolved in this file, per `NameKind`.
    pub names: [RefCell<HashMap<CellKey, Option<u16>, FastHash>>; 4],
    /// Texts met before on this thread (township, site, status): taken
    /// from the thread's memo when the file's reading starts
    /// ([`SharedMemo::take`]) and handed back when it ends.
    pub memo: RefCell<SharedMemo>,
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

    /// A short repeated cell (township, site, status) as kept: scrubbed
    /// as [`RowCtx::scrub`] does, one shared copy. The number scrub of each
    /// distinct value is done once; only a row whose 当事人 or 证件号 shows
    /// in the value is scrubbed in full.
    pub fn shared(&self, raw: &str, party: &str, party_id: &str) -> Name {
        if !self.resolver.mask_personal {
            return self.intern(raw);
        }
        let cached = self.memo.borrow().scrubbed.get(&Cell(raw)).copied();
        let numbers = match cached {
            Some(t) => t,
            None => {
                let t = self.intern(&crate::privacy::scrub_numbers_only(raw));
                let cache = &mut self.memo.borrow_mut().scrubbed;
                // Bounded: a file of a million different sites gains nothing.
                if cache.len() < SHARED_CACHE {
                    cache.insert(CellKey(raw.into()), t);
                }
                t
            }
        };
        // (Township and status are asked with no party: nothing to look for.)
        if (!party.is_empty() || !party_id.is_empty())
            && crate::privacy::party_touches(raw, &numbers, party, party_id)
        {
            self.intern(&crate::privacy::scrub(raw, party, party_id))
        } else {
            numbers
        }
    }

    /// The run's one copy of a string ([`Name::intern`]), remembered for
    /// the file: a value met again in the file takes no lock.
    pub fn intern(&self, s: &str) -> Name {
        if let Some(t) = self.memo.borrow().strings.get(&Cell(s)) {
            return *t;
        }
        let t: Name = s.into();
        self.memo.borrow_mut().strings.insert(t);
        t
    }
}

/// One row being read.
pub struct Row<'a, 'r> {
    pub(super) ctx: &'a RowCtx<'a>,
    cells: Cells<'r>,
    pub line: u64,
}

/// The earliest date a record may carry (contract §2).
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

impl<'a, 'r> Row<'a, 'r> {
    pub fn new(ctx: &'a RowCtx<'a>, cells: Cells<'r>, line: u64) -> Self {
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
    #[inline(always)]
    pub fn raw(&self, field: usize) -> &'r str {
        match self.ctx.header.cols[field] {
            Some((c, _)) => self.cells.get(c).map(trim_cell).unwrap_or(""),
            None => "",
        }
    }

    fn scale(&self, field: usize) -> f64 {
        self.ctx.header.cols[field].map(|(_, s)| s).unwrap_or(1.0)
    }

    #[cold]
    pub fn err(
        &self,
        field: usize,
        code: crate::model::RejectCode,
        zh: String,
        en: String,
    ) -> RowError {
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

    #[cold]
    #[inline(never)]
    pub(super) fn missing(&self, field: usize) -> RowError {
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
        self.required_str(field).map(str::to_string)
    }

    /// The trimmed cell of a required field, borrowed (a blank is missing).
    pub fn required_str(&self, field: usize) -> Result<&'r str, RowError> {
        let v = self.raw(field);
        if v.is_empty() {
            return Err(self.missing(field));
        }
        Ok(v)
    }

    #[inline]
    pub fn date(&self, field: usize) -> Result<Option<NaiveDate>, RowError> {
        let v = self.raw(field);
        if v.is_empty() {
            if self.spec(field).required {
                return Err(self.missing(field));
            }
            return Ok(None);
        }
        match parse::date(v) {
            Some(d) if d >= EARLIEST && d <= self.ctx.period.end => Ok(Some(d)),
            d => Err(self.bad_date(field, v, d)),
        }
    }

    /// Why date cell `v` of `field` is refused: unreadable (`None`), before
    /// 2000, or after the end of the folder's quarter.
    #[cold]
    #[inline(never)]
    fn bad_date(&self, field: usize, v: &str, d: Option<NaiveDate>) -> RowError {
        let label = self.label(field);
        let Some(d) = d else {
            return self.err(
                field,
                codes::BAD_DATE,
                format!("“{label}”的值“{v}”不是可识别的日期（如 2026-07-03、2026年7月3日）"),
                format!("{}: cannot read “{v}” as a date", self.spec(field).id),
            );
        };
        if d < EARLIEST {
            return self.err(
                field,
                codes::DATE_TOO_EARLY,
                format!("“{label}”的日期 {d} 早于 2000-01-01"),
                format!("{}: date {d} is before 2000-01-01", self.spec(field).id),
            );
        }
        let end = self.ctx.period.end;
        self.err(
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
        )
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

    /// A cell's value rejected: `“<header>”的值“<value>”<zh>` and
    /// `<field>: “<value>” <en>`. The header as written is looked up only
    /// here, on the way to a rejection (it was looked up for every cell).
    #[cold]
    #[inline(never)]
    fn bad_value(
        &self,
        field: usize,
        code: crate::model::RejectCode,
        zh: &str,
        en: &str,
    ) -> RowError {
        let (label, v) = (self.label(field), self.raw(field));
        self.err(
            field,
            code,
            format!("“{label}”的值“{v}”{zh}"),
            format!("{}: “{v}” {en}", self.spec(field).id),
        )
    }

    /// Money or a quantity, scaled by the header's unit; blank = 0.
    #[inline]
    pub fn amount(&self, field: usize) -> Result<f64, RowError> {
        match parse::amount_with_unit(self.raw(field)) {
            None => Err(self.bad_value(field, codes::BAD_NUMBER, "不是数字", "is not a number")),
            Some((x, _)) if x < 0.0 => {
                Err(self.bad_value(field, codes::NEGATIVE, "为负数", "is negative"))
            }
            // A unit in the cell (200元) overrides the header's (罚款金额(万元)).
            Some((x, explicit)) => {
                let x = if explicit { x } else { x * self.scale(field) } + 0.0;
                if x.is_finite() && x <= MAX_AMOUNT {
                    Ok(x)
                } else {
                    Err(self.bad_value(
                        field,
                        codes::BAD_NUMBER,
                        &format!("过大（每格上限 {MAX_AMOUNT_ZH}）"),
                        &format!("is too large (at most {MAX_AMOUNT:e} per cell)"),
                    ))
                }
            }
        }
    }

    /// A signed number of points (adjustments): blank is 0 (a 通报表扬
    /// without points, contract §1); at most `MAX_POINTS` either way.
    pub fn signed(&self, field: usize) -> Result<f64, RowError> {
        let t = self.raw(field).trim_end_matches('分');
        let x = parse::amount(t).ok_or_else(|| {
            self.bad_value(field, codes::BAD_NUMBER, "不是数字", "is not a number")
        })?;
        if x.abs() > MAX_POINTS {
            return Err(self.bad_value(
                field,
                codes::BAD_NUMBER,
                &format!("超出范围：加减分须在 -{MAX_POINTS} 到 +{MAX_POINTS} 分之间"),
                &format!(
                    "is out of range: points must lie between -{MAX_POINTS} and +{MAX_POINTS}"
                ),
            ));
        }
        Ok(x + 0.0)
    }

    #[inline]
    pub fn count(&self, field: usize) -> Result<u32, RowError> {
        match parse::count(self.raw(field)) {
            None => Err(self.bad_value(
                field,
                codes::BAD_NUMBER,
                "不是整数（只写数字，如 3 或 1,200）",
                "is not a whole number",
            )),
            Some(x) if x < 0 => {
                Err(self.bad_value(field, codes::NEGATIVE, "为负数", "is negative"))
            }
            Some(x) if x > MAX_COUNT => Err(self.bad_value(
                field,
                codes::BAD_NUMBER,
                &format!("过大（每格上限 {MAX_COUNT}）"),
                &format!("is too large (at most {MAX_COUNT} per cell)"),
            )),
            Some(x) => Ok(x as u32),
        }
    }

    #[inline]
    pub fn yes_no(&self, field: usize) -> Result<bool, RowError> {
        let v = self.raw(field);
        if v.is_empty() && self.spec(field).required {
            return Err(self.missing(field));
        }
        parse::yes_no(v).ok_or_else(|| {
            self.bad_value(
                field,
                codes::BAD_YES_NO,
                "应为 是/否",
                "is not yes/no (是/否, Y/N, 1/0)",
            )
        })
    }

    #[inline]
    pub fn coordinate(&self, field: usize, max: f64) -> Result<Option<f64>, RowError> {
        match parse::coordinate(self.raw(field)) {
            Some(None) => Ok(None),
            Some(Some(x)) if x.abs() <= max => Ok(Some(x)),
            _ => Err(self.bad_value(
                field,
                codes::BAD_COORDINATE,
                "不是有效的十进制度数",
                "is not a coordinate in decimal degrees",
            )),
        }
    }

    pub(super) fn unknown(
        &self,
        field: usize,
        code: crate::model::RejectCode,
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
        if let Some(Some(i)) = cache.borrow().get(&Cell(v)) {
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
                cache.borrow_mut().insert(CellKey(v.into()), Some(i));
                Ok(Some(i))
            }
            None => Err(self.unknown(field, code, zh, en, table.suggest(v))),
        }
    }

    pub fn unit(&self, field: usize) -> Result<Option<UnitId>, RowError> {
        self.named(field, NameKind::Unit, false)
            .map(|v| v.map(UnitId))
    }

    pub fn region(&self, field: usize) -> Result<Option<RegionId>, RowError> {
        self.named(field, NameKind::Region, false)
            .map(|v| v.map(RegionId))
    }

    pub fn violation_type(&self, field: usize) -> Result<TypeId, RowError> {
        self.named(field, NameKind::Type, true)
            .map(|v| TypeId(v.unwrap_or_default()))
    }

    pub fn source(&self, field: usize) -> Result<SourceId, RowError> {
        self.named(field, NameKind::Source, true)
            .map(|v| SourceId(v.unwrap_or_default()))
    }

    pub fn origin(&self) -> Origin {
        // (see `Origin`: an accepted record's line fits)
        let line = u32::try_from(self.line).unwrap_or(u32::MAX);
        Origin::new(self.ctx.file, line, self.ctx.quarter)
    }
}
