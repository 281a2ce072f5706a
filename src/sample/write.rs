//! Writers of the generated files: text exports in any encoding and
//! delimiter through the `csv` crate, or workbook exports collected and
//! written at the end ([`super::book`]).

use super::*;

// ---------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------

/// Where the `csv` writer's bytes go: straight to the file for UTF-8, or
/// collected and re-encoded a whole record at a time (on `flush`).
pub(super) struct Sink {
    pub(super) w: BufWriter<File>,
    pub(super) enc: Enc,
    pub(super) pending: Vec<u8>,
    pub(super) encoded: Vec<u8>,
    pub(super) written: u64,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.enc {
            Enc::Utf8 | Enc::Utf8Bom => {
                self.written += buf.len() as u64;
                self.w.write_all(buf)?;
            }
            Enc::Gb18030 | Enc::Utf16Le => self.pending.extend_from_slice(buf),
        }
        Ok(buf.len())
    }

    /// Encode what was collected (whole records) and pass it on; the file
    /// itself is flushed only when the writer is finished.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        // the csv writer was given UTF-8 text and copies it unchanged
        let text = String::from_utf8_lossy(&self.pending);
        self.encoded.clear();
        match self.enc {
            Enc::Gb18030 => {
                let (b, _, _) = encoding_rs::GB18030.encode(&text);
                self.encoded.extend_from_slice(&b);
            }
            _ => {
                for u in text.encode_utf16() {
                    self.encoded.extend_from_slice(&u.to_le_bytes());
                }
            }
        }
        self.pending.clear();
        self.written += self.encoded.len() as u64;
        self.w.write_all(&self.encoded)
    }
}

/// Where a file's records go.
pub(super) enum Dest {
    /// A text file written row by row in one encoding and delimiter, the
    /// records formatted by the `csv` crate (quoting only where needed).
    Text(Box<csv::Writer<Sink>>),
    /// A workbook export: its records are kept and laid out on sheets when
    /// the file is finished (nothing is written before).
    Book(BookKind, Vec<Vec<String>>),
}

/// One generated file and its data-row count.
pub(super) struct Out {
    pub(super) dest: Dest,
    pub(super) path: PathBuf,
    pub(super) rel: String,
    /// Re-encoded files are flushed record by record.
    pub(super) reencode: bool,
    pub(super) rows: u64,
}

impl Out {
    pub(super) fn create(dir: &Path, rel: String, enc: Enc, delim: u8, crlf: bool) -> Result<Out> {
        let path = dir.join(&rel);
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut sink = Sink {
            w: BufWriter::with_capacity(1 << 16, f),
            enc,
            pending: Vec::new(),
            encoded: Vec::new(),
            written: 0,
        };
        let bom: &[u8] = match enc {
            Enc::Utf8Bom => b"\xEF\xBB\xBF",
            Enc::Utf16Le => b"\xFF\xFE",
            _ => b"",
        };
        sink.written += bom.len() as u64;
        sink.w.write_all(bom).map_err(|e| Error::io(&path, e))?;
        let csv = csv::WriterBuilder::new()
            .delimiter(delim)
            .terminator(if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_writer(sink);
        Ok(Out {
            dest: Dest::Text(Box::new(csv)),
            path,
            rel,
            reencode: matches!(enc, Enc::Gb18030 | Enc::Utf16Le),
            rows: 0,
        })
    }

    /// A workbook export (`.xlsx` or `.xls`): rows are collected and the
    /// file is written by [`Out::finish_with_head`].
    pub(super) fn create_book(dir: &Path, rel: String, kind: BookKind) -> Out {
        Out {
            dest: Dest::Book(kind, Vec::new()),
            path: dir.join(&rel),
            rel,
            reencode: false,
            rows: 0,
        }
    }

    pub(super) fn record<'s>(&mut self, cells: impl IntoIterator<Item = &'s str>) -> Result<()> {
        let csv = match &mut self.dest {
            Dest::Book(_, rows) => {
                rows.push(cells.into_iter().map(str::to_string).collect());
                return Ok(());
            }
            Dest::Text(csv) => csv,
        };
        let path = &self.path;
        let io = |e: csv::Error| Error::io(path, std::io::Error::other(e.to_string()));
        csv.write_record(cells).map_err(io)?;
        if self.reencode {
            csv.flush().map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    }

    /// A data record (counted in `rows`).
    pub(super) fn row<'s>(&mut self, cells: impl IntoIterator<Item = &'s str>) -> Result<()> {
        self.rows += 1;
        self.record(cells)
    }

    /// Finish the file. `head` is the number of rows before the first data
    /// row (title and header): a workbook's later sheets repeat the header.
    pub(super) fn finish_with_head(self, head: usize) -> Result<FileInfo> {
        if let Dest::Book(kind, rows) = self.dest {
            let sheets = book::sheets(kind, rows, head);
            let bytes = book::write(&self.path, kind, &sheets)?;
            return Ok(FileInfo {
                rel: self.rel,
                rows: self.rows,
                bytes,
            });
        }
        self.finish()
    }

    pub(super) fn finish(self) -> Result<FileInfo> {
        let Dest::Text(mut csv) = self.dest else {
            return self.finish_with_head(1);
        };
        csv.flush().map_err(|e| Error::io(&self.path, e))?;
        let mut sink = csv
            .into_inner()
            .map_err(|e| Error::io(&self.path, std::io::Error::other(e.to_string())))?;
        sink.w.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(FileInfo {
            rel: self.rel,
            rows: self.rows,
            bytes: sink.written,
        })
    }
}

/// A unit's case export of one quarter.
pub(super) struct CaseFile {
    pub(super) out: Out,
    pub(super) recipe: Recipe,
    /// Field index of each column, in column order.
    pub(super) cols: Vec<usize>,
    /// The quarter's title (for the title row) and end day.
    pub(super) quarter: Quarter,
}

impl CaseFile {
    pub(super) fn width(&self) -> usize {
        self.cols.len() + usize::from(self.recipe.seq_col)
    }
}
