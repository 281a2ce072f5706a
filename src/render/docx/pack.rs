//! The docx-rs parts zipped into a `.docx` with deflate and a fixed
//! timestamp (the issue date), so the same input gives the same bytes, and
//! the XML patches for what docx-rs cannot express: `w:tblHeader`, unique
//! drawing ids, the 版记's own section, a single `Normal` style.

use std::io::Write as _;

use chrono::{Datelike, NaiveDate};
use docx_rs::Docx;

use super::styles::RECORD_SECTION;
use crate::error::{Error, Result};

/// `w:tblHeader` on the first row of every table (docx-rs has no such
/// property); unique `wp:docPr` ids for the images.
fn patch_document(xml: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(xml);
    let mut out = String::with_capacity(s.len() + 1024);
    let mut rest: &str = &s;
    // Every table's first row carries <w:cantSplit />: add tblHeader there.
    while let Some(i) = rest.find("<w:tbl>") {
        out.push_str(&rest[..i + 7]);
        rest = &rest[i + 7..];
        if let Some(j) = rest.find("<w:trPr>") {
            out.push_str(&rest[..j + 8]);
            out.push_str("<w:tblHeader />");
            rest = &rest[j + 8..];
        }
    }
    out.push_str(rest);
    let mut n = 0;
    let mut fixed = String::with_capacity(out.len());
    let mut rest: &str = &out;
    const DOCPR: &str = "<wp:docPr id=\"";
    while let Some(i) = rest.find(DOCPR) {
        fixed.push_str(&rest[..i]);
        rest = &rest[i + DOCPR.len()..];
        let end = rest.find('"').unwrap_or(0);
        n += 1;
        fixed.push_str(&format!("{DOCPR}{n}"));
        rest = &rest[end..];
    }
    fixed.push_str(rest);
    record_section(&fixed).unwrap_or(fixed).into_bytes()
}

/// The 版记's own section (GB/T 9704 §7.4: on the last, even page, its last
/// rule on the last line): the empty [`RECORD_SECTION`] paragraph ends the
/// text's section with a copy of the document's section properties, and
/// the last section (the 版记) gets `w:type evenPage` (Word starts it on
/// the next even page, adding a blank page when needed) and `w:vAlign
/// bottom` (its text at the foot of the page). `None` when the document
/// has no 版记 or its XML is not as docx-rs writes it.
fn record_section(xml: &str) -> Option<String> {
    let marker = format!("<w:pStyle w:val=\"{RECORD_SECTION}\" />");
    let at = xml.find(&marker)?;
    let end_ppr = at + xml[at..].find("</w:pPr>")?;
    let start = xml.rfind("<w:sectPr")?;
    let end = start + xml[start..].find("</w:sectPr>")? + "</w:sectPr>".len();
    if end_ppr > start {
        return None;
    }
    let body_sect = &xml[start..end];
    // The last section: its type after the header/footer references, its
    // vertical alignment after the columns (CT_SectPr's order).
    let mut last = body_sect.to_string();
    let type_at = [
        "</w:sectPr>",
        "<w:pgSz",
        "<w:pgMar",
        "<w:cols",
        "<w:docGrid",
    ]
    .iter()
    .filter_map(|t| last.find(t))
    .min()?;
    last.insert_str(type_at, "<w:type w:val=\"evenPage\" />");
    let valign_at = match last.find("<w:cols") {
        Some(c) => c + last[c..].find("/>")? + 2,
        None => last.find("</w:sectPr>")?,
    };
    last.insert_str(valign_at, "<w:vAlign w:val=\"bottom\" />");
    let mut out = String::with_capacity(xml.len() + body_sect.len() + 64);
    out.push_str(&xml[..end_ppr]);
    out.push_str(&references_first(body_sect));
    out.push_str(&xml[end_ppr..start]);
    out.push_str(&references_first(&last));
    out.push_str(&xml[end..]);
    Some(out)
}

/// A `w:sectPr` with its header and footer references first, where
/// CT_SectPr has them (docx-rs writes them last).
fn references_first(sect: &str) -> String {
    let Some(open_end) = sect.find('>').map(|i| i + 1) else {
        return sect.to_string();
    };
    let mut refs = String::new();
    let mut rest = String::new();
    let mut s = &sect[open_end..];
    while let Some(i) = s.find('<') {
        rest.push_str(&s[..i]);
        s = &s[i..];
        let Some(j) = s.find('>') else { break };
        let el = &s[..=j];
        if el.starts_with("<w:headerReference") || el.starts_with("<w:footerReference") {
            refs.push_str(el);
        } else {
            rest.push_str(el);
        }
        s = &s[j + 1..];
    }
    rest.push_str(s);
    format!("{}{refs}{rest}", &sect[..open_end])
}

fn zerr(e: zip::result::ZipError) -> Error {
    Error::Other(format!(
        "无法生成 Word 文档：{e} / cannot build the docx file: {e}"
    ))
}

/// Zip the parts with deflate and a fixed timestamp (the issue date).
pub(super) fn pack(docx: Docx, issued: NaiveDate) -> Result<Vec<u8>> {
    let x = docx.build();
    let ts = zip::DateTime::from_date_and_time(
        issued.year().clamp(1980, 2107) as u16,
        issued.month() as u8,
        issued.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(ts)
        .unix_permissions(0o644);
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), x.content_type),
        ("_rels/.rels".into(), x.rels),
        ("docProps/app.xml".into(), x.doc_props.app),
        ("docProps/core.xml".into(), x.doc_props.core),
        ("docProps/custom.xml".into(), x.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), x.document_rels),
        ("word/document.xml".into(), patch_document(&x.document)),
        ("word/styles.xml".into(), single_normal(&x.styles)),
        ("word/settings.xml".into(), x.settings),
        ("word/fontTable.xml".into(), x.font_table),
        ("word/comments.xml".into(), x.comments),
        ("word/numbering.xml".into(), x.numberings),
        ("word/commentsExtended.xml".into(), x.comments_extended),
        ("word/footnotes.xml".into(), x.footnotes),
    ];
    for (i, h) in x.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), h));
    }
    for (i, r) in x.header_rels.into_iter().enumerate() {
        parts.push((format!("word/_rels/header{}.xml.rels", i + 1), r));
    }
    for (i, f) in x.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), f));
    }
    for (i, r) in x.footer_rels.into_iter().enumerate() {
        parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), r));
    }
    for (id, bytes) in x.media {
        parts.push((format!("word/media/{id}.png"), bytes));
    }
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zw.start_file(name, opts).map_err(zerr)?;
        zw.write_all(&bytes)
            .map_err(|e| zerr(zip::result::ZipError::Io(e)))?;
    }
    let cur = zw.finish().map_err(zerr)?;
    Ok(cur.into_inner())
}

/// docx-rs always writes its own empty `Normal` style before ours; keep
/// only the last definition of `Normal` (one definition per style id).
fn single_normal(xml: &[u8]) -> Vec<u8> {
    let Ok(styles) = std::str::from_utf8(xml) else {
        return xml.to_vec();
    };
    let key = r#"w:styleId="Normal""#;
    if styles.matches(key).count() < 2 {
        return xml.to_vec();
    }
    let Some(at) = styles.find(key) else {
        return xml.to_vec();
    };
    let Some(start) = styles[..at].rfind("<w:style ") else {
        return xml.to_vec();
    };
    // the element ends at its own `/>` (empty) or `</w:style>`
    let open_end = styles[start..].find('>').map(|i| start + i);
    let end = match open_end {
        Some(i) if styles[..i].ends_with('/') => i + 1,
        _ => match styles[start..].find("</w:style>") {
            Some(len) => start + len + "</w:style>".len(),
            None => return xml.to_vec(),
        },
    };
    format!("{}{}", &styles[..start], &styles[end..]).into_bytes()
}
