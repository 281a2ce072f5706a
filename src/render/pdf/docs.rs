//! A [`report::doc::Document`](crate::report::doc::Document) as the PDF
//! layout's blocks. This knows how to draw each element of the model
//! (masthead, title, headings, tables, charts, signature, attachments,
//! 版记) and nothing of any document's wording.

use super::layout::{Align, Block, Cell, TableBlock};
use super::Document;
use crate::report::doc::{self, date_text, labels};

fn align(a: doc::Align) -> Align {
    match a {
        doc::Align::Left => Align::Left,
        doc::Align::Center => Align::Center,
        doc::Align::Right => Align::Right,
    }
}

/// Cells of a model row, aligned as their columns.
fn row(t: &doc::Table, r: &[doc::Cell], head: bool) -> Vec<Cell> {
    let mut col = 0;
    r.iter()
        .map(|c| {
            let a = if head {
                // headers follow their column's alignment, as before
                align(t.column(col).align)
            } else {
                align(t.cell_column(c, col).align)
            };
            col += c.span.max(1);
            Cell::new(c.text.clone(), a).span(c.span)
        })
        .collect()
}

fn table(b: &mut Vec<Block>, t: &doc::Table, place: &str) {
    if t.rows.is_empty() {
        return;
    }
    // The last head row repeats on every page; earlier ones (rare) lead
    // the body.
    let (head, lead) = match t.head.split_last() {
        Some((h, lead)) => (row(t, h, true), lead),
        None => (Vec::new(), &[][..]),
    };
    let rows = lead
        .iter()
        .map(|r| row(t, r, true))
        .chain(t.rows.iter().map(|r| row(t, r, false)))
        .collect();
    b.push(Block::Place(if t.caption.is_empty() {
        place.to_string()
    } else {
        t.caption.clone()
    }));
    b.push(Block::Table(TableBlock {
        caption: t.caption.clone(),
        unit: t.unit.clone(),
        head,
        rows,
    }));
    for n in &t.notes {
        b.push(Block::Note(n.clone()));
    }
    b.push(Block::Place(place.to_string()));
}

fn blocks(b: &mut Vec<Block>, list: &[doc::Block]) {
    let mut place = String::new();
    for x in list {
        match x {
            doc::Block::Heading {
                level,
                number,
                text,
            } => {
                place = format!("{number}{text}");
                b.push(Block::Place(place.clone()));
                b.push(Block::Heading {
                    level: *level,
                    text: place.clone(),
                });
            }
            doc::Block::Para { text } => b.push(Block::Para(text.clone())),
            doc::Block::Note { text } => b.push(Block::Note(text.clone())),
            doc::Block::Table(t) => table(b, t, &place),
            doc::Block::Chart { chart } => b.push(Block::Chart(chart.clone())),
        }
    }
}

/// The document as PDF layout blocks.
pub fn draw(d: &doc::Document) -> Document {
    let mut b = Vec::new();
    if !d.office.is_empty() {
        b.push(Block::Place("发文机关标志".into()));
        b.push(Block::Masthead(d.office.clone()));
    }
    if let Some(n) = &d.number {
        b.push(Block::DocNumber(n.clone()));
    }
    if let Some(s) = &d.signer {
        b.push(Block::DocNumber(format!("{}{s}", labels::SIGNER)));
    }
    b.push(Block::Place("标题".into()));
    b.push(Block::Title(d.title.clone()));
    if let Some(a) = &d.addressee {
        b.push(Block::Place("主送机关".into()));
        b.push(Block::Addressee(a.clone()));
    }
    blocks(&mut b, &d.body);
    let lines = d.attachment_lines();
    if !lines.is_empty() {
        b.push(Block::Place("附件说明".into()));
        // A blank line between the text and the 附件说明 (§7.3.4).
        b.push(Block::Blank);
        for l in lines {
            b.push(Block::Para(l));
        }
    }
    if let Some(s) = &d.signature {
        b.push(Block::Place("落款".into()));
        b.push(Block::Signature {
            office: (!s.office.is_empty()).then(|| s.office.clone()),
            date: date_text(s.date),
            sealed: d.sealed,
        });
    }
    for (i, a) in d.attachments.iter().enumerate() {
        b.push(Block::PageBreak);
        b.push(Block::Place(format!("附件 {}", a.title)));
        b.push(Block::Label(d.attachment_label(i)));
        b.push(Block::Title(a.title.clone()));
        blocks(&mut b, &a.body);
    }
    if let Some(r) = &d.record {
        let (cc, printer, printed) = r.lines();
        b.push(Block::Place("版记".into()));
        b.push(Block::Record {
            cc,
            printer,
            printed,
        });
    }
    Document {
        title: d.title.clone(),
        author: d.office.clone(),
        date: d.signature.as_ref().map(|s| s.date),
        blocks: b,
    }
}
