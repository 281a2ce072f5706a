//! Counts the cells calamine 0.32 will hold for an OpenDocument spreadsheet
//! (.ods) before calamine reads it, so that a small hostile file is one
//! unreadable input instead of an abort of the whole run.
//!
//! calamine reads every sheet of an .ods when it opens it, and repeats:
//! a cell with `table:number-columns-repeated="1000000000"` becomes a
//! billion cells, and each empty row between two filled ones becomes a full
//! row of empty cells (an 833-byte file aborted the run; fixture
//! `tests/fixtures/excel/oom-repeated.ods`). This streams content.xml once
//! with the XML reader calamine itself uses and follows calamine's rules
//! (`read_row`, `get_range`): empty cells count only when a later cell of
//! the row follows them, and empty rows only between filled rows. Where
//! this cannot tell an empty cell from a filled one it counts it as filled,
//! so the count is never below what calamine allocates.

use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::workbook::{err, too_many_cells, WorkbookError, MAX_DENSE_CELLS};

/// A repeat attribute as calamine reads it; one when it is absent or not a
/// number (calamine then stops reading the file with an error).
fn repeats(e: &BytesStart<'_>, name: &[u8]) -> u64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
        .unwrap_or(1)
}

/// A cell's text costs one cell per this many bytes on top of the cell
/// itself (calamine copies the text into every repeat, and keeps the
/// formula text beside it).
const TEXT_BYTES_PER_CELL: u64 = 16;

/// Running counts for the table being read, in cells (text counted as
/// cells by [`TEXT_BYTES_PER_CELL`]).
#[derive(Default)]
struct Table {
    /// cells calamine pushes while reading rows (before it repeats rows),
    /// with their text
    read: u64,
    /// the text of filled rows again for every repeat of the row
    repeated_text: u64,
    /// rows from the first filled row to the latest one, repeats included
    rows_since_first: Option<u64>,
    span_rows: u64,
    /// last filled column (0-based) over all rows
    col_max: Option<u64>,
}

impl Table {
    fn cells(&self) -> u64 {
        let dense = self
            .col_max
            .map_or(0, |c| self.span_rows.saturating_mul(c.saturating_add(1)));
        self.read
            .saturating_add(dense)
            .saturating_add(self.repeated_text)
    }
}

/// Refuse an .ods whose sheets would make calamine hold more than
/// [`MAX_DENSE_CELLS`] cells.
pub fn check_cells<R: Read + Seek>(zip: R) -> Result<(), WorkbookError> {
    let Ok(mut zip) = zip::ZipArchive::new(zip) else {
        return Ok(()); // calamine reports an unreadable zip itself
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = Reader::from_reader(BufReader::new(content));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut total = 0u64;
    let mut table: Option<Table> = None;
    // the row being read: (repeats, cells pushed, empty cells pending,
    // last filled column, text of its cells in cells)
    let mut row: Option<(u64, u64, u64, Option<u64>, u64)> = None;
    // the cell being read: (repeats, filled, bytes of text and attributes)
    let mut cell: Option<(u64, bool, u64)> = None;
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| {
            err(
                format!("无法读取工作簿（content.xml 不是有效的 XML：{e}）"),
                format!("cannot read the workbook (content.xml is not valid XML: {e})"),
            )
        })?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.name();
                let name = name.as_ref();
                if let Some(c) = cell.as_mut() {
                    // any element inside a cell: count it as filled
                    c.1 = true;
                    c.2 = c.2.saturating_add(e.len() as u64);
                } else if row.is_some()
                    && (name == b"table:table-cell" || name == b"table:covered-table-cell")
                {
                    let filled = e
                        .attributes()
                        .flatten()
                        .any(|a| matches!(a.key.as_ref(), b"office:value-type" | b"table:formula"));
                    let text: usize = e.attributes().flatten().map(|a| a.value.len()).sum();
                    cell = Some((
                        repeats(&e, b"table:number-columns-repeated"),
                        filled,
                        text as u64,
                    ));
                } else if name == b"table:table-row" && table.is_some() {
                    row = Some((repeats(&e, b"table:number-rows-repeated"), 0, 0, None, 0));
                } else if name == b"table:table" && row.is_none() {
                    table = Some(Table::default());
                }
            }
            Event::Text(t) if !t.is_empty() => {
                if let Some(c) = cell.as_mut() {
                    c.1 = true;
                    c.2 = c.2.saturating_add(t.len() as u64);
                }
            }
            Event::End(e) => {
                let name = e.name();
                let name = name.as_ref();
                if name == b"table:table-cell" || name == b"table:covered-table-cell" {
                    if let (Some((n, filled, text)), Some(r)) = (cell.take(), row.as_mut()) {
                        // calamine pushes the pending empty cells at every
                        // next cell, then this cell's repeats if it is filled
                        r.1 = r.1.saturating_add(r.2);
                        r.2 = 0;
                        if filled {
                            r.1 = r.1.saturating_add(n);
                            r.3 = Some(r.1.saturating_sub(1));
                            r.4 =
                                r.4.saturating_add(n.saturating_mul(text / TEXT_BYTES_PER_CELL));
                        } else {
                            r.2 = n;
                        }
                    }
                } else if name == b"table:table-row" && cell.is_none() {
                    if let (Some((n, pushed, _, last, text)), Some(t)) =
                        (row.take(), table.as_mut())
                    {
                        t.read = t.read.saturating_add(pushed).saturating_add(text);
                        if last.is_some() {
                            t.repeated_text =
                                t.repeated_text.saturating_add(n.saturating_mul(text));
                        }
                        if last.is_some() && t.rows_since_first.is_none() {
                            t.rows_since_first = Some(0);
                        }
                        if let Some(acc) = t.rows_since_first.as_mut() {
                            *acc = acc.saturating_add(n);
                            if last.is_some() {
                                t.span_rows = *acc;
                            }
                        }
                        t.col_max = t.col_max.max(last);
                        if t.cells() > MAX_DENSE_CELLS {
                            return Err(too_many_cells(
                                total.saturating_add(t.cells()),
                                MAX_DENSE_CELLS,
                            ));
                        }
                    }
                } else if name == b"table:table" && row.is_none() {
                    if let Some(t) = table.take() {
                        total = total.saturating_add(t.cells());
                    }
                }
            }
            _ => {}
        }
        if total > MAX_DENSE_CELLS {
            return Err(too_many_cells(total, MAX_DENSE_CELLS));
        }
        buf.clear();
    }
    if let Some(t) = table {
        total = total.saturating_add(t.cells());
    }
    if total > MAX_DENSE_CELLS {
        return Err(too_many_cells(total, MAX_DENSE_CELLS));
    }
    Ok(())
}
