//! Where Word's lines break: the title, the issuing office, the 署名 and
//! the 版记's 印发机关 are broken and placed here as the PDF sets them
//! ([`crate::render::typeset`]'s line breaking on em-width glyphs), rather
//! than left to Word. Plain text in, lines and twips out: no docx-rs.

use super::styles::{mm, TEXT_WIDTH_MM};

pub(super) fn text_width(s: &str) -> usize {
    crate::render::typeset::width::text_width(s)
}

/// Glyphs for the PDF's line breaking with widths as Word sets them:
/// full-width characters one em, others `half` (a little over half an em
/// where a line must not overflow, exactly half where text is placed).
fn em_glyphs_with(text: &str, half: f32) -> Vec<crate::render::typeset::fonts::Glyph> {
    use crate::render::typeset::fonts::Glyph;
    text.chars()
        .map(|c| Glyph {
            c,
            face: 0,
            adv: if text_width(&c.to_string()) == 2 {
                1.0
            } else {
                half
            },
        })
        .collect()
}

/// [`em_glyphs_with`] half-width characters at 0.55 em, for breaking lines.
fn em_glyphs(text: &str) -> Vec<crate::render::typeset::fonts::Glyph> {
    em_glyphs_with(text, 0.55)
}

/// The issuing office's lines and size in points, as the PDF sets them
/// ([`crate::render::typeset::page::masthead_setting`]).
pub(super) fn masthead_lines(office: &str) -> (Vec<String>, f32) {
    let g = em_glyphs(office);
    let (lines, size) = crate::render::typeset::page::masthead_setting(&g);
    (
        lines
            .into_iter()
            .map(|r| g[r].iter().map(|g| g.c).collect())
            .collect(),
        size,
    )
}

/// The 印发机关's lines in the 版记 (14 pt, one character in from both
/// sides): one line when it fits beside the 印发日期 with a character
/// between them, else balanced lines that do.
pub(super) fn record_printer_lines(printer: &str, printed: &str) -> Vec<String> {
    use crate::render::typeset::linebreak::{break_balanced, line_width};
    const EM: f32 = 280.0;
    let inner = mm(TEXT_WIDTH_MM) as f32 - 2.0 * EM;
    let wd = line_width(&em_glyphs_with(printed, 0.5), EM);
    let room = (inner - wd - EM).max(inner / 3.0);
    let g = em_glyphs_with(printer, 0.5);
    let lines: Vec<String> = break_balanced(&g, EM, room)
        .into_iter()
        .map(|r| g[r].iter().map(|g| g.c).collect())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// 署名 and 成文日期 (GB/T 9704 §7.3.5), in twips from the left margin:
/// (office lines, indent of each, indent of the date). Without a seal the
/// office ends two characters in and the date starts two characters right
/// of it (a longer date ends two characters in and moves the office left);
/// with a seal the date ends four characters in and the office is centred
/// over it, on balanced lines when too wide for that.
pub(super) fn signature_place(
    office: &str,
    date: &str,
    sealed: bool,
) -> (Vec<String>, Vec<u32>, u32) {
    use crate::render::typeset::linebreak::{break_balanced, line_width};
    const EM: f32 = 320.0;
    let text = mm(TEXT_WIDTH_MM) as f32;
    // 仿宋's digits are half an em.
    let g = em_glyphs_with(office, 0.5);
    let wd = line_width(&em_glyphs_with(date, 0.5), EM);
    let lines_of = |width: f32| -> Vec<(String, f32)> {
        break_balanced(&g, EM, width)
            .into_iter()
            .map(|r| {
                let w = line_width(&g[r.clone()], EM);
                (g[r].iter().map(|g| g.c).collect(), w)
            })
            .collect()
    };
    let twips = |x: f32| x.max(0.0).round() as u32;
    if sealed {
        let xd = text - 4.0 * EM - wd;
        let centre = xd + wd / 2.0;
        let lines = lines_of(2.0 * (text - centre));
        let xs = lines.iter().map(|(_, w)| twips(centre - w / 2.0)).collect();
        (lines.into_iter().map(|(l, _)| l).collect(), xs, twips(xd))
    } else {
        let lines = lines_of(text - 4.0 * EM);
        let wo = lines.iter().map(|(_, w)| *w).fold(0.0, f32::max);
        let mut xo = text - 2.0 * EM - wo;
        let mut xd = xo + 2.0 * EM;
        if xd + wd > text - 2.0 * EM {
            xd = text - 2.0 * EM - wd;
            xo = xd - 2.0 * EM;
        }
        let xs = lines.iter().map(|_| twips(xo)).collect();
        (lines.into_iter().map(|(l, _)| l).collect(), xs, twips(xd))
    }
}

/// The title in lines of about equal width, as the PDF breaks it (22 pt on
/// the 156 mm text block).
pub(super) fn balanced_title_lines(text: &str) -> Vec<String> {
    let glyphs = em_glyphs(text);
    let width = (TEXT_WIDTH_MM / 25.4 * 72.0) as f32;
    crate::render::typeset::linebreak::break_balanced(&glyphs, 22.0, width)
        .into_iter()
        .map(|r| glyphs[r].iter().map(|g| g.c).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_printing_office_wraps_beside_the_date() {
        let office = "温州市打击非法采矿联合执法工作领导小组办公室";
        assert_eq!(
            record_printer_lines(office, "2026年10月15日印发"),
            vec!["温州市打击非法采矿联合", "执法工作领导小组办公室"]
        );
        assert_eq!(
            record_printer_lines("温州市打非办", "2026年10月15日印发"),
            vec!["温州市打非办"]
        );
    }

    #[test]
    fn title_lines_are_balanced() {
        let lines = balanced_title_lines("关于2026年第三季度温州市防汛抗旱检查工作情况的通报");
        assert_eq!(lines.len(), 2, "{lines:?}");
        let (a, b) = (text_width(&lines[0]), text_width(&lines[1]));
        assert!(a.abs_diff(b) <= 6, "{lines:?}");
        assert_eq!(
            balanced_title_lines("附件标题"),
            vec!["附件标题".to_string()]
        );
    }
}
