//! Checks an OLE compound file (.xls) the way calamine 0.32 will read it,
//! before calamine reads it, so that a small hostile or damaged file is one
//! unreadable input instead of an abort of the whole run.
//!
//! calamine trusts what the file says: it reserves memory from the header's
//! counts and from a stream's claimed length, follows sector chains until
//! their end marker, reserves a sheet's cells from its DIMENSIONS record and
//! allocates every cell of the rectangle spanned by a sheet's cell records.
//! Each of these aborted the run on a file of a few KB (fuzz target
//! `workbook`; fixtures `tests/fixtures/excel/fuzz-*.xls` and `oom-*.xls`).
//! Rust cannot catch a failed allocation, so the only defence is to walk the
//! same structures first, bounded by the file's size:
//!
//! 1. the header's sector counts ([`check_header`]);
//! 2. the DIFAT, FAT, directory, mini FAT and every entry's chain: no loop,
//!    no step past the table, no sector past the end of the file, no stream
//!    larger than the file ([`workbook_stream`]);
//! 3. the Workbook stream's BIFF records: the cells calamine will hold for
//!    all sheets together stay within [`MAX_DENSE_CELLS`] ([`check_extent`]).
//!
//! Step 2 also rebuilds the Workbook stream exactly as calamine will: the
//! caller pads the file to whole sectors, and every sector calamine may read
//! must then lie wholly inside it, so its sector cache and this code see the
//! same bytes.

use super::workbook::{err, too_many_cells, WorkbookError, MAX_DENSE_CELLS};

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const DIF_SECT: u32 = 0xFFFF_FFFC;
const RESERVED: u32 = 0xFFFF_FFFA;

fn damaged_header() -> WorkbookError {
    err(
        "无法读取工作簿（.xls 文件头损坏）",
        "cannot read the workbook (damaged .xls header)",
    )
}

fn damaged() -> WorkbookError {
    err(
        "无法读取工作簿（.xls 文件结构损坏）",
        "cannot read the workbook (damaged .xls structure)",
    )
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    b.get(i..i.checked_add(2)?)
        .map(|x| u16::from_le_bytes([x[0], x[1]]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i.checked_add(4)?)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
}

/// The sector size a compound file's header names, if it is one calamine reads.
pub fn sector_size(b: &[u8]) -> Option<usize> {
    match u16_at(b, 30)? {
        9 => Some(512),
        12 => Some(4096),
        _ => None,
    }
}

/// Refuse a compound file whose header counts more sectors than the file
/// holds. The reader reserves memory from these counts before it reads
/// anything: a 1 KB file claiming 3.5 billion FAT sectors asked for 14 GB.
pub fn check_header(bytes: &[u8]) -> Result<(), WorkbookError> {
    let sector = sector_size(bytes).ok_or_else(damaged_header)? as u64;
    let sectors = bytes.len() as u64 / sector + 1;
    // directory, FAT, mini FAT and DIFAT sector counts
    for at in [40, 44, 64, 72] {
        if u64::from(u32_at(bytes, at).ok_or_else(damaged_header)?) > sectors {
            return Err(damaged_header());
        }
    }
    // calamine 0.32 reads its DIFAT reservation from offset 62 (half of
    // the mini FAT start, half of its length): in a sound file that is at
    // most about 65,536 entries; 16M entries (64 MB) is the bound here.
    if u32_at(bytes, 62).ok_or_else(damaged_header)? > 1 << 24 {
        return Err(damaged_header());
    }
    Ok(())
}

/// A chain as calamine follows it: the ids it reads, or an error when it
/// would loop, step past its table (calamine would panic there) or name a
/// sector that `fits` refuses.
fn chain(start: u32, table: &[u32], fits: impl Fn(u32) -> bool) -> Result<Vec<u32>, WorkbookError> {
    let mut ids = Vec::new();
    let mut id = start;
    while id != END_OF_CHAIN {
        if ids.len() > table.len() || !fits(id) {
            return Err(damaged());
        }
        let Some(&next) = table.get(id as usize) else {
            return Err(damaged());
        };
        ids.push(id);
        id = next;
    }
    Ok(ids)
}

/// One directory entry as calamine decodes it.
struct Entry {
    name: String,
    start: u32,
    len: u64,
    /// a stream (type 2), the only kind whose chain a reader follows
    stream: bool,
}

/// Walk the compound file as calamine will and return the stream it will
/// parse as the workbook ("Workbook", else "Book"), or `None` when there is
/// none (calamine then reports it). `b` must be padded to whole sectors.
pub fn workbook_stream(b: &[u8]) -> Result<Option<Vec<u8>>, WorkbookError> {
    let size = sector_size(b).ok_or_else(damaged_header)?;
    let len = b.len();
    // whole sectors after the header; calamine reads ids up to one past
    // them (as nothing, then as zeros): refused here, so that every sector
    // read is the same bytes each time it is read
    let whole = (len / size).saturating_sub(1);
    let in_file = |id: u32| (id as usize) < whole;
    let sector = |id: u32| -> &[u8] {
        let start = size * (id as usize + 1);
        &b[start..start + size]
    };
    let words = |s: &[u8]| -> Vec<u32> {
        s.chunks_exact(4)
            .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
            .collect()
    };
    // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors
    // whose last entry names the next one.
    let mut difat: Vec<u32> = words(b.get(76..512).ok_or_else(damaged_header)?);
    let mut id = u32_at(b, 68).ok_or_else(damaged_header)?;
    let mut steps = 0usize;
    while id < RESERVED {
        steps += 1;
        if !in_file(id) || steps > whole {
            return Err(damaged());
        }
        difat.extend(words(sector(id)));
        id = difat.pop().unwrap_or(END_OF_CHAIN);
    }
    let fat_ids: Vec<u32> = difat.into_iter().filter(|&i| i < DIF_SECT).collect();
    if fat_ids.len() > whole || fat_ids.iter().any(|&i| !in_file(i)) {
        return Err(damaged());
    }
    let fat: Vec<u32> = fat_ids.iter().flat_map(|&i| words(sector(i))).collect();
    let bytes_of = |ids: &[u32], cut: usize| -> Vec<u8> {
        let mut v: Vec<u8> = ids.iter().flat_map(|&i| sector(i).to_vec()).collect();
        if cut > 0 {
            v.truncate(cut);
        }
        v
    };
    // The directory: its chain, cut to the header's count of directory
    // sectors when it gives one (version 4 files), in 128-byte entries.
    let dir_ids = chain(u32_at(b, 48).ok_or_else(damaged_header)?, &fat, in_file)?;
    let dir_len = u32_at(b, 40).ok_or_else(damaged_header)? as usize;
    let dir = bytes_of(&dir_ids, dir_len.saturating_mul(size));
    let entries: Vec<Entry> = dir
        .chunks_exact(128)
        .map(|e| {
            let name: Vec<u16> = e[..64]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|&u| u != 0)
                .collect();
            let lo = u64::from(u32::from_le_bytes([e[120], e[121], e[122], e[123]]));
            let hi = u64::from(u32::from_le_bytes([e[124], e[125], e[126], e[127]]));
            Entry {
                name: String::from_utf16_lossy(&name),
                start: u32::from_le_bytes([e[116], e[117], e[118], e[119]]),
                len: if size == 512 { lo } else { lo | hi << 32 },
                stream: e[66] == 2,
            }
        })
        .collect();
    // No stream, and no mini stream, is larger than the file itself.
    if entries.iter().any(|e| e.len > len as u64) {
        return Err(damaged());
    }
    let Some(root) = entries.first() else {
        return Err(damaged());
    };
    // The mini stream and the mini FAT: loaded only when the header counts
    // mini FAT sectors, each cut to its stated length.
    let mini_fat_len = u32_at(b, 64).ok_or_else(damaged_header)? as usize;
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        let ids = chain(root.start, &fat, in_file)?;
        let stream = bytes_of(&ids, root.len as usize);
        let ids = chain(u32_at(b, 60).ok_or_else(damaged_header)?, &fat, in_file)?;
        let table = words(&bytes_of(&ids, mini_fat_len.saturating_mul(size)));
        (table, stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let in_mini = |id: u32| (id as usize + 1) * 64 <= mini_stream.len();
    let mini_sector = |id: u32| &mini_stream[id as usize * 64..id as usize * 64 + 64];
    // Every stream's chain is sound, whichever one a reader looks up.
    let read = |e: &Entry| -> Result<Vec<u8>, WorkbookError> {
        let cut = e.len as usize;
        if e.len >= 4096 {
            Ok(bytes_of(&chain(e.start, &fat, in_file)?, cut))
        } else {
            let ids = chain(e.start, &mini_fat, in_mini)?;
            let mut v: Vec<u8> = ids.iter().flat_map(|&i| mini_sector(i).to_vec()).collect();
            if cut > 0 {
                v.truncate(cut);
            }
            Ok(v)
        }
    };
    let named = |n: &str| entries.iter().find(|e| e.name == n);
    let book = named("Workbook").or_else(|| named("Book"));
    for e in entries.iter().skip(1) {
        let is_book = book.is_some_and(|w| std::ptr::eq(w, e));
        if e.stream || is_book {
            read(e)?;
        }
    }
    book.map(read).transpose()
}

/// Walk the BIFF records of a workbook stream as calamine's record
/// iterator does: (type, data), a record's CONTINUE records skipped with
/// it. Stops at the end of the stream or at a record cut short.
struct Records<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let typ = u16_at(self.rest, 0)?;
        let n = u16_at(self.rest, 2)? as usize;
        let data = self.rest.get(4..4 + n)?;
        self.rest = &self.rest[4 + n..];
        if self.rest.len() > 4 && u16_at(self.rest, 0) == Some(0x003C) {
            while self.rest.len() > 4 && u16_at(self.rest, 0) == Some(0x003C) {
                let n = u16_at(self.rest, 2)? as usize;
                self.rest = self.rest.get(4 + n..)?;
            }
        }
        Some((typ, data))
    }
}

/// The rectangle spanned by a set of cell positions.
#[derive(Default)]
struct Span(Option<(u32, u32, u32, u32)>);

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }
    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        })
    }
}

/// The cells calamine will hold for one sheet whose records start at `pos`:
/// the rectangles of its value cells and its formulas, and what its
/// DIMENSIONS records make it reserve.
fn sheet_cells(stream: &[u8], pos: usize) -> u64 {
    let Some(rest) = stream.get(pos..) else {
        return 0; // calamine fails on this sheet before it reserves anything
    };
    let (mut values, mut formulas, mut reserved) = (Span::default(), Span::default(), 0u64);
    let mut formula_at = (0u32, 0u32);
    let rc = |d: &[u8]| Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
    for (typ, d) in (Records { rest }) {
        match typ {
            0x000A => break,
            0x0200 => {
                // calamine's arithmetic, which wraps when the first row is
                // after the last one
                let (rf, rl, cf, cl) = match d.len() {
                    10 => (
                        u32::from(u16_at(d, 0).unwrap_or(0)),
                        u32::from(u16_at(d, 2).unwrap_or(0)),
                        u32::from(u16_at(d, 4).unwrap_or(0)),
                        u32::from(u16_at(d, 6).unwrap_or(0)),
                    ),
                    14 => (
                        u32_at(d, 0).unwrap_or(0),
                        u32_at(d, 4).unwrap_or(0),
                        u32::from(u16_at(d, 8).unwrap_or(0)),
                        u32::from(u16_at(d, 10).unwrap_or(0)),
                    ),
                    _ => break,
                };
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                    (rl - 1, cl - 1)
                } else {
                    (rf, cf)
                };
                let rows = end_r.wrapping_sub(rf).wrapping_add(1) as u64;
                let cols = end_c.wrapping_sub(cf).wrapping_add(1) as u64;
                reserved = reserved.saturating_add(rows.saturating_mul(cols));
            }
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD => {
                if let Some((r, c)) = rc(d) {
                    values.add(r, c);
                }
            }
            0x0207 => values.add(formula_at.0, formula_at.1),
            0x00BD => {
                if let (Some((r, c)), true) = (rc(d), d.len() >= 6) {
                    let n = (d.len() - 6).div_ceil(6) as u32;
                    values.add(r, c);
                    values.add(r, c + n.max(1) - 1);
                }
            }
            0x0006 => {
                if let (Some((r, c)), true) = (rc(d), d.len() >= 20) {
                    formula_at = (r, c);
                    values.add(r, c);
                    formulas.add(r, c);
                }
            }
            _ => {}
        }
    }
    values
        .cells()
        .saturating_add(formulas.cells())
        .saturating_add(reserved)
}

/// Refuse a workbook stream whose sheets would make calamine hold more than
/// [`MAX_DENSE_CELLS`] cells: calamine allocates every cell of the rectangle
/// between a sheet's first and last cell, so one cell at row 65,536,
/// column 65,536 costs 137 GB, and it keeps all sheets at once.
pub fn check_extent(stream: &[u8]) -> Result<(), WorkbookError> {
    let mut total = 0u64;
    for (typ, d) in (Records { rest: stream }) {
        match typ {
            0x000A => break,
            0x0085 => {
                if let Some(pos) = u32_at(d, 0) {
                    total = total.saturating_add(sheet_cells(stream, pos as usize));
                }
            }
            _ => {}
        }
    }
    if total > MAX_DENSE_CELLS {
        return Err(too_many_cells(total, MAX_DENSE_CELLS));
    }
    Ok(())
}
