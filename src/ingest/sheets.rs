//! A workbook's worksheets as inputs: each sheet with a recognisable
//! header is read as an input of its own (`2026Q3/公安.xlsx#Sheet1`), its
//! kind the one whose header names the most known columns. The workbook is
//! opened in a child process (`sandbox`); its sheets' text is then read
//! like a CSV's (`read::read_text`).

use std::path::Path;

use super::folders::FileEntry;
use super::read::{blank_input, extension, read_text, unit_from_file_name, FileOutcome};
use super::rejects::fail;
use super::rows::{codes, KeepText};
use super::sandbox;
use super::table::Table;
use crate::config::names::Resolver;
use crate::model::*;
use crate::text;

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
    file.sha256 = hex::encode(crate::sha_pair::sha256(bytes));
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
            .then(|| resolver.unit(sheet.name.trim()).map(UnitId))
            .flatten()
            .or_else(|| {
                (kind == FileKind::Cases)
                    .then(|| unit_from_file_name(resolver, file_name))
                    .flatten()
            });
        let seed = FileOutcome {
            file: Some(sheet_file),
            ..Default::default()
        };
        outs.push(read_text(
            &sheet_entry,
            seed,
            &sheet.csv,
            index,
            resolver,
            keep_text,
            file_unit,
            false,
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
