//! Reading decoded CSV text: delimiter, title rows, the header row, and the
//! records below it with their physical line numbers.

use super::headers::{map_header, HeaderMap};
use super::text::trim_cell;
use crate::model::FileKind;

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
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quoting(true)
        .double_quote(true)
        .from_reader(text.as_bytes())
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
        }
    }
}

pub struct Records<'a> {
    rdr: csv::Reader<&'a [u8]>,
    /// Raw cells: the text is valid UTF-8 and the reader splits only at
    /// ASCII bytes, so every cell is valid UTF-8 too (`cell` checks again).
    rec: csv::ByteRecord,
    text: &'a [u8],
    /// Physical line numbers are counted from the record's byte offset (the
    /// CSV reader's own line counter does not count line breaks inside
    /// quoted cells).
    counted_to: usize,
    line: u64,
}

/// One record: its starting physical line (1-based) and cells, or a read error.
pub enum Rec<'r> {
    Row {
        line: u64,
        cells: &'r csv::ByteRecord,
    },
    Error {
        line: u64,
        message: String,
    },
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

    /// The next record, borrowing an internal buffer.
    pub fn next_rec(&mut self) -> Option<Rec<'_>> {
        match self.rdr.read_byte_record(&mut self.rec) {
            Ok(true) => {
                let byte = self.rec.position().map(|p| p.byte()).unwrap_or(0);
                let line = self.line_at(byte);
                Some(Rec::Row {
                    line,
                    cells: &self.rec,
                })
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
                    message: e.to_string(),
                })
            }
        }
    }
}

/// A cell as text (fast UTF-8 check; a cell of the decoded text always passes).
pub fn cell(b: &[u8]) -> &str {
    simdutf8::basic::from_utf8(b).unwrap_or("\u{FFFD}")
}

/// A row of only empty cells (or spaces).
pub fn is_blank(cells: &csv::ByteRecord) -> bool {
    cells.iter().all(|c| trim_cell(cell(c)).is_empty())
}

/// A total row: the first non-empty cell is 合计, 小计 or 总计 (possibly spaced or followed by ：).
pub fn is_total(cells: &csv::ByteRecord) -> bool {
    let Some(first) = cells
        .iter()
        .map(|c| trim_cell(cell(c)))
        .find(|c| !c.is_empty())
    else {
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
                assert_eq!(&cells[0], b"A1");
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
        let r = |s: &[&str]| csv::ByteRecord::from(s.to_vec());
        assert!(is_total(&r(&["", "合 计", "12"])));
        assert!(is_total(&r(&["总计：", "12"])));
        assert!(!is_total(&r(&["A1", "合计"])));
        assert!(is_blank(&r(&["", " ", "\u{3000}"])));
        assert!(!is_blank(&r(&["", "x"])));
    }
}
