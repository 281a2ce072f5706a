//! The fixed parts of a GB/T 9704 official document around its text: the
//! issuing office's name (发文机关标志, §7.2.4) and the red rule under it and
//! the 发文字号 (§7.2.7), the signature and date (署名, 成文日期, §7.3.5),
//! and the 版记 at the foot of an even page (§7.4). The 发文字号 and 主送机关
//! lines themselves are set where `flow` dispatches the blocks.
//! The masthead's size and lines come from
//! [`crate::render::typeset::page::masthead_setting`], shared with the Word
//! renderer.

use super::geometry::{
    BLACK, BODY_PT, BOTTOM, CJK_ASCENT, CJK_DESCENT, LEFT, MASTHEAD_TOP, MM, PAGE_NO_PT, PITCH,
    RECORD_RULE_W, RECORD_THIN_W, RED, RED_RULE_W, TEXT_W, TOP,
};
use super::Layout;
use crate::render::pdf::fonts::Role;
use crate::render::pdf::linebreak::{break_balanced, break_lines, line_width};
use crate::render::typeset::page::masthead_setting;

impl<'a> Layout<'a> {
    /// 发文机关标志 (§7.2.4): red, centred, its top 35 mm below the top of
    /// the text block on the first page, larger than the title
    /// ([`masthead_setting`]). The red rule follows in [`Self::red_rule`].
    pub(super) fn masthead(&mut self, office: &str) {
        let g = self.glyphs(Role::Title, office);
        let (lines, size) = masthead_setting(&g);
        let h = size * 1.25;
        if self.pages.len() == 1 && self.at_top() {
            // The top of the first line's ideographs at 35 mm.
            let top_in_box = h / 2.0 + 0.36 * size - CJK_ASCENT * size;
            self.y = TOP + MASTHEAD_TOP - top_in_box;
        }
        for r in lines {
            self.centred(&g[r], size, h, RED);
        }
        self.rule_pending = Some(false);
    }

    /// The red rule across the text block (§7.2.7): 4 mm below the
    /// 发文字号, or one line below the issuing office when there is none;
    /// the title follows two blank lines below it (§7.3.1).
    pub(super) fn red_rule(&mut self) {
        let Some(numbered) = self.rule_pending.take() else {
            return;
        };
        let y = if numbered {
            // The bottom of the 文号's characters in its last line box.
            let glyph_bottom = PITCH / 2.0 + 0.36 * BODY_PT + CJK_DESCENT * BODY_PT;
            self.y - PITCH + glyph_bottom + 4.0 * MM
        } else {
            self.y + PITCH * 0.5
        };
        self.hline(LEFT, LEFT + TEXT_W, y, RED_RULE_W, RED);
        // The title block adds a quarter line above itself.
        self.y = y + 1.75 * PITCH;
    }

    /// 版记 (§7.4): on an even page, its last rule on the text block's
    /// last line. A thick rule, 抄送 (one character in from both sides,
    /// wrapped lines aligned after the colon), a thin rule, 印发机关 (one
    /// character in) and 印发日期 (one character in from the right), a
    /// thick rule; 4号 (14 pt), one grid line each.
    pub(super) fn record(&mut self, cc: Option<&str>, printer: &str, printed: &str) {
        let size = PAGE_NO_PT;
        let lh = PITCH;
        let inner = TEXT_W - 2.0 * size;
        let gc = cc.map(|c| self.glyphs(Role::Body, c)).unwrap_or_default();
        let label = cc
            .and_then(|c| c.find('：').map(|i| c[..i + '：'.len_utf8()].to_string()))
            .map(|l| line_width(&self.glyphs(Role::Body, &l), size))
            .unwrap_or(0.0)
            .min(inner / 2.0);
        let cc_lines = if gc.is_empty() {
            Vec::new()
        } else {
            break_lines(&gc, size, inner, inner - label, 0.0)
        };
        // 印发机关 on balanced lines when it does not fit beside the date
        // (a character apart), the date on its last line.
        let gp = self.glyphs(Role::Body, printer);
        let gd = self.glyphs(Role::Body, printed);
        let wd = line_width(&gd, size);
        let room = (inner - wd - size).max(inner / 3.0);
        let mut printer_lines = break_balanced(&gp, size, room);
        if printer_lines.is_empty() {
            printer_lines.push(0..0);
        }
        let h = (cc_lines.len() + printer_lines.len()) as f32 * lh;
        // On an even page (1-based), below what is there with a line to spare.
        let even = self.pages.len().is_multiple_of(2);
        if !(even && (self.at_top() || self.y + PITCH + h <= BOTTOM + 0.01)) {
            let was_even = even;
            self.new_page();
            if was_even {
                // The text ends on a full even page: a blank odd page, then
                // the 版记's page, neither numbered.
                self.new_page();
            }
        }
        let n = self.pages.len() - 1;
        if n >= 1 && self.pages[n - 1].is_empty() && self.pages[n].is_empty() {
            self.unnumbered.insert(n - 1);
            self.unnumbered.insert(n);
        }
        let mut y = BOTTOM - h;
        self.hline(LEFT, LEFT + TEXT_W, y, RECORD_RULE_W, BLACK);
        for (i, r) in cc_lines.iter().enumerate() {
            let x = LEFT + size + if i == 0 { 0.0 } else { label };
            let line = &gc[r.clone()];
            let b = Self::baseline(y, lh, size);
            self.put(line, x, b, size, 0.0, BLACK, 0.0);
            y += lh;
        }
        if !cc_lines.is_empty() {
            self.hline(LEFT, LEFT + TEXT_W, y, RECORD_THIN_W, BLACK);
        }
        let mut b = y;
        for r in printer_lines {
            b = Self::baseline(y, lh, size);
            let line = gp[r].to_vec();
            self.put(&line, LEFT + size, b, size, 0.0, BLACK, 0.0);
            y += lh;
        }
        self.put(&gd, LEFT + TEXT_W - size - wd, b, size, 0.0, BLACK, 0.0);
        self.hline(LEFT, LEFT + TEXT_W, BOTTOM, RECORD_RULE_W, BLACK);
        self.y = BOTTOM;
    }

    /// 署名 and 成文日期 (§7.3.5): see
    /// [`Block::Signature`](super::Block::Signature). An office too long
    /// for its place is set on balanced lines.
    pub(super) fn signature(&mut self, office: Option<&str>, date: &str, sealed: bool) {
        let em = BODY_PT;
        let right = LEFT + TEXT_W;
        let gd = self.glyphs(Role::Body, date);
        let wd = line_width(&gd, em);
        let go = office
            .map(|o| self.glyphs(Role::Body, o))
            .unwrap_or_default();
        // (lines of the office, x of each line, x of the date)
        let (lines, xs, xd): (Vec<std::ops::Range<usize>>, Vec<f32>, f32) = if sealed {
            // The date four characters in; the office centred over it.
            let xd = right - 4.0 * em - wd;
            let centre = xd + wd / 2.0;
            let lines = break_balanced(&go, em, 2.0 * (right - centre));
            let xs = lines
                .iter()
                .map(|r| (centre - line_width(&go[r.clone()], em) / 2.0).max(LEFT))
                .collect();
            (lines, xs, xd)
        } else {
            // The office two characters in, the date two characters right of
            // the office's first character; a date longer than that stays
            // two characters in and moves the office left.
            let lines = break_balanced(&go, em, TEXT_W - 4.0 * em);
            let wo = lines
                .iter()
                .map(|r| line_width(&go[r.clone()], em))
                .fold(0.0, f32::max);
            let mut xo = right - 2.0 * em - wo;
            let mut xd = xo + 2.0 * em;
            if xd + wd > right - 2.0 * em {
                xd = right - 2.0 * em - wd;
                xo = xd - 2.0 * em;
            }
            let xo = xo.max(LEFT);
            let xs = lines.iter().map(|_| xo).collect();
            (lines, xs, xd.max(LEFT))
        };
        // With a seal: two blank lines for it above the office (its top
        // within a line of the text); without: one blank line.
        self.y += if sealed { 2.0 * PITCH } else { PITCH };
        self.ensure(PITCH * (lines.len() + 1) as f32);
        for (r, x) in lines.iter().zip(xs) {
            let y = Self::baseline(self.y, PITCH, em);
            let g = go[r.clone()].to_vec();
            self.put(&g, x, y, em, 0.0, BLACK, 0.0);
            self.y += PITCH;
        }
        let y = Self::baseline(self.y, PITCH, em);
        self.put(&gd, xd, y, em, 0.0, BLACK, 0.0);
        self.y += PITCH;
    }
}
