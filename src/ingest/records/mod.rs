//! The records below a table's header, each with its physical line number.
//!
//! Two readers share the work. A line with no quote and no lone carriage
//! return is split at its delimiters directly (`split`): that is
//! every line of a typical export, and what the CSV reader would make of
//! it. Any other line (a quoted cell, a quote left open, a CR inside the
//! line) goes to the `csv` crate's reader, seeked to the line's start; it
//! keeps the text until eight clean records in a row show the quoting is
//! over. The records, their cells and their line numbers are the same
//! either way (tests: `the_fast_path_agrees_with_the_csv_reader`).
//!
//! Before this, every record went through the CSV reader: its state
//! machine, copying each cell into a record buffer, then a UTF-8 check of
//! the copy — 20% of ingest at a million rows.

use std::io::{Cursor, SeekFrom};

use memchr::{memchr, memchr2, memchr_iter};

mod split;
use split::split_line;

/// Clean records read by the CSV reader, one after another, before lines
/// are split directly again (a file that quotes every cell stays with the
/// reader; re-entering it costs a seek and a refill of its buffer).
const CLEAN_RUN: u32 = 8;

pub struct Records<'a> {
    rdr: csv::Reader<Cursor<&'a [u8]>>,
    /// The record the CSV reader read, as bytes: the text is valid UTF-8,
    /// so a record's bytes are too; they are checked once per record with
    /// simdutf8 ([`Cells`]).
    rec: csv::ByteRecord,
    /// The whole text, as bytes and as text.
    text: &'a [u8],
    src: &'a str,
    /// Physical line numbers are counted from the record's byte offset (the
    /// CSV reader's own line counter does not count line breaks inside
    /// quoted cells): `line` is the line of byte `counted_to`.
    counted_to: usize,
    line: u64,
    /// Fields in the header.
    width: usize,
    delimiter: u8,
    /// Lines swallowed by a stray quote, re-read one at a time: (start of
    /// the next line, end of the swallowed text).
    redo: Option<(usize, usize)>,
    /// Splitting lines directly: where the next line is looked for. `None`
    /// while the CSV reader reads.
    direct: Option<usize>,
    /// Clean records the CSV reader read in a row.
    clean_run: u32,
    /// Whether lines may be split directly (off only to test against the
    /// CSV reader alone).
    split: bool,
    /// Where each of the current record's cells ends, in its line (split
    /// directly) or in the record's bytes (the CSV reader): 4 bytes a
    /// cell, so a hostile line of fifty million commas takes 200 MB, not
    /// the 400 MB of the reader's own bounds.
    ends: Vec<u32>,
}

/// One record: its starting physical line (1-based) and cells, or a read
/// error (Chinese and English message).
pub enum Rec<'r> {
    Row { line: u64, cells: Cells<'r> },
    Error { line: u64, zh: String, en: String },
}

pub(super) fn reader_bytes<R: std::io::Read>(text: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quoting(true)
        .double_quote(true)
        .from_reader(text)
}

impl<'a> Records<'a> {
    /// The records of `src` after its first `skip` records (the title rows
    /// and the header).
    pub(super) fn new(src: &'a str, delimiter: u8, skip: usize, width: usize) -> Records<'a> {
        Records::with(src, delimiter, skip, width, true)
    }

    fn with(src: &'a str, delimiter: u8, skip: usize, width: usize, split: bool) -> Records<'a> {
        let text = src.as_bytes();
        let mut rdr = reader_bytes(Cursor::new(text), delimiter);
        let mut rec = csv::ByteRecord::new();
        for _ in 0..skip {
            if !matches!(rdr.read_byte_record(&mut rec), Ok(true)) {
                break;
            }
        }
        let start = (rdr.position().byte() as usize).min(text.len());
        let mut records = Records {
            rdr,
            rec,
            text,
            src,
            counted_to: 0,
            line: 1,
            width,
            delimiter,
            redo: None,
            direct: None,
            clean_run: 0,
            split,
            ends: Vec::with_capacity(width + 1),
        };
        if split {
            records.count_to(start);
            records.direct = Some(start);
        }
        records
    }

    /// The records of `src` from byte `start` (the start of a line) on,
    /// counted from the line `start` is on: the second half of a file
    /// split in two at a line break no quoted cell crosses
    /// ([`super::table::Table::halves`]).
    pub(super) fn from_line(
        src: &'a str,
        delimiter: u8,
        width: usize,
        start: usize,
    ) -> Records<'a> {
        let mut records = Records::with(src, delimiter, 0, width, true);
        // (the lines before `start` are counted on the way to its first line)
        records.direct = Some(start.min(src.len()));
        records
    }

    /// Where the next line is looked for, while lines are split directly.
    pub(super) fn position(&self) -> Option<usize> {
        self.direct
    }

    /// Count the line breaks up to `byte` (offsets only move forward).
    fn count_to(&mut self, byte: usize) {
        let byte = byte.min(self.text.len());
        if byte > self.counted_to {
            let n = memchr_iter(b'\n', &self.text[self.counted_to..byte]).count();
            self.line += n as u64;
            self.counted_to = byte;
        }
    }

    /// The 1-based physical line of a byte offset (offsets only move forward).
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut byte = (byte as usize).min(self.text.len());
        // The reader may place a record's start on the line break before it
        // (CRLF files): a record never starts with a line break.
        while byte < self.text.len() && matches!(self.text[byte], b'\r' | b'\n') {
            byte += 1;
        }
        self.count_to(byte);
        self.line
    }

    /// The next line of text swallowed by a stray quote, read on its own
    /// (a quote it opens ends with the line); `None` when none is left.
    fn next_redo(&mut self) -> Option<Rec<'_>> {
        loop {
            let (pos, end) = self.redo?;
            if pos >= end {
                self.redo = None;
                return None;
            }
            let stop = newline(&self.text[pos..end]).map_or(end, |i| pos + i);
            self.redo = Some((stop + 1, end));
            let mut r = reader_bytes(&self.text[pos..stop], self.delimiter);
            if matches!(r.read_byte_record(&mut self.rec), Ok(true)) {
                let line = self.line_at(pos as u64);
                return Some(Cells::of(&self.rec, &mut self.ends, line));
            }
            // An empty line is not a record.
        }
    }

    /// Whether a swallowed line is left to re-read (skipping empty ones).
    fn next_redo_peek(&self) -> bool {
        let Some((mut pos, end)) = self.redo else {
            return false;
        };
        while pos < end {
            let stop = newline(&self.text[pos..end]).map_or(end, |i| pos + i);
            if self.text[pos..stop].iter().any(|&b| b != b'\r') {
                return true;
            }
            pos = stop + 1;
        }
        false
    }

    /// The next record, borrowing an internal buffer.
    ///
    /// A record that spans several physical lines and has the wrong number
    /// of fields is a stray quote (`A1,"鹿城区,…` with no closing quote on
    /// its line) that swallowed the lines below it: its first line is
    /// reported as an error and every other line it swallowed is read again
    /// on its own, so one bad cell costs one row, not the rest of the file.
    /// Each physical line is read at most twice.
    pub fn next_rec(&mut self) -> Option<Rec<'_>> {
        if self.redo.is_some() {
            // Two borrows of `self` cannot cross the early return: look first.
            if self.next_redo_peek() {
                return self.next_redo();
            }
            self.redo = None;
        }
        if let Some(pos) = self.direct {
            match self.next_line(pos) {
                Line::End => return None,
                Line::Clean(line, text) => {
                    return Some(Rec::Row {
                        line,
                        cells: Cells {
                            text,
                            ends: &self.ends,
                            gap: 1,
                        },
                    })
                }
                Line::Quoted(start) => {
                    // The CSV reader takes over at this line's start.
                    self.direct = None;
                    self.clean_run = 0;
                    let mut at = csv::Position::new();
                    at.set_byte(start as u64);
                    if self
                        .rdr
                        .seek_raw(SeekFrom::Start(start as u64), at)
                        .is_err()
                    {
                        // (a cursor over memory cannot fail to seek)
                        return None;
                    }
                }
            }
        }
        self.next_read()
    }

    /// The next line split directly, from `pos`: blank lines are skipped
    /// (as the CSV reader skips them), a line the reader must read is
    /// handed back by its start.
    fn next_line(&mut self, pos: usize) -> Line<'a> {
        let t = self.text;
        let mut p = pos;
        while p < t.len() && matches!(t[p], b'\r' | b'\n') {
            p += 1;
        }
        self.count_to(p);
        if p >= t.len() {
            self.direct = Some(p);
            return Line::End;
        }
        // The line ends at the first LF or CR: a CR before an LF ends it
        // too, a lone CR (which ends a record for the CSV reader) sends it
        // to the reader. (Looking only for LF scanned a file with CR line
        // ends to its end at every line: quadratic time.) Found in the same
        // pass that splits the line.
        let Some((stop, end)) = split_line(&t[p..], self.delimiter, &mut self.ends) else {
            return Line::Quoted(p);
        };
        let (stop, end) = (p + stop, p + end);
        let src: &'a str = self.src;
        let Some(text) = src.get(p..stop) else {
            return Line::Quoted(p);
        };
        // The line holds no line break: the one at `end` is counted on the
        // way to the next line.
        self.counted_to = stop;
        self.direct = Some(end);
        Line::Clean(self.line, text)
    }

    /// The next record read by the CSV reader.
    fn next_read(&mut self) -> Option<Rec<'_>> {
        match self.rdr.read_byte_record(&mut self.rec) {
            Ok(true) => {
                let byte = self.rec.position().map(|p| p.byte()).unwrap_or(0);
                let next = (self.rdr.position().byte() as usize).min(self.text.len());
                if self.rec.len() != self.width {
                    let mut start = (byte as usize).min(self.text.len());
                    while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
                        start += 1;
                    }
                    let mut end = next.max(start);
                    while end > start && matches!(self.text[end - 1], b'\r' | b'\n') {
                        end -= 1;
                    }
                    if let Some(nl) = newline(&self.text[start..end]) {
                        let line = self.line_at(byte);
                        self.redo = Some((start + nl + 1, end));
                        self.clean_run = 0;
                        let n = self.rec.len();
                        let width = self.width;
                        return Some(Rec::Error {
                            line,
                            zh: format!(
                                "该行的引号未闭合，吞并了下面的行（读成 {n} 列，表头有 {width} 列）：该行被拒收，其下各行单独读取"
                            ),
                            en: format!(
                                "unclosed quote on this line swallowed the lines below ({n} fields, the header {width}): this line is rejected, the lines below are read on their own"
                            ),
                        });
                    }
                }
                let line = self.line_at(byte);
                // After enough clean records, lines are split directly again.
                let from = (byte as usize).min(next);
                if memchr2(b'"', b'\r', self.text[from..next].trim_ascii_end()).is_none() {
                    self.clean_run += 1;
                    if self.clean_run >= CLEAN_RUN && self.split {
                        self.direct = Some(next);
                    }
                } else {
                    self.clean_run = 0;
                }
                Some(Cells::of(&self.rec, &mut self.ends, line))
            }
            Ok(false) => None,
            Err(e) => {
                let byte = e.position().map(|p| p.byte()).unwrap_or(0);
                let line = self.line_at(byte);
                // Skip past the bad record; give up on unrecoverable errors.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return None;
                }
                Some(Rec::Error {
                    line,
                    zh: format!("无法解析该行：{e}"),
                    en: format!("cannot parse this record: {e}"),
                })
            }
        }
    }
}

/// What the next line is.
enum Line<'a> {
    /// No line is left.
    End,
    /// Split directly, its cells' ends in `ends`: its physical line and text.
    Clean(u64, &'a str),
    /// Has a quote or a lone CR: for the CSV reader, from this byte.
    Quoted(usize),
}

/// The first line feed in `b`.
fn newline(b: &[u8]) -> Option<usize> {
    memchr(b'\n', b)
}

/// One record's cells as text, borrowed from the text or the reader's buffer.
#[derive(Clone, Copy)]
pub struct Cells<'r> {
    /// The line (split directly) or the record's bytes (the CSV reader).
    text: &'r str,
    /// Where each cell ends in `text`.
    ends: &'r [u32],
    /// Bytes between a cell's end and the next one's start: 1 (the
    /// delimiter) in a line, 0 in the reader's record.
    gap: u32,
}

impl<'r> Cells<'r> {
    /// The CSV reader's record as a row; a record that is not UTF-8 (which
    /// valid text cannot give) or not shorter than 4 GiB (which a file
    /// within the size cap cannot hold) is an error, not a panic.
    fn of(rec: &'r csv::ByteRecord, ends: &'r mut Vec<u32>, line: u64) -> Rec<'r> {
        let text = match simdutf8::basic::from_utf8(rec.as_slice()) {
            Ok(text) if u32::try_from(text.len()).is_ok() => text,
            _ => {
                return Rec::Error {
                    line,
                    zh: "该行含无法解码的字节".into(),
                    en: "the record holds bytes that are not text".into(),
                }
            }
        };
        ends.clear();
        ends.extend((0..rec.len()).filter_map(|i| rec.range(i).map(|r| r.end as u32)));
        Rec::Row {
            line,
            cells: Cells { text, ends, gap: 0 },
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `i` as written (untrimmed), if the record has it. Cells end on
    /// ASCII delimiters of UTF-8 text, so each is whole characters.
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&'r str> {
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => self.ends[before] + self.gap,
            None => 0,
        };
        self.text.get(start as usize..end as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'r str> + 'r {
        let c = *self;
        (0..c.len()).map(move |i| c.get(i).unwrap_or(""))
    }
}

/// Every record as (line, cells) or (line, error), to compare readers
/// (this module's tests and `table`'s).
#[cfg(test)]
pub(crate) fn all(mut r: Records<'_>) -> Vec<(u64, Result<Vec<String>, String>)> {
    let mut out = Vec::new();
    while let Some(rec) = r.next_rec() {
        out.push(match rec {
            Rec::Row { line, cells } => (line, Ok(cells.iter().map(String::from).collect())),
            Rec::Error { line, en, .. } => (line, Err(en)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn lines_split_directly_read_as_the_csv_reader_reads_them() {
        let text = "标题\r\n编号,县,日期\r\nA1,鹿城区,2026-07-01\r\n\r\n\nA2,,\r\n \n末行,\t,x";
        let got = all(Records::new(text, b',', 2, 3));
        let want: Vec<(u64, Result<Vec<String>, String>)> = vec![
            (
                3,
                Ok(vec!["A1".into(), "鹿城区".into(), "2026-07-01".into()]),
            ),
            (6, Ok(vec!["A2".into(), "".into(), "".into()])),
            (7, Ok(vec![" ".into()])),
            (8, Ok(vec!["末行".into(), "\t".into(), "x".into()])),
        ];
        assert_eq!(got, want);
        assert_eq!(all(Records::with(text, b',', 2, 3, false)), want);
    }

    #[test]
    fn a_quoted_line_goes_to_the_csv_reader_and_back() {
        // Line 3 quotes a cells holding a delimiter and a line break; after
        // twenty clean lines, a quoted cell, a lone CR (which ends a record)
        // and, on line 28, a quote never closed that swallows the line below.
        let mut text = String::from("编号,县,案情\nA1,x,y\nA2,\"鹿城,区\",\"两\n行\"\nA3,z,w\n");
        for i in 0..20 {
            text.push_str(&format!("B{i},u,v\n"));
        }
        text.push_str("C1,\"q\",r\nC2,\ra,b\nD1,\"开,q\nD2,r,s\n");
        let direct = all(Records::new(&text, b',', 1, 3));
        assert_eq!(direct, all(Records::with(&text, b',', 1, 3, false)));
        let row =
            |line: u64, cells: &[&str]| (line, Ok(cells.iter().map(|c| c.to_string()).collect()));
        assert_eq!(direct[0], row(2, &["A1", "x", "y"]));
        assert_eq!(direct[1], row(3, &["A2", "鹿城,区", "两\n行"]));
        assert_eq!(direct[2], row(5, &["A3", "z", "w"]));
        assert_eq!(direct[22], row(25, &["B19", "u", "v"]));
        assert_eq!(direct[23], row(26, &["C1", "q", "r"]));
        assert_eq!(direct[24], row(27, &["C2", ""]));
        assert_eq!(direct[25], row(27, &["a", "b"]));
        assert_eq!(direct[26].0, 28);
        assert!(direct[26].1.is_err(), "{:?}", direct[26]);
        assert_eq!(direct[27], row(29, &["D2", "r", "s"]));
        assert_eq!(direct.len(), 28);
    }

    #[test]
    fn the_fast_path_agrees_with_the_csv_reader() {
        // Random texts over the bytes that matter to a CSV reader.
        let alphabet = [
            "a", ",", "\"", "\r", "\n", "\r\n", "中", " ", "\t", ";", "ab,c\n",
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for round in 0..20_000 {
            // Some long enough for the reader to hand back to direct splitting.
            let n = rng.gen_range(0..if round % 10 == 0 { 600 } else { 60 });
            let text: String = (0..n)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect();
            let delimiter = [b',', b'\t', b';'][round % 3];
            let width = 1 + round % 4;
            let skip = round % 3;
            assert_eq!(
                all(Records::new(&text, delimiter, skip, width)),
                all(Records::with(&text, delimiter, skip, width, false)),
                "text {text:?}, delimiter {delimiter}, width {width}, skip {skip}"
            );
        }
    }
}
