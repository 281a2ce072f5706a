//! HTML rendering. A document's body is drawn from the format-neutral
//! model ([`crate::report::doc::Document`]) by [`draw`]: this module knows
//! how HTML draws a masthead, a heading, a table or a chart, and nothing of
//! any document's wording. The page frame and its CSS (`base.html`) and the
//! index page (`index.html`) are tera templates of their own, embedded from
//! `templates/` and overridable file by file through
//! `output.templates_dir` (as mdBook and zola do).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use tera::{Context, Tera};

use crate::error::{Error, Result};
use crate::report::doc::{self, date_text, labels};
use crate::report::markup;

/// The embedded page templates: (name, text), kept in the report's registry.
pub use crate::report::markup::PAGE_TEMPLATES as TEMPLATES;

/// A tera engine with the embedded page templates, each replaced by a file
/// of the same name in `override_dir` when there is one.
pub struct HtmlRenderer {
    tera: Arc<Tera>,
}

/// Escape for HTML, with control characters removed first.
fn html_escape(s: &str) -> String {
    tera::escape_html(&doc::clean(s))
}

impl HtmlRenderer {
    pub fn new(override_dir: Option<&Path>) -> Result<HtmlRenderer> {
        let list = markup::load_templates(TEMPLATES, override_dir)?;
        let mut tera = Tera::default();
        markup::secure(&mut tera);
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(html_escape);
        tera.add_raw_templates(list)
            .map_err(|e| markup::template_error(&e))?;
        Ok(HtmlRenderer {
            tera: Arc::new(tera),
        })
    }

    /// Render a template with a serialisable context (bounded in time and
    /// size, as every user template is).
    pub fn render<T: Serialize>(&self, template: &str, ctx: &T) -> Result<String> {
        let ctx = Context::from_serialize(ctx).map_err(|e| markup::template_error(&e))?;
        markup::render_bounded(&self.tera, template, ctx)
    }
}

fn esc(s: &str) -> String {
    html_escape(s)
}

fn table(out: &mut String, t: &doc::Table) {
    if t.rows.is_empty() {
        return;
    }
    out.push_str("<table>\n");
    if !t.caption.is_empty() || t.unit.is_some() {
        out.push_str("<caption>");
        out.push_str(&esc(&t.caption));
        if let Some(u) = &t.unit {
            let _ = write!(out, "<span class=\"unit\">{}</span>", esc(u));
        }
        out.push_str("</caption>\n");
    }
    let class = |k: doc::Column| match (k.align, k.numeric) {
        (_, true) | (doc::Align::Right, _) => " class=\"num\"",
        (doc::Align::Center, _) => " class=\"c\"",
        _ => "",
    };
    let span = |c: &doc::Cell| {
        if c.span > 1 {
            format!(" colspan=\"{}\"", c.span)
        } else {
            String::new()
        }
    };
    out.push_str("<thead>");
    for r in &t.head {
        out.push_str("<tr>");
        let mut col = 0;
        for c in r {
            let k = t.column(col);
            let cls = if k.align == doc::Align::Right || k.numeric {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<th{cls}{}>{}</th>", span(c), esc(&c.text));
            col += c.span.max(1);
        }
        out.push_str("</tr>");
    }
    out.push_str("</thead>\n<tbody>\n");
    for r in &t.rows {
        out.push_str("<tr>");
        let mut col = 0;
        for c in r {
            let k = t.cell_column(c, col);
            let _ = write!(out, "<td{}{}>{}</td>", class(k), span(c), esc(&c.text));
            col += c.span.max(1);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    for n in &t.notes {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(n));
    }
}

fn blocks(out: &mut String, list: &[doc::Block]) {
    for b in list {
        match b {
            doc::Block::Heading {
                level,
                number,
                text,
            } => {
                let h = (*level).clamp(1, 4) + 1;
                let _ = writeln!(out, "<h{h}>{}{}</h{h}>", esc(number), esc(text));
            }
            doc::Block::Para { text } => {
                let _ = writeln!(out, "<p>{}</p>", esc(text));
            }
            doc::Block::Note { text } => {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(text));
            }
            doc::Block::Table(t) => table(out, t),
            doc::Block::Chart { chart } => {
                // The SVG is made by our chart module (every label escaped).
                let _ = writeln!(out, "<div class=\"chart\">{}</div>", chart.to_svg());
            }
        }
    }
}

/// Width of a text in em of its size: full-width characters one em, others
/// half (as 仿宋 sets digits and Latin letters).
fn em_width(s: &str) -> f32 {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x1100 && !('\u{FF61}'..='\u{FF9F}').contains(&c) {
                1.0
            } else {
                0.5
            }
        })
        .sum()
}

/// The text block (156 mm) in points.
const TEXT_PT: f32 = 156.0 / 25.4 * 72.0;

/// The issuing office as the PDF sets it: on one line at 26–32 pt when it
/// fits at 26 pt (larger than the 22 pt title), else on lines of about
/// equal length, as large as the longest allows (at most 32 pt).
fn masthead_html(office: &str) -> (Vec<String>, f32) {
    let chars: Vec<char> = office.chars().collect();
    let total = em_width(office).max(0.5);
    let n = ((total * 26.0 / TEXT_PT).ceil() as usize).clamp(1, chars.len().max(1));
    let per = chars.len().div_ceil(n).max(1);
    let lines: Vec<String> = chars.chunks(per).map(|c| c.iter().collect()).collect();
    let longest = lines.iter().map(|l| em_width(l)).fold(0.5, f32::max);
    let size = (TEXT_PT / longest).clamp(26.0, 32.0);
    (lines, (size * 2.0).round() / 2.0)
}

/// 署名 and 成文日期 (GB/T 9704 §7.3.5) as left padding in em of the 16 pt
/// body: (office, date). Without a seal the office ends two characters in
/// and the date starts two characters right of it; with one the date ends
/// four characters in and the office is centred over it.
fn signature_em(office: &str, date: &str, sealed: bool) -> (f32, f32) {
    let text = TEXT_PT / 16.0;
    let (wo, wd) = (em_width(office), em_width(date));
    if sealed {
        let xd = text - 4.0 - wd;
        ((xd + wd / 2.0 - wo / 2.0).max(0.0), xd.max(0.0))
    } else {
        let mut xo = text - 2.0 - wo;
        let mut xd = xo + 2.0;
        if xd + wd > text - 2.0 {
            xd = text - 2.0 - wd;
            xo = xd - 2.0;
        }
        (xo.max(0.0), xd.max(0.0))
    }
}

/// The body of a document page: masthead, title, text, signature,
/// attachments and 版记, as HTML.
pub fn draw(d: &doc::Document) -> String {
    let mut out = String::new();
    if !d.office.is_empty() {
        // 版头 (GB/T 9704 §7.2): the office, the 发文字号 two lines below
        // it, the red rule 4 mm below the 发文字号.
        let (lines, pt) = masthead_html(&d.office);
        let lines: Vec<String> = lines.iter().map(|l| esc(l)).collect();
        let _ = writeln!(
            out,
            "<div class=\"masthead\" style=\"font-size: {pt}pt; margin: 35mm 0 0\">{}</div>",
            lines.join("<br>")
        );
    }
    if let Some(n) = &d.number {
        let _ = writeln!(out, "<p class=\"docno\">{}</p>", esc(n));
    }
    if let Some(s) = &d.signer {
        let _ = writeln!(out, "<p class=\"docno\">{}{}</p>", labels::SIGNER, esc(s));
    }
    if !d.office.is_empty() {
        let cls = if d.number.is_some() || d.signer.is_some() {
            "redline numbered"
        } else {
            "redline"
        };
        let _ = writeln!(out, "<hr class=\"{cls}\">");
    }
    let _ = writeln!(out, "<h1 class=\"title\">{}</h1>", esc(&d.title));
    if let Some(a) = &d.addressee {
        let _ = writeln!(out, "<p class=\"noindent addressee\">{}</p>", esc(a));
    }
    blocks(&mut out, &d.body);
    // A blank line between the text and the 附件说明 (GB/T 9704 §7.3.4).
    for (i, l) in d.attachment_lines().iter().enumerate() {
        let cls = if i == 0 { " class=\"attachments\"" } else { "" };
        let _ = writeln!(out, "<p{cls}>{}</p>", esc(l));
    }
    if let Some(s) = &d.signature {
        let date = date_text(s.date);
        let (xo, xd) = signature_em(&s.office, &date, d.sealed);
        let cls = if d.sealed {
            "signature sealed"
        } else {
            "signature"
        };
        let _ = write!(out, "<div class=\"{cls}\">");
        if !s.office.is_empty() {
            let _ = write!(
                out,
                "<p style=\"padding-left: {xo:.2}em\">{}</p>",
                esc(&s.office)
            );
        }
        let _ = writeln!(
            out,
            "<p style=\"padding-left: {xd:.2}em\">{}</p></div>",
            esc(&date)
        );
    }
    for (i, a) in d.attachments.iter().enumerate() {
        let _ = writeln!(
            out,
            "<section class=\"appendix\">\n<p class=\"appendix-label\">{}</p>\n<h1 class=\"title\">{}</h1>",
            esc(&d.attachment_label(i)),
            esc(&a.title)
        );
        blocks(&mut out, &a.body);
        out.push_str("</section>\n");
    }
    if let Some(r) = &d.record {
        let (cc, printer, printed) = r.lines();
        out.push_str("<div class=\"record\">");
        if let Some(cc) = cc {
            let _ = write!(out, "<p class=\"cc\">{}</p>", esc(&cc));
        }
        let _ = writeln!(
            out,
            "<p class=\"printer\"><span>{}</span><span>{}</span></p></div>",
            esc(&printer),
            esc(&printed)
        );
    }
    out
}

/// The context of a document page: its title and its drawn body.
#[derive(Serialize)]
struct Page<'a> {
    title: &'a str,
    body: String,
}

/// The index page's context: the index and the run's warnings about the
/// documents (a document going out without a 发文字号, …).
#[derive(Serialize)]
struct IndexPage<'a> {
    #[serde(flatten)]
    index: &'a crate::report::IndexDoc,
    warnings: &'a [String],
}

/// Render every HTML file of a run: `index.html` (with `warnings` listed at
/// its top) and `<stem>.html` for each document model. (path relative to
/// the output folder, bytes)
pub fn render_docs(
    r: &HtmlRenderer,
    index: &crate::report::IndexDoc,
    models: &[(String, doc::Document)],
    warnings: &[String],
) -> Result<Vec<(String, Vec<u8>)>> {
    let page = IndexPage { index, warnings };
    let mut out = vec![(
        "index.html".to_string(),
        r.render("index.html", &page)?.into_bytes(),
    )];
    for (stem, d) in models {
        let page = Page {
            title: &d.title,
            body: draw(d),
        };
        out.push((
            format!("{stem}.html"),
            r.render("base.html", &page)
                .map_err(|e| Error::Other(format!("{stem}.html: {e}")))?
                .into_bytes(),
        ));
    }
    Ok(out)
}

impl super::Renderer for HtmlRenderer {
    fn format(&self) -> &'static str {
        "html"
    }
    fn render(&self, set: &super::DocumentSet<'_>) -> Result<Vec<(String, Vec<u8>)>> {
        render_docs(self, set.index, set.models, set.warnings)
    }
}
