//! Typed records: what ingestion produces and analysis consumes.
//!
//! Units, regions, violation types and sources are stored as indices into the
//! configuration's lists (configuration order), so grouping is by small
//! integers and output order is the configured order.
//!
//! Past 600 lines with its tests only (about 540 without): the record
//! types sit together because every stage reads them side by side; the
//! parts with logic of their own (`name`, `reject`, `IdText`) are
//! already modules of their own.

use chrono::NaiveDate;
use serde::Serialize;

use crate::quarter::Quarter;

pub use crate::id_text::IdText;

mod name;
pub use name::Name;
mod reject;
pub use reject::RejectCode;

/// Declares an index into one configured list as its own type, so that a
/// unit cannot be passed where a region is meant (issue 15): `.0` is the
/// position in the list, `index()` the same as a `usize`. Serialised as the
/// bare number.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u16);

        impl $name {
            /// The position in its configured list.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl From<$name> for usize {
            fn from(id: $name) -> usize {
                id.0 as usize
            }
        }

        impl From<$name> for u32 {
            fn from(id: $name) -> u32 {
                u32::from(id.0)
            }
        }

        impl From<$name> for u16 {
            fn from(id: $name) -> u16 {
                id.0
            }
        }
    };
}

id_type!(
    /// Index into `Config::units`.
    UnitId
);
id_type!(
    /// Index into `Config::regions`.
    RegionId
);
id_type!(
    /// Index into `Config::violation_types`.
    TypeId
);
id_type!(
    /// Index into `Config::sources`.
    SourceId
);

/// Where a record came from: the input file (index into `Dataset::files`),
/// its 1-based physical line, and the quarter folder ([`Origin::quarter`]).
///
/// The line fits 32 bits: an accepted record is at least a few dozen bytes
/// of a file of at most 4 GiB (`ingest::MAX_INPUT_BYTES`), and a worksheet
/// has at most a million rows. The quarter is kept in 16 bits (a folder's
/// year is 1900–9999: `Quarter::new`). Every case carries one: 12 bytes,
/// not 24 (the case record 160 bytes, not 168: at ten million rows, 80 MB
/// less to fill, move and sort).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
    /// year × 4 + quarter − 1.
    quarter: u16,
}

impl Origin {
    /// Line `line` of input `file`, in the folder of `quarter` (a year
    /// outside 0–16383 is kept as the nearer bound: no folder has one).
    pub fn new(file: u32, line: u32, quarter: Quarter) -> Origin {
        let year = quarter.year.clamp(0, 16383) as u16;
        let q = u16::from(quarter.q.clamp(1, 4) - 1);
        Origin {
            file,
            line,
            quarter: year << 2 | q,
        }
    }

    /// The quarter folder the record was read from.
    pub fn quarter(&self) -> Quarter {
        Quarter {
            year: i32::from(self.quarter >> 2),
            q: (self.quarter & 3) as u8 + 1,
        }
    }
}

/// A coordinate pair (经度, 纬度 in degrees) or none: both halves are given
/// or neither counts (contract §2). 16 bytes where two `Option<f64>` took
/// 32 (every case carries one); a parsed coordinate is always finite, so
/// NaN marks "none".
#[derive(Debug, Clone, Copy)]
pub struct Coords([f64; 2]);

impl Coords {
    pub const NONE: Coords = Coords([f64::NAN; 2]);

    /// The pair, when both halves are given (a non-finite half counts as
    /// not given).
    pub fn new(lon: Option<f64>, lat: Option<f64>) -> Coords {
        match (lon, lat) {
            (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => Coords([lon, lat]),
            _ => Coords::NONE,
        }
    }

    /// (longitude, latitude), or `None`.
    pub fn get(self) -> Option<(f64, f64)> {
        let [lon, lat] = self.0;
        (!lon.is_nan()).then_some((lon, lat))
    }

    pub fn lon(self) -> Option<f64> {
        self.get().map(|p| p.0)
    }

    pub fn lat(self) -> Option<f64> {
        self.get().map(|p| p.1)
    }
}

impl PartialEq for Coords {
    fn eq(&self, other: &Coords) -> bool {
        self.get() == other.get()
    }
}

/// One illegal-mining case (案件), as accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub origin: Origin,
    /// 案件编号 (shared with the ledger's key: one copy).
    pub case_id: IdText,
    pub unit: UnitId,
    pub region: RegionId,
    /// Empty when not given (shown as （未填写）).
    pub township: Name,
    pub site: Name,
    /// 经度 and 纬度, when both are given.
    pub coords: Coords,
    pub found_date: NaiveDate,
    pub source: SourceId,
    pub violation_type: TypeId,
    pub filed_date: Option<NaiveDate>,
    pub closed_date: Option<NaiveDate>,
    /// 办理状态 as written, or derived from the dates (已结案/办理中/未立案).
    pub status: Name,
    pub fine_yuan: f64,
    pub confiscated_yuan: f64,
    pub volume_t: f64,
    pub transferred: bool,
    pub transfer_date: Option<NaiveDate>,
    pub criminal_filed: bool,
    pub persons: u32,
    pub site_closed: bool,
    pub power_cut: bool,
    pub vessels_seized: u32,
    pub equipment_seized: u32,
    pub referred_by: Option<UnitId>,
    /// 当事人, 证件号 and 简要案情 (personal data: mask before it reaches a
    /// report). Kept only for records of the report quarter's folder that
    /// were closed in that quarter (the only ones a report quotes: typical
    /// cases), and only when one of them is given; `None` otherwise, so
    /// memory does not grow with the free text of every case.
    pub text: Option<&'static CaseText>,
}

/// The free-text fields of a case: the three texts one after the other,
/// kept with the record's part of them in the reading thread's blocks
/// (`arena`), never freed (a kept case held four allocations once, then
/// two: at a million rows, 4% of ingestion was the allocator's work for
/// them).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseText {
    /// 当事人, 证件号 and 简要案情 (as written: read only through
    /// [`Case::summary`], which scrubs it when `scrub` is set), joined.
    all: &'static str,
    /// Where 当事人 ends and 证件号 ends in `all`.
    party_end: usize,
    id_end: usize,
    /// Whether the summary is scrubbed of personal data when read
    /// (`privacy::scrub` with this case's 当事人 and 证件号; the
    /// configuration's `mask_personal`). Scrubbing as it is read, not as
    /// it is ingested: of the hundred thousand summaries a million-row
    /// history keeps, a report quotes a few dozen (the typical cases), and
    /// scrubbing all of them was 10% of reading the case files.
    scrub: bool,
}

thread_local! {
    /// This thread's block of kept texts' records.
    static KEPT: crate::arena::Spare<CaseText> = const { std::cell::RefCell::new(&mut []) };
}

impl CaseText {
    /// `None` when all three are empty. The summary is taken as it is.
    pub fn new(party: &str, party_id: &str, summary: &str) -> Option<&'static CaseText> {
        CaseText::scrubbed_when_read(party, party_id, summary, false)
    }

    /// [`CaseText::new`], the summary scrubbed when read if `scrub`.
    pub fn scrubbed_when_read(
        party: &str,
        party_id: &str,
        summary: &str,
        scrub: bool,
    ) -> Option<&'static CaseText> {
        if party.is_empty() && party_id.is_empty() && summary.is_empty() {
            return None;
        }
        let text = CaseText {
            all: crate::arena::keep_concat(&[party, party_id, summary]),
            party_end: party.len(),
            id_end: party.len() + party_id.len(),
            scrub,
        };
        Some(crate::arena::keep_in(&KEPT, text))
    }

    /// 当事人 as written.
    pub fn party(&self) -> &str {
        &self.all[..self.party_end]
    }

    /// 当事人证件号 as written.
    pub fn party_id(&self) -> &str {
        &self.all[self.party_end..self.id_end]
    }

    /// 简要案情 as written (unscrubbed: [`Case::summary`] is what reports read).
    fn summary_as_written(&self) -> &str {
        &self.all[self.id_end..]
    }
}

impl Case {
    /// 当事人 ("" when not kept or not given).
    pub fn party(&self) -> &str {
        self.text.as_ref().map_or("", |t| t.party())
    }
    /// 当事人证件号 ("" when not kept or not given).
    pub fn party_id(&self) -> &str {
        self.text.as_ref().map_or("", |t| t.party_id())
    }
    /// 简要案情 ("" when not kept or not given), scrubbed of ID and phone
    /// numbers and of the case's own 当事人 and 证件号 unless masking is off
    /// (see [`CaseText`]).
    pub fn summary(&self) -> std::borrow::Cow<'_, str> {
        match &self.text {
            Some(t) if t.scrub => {
                crate::privacy::scrub(t.summary_as_written(), t.party(), t.party_id())
            }
            Some(t) => std::borrow::Cow::Borrowed(t.summary_as_written()),
            None => std::borrow::Cow::Borrowed(""),
        }
    }

    /// Date a transfer to the judiciary counts on: transfer date, else filed, else found.
    pub fn transfer_day(&self) -> NaiveDate {
        self.transfer_date
            .or(self.filed_date)
            .unwrap_or(self.found_date)
    }

    /// 期末在办: filed on or before `end` and not closed by then.
    /// A case closed without a filed date is never open.
    pub fn open_at(&self, end: NaiveDate) -> bool {
        self.filed_date.is_some_and(|f| f <= end) && self.closed_date.is_none_or(|c| c > end)
    }

    /// 超期 in a period: open at its end more than `days` after filing, or
    /// closed in it more than `days` after filing.
    pub fn overdue_in(&self, start: NaiveDate, end: NaiveDate, days: i64) -> bool {
        let Some(filed) = self.filed_date else {
            return false;
        };
        if self.open_at(end) {
            return (end - filed).num_days() > days;
        }
        match self.closed_date {
            Some(c) if start <= c && c <= end => (c - filed).num_days() > days,
            _ => false,
        }
    }
}

/// A referral letter (函告).
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub origin: Origin,
    pub ref_id: String,
    pub from_unit: UnitId,
    pub to_unit: UnitId,
    pub sent_date: NaiveDate,
    pub reply_date: Option<NaiveDate>,
    pub region: Option<RegionId>,
    pub case_id: String,
    pub summary: String,
}

/// 巡查方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PatrolMode {
    /// 单独
    Single,
    /// 联合
    Joint,
}

/// A patrol record (巡查记录).
#[derive(Debug, Clone, PartialEq)]
pub struct Patrol {
    pub origin: Origin,
    pub date: NaiveDate,
    pub unit: UnitId,
    pub region: RegionId,
    pub township: Name,
    pub mode: PatrolMode,
    pub person_times: u32,
    pub issues_found: u32,
}

/// Attendance at a joint meeting (联席会议).
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub origin: Origin,
    pub date: NaiveDate,
    pub unit: UnitId,
    pub attended: bool,
}

/// Who an adjustment applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Unit(UnitId),
    Region(RegionId),
}

/// A points adjustment (考核加减分), for the quarter of its folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub origin: Origin,
    pub target: Target,
    pub points: f64,
    pub reason: String,
    pub basis: String,
}

/// The five kinds of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Cases,
    Referrals,
    Patrols,
    Meetings,
    Adjustments,
}

impl FileKind {
    /// The kind given by a reserved file name, else `Cases`.
    pub fn from_file_name(name: &str) -> FileKind {
        match name.to_lowercase().as_str() {
            "referrals.csv" => FileKind::Referrals,
            "patrols.csv" => FileKind::Patrols,
            "meetings.csv" => FileKind::Meetings,
            "adjustments.csv" => FileKind::Adjustments,
            _ => FileKind::Cases,
        }
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            FileKind::Cases => "cases",
            FileKind::Referrals => "referrals",
            FileKind::Patrols => "patrols",
            FileKind::Meetings => "meetings",
            FileKind::Adjustments => "adjustments",
        }
    }
    pub fn chinese(&self) -> &'static str {
        match self {
            FileKind::Cases => "案件",
            FileKind::Referrals => "函告台账",
            FileKind::Patrols => "巡查记录",
            FileKind::Meetings => "联席会议",
            FileKind::Adjustments => "考核加减分",
        }
    }
}

/// Row accounting of one input file: rows_read = accepted + rejected + skipped + superseded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub rows_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub superseded: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.rows_read += o.rows_read;
        self.accepted += o.accepted;
        self.rejected += o.rejected;
        self.skipped += o.skipped;
        self.superseded += o.superseded;
    }
    pub fn balanced(&self) -> bool {
        self.rows_read == self.accepted + self.rejected + self.skipped + self.superseded
    }
}

/// One input file as read.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// Relative to DATA, with `/`.
    pub path: String,
    pub kind: FileKind,
    /// Canonical unit name when all accepted rows share one (case files only).
    pub unit: Option<String>,
    /// UTF-8, UTF-8-BOM, GB18030, UTF-16LE, UTF-16BE (null when unreadable before decoding).
    pub encoding: Option<String>,
    /// Blank where no sum was made: an unreadable file, and every CSV read
    /// by `validate` (`ingest::load_unsummed`).
    pub sha256: String,
    /// Size in bytes (manifest only).
    #[serde(skip)]
    pub bytes: u64,
    #[serde(skip)]
    pub quarter: Option<Quarter>,
    #[serde(flatten)]
    pub counts: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One rejected row (or a whole unreadable file, with line 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    /// The field id (`found_date`), or empty for a whole-row problem
    /// (always one of the tool's own ids: no copy per rejected row).
    pub field: &'static str,
    pub value: String,
    pub code: RejectCode,
    pub message: String,
    pub message_en: String,
}

/// Everything read from a data folder up to the report quarter.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Quarter folders read, ascending.
    pub quarters: Vec<Quarter>,
    pub files: Vec<InputFile>,
    /// The latest accepted record of each case, in (unit, case_id) order.
    pub cases: Vec<Case>,
    /// The latest accepted record of each referral, by ref_id.
    pub referrals: Vec<Referral>,
    pub patrols: Vec<Patrol>,
    pub meetings: Vec<Meeting>,
    pub adjustments: Vec<Adjustment>,
    /// Sorted by (file, line).
    pub rejects: Vec<Reject>,
}

impl Dataset {
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.files {
            c.add(&f.counts);
        }
        c
    }
}

impl Case {
    /// A case with only its 案件编号 and found date: unit, region, source
    /// and type 0, read from line 2 of file 0 in the 2026Q3 folder, every
    /// other field blank, zero or no. For tests and fixtures: set what one
    /// needs with `Case { …, ..Case::blank(id, found) }`.
    pub fn blank(id: &str, found: NaiveDate) -> Case {
        Case {
            origin: Origin::new(0, 2, Quarter { year: 2026, q: 3 }),
            case_id: id.into(),
            unit: UnitId(0),
            region: RegionId(0),
            township: "".into(),
            site: "".into(),
            coords: Coords::NONE,
            found_date: found,
            source: SourceId(0),
            violation_type: TypeId(0),
            filed_date: None,
            closed_date: None,
            status: "".into(),
            fine_yuan: 0.0,
            confiscated_yuan: 0.0,
            volume_t: 0.0,
            transferred: false,
            transfer_date: None,
            criminal_filed: false,
            persons: 0,
            site_closed: false,
            power_cut: false,
            vessels_seized: 0,
            equipment_seized: 0,
            referred_by: None,
            text: None,
        }
    }
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn a_case_stays_small() {
        // Millions of cases are held at once (10M input rows → ~6M cases):
        // each byte here is megabytes of peak memory. Free text is boxed,
        // repeated strings are shared, the line and the coordinates packed
        // (200 bytes before they were). The 案件编号 is held in the record
        // (32 bytes, where a shared copy took 16 here and 48 elsewhere).
        assert!(std::mem::size_of::<super::Case>() <= 160);
        assert_eq!(std::mem::size_of::<super::Name>(), 8);
        assert_eq!(std::mem::size_of::<super::Origin>(), 12);
        assert_eq!(std::mem::size_of::<Option<chrono::NaiveDate>>(), 4);
    }

    #[test]
    fn an_origin_keeps_every_folder_quarter() {
        use super::{Origin, Quarter};
        for year in 1900..=9999 {
            for q in 1..=4 {
                let quarter = Quarter::new(year, q).unwrap();
                let o = Origin::new(7, 123_456, quarter);
                assert_eq!((o.file, o.line, o.quarter()), (7, 123_456, quarter));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_scrubbed_as_it_is_read_when_masking_is_on() {
        let raw = "当事人张三（身份证330382197401128961，电话13812345678）在矿点采砂";
        let case = |scrub: bool| {
            let mut c = Case::blank("A1", chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
            c.text = CaseText::scrubbed_when_read("张三", "330382197401128961", raw, scrub);
            c
        };
        let masked = case(true);
        let s = masked.summary();
        for personal in ["张三", "330382197401128961", "13812345678"] {
            assert!(!s.contains(personal), "{s}");
        }
        assert!(
            s.contains("3303") && s.contains("8961") && s.contains("138"),
            "{s}"
        );
        assert!(s.ends_with("在矿点采砂"));
        assert_eq!(case(false).summary(), raw);
        assert_eq!(Case::blank("B", chrono::NaiveDate::MIN).summary(), "");
    }

    #[test]
    fn the_three_free_texts_read_back_from_their_one_allocation() {
        let parts = ["张三", "330382197401128961", "在矿点采砂，涉案 3 吨"];
        // every part empty or not, multi-byte on either side of each joint
        for mask in 1..8u8 {
            let [p, i, s] = std::array::from_fn(|k| if mask >> k & 1 == 1 { parts[k] } else { "" });
            let mut c = Case::blank("A1", chrono::NaiveDate::MIN);
            c.text = CaseText::new(p, i, s);
            assert_eq!((c.party(), c.party_id(), &*c.summary()), (p, i, s));
        }
        assert!(CaseText::new("", "", "").is_none());
        let mut c = Case::blank("A1", chrono::NaiveDate::MIN);
        c.text = CaseText::new("", "", "x");
        assert_eq!((c.party(), c.party_id(), &*c.summary()), ("", "", "x"));
    }

    #[test]
    fn a_coordinate_pair_counts_only_whole() {
        assert_eq!(
            Coords::new(Some(120.65), Some(27.78)).get(),
            Some((120.65, 27.78))
        );
        assert_eq!(Coords::new(Some(120.65), None).get(), None);
        assert_eq!(Coords::new(None, Some(27.78)).get(), None);
        assert_eq!(Coords::new(Some(f64::NAN), Some(27.78)).get(), None);
        // (0, 0) is a pair as written; the configured area decides whether it counts
        assert_eq!(Coords::new(Some(0.0), Some(0.0)).lat(), Some(0.0));
        assert_eq!(Coords::NONE, Coords::new(None, None));
    }
}
