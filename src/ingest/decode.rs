//! Decoding a file's bytes to text.
//!
//! A byte-order mark decides (UTF-8, UTF-16LE/BE). Without one, the whole
//! file is checked as UTF-8; only if it is not valid UTF-8 is it read as
//! GB18030 (a superset of GBK and GB 2312). The check covers every byte, not
//! a sample, and a file that mixes encodings line by line is decoded line by
//! line (each valid UTF-8 line kept, the others read as GB18030), so one odd
//! line never spoils the rest of the file.

use std::borrow::Cow;

/// The encodings reported in summary.json.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn as_str(&self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8-BOM",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// Decoded text with the encoding found and whether any byte could not be
/// decoded (replaced by U+FFFD).
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    pub had_errors: bool,
}

/// How much text [`utf8`] checks at a time: the next piece is asked for
/// meanwhile. Over a 166 MB export (10M rows) and a 14 MB one (1M), four
/// runs each: the whole at once 5.2–5.6 GB/s; pieces of 2 KiB 4.7–7.9
/// without asking ahead and 8.5–11.7 with; of 4, 16 and 64 KiB with
/// asking ahead 6.7–8.0.
const UTF8_PIECE: usize = 2048;

/// `bytes` as text when they are UTF-8 (`Err` when not), as
/// `simdutf8::basic::from_utf8` says, but checked a piece at a time with
/// the next piece's bytes asked for from memory meanwhile: a file just
/// read is no longer in the core's caches, and the check alone did not
/// keep the memory busy. Pieces end before a byte that begins a character
/// (or at the end): valid text split there gives valid pieces, and text
/// that is not valid leaves a piece that is not (a character cut at the
/// border lacks its continuation bytes in the first piece, a stray
/// continuation byte stays inside its piece).
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, simdutf8::basic::Utf8Error> {
    let mut start = 0;
    while start < bytes.len() {
        let mut end = start.saturating_add(UTF8_PIECE).min(bytes.len());
        // (continuation bytes are 0b10xx_xxxx)
        while end < bytes.len() && bytes[end] & 0xC0 == 0x80 {
            end += 1;
        }
        let next = &bytes[end..end.saturating_add(UTF8_PIECE).min(bytes.len())];
        for line in next.iter().step_by(64) {
            crate::prefetch::line(line);
        }
        simdutf8::basic::from_utf8(&bytes[start..end])?;
        start = end;
    }
    // SAFETY: every byte lies in a piece that was checked as UTF-8, and
    // the pieces join without a gap (each starts where the last ended):
    // UTF-8 strings joined are UTF-8.
    Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
}

pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match utf8(rest) {
            Ok(s) => Decoded {
                text: Cow::Borrowed(s),
                encoding: Encoding::Utf8Bom,
                had_errors: false,
            },
            Err(_) => {
                let (t, had_errors, _) = mixed_lines(rest);
                Decoded {
                    text: Cow::Owned(t),
                    encoding: Encoding::Utf8Bom,
                    had_errors,
                }
            }
        };
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let le = bytes[0] == 0xFF;
        let enc = if le {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        return Decoded {
            text: Cow::Owned(text.into_owned()),
            encoding: if le {
                Encoding::Utf16Le
            } else {
                Encoding::Utf16Be
            },
            had_errors,
        };
    }
    match utf8(bytes) {
        Ok(s) => Decoded {
            text: Cow::Borrowed(s),
            encoding: Encoding::Utf8,
            had_errors: false,
        },
        Err(_) => {
            let (t, had_errors, gb) = mixed_lines(bytes);
            Decoded {
                text: Cow::Owned(t),
                // UTF-8 with a few cut characters is still UTF-8.
                encoding: if gb {
                    Encoding::Gb18030
                } else {
                    Encoding::Utf8
                },
                had_errors,
            }
        }
    }
}

/// Decode line by line: valid UTF-8 lines as they are, the others as
/// GB18030, unless mostly UTF-8 (see `text::decode_line`).
fn mixed_lines(bytes: &[u8]) -> (String, bool, bool) {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut had_errors = false;
    let mut any_gb = false;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(s) => out.push_str(s),
            Err(_) => {
                // Mostly UTF-8 with a cut character, or GB18030 (ingest::text).
                let (t, errs, gb) = crate::text::decode_line(line);
                had_errors |= errs;
                any_gb |= gb;
                out.push_str(&t);
            }
        }
    }
    (out, had_errors, any_gb)
}

/// Does this look like a binary (non-text) file? NUL bytes outside UTF-16, or
/// many control characters.
pub fn looks_binary(bytes: &[u8], enc: Encoding) -> bool {
    if matches!(enc, Encoding::Utf16Le | Encoding::Utf16Be) {
        return false;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if sample.is_empty() {
        return false;
    }
    let ctrl = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)))
        .count();
    sample.contains(&0) && ctrl * 100 > sample.len() || ctrl * 10 > sample.len()
}

/// A file or folder name as text. Names that are not valid Unicode are
/// the bytes of another encoding: on Unix, `unzip` of an archive made on
/// Chinese Windows leaves GBK bytes, so a name that decodes cleanly as
/// GB18030 is read that way (`公安局.csv`, matched to its unit). Anything
/// else keeps its valid parts and shows each undecodable byte as `\xAB`, so
/// two different names never print the same.
pub fn file_name_text(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = name.as_bytes();
        let (t, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if !had_errors && !t.chars().any(char::is_control) {
            return t.into_owned();
        }
        escaped_bytes(bytes)
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// Valid UTF-8 runs as they are, every other byte as `\xAB`.
pub fn escaped_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text of one- to four-byte characters around the piece size, each
    /// spoilt in turn at places near a piece's border (a character cut, a
    /// stray continuation byte, an overlong form, a surrogate, a code
    /// point past U+10FFFF, a lone lead byte at the very end): [`utf8`]
    /// says what the standard library's check says, and gives the text.
    #[test]
    fn checking_in_pieces_agrees_with_the_standard_check() {
        let mut next = crate::test_rng::below(17);
        let chars = ["a", ",", "\n", "é", "温", "州", "〔", "😀"];
        let bad: [&[u8]; 7] = [
            b"\xE6\xB8",         // 温 cut
            b"\x80",             // stray continuation
            b"\xC0\xAF",         // overlong '/'
            b"\xED\xA0\x80",     // surrogate
            b"\xF4\x90\x80\x80", // past U+10FFFF
            b"\xFF",
            b"\xF0\x9F\x98", // 😀 cut
        ];
        for target in [0, 1, 63, 2047, 2048, 2049, 4095, 4096, 4097, 6000, 20_000] {
            let mut text = String::new();
            while text.len() < target {
                text.push_str(chars[next(chars.len() as u64) as usize]);
            }
            let good = text.as_bytes();
            assert_eq!(utf8(good).ok(), Some(text.as_str()), "{target} bytes");
            let places = [
                0,
                1,
                2045,
                2046,
                2047,
                2048,
                2049,
                2050,
                4095,
                4096,
                target / 2,
            ];
            for at in places.into_iter().filter(|&at| at <= good.len()) {
                for b in bad {
                    // inserted, and put in place of the bytes there
                    let mut ins = good[..at].to_vec();
                    ins.extend_from_slice(b);
                    ins.extend_from_slice(&good[at..]);
                    let mut over = good.to_vec();
                    let n = b.len().min(over.len() - at);
                    over[at..at + n].copy_from_slice(&b[..n]);
                    for (how, bytes) in [("inserted", &ins), ("over", &over)] {
                        assert_eq!(
                            utf8(bytes).is_ok(),
                            std::str::from_utf8(bytes).is_ok(),
                            "{target} bytes, {b:x?} {how} at {at}"
                        );
                    }
                }
            }
        }
        // a lead byte alone at the end, after a whole piece
        let mut end = "a".repeat(UTF8_PIECE).into_bytes();
        end.push(0xE6);
        assert!(utf8(&end).is_err());
        // nothing but continuation bytes
        assert!(utf8(&[0x80; 5000]).is_err());
        assert_eq!(utf8(b"").ok(), Some(""));
    }

    #[test]
    fn boms_and_fallback() {
        let d = decode("案件编号,县市区\n".as_bytes());
        assert_eq!(d.encoding, Encoding::Utf8);
        let d = decode(b"\xEF\xBB\xBFa,b\n");
        assert_eq!((d.encoding, &*d.text), (Encoding::Utf8Bom, "a,b\n"));
        let (gbk, _, _) = encoding_rs::GB18030.encode("案件编号,县市区,垟\n");
        let d = decode(&gbk);
        assert_eq!(
            (d.encoding, &*d.text),
            (Encoding::Gb18030, "案件编号,县市区,垟\n")
        );
        let mut u16 = vec![0xFF, 0xFE];
        for u in "编号,甲\r\n".encode_utf16() {
            u16.extend(u.to_le_bytes());
        }
        let d = decode(&u16);
        assert_eq!((d.encoding, &*d.text), (Encoding::Utf16Le, "编号,甲\r\n"));
        let mut u16 = vec![0xFE, 0xFF];
        for u in "编号".encode_utf16() {
            u16.extend(u.to_be_bytes());
        }
        assert_eq!(&*decode(&u16).text, "编号");
    }

    #[test]
    fn mixed_file_keeps_both() {
        let mut bytes = "第一行,鹿城区\n".as_bytes().to_vec();
        let (gbk, _, _) = encoding_rs::GB18030.encode("第二行,瑞安市\n");
        bytes.extend_from_slice(&gbk);
        let d = decode(&bytes);
        assert_eq!(d.encoding, Encoding::Gb18030);
        assert_eq!(&*d.text, "第一行,鹿城区\n第二行,瑞安市\n");
    }

    #[test]
    #[cfg(unix)]
    fn gbk_file_names() {
        use std::os::unix::ffi::OsStrExt;
        let (gbk, _, _) = encoding_rs::GB18030.encode("公安局_2026Q3.csv");
        let name = std::ffi::OsStr::from_bytes(&gbk);
        assert_eq!(file_name_text(name), "公安局_2026Q3.csv");
        let bad = std::ffi::OsStr::from_bytes(b"a\xFF\x01.csv");
        assert_eq!(file_name_text(bad), "a\\xFF\u{1}.csv");
        assert_eq!(file_name_text(std::ffi::OsStr::new("公安.csv")), "公安.csv");
    }

    #[test]
    fn binary() {
        assert!(looks_binary(b"\x00\x01\x02\x03PK\x03\x04", Encoding::Utf8));
        assert!(!looks_binary(b"a,b,c\n1,2,3\n", Encoding::Utf8));
    }
}
