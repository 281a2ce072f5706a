//! Ingestion: find the quarter folders of a data folder, read every file
//! (decode, locate the header, map columns, validate rows), and settle
//! duplicates and superseded records, accounting for every row.

pub mod decode;
pub mod headers;
pub mod parse;
pub mod rows;
pub mod table;

mod ods_check;
pub mod sandbox;
pub mod workbook;
mod xls_check;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::names::Resolver;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::*;
use crate::quarter::Quarter;
use crate::text;
pub use decode::file_name_text;
pub use rows::KeepText;
use rows::{codes, Row, RowCtx, RowError};
use table::{Rec, Table, TableError};

/// File extensions read from a quarter folder as text. Workbooks
/// (`workbook::WORKBOOK_EXT`) are read sheet by sheet; a WPS `.et` file is
/// listed so that it is reported (save as .xlsx) rather than silently ignored.
const READ_EXT: &[&str] = &["csv", "tsv", "txt"];
const SPREADSHEET_EXT: &[&str] = &["et"];

/// A file found in a quarter folder.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub rel: String,
    pub abs: PathBuf,
    pub quarter: Quarter,
    pub kind: FileKind,
}

/// The quarter folders of DATA (ascending), up to `upto` when given.
pub fn quarter_folders(data: &Path, upto: Option<Quarter>) -> Result<Vec<(Quarter, String)>> {
    let rd = std::fs::read_dir(data).map_err(|e| Error::io(data, e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(data, e))?;
        let name = file_name_text(&entry.file_name());
        let Some(q) = Quarter::parse(&name) else {
            continue;
        };
        let is_dir = std::fs::metadata(entry.path())
            .map(|m| m.is_dir())
            .unwrap_or(false);
        if !is_dir || upto.is_some_and(|u| q > u) {
            continue;
        }
        out.push((q, name));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.as_bytes().cmp(b.1.as_bytes())));
    // Two folders naming one quarter (2026Q3 and 2026年第三季度) would count
    // its adjustments, patrols and meetings twice.
    if let Some(w) = out.windows(2).find(|w| w[0].0 == w[1].0) {
        let (q, a, b) = (w[0].0, &w[0].1, &w[1].1);
        return Err(Error::usage(
            format!("数据目录中有两个文件夹都是 {q}：“{a}”和“{b}”，请合并为一个"),
            format!("two folders in the data folder name quarter {q}: “{a}” and “{b}”; merge them into one"),
        ));
    }
    Ok(out)
}

/// Files that look like data but are not in a quarter folder (CSVs placed
/// directly in DATA, or in a folder whose name is not a quarter): they are
/// never read, so they are named when nothing else is found.
pub fn stray_files(data: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(data) else {
        return out;
    };
    for entry in rd.flatten() {
        let name = file_name_text(&entry.file_name());
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            if Quarter::parse(&name).is_some() {
                continue;
            }
            if let Ok(inner) = std::fs::read_dir(&path) {
                for e in inner.flatten().take(10_000) {
                    let n = file_name_text(&e.file_name());
                    if is_data_name(&n) {
                        out.push(format!("{name}/{n}"));
                    }
                }
            }
        } else if is_data_name(&name) {
            out.push(name);
        }
    }
    out.sort();
    out
}

fn is_data_name(name: &str) -> bool {
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext = ext.as_str();
    !name.starts_with('.')
        && (READ_EXT.contains(&ext)
            || SPREADSHEET_EXT.contains(&ext)
            || workbook::WORKBOOK_EXT.contains(&ext))
}

/// Fail unless some case file is there to read: in the folder of
/// `quarter` when given (build), else in any quarter folder (validate).
/// The error names the files that were skipped because they are not in a
/// quarter folder.
pub fn require_case_files(
    data: &Path,
    folders: &[(Quarter, String)],
    quarter: Option<Quarter>,
) -> Result<()> {
    let wanted: Vec<(Quarter, String)> = folders
        .iter()
        .filter(|(q, _)| quarter.is_none_or(|w| *q == w))
        .cloned()
        .collect();
    let files = list_files(data, &wanted)?;
    if files.iter().any(|f| f.kind == FileKind::Cases) {
        return Ok(());
    }
    let strays = stray_files(data);
    let shown: Vec<String> = strays.iter().take(20).cloned().collect();
    let more = strays.len().saturating_sub(shown.len());
    let (skipped_zh, skipped_en) = if strays.is_empty() {
        (String::new(), String::new())
    } else {
        let tail_zh = if more > 0 {
            format!(" 等 {} 个", strays.len())
        } else {
            String::new()
        };
        let tail_en = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        (
            format!(
                "；以下文件不在季度文件夹中，未读取：{}{tail_zh}",
                shown.join("、")
            ),
            format!(
                "; skipped, not in a quarter folder: {}{tail_en}",
                shown.join(", ")
            ),
        )
    };
    let (where_zh, where_en) = match quarter {
        Some(q) => (
            format!("{q} 文件夹中没有案件文件"),
            format!("no case file for {q} (DATA/{q}/*.csv)"),
        ),
        None => (
            "数据目录的季度文件夹中没有案件文件".to_string(),
            "no case file in any quarter folder of the data folder".to_string(),
        ),
    };
    Err(Error::usage(
        format!(
            "{where_zh}（应放在 {}/2026Q3/ 这样的季度文件夹中）{skipped_zh}",
            data.display()
        ),
        format!("{where_en}{skipped_en}"),
    ))
}

/// Every input file of the quarter folders, sorted by relative path (bytes of its UTF-8 form).
pub fn list_files(data: &Path, folders: &[(Quarter, String)]) -> Result<Vec<FileEntry>> {
    let mut files = Vec::new();
    for (q, name) in folders {
        let dir = data.join(name);
        let rd = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        for entry in rd {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let mut fname = file_name_text(&entry.file_name());
            if entry.file_name().to_str().is_none() {
                // A name decoded from GBK must not collide with a real
                // UTF-8 name in the same folder.
                let raw = entry.file_name();
                let taken = |n: &str| raw.to_str() != Some(n) && dir.join(n).exists();
                if taken(&fname) {
                    fname = raw_name_escaped(&raw);
                }
            }
            if fname.starts_with('.') || fname.starts_with("~$") {
                continue;
            }
            let ext = Path::new(&fname)
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if !READ_EXT.contains(&ext.as_str())
                && !SPREADSHEET_EXT.contains(&ext.as_str())
                && !workbook::WORKBOOK_EXT.contains(&ext.as_str())
            {
                continue;
            }
            // Directories named like files are skipped; broken links are reported when read.
            if entry.path().is_dir() {
                continue;
            }
            files.push(FileEntry {
                rel: format!("{name}/{fname}"),
                abs: entry.path(),
                quarter: *q,
                kind: FileKind::from_file_name(&fname),
            });
        }
    }
    files.sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    Ok(files)
}

fn raw_name_escaped(raw: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        decode::escaped_bytes(raw.as_bytes())
    }
    #[cfg(not(unix))]
    {
        raw.to_string_lossy().into_owned()
    }
}

/// Largest input file read (a case export of 10 million rows is ~3.6 GB in
/// all; one file of 4 GiB is far beyond any department's export). A larger
/// file (or a sparse one claiming 100 GB) is reported, not read.
pub const MAX_INPUT_BYTES: u64 = 4 << 30;

pub use crate::input::{read_input, Refusal};

/// Records read from one file, before duplicates and superseding are settled.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub file: Option<InputFile>,
    pub cases: Vec<Case>,
    pub referrals: Vec<Referral>,
    pub patrols: Vec<Patrol>,
    pub meetings: Vec<Meeting>,
    pub adjustments: Vec<Adjustment>,
    pub rejects: Vec<Reject>,
}

/// Find the unit a file name names (`公安局_2026Q3.csv`, `2026Q3温州市公安局案件.csv`).
pub fn unit_from_file_name(resolver: &Resolver, file_name: &str) -> Option<UnitId> {
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if let Some(u) = resolver.unit(&stem) {
        return Some(u);
    }
    let tokens = stem.split(|c: char| {
        c.is_ascii_punctuation() || c.is_whitespace() || "、，。（）【】《》·—".contains(c)
    });
    for t in tokens {
        if !t.is_empty() && !t.chars().all(|c| c.is_ascii_alphanumeric()) {
            if let Some(u) = resolver.unit(t) {
                return Some(u);
            }
        }
    }
    // Longest alias spelled anywhere in the name.
    resolver.unit_in_text(&stem)
}

/// Longest offending value (in characters) copied into rejects.csv; a longer
/// one is cut and marked with `…` (a 50 MB cell must not be copied whole).
pub const MAX_REJECT_VALUE: usize = 200;

/// `s` cut to at most `max` characters, with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

fn reject_of(rel: &str, line: u64, e: RowError) -> Reject {
    // Personal data is never copied out, even when it is the offending
    // value; an ID number is masked in whatever field it is found.
    let value = if matches!(e.field, "party" | "party_id") && !e.value.is_empty() {
        clip(&crate::privacy::mask_id(&e.value), MAX_REJECT_VALUE)
    } else {
        clip(
            &crate::privacy::scrub_numbers_only(&e.value),
            MAX_REJECT_VALUE,
        )
    };
    let ids = crate::privacy::scrub_numbers_only;
    Reject {
        file: rel.to_string(),
        line,
        field: e.field,
        value,
        code: e.code,
        // Messages quote the cell: a line break in it must not break the
        // one-line message (the value itself is kept as read).
        message: clip(
            &text::escape_controls(&ids(&e.message)),
            4 * MAX_REJECT_VALUE,
        ),
        message_en: clip(
            &text::escape_controls(&ids(&e.message_en)),
            4 * MAX_REJECT_VALUE,
        ),
    }
}

/// Read one file completely: one outcome, or one per worksheet of a
/// workbook. Never fails: problems become rejections or a file error.
/// `keep_text`: which cases keep 当事人, 证件号 and 简要案情.
pub fn read_file(
    entry: &FileEntry,
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
) -> Vec<FileOutcome> {
    // `abs` is DATA/<quarter folder>/<file>.
    let root = entry.abs.parent().and_then(Path::parent);
    match read_input(&entry.abs, root, MAX_INPUT_BYTES) {
        Ok(bytes) if is_workbook(&entry.rel) => {
            read_workbook_bytes(entry, &bytes, index, resolver, keep_text)
        }
        Ok(bytes) => vec![read_bytes_with(entry, &bytes, index, resolver, keep_text)],
        Err(r) => {
            let mut out = FileOutcome::default();
            let mut file = blank_input(entry);
            fail(&mut file, &mut out, codes::UNREADABLE, r.zh, r.en);
            out.file = Some(file);
            vec![out]
        }
    }
}

fn extension(rel: &str) -> String {
    Path::new(rel)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Whether a file is read as a workbook (by its extension).
pub fn is_workbook(rel: &str) -> bool {
    workbook::WORKBOOK_EXT.contains(&extension(rel).as_str())
}

/// The kinds a worksheet may hold, tried in this order (the first of equal
/// matches wins).
const SHEET_KINDS: [FileKind; 5] = [
    FileKind::Cases,
    FileKind::Referrals,
    FileKind::Patrols,
    FileKind::Meetings,
    FileKind::Adjustments,
];

/// Read a workbook: every worksheet with a recognisable header is one input
/// (`2026Q3/公安.xlsx#Sheet1`) with its own counts; sheets without a header
/// (notes, charts, empty sheets) are passed over. A workbook with no table
/// at all, or one that cannot be opened, is one file error.
pub fn read_workbook_bytes(
    entry: &FileEntry,
    bytes: &[u8],
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
) -> Vec<FileOutcome> {
    let mut file = blank_input(entry);
    file.bytes = bytes.len() as u64;
    file.sha256 = hex::encode(Sha256::digest(bytes));
    let file_name = entry.rel.rsplit('/').next().unwrap_or(&entry.rel);
    // A reserved name (referrals.xlsx) fixes the kind of every sheet.
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let reserved = match FileKind::from_file_name(&format!("{stem}.csv")) {
        FileKind::Cases => None,
        k => Some(k),
    };
    if let Some(k) = reserved {
        file.kind = k;
    }
    let format = extension(&entry.rel).to_uppercase();
    let sheets = match sandbox::read(bytes) {
        Ok(s) => s,
        Err(e) => {
            let mut out = FileOutcome::default();
            fail(&mut file, &mut out, codes::UNREADABLE, e.zh, e.en);
            out.file = Some(file);
            return vec![out];
        }
    };
    let mut outs = Vec::new();
    for sheet in &sheets {
        let kinds: &[FileKind] = match &reserved {
            Some(k) => std::slice::from_ref(k),
            None => &SHEET_KINDS,
        };
        // The kind whose header names the most known columns, earliest first.
        let best = kinds
            .iter()
            .filter_map(|&k| {
                Table::locate(&sheet.csv, k).ok().map(|t| {
                    let known = t.header.cols.iter().filter(|c| c.is_some()).count();
                    (k, known)
                })
            })
            .fold(None::<(FileKind, usize)>, |acc, (k, n)| match acc {
                Some((_, m)) if m >= n => acc,
                _ => Some((k, n)),
            });
        let Some((kind, _)) = best else { continue };
        let sheet_entry = FileEntry {
            rel: format!("{}#{}", entry.rel, text::escape_controls(&sheet.name)),
            abs: entry.abs.clone(),
            quarter: entry.quarter,
            kind,
        };
        let mut sheet_file = file.clone();
        sheet_file.path = sheet_entry.rel.clone();
        sheet_file.kind = kind;
        sheet_file.encoding = Some(format.clone());
        // The sheet's name may name the unit (a workbook of several units'
        // sheets); else the workbook's file name.
        let file_unit = (kind == FileKind::Cases)
            .then(|| resolver.unit(sheet.name.trim()))
            .flatten()
            .or_else(|| {
                (kind == FileKind::Cases)
                    .then(|| unit_from_file_name(resolver, file_name))
                    .flatten()
            });
        outs.push(read_text(
            &sheet_entry,
            sheet_file,
            &sheet.csv,
            index,
            resolver,
            keep_text,
            file_unit,
        ));
    }
    if outs.is_empty() {
        let mut out = FileOutcome::default();
        fail(
            &mut file,
            &mut out,
            codes::NO_HEADER,
            format!(
                "工作簿的 {} 个工作表中都找不到表头（前 30 行中没有一行包含至少 3 个可识别的列名）",
                sheets.len()
            ),
            format!(
                "no header row in any of the workbook's {} sheets (none of the first 30 rows names at least 3 known columns)",
                sheets.len()
            ),
        );
        out.file = Some(file);
        outs.push(out);
    }
    outs
}

fn blank_input(entry: &FileEntry) -> InputFile {
    InputFile {
        path: entry.rel.clone(),
        kind: entry.kind,
        unit: None,
        encoding: None,
        sha256: String::new(),
        bytes: 0,
        quarter: Some(entry.quarter),
        counts: Counts::default(),
        error: None,
    }
}

fn fail(file: &mut InputFile, out: &mut FileOutcome, code: &'static str, zh: String, en: String) {
    file.error = Some(format!("{zh} / {en}"));
    out.rejects.push(Reject {
        file: file.path.clone(),
        line: 0,
        field: "",
        value: String::new(),
        code,
        message: zh,
        message_en: en,
    });
}

/// Read the contents of one file (`entry.abs` is not used). Never fails:
/// problems become rejections or a file error.
pub fn read_bytes(entry: &FileEntry, bytes: &[u8], index: u32, resolver: &Resolver) -> FileOutcome {
    read_bytes_with(entry, bytes, index, resolver, KeepText::All)
}

/// `read_bytes`, keeping the free text of the cases `keep_text` names.
pub fn read_bytes_with(
    entry: &FileEntry,
    bytes: &[u8],
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let mut file = blank_input(entry);
    file.bytes = bytes.len() as u64;
    file.sha256 = hex::encode(Sha256::digest(bytes));
    let ext = extension(&entry.rel);
    if SPREADSHEET_EXT.contains(&ext.as_str())
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"\xD0\xCF\x11\xE0")
    {
        fail(
            &mut file,
            &mut out,
            codes::UNREADABLE,
            "这是无法直接读取的表格文件：请另存为 .xlsx 工作簿或 CSV（逗号分隔）后放入季度文件夹".into(),
            "this spreadsheet cannot be read directly: save it as an .xlsx workbook or as CSV (comma delimited)".into(),
        );
        out.file = Some(file);
        return out;
    }
    let decoded = decode::decode(bytes);
    file.encoding = Some(decoded.encoding.as_str().to_string());
    if decode::looks_binary(bytes, decoded.encoding) {
        fail(
            &mut file,
            &mut out,
            codes::UNREADABLE,
            "文件不是文本格式的 CSV（含二进制内容）".into(),
            "not a text CSV file (binary content)".into(),
        );
        out.file = Some(file);
        return out;
    }
    let file_unit = if entry.kind == FileKind::Cases {
        let name = entry.rel.rsplit('/').next().unwrap_or(&entry.rel);
        unit_from_file_name(resolver, name)
    } else {
        None
    };
    read_text(
        entry,
        file,
        &decoded.text,
        index,
        resolver,
        keep_text,
        file_unit,
    )
}

/// Read decoded CSV text into records: locate the header, then every
/// record below it. `file` is the input's entry so far (path, hashes,
/// encoding); `file_unit` the unit its name names.
fn read_text(
    entry: &FileEntry,
    mut file: InputFile,
    text: &str,
    index: u32,
    resolver: &Resolver,
    keep_text: KeepText,
    file_unit: Option<UnitId>,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let table = match Table::locate(text, entry.kind) {
        Ok(t) => t,
        Err(e) => {
            let (zh, en) = match e {
                TableError::Empty => ("文件为空".to_string(), "the file is empty".to_string()),
                TableError::NoHeader => (
                    format!(
                        "找不到表头：前 30 行中没有一行包含至少 3 个可识别的{}列名（如 {}）",
                        entry.kind.chinese(),
                        headers::fields_of(entry.kind)
                            .iter()
                            .filter(|f| f.required)
                            .map(|f| f.header)
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                    "no header row found: none of the first 30 rows names at least 3 known columns"
                        .to_string(),
                ),
            };
            fail(&mut file, &mut out, codes::NO_HEADER, zh, en);
            out.file = Some(file);
            return out;
        }
    };
    let ctx = RowCtx {
        resolver,
        specs: headers::fields_of(entry.kind),
        header: &table.header,
        header_cells: &table.header_cells,
        quarter: entry.quarter,
        file: index,
        file_unit,
        names: Default::default(),
        strings: Default::default(),
        keep_text,
    };
    let width = table.header.width;
    if entry.kind == FileKind::Cases {
        // About 300 bytes a row in a typical export.
        let _ = out.cases.try_reserve(text.len() / 300);
    }
    let mut records = table.records();
    let counts = &mut file.counts;
    while let Some(rec) = records.next_rec() {
        match rec {
            Rec::Error { line, zh, en } => {
                counts.rows_read += 1;
                counts.rejected += 1;
                out.rejects.push(Reject {
                    file: entry.rel.clone(),
                    line,
                    field: "",
                    value: String::new(),
                    code: codes::BAD_RECORD,
                    message: zh,
                    message_en: en,
                });
            }
            Rec::Row { line, cells } => {
                counts.rows_read += 1;
                if table::is_blank(cells) || table::is_total(cells) {
                    counts.skipped += 1;
                    continue;
                }
                if cells.len() != width {
                    counts.rejected += 1;
                    let n = cells.len();
                    out.rejects.push(Reject {
                        file: entry.rel.clone(),
                        line,
                        field: "",
                        value: format!("{n}"),
                        code: codes::FIELD_COUNT,
                        message: format!(
                            "该行有 {n} 列，表头有 {width} 列（可能有多余的分隔符或未闭合的引号）"
                        ),
                        message_en: format!("the row has {n} fields, the header {width}"),
                    });
                    continue;
                }
                let row = Row::new(&ctx, cells, line);
                let result = match entry.kind {
                    FileKind::Cases => rows::case(&row).map(|c| out.cases.push(c)),
                    FileKind::Referrals => rows::referral(&row).map(|r| out.referrals.push(r)),
                    FileKind::Patrols => rows::patrol(&row).map(|r| out.patrols.push(r)),
                    FileKind::Meetings => rows::meeting(&row).map(|r| out.meetings.push(r)),
                    FileKind::Adjustments => {
                        rows::adjustment(&row).map(|r| out.adjustments.push(r))
                    }
                };
                match result {
                    Ok(()) => counts.accepted += 1,
                    Err(e) => {
                        counts.rejected += 1;
                        out.rejects.push(reject_of(&entry.rel, line, e));
                    }
                }
            }
        }
    }
    if entry.kind == FileKind::Cases {
        let first = out.cases.first().map(|c| c.unit).or(file_unit);
        if let Some(u) = first {
            if out.cases.iter().all(|c| c.unit == u) {
                file.unit = Some(resolver.units.name(u).to_string());
            }
        }
    }
    // Rejected rows may be many (a million from one bad export): give back
    // the slack of the doubling growth (a large block shrinks in place).
    out.rejects.shrink_to_fit();
    out.file = Some(file);
    out
}

/// Read a whole data folder up to `upto` (inclusive).
pub fn load(data: &Path, cfg: &Config, upto: Option<Quarter>) -> Result<Dataset> {
    let meta = std::fs::metadata(data).map_err(|e| Error::io(data, e))?;
    if !meta.is_dir() {
        return Err(Error::usage(
            format!("数据目录 {} 不是文件夹", data.display()),
            format!("data folder {} is not a directory", data.display()),
        ));
    }
    let folders = quarter_folders(data, upto)?;
    let files = list_files(data, &folders)?;
    let resolver = Resolver::new(cfg);
    // Free text is kept for the report quarter's records only.
    let text_quarter = upto.or(folders.last().map(|f| f.0));
    let mut settler = Settler::new(folders.iter().map(|f| f.0).collect());
    // Regular files within the cap only (a sparse file claiming 100 GB is
    // reported when read, not reserved for).
    let case_bytes: u64 = files
        .iter()
        .filter(|f| f.kind == FileKind::Cases)
        .filter_map(|f| std::fs::metadata(&f.abs).ok())
        .filter(|m| m.is_file() && m.len() <= MAX_INPUT_BYTES)
        .map(|m| m.len())
        .fold(0u64, u64::saturating_add);
    // At least ~300 bytes a row; the index is sized for every row at most.
    settler.reserve_cases(
        usize::try_from(case_bytes / 300)
            .unwrap_or(0)
            .min(50_000_000),
    );
    // A few files at a time (in parallel), settled in path order before the
    // next are read: memory holds the ledger and a few files' records, not
    // every row read. The order of settling, and so every result, is the
    // same for any batch size.
    let batch = (rayon::current_num_threads() * 2).max(2);
    for (b, chunk) in files.chunks(batch).enumerate() {
        let outcomes: Vec<FileOutcome> = chunk
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                let keep = if Some(f.quarter) == text_quarter {
                    KeepText::ClosedInQuarter
                } else {
                    KeepText::Nothing
                };
                read_file(f, (b * batch + i) as u32, &resolver, keep)
            })
            .flatten()
            .collect();
        settler.feed(outcomes);
    }
    Ok(settler.finish())
}

/// A record identified across quarter folders (cases by (unit, 案件编号),
/// referrals by 函告编号).
trait Keyed {
    type Key: std::hash::Hash + Eq;
    fn key(&self) -> Self::Key;
    fn origin(&self) -> Origin;
    /// Field name and value for a duplicate's rejection.
    fn id_field(&self) -> (&'static str, &str);
    /// (Chinese, English) message for a duplicate of a record first seen at `first`.
    fn duplicate_message(&self, first: &str, line: u64) -> (String, String);
}

impl Keyed for Case {
    type Key = (UnitId, Text);
    fn key(&self) -> Self::Key {
        (self.unit, self.case_id.clone())
    }
    fn origin(&self) -> Origin {
        self.origin
    }
    fn id_field(&self) -> (&'static str, &str) {
        ("case_id", &self.case_id)
    }
    fn duplicate_message(&self, first: &str, line: u64) -> (String, String) {
        (
            format!(
                "案件编号重复：同一季度文件夹中已有该单位的案件“{}”（{first} 第{line}行）",
                self.case_id
            ),
            format!(
                "duplicate case {} in the same quarter folder (first at {first} line {line})",
                self.case_id
            ),
        )
    }
}

impl Keyed for Referral {
    type Key = String;
    fn key(&self) -> Self::Key {
        self.ref_id.clone()
    }
    fn origin(&self) -> Origin {
        self.origin
    }
    fn id_field(&self) -> (&'static str, &str) {
        ("ref_id", &self.ref_id)
    }
    fn duplicate_message(&self, first: &str, line: u64) -> (String, String) {
        (
            format!(
                "函告编号重复：同一季度文件夹中已有“{}”（{first} 第{line}行）",
                self.ref_id
            ),
            format!(
                "duplicate referral {} in the same quarter folder (first at {first} line {line})",
                self.ref_id
            ),
        )
    }
}

/// The latest accepted record per key, fed in file-path (and so quarter) order.
struct Ledger<T: Keyed> {
    slots: Vec<T>,
    index: HashMap<T::Key, usize, rows::FastHash>,
}

impl<T: Keyed> Ledger<T> {
    fn new() -> Self {
        Ledger {
            slots: Vec::new(),
            index: HashMap::default(),
        }
    }

    /// Take an accepted record of file `fi`: a second copy in the same quarter
    /// folder is rejected; a copy from a later folder supersedes the earlier.
    fn add(&mut self, rec: T, fi: usize, files: &mut [InputFile], rejects: &mut Vec<Reject>) {
        let key = rec.key();
        let Some(&slot) = self.index.get(&key) else {
            self.index.insert(key, self.slots.len());
            self.slots.push(rec);
            return;
        };
        let prev = &self.slots[slot];
        let (po, o) = (prev.origin(), rec.origin());
        let pf = po.file as usize;
        if po.quarter == o.quarter {
            let (zh, en) = rec.duplicate_message(&files[pf].path, po.line);
            let (field, value) = rec.id_field();
            let f = &mut files[fi];
            f.counts.accepted -= 1;
            f.counts.rejected += 1;
            rejects.push(Reject {
                file: f.path.clone(),
                line: o.line,
                field,
                value: crate::privacy::scrub_numbers_only(value).into_owned(),
                code: codes::DUPLICATE,
                message: text::escape_controls(&crate::privacy::scrub_numbers_only(&zh)),
                message_en: text::escape_controls(&crate::privacy::scrub_numbers_only(&en)),
            });
        } else {
            let f = &mut files[pf];
            f.counts.accepted -= 1;
            f.counts.superseded += 1;
            // Output order is fixed by sorting at the end, so the later
            // record takes the earlier one's slot.
            self.slots[slot] = rec;
        }
    }

    fn into_records(self) -> Vec<T> {
        self.slots
    }
}

/// Settle duplicates within a quarter folder (the later row by path, then
/// line, is rejected) and superseding across folders (the latest quarter's
/// record wins), keeping every file's counts balanced. `outcomes` are in
/// file-path order, which is also quarter order.
pub fn settle(quarters: Vec<Quarter>, outcomes: Vec<FileOutcome>) -> Dataset {
    let mut s = Settler::new(quarters);
    s.feed(outcomes);
    s.finish()
}

/// `settle`, fed in batches (one quarter folder at a time): each batch in
/// file-path order, batches in order. File indices of the records are
/// positions in the whole sequence.
pub struct Settler {
    ds: Dataset,
    rejects: Vec<Reject>,
    cases: Ledger<Case>,
    refs: Ledger<Referral>,
    attendance: Attendance,
}

impl Settler {
    pub fn new(mut quarters: Vec<Quarter>) -> Settler {
        quarters.dedup();
        Settler {
            ds: Dataset {
                quarters,
                ..Default::default()
            },
            rejects: Vec::new(),
            cases: Ledger::new(),
            refs: Ledger::new(),
            attendance: HashMap::default(),
        }
    }

    /// Room for about `cases` distinct cases: reserved but untouched memory
    /// costs no RSS, and growing by doubling would copy the whole ledger.
    /// (The index is not reserved: a hash table touches all of its pages.)
    pub fn reserve_cases(&mut self, cases: usize) {
        let _ = self.cases.slots.try_reserve(cases);
    }

    pub fn feed(&mut self, outcomes: Vec<FileOutcome>) {
        let files = &mut self.ds.files;
        for o in outcomes {
            let fi = files.len();
            let FileOutcome {
                file,
                cases: file_cases,
                referrals,
                patrols,
                meetings,
                adjustments,
                rejects: mut file_rejects,
            } = o;
            files.push(file.unwrap_or_else(|| InputFile {
                path: String::new(),
                kind: FileKind::Cases,
                unit: None,
                encoding: None,
                sha256: String::new(),
                bytes: 0,
                quarter: None,
                counts: Counts::default(),
                error: None,
            }));
            if self.rejects.is_empty() {
                // No copy (a million rejected rows from one file are moved).
                self.rejects = file_rejects;
            } else {
                self.rejects.append(&mut file_rejects);
            }
            // A record's file index is its input's position here (a
            // workbook's sheets are several inputs of one file).
            let fi32 = fi as u32;
            for mut c in file_cases {
                c.origin.file = fi32;
                self.cases.add(c, fi, files, &mut self.rejects);
            }
            for mut r in referrals {
                r.origin.file = fi32;
                self.refs.add(r, fi, files, &mut self.rejects);
            }
            self.ds.patrols.extend(patrols.into_iter().map(|mut p| {
                p.origin.file = fi32;
                p
            }));
            for mut m in meetings {
                m.origin.file = fi32;
                if let Some(r) = attendance_conflict(&mut self.attendance, files, &m, fi) {
                    let f = &mut files[fi];
                    f.counts.accepted -= 1;
                    f.counts.rejected += 1;
                    self.rejects.push(r);
                } else {
                    self.ds.meetings.push(m);
                }
            }
            self.ds
                .adjustments
                .extend(adjustments.into_iter().map(|mut a| {
                    a.origin.file = fi32;
                    a
                }));
        }
    }
}

/// Attendance per (unit, meeting date): (attended, file, line) of the first accepted row.
type Attendance = HashMap<(UnitId, chrono::NaiveDate), (bool, usize, u64), rows::FastHash>;

/// Two rows for one unit and meeting date that disagree (× then √): the
/// first row (by file path, then line) stands and the later one is
/// rejected, so contradictory records never count as attended. A repeated
/// row that agrees changes nothing and is accepted.
fn attendance_conflict(
    attendance: &mut Attendance,
    files: &[InputFile],
    m: &Meeting,
    fi: usize,
) -> Option<Reject> {
    {
        let (first, ffile, fline) =
            *attendance
                .entry((m.unit, m.date))
                .or_insert((m.attended, fi, m.origin.line));
        if first == m.attended {
            return None;
        }
        let yn = |b: bool| if b { "出席" } else { "未出席" };
        let yn_en = |b: bool| if b { "attended" } else { "absent" };
        Some(Reject {
            file: files[fi].path.clone(),
            line: m.origin.line,
            field: "attended",
            value: yn(m.attended).into(),
            code: codes::CONFLICT,
            message: text::escape_controls(&format!(
                "与{} 第{fline}行矛盾：同一单位同一会议日期 {} 已记为“{}”，本行记为“{}”，本行不予采用",
                files[ffile].path,
                m.date,
                yn(first),
                yn(m.attended)
            )),
            message_en: text::escape_controls(&format!(
                "contradicts {} line {fline}: the same unit on meeting date {} is recorded as {} there and {} here; this row is not used",
                files[ffile].path,
                m.date,
                yn_en(first),
                yn_en(m.attended)
            )),
        })
    }
}

impl Settler {
    pub fn finish(self) -> Dataset {
        let Settler {
            mut ds,
            mut rejects,
            cases,
            refs,
            ..
        } = self;
        ds.cases = cases.into_records();
        // Keys are unique, so an unstable sort is deterministic.
        ds.cases
            .sort_unstable_by(|a, b| a.unit.cmp(&b.unit).then_with(|| a.case_id.cmp(&b.case_id)));
        ds.referrals = refs.into_records();
        ds.referrals.sort_by(|a, b| a.ref_id.cmp(&b.ref_id));
        rejects.sort_by(|a, b| {
            a.file
                .as_bytes()
                .cmp(b.file.as_bytes())
                .then(a.line.cmp(&b.line))
        });
        ds.rejects = rejects;
        ds
    }
}
