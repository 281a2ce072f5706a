//! Ingestion: find the quarter folders of a data folder, read every file
//! (decode, locate the header, map columns, validate rows), and settle
//! duplicates and superseded records, accounting for every row.
//!
//! This file is the module's public face: [`load`], which runs the steps
//! over a whole data folder, and every name other modules use, re-exported
//! from the files that hold the work (`ingest::…` paths are unchanged):
//!
//! - `folders`: the quarter folders and the files in them ([`FileEntry`]),
//!   stray files, and the check that a case file is there;
//! - `read`: one file read into a [`FileOutcome`] (bytes, encoding, header,
//!   every record parsed and counted);
//! - `sheets`: a workbook's worksheets, each read as an input of its own;
//! - `rejects`: a row's or a file's rejection as written to rejects.csv;
//! - `settler`: duplicates and superseded records settled into one
//!   [`Dataset`] ([`Settler`]).
//!
//! A row's cells and its parsing are `rows`; the header is `headers` and
//! `table`; the records below it are `records`; decoding is `decode`;
//! workbooks are `workbook`, read in a child
//! process by `sandbox`.

pub mod decode;
pub mod headers;
pub mod parse;
mod records;
pub mod rows;
pub mod table;

mod ods_check;
pub mod sandbox;
pub mod workbook;
mod xls_check;

mod case_order;
mod chunks;
mod folders;
mod hash_desk;
mod later_sum;
mod ordered;
mod pos_index;
mod read;
mod rejects;
mod settler;
mod sheets;

use std::path::Path;

use crate::config::names::Resolver;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::*;
use crate::quarter::Quarter;
pub use chunks::{CaseChunks, ChunkPool, CHUNK};
pub use decode::file_name_text;
pub use folders::{list_files, quarter_folders, require_case_files, stray_files, FileEntry};
pub use later_sum::LaterSum;
pub use read::{
    is_workbook, read_bytes, read_bytes_with, read_file, read_file_into, unit_from_file_name,
    FileOutcome, Summing, MAX_INPUT_BYTES,
};
pub use rejects::{clip, MAX_REJECT_VALUE};
pub use rows::KeepText;
pub use settler::{settle, Settler};
pub use sheets::read_workbook_bytes;

pub use crate::input::{read_input, Refusal};

/// Input bytes that may be read ahead of settling beyond one file per core
/// (see `load`). 1M-row `validate`, four alternating runs: 1.36 s median
/// with one file per core, 1.13 s with eight; ingest's peak 5–10 MB more.
const READ_AHEAD_BYTES: u64 = 64 << 20;

/// How many times its size a workbook counts towards [`READ_AHEAD_BYTES`]
/// (the sample data's .xlsx of 36.5 KB unpacks to 231 KB, 6.3 times; its
/// XML is larger than the same rows as CSV).
const WORKBOOK_AHEAD_FACTOR: u64 = 8;

/// What each file counts towards [`READ_AHEAD_BYTES`]: its size, and a
/// workbook's [`WORKBOOK_AHEAD_FACTOR`] times over (its sheets unpack to
/// several times its size: a zip of XML), so that a folder of workbooks is
/// read ahead no further than CSV files of at least as many rows.
fn read_ahead_cost(files: &[FileEntry], sizes: &[u64]) -> Vec<u64> {
    files
        .iter()
        .zip(sizes)
        .map(|(f, n)| {
            if is_workbook(&f.rel) {
                n.saturating_mul(WORKBOOK_AHEAD_FACTOR)
            } else {
                *n
            }
        })
        .collect()
}

/// The largest file (its [`read_ahead_cost`]) with which three files are
/// read ahead of settling besides one per core; a folder with a larger one
/// reads one besides (see [`files_ahead`]). The 10M-row benchmark's
/// largest export is 167 MB.
const EXTRA_AHEAD_MAX_BYTES: u64 = 256 << 20;

/// How many files may be read or waiting besides the one being settled:
/// one per core and three more, or one more when some file is larger than
/// [`EXTRA_AHEAD_MAX_BYTES`] (what is held then grows by two files of at
/// most that, not by two of whatever size a hostile folder holds).
fn files_ahead(workers: usize, costs: &[u64]) -> usize {
    if costs.iter().all(|&c| c <= EXTRA_AHEAD_MAX_BYTES) {
        workers + 3
    } else {
        workers + 1
    }
}

/// Read a whole data folder up to `upto` (inclusive), each input's
/// SHA-256 made for summary.json and manifest.json.
pub fn load(data: &Path, cfg: &Config, upto: Option<Quarter>) -> Result<Dataset> {
    load_summing(data, cfg, upto, true)
}

/// [`load`] without the inputs' SHA-256 (`sha256` stays blank for every
/// CSV; a workbook's is made with its sheets): for `validate`, which
/// prints no sum. The sums were a sixth of its CPU time on a million
/// clean rows.
pub fn load_unsummed(data: &Path, cfg: &Config, upto: Option<Quarter>) -> Result<Dataset> {
    load_summing(data, cfg, upto, false)
}

fn load_summing(data: &Path, cfg: &Config, upto: Option<Quarter>, sums: bool) -> Result<Dataset> {
    let meta = std::fs::metadata(data).map_err(|e| Error::io(data, e))?;
    if !meta.is_dir() {
        return Err(Error::usage(
            format!("数据目录 {} 不是文件夹", data.display()),
            format!("data folder {} is not a directory", data.display()),
        ));
    }
    let folders = quarter_folders(data, upto)?;
    let files = list_files(data, &folders)?;
    let resolver = Resolver::new(cfg);
    // Free text is kept for the report quarter's records only.
    let text_quarter = upto.or(folders.last().map(|f| f.0));
    let mut settler = Settler::new(folders.iter().map(|f| f.0).collect());
    // Regular files within the cap only (a sparse file claiming 100 GB is
    // reported when read, not reserved for).
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| {
            std::fs::metadata(&f.abs)
                .ok()
                .filter(|m| m.is_file() && m.len() <= MAX_INPUT_BYTES)
                .map_or(0, |m| m.len())
        })
        .collect();
    let case_bytes: u64 = files
        .iter()
        .zip(&sizes)
        .filter(|(f, _)| f.kind == FileKind::Cases)
        .map(|(_, n)| *n)
        .fold(0u64, u64::saturating_add);
    // At least ~300 bytes a row; the index is sized for every row at most.
    // Reserved when the first file has been read, not before the readers
    // start: marking the index's places free takes 10–15 ms at a million
    // rows, which the readers no longer wait for.
    let mut reserve = Some(
        usize::try_from(case_bytes / 300)
            .unwrap_or(0)
            .min(50_000_000),
    );
    // Files are read on every core and settled in path order as they
    // arrive (`ordered`): memory holds the ledger and a few files' records,
    // not every row read. The order of settling, and so every result, is
    // the same however the reads interleave. One file read ahead per core
    // and three more, and more while the files from the next to settle on
    // are at most READ_AHEAD_BYTES: at ten million rows a file of 66 MB
    // holds some 34 MB of cases. With one file per core, a reader that had
    // finished waited for the settler; one more file gave 10M build 13.15
    // → 12.03 s, and two more again 10.48–10.67 → 9.72–9.76 s (`validate`
    // 7.85–8.03 → 6.85–7.34 s; five or seven more were no faster). The files of one
    // folder differ in size threefold, and the settler waits for a large
    // one while the other core, its files read ahead, had nothing to do.
    // The peak did not grow (1,868–1,879 → 1,794–1,835 MB): it is reached
    // after every file is read (when the settled cases are put in order,
    // or later). With a file over 256 MB, one more as before
    // (`files_ahead`).
    // Files of a few MB (the 1M-row benchmark) run ahead of a large one
    // instead of leaving a core idle.
    let workers = rayon::current_num_threads();
    let ahead_cost = read_ahead_cost(&files, &sizes);
    // Memory reused from file to file: each reader keeps its read buffer,
    // and the cases are read into chunks the settler hands back emptied
    // (`chunks`): at ten million rows a file's bytes and cases are 66 and
    // 45 MB, above what the C allocator recycles, and fresh, zeroed pages
    // for every file were a tenth of all the time spent. The pool keeps
    // up to 32 chunks (88 MB). At ten million rows that still frees 60
    // chunks handed back and makes 92 anew over the run; a pool of 64 was
    // no faster there (7.05–7.10 against 7.05–7.91 s) and held 20–30 MB
    // more at the peak.
    let pool = ChunkPool::new(32);
    let desk = hash_desk::HashDesk::default();
    let later = later_sum::LaterSum::default();
    let mut left = files.len();
    ordered::read_in_order(
        files.len(),
        workers,
        files_ahead(workers, &ahead_cost),
        (&ahead_cost, READ_AHEAD_BYTES),
        |i, buf: &mut Vec<u8>| {
            let f = &files[i];
            let keep = if Some(f.quarter) == text_quarter {
                KeepText::ClosedInQuarter
            } else {
                KeepText::Nothing
            };
            let room = CaseChunks::from_pool(pool.clone());
            // The last file is read on two cores: the others are done.
            // Any other is summed with another reader's where it can be.
            let last = i + 1 == files.len();
            let summing = match (sums, last) {
                (false, halves) => Summing::Unsummed { halves },
                (true, true) => Summing::Later(&later),
                (true, false) => Summing::Desk(&desk),
            };
            read_file_into(f, i as u32, &resolver, keep, buf, room, summing)
        },
        |outcomes| {
            if let Some(rows) = reserve.take() {
                settler.reserve_cases(rows);
            }
            // A sum a reader left owing, collected here (the settler waits
            // for it, not the reader).
            settler.feed(
                outcomes
                    .into_iter()
                    .map(|o| read::pay_owed(&desk, o))
                    .collect(),
            );
            left -= 1;
            if left > 0 {
                settler.make_room();
            }
        },
    );
    // (the emptied chunks kept for files no longer to come are freed before
    // the settled cases are put in order, where ingestion peaks)
    drop(pool);
    let mut ds = settler.finish();
    later.fill(&mut ds.files)?;
    Ok(ds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_counts_eight_times_its_size_towards_reading_ahead() {
        let entry = |rel: &str| FileEntry {
            rel: rel.into(),
            abs: rel.into(),
            quarter: Quarter::parse("2026Q3").unwrap(),
            kind: FileKind::Cases,
        };
        let files = [
            entry("2026Q3/公安_2026Q3.csv"),
            entry("2026Q3/水利_2026Q3.XLSX"),
            entry("2026Q3/林业_2026Q3.xls"),
            entry("2026Q3/海事_2026Q3.ods"),
            entry("2026Q3/big.xlsx"),
        ];
        let cost = read_ahead_cost(&files, &[1000, 1000, 3, 0, u64::MAX / 2]);
        assert_eq!(cost, vec![1000, 8000, 24, 0, u64::MAX]);
    }

    #[test]
    fn three_files_ahead_besides_one_per_core_unless_a_file_is_over_256_mb() {
        let mb = 1u64 << 20;
        assert_eq!(files_ahead(2, &[167 * mb, 256 * mb, 0]), 5);
        assert_eq!(files_ahead(2, &[66 * mb, 256 * mb + 1]), 3);
        assert_eq!(files_ahead(8, &[]), 11);
        // a workbook counts eight times its size
        let entry = FileEntry {
            rel: "2026Q3/水利_2026Q3.xlsx".into(),
            abs: "x".into(),
            quarter: Quarter::parse("2026Q3").unwrap(),
            kind: FileKind::Cases,
        };
        let cost = read_ahead_cost(&[entry], &[33 * mb]);
        assert_eq!(files_ahead(2, &cost), 3);
    }
}
