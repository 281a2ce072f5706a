//! Copies kept for the rest of the process, packed into blocks that the
//! thread making them fills one after another and never frees: the long
//! 案件编号 (`id_text`) and the free text of the cases a report may quote
//! (`model::CaseText`). Each was an allocation of its own per row read (a
//! fifth of the benchmark's ids are too long to sit in the record; a
//! tenth of its rows keep their text): the allocator's work, its fresh
//! pages, and a free on the settling thread for every copy superseded or
//! dropped, were 5% of ingestion at a million rows and more at ten
//! million. What a run keeps so is bounded by what it reads, and a
//! process reads one data folder and ends (the run's shared names,
//! `model::Name`, are never freed either). Layer 0: depends on nothing
//! else in the crate.

use std::cell::RefCell;
use std::mem::MaybeUninit;

/// Bytes of text a thread's block holds.
const TEXT_BLOCK: usize = 64 << 10;

/// Values a thread's block of one type holds.
const VALUE_BLOCK: usize = 1024;

thread_local! {
    /// What is left of this thread's block of text.
    static SPARE_TEXT: RefCell<&'static mut [u8]> = const { RefCell::new(&mut []) };
}

/// `s` copied for the rest of the process (see [`keep_concat`]).
pub fn keep_str(s: &str) -> &'static str {
    keep_concat(&[s])
}

/// `parts` copied one after the other, as one text, for the rest of the
/// process: into the thread's block (a new one when it has no room), or
/// on its own when it is over a quarter of a block.
pub fn keep_concat(parts: &[&str]) -> &'static str {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > TEXT_BLOCK / 4 {
        return Box::leak(parts.concat().into_boxed_str());
    }
    SPARE_TEXT.with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.len() < len {
            *spare = Box::leak(vec![0u8; TEXT_BLOCK].into_boxed_slice());
        }
        let (mine, rest) = std::mem::take(&mut *spare).split_at_mut(len);
        *spare = rest;
        let mut at = 0;
        for p in parts {
            mine[at..at + p.len()].copy_from_slice(p.as_bytes());
            at += p.len();
        }
        // SAFETY: `mine` holds copies of whole `&str`s one after the other,
        // so it is valid UTF-8; no one else borrows it (it was split off
        // the block, whose rest alone is handed out again).
        unsafe { std::str::from_utf8_unchecked(mine) }
    })
}

/// A thread's block of places for values of one type: a `thread_local!`
/// of its own per type (one is in the tests), handed to [`keep_in`].
pub type Spare<T> = RefCell<&'static mut [MaybeUninit<T>]>;

/// `value` moved into the next place of `spare` (a thread's block, a new
/// one when it is full), for the rest of the process. Its `Drop` never
/// runs: for values that own nothing outside the arena.
pub fn keep_in<T>(spare: &'static std::thread::LocalKey<Spare<T>>, value: T) -> &'static T {
    spare.with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.is_empty() {
            *spare = Box::leak(Box::new_uninit_slice(VALUE_BLOCK));
        }
        let (place, rest) = match std::mem::take(&mut *spare).split_first_mut() {
            Some(split) => split,
            None => unreachable!("a block just made is not empty"),
        };
        *spare = rest;
        &*place.write(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static NUMBERS: Spare<(u64, &'static str)> = const { RefCell::new(&mut []) };
    }

    /// Texts and values kept across block ends (and a text larger than a
    /// quarter of a block, kept on its own) read back as made, on several
    /// threads at once.
    #[test]
    fn kept_copies_read_back() {
        let texts: Vec<String> = (0..5000)
            .map(|i| format!("温自然资案〔2026〕{i:05}号{}", "补".repeat(i % 9)))
            .chain([format!("长{}", "x".repeat(TEXT_BLOCK / 2))])
            .collect();
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    let kept: Vec<&str> = texts.iter().map(|t| keep_str(t)).collect();
                    let values: Vec<&(u64, &str)> = (0..3000u64)
                        .map(|i| keep_in(&NUMBERS, (i, kept[i as usize])))
                        .collect();
                    for (k, t) in kept.iter().zip(&texts) {
                        assert_eq!(k, t);
                    }
                    for (i, v) in values.iter().enumerate() {
                        assert_eq!(**v, (i as u64, texts[i].as_str()));
                    }
                });
            }
        });
        assert_eq!(keep_str(""), "");
        assert_eq!(
            keep_concat(&["张三", "", "330302", "案情"]),
            "张三330302案情"
        );
    }
}
