//! Finding the input: the quarter folders of a data folder, the files in
//! them that are read ([`FileEntry`]), the data-like files left outside any
//! quarter folder, and the check that some case file is there to read.
//! Kept apart from reading because `validate` and `build` ask these
//! questions before a single file is opened.

use std::path::{Path, PathBuf};

use super::decode::{self, file_name_text};
use super::workbook;
use crate::error::{Error, Result};
use crate::model::*;
use crate::quarter::Quarter;

/// File extensions read from a quarter folder as text. Workbooks
/// (`workbook::WORKBOOK_EXT`) are read sheet by sheet; a WPS `.et` file is
/// listed so that it is reported (save as .xlsx) rather than silently ignored.
const READ_EXT: &[&str] = &["csv", "tsv", "txt"];
pub(super) const SPREADSHEET_EXT: &[&str] = &["et"];

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
