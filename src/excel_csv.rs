//! CSV as Excel reads it: UTF-8 with a BOM, CRLF line ends, and text copied
//! from input neutralised against formula injection (`'` before = + - @).
//! Used by `tables/*.csv` and `tables::rejects_csv`; it sits at the bottom
//! of the pipeline so that no stage reaches into another for it.

use crate::text::{csv_safe, fmt_num};

/// A cell of a CSV we write.
pub enum Cell<'a> {
    /// Text copied from input: prefixed with `'` when it starts with = + - @.
    Text(&'a str),
    /// Text the tool made itself (headers, codes).
    Own(&'a str),
    /// A number the tool computed, written as a plain number.
    Int(i64),
    Num(f64),
}

/// Build CSV bytes for Excel: UTF-8 with BOM, CRLF line ends.
pub struct CsvOut {
    w: csv::Writer<Vec<u8>>,
}

/// The CSV writer of every file: CRLF line ends, for Excel.
fn writer(out: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

impl CsvOut {
    pub fn new(header: &[&str]) -> CsvOut {
        let mut buf = Vec::with_capacity(4096);
        buf.extend_from_slice(b"\xEF\xBB\xBF");
        let mut w = writer(buf);
        // Writing into a Vec cannot fail.
        let _ = w.write_record(header);
        CsvOut { w }
    }

    /// Rows without the BOM and the header, written after what `buf`
    /// holds: a piece of a file whose beginning another `CsvOut` made.
    pub fn rows_into(buf: Vec<u8>) -> CsvOut {
        CsvOut { w: writer(buf) }
    }

    pub fn row(&mut self, cells: &[Cell]) {
        for c in cells {
            let _ = match c {
                Cell::Text(s) => self.w.write_field(csv_safe(s).as_bytes()),
                Cell::Own(s) => self.w.write_field(s),
                Cell::Int(i) => self.w.write_field(i.to_string()),
                Cell::Num(x) => self.w.write_field(fmt_num(*x)),
            };
        }
        let _ = self.w.write_record(None::<&[u8]>);
    }

    /// A record of cells already rendered as text.
    pub fn record(&mut self, cells: &[String]) {
        let _ = self.w.write_record(cells);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_bom_and_neutralises_formulas() {
        let mut c = CsvOut::new(&["a", "b"]);
        c.row(&[Cell::Text("=cmd|' /C calc'!A0"), Cell::Num(-5.0)]);
        let s = String::from_utf8(c.into_bytes()).unwrap();
        assert_eq!(s, "\u{feff}a,b\r\n'=cmd|' /C calc'!A0,-5\r\n");
    }

    #[test]
    fn a_header_and_pieces_of_rows_make_the_same_file() {
        let rows: Vec<Vec<String>> = (0..5000)
            .map(|i| {
                vec![
                    format!("点位{i}"),
                    format!("温公案〔2026〕{i}号"),
                    "a,\"b\"".into(),
                ]
            })
            .collect();
        let header = ["点位", "案件编号", "备注"];
        let mut whole = CsvOut::new(&header);
        for r in &rows {
            whole.record(r);
        }
        let mut parts: Vec<Vec<u8>> = vec![CsvOut::new(&header).into_bytes()];
        for chunk in rows.chunks(333) {
            let mut piece = CsvOut::rows_into(Vec::new());
            for r in chunk {
                piece.record(r);
            }
            parts.push(piece.into_bytes());
        }
        assert!(parts.len() > 10, "{}", parts.len());
        assert!(parts.iter().all(|p| !p.is_empty()));
        assert_eq!(parts.concat(), whole.into_bytes());
    }
}
