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

/// A list of strings as [`write_pretty_at`] writes it, with each string
/// that needs no escaping (no quote, backslash or control character: any
/// case id one would meet) copied as it is between its quotes. serde_json
/// looks every byte of every string up in its escape table, one at a time:
/// the assessment's case-id lists were nearly half of the time spent
/// writing summary.json at a million rows.
pub(super) fn write_strings_at<S: AsRef<str>>(out: &mut Vec<u8>, list: &[S], pad: &[u8]) {
    write_members_at(out, (b'[', b']'), list.len(), pad, |out, i| {
        write_string(out, list[i].as_ref())
    });
}

/// An object of string members as [`write_pretty_at`] writes it (members
/// in the order given), each string as [`write_strings_at`] writes it.
pub(super) fn write_string_object_at(out: &mut Vec<u8>, members: &[(&str, &str)], pad: &[u8]) {
    write_members_at(out, (b'{', b'}'), members.len(), pad, |out, i| {
        let (key, value) = members[i];
        write_string(out, key);
        out.extend_from_slice(b": ");
        write_string(out, value);
    });
}

/// An array or object of `n` members in `PrettyAt`'s layout: `open`, each
/// member (written by `member`) on a line of its own indented by `pad` and
/// two spaces, commas between, `close` on a line indented by `pad`; `[]` or
/// `{}` when empty.
fn write_members_at(
    out: &mut Vec<u8>,
    (open, close): (u8, u8),
    n: usize,
    pad: &[u8],
    mut member: impl FnMut(&mut Vec<u8>, usize),
) {
    out.push(open);
    if n == 0 {
        out.push(close);
        return;
    }
    for i in 0..n {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        out.extend_from_slice(pad);
        out.extend_from_slice(b"  ");
        member(out, i);
    }
    out.push(b'\n');
    out.extend_from_slice(pad);
    out.push(close);
}

/// `s` as a JSON string, as serde_json writes it.
fn write_string(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s) {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Whether serde_json escapes any byte of `s` (a quote, a backslash, a
/// control character below U+0020). Eight bytes at a time: looking at one
/// byte at a time was most of the time spent writing the recurrence list.
fn needs_escape(s: &str) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // Some byte of `v` is below `n` (n ≤ 128): exact as a yes or no.
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGH;
    let (quote, backslash) = (ONES * u64::from(b'"'), ONES * u64::from(b'\\'));
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // (a byte equal to q is a zero byte of v ^ q: below 1)
        if below(v, 0x20) | below(v ^ quote, 1) | below(v ^ backslash, 1) != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_lists_are_written_as_serde_json_writes_them() {
        let lists: [&[&str]; 5] = [
            &[],
            &["温公案〔2026〕1号"],
            &[
                "a\"b", "c\\d", "e\nf", "\u{0}", "\u{1f}", "\u{7f}", "", "🙂 x",
            ],
            &["A1", "A2", "A3"],
            &["\u{0}minebrief:case_ids:0\u{0}", "tab\there"],
        ];
        for list in lists {
            for pad in ["", " ", "      "] {
                let (mut fast, mut slow) = (b"x".to_vec(), b"x".to_vec());
                write_strings_at(&mut fast, list, pad.as_bytes());
                write_pretty_at(&mut slow, &list, pad.as_bytes());
                assert_eq!(
                    String::from_utf8_lossy(&fast),
                    String::from_utf8_lossy(&slow),
                    "{list:?} {pad:?}"
                );
            }
        }
        #[derive(serde::Serialize)]
        struct Two<'a> {
            a_key: &'a str,
            b: &'a str,
        }
        for (a, b) in [("x", "温州"), ("q\"uote", "nl\n"), ("", "\u{0}")] {
            for pad in ["", "    "] {
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                write_string_object_at(&mut fast, &[("a_key", a), ("b", b)], pad.as_bytes());
                write_pretty_at(&mut slow, &Two { a_key: a, b }, pad.as_bytes());
                assert_eq!(fast, slow, "{a:?} {b:?} {pad:?}");
            }
        }
        let mut empty = Vec::new();
        write_string_object_at(&mut empty, &[], b"  ");
        assert_eq!(empty, serde_json::to_vec(&serde_json::json!({})).unwrap());
        // Every ASCII byte at every place of a string of two words and one
        // byte more, among harmless bytes and characters of three bytes.
        for len in [1, 7, 8, 9, 16, 17] {
            for at in 0..len {
                for b in 0u8..0x80 {
                    let mut bytes = "中".repeat(len).into_bytes();
                    bytes.truncate(len);
                    bytes.iter_mut().for_each(|x| *x = b'a' + (*x % 20));
                    bytes[at] = b;
                    let s = String::from_utf8(bytes).unwrap();
                    let want = b < 0x20 || b == b'"' || b == b'\\';
                    assert_eq!(needs_escape(&s), want, "{s:?}");
                    assert_eq!(needs_escape(&format!("中文{s}")), want, "{s:?}");
                }
            }
        }
        for (s, escaped) in [
            ("ab", false),
            ("a\"", true),
            ("\\", true),
            ("\u{1f}", true),
            ("\u{20}", false),
            ("\u{7f}", false),
        ] {
            assert_eq!(needs_escape(s), escaped, "{s:?}");
        }
    }
}
