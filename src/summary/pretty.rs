//! JSON text at an indentation, and placeholders in it: summary.json is
//! written in parts (the recurrence list in pieces, each score on its own,
//! the region figures once known), each part printed exactly as it would
//! stand in the whole document pretty-printed at once. `PrettyAt` is
//! serde_json's pretty layout with a base indentation (its own
//! `PrettyFormatter` has none); `slot_at` finds a placeholder string and
//! the indentation of its line.

use serde_json::Value;

/// serde_json's pretty layout (`PrettyFormatter`, two spaces a level) with
/// every line after the first starting with `pad` as well: a value's text
/// in place of a placeholder indented so, written in one go instead of
/// pretty-printed and then re-indented line by line.
struct PrettyAt<'p> {
    pad: &'p [u8],
    depth: usize,
    has_value: bool,
}

impl<'p> PrettyAt<'p> {
    fn new(pad: &'p [u8]) -> Self {
        PrettyAt {
            pad,
            depth: 0,
            has_value: false,
        }
    }

    fn line<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        w.write_all(self.pad)?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

/// Arrays and objects open, close and separate their members alike; the
/// formatter's methods for each call these.
impl PrettyAt<'_> {
    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b)
    }
    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w)?;
        }
        w.write_all(b)
    }
    fn member<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.line(w)
    }
}

impl serde_json::ser::Formatter for PrettyAt<'_> {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.member(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.member(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` as `PrettyAt` writes it after `pad`, appended to `out`.
pub(super) fn write_pretty_at(out: &mut Vec<u8>, value: &impl serde::Serialize, pad: &[u8]) {
    // Writing to a Vec cannot fail, and every value here serialises.
    let _ = value.serialize(&mut serde_json::Serializer::with_formatter(
        out,
        PrettyAt::new(pad),
    ));
}

/// `value` as pretty JSON (what `to_bytes` writes, without the final
/// newline) with every line after the first indented by `indent` more
/// spaces: its text in place of a placeholder indented so.
pub(super) fn pretty_at(value: &Value, indent: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_pretty_at(&mut out, value, " ".repeat(indent).as_bytes());
    out
}

/// Where a placeholder string sits in the summary's JSON text, and the
/// indentation of its line (what is written in its place is indented as
/// its neighbours).
pub(super) fn slot_at(text: &[u8], key: &str, slot: &str) -> Option<(usize, usize, usize)> {
    // Searched with its key: a string from the data (a case id quoted in
    // the assessment) may spell the placeholder itself, but not a key
    // followed by it, as quotes inside a string are escaped and no object
    // of the summary is keyed by data.
    let quoted = serde_json::to_string(slot).unwrap_or_default();
    let keyed = format!(
        "{}: {quoted}",
        serde_json::to_string(key).unwrap_or_default()
    );
    let at = find(text, keyed.as_bytes())? + keyed.len() - quoted.len();
    let line_start = text[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let indent = text[line_start..at]
        .iter()
        .take_while(|&&b| b == b' ')
        .count();
    Some((at, at + quoted.len(), indent))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}
