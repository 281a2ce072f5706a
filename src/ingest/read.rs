//! Reading one file into a [`FileOutcome`]: its bytes (within the size
//! cap), its hash and encoding, the unit its name names, the header located
//! and every record below it parsed, counted and accepted or rejected. A
//! workbook's sheets are handed to `sheets`, and each comes back through
//! `read_text` like a CSV's text. Nothing here fails: problems become
//! rejections or a file error.

use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

use super::chunks::CaseChunks;
use super::folders::{FileEntry, SPREADSHEET_EXT};
use super::hash_desk::{HashDesk, Owed, Summed};
use super::later_sum::LaterSum;
use super::records::Records;
use super::rejects::{fail, reject_of};
use super::rows::{self, codes, KeepText, Row, RowCtx, SharedMemo};
use super::sheets::read_workbook_bytes;
use super::table::{self, Rec, Table, TableError};
use super::{decode, headers, workbook};
use crate::config::names::Resolver;
use crate::input::{read_input_into, read_input_mapped, FileBytes};
use crate::model::*;

/// Largest input file read (a case export of 10 million rows is ~3.6 GB in
/// all; one file of 4 GiB is far beyond any department's export). A larger
/// file (or a sparse one claiming 100 GB) is reported, not read.
pub const MAX_INPUT_BYTES: u64 = 4 << 30;

/// Records read from one file, before duplicates and superseding are settled.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub file: Option<InputFile>,
    pub cases: CaseChunks,
    pub referrals: Vec<Referral>,
    pub patrols: Vec<Patrol>,
    pub meetings: Vec<Meeting>,
    pub adjustments: Vec<Adjustment>,
    pub rejects: Vec<Reject>,
    /// The file's sum, when another reader was still making it as this
    /// file's reader finished: put in by [`pay_owed`] before it is settled.
    pub owed: Option<OwedSum>,
}

/// A sum owed to a file's outcome, and the file it is for.
#[derive(Debug)]
pub struct OwedSum {
    sum: Owed,
    entry: FileEntry,
}

/// `out` with the sum it is owed put in (waiting for the reader that is
/// making it, if need be): and then, if its file was mapped and cut short
/// while it was read or summed, the file reported as not read instead.
pub fn pay_owed(desk: &HashDesk, mut out: FileOutcome) -> FileOutcome {
    let Some(OwedSum { sum, entry }) = out.owed.take() else {
        return out;
    };
    let held = Arc::clone(sum.bytes());
    let made = desk.collect_owed(sum);
    unless_cut(&entry, &held, with_sum(out, &made))
}

/// Find the unit a file name names (`公安局_2026Q3.csv`, `2026Q3温州市公安局案件.csv`).
pub fn unit_from_file_name(resolver: &Resolver, file_name: &str) -> Option<UnitId> {
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if let Some(u) = resolver.unit(&stem) {
        return Some(UnitId(u));
    }
    let tokens = stem.split(|c: char| {
        c.is_ascii_punctuation() || c.is_whitespace() || "、，。（）【】《》·—".contains(c)
    });
    for t in tokens {
        if !t.is_empty() && !t.chars().all(|c| c.is_ascii_alphanumeric()) {
            if let Some(u) = resolver.unit(t) {
                return Some(UnitId(u));
            }
        }
    }
    // Longest alias spelled anywhere in the name.
    resolver.unit_in_text(&stem).map(UnitId)
}

/// How a file read with [`read_file_into`] is summed (SHA-256, for
/// manifest.json).
#[derive(Clone, Copy)]
pub enum Summing<'d> {
    /// On the reader's core, before it is read.
    Alone,
    /// The last file of a run, read in halves on both cores, then summed
    /// on a thread of its own while the cases are settled and put in
    /// order ([`LaterSum`]; the sum is blank until [`LaterSum::fill`]).
    Later(&'d LaterSum),
    /// Together with another reader's file, by whichever reader comes to
    /// the desk second ([`HashDesk`]).
    Desk(&'d HashDesk),
    /// Not summed (`validate`, which publishes no sum): the sum stays
    /// blank. `halves` as for [`Summing::Later`]: the last file of a run
    /// is still read on both cores.
    Unsummed { halves: bool },
}

/// Read one file completely: one outcome, or one per worksheet of a
/// workbook. Never fails: problems become rejections or a file error.
/// `keep_text`: which cases keep 当事人, 证件号 and 简要案情.
pub fn read_file(
    entry: &FileEntry,
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
) -> Vec<FileOutcome> {
    read_file_into(
        entry,
        index,
        resolver,
        keep_text,
        &mut Vec::new(),
        CaseChunks::default(),
        Summing::Alone,
    )
}

/// [`read_file`] reusing memory: the file's bytes are read into `buf`, a
/// buffer a reader keeps from file to file (see
/// [`crate::input::read_input_into`]), and a CSV's cases are put into
/// `room`, whose chunks come from a pool the settler hands emptied chunks
/// back to (`chunks`). Neither asks the system for fresh pages (which it
/// zeroes) once the first files are read. `summing`: how the file's
/// SHA-256 is made; with [`Summing::Later`] (or `Unsummed { halves: true }`),
/// a large CSV of cases is also read in two halves on two cores (for the
/// last file of a run, which is otherwise read on one core while the
/// others have nothing left to do).
pub fn read_file_into(
    entry: &FileEntry,
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
    buf: &mut Vec<u8>,
    room: CaseChunks,
    summing: Summing<'_>,
) -> Vec<FileOutcome> {
    // `abs` is DATA/<quarter folder>/<file>.
    let root = entry.abs.parent().and_then(Path::parent);
    // A workbook's bytes go to a child process: they are read into the
    // buffer. Any other large file is mapped in place where it can be
    // (`read_input_mapped`), the last one too (its sum made after it is
    // read, from the same mapping: `LaterSum`).
    if is_workbook(&entry.rel) {
        let at = match read_input_into(&entry.abs, root, MAX_INPUT_BYTES, buf) {
            Ok(at) => at,
            Err(r) => return vec![unreadable(entry, r.zh, r.en)],
        };
        return read_workbook_bytes(entry, &buf[at], index, resolver, keep_text);
    }
    let (held, at) = match read_input_mapped(&entry.abs, root, MAX_INPUT_BYTES, buf) {
        Ok(got) => got,
        Err(r) => return vec![unreadable(entry, r.zh, r.en)],
    };
    let read = |bytes: &[u8], halves: bool| {
        read_bytes_into(entry, bytes, index, resolver, keep_text, room, halves)
    };
    let (out, held) = match summing {
        Summing::Desk(desk) => {
            // Shared while another reader may sum it; the buffer is this
            // reader's again afterwards unless the sum is owed (then the
            // bytes go with the outcome until it is paid, see `pay_owed`).
            let shared = Arc::new(held);
            let (sum, out) = desk.sum_or_owe(&shared, at.clone(), || read(&shared[at], false));
            match sum {
                Summed::Made(sum) => (with_sum(out, &sum), shared),
                Summed::Owed(sum) => {
                    let mut out = out;
                    out.owed = Some(OwedSum {
                        sum,
                        entry: entry.clone(),
                    });
                    return vec![out];
                }
            }
        }
        Summing::Unsummed { halves } => {
            let out = read(&held[at], halves);
            (out, Arc::new(held))
        }
        Summing::Later(later) => {
            // The last file: read in halves, then summed on a thread of
            // its own (its bytes handed over: no reader needs the buffer
            // again). Not if it was cut short while read: it is reported
            // as not read below.
            let out = read(&held[at.clone()], true);
            let held = Arc::new(held);
            if !held.was_cut() {
                later.start(entry.rel.clone(), Arc::clone(&held), at);
            }
            (out, held)
        }
        Summing::Alone => {
            let bytes = &held[at];
            let out = with_sha256(bytes, || read(bytes, false));
            (out, Arc::new(held))
        }
    };
    let out = unless_cut(entry, &held, out);
    if let Ok(FileBytes::Buf(b)) = Arc::try_unwrap(held) {
        *buf = b;
    }
    vec![out]
}

/// `out`, read from `held`; or, when `held` is a mapping another program
/// cut short while it was read (what was read past the cut were zeros,
/// not the file), the file reported as not read.
fn unless_cut(entry: &FileEntry, held: &FileBytes, out: FileOutcome) -> FileOutcome {
    if !held.was_cut() {
        return out;
    }
    unreadable(
        entry,
        "文件在读取过程中被截短（可能正被其他程序写入），未读入：请在文件不再变动后重新运行".into(),
        "the file was cut short while being read (another program may be writing it); not read: run again once it no longer changes".into(),
    )
}

/// The outcome of a file not read: its entry with the error, no rows.
fn unreadable(entry: &FileEntry, zh: String, en: String) -> FileOutcome {
    let mut out = FileOutcome::default();
    let mut file = blank_input(entry);
    fail(&mut file, &mut out, codes::UNREADABLE, zh, en);
    out.file = Some(file);
    out
}

pub(super) fn extension(rel: &str) -> String {
    Path::new(rel)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Whether a file is read as a workbook (by its extension).
pub fn is_workbook(rel: &str) -> bool {
    workbook::WORKBOOK_EXT.contains(&extension(rel).as_str())
}
pub(super) fn blank_input(entry: &FileEntry) -> InputFile {
    InputFile {
        path: entry.rel.clone(),
        kind: entry.kind,
        unit: None,
        encoding: None,
        sha256: String::new(),
        bytes: 0,
        quarter: Some(entry.quarter),
        counts: Counts::default(),
        error: None,
    }
}

/// Read the contents of one file (`entry.abs` is not used). Never fails:
/// problems become rejections or a file error.
pub fn read_bytes(entry: &FileEntry, bytes: &[u8], index: u32, resolver: &Resolver) -> FileOutcome {
    read_bytes_with(entry, bytes, index, resolver, KeepText::All)
}

/// `read_bytes`, keeping the free text of the cases `keep_text` names.
pub fn read_bytes_with(
    entry: &FileEntry,
    bytes: &[u8],
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
) -> FileOutcome {
    with_sha256(bytes, || {
        read_bytes_into(
            entry,
            bytes,
            index,
            resolver,
            keep_text,
            CaseChunks::default(),
            false,
        )
    })
}

/// `read(bytes)` with the file's sha256 filled in.
fn with_sha256(bytes: &[u8], read: impl FnOnce() -> FileOutcome) -> FileOutcome {
    let sum = crate::sha_pair::sha256(bytes);
    with_sum(read(), &sum)
}

/// `out` with its file's sha256 filled in.
fn with_sum(mut out: FileOutcome, sum: &[u8; 32]) -> FileOutcome {
    if let Some(file) = out.file.as_mut() {
        file.sha256 = hex::encode(sum);
    }
    out
}

/// `read_bytes_with`, the cases put into `room` (emptied first), whose
/// chunks come from the readers' pool; the hash is left blank (see
/// [`with_sha256`]).
fn read_bytes_into(
    entry: &FileEntry,
    bytes: &[u8],
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
    room: CaseChunks,
    halves: bool,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let mut file = blank_input(entry);
    file.bytes = bytes.len() as u64;
    let ext = extension(&entry.rel);
    if SPREADSHEET_EXT.contains(&ext.as_str())
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"\xD0\xCF\x11\xE0")
    {
        fail(
            &mut file,
            &mut out,
            codes::UNREADABLE,
            "这是无法直接读取的表格文件：请另存为 .xlsx 工作簿或 CSV（逗号分隔）后放入季度文件夹".into(),
            "this spreadsheet cannot be read directly: save it as an .xlsx workbook or as CSV (comma delimited)".into(),
        );
        out.file = Some(file);
        return out;
    }
    let decoded = decode::decode(bytes);
    file.encoding = Some(decoded.encoding.as_str().to_string());
    if decode::looks_binary(bytes, decoded.encoding) {
        fail(
            &mut file,
            &mut out,
            codes::UNREADABLE,
            "文件不是文本格式的 CSV（含二进制内容）".into(),
            "not a text CSV file (binary content)".into(),
        );
        out.file = Some(file);
        return out;
    }
    let file_unit = if entry.kind == FileKind::Cases {
        let name = entry.rel.rsplit('/').next().unwrap_or(&entry.rel);
        unit_from_file_name(resolver, name)
    } else {
        None
    };
    let seed = FileOutcome {
        file: Some(file),
        cases: room.emptied(),
        ..Default::default()
    };
    read_text(
        entry,
        seed,
        &decoded.text,
        index,
        resolver,
        keep_text,
        file_unit,
        halves,
    )
}

/// Read decoded CSV text into records: locate the header, then every
/// record below it. `seed` holds the input's entry so far (path, hashes,
/// encoding) and may hold chunks from the readers' pool for the cases;
/// `file_unit` is the unit the file's name names; `halves`: a large case
/// file may be read in two halves on two cores.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_text(
    entry: &FileEntry,
    seed: FileOutcome,
    text: &str,
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
    file_unit: Option<UnitId>,
    halves: bool,
) -> FileOutcome {
    let mut out = seed;
    let mut file = out.file.take().unwrap_or_else(|| blank_input(entry));
    let table = match Table::locate(text, entry.kind) {
        Ok(t) => t,
        Err(e) => {
            let (zh, en) = match e {
                TableError::Empty => ("文件为空".to_string(), "the file is empty".to_string()),
                TableError::NoHeader => (
                    format!(
                        "找不到表头：前 30 行中没有一行包含至少 3 个可识别的{}列名（如 {}）",
                        entry.kind.chinese(),
                        headers::fields_of(entry.kind)
                            .iter()
                            .filter(|f| f.required)
                            .map(|f| f.header)
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                    "no header row found: none of the first 30 rows names at least 3 known columns"
                        .to_string(),
                ),
            };
            fail(&mut file, &mut out, codes::NO_HEADER, zh, en);
            out.file = Some(file);
            return out;
        }
    };
    let file_ctx = FileCtx {
        entry,
        table: &table,
        index,
        resolver,
        keep_text,
        file_unit,
    };
    // A large case file in two halves on two cores (see `Table::halves`):
    // the same records in the same order, each half with its own outcome,
    // joined.
    let parts = match entry.kind {
        FileKind::Cases if halves => table.halves(HALVES_MIN_BYTES),
        _ => None,
    };
    match parts {
        Some((first, second)) => {
            let room = out.cases.sibling();
            let mut later = FileOutcome {
                cases: room,
                ..Default::default()
            };
            let mut later_counts = Counts::default();
            rayon::join(
                || read_rows(&file_ctx, first, &mut out, &mut file.counts),
                || read_rows(&file_ctx, second, &mut later, &mut later_counts),
            );
            file.counts.add(&later_counts);
            out.cases.append(later.cases);
            out.rejects.append(&mut later.rejects);
        }
        None => read_rows(&file_ctx, table.records(), &mut out, &mut file.counts),
    }
    if entry.kind == FileKind::Cases {
        let first = out.cases.first().map(|c| c.unit).or(file_unit);
        if let Some(u) = first {
            if out.cases.iter().all(|c| c.unit == u) {
                file.unit = Some(resolver.units.name(u16::from(u)).to_string());
            }
        }
    }
    // Rejected rows may be many (a million from one bad export): give back
    // the slack of the doubling growth (a large block shrinks in place).
    out.rejects.shrink_to_fit();
    out.file = Some(file);
    out
}

/// What the rows of one file are read with.
#[derive(Clone, Copy)]
struct FileCtx<'a, 't> {
    entry: &'a FileEntry,
    table: &'a Table<'t>,
    index: u32,
    resolver: &'a Resolver,
    keep_text: KeepText,
    file_unit: Option<UnitId>,
}

/// A case file's records are read in two halves on two cores from this
/// size of text on (a few thousand rows): below it, the second core's
/// start costs more than the half it takes.
const HALVES_MIN_BYTES: usize = 1 << 20;

/// Read `records` of a file into `out`, counting each row in `counts`:
/// accepted, rejected with its reason, or skipped (blank, a total row).
fn read_rows(f: &FileCtx, mut records: Records, out: &mut FileOutcome, counts: &mut Counts) {
    let FileCtx {
        entry,
        table,
        index,
        resolver,
        keep_text,
        file_unit,
    } = *f;
    let ctx = RowCtx {
        resolver,
        specs: headers::fields_of(entry.kind),
        header: &table.header,
        header_cells: &table.header_cells,
        quarter: entry.quarter,
        period: entry.quarter.period(),
        file: index,
        file_unit,
        names: Default::default(),
        memo: RefCell::new(SharedMemo::take()),
        keep_text,
    };
    let width = table.header.width;
    while let Some(rec) = records.next_rec() {
        match rec {
            Rec::Error { line, zh, en } => {
                counts.rows_read += 1;
                counts.rejected += 1;
                out.rejects.push(Reject {
                    file: entry.rel.clone(),
                    line,
                    field: "",
                    value: String::new(),
                    code: codes::BAD_RECORD,
                    message: zh,
                    message_en: en,
                });
            }
            Rec::Row { line, cells } => {
                counts.rows_read += 1;
                if table::is_blank(cells.iter()) || table::is_total(cells.iter()) {
                    counts.skipped += 1;
                    continue;
                }
                if cells.len() != width {
                    counts.rejected += 1;
                    let n = cells.len();
                    out.rejects.push(Reject {
                        file: entry.rel.clone(),
                        line,
                        field: "",
                        value: format!("{n}"),
                        code: codes::FIELD_COUNT,
                        message: format!(
                            "该行有 {n} 列，表头有 {width} 列（可能有多余的分隔符或未闭合的引号）"
                        ),
                        message_en: format!("the row has {n} fields, the header {width}"),
                    });
                    continue;
                }
                let row = Row::new(&ctx, cells, line);
                let result = match entry.kind {
                    FileKind::Cases => rows::case(&row).map(|c| out.cases.push(c)),
                    FileKind::Referrals => rows::referral(&row).map(|r| out.referrals.push(r)),
                    FileKind::Patrols => rows::patrol(&row).map(|r| out.patrols.push(r)),
                    FileKind::Meetings => rows::meeting(&row).map(|r| out.meetings.push(r)),
                    FileKind::Adjustments => {
                        rows::adjustment(&row).map(|r| out.adjustments.push(r))
                    }
                };
                match result {
                    Ok(()) => counts.accepted += 1,
                    Err(e) => {
                        counts.rejected += 1;
                        out.rejects.push(reject_of(&entry.rel, line, e));
                    }
                }
            }
        }
    }
    ctx.memo.into_inner().give_back();
}

#[cfg(all(test, target_os = "linux", target_pointer_width = "64"))]
mod tests {
    use super::*;
    use crate::input::read_input_mapped;
    use crate::quarter::Quarter;

    /// A large file is mapped; cut short by another program while it is
    /// read, reading on gives zeros (the process is not killed) and the
    /// file is reported as not read, its rows not taken.
    #[test]
    fn a_mapped_file_cut_short_while_read_is_reported_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("公安局_2026Q3.csv");
        std::fs::write(&p, vec![b'x'; 3 << 19]).unwrap();
        let entry = FileEntry {
            rel: "2026Q3/公安局_2026Q3.csv".into(),
            abs: p.clone(),
            quarter: Quarter::parse("2026Q3").unwrap(),
            kind: FileKind::Cases,
        };
        let (held, at) = read_input_mapped(&p, None, MAX_INPUT_BYTES, &mut Vec::new()).unwrap();
        assert!(matches!(held, FileBytes::Map(_)));
        let read = FileOutcome {
            file: Some(blank_input(&entry)),
            ..Default::default()
        };
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(100)
            .unwrap();
        let xs = held[at].iter().filter(|&&b| b == b'x').count();
        assert_eq!(xs, 100);
        let out = unless_cut(&entry, &held, read);
        let file = out.file.unwrap();
        assert_eq!(
            file.error.as_deref().map(|e| e.contains("截短")),
            Some(true),
            "{file:?}"
        );
        assert_eq!(file.counts.rows_read, 0);
    }
}
