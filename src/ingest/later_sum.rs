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
//! halves, and the sum is made in that idle time.
//!
//! The bytes summed are the bytes read: the reader's buffer or the file's
//! mapping is handed over, not read again. A mapping (a large file the
//! page cache holds, as every other input's) is not copied first: copying
//! the 14 MB last export of the million-row benchmark into a buffer held
//! one core for 10–13 ms with the other idle, before the halves could
//! start. Should another program cut the file short while its sum is made
//! (its rows were read whole: that was checked when they were), the sum
//! would be of zeros past the cut: the run stops with an error instead
//! ([`LaterSum::fill`]).

use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::error::{Error, Result};
use crate::input::FileBytes;
use crate::model::InputFile;

/// Where the last file's sum is being made (at most one file).
#[derive(Default)]
pub struct LaterSum(Mutex<Option<(String, Arc<FileBytes>, Pending)>>);

enum Pending {
    Making(JoinHandle<[u8; 32]>),
    /// Made at once: no thread could be started.
    Made([u8; 32]),
}

impl LaterSum {
    /// Start summing `bytes[at]`, the contents of the input `path`.
    pub fn start(&self, path: String, bytes: Arc<FileBytes>, at: Range<usize>) {
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
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((path, bytes, pending));
    }

    /// Put the sum, once made, into the entry of the input it was started
    /// for (the last of `files` with its path). Nothing when none was
    /// started. An error if the file was mapped and cut short while its
    /// sum was made (the sum is not the file's as read).
    pub fn fill(&self, files: &mut [InputFile]) -> Result<()> {
        let taken = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some((path, bytes, pending)) = taken else {
            return Ok(());
        };
        let sum = match pending {
            Pending::Made(sum) => sum,
            Pending::Making(h) => match h.join() {
                Ok(sum) => sum,
                Err(panic) => std::panic::resume_unwind(panic),
            },
        };
        if bytes.was_cut() {
            return Err(Error::Other(format!(
                "文件 {path} 在读取过程中被截短（可能正被其他程序写入）：请在文件不再变动后重新运行 / {path} was cut short while it was read (another program may be writing it): run again once it no longer changes"
            )));
        }
        if let Some(f) = files.iter_mut().rev().find(|f| f.path == path) {
            f.sha256 = hex::encode(sum);
        }
        Ok(())
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
        later.fill(&mut files).unwrap();
        assert!(files.iter().all(|f| f.sha256.is_empty()));
        let buf = b"xx\xEF\xBB\xBFabc,def\nyyyy".to_vec();
        later.start(
            "2026Q3/a.csv".into(),
            Arc::new(FileBytes::Buf(buf.clone())),
            2..13,
        );
        later.fill(&mut files).unwrap();
        use sha2::Digest;
        assert_eq!(
            files[0].sha256,
            hex::encode(sha2::Sha256::digest(&buf[2..13]))
        );
        assert_eq!(files[1].sha256, "");
        // taken once: a second fill changes nothing
        files[0].sha256.clear();
        later.fill(&mut files).unwrap();
        assert_eq!(files[0].sha256, "");
    }

    /// The last file mapped and cut short by another program before its
    /// sum was made: the run stops with an error naming it, instead of
    /// publishing the sum of zeros past the cut as the file's.
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    #[test]
    fn a_mapped_file_cut_short_before_its_sum_is_made_is_an_error() {
        use crate::mapped::test_files::{cut_short, file_of};
        let bytes: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8 | 1).collect();
        let (_dir, p) = file_of(&bytes);
        let f = std::fs::File::open(&p).unwrap();
        let map = crate::mapped::Mapped::map(&f, bytes.len() as u64).unwrap();
        let held = Arc::new(FileBytes::Map(map));
        // whole when read
        assert_eq!(&held[..], &bytes[..]);
        cut_short(&p, 10_000);
        let later = LaterSum::default();
        later.start("2026Q3/a.csv".into(), held, 0..bytes.len());
        let mut files = vec![input("2026Q3/a.csv")];
        let err = later.fill(&mut files).unwrap_err().to_string();
        assert!(
            err.contains("2026Q3/a.csv") && err.contains("被截短"),
            "{err}"
        );
        assert!(err.contains("cut short"), "{err}");
        assert_eq!(files[0].sha256, "");
    }
}
