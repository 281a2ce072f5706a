//! Settling what the files hold into one [`Dataset`]: a second copy of a
//! case or referral in the same quarter folder is rejected, a copy from a
//! later folder supersedes the earlier one, and two contradictory
//! attendance rows leave the first standing; every file's counts stay
//! balanced. Fed one batch of [`FileOutcome`]s at a time ([`Settler`]), so
//! memory holds the ledger, not every row read.

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::case_order::{sort_cases, unit_ends};
use super::pos_index::{PosIndex, MAX_POS};
use super::read::FileOutcome;
use super::rows::{self, codes};
use crate::model::*;
use crate::quarter::Quarter;
use crate::text;

/// A record identified across quarter folders (cases by (unit, 案件编号),
/// referrals by 函告编号).
trait Keyed {
    /// The identity, borrowed from the record (the index holds positions,
    /// not copies of keys).
    type Key<'a>: std::hash::Hash + Eq
    where
        Self: 'a;
    fn key(&self) -> Self::Key<'_>;
    fn origin(&self) -> Origin;
    /// Field name and value for a duplicate's rejection.
    fn id_field(&self) -> (&'static str, &str);
    /// (Chinese, English) message for a duplicate of a record first seen at `first`.
    fn duplicate_message(&self, first: &str, line: u64) -> (String, String);
}

impl Keyed for Case {
    type Key<'a> = (UnitId, &'a str);
    fn key(&self) -> Self::Key<'_> {
        (self.unit, &self.case_id)
    }
    fn origin(&self) -> Origin {
        self.origin
    }
    fn id_field(&self) -> (&'static str, &str) {
        ("case_id", &self.case_id)
    }
    fn duplicate_message(&self, first: &str, line: u64) -> (String, String) {
        (
            format!(
                "案件编号重复：同一季度文件夹中已有该单位的案件“{}”（{first} 第{line}行）",
                self.case_id
            ),
            format!(
                "duplicate case {} in the same quarter folder (first at {first} line {line})",
                self.case_id
            ),
        )
    }
}

impl Keyed for Referral {
    type Key<'a> = &'a str;
    fn key(&self) -> Self::Key<'_> {
        &self.ref_id
    }
    fn origin(&self) -> Origin {
        self.origin
    }
    fn id_field(&self) -> (&'static str, &str) {
        ("ref_id", &self.ref_id)
    }
    fn duplicate_message(&self, first: &str, line: u64) -> (String, String) {
        (
            format!(
                "函告编号重复：同一季度文件夹中已有“{}”（{first} 第{line}行）",
                self.ref_id
            ),
            format!(
                "duplicate referral {} in the same quarter folder (first at {first} line {line})",
                self.ref_id
            ),
        )
    }
}

/// The latest accepted record per key, fed in file-path (and so quarter) order.
///
/// The index holds each key's position in `slots` and finds a key by
/// comparing with the record there: 8 bytes a place (the position and 32
/// bits of the hash) instead of a copy of the key (34 bytes for a case).
struct Ledger<T: Keyed> {
    slots: Vec<T>,
    index: PosIndex,
    hasher: rows::FastHash,
}

/// Most distinct records a ledger holds: positions are `u32`, one value
/// marking a free place. (Four billion cases would need 700 GB of memory
/// first.)
const MAX_SLOTS: u64 = MAX_POS as u64 + 1;

impl<T: Keyed> Ledger<T> {
    fn new() -> Self {
        Ledger {
            slots: Vec::new(),
            index: PosIndex::new(),
            hasher: rows::FastHash::default(),
        }
    }

    /// Room for `slots` records, reserved but untouched (no resident
    /// memory until filled), and an index for `keys` distinct ones: it
    /// marks its places free at once, and its entries are written all over
    /// as it fills (so all of it is resident by the end); it grows (a
    /// rebuild from its own entries, no record read) past `keys`.
    fn reserve(&mut self, slots: usize, keys: usize) {
        let _ = self.slots.try_reserve(slots);
        let _ = self.index.try_reserve(keys);
    }

    /// Take an accepted record of file `fi`: a second copy in the same quarter
    /// folder is rejected; a copy from a later folder supersedes the earlier.
    fn add(&mut self, rec: T, fi: usize, files: &mut [InputFile], rejects: &mut Vec<Reject>) {
        let hash = self.hash(&rec);
        let _ = self.add_hashed(rec, hash, fi, files, rejects);
    }

    /// The hash of a record's key in this ledger's index.
    fn hash(&self, rec: &T) -> u64 {
        self.hasher.hash_one(rec.key())
    }

    /// Ask the memory system for what looking up `hash` will read (the
    /// index's control bytes and position, then the record at that
    /// position), without waiting for it: called some records ahead, the
    /// lookup finds them in cache.
    fn warm(&self, hash: u64) {
        let slots = self.slots.as_ptr();
        let _ = self.index.find(hash, |i| {
            crate::prefetch::line(slots.wrapping_add(i as usize));
            false
        });
    }

    /// Ask the memory system for the index's place where looking up `hash`
    /// begins, without waiting: called before [`Ledger::warm`], which then
    /// reads it from cache.
    fn prefetch(&self, hash: u64) {
        self.index.prefetch(hash);
    }

    /// [`Ledger::add`] with the key's hash already computed; `true` when
    /// the record took a new slot (its key was not there before).
    fn add_hashed(
        &mut self,
        rec: T,
        hash: u64,
        fi: usize,
        files: &mut [InputFile],
        rejects: &mut Vec<Reject>,
    ) -> bool {
        let Ledger { slots, index, .. } = self;
        let found = index.find(hash, |i| slots[i as usize].key() == rec.key());
        let Some(slot) = found else {
            let taken = u32::try_from(slots.len()).is_ok_and(|at| index.insert_unique(hash, at));
            if !taken {
                let message = (
                    format!("不同记录超过 {MAX_SLOTS} 条的上限（或内存不足），本行未读入"),
                    format!("more than {MAX_SLOTS} distinct records (or out of memory): this row is not taken"),
                );
                reject_taken(&rec, codes::BAD_RECORD, message, &mut files[fi], rejects);
                return false;
            }
            slots.push(rec);
            return true;
        };
        let slot = slot as usize;
        let prev = &slots[slot];
        let (po, o) = (prev.origin(), rec.origin());
        let pf = po.file as usize;
        if po.quarter() == o.quarter() {
            let (zh, en) = rec.duplicate_message(&files[pf].path, po.line.into());
            let clean = |m: &str| text::escape_controls(&crate::privacy::scrub_numbers_only(m));
            reject_taken(
                &rec,
                codes::DUPLICATE,
                (clean(&zh), clean(&en)),
                &mut files[fi],
                rejects,
            );
        } else {
            let f = &mut files[pf];
            f.counts.accepted -= 1;
            f.counts.superseded += 1;
            // Output order is fixed by sorting at the end, so the later
            // record takes the earlier one's slot.
            slots[slot] = rec;
        }
        false
    }

    fn into_records(self) -> Vec<T> {
        self.slots
    }
}

/// An accepted record of `file` rejected after all (a duplicate, or past
/// [`MAX_SLOTS`]): the file's counts moved, the rejection naming its id.
fn reject_taken<T: Keyed>(
    rec: &T,
    code: RejectCode,
    (message, message_en): (String, String),
    file: &mut InputFile,
    rejects: &mut Vec<Reject>,
) {
    let (field, value) = rec.id_field();
    file.counts.accepted -= 1;
    file.counts.rejected += 1;
    rejects.push(Reject {
        file: file.path.clone(),
        line: rec.origin().line.into(),
        field,
        value: crate::privacy::scrub_numbers_only(value).into_owned(),
        code,
        message,
        message_en,
    });
}

/// Settle duplicates within a quarter folder (the later row by path, then
/// line, is rejected) and superseding across folders (the latest quarter's
/// record wins), keeping every file's counts balanced. `outcomes` are in
/// file-path order, which is also quarter order.
pub fn settle(quarters: Vec<Quarter>, outcomes: Vec<FileOutcome>) -> Dataset {
    let mut s = Settler::new(quarters);
    s.feed(outcomes);
    s.finish()
}

/// How many records ahead of the one being settled its key is hashed.
const AHEAD: usize = 16;

/// How many records ahead of the one being settled its lookup is warmed.
const WARM: usize = 8;

/// `settle`, fed in batches (one quarter folder at a time): each batch in
/// file-path order, batches in order. File indices of the records are
/// positions in the whole sequence.
pub struct Settler {
    ds: Dataset,
    rejects: Vec<Reject>,
    cases: Ledger<Case>,
    /// How many distinct cases each unit has in `cases` (for putting them
    /// in unit order without reading them all once more).
    unit_cases: Vec<usize>,
    /// How many new cases the last input fed added to `cases`.
    last_added: usize,
    refs: Ledger<Referral>,
    attendance: Attendance,
}

impl Settler {
    pub fn new(mut quarters: Vec<Quarter>) -> Settler {
        quarters.dedup();
        Settler {
            ds: Dataset {
                quarters,
                ..Default::default()
            },
            rejects: Vec::new(),
            cases: Ledger::new(),
            unit_cases: Vec::new(),
            last_added: 0,
            refs: Ledger::new(),
            attendance: HashMap::default(),
        }
    }

    /// Room for about `rows` case rows: reserved but untouched memory costs
    /// no RSS, and growing by doubling would copy the whole ledger. The
    /// index is sized for half as many distinct cases: a case is reported
    /// again each quarter it stays open (six in ten rows are distinct in a
    /// five-quarter history), and an index sized for every row would be
    /// twice the memory it needs (150 MB at ten million rows) for good.
    pub fn reserve_cases(&mut self, rows: usize) {
        self.cases.reserve(rows, rows / 2);
    }

    /// Room for as many new cases as the last input fed brought, made
    /// resident now ([`crate::resident::populate`]): called while files
    /// are still to come, so that the last file's cases, settled when
    /// every reader is done, go to memory already cleared (clearing it
    /// then was 85 ms at ten million rows, with the other core idle).
    pub fn make_room(&self) {
        let slots = &self.cases.slots;
        crate::resident::populate(slots, slots.len() + self.last_added);
    }

    /// Settle each file's records, handing each emptied chunk of its cases
    /// back to the pool it came from (a reader fills it again).
    pub fn feed(&mut self, outcomes: Vec<FileOutcome>) {
        let files = &mut self.ds.files;
        for o in outcomes {
            let fi = files.len();
            let FileOutcome {
                file,
                cases: file_cases,
                referrals,
                patrols,
                meetings,
                adjustments,
                rejects: mut file_rejects,
                owed,
            } = o;
            // (a sum still owed is paid before the file is settled:
            // `read::pay_owed`)
            debug_assert!(owed.is_none(), "settled before its sum was paid");
            files.push(file.unwrap_or_else(|| InputFile {
                path: String::new(),
                kind: FileKind::Cases,
                unit: None,
                encoding: None,
                sha256: String::new(),
                bytes: 0,
                quarter: None,
                counts: Counts::default(),
                error: None,
            }));
            if self.rejects.is_empty() {
                // No copy (a million rejected rows from one file are moved).
                self.rejects = file_rejects;
            } else {
                self.rejects.append(&mut file_rejects);
            }
            // A record's file index is its input's position here (a
            // workbook's sheets are several inputs of one file).
            let fi32 = fi as u32;
            let (chunks, pool) = file_cases.into_parts();
            let before = self.cases.slots.len();
            for mut chunk in chunks {
                settle_cases(
                    &mut self.cases,
                    &mut self.unit_cases,
                    &mut chunk,
                    (fi, files),
                    &mut self.rejects,
                );
                if let Some(p) = &pool {
                    p.give(chunk);
                }
            }
            self.last_added = self.cases.slots.len() - before;
            for mut r in referrals {
                r.origin.file = fi32;
                self.refs.add(r, fi, files, &mut self.rejects);
            }
            self.ds.patrols.extend(patrols.into_iter().map(|mut p| {
                p.origin.file = fi32;
                p
            }));
            for mut m in meetings {
                m.origin.file = fi32;
                if let Some(r) = attendance_conflict(&mut self.attendance, files, &m, fi) {
                    let f = &mut files[fi];
                    f.counts.accepted -= 1;
                    f.counts.rejected += 1;
                    self.rejects.push(r);
                } else {
                    self.ds.meetings.push(m);
                }
            }
            self.ds
                .adjustments
                .extend(adjustments.into_iter().map(|mut a| {
                    a.origin.file = fi32;
                    a
                }));
        }
    }
}

/// Settle the cases of `chunk` (of file `fi`), in order, leaving it empty.
///
/// Memory latency, not work, is most of settling a large folder: the
/// 案件编号 read to hash a key, the index's place for it, the stored record
/// it names are each a cache miss. So each key is hashed AHEAD records
/// before its record is settled, and the index's place for it fetched
/// then (`Ledger::prefetch`); WARM records before, that place (now in
/// cache) is read and the record it names fetched (`Ledger::warm`). The
/// memory system fetches them while the records before are settled. The
/// order records are settled in is unchanged.
fn settle_cases(
    ledger: &mut Ledger<Case>,
    unit_cases: &mut Vec<usize>,
    chunk: &mut Vec<Case>,
    (fi, files): (usize, &mut [InputFile]),
    rejects: &mut Vec<Reject>,
) {
    let fi32 = fi as u32;
    let mut drain = chunk.drain(..);
    let mut ring = [0u64; AHEAD];
    for (h, c) in ring.iter_mut().zip(drain.as_slice()) {
        *h = ledger.hash(c);
        ledger.prefetch(*h);
    }
    let mut k = 0;
    while let Some(mut c) = drain.next() {
        let hash = ring[k];
        if let Some(next) = drain.as_slice().get(AHEAD - 1) {
            ring[k] = ledger.hash(next);
            ledger.prefetch(ring[k]);
        }
        if drain.as_slice().len() >= WARM {
            ledger.warm(ring[(k + WARM) % AHEAD]);
        }
        k = (k + 1) % AHEAD;
        c.origin.file = fi32;
        let unit = c.unit.index();
        if ledger.add_hashed(c, hash, fi, files, rejects) {
            if unit >= unit_cases.len() {
                unit_cases.resize(unit + 1, 0);
            }
            unit_cases[unit] += 1;
        }
    }
}

/// Attendance per (unit, meeting date): (attended, file, line) of the first accepted row.
type Attendance = HashMap<(UnitId, chrono::NaiveDate), (bool, usize, u64), rows::FastHash>;

/// Two rows for one unit and meeting date that disagree (× then √): the
/// first row (by file path, then line) stands and the later one is
/// rejected, so contradictory records never count as attended. A repeated
/// row that agrees changes nothing and is accepted.
fn attendance_conflict(
    attendance: &mut Attendance,
    files: &[InputFile],
    m: &Meeting,
    fi: usize,
) -> Option<Reject> {
    {
        let (first, ffile, fline) =
            *attendance
                .entry((m.unit, m.date))
                .or_insert((m.attended, fi, m.origin.line.into()));
        if first == m.attended {
            return None;
        }
        let yn = |b: bool| if b { "出席" } else { "未出席" };
        let yn_en = |b: bool| if b { "attended" } else { "absent" };
        Some(Reject {
            file: files[fi].path.clone(),
            line: m.origin.line.into(),
            field: "attended",
            value: yn(m.attended).into(),
            code: codes::CONFLICT,
            message: text::escape_controls(&format!(
                "与{} 第{fline}行矛盾：同一单位同一会议日期 {} 已记为“{}”，本行记为“{}”，本行不予采用",
                files[ffile].path,
                m.date,
                yn(first),
                yn(m.attended)
            )),
            message_en: text::escape_controls(&format!(
                "contradicts {} line {fline}: the same unit on meeting date {} is recorded as {} there and {} here; this row is not used",
                files[ffile].path,
                m.date,
                yn_en(first),
                yn_en(m.attended)
            )),
        })
    }
}

impl Settler {
    pub fn finish(self) -> Dataset {
        let Settler {
            mut ds,
            mut rejects,
            cases,
            unit_cases,
            refs,
            ..
        } = self;
        ds.cases = cases.into_records();
        debug_assert_eq!(unit_cases.iter().sum::<usize>(), ds.cases.len());
        sort_cases(&mut ds.cases, &unit_ends(&unit_cases));
        ds.referrals = refs.into_records();
        ds.referrals.sort_by(|a, b| a.ref_id.cmp(&b.ref_id));
        rejects.sort_by(|a, b| {
            a.file
                .as_bytes()
                .cmp(b.file.as_bytes())
                .then(a.line.cmp(&b.line))
        });
        ds.rejects = rejects;
        ds
    }
}

#[cfg(test)]
#[path = "settler_tests.rs"]
mod tests;
