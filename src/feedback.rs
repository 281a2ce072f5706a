//! 数据质量反馈单: one workbook per member unit that the office can forward
//! unchanged — the unit's rejected rows of the report quarter (file, row,
//! field, the value as sent, what to fix in plain Chinese) or a note that
//! its case export is missing. Today the office sorts rejects.csv by
//! department and writes each one by hand.
//!
//! Which rows: rejections in the report quarter's folder (earlier folders
//! were fed back in their own quarter). Whose: the unit of the file (its
//! 填报单位 column or its name); rows of a file that names no single unit
//! (a ledger of several units, referrals.csv …) go to one extra workbook,
//! `未能归属单位.xlsx`, for the office itself. A unit counts as having
//! reported when a case file of the quarter is its own (a header-only file
//! is a 零报告 and counts) or a case of the quarter carries its name.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::config::names::Resolver;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::ingest::headers::fields_of;
use crate::ingest::unit_from_file_name;
use crate::model::{Dataset, FileKind, Reject};
use crate::quarter::Quarter;

/// File name of the workbook for rows no unit can be named for.
pub const UNATTRIBUTED: &str = "未能归属单位";

/// Most rows one feedback sheet lists (Excel's limit is 1,048,576); the
/// rest are counted in a note (rejects.csv holds every row).
pub const MAX_ROWS: usize = 100_000;

/// The feedback of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFeedback {
    /// Canonical unit name, or [`UNATTRIBUTED`].
    pub unit: String,
    /// The name printed on the sheet (规范简称 when configured).
    pub display: String,
    /// No case export of the quarter.
    pub missing_export: bool,
    pub rejects: Vec<Reject>,
}

/// Who gets feedback for `quarter`: every unit with rejected rows in that
/// quarter's folder or without a case export, in configuration order, then
/// the unattributed rows.
pub fn collect(ds: &Dataset, cfg: &Config, quarter: Quarter) -> Vec<UnitFeedback> {
    let resolver = Resolver::new(cfg);
    let in_quarter = |path: &str| {
        ds.files
            .iter()
            .find(|f| f.path == path)
            .is_some_and(|f| f.quarter == Some(quarter))
    };
    // The unit of each input file of the quarter, by its path.
    let unit_of = |path: &str| -> Option<String> {
        let f = ds.files.iter().find(|f| f.path == path)?;
        if let Some(u) = &f.unit {
            return Some(u.clone());
        }
        if f.kind != FileKind::Cases {
            return None;
        }
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        let name = name.split('#').next().unwrap_or(name);
        unit_from_file_name(&resolver, name).map(|u| resolver.units.name(u16::from(u)).to_string())
    };
    let mut per_unit: Vec<Vec<Reject>> = vec![Vec::new(); cfg.units.len()];
    let mut unattributed = Vec::new();
    for r in ds.rejects.iter().filter(|r| in_quarter(&r.file)) {
        match unit_of(&r.file).and_then(|u| cfg.units.iter().position(|x| x.name == u)) {
            Some(i) => per_unit[i].push(r.clone()),
            None => unattributed.push(r.clone()),
        }
    }
    let missing = crate::analysis::reporting::missing_exports(ds, cfg, quarter);
    let mut out = Vec::new();
    for (u, rejects) in cfg.units.iter().zip(per_unit) {
        let missing_export = missing.contains(&u.name);
        if missing_export || !rejects.is_empty() {
            out.push(UnitFeedback {
                unit: u.name.clone(),
                display: u.full_name.clone().unwrap_or_else(|| u.name.clone()),
                missing_export,
                rejects,
            });
        }
    }
    if !unattributed.is_empty() {
        out.push(UnitFeedback {
            unit: UNATTRIBUTED.into(),
            display: "（文件未能确定填报单位）".into(),
            missing_export: false,
            rejects: unattributed,
        });
    }
    out
}

fn xe(what: &str, e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Other(format!(
        "无法生成反馈单（{what}）：{e} / cannot build the feedback sheet ({what}): {e}"
    ))
}

/// The Chinese header of a rejected field, by the kind of its file.
fn field_label(ds: &Dataset, r: &Reject) -> String {
    if r.field.is_empty() {
        return "（整行）".into();
    }
    let kind = ds
        .files
        .iter()
        .find(|f| f.path == r.file)
        .map_or(FileKind::Cases, |f| f.kind);
    fields_of(kind)
        .iter()
        .find(|f| f.id == r.field)
        .map_or_else(|| r.field.to_string(), |f| f.header.to_string())
}

/// Text as an Excel cell holds it: at most 32,767 characters, and `'`
/// before what a spreadsheet would read as a formula.
fn cell(s: &str) -> String {
    let s = crate::text::csv_safe(s);
    match s.char_indices().nth(32_000) {
        None => s.into_owned(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

/// One unit's feedback workbook. `issued` is the document's date (no wall
/// clock in the file, so the same inputs give the same bytes).
pub fn workbook(
    ds: &Dataset,
    fb: &UnitFeedback,
    quarter: Quarter,
    office: &str,
    issued: NaiveDate,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(
        issued.year().clamp(1900, 9999) as u16,
        issued.month() as u8,
        issued.day() as u8,
    )
    .map_err(|e| xe("date", e))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{}数据质量反馈单（{}）",
                quarter.chinese(),
                fb.display
            ))
            .set_author("minebrief")
            .set_creation_datetime(&date),
    );
    let base = || Format::new().set_font_name("宋体").set_font_size(11);
    let title = base()
        .set_font_size(18)
        .set_bold()
        .set_align(FormatAlign::Center);
    let sub = base().set_align(FormatAlign::Center);
    let para = base().set_text_wrap().set_align(FormatAlign::Top);
    let head = base()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#F2F2F2")
        .set_align(FormatAlign::Center);
    let body = base()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let num = body.clone().set_num_format("0");

    let ws = wb.add_worksheet();
    ws.set_name("反馈单").map_err(|e| xe("sheet", e))?;
    let widths = [6.0, 34.0, 8.0, 16.0, 28.0, 60.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)
            .map_err(|e| xe("width", e))?;
    }
    let last = (widths.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, "数据质量反馈单", &title)
        .map_err(|e| xe("title", e))?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!("{} · {}", quarter.chinese(), fb.display),
        &sub,
    )
    .map_err(|e| xe("subtitle", e))?;
    let mut lead = String::new();
    if fb.missing_export {
        lead.push_str("本季度未收到贵单位的案件台账（无案件也请报送仅含表头的零报告）。");
    }
    if !fb.rejects.is_empty() {
        lead.push_str(&format!(
            "贵单位报送的数据中有{}行未能入库，请按下表逐行核对修改后重新报送。",
            fb.rejects.len()
        ));
    }
    ws.merge_range(2, 0, 2, last, &lead, &para)
        .map_err(|e| xe("lead", e))?;
    ws.set_row_height(2, 36.0).map_err(|e| xe("row", e))?;
    let mut row = 3u32;
    if !fb.rejects.is_empty() {
        row += 1;
        for (c, h) in ["序号", "文件", "行号", "字段", "报送的值", "问题及修改要求"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(row, c as u16, *h, &head)
                .map_err(|e| xe("head", e))?;
        }
        ws.set_freeze_panes(row + 1, 0)
            .map_err(|e| xe("freeze", e))?;
        for (i, r) in fb.rejects.iter().take(MAX_ROWS).enumerate() {
            row += 1;
            let line = if r.line == 0 {
                "（整个文件）".to_string()
            } else {
                r.line.to_string()
            };
            ws.write_number_with_format(row, 0, (i + 1) as f64, &num)
                .map_err(|e| xe("row", e))?;
            ws.write_string_with_format(row, 1, cell(&r.file), &body)
                .map_err(|e| xe("row", e))?;
            if r.line == 0 {
                ws.write_string_with_format(row, 2, &line, &body)
            } else {
                ws.write_number_with_format(row, 2, r.line as f64, &num)
            }
            .map_err(|e| xe("row", e))?;
            ws.write_string_with_format(row, 3, field_label(ds, r), &body)
                .map_err(|e| xe("row", e))?;
            ws.write_string_with_format(row, 4, cell(&r.value), &body)
                .map_err(|e| xe("row", e))?;
            ws.write_string_with_format(row, 5, cell(&r.message), &body)
                .map_err(|e| xe("row", e))?;
        }
        if fb.rejects.len() > MAX_ROWS {
            row += 1;
            ws.merge_range(
                row,
                0,
                row,
                last,
                &format!(
                    "另有{}行未列出，全部见 rejects.csv。",
                    fb.rejects.len() - MAX_ROWS
                ),
                &para,
            )
            .map_err(|e| xe("note", e))?;
        }
    }
    row += 2;
    ws.merge_range(
        row,
        0,
        row,
        last,
        &format!(
            "行号：Excel 工作簿为表中显示的行号，CSV 文件为文本行号。个人信息已脱敏。{office} {}",
            crate::quarter::chinese_date(issued)
        ),
        &para,
    )
    .map_err(|e| xe("footer", e))?;
    wb.save_to_buffer().map_err(|e| xe("save", e))
}

/// Every feedback workbook of a run: (`feedback/<unit>.xlsx`, bytes).
pub fn files(
    ds: &Dataset,
    cfg: &Config,
    quarter: Quarter,
    issued: NaiveDate,
) -> Result<Vec<(String, Vec<u8>)>> {
    collect(ds, cfg, quarter)
        .iter()
        .map(|fb| {
            let name = format!("feedback/{}.xlsx", crate::text::sanitize_name(&fb.unit));
            Ok((
                name,
                workbook(ds, fb, quarter, &cfg.organisation.office, issued)?,
            ))
        })
        .collect()
}
