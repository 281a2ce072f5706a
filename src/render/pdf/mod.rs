//! PDF rendering: the report contexts drawn in GB/T 9704 official-document
//! layout with embedded Chinese fonts, by a small layout engine of our own on
//! printpdf's drawing operations (not a conversion of the HTML).
//!
//! - [`fonts`], [`linebreak`]: the fonts and line breaking, shared with the
//!   Word renderer ([`crate::render::typeset`]);
//! - [`layout`]: the document model ([`Block`]) and the page layout;
//! - [`emit`]: pages to deterministic PDF bytes;
//! - [`docs`]: the format-neutral document model
//!   ([`crate::report::doc::Document`]) as layout blocks.

pub mod docs;
pub mod emit;
pub mod layout;

/// Shared with the other renderers ([`crate::render::typeset`]).
pub use crate::render::typeset::{fonts, linebreak};

pub use fonts::{FontSet, Role};
pub use layout::{Align, Block, Cell, MissingGlyph, TableBlock};

use crate::config::Fonts as FontCfg;
use crate::error::Result;

/// A document to render: metadata and blocks.
pub struct Document {
    pub title: String,
    pub author: String,
    /// Issue date, for the PDF dates.
    pub date: Option<chrono::NaiveDate>,
    pub blocks: Vec<Block>,
}

/// The PDF renderer: fonts loaded once, any number of documents.
pub struct PdfRenderer {
    fonts: FontSet,
}

/// A rendered PDF and the characters no font could draw.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub missing: Vec<MissingGlyph>,
}

impl PdfRenderer {
    /// The shipped fonts, each role replaced by the user's file where `cfg`
    /// names one.
    pub fn new(cfg: &FontCfg) -> Result<PdfRenderer> {
        Ok(PdfRenderer {
            fonts: FontSet::new(cfg)?,
        })
    }

    pub fn fonts(&self) -> &FontSet {
        &self.fonts
    }

    /// Lay out and serialize one document; `name` (e.g. `briefing.pdf`) is
    /// used in missing-glyph reports.
    pub fn render(&self, doc: &Document, name: &str) -> Result<Rendered> {
        let (pages, missing) = layout::Layout::new(&self.fonts, name).run(&doc.blocks);
        let date = doc
            .date
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp())
            .unwrap_or(0);
        let bytes = emit::write(
            &pages,
            &self.fonts,
            &emit::Meta {
                title: &doc.title,
                author: &doc.author,
                date,
            },
        )?;
        Ok(Rendered {
            bytes,
            pages: pages.len(),
            missing: missing.into_iter().collect(),
        })
    }
}

/// Rendered files (path, bytes) and the characters no font could draw.
pub type RenderedDocs = (Vec<(String, Vec<u8>)>, Vec<MissingGlyph>);

/// Render every document of a run: `(stem, model)` → `<stem>.pdf`
/// (`briefing.pdf`, `assessment.pdf`, `regions/<region>.pdf`).
/// Missing characters are reported on stderr (one line each) and returned.
pub fn render_docs(
    r: &PdfRenderer,
    models: &[(String, crate::report::doc::Document)],
) -> Result<RenderedDocs> {
    let list: Vec<(String, Document)> = models
        .iter()
        .map(|(stem, d)| (format!("{stem}.pdf"), docs::draw(d)))
        .collect();
    // Documents are independent: laid out and written in parallel, kept in
    // list order (an error is the first document's in that order).
    use rayon::prelude::*;
    let rendered: Vec<Result<(String, Rendered)>> = list
        .into_par_iter()
        .map(|(name, doc)| r.render(&doc, &name).map(|out| (name, out)))
        .collect();
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for r in rendered {
        let (name, out) = r?;
        for m in &out.missing {
            eprintln!("{m}");
        }
        missing.extend(out.missing);
        files.push((name, out.bytes));
    }
    Ok((files, missing))
}

impl crate::render::Renderer for PdfRenderer {
    fn format(&self) -> &'static str {
        "pdf"
    }
    fn render(&self, set: &crate::render::DocumentSet<'_>) -> Result<Vec<(String, Vec<u8>)>> {
        render_docs(self, set.models).map(|(files, _missing)| files)
    }
}
