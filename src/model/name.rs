//! [`Name`]: the township, site and status a case names, one copy of each
//! distinct text for the whole run, behind a thin pointer; and the
//! interner that makes those copies.

use serde::Serialize;

/// A short name many records share (township, site, status): one copy,
/// behind a thin pointer. A record holds 8 bytes where a `&str` (a
/// pointer and a length) takes 16: at ten million rows the three names of
/// a case take 140 MB less.
///
/// There is one copy of each distinct text for the whole run
/// ([`Name::intern`]; a file's reader asks for each value once per file,
/// `RowCtx::intern`), never freed: what a run holds at its peak anyway,
/// plus the names only superseded cases used, at most the input's own
/// text. (Per file, the same site in each quarter's export was a copy of
/// its own: a million rows of distinct sites held 15 MB more.) In return a
/// `Name` is `Copy`: no reference count is raised for every row read,
/// every pair and list that names a site, or lowered as each is dropped,
/// each an atomic write to a cache line shared by every record of that
/// name. (It was an `Arc<Box<str>>`: the 1M build took 1.19 s, now 1.05 s.)
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
// A thin pointer: `&'static str` would be two words.
#[allow(clippy::borrowed_box)]
pub struct Name(&'static Box<str>);

impl Default for Name {
    fn default() -> Name {
        Name::intern("")
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0
    }
}

/// Every name's one copy, for the whole run (see [`Name`]), in shards so
/// that two readers rarely wait for one lock (each file's reader asks only
/// for the values it has not met in that file before). Each entry keeps
/// its text's hash: a lookup hashes once and reads a stored text only for
/// an entry whose hash is the same.
static NAMES: [std::sync::Mutex<hashbrown::HashTable<(u64, Name)>>; NAME_SHARDS] =
    [const { std::sync::Mutex::new(hashbrown::HashTable::new()) }; NAME_SHARDS];

const NAME_SHARDS: usize = 16;
const NAME_HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x6d62);

impl Name {
    /// The one copy of `s`, made the first time `s` is asked for.
    pub fn intern(s: &str) -> Name {
        use std::hash::BuildHasher;
        let hash = NAME_HASH.hash_one(s);
        // (the top bits choose the shard; the table uses the low ones)
        let shard = (hash >> 60) as usize % NAME_SHARDS;
        // (a panic while the lock was held left the table as it was)
        let mut table = NAMES[shard]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(&(_, n)) = table.find(hash, |(h, n)| *h == hash && **n.0 == *s) {
            return n;
        }
        let n = Name(Box::leak(Box::new(s.into())));
        table.insert_unique(hash, (hash, n), |(h, _)| *h);
        n
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::intern(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::intern(&s)
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl Name {
    /// Start fetching the shared copy's header (where its text is), without
    /// waiting: the far step of [`crate::prefetch::each_ahead`].
    pub fn fetch_header(&self) {
        crate::prefetch::line(self.0 as *const Box<str>);
    }

    /// Start fetching the text itself: reads the header, so some steps
    /// after [`Name::fetch_header`].
    pub fn fetch_text(&self) {
        crate::prefetch::line(self.0.as_ptr());
    }

    /// Whether two names are one shared copy.
    pub fn ptr_eq(a: &Name, b: &Name) -> bool {
        std::ptr::eq(a.0, b.0)
    }

    /// Where the one copy is: two names have the same address exactly
    /// when their texts are the same (one copy of each text per run). A
    /// key that is hashed and compared without reading the text.
    pub fn addr(&self) -> usize {
        std::ptr::from_ref::<Box<str>>(self.0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_one_copy_of_its_text_whichever_thread_asks() {
        let texts: Vec<String> = (0..2000).map(|i| format!("矿点{}", i % 700)).collect();
        let names: Vec<Vec<Name>> = std::thread::scope(|s| {
            let ask = || texts.iter().map(|t| Name::intern(t)).collect::<Vec<_>>();
            let (a, b) = (s.spawn(ask), s.spawn(ask));
            vec![a.join().unwrap(), b.join().unwrap()]
        });
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(&*names[0][i], t.as_str());
            assert!(Name::ptr_eq(&names[0][i], &names[1][i]));
            // the same text asked for again elsewhere in the list
            assert!(Name::ptr_eq(&names[0][i], &names[1][i % 700]));
            assert_eq!(names[0][i].addr(), names[1][i % 700].addr());
        }
        assert!(!Name::ptr_eq(&names[0][0], &names[0][1]));
        assert_ne!(names[0][0].addr(), names[0][1].addr());
        assert!(Name::ptr_eq(&Name::default(), &Name::from(String::new())));
        assert_eq!(&*Name::default(), "");
    }
}
