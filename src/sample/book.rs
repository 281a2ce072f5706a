//! Workbook case exports for the sample data: the rows a unit's export
//! would have held as CSV, written as an Excel workbook instead — `.xlsx`
//! (`rust_xlsxwriter`) split over two sheets, or `.xls`, the Excel 97–2003
//! binary format older case systems still hand out.
//!
//! Why `.xls` is written here by hand: no maintained Rust crate writes BIFF8.
//! The container is a compound file (`cfb` crate); the `Workbook` stream
//! inside it is the smallest record set Excel, LibreOffice, xlrd and
//! calamine accept ([MS-XLS]): globals (BOF, CODEPAGE = UTF-16, WINDOW1,
//! five FONTs, sixteen style XFs and one cell XF, STYLE, one BOUNDSHEET per
//! sheet, EOF) and per sheet (BOF, DIMENSIONS, WINDOW2, one LABEL or NUMBER
//! record per cell, EOF). Strings are stored as UTF-16 in LABEL records (no
//! shared-string table, no CONTINUE records: a cell is at most 255
//! characters, as in Excel 97).
//!
//! Both writers are deterministic: fixed document dates, no clock.

use std::io::{Cursor, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Which workbook format a unit's export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BookKind {
    Xlsx,
    Xls,
}

/// One sheet: its tab name and its rows of cells (text as the export holds it).
pub(super) struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The header row: the first row of more than one cell (a title row has one).
    fn header(&self) -> &[String] {
        self.rows.iter().find(|r| r.len() > 1).map_or(&[], |r| r)
    }
}

/// Rows per sheet: Excel 97 holds 65,536 rows, Excel 2007 1,048,576; an
/// export larger than that continues on another sheet, as the exporting
/// systems do.
fn max_rows(kind: BookKind) -> usize {
    match kind {
        BookKind::Xls => 65_536,
        BookKind::Xlsx => 1_048_576,
    }
}

/// Lay an export's rows out on sheets. `head` rows (an optional title row
/// and the header row, the header last) open the first sheet; every further
/// sheet repeats the header row. An `.xlsx` export is split in two halves
/// (`案件台账`, `案件台账（续）`) as a unit that exports month by month
/// would hand it in; any sheet over the format's row limit continues on a
/// next one.
pub(super) fn sheets(kind: BookKind, rows: Vec<Vec<String>>, head: usize) -> Vec<Sheet> {
    let head = head.clamp(1, rows.len().max(1));
    let mut rows = rows.into_iter();
    let first_head: Vec<Vec<String>> = rows.by_ref().take(head).collect();
    let header = first_head.last().cloned().unwrap_or_default();
    let data: Vec<Vec<String>> = rows.collect();
    let halves = if kind == BookKind::Xlsx && data.len() >= 2 {
        2
    } else {
        1
    };
    let mut chunks: Vec<Vec<Vec<String>>> = Vec::new();
    let half = data.len().div_ceil(halves);
    let mut data = data.into_iter();
    for i in 0..halves {
        let take = if i + 1 == halves { usize::MAX } else { half };
        let mut part: Vec<Vec<String>> = data.by_ref().take(take).collect();
        // every sheet after the first starts with the header row again
        let lead = if i == 0 { first_head.len() } else { 1 };
        let room = max_rows(kind) - lead;
        let mut first = true;
        loop {
            let rest = if part.len() > room {
                part.split_off(room)
            } else {
                Vec::new()
            };
            let mut sheet_rows = if i == 0 && first {
                first_head.clone()
            } else {
                vec![header.clone()]
            };
            sheet_rows.append(&mut part);
            chunks.push(sheet_rows);
            first = false;
            if rest.is_empty() {
                break;
            }
            part = rest;
        }
    }
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, rows)| Sheet {
            name: match i {
                0 => "案件台账".to_string(),
                1 => "案件台账（续）".to_string(),
                n => format!("案件台账（续{n}）"),
            },
            rows,
        })
        .collect()
}

/// Write the sheets to `path`; returns the bytes written.
pub(super) fn write(path: &Path, kind: BookKind, sheets: &[Sheet]) -> Result<u64> {
    let bytes = match kind {
        BookKind::Xlsx => xlsx(sheets).map_err(|e| Error::io(path, std::io::Error::other(e)))?,
        BookKind::Xls => xls(sheets).map_err(|e| Error::io(path, e))?,
    };
    std::fs::write(path, &bytes).map_err(|e| Error::io(path, e))?;
    Ok(bytes.len() as u64)
}

/// A cell that Excel would hold as a number: the 序号 column.
fn as_number(col: usize, header: &[String], cell: &str) -> Option<f64> {
    let is_seq = header.get(col).is_some_and(|h| h.trim() == "序号");
    if !is_seq || cell.is_empty() || cell.len() > 9 || !cell.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    cell.parse::<u32>().ok().map(f64::from)
}

fn xlsx(sheets: &[Sheet]) -> std::result::Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 1, 1).map_err(|e| e.to_string())?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).map_err(|e| e.to_string())?;
        let header = sheet.header();
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|e| e.to_string())?;
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let c = u16::try_from(c).map_err(|e| e.to_string())?;
                match as_number(c as usize, header, cell) {
                    Some(n) => ws.write_number(r, c, n),
                    None => ws.write_string(r, c, cell),
                }
                .map_err(|e| e.to_string())?;
            }
        }
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------
// BIFF8
// ---------------------------------------------------------------------------

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

/// BOF of the globals (`dt` 0x0005) or of a worksheet (0x0010).
fn bof(out: &mut Vec<u8>, dt: u16) {
    let mut d = Vec::with_capacity(16);
    d.extend_from_slice(&0x0600u16.to_le_bytes()); // BIFF8
    d.extend_from_slice(&dt.to_le_bytes());
    d.extend_from_slice(&0x0DBBu16.to_le_bytes()); // build
    d.extend_from_slice(&0x07CCu16.to_le_bytes()); // year
    d.extend_from_slice(&0u32.to_le_bytes());
    d.extend_from_slice(&6u32.to_le_bytes()); // lowest BIFF version: 8
    record(out, 0x0809, &d);
}

/// Cell text as BIFF8 stores it: UTF-16LE, at most 255 characters.
fn utf16(s: &str) -> (usize, Vec<u8>) {
    let units: Vec<u16> = s.encode_utf16().take(255).collect();
    let bytes = units.iter().flat_map(|u| u.to_le_bytes()).collect();
    (units.len(), bytes)
}

/// The XF index of the one cell format (after the sixteen style XFs).
const CELL_XF: u16 = 15;

fn globals(sheets: &[Sheet], sheet_at: &[u32]) -> Vec<u8> {
    let mut g = Vec::new();
    bof(&mut g, 0x0005);
    record(&mut g, 0x0042, &1200u16.to_le_bytes()); // CODEPAGE: UTF-16
                                                    // WINDOW1: position and size of the window, first tab active
    record(
        &mut g,
        0x003D,
        &[
            0xE0, 0x01, 0x5A, 0x00, 0xCF, 0x3F, 0x4E, 0x2A, 0x38, 0x00, 0, 0, 0, 0, 1, 0, 0x58,
            0x02,
        ],
    );
    // FONT ×5 (index 4 is skipped by readers): 宋体 12 pt
    let (n, name) = utf16("宋体");
    for _ in 0..5 {
        let mut d = vec![
            0xF0, 0x00, 0x00, 0x00, 0xFF, 0x7F, 0x90, 0x01, 0, 0, 0, 0, 0x86, 0,
        ];
        d.push(n as u8);
        d.push(1); // UTF-16
        d.extend_from_slice(&name);
        record(&mut g, 0x0031, &d);
    }
    // XF: fifteen style XFs, then the Normal cell XF
    let style = [
        0, 0, 0, 0, 0xF5, 0xFF, 0x20, 0, 0, 0xF4, 0, 0, 0, 0, 0, 0, 0, 0, 0xC0, 0x20,
    ];
    for _ in 0..15 {
        record(&mut g, 0x00E0, &style);
    }
    let cell = [
        0, 0, 0, 0, 0x01, 0x00, 0x20, 0, 0, 0xF8, 0, 0, 0, 0, 0, 0, 0, 0, 0xC0, 0x20,
    ];
    record(&mut g, 0x00E0, &cell);
    record(&mut g, 0x0293, &[0x00, 0x80, 0x00, 0xFF]); // STYLE: built-in Normal
    for (sheet, &at) in sheets.iter().zip(sheet_at) {
        let (n, name) = utf16(&sheet.name);
        let mut d = Vec::with_capacity(8 + name.len());
        d.extend_from_slice(&at.to_le_bytes());
        d.push(0); // visible
        d.push(0); // worksheet
        d.push(n as u8);
        d.push(1); // UTF-16
        d.extend_from_slice(&name);
        record(&mut g, 0x0085, &d);
    }
    record(&mut g, 0x000A, &[]);
    g
}

fn worksheet(sheet: &Sheet) -> Vec<u8> {
    let mut s = Vec::new();
    bof(&mut s, 0x0010);
    let rows = sheet.rows.len() as u32;
    let cols = sheet.rows.iter().map(|r| r.len()).max().unwrap_or(0) as u16;
    let mut d = Vec::with_capacity(14);
    d.extend_from_slice(&0u32.to_le_bytes());
    d.extend_from_slice(&rows.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&cols.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    record(&mut s, 0x0200, &d); // DIMENSIONS
    record(
        &mut s,
        0x023E,
        &[
            0xB6, 0x02, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
    ); // WINDOW2: gridlines, row and column headings
    let header = sheet.header();
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let mut d = Vec::with_capacity(16);
            d.extend_from_slice(&(r as u16).to_le_bytes());
            d.extend_from_slice(&(c as u16).to_le_bytes());
            d.extend_from_slice(&CELL_XF.to_le_bytes());
            match as_number(c, header, cell) {
                Some(n) => {
                    d.extend_from_slice(&n.to_le_bytes());
                    record(&mut s, 0x0203, &d); // NUMBER
                }
                None => {
                    let (n, text) = utf16(cell);
                    d.extend_from_slice(&(n as u16).to_le_bytes());
                    d.push(1); // UTF-16
                    d.extend_from_slice(&text);
                    record(&mut s, 0x0204, &d); // LABEL
                }
            }
        }
    }
    record(&mut s, 0x000A, &[]);
    s
}

fn xls(sheets: &[Sheet]) -> std::io::Result<Vec<u8>> {
    // the globals' length does not depend on the offsets it records
    let bodies: Vec<Vec<u8>> = sheets.iter().map(worksheet).collect();
    let head_len = globals(sheets, &vec![0; sheets.len()]).len();
    let mut at = Vec::with_capacity(sheets.len());
    let mut pos = head_len;
    for b in &bodies {
        at.push(u32::try_from(pos).map_err(std::io::Error::other)?);
        pos += b.len();
    }
    let mut stream = globals(sheets, &at);
    for b in &bodies {
        stream.extend_from_slice(b);
    }
    // version 3 (512-byte sectors), as Excel writes: readers such as xlrd
    // take nothing else
    let mut cfb =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    {
        let mut w = cfb.create_stream("/Workbook")?;
        w.write_all(&stream)?;
    }
    // the root entry is stamped with the clock: give it a fixed date
    let epoch = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_225_600);
    cfb.set_created_time("/", epoch)?;
    cfb.set_modified_time("/", epoch)?;
    cfb.flush()?;
    Ok(cfb.into_inner().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<Vec<String>> {
        let mut v = vec![
            vec!["标题".to_string()],
            vec!["序号".into(), "案件编号".into()],
        ];
        v.extend((1..=n).map(|i| vec![i.to_string(), format!("A-{i}")]));
        v
    }

    #[test]
    fn xlsx_exports_split_in_two_sheets_each_with_the_header() {
        let s = sheets(BookKind::Xlsx, rows(5), 2);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "案件台账");
        assert_eq!(s[1].name, "案件台账（续）");
        // title + header + 3 rows; header + 2 rows
        assert_eq!(s[0].rows.len(), 5);
        assert_eq!(s[1].rows.len(), 3);
        assert_eq!(
            s[1].rows[0],
            vec!["序号".to_string(), "案件编号".to_string()]
        );
        assert_eq!(s[1].rows[2][1], "A-5");
    }

    #[test]
    fn xls_sheets_stop_at_65536_rows() {
        let s = sheets(BookKind::Xls, rows(70_000), 2);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].rows.len(), 65_536);
        // 70,000 data rows: 65,534 on the first sheet, the rest after a header
        assert_eq!(s[1].rows.len(), 1 + 70_000 - 65_534);
        assert_eq!(s[1].name, "案件台账（续）");
    }

    #[test]
    fn xls_bytes_are_the_same_every_time() {
        let s = sheets(BookKind::Xls, rows(3), 2);
        let a = xls(&s).unwrap();
        let b = xls(&s).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..8], &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    }
}
