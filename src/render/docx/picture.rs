//! Charts in Word: each chart laid out once ([`crate::render::chart`]),
//! drawn as a PNG with the chart font and embedded as a picture; the
//! characters the font lacks are recorded for the missing-glyph report.
//! Without a font, a note stands where the chart would be.

use docx_rs::{Paragraph, Pic, Run};

use super::body::Doc;
use crate::render::chart::{self, Chart};

impl Doc<'_> {
    /// A chart as an embedded PNG, 150 mm wide at most; without a font, a
    /// note says where the chart would be.
    pub(super) fn chart(&mut self, c: &Chart) {
        let Some(font) = self.font else {
            let title = match c {
                Chart::Bar(b) => b.title.clone(),
                Chart::Line(l) => l.title.clone(),
            };
            self.push(
                Paragraph::new()
                    .style("Note")
                    .add_run(Run::new().add_text(format!(
                        "（图“{title}”未生成：未找到图表字体，请在配置 [fonts] 中指定字体文件）"
                    ))),
            );
            return;
        };
        let scene = chart::layout(c, &|s: &str, size: f32| font.measure(s, size));
        for t in scene.texts() {
            for ch in font.missing(&t.text) {
                self.missing.push(crate::render::typeset::MissingGlyph {
                    ch,
                    document: self.name.clone(),
                    place: scene.title.clone(),
                });
            }
        }
        let scale = 3.0f32;
        let Some(png) = font.render_png(&scene, scale) else {
            return;
        };
        self.images += 1;
        let (wpx, hpx) = (
            (scene.width * scale).ceil() as u32,
            (scene.height * scale).ceil() as u32,
        );
        // Size in EMU: points × 12700, at most the text width.
        let max_w = 150.0 / 25.4 * 914400.0_f64;
        let mut w = scene.width as f64 * 12700.0;
        let mut h = scene.height as f64 * 12700.0;
        if w > max_w {
            h *= max_w / w;
            w = max_w;
        }
        let pic = Pic::new_with_dimensions(png, wpx, hpx)
            .id(format!("rIdImage{}", self.images))
            .size(w as u32, h as u32);
        self.push(
            Paragraph::new()
                .style("Figure")
                .keep_lines(true)
                .add_run(Run::new().add_image(pic)),
        );
    }
}
