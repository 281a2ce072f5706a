//! Laid-out pages to PDF bytes with printpdf: fonts registered under names
//! derived from the glyphs they draw, metadata from the issue date, a
//! trailer /ID derived from the content, so that the same input always
//! gives the same bytes.
//!
//! An embedded subset font carries the six-capital subset tag of PDF 32000
//! §9.6.4 (`/BaseFont /QKXJRT+NotoSerifCJKsc-Regular`): printpdf writes the
//! first six characters of the font's resource id there, so the id is that
//! tag, made from a hash of the face's name and the glyph ids the pages
//! use ([`subset_tag`]), followed by the face number (unique resource
//! names even should two tags collide).
//!
//! Text goes to printpdf as glyph ids with their characters
//! ([`TextItem::GlyphIds`]), not as strings: for a string printpdf looks
//! each character up twice in the face's cmap (to collect the glyphs, then
//! to encode them), and its lookup scans the CJK cmap's segments one by
//! one; that was a sixth of a run rendering every document as PDF. The
//! ids come from the face the layout measured with (ttf-parser's cmap), and
//! the characters still make the /ToUnicode map.

use std::collections::BTreeSet;

use printpdf::{
    Codepoint, Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfDocument,
    PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Polygon,
    PolygonRing, Pt, TextItem, TextMatrix, WindingOrder,
};
use sha2::{Digest, Sha256};

use super::fonts::FontSet;
use super::layout::{Item, Page, Rgb, PAGE_H};
use crate::error::{Error, Result};

/// Document information.
pub struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    /// Seconds since the Unix epoch of the issue date (00:00 UTC).
    pub date: i64,
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb::new(
        f32::from(c.0) / 255.0,
        f32::from(c.1) / 255.0,
        f32::from(c.2) / 255.0,
        None,
    ))
}

fn pt(x: f32, y: f32) -> Point {
    Point {
        x: Pt(x),
        y: Pt(PAGE_H - y),
    }
}

/// The subset tag of a face (PDF 32000 §9.6.4): six capital letters from a
/// SHA-256 of the face's name and the glyph ids of its subset, so that the
/// same glyphs always give the same tag.
pub fn subset_tag(face: &str, glyphs: &BTreeSet<u16>) -> String {
    let mut h = Sha256::new();
    h.update(face.as_bytes());
    h.update([0]);
    for g in glyphs {
        h.update(g.to_be_bytes());
    }
    h.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

fn ops(page: &Page, ids: &[FontId], fonts: &FontSet) -> Vec<Op> {
    let mut ops = Vec::with_capacity(page.len() * 6);
    for it in page {
        match it {
            Item::Text {
                x,
                y,
                size,
                face,
                color: c,
                tc,
                rotate,
                text,
            } => {
                // Clockwise on the page (y down) is negative in PDF space.
                let a = (-rotate).to_radians();
                let (s, co) = (a.sin(), a.cos());
                ops.extend([
                    Op::StartTextSection,
                    Op::SetFillColor { col: color(*c) },
                    Op::SetFont {
                        font: PdfFontHandle::External(ids[*face].clone()),
                        size: Pt(*size),
                    },
                    Op::SetCharacterSpacing { multiplier: *tc },
                    Op::SetTextMatrix {
                        matrix: TextMatrix::Raw([co, s, -s, co, *x, PAGE_H - y]),
                    },
                    Op::ShowText {
                        items: vec![glyphs(fonts, *face, text)],
                    },
                    Op::EndTextSection,
                ]);
            }
            Item::Path {
                points,
                closed,
                fill,
                stroke,
            } => {
                if points.len() < 2 {
                    continue;
                }
                let lp: Vec<LinePoint> = points
                    .iter()
                    .map(|(x, y)| LinePoint {
                        p: pt(*x, *y),
                        bezier: false,
                    })
                    .collect();
                if let Some(f) = fill {
                    ops.push(Op::SetFillColor { col: color(*f) });
                }
                if let Some((c, w, dash)) = stroke {
                    ops.push(Op::SetOutlineColor { col: color(*c) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*w) });
                    ops.push(Op::SetLineDashPattern {
                        dash: if dash.is_empty() {
                            LineDashPattern::solid()
                        } else {
                            LineDashPattern::new(0.0, dash)
                        },
                    });
                }
                if *closed || fill.is_some() {
                    let mode = match (fill.is_some(), stroke.is_some()) {
                        (true, true) => PaintMode::FillStroke,
                        (true, false) => PaintMode::Fill,
                        _ => PaintMode::Stroke,
                    };
                    ops.push(Op::DrawPolygon {
                        polygon: Polygon {
                            rings: vec![PolygonRing { points: lp }],
                            mode,
                            winding_order: WindingOrder::NonZero,
                        },
                    });
                } else {
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: lp,
                            is_closed: false,
                        },
                    });
                }
            }
        }
    }
    ops
}

/// A run of text as the face's glyph ids, each with its character (for
/// /ToUnicode) and no offset.
fn glyphs(fonts: &FontSet, face: usize, text: &str) -> TextItem {
    let f = &fonts.faces[face];
    TextItem::GlyphIds(
        text.chars()
            .map(|c| Codepoint::with_cid(f.glyph_id(c), 0.0, c.to_string()))
            .collect(),
    )
}

/// zlib level for the PDF's streams. lopdf's own `compress` takes the best
/// (9), whose match search was an eighth of the time of a run that renders
/// every document as PDF; level 6 (zlib's default) gives files a few per
/// cent larger in a fraction of the time.
const STREAM_LEVEL: u32 = 6;

/// Compress every stream that allows it, as lopdf's `Document::compress`
/// does (kept plain when compressing does not make it smaller), at
/// [`STREAM_LEVEL`].
fn compress_streams(doc: &mut lopdf::Document) {
    use std::io::Write;
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut z = flate2::write::ZlibEncoder::new(
            Vec::with_capacity(stream.content.len() / 2),
            flate2::Compression::new(STREAM_LEVEL),
        );
        let Ok(packed) = z.write_all(&stream.content).and_then(|()| z.finish()) else {
            continue;
        };
        if packed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

/// Serialize the pages.
pub fn write(pages: &[Page], fonts: &FontSet, meta: &Meta) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(meta.title);
    // Register the faces the pages use under their subset tag and number
    // (QKXJRT1, …), not printpdf's counter-based names.
    let mut glyphs: Vec<Option<BTreeSet<u16>>> = vec![None; fonts.faces.len()];
    for p in pages {
        for it in p {
            if let Item::Text { face, text, .. } = it {
                let set = glyphs[*face].get_or_insert_with(BTreeSet::new);
                set.extend(text.chars().map(|c| fonts.faces[*face].glyph_id(c)));
            }
        }
    }
    let ids: Vec<FontId> = fonts
        .faces
        .iter()
        .zip(&glyphs)
        .enumerate()
        .map(|(i, (f, g))| match g {
            Some(g) => FontId(format!("{}{}", subset_tag(&f.label, g), i + 1)),
            None => f.id.clone(),
        })
        .collect();
    for (i, f) in fonts.faces.iter().enumerate() {
        if glyphs[i].is_some() {
            doc.resources
                .fonts
                .map
                .insert(ids[i].clone(), PdfFont::new(f.parsed()?.clone()));
        }
    }
    let info = &mut doc.metadata.info;
    // printpdf's default is the Unix epoch, never the clock.
    let date =
        printpdf::OffsetDateTime::from_unix_timestamp(meta.date).unwrap_or(info.creation_date);
    info.author = meta.author.to_string();
    info.creator = "minebrief".into();
    info.producer = "minebrief (printpdf 0.12)".into();
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    let pdf_pages: Vec<PdfPage> = pages
        .iter()
        .map(|p| PdfPage::new(Mm(210.0), Mm(297.0), ops(p, &ids, fonts)))
        .collect();
    doc.with_pages(pdf_pages);

    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(Error::Other(format!(
            "PDF 生成失败（{}）：{:?} / PDF generation failed ({}): {:?}",
            meta.title, w.msg, meta.title, w.msg
        )));
    }
    // A stable /ID: from the title, the author and the issue date.
    let digest = Sha256::digest(format!("{}|{}|{}", meta.title, meta.author, meta.date));
    let id = lopdf::Object::String(
        hex::encode(&digest[..16]).into_bytes(),
        lopdf::StringFormat::Literal,
    );
    lo.trailer
        .set("ID", lopdf::Object::Array(vec![id.clone(), id]));
    compress_streams(&mut lo);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| Error::Other(format!("PDF 写出失败 / cannot write PDF: {e}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text goes out as the face's own glyph ids, each with the character
    /// it stands for (the /ToUnicode map is made from these).
    #[test]
    fn text_is_the_faces_glyph_ids_with_their_characters() {
        let fonts = FontSet::shipped().unwrap();
        let face = &fonts.faces[0];
        let TextItem::GlyphIds(ids) = glyphs(&fonts, 0, "通报A 1") else {
            panic!("text must go out as glyph ids");
        };
        let got: Vec<(u16, Option<&str>)> = ids.iter().map(|g| (g.gid, g.cid.as_deref())).collect();
        let want: Vec<(u16, Option<&str>)> = ["通", "报", "A", " ", "1"]
            .iter()
            .map(|s| (face.glyph_id(s.chars().next().unwrap()), Some(*s)))
            .collect();
        assert_eq!(got, want);
        // Every one is a real glyph of the face (0 is .notdef), and they differ.
        assert!(got.iter().all(|(g, _)| *g != 0), "{got:?}");
        let distinct: BTreeSet<u16> = got.iter().map(|(g, _)| *g).collect();
        assert_eq!(distinct.len(), 5);
        assert!(ids.iter().all(|g| g.offset == 0.0));
    }
}
