//! Writing files: atomic writes, CSV for Excel (UTF-8 with BOM, formula
//! cells neutralised), and replacing an output folder as a whole.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::ingest::text::csv_safe;
use crate::model::Reject;

/// Write a file under a temporary name in the same folder, then rename it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.as_os_str().is_empty() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

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

impl CsvOut {
    pub fn new(header: &[&str]) -> CsvOut {
        let mut buf = Vec::with_capacity(4096);
        buf.extend_from_slice(b"\xEF\xBB\xBF");
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(buf);
        // Writing into a Vec cannot fail.
        let _ = w.write_record(header);
        CsvOut { w }
    }

    pub fn row(&mut self, cells: &[Cell]) {
        let rec: Vec<String> = cells
            .iter()
            .map(|c| match c {
                Cell::Text(s) => csv_safe(s).into_owned(),
                Cell::Own(s) => s.to_string(),
                Cell::Int(i) => i.to_string(),
                Cell::Num(x) => fmt_num(*x),
            })
            .collect();
        let _ = self.w.write_record(&rec);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner().unwrap_or_default()
    }
}

/// A number as plain text: integers without a decimal point, others with
/// up to four decimals and no trailing zeros.
pub fn fmt_num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// rejects.csv: file, line, field, value, code, message, message_en.
pub fn rejects_csv(rejects: &[Reject]) -> Vec<u8> {
    let mut out = CsvOut::new(&[
        "file",
        "line",
        "field",
        "value",
        "code",
        "message",
        "message_en",
    ]);
    for r in rejects {
        out.row(&[
            Cell::Text(&r.file),
            Cell::Int(r.line as i64),
            Cell::Own(&r.field),
            Cell::Text(&r.value),
            Cell::Own(r.code),
            Cell::Text(&r.message),
            Cell::Text(&r.message_en),
        ]);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(1234.5), "1234.5");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(-0.0), "0");
    }

    #[test]
    fn csv_has_bom_and_neutralises_formulas() {
        let mut c = CsvOut::new(&["a", "b"]);
        c.row(&[Cell::Text("=cmd|' /C calc'!A0"), Cell::Num(-5.0)]);
        let s = String::from_utf8(c.into_bytes()).unwrap();
        assert_eq!(s, "\u{feff}a,b\r\n'=cmd|' /C calc'!A0,-5\r\n");
    }
}
