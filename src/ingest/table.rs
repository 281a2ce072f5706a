//! Reading decoded CSV text: delimiter, title rows, the header row, and the
//! records below it with their physical line numbers.

use super::headers::{map_header, HeaderMap};
use crate::model::FileKind;
use crate::text::trim_cell;

/// How many records at the top of a file are searched for the header.
const HEADER_SEARCH: usize = 30;

/// A CSV table with its header located.
pub struct Table<'a> {
    text: &'a str,
    pub delimiter: u8,
    pub header: HeaderMap,
    /// 0-based index of the header record.
    header_record: usize,
    /// Header cells as written.
    pub header_cells: Vec<String>,
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    reader_bytes(text.as_bytes(), delimiter)
}

fn reader_bytes(text: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quoting(true)
        .double_quote(true)
        .from_reader(text)
}

/// Why no table could be found.
#[derive(Debug, Clone, PartialEq)]
pub enum TableError {
    Empty,
    NoHeader,
}

impl<'a> Table<'a> {
    /// Find the delimiter (comma or tab) and the header row: the first record
    /// among the first few that names at least three known columns.
    pub fn locate(text: &'a str, kind: FileKind) -> Result<Table<'a>, TableError> {
        if text.trim().is_empty() {
            return Err(TableError::Empty);
        }
        let mut best: Option<(usize, Table<'a>)> = None;
        for delimiter in [b',', b'\t', b';'] {
            let mut rdr = reader(text, delimiter);
            let mut rec = csv::StringRecord::new();
            for i in 0..HEADER_SEARCH {
                match rdr.read_record(&mut rec) {
                    Ok(true) => {}
                    _ => break,
                }
                let cells: Vec<&str> = rec.iter().map(trim_cell).collect();
                if let Some(h) = map_header(kind, &cells) {
                    let known = h.cols.iter().filter(|c| c.is_some()).count();
                    // Earlier header wins; among delimiters, more known columns wins.
                    let better = match &best {
                        None => true,
                        Some((k, t)) => {
                            (i, std::cmp::Reverse(known)) < (t.header_record, std::cmp::Reverse(*k))
                        }
                    };
                    if better {
                        best = Some((
                            known,
                            Table {
                                text,
                                delimiter,
                                header: h,
                                header_record: i,
                                header_cells: cells.iter().map(|s| s.to_string()).collect(),
                            },
                        ));
                    }
                    break;
                }
            }
        }
        best.map(|(_, t)| t).ok_or(TableError::NoHeader)
    }

    /// Iterate over the records below the header: (line, cells). Completely
    /// empty lines are not records (the CSV reader skips them).
    pub fn records(&self) -> Records<'a> {
        let mut rdr = reader(self.text, self.delimiter);
        let mut rec = csv::ByteRecord::new();
        for _ in 0..=self.header_record {
            if !matches!(rdr.read_byte_record(&mut rec), Ok(true)) {
                break;
            }
        }
        Records {
            rdr,
            rec: csv::ByteRecord::new(),
            text: self.text.as_bytes(),
            counted_to: 0,
            line: 1,
            width: self.header.width,
            delimiter: self.delimiter,
            redo: None,
        }
    }
}

pub struct Records<'a> {
    rdr: csv::Reader<&'a [u8]>,
    /// The cells as bytes. The text is valid UTF-8, so a record's bytes are
    /// too: they are checked once per record with simdutf8 ([`Cells`]);
    /// the CSV reader's own check (`StringRecord`, std's `from_utf8`) was
    /// 12% of ingest at a million rows of Chinese text.
    rec: csv::ByteRecord,
    text: &'a [u8],
    /// Physical line numbers are counted from the record's byte offset (the
    /// CSV reader's own line counter does not count line breaks inside
    /// quoted cells).
    counted_to: usize,
    line: u64,
    /// Fields in the header.
    width: usize,
    delimiter: u8,
    /// Lines swallowed by a stray quote, re-read one at a time: (start of
    /// the next line, end of the swallowed text).
    redo: Option<(usize, usize)>,
}

/// One record: its starting physical line (1-based) and cells, or a read
/// error (Chinese and English message).
pub enum Rec<'r> {
    Row { line: u64, cells: Cells<'r> },
    Error { line: u64, zh: String, en: String },
}

impl Records<'_> {
    /// The 1-based physical line of a byte offset (offsets only move forward).
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut byte = (byte as usize).min(self.text.len());
        // The reader may place a record's start on the line break before it
        // (CRLF files): a record never starts with a line break.
        while byte < self.text.len() && matches!(self.text[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte > self.counted_to {
            let n = self.text[self.counted_to..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += n as u64;
            self.counted_to = byte;
        }
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
                return Some(Cells::of(&self.rec, line));
            }
            // An empty line is not a record.
        }
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
        match self.rdr.read_byte_record(&mut self.rec) {
            Ok(true) => {
                let byte = self.rec.position().map(|p| p.byte()).unwrap_or(0);
                if self.rec.len() != self.width {
                    let mut start = (byte as usize).min(self.text.len());
                    while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
                        start += 1;
                    }
                    let mut end =
                        (self.rdr.position().byte() as usize).clamp(start, self.text.len());
                    while end > start && matches!(self.text[end - 1], b'\r' | b'\n') {
                        end -= 1;
                    }
                    if let Some(nl) = newline(&self.text[start..end]) {
                        let line = self.line_at(byte);
                        self.redo = Some((start + nl + 1, end));
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
                Some(Cells::of(&self.rec, line))
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

impl Records<'_> {
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
}

/// The first line feed in `b`.
fn newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == b'\n')
}

/// One record's cells as text, borrowed from the reader's buffer.
#[derive(Clone, Copy)]
pub struct Cells<'r> {
    /// Every cell's text, one after the other.
    text: &'r str,
    rec: &'r csv::ByteRecord,
}

impl<'r> Cells<'r> {
    /// The record as a row; a record that is not UTF-8 (which valid text
    /// cannot give) is an error, not a panic.
    fn of(rec: &'r csv::ByteRecord, line: u64) -> Rec<'r> {
        match simdutf8::basic::from_utf8(rec.as_slice()) {
            Ok(text) => Rec::Row {
                line,
                cells: Cells { text, rec },
            },
            Err(_) => Rec::Error {
                line,
                zh: "该行含无法解码的字节".into(),
                en: "the record holds bytes that are not text".into(),
            },
        }
    }

    pub fn len(&self) -> usize {
        self.rec.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rec.is_empty()
    }

    /// Cell `i` as written (untrimmed), if the record has it. Cells end on
    /// ASCII delimiters of UTF-8 text, so each is whole characters.
    pub fn get(&self, i: usize) -> Option<&'r str> {
        self.text.get(self.rec.range(i)?)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'r str> + 'r {
        let c = *self;
        (0..c.len()).map(move |i| c.get(i).unwrap_or(""))
    }
}

/// A row of only empty cells (or spaces).
pub fn is_blank<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    cells.into_iter().all(|c| trim_cell(c).is_empty())
}

/// A total row: the first non-empty cell is 合计, 小计 or 总计 (possibly spaced or followed by ：).
pub fn is_total<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let Some(first) = cells.into_iter().map(trim_cell).find(|c| !c.is_empty()) else {
        return false;
    };
    if !first.starts_with(['合', '小', '总']) {
        return false;
    }
    let squashed: String = first.chars().filter(|c| !c.is_whitespace()).collect();
    ["合计", "小计", "总计"]
        .iter()
        .any(|t| squashed.starts_with(t) && squashed.chars().count() <= 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_header_below_title() {
        let text = "2026年第三季度非法采矿案件统计表\n,,\n案件编号,县市区,发现日期,线索来源\nA1,鹿城区,2026-07-01,巡查发现\n";
        let t = Table::locate(text, FileKind::Cases).unwrap();
        assert_eq!(t.delimiter, b',');
        let mut r = t.records();
        match r.next_rec() {
            Some(Rec::Row { line, cells }) => {
                assert_eq!(line, 4);
                assert_eq!(cells.get(0), Some("A1"));
            }
            _ => panic!("expected a row"),
        }
        assert!(r.next_rec().is_none());
    }

    #[test]
    fn tab_delimited() {
        let text = "案件编号\t县市区\t发现日期\nA1\t鹿城区\t2026-07-01\n";
        let t = Table::locate(text, FileKind::Cases).unwrap();
        assert_eq!(t.delimiter, b'\t');
    }

    #[test]
    fn no_header() {
        assert_eq!(
            Table::locate("a,b,c\n1,2,3\n", FileKind::Cases).err(),
            Some(TableError::NoHeader)
        );
        assert_eq!(
            Table::locate("  \n", FileKind::Cases).err(),
            Some(TableError::Empty)
        );
    }

    #[test]
    fn totals_and_blanks() {
        assert!(is_total(["", "合 计", "12"]));
        assert!(is_total(["总计：", "12"]));
        assert!(!is_total(["A1", "合计"]));
        assert!(is_blank(["", " ", "\u{3000}"]));
        assert!(!is_blank(["", "x"]));
    }
}
