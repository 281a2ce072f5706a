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
use crate::tables::{DataTable, Value};

fn wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Display width of a text in Excel character units (CJK count double).
pub fn text_width(s: &str) -> usize {
    s.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()
}

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
        Value::Num(x) => crate::output::fmt_num(*x).len(),
        Value::Yuan(x) => format!("{x:.2}").len() + format!("{x:.0}").len() / 3,
        Value::Percent(_) | Value::Rate(_) => 8,
        Value::Empty => 0,
    }
}

fn write_sheet(wb: &mut Workbook, t: &DataTable, name: &str, f: &Formats) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(|e| xe(name, e))?;
    for (c, h) in t.header.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, h, &f.head)
            .map_err(|e| xe(name, e))?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            let res = match v {
                Value::Text(s) | Value::Label(s) => ws.write_string_with_format(r, c, s, &f.text),
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
    ws.set_freeze_panes(1, 0).map_err(|e| xe(name, e))?;
    let cols = t
        .header
        .len()
        .max(t.rows.iter().map(|r| r.len()).max().unwrap_or(0));
    for c in 0..cols {
        let head = t.header.get(c).map(|h| text_width(h)).unwrap_or(0);
        let body = t
            .rows
            .iter()
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

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(text_width("abc"), 3);
        // 罚 款 元 count two each, the brackets one each
        assert_eq!(text_width("罚款(元)"), 8);
    }
}
