//! Excel and OpenDocument workbooks as input: every sheet becomes CSV text
//! with one physical line per worksheet row, so that the CSV path (title
//! rows, header search, aliases, 合计 rows, every parser and every rejection)
//! reads it unchanged and a line number is the row number Excel shows.
//!
//! calamine reads `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and `.ods`. Cells typed
//! by the spreadsheet keep their meaning: a date cell becomes `YYYY-MM-DD`,
//! a number its shortest exact decimal form, a boolean 是/否; text cells go
//! through the same parsers as CSV text. A line break inside a cell becomes
//! a space (a quoted multi-line CSV cell would shift every later line
//! number away from the sheet's row numbers).
//!
//! Memory follows what a workbook holds, not what it claims: .xlsx and
//! .xlsb are read cell by cell; .xls and .ods, which calamine reads whole,
//! are checked first (`xls_check`, `ods_check`); the command line reads
//! each workbook in a child process (`sandbox`).

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, DataRef, Reader, Sheets};

use super::{ods_check, xls_check};

/// File extensions read as workbooks (lower case).
pub const WORKBOOK_EXT: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Most bytes a workbook may unpack to (the parts inside its zip): a zip
/// bomb is reported as unreadable instead of exhausting memory.
pub const MAX_UNPACKED: u64 = 1 << 30;

/// One worksheet as CSV text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    /// Comma-separated, line `n` = worksheet row `n` (blank rows are empty lines).
    pub csv: String,
}

/// Why a workbook could not be read at all (Chinese, English).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookError {
    pub zh: String,
    pub en: String,
}

pub(super) fn err(zh: impl Into<String>, en: impl Into<String>) -> WorkbookError {
    WorkbookError {
        zh: zh.into(),
        en: en.into(),
    }
}

/// Read every worksheet of a workbook held in memory. A damaged file that
/// makes the reader panic is reported like any unreadable workbook: one bad
/// file must not end the run.
pub fn read_workbook(bytes: &[u8]) -> Result<Vec<Sheet>, WorkbookError> {
    std::panic::catch_unwind(|| read_workbook_inner(bytes)).unwrap_or_else(|_| {
        Err(err(
            "无法读取工作簿（文件结构损坏）",
            "cannot read the workbook (its structure is damaged)",
        ))
    })
}

fn read_workbook_inner(bytes: &[u8]) -> Result<Vec<Sheet>, WorkbookError> {
    let padded: Vec<u8>;
    let mut bytes = bytes;
    if bytes.starts_with(b"PK") {
        check_unpacked_size(bytes)?;
        ods_check::check_cells(Cursor::new(bytes))?;
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        if looks_encrypted_ooxml(bytes) {
            return Err(err(
                "工作簿已加密（设置了打开密码），请去除密码后重新导出",
                "the workbook is encrypted (password to open); remove the password and export again",
            ));
        }
        xls_check::check_header(bytes)?;
        // Whole sectors only: calamine then reads each sector as the same
        // bytes every time, and the checks below see what it will see.
        let size = xls_check::sector_size(bytes).unwrap_or(512);
        if !bytes.len().is_multiple_of(size) {
            let mut v = bytes.to_vec();
            v.resize(bytes.len().div_ceil(size) * size, 0);
            padded = v;
            bytes = &padded;
        }
        if let Some(stream) = xls_check::workbook_stream(bytes)? {
            xls_check::check_extent(&stream)?;
        }
    }
    let wb = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        err(
            format!("无法读取工作簿（文件损坏、已加密或不是 Excel/WPS 文件）：{e}"),
            format!("cannot read the workbook (damaged, encrypted or not an Excel/WPS file): {e}"),
        )
    })?;
    let names = wb.sheet_names();
    if names.is_empty() {
        return Err(err(
            "工作簿中没有工作表（可能只含宏）",
            "the workbook has no worksheet (macros only?)",
        ));
    }
    let sheet_err = |name: &str, e: &dyn std::fmt::Display| {
        err(
            format!("无法读取工作表“{name}”：{e}"),
            format!("cannot read sheet “{name}”: {e}"),
        )
    };
    let mut out = Vec::with_capacity(names.len());
    // .xlsx and .xlsb are read cell by cell (memory follows the cells a
    // sheet has, not the rectangle they span); calamine has no such reader
    // for .xls and .ods, which the checks above have bounded instead.
    let mut budget = Budget::default();
    match wb {
        Sheets::Xlsx(mut x) => {
            for name in names {
                let csv = match x.worksheet_cells_reader(&name) {
                    Ok(mut r) => streamed_csv(|| r.next_cell(), &mut budget)
                        .map_err(|e| e.unwrap_or_else(|e| sheet_err(&name, &e)))?,
                    // a chart sheet: no cells
                    Err(calamine::XlsxError::NotAWorksheet(_)) => String::new(),
                    Err(e) => return Err(sheet_err(&name, &e)),
                };
                out.push(Sheet { name, csv });
            }
        }
        Sheets::Xlsb(mut x) => {
            for name in names {
                let mut r = x
                    .worksheet_cells_reader(&name)
                    .map_err(|e| sheet_err(&name, &e))?;
                let csv = streamed_csv(|| r.next_cell(), &mut budget)
                    .map_err(|e| e.unwrap_or_else(|e| sheet_err(&name, &e)))?;
                out.push(Sheet { name, csv });
            }
        }
        mut wb => {
            for name in names {
                let range = wb
                    .worksheet_range(&name)
                    .map_err(|e| sheet_err(&name, &e))?;
                out.push(Sheet {
                    csv: sheet_csv(&range),
                    name,
                });
            }
        }
    }
    Ok(out)
}

/// Most cells a workbook read whole by calamine (.xls, .ods) may span, all
/// sheets together: one full .xls sheet (65,536 rows × 256 columns). calamine
/// holds every cell of the rectangle between a sheet's first and last cell,
/// about 64 bytes each with its copy, so this is about 1 GB at most.
pub const MAX_DENSE_CELLS: u64 = 1 << 24;

/// Most cells an .xlsx or .xlsb read cell by cell may span, all sheets
/// together (1,048,576 rows × 64 columns); its CSV text then has at most
/// this many separators.
pub const MAX_STREAMED_CELLS: u64 = 1 << 26;

/// The error for a workbook whose sheets span more cells than `max`.
pub fn too_many_cells(cells: u64, max: u64) -> WorkbookError {
    err(
        format!(
            "工作簿的已用区域过大（约 {cells} 个单元格，上限 {max} 个），不予读取：请删除远离表格的零散单元格（在 Excel 中按 Ctrl+End 可找到已用区域的末尾），或另存为 CSV"
        ),
        format!(
            "the workbook's used range is too large (about {cells} cells, at most {max}); not read: delete stray cells far from the table (Ctrl+End in Excel finds the end of the used range) or save it as CSV"
        ),
    )
}

/// Most bytes of CSV text the sheets of one workbook may become: a shared
/// string is stored once and may be used by a million cells, and each use
/// is a copy of it.
pub const MAX_WORKBOOK_TEXT: u64 = 512 << 20;

/// What the sheets of one streamed workbook have spent so far: cells
/// spanned and bytes of text.
#[derive(Default)]
struct Budget {
    cells: u64,
    text: u64,
}

fn too_much_text() -> WorkbookError {
    err(
        format!(
            "工作簿的文字内容超过 {} MiB（可能有大段文字被大量单元格重复引用），不予读取；请另存为 CSV",
            MAX_WORKBOOK_TEXT >> 20
        ),
        format!(
            "the workbook's text exceeds {} MiB (a long text used by very many cells?); not read: save it as CSV",
            MAX_WORKBOOK_TEXT >> 20
        ),
    )
}

/// One streamed sheet as CSV text, laid out as [`sheet_csv`] lays out a
/// calamine range: blank lines down to the first used row, columns from
/// the first used column, trailing empty cells left out. Cells are kept as
/// (row, column, text span) in one text buffer, sorted only when the sheet
/// lists them out of order; a later cell at the same place wins, as in
/// calamine. `Err(Ok(e))`: the workbook spends more than its budget;
/// `Err(Err(e))`: the reader failed.
fn streamed_csv<'a, E>(
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
    budget: &mut Budget,
) -> Result<String, Result<WorkbookError, E>> {
    let mut text = String::new();
    let mut cells: Vec<(u32, u32, u32, u32)> = Vec::new();
    let mut sorted = true;
    while let Some(c) = next().map_err(Err)? {
        if matches!(c.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = c.get_position();
        let t = cell_text(&Data::from(c.get_value().clone()));
        let start = text.len();
        push_field(&mut text, &t);
        if budget.text.saturating_add(text.len() as u64) > MAX_WORKBOOK_TEXT {
            return Err(Ok(too_much_text()));
        }
        if cells.last().is_some_and(|&(r, k, ..)| (r, k) >= (row, col)) {
            sorted = false;
        }
        // offsets fit: the text of a sheet is bounded by the unpacked size
        cells.push((row, col, start as u32, (text.len() - start) as u32));
        if budget.cells.saturating_add(cells.len() as u64) > MAX_STREAMED_CELLS {
            return Err(Ok(too_many_cells(
                budget.cells.saturating_add(cells.len() as u64),
                MAX_STREAMED_CELLS,
            )));
        }
    }
    if !sorted {
        // stable: of two cells at one place the later stays last
        cells.sort_by_key(|&(r, c, ..)| (r, c));
    }
    cells.dedup_by(|later, earlier| {
        let same = (later.0, later.1) == (earlier.0, earlier.1);
        if same {
            *earlier = *later;
        }
        same
    });
    let Some(col0) = cells.iter().map(|c| c.1).min() else {
        return Ok(String::new());
    };
    let rows = cells.last().map_or(0, |c| u64::from(c.0) + 1);
    let cols = u64::from(cells.iter().map(|c| c.1).max().unwrap_or(col0) - col0) + 1;
    budget.cells = budget.cells.saturating_add(rows.saturating_mul(cols));
    if budget.cells > MAX_STREAMED_CELLS {
        return Err(Ok(too_many_cells(budget.cells, MAX_STREAMED_CELLS)));
    }
    budget.text = budget.text.saturating_add(text.len() as u64);
    let mut s = String::with_capacity(text.len() + rows as usize + cells.len());
    let (mut row, mut written) = (0u32, 0u32);
    for &(r, c, start, len) in &cells {
        while row < r {
            s.push('\n');
            row += 1;
            written = 0;
        }
        let k = c - col0;
        for i in written..k {
            if i > 0 {
                s.push(',');
            }
        }
        if k > 0 {
            s.push(',');
        }
        s.push_str(&text[start as usize..(start + len) as usize]);
        written = k + 1;
    }
    s.push('\n');
    Ok(s)
}

/// An OLE compound file holding `EncryptedPackage` is an encrypted .xlsx.
fn looks_encrypted_ooxml(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Refuse a zip whose entries claim to unpack to more than `MAX_UNPACKED`.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), WorkbookError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a readable zip: calamine reports it with its own message.
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i) {
            total = total.saturating_add(f.size());
        }
    }
    if total > MAX_UNPACKED {
        return Err(err(
            format!("工作簿解压后超过 {} MiB，不予读取", MAX_UNPACKED >> 20),
            format!(
                "the workbook unpacks to more than {} MiB; not read",
                MAX_UNPACKED >> 20
            ),
        ));
    }
    Ok(())
}

/// The sheet as CSV text, line `n` holding worksheet row `n`.
fn sheet_csv(range: &calamine::Range<Data>) -> String {
    let mut s = String::new();
    let Some((row0, _)) = range.start() else {
        return s;
    };
    // Rows above the used range are blank lines, so line = row number.
    for _ in 0..row0 {
        s.push('\n');
    }
    for row in range.rows() {
        // Trailing empty cells are left out (a shorter row is padded by the reader).
        let used = row
            .iter()
            .rposition(|c| !matches!(c, Data::Empty))
            .map_or(0, |i| i + 1);
        for (i, cell) in row[..used].iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            push_field(&mut s, &cell_text(cell));
        }
        s.push('\n');
    }
    s
}

/// A cell as the text the CSV parsers read.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(t) => t.replace("\r\n", " ").replace(['\r', '\n'], " "),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                return number(dt.as_f64());
            }
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        // ISO text from .ods: the date part.
        Data::DateTimeIso(t) => t.split('T').next().unwrap_or_default().to_string(),
        Data::DurationIso(t) => t.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number as plain decimal text: integers without `.0`, others in the
/// shortest form that reads back to the same value (never an exponent).
fn number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let s = format!("{f}");
    if s.contains(['e', 'E']) {
        // Rust's Display does not use exponents for f64, but be safe.
        format!("{f:.6}")
    } else {
        s
    }
}

/// Append one CSV field, quoted when it holds a comma, a quote or a line break.
fn push_field(out: &mut String, v: &str) {
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    fn two_sheets() -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("yyyy/m/d");
        let ws = wb.add_worksheet();
        ws.set_name("案件").unwrap();
        ws.write_string(0, 0, "2026年第三季度案件统计表").unwrap();
        for (c, h) in ["案件编号", "县市区", "发现日期", "罚款金额(元)", "是否断电"]
            .iter()
            .enumerate()
        {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        ws.write_string(3, 0, "GA-1").unwrap();
        ws.write_string(3, 1, "瑞安, 市\n东").unwrap();
        let d = ExcelDateTime::from_ymd(2026, 7, 3).unwrap();
        ws.write_datetime_with_format(3, 2, &d, &date).unwrap();
        ws.write_number(3, 3, 1234.5).unwrap();
        ws.write_boolean(3, 4, true).unwrap();
        ws.write_string(5, 0, "GA-2").unwrap();
        ws.write_number(5, 3, 20000.0).unwrap();
        let ws2 = wb.add_worksheet();
        ws2.set_name("说明").unwrap();
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn sheets_become_csv_with_excel_row_numbers() {
        let sheets = read_workbook(&two_sheets()).unwrap();
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].name, "案件");
        let lines: Vec<&str> = sheets[0].csv.split('\n').collect();
        // Line n (1-based) is Excel row n.
        assert_eq!(lines[0], "2026年第三季度案件统计表");
        assert_eq!(lines[1], "");
        assert_eq!(lines[2], "案件编号,县市区,发现日期,罚款金额(元),是否断电");
        assert_eq!(lines[3], "GA-1,\"瑞安, 市 东\",2026-07-03,1234.5,是");
        assert_eq!(lines[4], "");
        assert_eq!(lines[5], "GA-2,,,20000");
        assert_eq!(sheets[1].name, "说明");
        assert_eq!(sheets[1].csv, "");
    }

    #[test]
    fn xls_files_the_fuzzer_found_are_refused_before_calamine_reads_them() {
        // a directory sector cut short by the end of the file (calamine
        // panicked slicing it): the file is now padded to whole sectors
        // before anything reads it, and then holds no workbook stream
        let short = include_bytes!("../../tests/fixtures/excel/fuzz-panic-short-directory.xls");
        let e = read_workbook(short).unwrap_err();
        assert!(e.zh.contains("无法读取工作簿"), "{}", e.zh);
        // a root entry claiming a 4 GB mini stream (calamine reserved it)
        for bytes in [
            &include_bytes!("../../tests/fixtures/excel/fuzz-oom-root-size.xls")[..],
            // an empty Workbook stream whose mini chain starts in a file
            // without a mini FAT (calamine indexed the empty table)
            &include_bytes!("../../tests/fixtures/excel/fuzz-panic-mini-fat.xls")[..],
        ] {
            let e = read_workbook(bytes).unwrap_err();
            assert!(e.zh.contains("文件结构损坏"), "{}", e.zh);
        }
        // the sound .xls fixture passes the same checks
        let ok = include_bytes!("../../tests/fixtures/excel/水利局.xls");
        assert!(xls_check::workbook_stream(ok).is_ok_and(|s| s.is_some()));
    }

    #[test]
    fn damaged_and_encrypted_workbooks_are_one_clear_error() {
        let mut bytes = two_sheets();
        bytes.truncate(bytes.len() / 2);
        let e = read_workbook(&bytes).unwrap_err();
        assert!(e.zh.contains("无法读取工作簿"), "{}", e.zh);
        let e = read_workbook(b"not a workbook at all").unwrap_err();
        assert!(e.en.contains("cannot read the workbook"), "{}", e.en);
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend(
            "EncryptedPackage"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        let e = read_workbook(&ole).unwrap_err();
        assert!(e.zh.contains("已加密"), "{}", e.zh);
    }

    #[test]
    fn an_xls_header_claiming_more_sectors_than_the_file_has_is_refused() {
        // The fuzz finding: a real .xls whose FAT sector count says 3.5 billion.
        let mut xls = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/excel/水利局.xls"
        ))
        .unwrap();
        assert!(read_workbook(&xls).is_ok());
        xls[44..48].copy_from_slice(&0xCFD0_0000u32.to_le_bytes());
        let e = read_workbook(&xls).unwrap_err();
        assert!(e.zh.contains("文件头损坏"), "{}", e.zh);
    }

    #[test]
    fn numbers_are_plain_decimals() {
        assert_eq!(number(14.0), "14");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(1e20), "100000000000000000000");
        assert_eq!(number(-3.25), "-3.25");
        assert_eq!(cell_text(&Data::Bool(false)), "否");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2026-07-03T10:00:00".into())),
            "2026-07-03"
        );
    }
}
