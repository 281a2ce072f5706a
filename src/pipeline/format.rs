//! The output formats of a run and `--format`'s list of them.

use crate::error::{Error, Result};

/// Output formats of the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Pdf,
    Docx,
    Xlsx,
    Parquet,
}

/// Parse `--format html,pdf,docx,xlsx` (any combination).
pub fn parse_formats(s: &str) -> Result<Vec<Format>> {
    let mut out = Vec::new();
    for part in s.split([',', '，']) {
        let p = part.trim().to_ascii_lowercase();
        let f = match p.as_str() {
            "" | "none" => continue,
            "html" => Format::Html,
            "pdf" => Format::Pdf,
            "docx" | "word" => Format::Docx,
            "xlsx" | "excel" => Format::Xlsx,
            "parquet" => Format::Parquet,
            _ => {
                return Err(Error::usage(
                    format!(
                        "未知的输出格式“{}”，可用 html、pdf、docx、xlsx、parquet",
                        part.trim()
                    ),
                    format!(
                        "unknown format “{}”: use html, pdf, docx, xlsx, parquet",
                        part.trim()
                    ),
                ))
            }
        };
        if !out.contains(&f) {
            out.push(f);
        }
    }
    // `--format ''` is a slip, not a request for no documents (say `none`).
    let none = s
        .split([',', '，'])
        .any(|p| p.trim().eq_ignore_ascii_case("none"));
    if out.is_empty() && !none {
        return Err(Error::usage(
            "--format 为空：请写 html、pdf、docx、xlsx 中的一个或多个（不要文档请写 none）",
            "--format is empty: give one or more of html, pdf, docx, xlsx (or none for data files only)",
        ));
    }
    Ok(out)
}
