//! Outputs written as they are made: a [`Sink`] hands each finished file to
//! a writer thread, which writes it into the (temporary) output folder,
//! hashes it for manifest.json and flushes it to disk, while the pipeline
//! goes on building the next file. A build no longer holds every output in
//! memory until the end (summary.json alone is 48 MB at a million rows and
//! ten times that at ten million), and the disk's flushes overlap the
//! work instead of following it.
//!
//! The folder is still swapped in as a whole ([`super::replace_dir`]): a
//! failed run leaves the previous folder as it was. The writer stops at the
//! first failure and [`Sink::finish`] reports it; files are written in the
//! order they were handed over, so that failure is the first in that order.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::{Scope, ScopedJoinHandle};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// One file as written: its path under the folder (with `/`), its
/// SHA-256 (hex) and its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// A file for the writer: its path and its contents in one or more parts
/// (written one after the other, each freed once written).
type Job = (String, Vec<Vec<u8>>);

/// Files waiting for the writer at most: a producer that gets this far
/// ahead waits, so memory holds a few finished files, not all of them.
const QUEUE: usize = 4;

/// The producer's end: files go in with [`Sink::put`], the list of what was
/// written comes out of [`Sink::finish`].
pub struct Sink<'scope> {
    queue: Option<SyncSender<Job>>,
    writer: Option<ScopedJoinHandle<'scope, Result<Vec<Written>>>>,
    /// Set by the writer when a file could not be written: the next `put`
    /// reports it, so a run on a full disk stops at once instead of
    /// building every other file first.
    failed: Arc<AtomicBool>,
    /// Paths handed over, lower-cased (two entries for one file, as a
    /// case-insensitive system such as Windows' sees it, are refused).
    seen: HashSet<String>,
}

impl<'scope> Sink<'scope> {
    /// Start a writer into `dir` on a thread of `scope`.
    pub fn start<'env>(scope: &'scope Scope<'scope, 'env>, dir: &'env Path) -> Sink<'scope> {
        let (queue, jobs) = sync_channel::<Job>(QUEUE);
        let failed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&failed);
        let writer = scope.spawn(move || write_all(dir, jobs, &flag));
        Sink {
            queue: Some(queue),
            writer: Some(writer),
            failed,
            seen: HashSet::new(),
        }
    }

    /// Hand over one file (`rel`: path under the folder, with `/`).
    pub fn put(&mut self, rel: impl Into<String>, bytes: Vec<u8>) -> Result<()> {
        self.put_parts(rel, vec![bytes])
    }

    /// Hand over one file whose contents are `parts`, one after the other.
    pub fn put_parts(&mut self, rel: impl Into<String>, parts: Vec<Vec<u8>>) -> Result<()> {
        let rel = rel.into();
        if self.failed.load(Ordering::Acquire) {
            return self.wait().map(|_| ());
        }
        if !self.seen.insert(rel.to_lowercase()) {
            return Err(Error::Other(format!(
                "内部错误：输出文件“{rel}”重复 / internal error: output file {rel} is listed twice"
            )));
        }
        // The writer only leaves before the queue closes by panicking,
        // which `finish` reports.
        if let Some(q) = &self.queue {
            let _ = q.send((rel, parts));
        }
        Ok(())
    }

    /// Wait until every file handed over is written and flushed: what was
    /// written, in order, or the first failure.
    pub fn finish(mut self) -> Result<Vec<Written>> {
        self.wait()
    }

    /// Close the queue and wait for the writer. Once the writer has been
    /// waited for, a later call has nothing to wait for: it fails if the
    /// writer did (a failure stays one), and otherwise returns nothing.
    fn wait(&mut self) -> Result<Vec<Written>> {
        drop(self.queue.take());
        match self.writer.take().map(ScopedJoinHandle::join) {
            Some(Ok(r)) => r,
            None if self.failed.load(Ordering::Acquire) => Err(Error::Other(
                "写出文件已失败（见上一个错误） / writing the files already failed (see the error before)"
                    .into(),
            )),
            None => Ok(Vec::new()),
            Some(Err(_)) => Err(Error::Other(
                "内部错误：写出文件的线程意外终止 / internal error: the file writer stopped unexpectedly"
                    .into(),
            )),
        }
    }
}

/// The writer: every job in order, until the queue closes. After a failure
/// the remaining jobs are taken and dropped (so no producer waits forever).
fn write_all(dir: &Path, jobs: Receiver<Job>, failed: &AtomicBool) -> Result<Vec<Written>> {
    let mut written = Vec::new();
    let mut failed_at = None;
    for (rel, parts) in jobs {
        if failed_at.is_some() {
            continue;
        }
        match write_file(dir, &rel, parts) {
            Ok(w) => written.push(w),
            Err(e) => {
                failed_at = Some(e);
                failed.store(true, Ordering::Release);
            }
        }
    }
    match failed_at {
        Some(e) => Err(e),
        None => Ok(written),
    }
}

/// Write one file of `parts` under `dir` (folders created as needed),
/// hash it, flush it to disk.
pub fn write_file(dir: &Path, rel: &str, parts: Vec<Vec<u8>>) -> Result<Written> {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut f = std::fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
    let mut hash = Sha256::new();
    let mut bytes = 0u64;
    for part in parts {
        hash.update(&part);
        f.write_all(&part).map_err(|e| Error::io(&p, e))?;
        bytes += part.len() as u64;
    }
    f.sync_all().map_err(|e| Error::io(&p, e))?;
    Ok(Written {
        path: rel.to_string(),
        sha256: hex::encode(hash.finalize()),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_hashed_and_listed_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let written = std::thread::scope(|s| {
            let mut sink = Sink::start(s, dir.path());
            sink.put("a.txt", b"abc".to_vec()).unwrap();
            sink.put_parts("sub/b.txt", vec![b"ab".to_vec(), Vec::new(), b"c".to_vec()])
                .unwrap();
            sink.finish().unwrap()
        });
        // sha256("abc"), from FIPS 180-2 appendix B.1
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(
            written,
            vec![
                Written {
                    path: "a.txt".into(),
                    sha256: abc.into(),
                    bytes: 3
                },
                Written {
                    path: "sub/b.txt".into(),
                    sha256: abc.into(),
                    bytes: 3
                },
            ]
        );
        assert_eq!(std::fs::read(dir.path().join("sub/b.txt")).unwrap(), b"abc");
    }

    #[test]
    fn one_file_named_twice_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::thread::scope(|s| {
            let mut sink = Sink::start(s, dir.path());
            sink.put("Tables/x.csv", b"1".to_vec()).unwrap();
            assert!(sink.put("tables/X.csv", b"2".to_vec()).is_err());
            sink.finish().unwrap();
        });
        assert_eq!(
            std::fs::read(dir.path().join("Tables/x.csv")).unwrap(),
            b"1"
        );
    }

    #[test]
    fn a_failed_write_is_reported_and_the_rest_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the writer needs a folder.
        std::fs::write(dir.path().join("blocked"), b"").unwrap();
        let result = std::thread::scope(|s| {
            let mut sink = Sink::start(s, dir.path());
            sink.put("first.txt", b"1".to_vec()).unwrap();
            sink.put("blocked/inner.txt", b"2".to_vec()).unwrap();
            // More than the queue holds: the producer must not wait
            // forever, and learns of the failure from a later `put` (given
            // up to a second to notice it, not only at `finish`).
            for i in 0..200 {
                if let Err(e) = sink.put(format!("later{i}.txt"), b"3".to_vec()) {
                    return Some(e);
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            None
        });
        let err = result.expect("a later put fails").to_string();
        assert!(err.contains("blocked"), "{err}");
        assert!(dir.path().join("first.txt").exists());
        assert!(!dir.path().join("later0.txt").exists());
    }
    #[test]
    fn a_failure_once_reported_stays_a_failure() {
        // A caller that goes on after a failed `put` must not be told at
        // the end that everything was written.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("blocked"), b"").unwrap();
        std::thread::scope(|s| {
            let mut sink = Sink::start(s, dir.path());
            sink.put("blocked/inner.txt", b"1".to_vec()).unwrap();
            let mut reported = false;
            for i in 0..200 {
                if sink.put(format!("later{i}.txt"), b"2".to_vec()).is_err() {
                    reported = true;
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            assert!(reported);
            assert!(sink.put("after.txt", b"3".to_vec()).is_err());
            assert!(sink.finish().is_err());
        });
    }
}
