//! [`IdText`]: an identifier's text (案件编号, 函告编号) kept in the value
//! itself. A million case rows were a million small allocations, each
//! freed on another thread when a later quarter's copy superseded the
//! case, and each a hop away from its record whenever ids were compared
//! (the settler's lookups, the final sort): 7% of ingestion's CPU. The
//! one `unsafe` block reads back the bytes of a `&str` it copied.
//! (`compact_str` and `smol_str` hold 24 and 23 bytes inline; a case id
//! is 23–28 bytes, so nearly all of them would still be allocated.)
//!
//! A longer id (温自然资案〔2026〕10001号 is 33 bytes: a fifth of the
//! benchmark's ids) is kept in its thread's block of text (`arena`),
//! never freed: it was an `Arc<str>` each, two million allocations at ten
//! million rows, 150 MB of fresh pages, and a free on another thread for
//! each copy a later quarter superseded. What this keeps for good is the
//! text of every long id read (66 MB at ten million rows, less than the
//! shared copies of those still held took).

/// An identifier's text (案件编号, and the 函告编号 a deduction lists):
/// held in the value itself when it is at most [`IdText::INLINE`] bytes,
/// as nearly every id is (温公案〔2026〕12345号 is 27), else one shared
/// copy. A case's id was an `Arc<str>`: an allocation per row read, freed
/// on another thread when a later quarter's copy superseded the case, and
/// one hop away from the record whenever ids were compared (the settler's
/// lookups, the final sort). 32 bytes either way.
#[derive(Clone)]
pub struct IdText(IdRepr);

#[derive(Clone)]
enum IdRepr {
    Inline {
        len: u8,
        bytes: [u8; IdText::INLINE],
    },
    Shared(&'static str),
}

impl IdText {
    /// The longest text held inline, in bytes.
    pub const INLINE: usize = 30;

    pub fn as_str(&self) -> &str {
        match &self.0 {
            IdRepr::Inline { len, bytes } => {
                let b = &bytes[..usize::from(*len)];
                // SAFETY: an inline text is only made (`From<&str>`) by
                // copying a whole `&str`'s bytes, so `b` is valid UTF-8.
                unsafe { std::str::from_utf8_unchecked(b) }
            }
            IdRepr::Shared(s) => s,
        }
    }

    /// Whether the text is held inline (test and benchmark use).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, IdRepr::Inline { .. })
    }
}

impl From<&str> for IdText {
    fn from(s: &str) -> IdText {
        let b = s.as_bytes();
        if b.len() <= IdText::INLINE {
            let mut bytes = [0u8; IdText::INLINE];
            bytes[..b.len()].copy_from_slice(b);
            // (at most INLINE, so it fits a u8)
            IdText(IdRepr::Inline {
                len: b.len() as u8,
                bytes,
            })
        } else {
            IdText(IdRepr::Shared(crate::arena::keep_str(s)))
        }
    }
}

impl From<String> for IdText {
    fn from(s: String) -> IdText {
        IdText::from(s.as_str())
    }
}

impl std::ops::Deref for IdText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for IdText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for IdText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for IdText {
    fn eq(&self, other: &IdText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IdText {}

impl PartialOrd for IdText {
    fn partial_cmp(&self, other: &IdText) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IdText {
    fn cmp(&self, other: &IdText) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for IdText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl std::fmt::Debug for IdText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for IdText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for IdText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::IdText;
    use std::collections::HashSet;

    /// Ids either side of the inline limit, some with a multi-byte
    /// character across it, and the empty one.
    fn samples() -> Vec<String> {
        let mut v = vec![
            String::new(),
            "A".into(),
            "温公案〔2026〕1号".into(),
            "温公案〔2026〕12345号".into(),
            "温自然资源罚〔2026〕12345号".into(),
        ];
        for n in 27..=33 {
            v.push("x".repeat(n));
            // a three-byte character ending at byte n
            v.push(format!("{}号", "y".repeat(n - 3)));
        }
        v
    }

    #[test]
    fn an_id_reads_back_as_written_held_inline_up_to_the_limit() {
        for s in samples() {
            let id = IdText::from(s.as_str());
            assert_eq!(id.as_str(), s);
            assert_eq!(&*id, s.as_str());
            assert_eq!(id.to_string(), s);
            assert_eq!(format!("{id:?}"), format!("{s:?}"));
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                serde_json::to_string(&s).unwrap()
            );
            assert_eq!(id.is_inline(), s.len() <= IdText::INLINE, "{s}");
            assert_eq!(IdText::from(s.clone()), id);
            assert_eq!(id.clone().as_str(), s);
        }
        assert_eq!(std::mem::size_of::<IdText>(), 32);
        assert!(IdText::from("温公案〔2026〕123456号").is_inline());
    }

    /// Long ids copied one after another into a thread's blocks (across a
    /// block's end, and one larger than a quarter of a block on its own)
    /// each read back as written, on several threads at once.
    #[test]
    fn long_ids_fill_blocks_and_read_back() {
        let texts: Vec<String> = (0..5000)
            .map(|i| format!("温自然资案〔2026〕{i:05}号{}", "补".repeat(i % 9)))
            .chain([format!("长{}", "x".repeat(40_000))])
            .collect();
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    let ids: Vec<IdText> = texts.iter().map(|t| IdText::from(t.as_str())).collect();
                    assert!(ids.iter().all(|id| !id.is_inline()));
                    for (id, t) in ids.iter().zip(&texts) {
                        assert_eq!(id.as_str(), t);
                    }
                });
            }
        });
    }

    #[test]
    fn ids_compare_and_hash_as_their_text() {
        let s = samples();
        for a in &s {
            for b in &s {
                let (x, y) = (IdText::from(a.as_str()), IdText::from(b.as_str()));
                assert_eq!(x.cmp(&y), a.cmp(b), "{a} {b}");
                assert_eq!(x == y, a == b);
            }
        }
        // looked up by &str (Borrow<str> hashes as str does)
        let set: HashSet<IdText> = s.iter().map(|t| IdText::from(t.as_str())).collect();
        assert_eq!(set.len(), s.len());
        assert!(s.iter().all(|t| set.contains(t.as_str())));
        assert!(!set.contains("温公案〔2026〕2号"));
    }
}
