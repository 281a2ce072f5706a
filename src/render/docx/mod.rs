//! Word documents (`briefing.docx`, `assessment.docx`, `regions/*.docx`)
//! drawn from the format-neutral document model
//! ([`crate::report::doc::Document`]), as the HTML and the PDF are: this
//! module knows how Word draws a masthead, a heading, a table or a chart,
//! and nothing of any document's wording.
//!
//! GB/T 9704 layout: A4, margins top 37 mm, bottom 35 mm, left 28 mm,
//! right 26 mm; Word styles `Normal` (正文: 仿宋_GB2312 16 pt, first line
//! indented two characters, exact 28.95 pt line spacing), `Title` (标题:
//! 方正小标宋简体 22 pt), `Heading1` (标题 1: 黑体 16 pt), `Heading2`
//! (标题 2: 楷体_GB2312 16 pt), plus the red issuing-office line with a red
//! rule, tables with a repeating header row and right-aligned numbers,
//! charts as PNG images, and page numbers “— 1 —” (宋体 14 pt) in the
//! footer, right on odd pages and left on even pages.
//!
//! docx-rs builds the XML parts; this module zips them itself so that the
//! archive is deterministic (fixed entry timestamps from the issue date) and
//! adds what docx-rs cannot express (`w:tblHeader`, unique drawing ids).
//!
//! - [`styles`]: font names, page measures, the style sheet, the footers;
//! - [`body`]: the document under construction and its paragraphs
//!   (版头, title, text, headings, 署名, 版记);
//! - [`table`]: tables, their column widths and font size;
//! - [`picture`]: charts as PNG pictures;
//! - [`lines`]: line breaking as the PDF does it (title, office, 署名);
//! - [`pack`]: XML patches and the deterministic zip.

mod body;
mod lines;
mod pack;
mod picture;
mod styles;
mod table;

pub use styles::{FONT_BODY, FONT_HEI, FONT_KAI, FONT_SONG, FONT_TITLE};

use chrono::NaiveDate;
use docx_rs::Paragraph;

use crate::error::Result;
use crate::render::raster::ChartFont;
use crate::report::doc::{self, labels};
use body::Doc;

fn blocks(d: &mut Doc, list: &[doc::Block]) {
    for b in list {
        match b {
            doc::Block::Heading {
                level,
                number,
                text,
            } => d.heading(*level, &format!("{number}{text}")),
            doc::Block::Para { text } => d.para(text),
            doc::Block::Note { text } => d.styled("Note", text),
            doc::Block::Table(t) => d.model_table(t),
            doc::Block::Chart { chart } => d.chart(chart),
        }
    }
}

/// One document as a Word file; `name` (e.g. `briefing.docx`) is used in
/// reports of characters left out of charts.
pub fn draw(
    m: &doc::Document,
    name: &str,
    issued: NaiveDate,
    font: Option<&ChartFont>,
) -> Result<(Vec<u8>, Vec<crate::render::typeset::MissingGlyph>)> {
    let mut d = Doc::new(font, issued, name);
    if !m.office.is_empty() {
        d.masthead(&m.office, m.number.as_deref(), m.signer.as_deref());
    } else {
        if let Some(n) = &m.number {
            d.centred(n);
        }
        if let Some(s) = &m.signer {
            d.centred(&format!("{}{s}", labels::SIGNER));
        }
    }
    d.title(&m.title);
    if let Some(a) = &m.addressee {
        d.left(a);
    }
    blocks(&mut d, &m.body);
    let attachments = m.attachment_lines();
    if !attachments.is_empty() {
        // A blank line between the text and the 附件说明 (GB/T 9704 §7.3.4).
        d.push(Paragraph::new().style("Normal"));
    }
    for l in attachments {
        d.para(&l);
    }
    if let Some(s) = &m.signature {
        d.signature(s, m.sealed);
    }
    for (i, a) in m.attachments.iter().enumerate() {
        d.appendix(&m.attachment_label(i), &a.title);
        blocks(&mut d, &a.body);
    }
    if let Some(r) = &m.record {
        d.record(r);
    }
    let missing = std::mem::take(&mut d.missing);
    Ok((d.finish(issued)?, missing))
}

/// Every Word document of a run: `(stem, model)` → `<stem>.docx`.
/// Characters left out of charts are reported on stderr, as for the PDF.
pub fn render_docs(
    models: &[(String, doc::Document)],
    issued: NaiveDate,
    font: Option<&ChartFont>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (stem, m) in models {
        let name = format!("{stem}.docx");
        let (bytes, missing) = draw(m, &name, issued, font)?;
        for g in missing {
            if seen.insert((g.ch, g.document.clone())) {
                eprintln!("{g}");
            }
        }
        out.push((name, bytes));
    }
    Ok(out)
}

/// The Word renderer: the chart font (charts are pictures in Word; without
/// a CJK font they are replaced by a note).
pub struct DocxRenderer {
    pub font: Option<ChartFont>,
}

impl super::Renderer for DocxRenderer {
    fn format(&self) -> &'static str {
        "docx"
    }
    fn render(&self, set: &super::DocumentSet<'_>) -> Result<Vec<(String, Vec<u8>)>> {
        render_docs(set.models, set.issued, self.font.as_ref())
    }
}
