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
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::{Scope, ScopedJoinHandle};

use super::direct::{OutFile, Stage};

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
/// (written one after the other, each freed once written), either all
/// handed over at once or streamed as they are made ([`Sink::open`]).
enum Job {
    Whole(String, Vec<Vec<u8>>),
    Stream(String, Receiver<Vec<u8>>),
}

/// Parts of a streamed file waiting for the writer at most.
const STREAM_PARTS: usize = 4;

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
            let _ = q.send(Job::Whole(rel, parts));
        }
        Ok(())
    }

    /// Open one file whose parts are handed over as they are made
    /// ([`Stream::send`]): the file is written while the rest of it is
    /// still being built, and memory holds a few parts, not the whole file.
    /// The stream borrows the sink, so nothing else can be handed over
    /// until it is closed (the writer writes files in order: another file
    /// would wait behind the open one).
    pub fn open(&mut self, rel: impl Into<String>) -> Result<Stream<'_, 'scope>> {
        let rel = rel.into();
        if self.failed.load(Ordering::Acquire) {
            return Err(self.wait().err().unwrap_or_else(already_failed));
        }
        if !self.seen.insert(rel.to_lowercase()) {
            return Err(Error::Other(format!(
                "内部错误：输出文件“{rel}”重复 / internal error: output file {rel} is listed twice"
            )));
        }
        let (parts, incoming) = sync_channel(STREAM_PARTS);
        if let Some(q) = &self.queue {
            let _ = q.send(Job::Stream(rel, incoming));
        }
        Ok(Stream { sink: self, parts })
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
            None if self.failed.load(Ordering::Acquire) => Err(already_failed()),
            None => Ok(Vec::new()),
            Some(Err(_)) => Err(Error::Other(
                "内部错误：写出文件的线程意外终止 / internal error: the file writer stopped unexpectedly"
                    .into(),
            )),
        }
    }
}

/// One file being streamed to the writer ([`Sink::open`]); closed (and
/// then written to its end) when dropped.
pub struct Stream<'s, 'scope> {
    sink: &'s mut Sink<'scope>,
    parts: SyncSender<Vec<u8>>,
}

impl Stream<'_, '_> {
    /// Hand over the next part of the file. Fails when the writer has
    /// stopped (with its error: the disk is full, say), so the producer
    /// stops too.
    pub fn send(&mut self, part: Vec<u8>) -> Result<()> {
        if self.parts.send(part).is_ok() {
            return Ok(());
        }
        // The writer dropped this file's parts: it failed (or panicked).
        Err(self.sink.wait().err().unwrap_or_else(already_failed))
    }

    /// Close the file (the same as dropping the stream).
    pub fn close(self) {}
}

/// The error of a call after the writer's failure was reported.
fn already_failed() -> Error {
    Error::Other(
        "写出文件已失败（见上一个错误） / writing the files already failed (see the error before)"
            .into(),
    )
}

/// The writer: every job in order, until the queue closes. After a failure
/// the remaining jobs are taken and dropped (so no producer waits forever).
fn write_all(dir: &Path, jobs: Receiver<Job>, failed: &AtomicBool) -> Result<Vec<Written>> {
    let mut written = Vec::new();
    let mut stage = Stage::new();
    let mut failed_at = None;
    for job in jobs {
        if failed_at.is_some() {
            // (a stream's parts are dropped: its producer learns of the failure)
            continue;
        }
        let result = match job {
            Job::Whole(rel, parts) => write_staged(dir, &rel, parts, &mut stage),
            Job::Stream(rel, parts) => write_staged(dir, &rel, parts, &mut stage),
        };
        match result {
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
pub fn write_file(
    dir: &Path,
    rel: &str,
    parts: impl IntoIterator<Item = Vec<u8>>,
) -> Result<Written> {
    write_staged(dir, rel, parts, &mut Stage::new())
}

/// [`write_file`] through `stage` (`direct`: large files past the page cache).
fn write_staged(
    dir: &Path,
    rel: &str,
    parts: impl IntoIterator<Item = Vec<u8>>,
    stage: &mut Stage,
) -> Result<Written> {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let f = std::fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
    let mut f = OutFile::new(f, stage);
    let mut hash = crate::sha_pair::Stream::new();
    let mut bytes = 0u64;
    for part in parts {
        hash.update(&part);
        f.put(&part).map_err(|e| Error::io(&p, e))?;
        bytes += part.len() as u64;
        crate::pieces::SPARES.give_back(part);
    }
    drop(f.finish().map_err(|e| Error::io(&p, e))?);
    Ok(Written {
        path: rel.to_string(),
        sha256: hex::encode(hash.finish()),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// A folder holding a file named `blocked`, where a writer of
    /// `blocked/…` needs a folder: every write under it fails.
    fn blocked_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("blocked"), b"").unwrap();
        dir
    }

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
        let dir = blocked_dir();
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
        let dir = blocked_dir();
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

    #[test]
    fn a_streamed_file_is_written_in_order_between_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let written = std::thread::scope(|s| {
            let mut sink = Sink::start(s, dir.path());
            sink.put("1.txt", b"one".to_vec()).unwrap();
            let mut stream = sink.open("2.txt").unwrap();
            // more parts than the stream's queue holds
            for _ in 0..3 * STREAM_PARTS {
                stream.send(b"a".to_vec()).unwrap();
            }
            stream.send(b"bc".to_vec()).unwrap();
            stream.close();
            assert!(sink.open("2.TXT").is_err(), "a name already used");
            sink.put("3.txt", b"three".to_vec()).unwrap();
            sink.finish().unwrap()
        });
        let paths: Vec<_> = written.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(paths, ["1.txt", "2.txt", "3.txt"]);
        let streamed = "a".repeat(3 * STREAM_PARTS) + "bc";
        assert_eq!(
            std::fs::read_to_string(dir.path().join("2.txt")).unwrap(),
            streamed
        );
        assert_eq!(written[1].bytes, streamed.len() as u64);
        assert_eq!(
            written[1].sha256,
            hex::encode(Sha256::digest(streamed.as_bytes()))
        );
    }

    #[test]
    fn a_stream_the_writer_cannot_write_fails_its_producer() {
        let dir = blocked_dir();
        std::thread::scope(|s| {
            let mut sink = Sink::start(s, dir.path());
            let mut stream = sink.open("blocked/summary.json").unwrap();
            // The producer is not left waiting on a full queue: a send
            // fails with the writer's error.
            let err = (0..100)
                .find_map(|_| stream.send(vec![b'x'; 1024]).err())
                .expect("a send fails")
                .to_string();
            assert!(err.contains("blocked"), "{err}");
            stream.close();
            assert!(sink.open("later.json").is_err());
            assert!(sink.finish().is_err());
        });
        assert!(!dir.path().join("later.json").exists());
    }
}
