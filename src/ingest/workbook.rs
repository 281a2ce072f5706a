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

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

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

fn err(zh: impl Into<String>, en: impl Into<String>) -> WorkbookError {
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
    if bytes.starts_with(b"PK") {
        check_unpacked_size(bytes)?;
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        if looks_encrypted_ooxml(bytes) {
            return Err(err(
                "工作簿已加密（设置了打开密码），请去除密码后重新导出",
                "the workbook is encrypted (password to open); remove the password and export again",
            ));
        }
        check_cfb_header(bytes)?;
        check_cfb_chains(bytes)?;
    }
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
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
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(|e| {
            err(
                format!("无法读取工作表“{name}”：{e}"),
                format!("cannot read sheet “{name}”: {e}"),
            )
        })?;
        out.push(Sheet {
            csv: sheet_csv(&range),
            name,
        });
    }
    Ok(out)
}

/// An OLE compound file holding `EncryptedPackage` is an encrypted .xlsx.
fn looks_encrypted_ooxml(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Refuse an OLE compound file (.xls) whose header counts more sectors
/// than the file holds. The reader reserves memory from these counts before
/// it reads anything: a 1 KB file claiming 3.5 billion FAT sectors asked
/// for 14 GB (found by the `workbook` fuzz target) and aborts the whole run
/// where memory is smaller.
fn check_cfb_header(bytes: &[u8]) -> Result<(), WorkbookError> {
    let bad = || {
        err(
            "无法读取工作簿（.xls 文件头损坏）",
            "cannot read the workbook (damaged .xls header)",
        )
    };
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |i: usize| {
        bytes
            .get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64)
    };
    let sector: u64 = match u16_at(30).ok_or_else(bad)? {
        9 => 512,
        12 => 4096,
        _ => return Err(bad()),
    };
    let sectors = bytes.len() as u64 / sector + 1;
    // directory, FAT, mini FAT and DIFAT sector counts
    for at in [40, 44, 64, 72] {
        if u32_at(at).ok_or_else(bad)? > sectors {
            return Err(bad());
        }
    }
    // calamine 0.32 reads its DIFAT reservation from offset 62 (half of
    // the mini FAT start, half of its length): in a sound file that is at
    // most about 65,536 entries; 16M entries (64 MB) is the bound here.
    if u32_at(62).ok_or_else(bad)? > 1 << 24 {
        return Err(bad());
    }
    Ok(())
}

/// Refuse an OLE compound file whose sector chains loop or whose directory
/// entries claim streams larger than the file. calamine 0.32's reader
/// trusts both: it reserves a stream's claimed length before reading it (a
/// 5.6 KB .xls whose root entry claimed 4 GB aborted the run, found by the
/// `workbook` fuzz target) and follows a chain until its end marker (a loop
/// grows without end). This walks what calamine will walk — the DIFAT, the
/// directory chain, the mini FAT, every entry's chain — the way it walks
/// them, bounded by the file's sector count.
fn check_cfb_chains(b: &[u8]) -> Result<(), WorkbookError> {
    const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
    const DIF_SECT: u32 = 0xFFFF_FFFC;
    const RESERVED: u32 = 0xFFFF_FFFA;
    let bad = || {
        err(
            "无法读取工作簿（.xls 文件结构损坏）",
            "cannot read the workbook (damaged .xls structure)",
        )
    };
    let u32_at = |i: usize| {
        b.get(i..i + 4)
            .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
    };
    let size: usize = match b.get(30) {
        Some(9) => 512,
        _ => 4096,
    };
    let len = b.len();
    // calamine refuses a sector id above this one; ids up to it are read
    // (past the end of the file as nothing)
    let max_id = len / size;
    let sector = |id: u32| -> Vec<u32> {
        let start = size.saturating_add((id as usize).saturating_mul(size));
        b.get(start.min(len)..start.saturating_add(size).min(len))
            .unwrap_or(&[])
            .chunks_exact(4)
            .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
            .collect()
    };
    // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors
    // whose last entry names the next one.
    let mut difat: Vec<u32> = (0..109).filter_map(|k| u32_at(76 + 4 * k)).collect();
    let mut id = u32_at(68).ok_or_else(bad)?;
    let mut steps = 0usize;
    while id < RESERVED {
        steps += 1;
        if id as usize > max_id || steps > max_id + 1 {
            return Err(bad());
        }
        difat.extend(sector(id));
        id = difat.pop().unwrap_or(END_OF_CHAIN);
    }
    let fat_ids: Vec<u32> = difat.into_iter().filter(|&i| i < DIF_SECT).collect();
    if fat_ids.len() > max_id + 1 {
        return Err(bad());
    }
    let mut fat = Vec::new();
    for i in fat_ids {
        if i as usize > max_id {
            return Err(bad());
        }
        fat.extend(sector(i));
    }
    // A chain as calamine follows it: the ids it reads, or an error when it
    // would loop or step past its table (calamine would panic there).
    let chain = |start: u32, table: &[u32], limit: usize| -> Result<Vec<u32>, WorkbookError> {
        let mut ids = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            if ids.len() > limit {
                return Err(bad());
            }
            let Some(&next) = table.get(id as usize) else {
                return Err(bad());
            };
            ids.push(id);
            id = next;
        }
        Ok(ids)
    };
    let dir_ids = chain(u32_at(48).ok_or_else(bad)?, &fat, max_id)?;
    // calamine cuts directory sectors into 128-byte entries and reads each
    // whole: a sector cut short by the end of the file would panic there
    if dir_ids
        .iter()
        .any(|&id| size.saturating_add((id as usize + 1).saturating_mul(size)) > len)
    {
        return Err(bad());
    }
    // (start sector, length, whether calamine may read it: a stream, or an
    // entry named as the workbook stream it looks up whatever its type)
    let entries: Vec<(u32, u64, bool)> = dir_ids
        .iter()
        .flat_map(|&id| {
            let start = size.saturating_add((id as usize).saturating_mul(size));
            let bytes = b
                .get(start.min(len)..start.saturating_add(size).min(len))
                .unwrap_or(&[]);
            bytes
                .chunks_exact(128)
                .map(|e| {
                    let first = u32::from_le_bytes([e[116], e[117], e[118], e[119]]);
                    let lo = u32::from_le_bytes([e[120], e[121], e[122], e[123]]) as u64;
                    let hi = u32::from_le_bytes([e[124], e[125], e[126], e[127]]) as u64;
                    let name: Vec<u16> = e[..64]
                        .chunks_exact(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]]))
                        .take_while(|&u| u != 0)
                        .collect();
                    let name = String::from_utf16_lossy(&name);
                    let read = e[66] == 2 || name == "Workbook" || name == "Book";
                    (first, if size == 512 { lo } else { lo | hi << 32 }, read)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    // No stream, and no mini stream, is larger than the file itself.
    if entries.iter().any(|&(_, l, _)| l > len as u64) {
        return Err(bad());
    }
    // calamine loads the mini FAT only when the header counts its sectors,
    // and keeps only that many sectors of its chain
    let mini_fat_len = u32_at(64).ok_or_else(bad)? as usize;
    let mut mini_fat: Vec<u32> = Vec::new();
    if mini_fat_len > 0 {
        let ids = chain(u32_at(60).ok_or_else(bad)?, &fat, max_id)?;
        mini_fat = ids.iter().flat_map(|&i| sector(i)).collect();
        mini_fat.truncate(mini_fat_len.saturating_mul(size / 4));
    }
    for (k, &(first, l, read)) in entries.iter().enumerate() {
        if k == 0 || (read && l >= 4096) {
            chain(first, &fat, max_id)?;
        } else if read {
            // calamine walks a short stream's mini chain even at length 0
            chain(first, &mini_fat, max_id.saturating_mul(8))?;
        }
    }
    Ok(())
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
        // a root entry claiming a 4 GB mini stream (calamine reserved it)
        // and a directory sector cut short by the end of the file (calamine
        // panicked slicing it)
        for bytes in [
            &include_bytes!("../../tests/fixtures/excel/fuzz-oom-root-size.xls")[..],
            &include_bytes!("../../tests/fixtures/excel/fuzz-panic-short-directory.xls")[..],
            // an empty Workbook stream whose mini chain starts in a file
            // without a mini FAT (calamine indexed the empty table)
            &include_bytes!("../../tests/fixtures/excel/fuzz-panic-mini-fat.xls")[..],
        ] {
            let e = read_workbook(bytes).unwrap_err();
            assert!(e.zh.contains("文件结构损坏"), "{}", e.zh);
        }
        // the sound .xls fixture passes the same checks
        let ok = include_bytes!("../../tests/fixtures/excel/水利局.xls");
        assert!(check_cfb_chains(ok).is_ok());
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
