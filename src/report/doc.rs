//! The format-neutral document model: what a document says, not how a
//! format draws it. Every document (briefing, region report, assessment) is
//! built once as a [`Document`] from its template (see [`super::markup`]);
//! the HTML, PDF and Word renderers draw a `Document` and know nothing of
//! any document's sections or sentences.
//!
//! The elements follow GB/T 9704-2012: 版头 (发文机关标志, 发文字号, 签发人),
//! 主体 (标题, 主送机关, 正文 with headings at four levels, 附件说明, 署名,
//! 成文日期, 附件) and 版记 (抄送, 印发机关, 印发日期). Dates stay dates here;
//! a renderer writes them with [`date_text`].
//!
//! Text reaching the model is cleaned once ([`clean`]): control characters
//! (NUL, ESC, U+FFFE …) are removed, so no renderer can copy one into its
//! output (Word reports such a file as damaged).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::report::chart::Chart;

/// The labels of the GB/T 9704 elements (not wording of any document: every
/// document of this kind prints them, and renderers take them from here).
pub mod labels {
    /// Before the attachment list after the body: 附件：1. 典型案例
    pub const ATTACHMENTS: &str = "附件";
    /// 签发人：张三
    pub const SIGNER: &str = "签发人：";
    /// 抄送：…
    pub const CC: &str = "抄送：";
    /// 2026年10月15日印发
    pub const PRINTED: &str = "印发";
}

/// A document: 版头, 主体 and 版记.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// 发文机关标志 (empty: no masthead).
    pub office: String,
    /// 发文字号, e.g. 温打非采办〔2026〕3号.
    pub number: Option<String>,
    /// 签发人 (上行文 only).
    pub signer: Option<String>,
    pub title: String,
    /// 主送机关, ending with ：
    pub addressee: Option<String>,
    pub body: Vec<Block>,
    /// 署名 and 成文日期.
    pub signature: Option<Signature>,
    pub attachments: Vec<Attachment>,
    /// 版记.
    pub record: Option<Record>,
    /// Sealed (加盖印章): 署名 and 成文日期 are placed around the seal
    /// (GB/T 9704 §7.3.5.1) instead of §7.3.5.2.
    #[serde(default)]
    pub sealed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// 署名: the issuing office (may be empty: date only).
    pub office: String,
    /// 成文日期.
    pub date: NaiveDate,
}

/// 附件: its title and its own blocks (headings numbered afresh).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub title: String,
    pub body: Vec<Block>,
}

/// 版记: 抄送, 印发机关, 印发日期.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub cc: Vec<String>,
    pub printer: String,
    pub printed: NaiveDate,
}

impl Record {
    /// 版记 lines: 抄送：a，b。 (when any), 印发机关, 2026年10月15日印发.
    pub fn lines(&self) -> (Option<String>, String, String) {
        let cc = (!self.cc.is_empty()).then(|| format!("{}{}。", labels::CC, self.cc.join("，")));
        (
            cc,
            self.printer.clone(),
            format!("{}{}", date_text(self.printed), labels::PRINTED),
        )
    }
}

/// A block of the body or of an attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Block {
    /// Level 1 一、 (黑体), 2 （一） (楷体), 3 1. and 4 （1） (仿宋);
    /// `number` is the numbering (empty when unnumbered).
    Heading {
        level: u8,
        number: String,
        text: String,
    },
    /// Body paragraph.
    Para {
        text: String,
    },
    /// A smaller note (under a table, or an explanation).
    Note {
        text: String,
    },
    Table(Table),
    /// A chart by its specification; each format draws it.
    Chart {
        chart: Box<Chart>,
    },
}

impl Block {
    pub fn para(s: impl Into<String>) -> Block {
        Block::Para { text: s.into() }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// How a column is set: alignment, and whether it holds numbers (never
/// wrapped, sized for the widest value).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub align: Align,
    #[serde(default)]
    pub numeric: bool,
}

impl Column {
    pub const TEXT: Column = Column {
        align: Align::Left,
        numeric: false,
    };
    pub const NUM: Column = Column {
        align: Align::Right,
        numeric: true,
    };
    pub const CENTER: Column = Column {
        align: Align::Center,
        numeric: false,
    };
}

/// A table cell, `span` columns wide; `align` sets this cell apart from
/// its column (as wrapping text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    #[serde(default = "one")]
    pub span: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<Align>,
}

fn one() -> usize {
    1
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            align: None,
        }
    }
    pub fn span(mut self, n: usize) -> Cell {
        self.span = n.max(1);
        self
    }
    pub fn align(mut self, a: Align) -> Cell {
        self.align = Some(a);
        self
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::new(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::new(s)
    }
}

/// A table: caption (表1　…), unit line (单位：起), head rows, columns,
/// body rows (cells may span columns) and notes under it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub head: Vec<Vec<Cell>>,
    #[serde(default)]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub rows: Vec<Vec<Cell>>,
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Table {
    /// A table with one head row; `columns` gives each column's setting.
    pub fn new(caption: impl Into<String>, head: &[&str], columns: Vec<Column>) -> Table {
        Table {
            caption: caption.into(),
            head: vec![head.iter().map(|h| Cell::new(*h)).collect()],
            columns,
            ..Table::default()
        }
    }

    /// Number of grid columns.
    pub fn width(&self) -> usize {
        let w = |r: &Vec<Cell>| r.iter().map(|c| c.span.max(1)).sum::<usize>();
        self.head
            .iter()
            .chain(&self.rows)
            .map(w)
            .max()
            .unwrap_or(0)
            .max(self.columns.len())
    }

    /// The setting of grid column `i` (left-aligned text when not given).
    pub fn column(&self, i: usize) -> Column {
        self.columns.get(i).copied().unwrap_or(Column::TEXT)
    }

    /// The setting of a cell that starts at grid column `i`.
    pub fn cell_column(&self, cell: &Cell, i: usize) -> Column {
        match cell.align {
            Some(a) => Column {
                align: a,
                numeric: false,
            },
            None => self.column(i),
        }
    }
}

/// Most rows a table of a document shows; the data tables (tables/*.csv,
/// tables.xlsx) always hold every row.
pub const ROW_LIMIT: usize = 200;

/// Most characters of one paragraph or cell quoted from the input.
pub const TEXT_LIMIT: usize = 2000;

/// A date as official documents write it: 2026年10月15日 (Arabic numerals,
/// GB/T 9704 §7.3.5).
pub fn date_text(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Chinese numerals 1..=99 for heading numbers (一, 十, 十二, 二十三).
pub fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n > 10 { D[n - 10] } else { "" }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if !n.is_multiple_of(10) { D[n % 10] } else { "" }
        ),
        _ => n.to_string(),
    }
}

/// The numbering of the `n`-th heading (from 1) at `level`: 一、 （一） 1. （1）
pub fn heading_number(level: u8, n: usize) -> String {
    match level {
        1 => format!("{}、", chinese_number(n)),
        2 => format!("（{}）", chinese_number(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// A text for the model: control characters removed (C0, DEL, C1 and the
/// noncharacters U+FFFE/U+FFFF; tabs and line breaks become spaces), and
/// cut to [`TEXT_LIMIT`] characters with a pointer to the data tables.
pub fn clean(s: &str) -> String {
    let bad = |c: char| c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}';
    let mut out: String = if s.chars().any(bad) {
        s.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if bad(c) => None,
                c => Some(c),
            })
            .collect()
    } else {
        s.to_string()
    };
    if let Some((i, _)) = out.char_indices().nth(TEXT_LIMIT) {
        out.truncate(i);
        out.push_str("…（全文见数据表）");
    }
    out
}

impl Document {
    /// The list of attachments after the body (附件说明): 附件：1. 典型案例
    pub fn attachment_lines(&self) -> Vec<String> {
        let n = self.attachments.len();
        self.attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let lead = if i == 0 {
                    format!("{}：", labels::ATTACHMENTS)
                } else {
                    "\u{3000}\u{3000}\u{3000}".to_string()
                };
                if n == 1 {
                    format!("{lead}{}", a.title)
                } else {
                    format!("{lead}{}. {}", i + 1, a.title)
                }
            })
            .collect()
    }

    /// The label above attachment `i`: 附件 (only one) or 附件2.
    pub fn attachment_label(&self, i: usize) -> String {
        if self.attachments.len() == 1 {
            labels::ATTACHMENTS.to_string()
        } else {
            format!("{}{}", labels::ATTACHMENTS, i + 1)
        }
    }

    /// Every text of the document in reading order, one entry per heading,
    /// paragraph, note and table cell (what the drift test compares).
    pub fn texts(&self) -> Vec<String> {
        let mut v = Vec::new();
        fn blocks(v: &mut Vec<String>, b: &[Block]) {
            for b in b {
                match b {
                    Block::Heading { number, text, .. } => v.push(format!("{number}{text}")),
                    Block::Para { text } | Block::Note { text } => v.push(text.clone()),
                    Block::Table(t) => {
                        if !t.caption.is_empty() {
                            v.push(t.caption.clone());
                        }
                        v.extend(t.unit.clone());
                        for r in t.head.iter().chain(&t.rows) {
                            v.extend(r.iter().map(|c| c.text.clone()));
                        }
                        v.extend(t.notes.iter().cloned());
                    }
                    Block::Chart { .. } => {}
                }
            }
        }
        v.push(self.title.clone());
        v.extend(self.addressee.clone());
        blocks(&mut v, &self.body);
        for a in &self.attachments {
            v.push(a.title.clone());
            blocks(&mut v, &a.body);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(23), "二十三");
        assert_eq!(heading_number(1, 6), "六、");
        assert_eq!(heading_number(2, 2), "（二）");
        assert_eq!(heading_number(3, 3), "3.");
        assert_eq!(heading_number(4, 4), "（4）");
    }

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(clean("甲\u{1}乙\0丙\u{1b}[31m丁\u{FFFE}"), "甲乙丙[31m丁");
        assert_eq!(clean("a\tb\nc"), "a b c");
        let long = "字".repeat(TEXT_LIMIT + 5);
        let c = clean(&long);
        assert_eq!(c.chars().filter(|c| *c == '字').count(), TEXT_LIMIT);
        assert!(c.ends_with("…（全文见数据表）"));
    }
}
