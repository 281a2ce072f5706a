//! Reading decoded CSV text: delimiter, title rows, the header row, and the
//! records below it ([`Records`], in `records`), and which rows are blank or
//! totals.

use super::headers::{map_header, HeaderMap};
use super::records::reader_bytes;
pub use super::records::{Cells, Rec, Records};
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
                // A header further down than the best one so far cannot
                // win: the records below it are not read for this
                // delimiter (they were 29 of the 30 read for the second
                // and third delimiter of every file).
                if best.as_ref().is_some_and(|(_, t)| i > t.header_record) {
                    break;
                }
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
        Records::new(
            self.text,
            self.delimiter,
            self.header_record + 1,
            self.header.width,
        )
    }

    /// The records below the header in two halves that read as
    /// [`Table::records`] does, one after the other (the same records,
    /// lines and errors): split at the first line break past the middle of
    /// the records' text, when that text is at least `min` bytes and holds
    /// no quote before the split (so no quoted cell, which may hold line
    /// breaks, crosses it). `None` otherwise. Two halves are read on two
    /// cores: the last file of a folder was read on one while the other
    /// had nothing left to do.
    pub fn halves(&self, min: usize) -> Option<(Records<'a>, Records<'a>)> {
        let start = self.records().position()?;
        let text = self.text.as_bytes();
        let len = text.len().checked_sub(start)?;
        if len < min {
            return None;
        }
        let mid = start + len / 2;
        let split = mid + memchr::memchr(b'\n', &text[mid..])? + 1;
        if split >= text.len() || memchr::memchr(b'"', &text[start..split]).is_some() {
            return None;
        }
        let first = Records::new(
            self.text.get(..split)?,
            self.delimiter,
            self.header_record + 1,
            self.header.width,
        );
        let second = Records::from_line(self.text, self.delimiter, self.header.width, split);
        Some((first, second))
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
    use crate::ingest::records::all;
    use rand::{Rng, SeedableRng};

    /// The two halves read one after the other give the records the whole
    /// does (cells, physical lines, errors), on random files with title
    /// rows, blank lines, CRLF and lone CR line ends, short and long rows,
    /// and quotes (before the split, which must refuse it, or after it);
    /// and a text smaller than the minimum, or with no line break past its
    /// middle, is not split.
    #[test]
    fn halves_read_as_the_whole() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        let cells = [
            "A1",
            "鹿城区",
            "",
            " x ",
            "2026-07-01",
            "合计",
            "\"q,\"",
            "\"a\nb\"",
        ];
        let ends = ["\n", "\r\n", "\n\n", "\r"];
        let (mut split, mut refused) = (0, 0);
        for round in 0..3000 {
            let mut text = String::new();
            if round % 3 == 0 {
                text.push_str("2026年第三季度统计表\n");
            }
            text.push_str("案件编号,县市区,发现日期,线索来源\n");
            for _ in 0..rng.gen_range(0..40) {
                let n = if rng.gen_range(0..10) == 0 {
                    rng.gen_range(1..7)
                } else {
                    4
                };
                let row: Vec<&str> = (0..n)
                    .map(|_| {
                        let k = rng.gen_range(0..cells.len());
                        // Quotes only now and then, so that most files split.
                        if k >= 6 && rng.gen_range(0..40) != 0 {
                            cells[0]
                        } else {
                            cells[k]
                        }
                    })
                    .collect();
                text.push_str(&row.join(","));
                text.push_str(
                    ends[if rng.gen_range(0..6) == 0 {
                        rng.gen_range(1..4)
                    } else {
                        0
                    }],
                );
            }
            let t = Table::locate(&text, FileKind::Cases).unwrap();
            match t.halves(0) {
                Some((first, second)) => {
                    split += 1;
                    let mut two = all(first);
                    two.extend(all(second));
                    assert_eq!(two, all(t.records()), "{text:?}");
                }
                None => refused += 1,
            }
        }
        assert!(
            split > 1000 && refused > 100,
            "{split} split, {refused} not"
        );
        let text = "案件编号,县市区,发现日期\nA1,鹿城区,2026-07-01\nA2,鹿城区,2026-07-02\nA3,鹿城区,2026-07-03\n";
        let t = Table::locate(text, FileKind::Cases).unwrap();
        assert!(t.halves(text.len()).is_none());
        let (a, b) = t.halves(0).unwrap();
        let lines = |r: Vec<(u64, Result<Vec<String>, String>)>| -> Vec<u64> {
            r.into_iter().map(|(l, _)| l).collect()
        };
        assert_eq!((lines(all(a)), lines(all(b))), (vec![2, 3], vec![4]));
        let one = "案件编号,县市区,发现日期\nA1,鹿城区,2026-07-01";
        assert!(Table::locate(one, FileKind::Cases)
            .unwrap()
            .halves(0)
            .is_none());
    }

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
    fn an_earlier_header_or_more_known_columns_wins() {
        // Semicolons name the columns on line 1, commas only on line 3.
        let text = "案件编号;县市区;发现日期;线索来源\n标题\n案件编号,县市区,发现日期\nA1;鹿城区;2026-07-01;巡查发现\n";
        let t = Table::locate(text, FileKind::Cases).unwrap();
        assert_eq!((t.delimiter, t.header_record), (b';', 0));
        // The same line: three known columns with commas, four with semicolons.
        let text = "案件编号,县市区,发现日期,线索来源;违法类型;立案日期;结案日期;办理状态\nA1,鹿城区,2026-07-01,x\n";
        let t = Table::locate(text, FileKind::Cases).unwrap();
        assert_eq!((t.delimiter, t.header_record), (b';', 0));
        // Commas on line 1 win over semicolons on line 2.
        let text = "案件编号,县市区,发现日期\n案件编号;县市区;发现日期;线索来源;违法类型\n";
        let t = Table::locate(text, FileKind::Cases).unwrap();
        assert_eq!((t.delimiter, t.header_record), (b',', 0));
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
