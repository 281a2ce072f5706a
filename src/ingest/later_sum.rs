//! The SHA-256 of the last file of a run, made on a thread of its own
//! while the run's cases are settled and put in order, instead of beside
//! the reading of that file.
//!
//! Why: the last file is read in halves on both cores (the others are
//! done). Summed beside it, the sum held one core while the other read
//! the first half, and the second half started late (at ten million rows
//! the last export is 166 MB: 85 ms of summing); afterwards the settling
//! of that file and the flag sort by unit ran on one core with the other
//! idle (50 and 120 ms at ten million rows). Now both cores read the
//! halves, and the sum is made in that idle time. The bytes summed are
//! the bytes read: the reader's buffer is handed over, not read again.

use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::model::InputFile;

/// Where the last file's sum is being made (at most one file).
#[derive(Default)]
pub struct LaterSum(Mutex<Option<(String, Pending)>>);

enum Pending {
    Making(JoinHandle<[u8; 32]>),
    /// Made at once: no thread could be started.
    Made([u8; 32]),
}

impl LaterSum {
    /// Start summing `bytes[at]`, the contents of the input `path`.
    pub fn start(&self, path: String, bytes: Vec<u8>, at: Range<usize>) {
        let bytes = Arc::new(bytes);
        let sum =
            |b: &[u8], at: Range<usize>| crate::sha_pair::sha256(b.get(at).unwrap_or_default());
        let spawned = std::thread::Builder::new().name("last-sum".into()).spawn({
            let (bytes, at) = (Arc::clone(&bytes), at.clone());
            move || sum(&bytes, at)
        });
        let pending = match spawned {
            Ok(h) => Pending::Making(h),
            Err(_) => Pending::Made(sum(&bytes, at)),
        };
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((path, pending));
    }

    /// Put the sum, once made, into the entry of the input it was started
    /// for (the last of `files` with its path). Nothing when none was
    /// started.
    pub fn fill(&self, files: &mut [InputFile]) {
        let taken = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some((path, pending)) = taken else {
            return;
        };
        let sum = match pending {
            Pending::Made(sum) => sum,
            Pending::Making(h) => match h.join() {
                Ok(sum) => sum,
                Err(panic) => std::panic::resume_unwind(panic),
            },
        };
        if let Some(f) = files.iter_mut().rev().find(|f| f.path == path) {
            f.sha256 = hex::encode(sum);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: &str) -> InputFile {
        InputFile {
            path: path.into(),
            kind: crate::model::FileKind::Cases,
            unit: None,
            encoding: None,
            sha256: String::new(),
            bytes: 0,
            quarter: None,
            counts: Default::default(),
            error: None,
        }
    }

    /// The sum of the bytes in range goes to the input of that path, and
    /// to no other; with nothing started, nothing changes.
    #[test]
    fn the_sum_of_the_range_goes_to_the_input_of_its_path() {
        let mut files = vec![input("2026Q3/a.csv"), input("2026Q3/b.csv")];
        let later = LaterSum::default();
        later.fill(&mut files);
        assert!(files.iter().all(|f| f.sha256.is_empty()));
        let buf = b"xx\xEF\xBB\xBFabc,def\nyyyy".to_vec();
        later.start("2026Q3/a.csv".into(), buf.clone(), 2..13);
        later.fill(&mut files);
        use sha2::Digest;
        assert_eq!(
            files[0].sha256,
            hex::encode(sha2::Sha256::digest(&buf[2..13]))
        );
        assert_eq!(files[1].sha256, "");
        // taken once: a second fill changes nothing
        files[0].sha256.clear();
        later.fill(&mut files);
        assert_eq!(files[0].sha256, "");
    }
}
