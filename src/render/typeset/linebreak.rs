//! Line breaking: UAX #14 break opportunities (unicode-linebreak) narrowed by
//! the Chinese typesetting rules (禁则): no line starts with closing
//! punctuation and no line ends with opening punctuation. A character that
//! would start a line illegally pulls the previous character down with it.

use std::ops::Range;

use super::fonts::Glyph;

/// Characters that must not start a line.
pub const NO_START: &str = "，。、；：？！）》”’」』】〕〉…%‰℃·,.;:?!)]}";
/// Characters that must not end a line.
pub const NO_END: &str = "（《“‘「『【〔〈([{";

/// Break positions: `allowed[i]` is true when a line may start at glyph `i`.
pub fn opportunities(glyphs: &[Glyph]) -> Vec<bool> {
    let s: String = glyphs.iter().map(|g| g.c).collect();
    let mut allowed = vec![false; glyphs.len() + 1];
    // byte offset -> glyph index
    let mut at = vec![usize::MAX; s.len() + 1];
    for (i, (b, _)) in s.char_indices().enumerate() {
        at[b] = i;
    }
    at[s.len()] = glyphs.len();
    for (b, _) in unicode_linebreak::linebreaks(&s) {
        if let Some(&i) = at.get(b) {
            if i != usize::MAX && i <= glyphs.len() {
                allowed[i] = true;
            }
        }
    }
    for i in 1..glyphs.len() {
        if NO_START.contains(glyphs[i].c) || NO_END.contains(glyphs[i - 1].c) {
            allowed[i] = false;
        }
    }
    allowed
}

/// Break `glyphs` (set at `size` points) into lines: the first at most
/// `first` points wide, the others `width`. `squeeze` is how much each gap
/// between characters may shrink when justifying (points), so that e.g. 28
/// characters of 16 pt (448 pt) fit the 442 pt GB/T 9704 line.
pub fn break_lines(
    glyphs: &[Glyph],
    size: f32,
    first: f32,
    width: f32,
    squeeze: f32,
) -> Vec<Range<usize>> {
    let n = glyphs.len();
    if n == 0 {
        return Vec::new();
    }
    let allowed = opportunities(glyphs);
    let mut lines = Vec::new();
    let mut start = 0;
    while start < n {
        let avail = if lines.is_empty() { first } else { width };
        let mut w = 0.0;
        let mut end = n;
        #[allow(clippy::needless_range_loop)]
        // i also indexes `allowed` and bounds the break search
        for i in start..n {
            w += glyphs[i].adv * size;
            let gaps = (i - start) as f32;
            // Trailing spaces hang in the margin.
            let fits = w - gaps * squeeze <= avail + 0.01 || glyphs[i].c == ' ';
            if !fits && i > start {
                // Last allowed break in (start, i].
                let b = (start + 1..=i).rev().find(|&k| allowed[k]);
                end = match b {
                    Some(b) => b,
                    None => {
                        // One unbreakable run longer than the line: cut it,
                        // still keeping closing punctuation off the next line.
                        if NO_START.contains(glyphs[i].c) && i - 1 > start {
                            i - 1
                        } else {
                            i
                        }
                    }
                };
                break;
            }
        }
        lines.push(start..end);
        start = end;
        // No line starts with a space.
        while start < n && glyphs[start].c == ' ' {
            start += 1;
        }
    }
    lines
}

/// Break into about equal lines (for centred titles): as few lines as the
/// greedy break needs, each as short as still gives that many.
pub fn break_balanced(glyphs: &[Glyph], size: f32, width: f32) -> Vec<Range<usize>> {
    let greedy = break_lines(glyphs, size, width, width, 0.0);
    if greedy.len() <= 1 {
        return greedy;
    }
    if greedy.len() == 2 {
        if let Some(k) = title_split(glyphs, size, width) {
            return vec![0..k, k..glyphs.len()];
        }
    }
    let total: f32 = glyphs.iter().map(|g| g.adv * size).sum();
    let mut w = total / greedy.len() as f32;
    while w < width {
        let lines = break_lines(glyphs, size, w, w, 0.0);
        if lines.len() <= greedy.len() {
            return lines;
        }
        w += size / 2.0;
    }
    greedy
}

/// Where a two-line title reads best: after a place name or a word that
/// ends a phrase (温州市｜打击…, …工作情况的｜通报), with the two lines as
/// even as possible — never inside a word such as 打击. `None` when no such
/// break fits.
fn title_split(glyphs: &[Glyph], size: f32, width: f32) -> Option<usize> {
    const AFTER: &[char] = &[
        '市', '县', '区', '于', '的', '度', '、', '）', '》', '室', '组',
    ];
    let total: f32 = glyphs.iter().map(|g| g.adv * size).sum();
    let mut best: Option<(f32, usize)> = None;
    let mut w1 = 0.0f32;
    for k in 1..glyphs.len() {
        w1 += glyphs[k - 1].adv * size;
        let w2 = total - w1;
        if w1 > width || w2 > width {
            continue;
        }
        // No line may start with closing punctuation.
        if "，。、；：？！）》”".contains(glyphs[k].c) {
            continue;
        }
        if !AFTER.contains(&glyphs[k - 1].c) {
            continue;
        }
        let d = (w1 - w2).abs();
        // Uneven by more than a third of the width reads worse than a plain
        // balanced break.
        if d > width / 3.0 {
            continue;
        }
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Natural width of a line in points.
pub fn line_width(glyphs: &[Glyph], size: f32) -> f32 {
    glyphs.iter().map(|g| g.adv * size).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(s: &str) -> Vec<Glyph> {
        s.chars()
            .map(|c| Glyph {
                c,
                face: 0,
                adv: if c.is_ascii() { 0.5 } else { 1.0 },
            })
            .collect()
    }

    fn text(g: &[Glyph], r: &Range<usize>) -> String {
        g[r.clone()].iter().map(|g| g.c).collect()
    }

    #[test]
    fn titles_break_after_a_place_name_not_inside_a_word() {
        let g = glyphs("2026年第三季度温州市防汛抗旱检查工作考核通报");
        let lines = break_balanced(&g, 1.0, 15.0);
        let t: Vec<String> = lines.iter().map(|r| text(&g, r)).collect();
        assert_eq!(t, ["2026年第三季度温州市", "防汛抗旱检查工作考核通报"]);
    }

    #[test]
    fn twenty_eight_characters_per_line() {
        let g = glyphs(&"温".repeat(60));
        let lines = break_lines(&g, 16.0, 442.2 - 32.0, 442.2, 0.3);
        let lens: Vec<usize> = lines.iter().map(|r| r.len()).collect();
        assert_eq!(lens, vec![26, 28, 6]);
    }

    #[test]
    fn no_closing_punctuation_at_line_start() {
        // The comma would fall at the start of line 2: the 5th character comes
        // down with it.
        let g = glyphs("一二三四五，六七八九十。");
        let lines = break_lines(&g, 10.0, 50.0, 50.0, 0.0);
        let t: Vec<String> = lines.iter().map(|r| text(&g, r)).collect();
        assert_eq!(t, vec!["一二三四", "五，六七八", "九十。"]);
        for l in &t[1..] {
            assert!(!NO_START.contains(l.chars().next().unwrap()));
        }
    }

    #[test]
    fn no_opening_punctuation_at_line_end() {
        let g = glyphs("一二三四《五六》七八九十");
        let lines = break_lines(&g, 10.0, 50.0, 50.0, 0.0);
        let t: Vec<String> = lines.iter().map(|r| text(&g, r)).collect();
        for l in &t {
            assert!(!NO_END.contains(l.chars().last().unwrap()), "{t:?}");
        }
        assert_eq!(t.concat(), "一二三四《五六》七八九十");
    }

    #[test]
    fn numbers_stay_whole() {
        let g = glyphs("共计一二三12.5%的案件");
        let lines = break_lines(&g, 10.0, 60.0, 60.0, 0.0);
        let t: Vec<String> = lines.iter().map(|r| text(&g, r)).collect();
        assert!(t.iter().any(|l| l.contains("12.5%")), "{t:?}");
    }

    #[test]
    fn overlong_word_is_cut() {
        let g = glyphs(&"A".repeat(50));
        let lines = break_lines(&g, 10.0, 60.0, 60.0, 0.0);
        assert_eq!(lines.len(), 5);
        assert!(lines.iter().all(|r| !r.is_empty()));
    }

    #[test]
    fn balanced_title() {
        let g = glyphs("关于2024年第三季度温州市防汛抗旱检查工作情况的通报");
        let lines = break_balanced(&g, 22.0, 442.0);
        assert_eq!(lines.len(), 2);
        let a = line_width(&g[lines[0].clone()], 22.0);
        let b = line_width(&g[lines[1].clone()], 22.0);
        assert!((a - b).abs() <= 44.0, "{a} {b}");
    }
}
