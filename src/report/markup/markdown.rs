//! The Markdown half of the templates: a rendered template's text parsed
//! with pulldown-cmark into the [`Document`] model (front matter, headings,
//! paragraphs, lists, tables, fenced blocks naming context tables, charts
//! and notes). The syntax is described in `markup`'s header.

use std::collections::BTreeMap;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use super::unescape;
use crate::report::doc::{
    clean, heading_number, Attachment, Block, Cell, Column, Document, Record, Signature, Table,
    ROW_LIMIT,
};

/// A value of the context by dotted path (`details.3.table`).
fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn parse_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("日期“{s}”应为 YYYY-MM-DD / date “{s}” must be YYYY-MM-DD"))
}

/// Split `---` front matter from the body: (key → value, body).
fn front_matter(text: &str) -> (BTreeMap<String, String>, &str) {
    let mut map = BTreeMap::new();
    let t = text.trim_start_matches(['\u{feff}', '\n', '\r', ' ']);
    let Some(rest) = t.strip_prefix("---") else {
        return (map, text);
    };
    let Some(end) = rest.find("\n---") else {
        return (map, text);
    };
    for line in rest[..end].lines() {
        if let Some((k, v)) = line.split_once(':') {
            let v = unescape(v.trim());
            if !v.is_empty() {
                map.insert(k.trim().to_string(), v);
            }
        }
    }
    let body = &rest[end + 4..];
    let body = body.split_once('\n').map(|x| x.1).unwrap_or("");
    (map, body)
}

/// Parse rendered Markdown into a document; `ctx` holds the tables and
/// charts that fenced blocks name.
pub fn parse(text: &str, ctx: &Value) -> std::result::Result<Document, String> {
    let (fm, body) = front_matter(text);
    let mut doc = Document {
        office: fm.get("office").cloned().unwrap_or_default(),
        number: fm.get("number").cloned(),
        signer: fm.get("signer").cloned(),
        addressee: fm.get("to").cloned(),
        ..Document::default()
    };
    if let Some(d) = fm.get("date") {
        doc.signature = Some(Signature {
            office: fm
                .get("signature")
                .cloned()
                .unwrap_or_else(|| doc.office.clone()),
            date: parse_date(d)?,
        });
    }
    if let Some(p) = fm.get("printed") {
        doc.record = Some(Record {
            cc: fm
                .get("cc")
                .map(|c| {
                    c.split(['、', '，', ','])
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            printer: fm.get("printer").cloned().unwrap_or_default(),
            printed: parse_date(p)?,
        });
    }
    let mut b = Builder::default();
    let parser = Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter();
    for (ev, range) in parser {
        b.event(ev, &body[range], ctx)?;
    }
    b.flush_caption();
    doc.title = b.title.unwrap_or_default();
    doc.body = b.body;
    doc.attachments = b.attachments;
    renumber_tables(&mut doc.body);
    for a in &mut doc.attachments {
        renumber_tables(&mut a.body);
    }
    for s in [&mut doc.office, &mut doc.title] {
        *s = clean(s);
    }
    Ok(doc)
}

/// Number the tables of a body (or of one attachment) 表1, 表2 … in the
/// order they appear: a caption `表N　…` gets its place in the document, so
/// a table left out (no rows) or removed from a template leaves no gap.
/// Captions without such a number are left as they are.
fn renumber_tables(blocks: &mut [Block]) {
    let mut n = 0;
    for b in blocks {
        if let Block::Table(t) = b {
            if let Some(rest) = numbered_caption(&t.caption) {
                n += 1;
                t.caption = format!("表{n}{rest}");
            }
        }
    }
}

/// The part after `表N` of a numbered caption (starting with a space).
fn numbered_caption(c: &str) -> Option<&str> {
    let r = c.strip_prefix('表')?;
    let digits = r.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let rest = &r[digits..];
    (rest.starts_with('\u{3000}') || rest.starts_with(' ')).then_some(rest)
}

#[derive(Default)]
struct Builder {
    title: Option<String>,
    body: Vec<Block>,
    attachments: Vec<Attachment>,
    /// Heading counters of levels 1–4.
    counters: [usize; 4],
    /// Text being collected (paragraph, heading, list item, cell).
    text: String,
    /// Inside: heading level (1 = `#`), list numbering, code block info.
    heading: Option<(u8, bool)>,
    lists: Vec<Option<u64>>,
    item_open: bool,
    code: Option<String>,
    /// A GFM table being read.
    table: Option<Table>,
    row: Vec<Cell>,
    in_head: bool,
    /// `Table: …` waiting for its table.
    caption: Option<String>,
}

impl Builder {
    fn out(&mut self) -> &mut Vec<Block> {
        match self.attachments.last_mut() {
            Some(a) => &mut a.body,
            None => &mut self.body,
        }
    }

    fn push(&mut self, b: Block) {
        self.flush_caption();
        self.out().push(b);
    }

    /// A caption not followed by a table stays a paragraph.
    fn flush_caption(&mut self) {
        if let Some(c) = self.caption.take() {
            self.out().push(Block::para(format!("Table: {c}")));
        }
    }

    fn take_text(&mut self) -> String {
        clean(std::mem::take(&mut self.text).trim())
    }

    fn event(&mut self, ev: Event, raw: &str, ctx: &Value) -> std::result::Result<(), String> {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                self.text.clear();
                let l = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                let numbered = !raw.trim_end().ends_with("{-}");
                self.heading = Some((l, numbered));
            }
            Event::End(TagEnd::Heading(_)) => {
                let (l, numbered) = self.heading.take().unwrap_or((2, true));
                let mut t = self.take_text();
                if !numbered {
                    t = t.trim_end_matches("{-}").trim_end().to_string();
                }
                if l == 1 {
                    self.flush_caption();
                    if self.title.is_none() {
                        self.title = Some(t);
                    } else {
                        self.attachments.push(Attachment {
                            title: t,
                            body: Vec::new(),
                        });
                        self.counters = [0; 4];
                    }
                } else {
                    let level = (l - 1).min(4);
                    let number = if numbered {
                        let i = level as usize - 1;
                        self.counters[i] += 1;
                        for c in &mut self.counters[i + 1..] {
                            *c = 0;
                        }
                        heading_number(level, self.counters[i])
                    } else {
                        String::new()
                    };
                    self.push(Block::Heading {
                        level,
                        number,
                        text: t,
                    });
                }
            }
            Event::Start(Tag::Paragraph) if !self.item_open => self.text.clear(),
            Event::End(TagEnd::Paragraph) => {
                if self.item_open {
                    self.text.push(' ');
                    return Ok(());
                }
                let t = self.take_text();
                if t.is_empty() {
                    return Ok(());
                }
                if raw.trim_start().starts_with("Table:") {
                    self.flush_caption();
                    self.caption = Some(t.trim_start_matches("Table:").trim().to_string());
                } else {
                    self.push(Block::para(t));
                }
            }
            Event::Start(Tag::List(start)) => self.lists.push(start),
            Event::End(TagEnd::List(_)) => {
                self.lists.pop();
            }
            Event::Start(Tag::Item) => {
                self.text.clear();
                self.item_open = true;
            }
            Event::End(TagEnd::Item) => {
                self.item_open = false;
                let t = self.take_text();
                let prefix = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let p = format!("{n}. ");
                        *n += 1;
                        p
                    }
                    _ => String::new(),
                };
                self.push(Block::para(format!("{prefix}{t}")));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(i) => i.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some(info);
                self.text.clear();
            }
            Event::End(TagEnd::CodeBlock) => {
                let info = self.code.take().unwrap_or_default();
                let body = std::mem::take(&mut self.text);
                self.directive(&info, &body, ctx)?;
            }
            Event::Start(Tag::Table(aligns)) => {
                let columns = aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::Right => Column::NUM,
                        Alignment::Center => Column::CENTER,
                        _ => Column::TEXT,
                    })
                    .collect();
                self.table = Some(Table {
                    caption: self.caption.take().unwrap_or_default(),
                    columns,
                    ..Table::default()
                });
            }
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                self.row.clear();
            }
            Event::End(TagEnd::TableHead) => {
                self.in_head = false;
                let row = std::mem::take(&mut self.row);
                if let Some(t) = &mut self.table {
                    t.head.push(row);
                }
            }
            Event::Start(Tag::TableRow) => self.row.clear(),
            Event::End(TagEnd::TableRow) => {
                let row = std::mem::take(&mut self.row);
                if let Some(t) = &mut self.table {
                    t.rows.push(row);
                }
            }
            Event::Start(Tag::TableCell) => self.text.clear(),
            Event::End(TagEnd::TableCell) => {
                let t = self.take_text();
                self.row.push(Cell::new(t));
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = self.table.take() {
                    self.table_block(t);
                }
            }
            Event::Text(s) | Event::Code(s) => self.text.push_str(&s),
            Event::SoftBreak => {
                // Chinese lines join without a space; Latin ones with one.
                let prev_ascii = self.text.chars().last().is_some_and(|c| c.is_ascii());
                if prev_ascii {
                    self.text.push(' ');
                }
            }
            Event::HardBreak => self.text.push(' '),
            _ => {}
        }
        Ok(())
    }

    /// A table into the document, cut to [`ROW_LIMIT`] rows; an empty table
    /// (no body rows) is left out.
    fn table_block(&mut self, mut t: Table) {
        if t.rows.is_empty() {
            self.flush_caption();
            return;
        }
        if t.rows.len() > ROW_LIMIT {
            let n = t.rows.len();
            t.rows.truncate(ROW_LIMIT);
            t.notes.push(format!(
                "表中仅列前{ROW_LIMIT}行，共{n}行（全部见数据表）。"
            ));
        }
        for r in t.head.iter_mut().chain(t.rows.iter_mut()) {
            for c in r {
                c.text = clean(&c.text);
            }
        }
        for n in &mut t.notes {
            *n = clean(n);
        }
        t.caption = clean(&t.caption);
        self.push(Block::Table(t));
    }

    /// A fenced block: `table PATH`, `chart PATH` or `note`.
    fn directive(
        &mut self,
        info: &str,
        body: &str,
        ctx: &Value,
    ) -> std::result::Result<(), String> {
        let mut words = info.split_whitespace();
        let kind = words.next().unwrap_or("");
        let path = words.next().unwrap_or("");
        let mut attrs: Vec<(String, String)> = Vec::new();
        for line in body.lines() {
            if let Some((k, v)) = line.split_once(':') {
                attrs.push((k.trim().to_string(), unescape(v.trim())));
            }
        }
        match kind {
            "table" => {
                let Some(v) = lookup(ctx, path) else {
                    return Err(format!(
                        "表格 {path} 不在上下文中 / no table {path} in the context"
                    ));
                };
                if v.is_null() {
                    return Ok(());
                }
                let mut t: Table = serde_json::from_value(v.clone())
                    .map_err(|e| format!("{path} 不是表格 / {path} is not a table: {e}"))?;
                for (k, v) in attrs {
                    match k.as_str() {
                        "caption" => t.caption = v,
                        "unit" => t.unit = Some(v),
                        "note" => t.notes.push(v),
                        _ => {}
                    }
                }
                self.flush_caption();
                self.table_block(t);
            }
            "chart" => {
                let Some(v) = lookup(ctx, path) else {
                    return Err(format!(
                        "图表 {path} 不在上下文中 / no chart {path} in the context"
                    ));
                };
                if v.is_null() {
                    return Ok(());
                }
                let c: crate::report::chart::Chart = serde_json::from_value(v.clone())
                    .map_err(|e| format!("{path} 不是图表 / {path} is not a chart: {e}"))?;
                self.push(Block::Chart { chart: Box::new(c) });
            }
            "note" => {
                let t = clean(unescape(body.trim()).as_str());
                if !t.is_empty() {
                    self.push(Block::Note { text: t });
                }
            }
            _ => {
                let t = clean(unescape(body.trim()).as_str());
                if !t.is_empty() {
                    self.push(Block::para(t));
                }
            }
        }
        Ok(())
    }
}
