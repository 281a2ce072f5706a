//! Typesetting shared by every renderer that sets text itself (PDF, Word,
//! chart pictures): the fonts ([`fonts`]), Chinese line breaking
//! ([`linebreak`]), text width in cells ([`width`]), the GB/T 9704 text
//! block and masthead sizes ([`page`]), and the report of characters no
//! font has ([`MissingGlyph`]). Renderers depend on this module, never on
//! each other.

pub mod fonts;
pub mod linebreak;
pub mod page;
pub mod width;

/// A character no configured font has.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MissingGlyph {
    pub ch: char,
    pub document: String,
    pub place: String,
}

impl std::fmt::Display for MissingGlyph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "警告：字符“{c}”（U+{u:04X}）不在任何字体中，未绘制：{d}，{p} / warning: character {c:?} (U+{u:04X}) is in none of the fonts, not drawn: {d}, {p}",
            c = self.ch,
            u = self.ch as u32,
            d = self.document,
            p = self.place
        )
    }
}
