//! `tables.xlsx`: every aggregate table, the score tables and the rejected
//! rows as sheets of one workbook, drawn from the same typed tables
//! ([`crate::tables::DataTable`]) as the CSV files.
//!
//! Each sheet: a bold header row, frozen; numbers as numbers with formats
//! (`#,##0.00` for 元, `0.0%` for changes, `0.00%` for rates); column widths
//! from the text (a CJK character counts as two). Output is deterministic:
//! the document's creation date is the issue date and the zip entries carry
//! a fixed timestamp.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

use crate::error::{Error, Result};
use crate::render::typeset::width::text_width;
use crate::tables::{DataTable, Value};

/// A sheet name Excel accepts: no `[]:*?/\`, not blank, at most 31
/// characters, unique among `taken`.
pub fn sheet_name(want: &str, taken: &[String]) -> String {
    let clean: String = want
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let clean = clean.trim_matches('\'').trim().to_string();
    let base: String = if clean.is_empty() {
        "Sheet".into()
    } else {
        clean.chars().take(31).collect()
    };
    let lower = |s: &str| s.to_lowercase();
    if !taken.iter().any(|t| lower(t) == lower(&base)) {
        return base;
    }
    for n in 2.. {
        let suffix = format!("({n})");
        let keep = 31 - suffix.chars().count();
        let cand: String = base.chars().take(keep).collect::<String>() + &suffix;
        if !taken.iter().any(|t| lower(t) == lower(&cand)) {
            return cand;
        }
    }
    base
}

fn xe(what: &str, e: XlsxError) -> Error {
    Error::Other(format!(
        "无法生成 Excel 工作簿（{what}）：{e} / cannot build the xlsx workbook ({what}): {e}"
    ))
}

struct Formats {
    head: Format,
    text: Format,
    int: Format,
    num: Format,
    yuan: Format,
    percent: Format,
    rate: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = || {
            Format::new()
                .set_font_name("宋体")
                .set_font_size(11)
                .set_border(FormatBorder::Thin)
        };
        Formats {
            head: base()
                .set_bold()
                .set_background_color("#F2F2F2")
                .set_align(rust_xlsxwriter::FormatAlign::Center)
                .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter)
                .set_text_wrap(),
            text: base(),
            int: base().set_num_format("0"),
            num: base().set_num_format("General"),
            yuan: base().set_num_format("#,##0.00"),
            percent: base().set_num_format("0.0%"),
            rate: base().set_num_format("0.00%"),
        }
    }
}

fn value_width(v: &Value) -> usize {
    match v {
        Value::Text(s) | Value::Label(s) => text_width(s),
        Value::Int(i) => i.to_string().len(),
        Value::Num(x) => crate::text::fmt_num(*x).len(),
        Value::Yuan(x) => format!("{x:.2}").len() + format!("{x:.0}").len() / 3,
        Value::Percent(_) | Value::Rate(_) => 8,
        Value::Empty => 0,
    }
}

/// Excel's limits: characters in a cell, rows and columns of a sheet.
pub const MAX_CELL_CHARS: usize = 32_767;
pub const MAX_ROWS: usize = 1_048_576;
pub const MAX_COLS: usize = 16_384;

/// Where the whole table can be read when a sheet shows only part of it.
fn csv_of(t: &DataTable) -> String {
    if t.stem == "rejects" {
        "rejects.csv".to_string()
    } else {
        format!("tables/{}.csv", t.stem)
    }
}

/// A text cell within Excel's limit: a longer one is cut, with a note
/// saying where the full text is (one long cell must not lose the workbook).
fn fit_cell<'a>(s: &'a str, csv: &str) -> std::borrow::Cow<'a, str> {
    // Excel counts UTF-16 code units.
    if s.len() <= MAX_CELL_CHARS || s.encode_utf16().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let note = format!("…（超出 Excel 单元格 {MAX_CELL_CHARS} 字符上限，已截断，全文见 {csv}）");
    let room = MAX_CELL_CHARS - note.encode_utf16().count();
    let mut used = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if used + c.len_utf16() > room {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    std::borrow::Cow::Owned(format!("{}{note}", &s[..end]))
}

fn write_sheet(wb: &mut Workbook, t: &DataTable, name: &str, f: &Formats) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(|e| xe(name, e))?;
    let csv = csv_of(t);
    let width = t
        .header
        .len()
        .max(t.rows.iter().map(|r| r.len()).max().unwrap_or(0));
    // Too many columns (a rubric of thousands of indicators): the sheet
    // keeps the first ones and says so in its last column's header.
    let cols = width.min(MAX_COLS);
    let cut_cols = width - cols;
    for (c, h) in t.header.iter().take(cols).enumerate() {
        let h: std::borrow::Cow<str> = if cut_cols > 0 && c + 1 == cols {
            format!("{h}（另有 {cut_cols} 列超出 Excel 列数上限，未列出，全部见 {csv}）").into()
        } else {
            h.into()
        };
        ws.write_string_with_format(0, c as u16, fit_cell(&h, &csv), &f.head)
            .map_err(|e| xe(name, e))?;
    }
    // Too many rows (more than a million rejected rows): the sheet keeps
    // what fits and its last row says how many more are in the CSV.
    let room = MAX_ROWS - 1;
    let (shown, cut_rows) = if t.rows.len() > room {
        (room - 1, t.rows.len() - (room - 1))
    } else {
        (t.rows.len(), 0)
    };
    for (r, row) in t.rows.iter().take(shown).enumerate() {
        let r = (r + 1) as u32;
        for (c, v) in row.iter().take(cols).enumerate() {
            let c = c as u16;
            let res = match v {
                Value::Text(s) | Value::Label(s) => {
                    ws.write_string_with_format(r, c, fit_cell(s, &csv), &f.text)
                }
                Value::Int(i) => ws.write_number_with_format(r, c, *i as f64, &f.int),
                Value::Num(x) => ws.write_number_with_format(r, c, *x, &f.num),
                Value::Yuan(x) => ws.write_number_with_format(r, c, *x, &f.yuan),
                Value::Percent(x) => ws.write_number_with_format(r, c, *x / 100.0, &f.percent),
                Value::Rate(x) => ws.write_number_with_format(r, c, *x, &f.rate),
                Value::Empty => ws.write_blank(r, c, &f.text),
            };
            res.map_err(|e| xe(name, e))?;
        }
    }
    if cut_rows > 0 {
        let note = format!(
            "……另有 {cut_rows} 行超出 Excel 工作表 {MAX_ROWS} 行上限，未列出，全部见 {csv}"
        );
        ws.write_string_with_format((shown + 1) as u32, 0, &note, &f.text)
            .map_err(|e| xe(name, e))?;
    }
    ws.set_freeze_panes(1, 0).map_err(|e| xe(name, e))?;
    for c in 0..cols {
        let head = t.header.get(c).map(|h| text_width(h)).unwrap_or(0);
        let body = t
            .rows
            .iter()
            .take(shown)
            .filter_map(|r| r.get(c))
            .map(value_width)
            .max()
            .unwrap_or(0);
        let w = (head.max(body) + 2).clamp(6, 60);
        ws.set_column_width(c as u16, w as f64)
            .map_err(|e| xe(name, e))?;
    }
    Ok(())
}

/// The workbook: one sheet per table, in order. `issued` becomes the
/// document's creation date (no wall clock in the file).
pub fn workbook(tables: &[DataTable], title: &str, issued: NaiveDate) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(
        issued.year().clamp(1900, 9999) as u16,
        issued.month() as u8,
        issued.day() as u8,
    )
    .map_err(|e| xe("date", e))?;
    let props = DocProperties::new()
        .set_title(title)
        .set_author("minebrief")
        .set_creation_datetime(&date);
    wb.set_properties(&props);
    let f = Formats::new();
    let mut taken: Vec<String> = Vec::new();
    for t in tables {
        let name = sheet_name(&t.sheet, &taken);
        write_sheet(&mut wb, t, &name, &f)?;
        taken.push(name);
    }
    if tables.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer().map_err(|e| xe("save", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = vec![];
        let a = sheet_name("县市区/违法类型", &taken);
        assert_eq!(a, "县市区_违法类型");
        taken.push(a);
        let long = "一".repeat(40);
        let b = sheet_name(&long, &taken);
        assert_eq!(b.chars().count(), 31);
        taken.push(b.clone());
        let c = sheet_name(&long, &taken);
        assert_eq!(c.chars().count(), 31);
        assert!(c.ends_with("(2)"));
        assert_eq!(sheet_name("", &[]), "Sheet");
    }

    fn open_sheet(bytes: &[u8], n: usize) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut f = z.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).unwrap();
        s
    }

    fn shared_strings(bytes: &[u8]) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut f = z.by_name("xl/sharedStrings.xml").unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).unwrap();
        s
    }

    #[test]
    fn a_cell_over_the_limit_is_clipped_with_a_note() {
        let mut t = DataTable::new("scores_unit", "单位得分", &["单位", "超期案件"]);
        let long = "案".repeat(40_000);
        t.row(vec![Value::Label("公安".into()), Value::Text(long)]);
        let mut ok = DataTable::new("totals", "总体情况", &["a"]);
        ok.row(vec![Value::Int(7)]);
        let d = NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
        let bytes = workbook(&[t, ok], "t", d).unwrap();
        let ss = shared_strings(&bytes);
        assert!(ss.contains("全文见 tables/scores_unit.csv"), "note missing");
        let cell = ss
            .split("<t>")
            .find(|x| x.starts_with('案'))
            .unwrap()
            .split("</t>")
            .next()
            .unwrap();
        assert_eq!(cell.encode_utf16().count(), MAX_CELL_CHARS);
        assert!(open_sheet(&bytes, 2).contains("<v>7</v>"));
    }

    #[test]
    fn rows_and_columns_over_the_sheet_limits_are_capped_with_a_note() {
        let mut t = DataTable::new("rejects", "被拒行", &["line"]);
        for i in 0..(MAX_ROWS + 5) {
            t.row(vec![Value::Int(i as i64)]);
        }
        let header: Vec<String> = (0..MAX_COLS + 3).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
        let mut w = DataTable::new("scores_unit", "单位得分", &refs);
        w.row((0..MAX_COLS + 3).map(|i| Value::Int(i as i64)).collect());
        let d = NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
        let bytes = workbook(&[t, w], "t", d).unwrap();
        let ss = shared_strings(&bytes);
        // 1,048,574 rows shown, the last row is the note: 7 more.
        assert!(
            ss.contains("另有 7 行超出 Excel 工作表 1048576 行上限"),
            "row note"
        );
        assert!(ss.contains("另有 3 列超出 Excel 列数上限"), "column note");
        let s1 = open_sheet(&bytes, 1);
        assert!(s1.contains("<v>1048573</v>"));
        assert!(!s1.contains("<v>1048574</v>"));
    }

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(text_width("abc"), 3);
        // 罚 款 元 count two each, the brackets one each
        assert_eq!(text_width("罚款(元)"), 8);
    }
}
