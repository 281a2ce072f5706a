//! One output file written through a staging buffer, and past the page
//! cache where the system allows it ([`OutFile`]).
//!
//! Every output is flushed to disk before the folder is swapped in
//! (`sync_all`), so keeping its pages in the system's file cache buys
//! nothing, and copying them there is not free: at ten million rows a
//! build writes some 700 MB (summary.json alone is 480 MB), and the
//! kernel's copy into fresh cache pages took more CPU than anything the
//! writer thread did, on the core the rest of the build needed. So once a
//! file has filled the stage (4 MiB) it is switched to direct I/O
//! (`O_DIRECT` set with `fcntl`, Linux only): each full stage goes from
//! this buffer to the disk, aligned as direct I/O requires; the last
//! partial block is written through the cache as before. A file system
//! that refuses direct I/O (tmpfs before Linux 6.6, some network and FUSE
//! file systems: `EINVAL` from `fcntl` or from a write) gets the rest of
//! the file written the ordinary way, and so does every file smaller than
//! the stage and every file on other systems (Windows' counterpart,
//! `FILE_FLAG_NO_BUFFERING`, is chosen when a file is opened, and is not
//! used). The bytes written are the same either way (tests: every size
//! around the stage and block boundaries; refusals and short writes).
//!
//! Measured with `dd` on the benchmark machine: 400 MB through the cache
//! and flushed, 0.6–1.0 s of system time; direct, 0.03 s. A 10M build
//! 12.5–14.5 → 10.8–10.9 s, system time 4.7–8.7 → 2.4–2.7 s; 1M 1.12 →
//! 1.02 s (alternating runs).

use std::fs::File;
use std::io::Write;

use crate::direct_io::{aligned_room, refused, set_direct, ALIGN};

/// The staging buffer's size, and the smallest file written directly.
const STAGE: usize = 4 << 20;

/// A buffer of [`STAGE`] bytes aligned to [`ALIGN`], reused from file to
/// file by the writer thread.
pub struct Stage {
    raw: Vec<u8>,
    /// Where the aligned part of `raw` starts.
    start: usize,
    /// Whether it is aligned (else files are written the ordinary way).
    aligned: bool,
    /// Bytes held.
    len: usize,
}

impl Stage {
    pub fn new() -> Stage {
        let mut raw = Vec::new();
        let start = aligned_room(&mut raw, STAGE);
        Stage {
            raw,
            start: start.unwrap_or(0),
            aligned: start.is_some(),
            len: 0,
        }
    }

    fn buf(&mut self) -> &mut [u8] {
        &mut self.raw[self.start..self.start + STAGE]
    }
}

impl Default for Stage {
    fn default() -> Stage {
        Stage::new()
    }
}

/// Where an [`OutFile`]'s bytes go: a file, or in tests a stand-in that
/// checks what direct I/O requires and refuses it on demand.
pub trait Target {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize>;
    /// Turn direct I/O on or off: whether it is now as asked.
    fn set_direct(&mut self, on: bool) -> bool;
    fn sync(&mut self) -> std::io::Result<()>;
}

impl Target for File {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        Write::write(self, bytes)
    }
    fn set_direct(&mut self, on: bool) -> bool {
        set_direct(self, on)
    }
    fn sync(&mut self) -> std::io::Result<()> {
        self.sync_all()
    }
}

/// An output file being written (see the module's header).
pub struct OutFile<'s, F: Target = File> {
    file: F,
    stage: &'s mut Stage,
    /// Direct I/O is on for the file.
    direct: bool,
    /// Direct I/O was tried and refused: the rest goes through the cache.
    refused: bool,
}

impl<'s, F: Target> OutFile<'s, F> {
    /// Write into `file` (empty, just created) through `stage`.
    pub fn new(file: F, stage: &'s mut Stage) -> OutFile<'s, F> {
        stage.len = 0;
        OutFile {
            file,
            stage,
            direct: false,
            refused: false,
        }
    }

    /// Take the next bytes of the file.
    pub fn put(&mut self, mut data: &[u8]) -> std::io::Result<()> {
        while !data.is_empty() {
            let at = self.stage.len;
            let n = (STAGE - at).min(data.len());
            self.stage.buf()[at..at + n].copy_from_slice(&data[..n]);
            self.stage.len += n;
            data = &data[n..];
            if self.stage.len == STAGE {
                if !self.direct && !self.refused {
                    self.direct = self.stage.aligned && self.file.set_direct(true);
                    self.refused = !self.direct;
                }
                self.flush_stage(STAGE)?;
            }
        }
        Ok(())
    }

    /// Write what is left and flush the file to disk; the file is handed back.
    pub fn finish(mut self) -> std::io::Result<F> {
        let len = self.stage.len;
        // whole blocks directly (when direct I/O is on), the rest through the cache
        let blocks = if self.direct { len / ALIGN * ALIGN } else { 0 };
        self.flush_stage(blocks)?;
        self.buffered()?;
        let rest = self.stage.len;
        self.flush_stage(rest)?;
        self.file.sync()?;
        Ok(self.file)
    }

    /// Write the first `n` bytes of the stage (`n` a multiple of [`ALIGN`]
    /// while direct I/O is on) and keep the rest at its start.
    fn flush_stage(&mut self, n: usize) -> std::io::Result<()> {
        let mut done = 0;
        while done < n {
            let result = {
                let start = self.stage.start;
                self.file.write(&self.stage.raw[start + done..start + n])
            };
            match result {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(k) => {
                    done += k;
                    // A short direct write off a block boundary would leave
                    // the next one misaligned.
                    if self.direct && !k.is_multiple_of(ALIGN) {
                        self.buffered()?;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // Direct I/O refused at the first write (nothing written):
                // the same bytes again through the cache.
                Err(e) if self.direct && refused(&e) => self.buffered()?,
                Err(e) => return Err(e),
            }
        }
        let (start, len) = (self.stage.start, self.stage.len);
        self.stage.raw.copy_within(start + n..start + len, start);
        self.stage.len = len - n;
        Ok(())
    }

    /// Direct I/O off for the rest of the file.
    fn buffered(&mut self) -> std::io::Result<()> {
        if self.direct {
            self.direct = false;
            self.refused = true;
            if !self.file.set_direct(false) {
                return Err(std::io::Error::other(
                    "cannot switch direct I/O off for the file",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sizes around the block and stage boundaries, in parts of awkward
    /// sizes: the file holds exactly the bytes put.
    #[test]
    fn a_file_holds_the_bytes_put_whatever_their_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let mut stage = Stage::new();
        let mut next = crate::test_rng::below(11);
        for size in [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            ALIGN + 1,
            STAGE - 1,
            STAGE,
            STAGE + 1,
            STAGE + ALIGN,
            2 * STAGE + 12_345,
        ] {
            let data: Vec<u8> = (0..size).map(|_| next(256) as u8).collect();
            for part in [1usize, 1000, 65_536, STAGE + 7] {
                let path = dir.path().join(format!("f{size}-{part}"));
                let mut f = OutFile::new(File::create(&path).unwrap(), &mut stage);
                for chunk in data.chunks(part) {
                    f.put(chunk).unwrap();
                }
                drop(f.finish().unwrap());
                assert!(std::fs::read(&path).unwrap() == data, "{size} {part}");
            }
        }
    }

    /// A stand-in file: checks that every write made while direct I/O is
    /// on starts at an aligned address and file offset and is whole
    /// blocks, and misbehaves as told.
    #[derive(Default)]
    struct Fake {
        bytes: Vec<u8>,
        direct: bool,
        /// `set_direct(true)` fails.
        no_direct: bool,
        /// Direct writes fail with EINVAL (after `set_direct` succeeded).
        refuse_writes: bool,
        /// Writes take at most this many bytes (0: all).
        short: usize,
        direct_writes: usize,
        synced: bool,
    }

    impl Target for Fake {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.direct {
                if self.refuse_writes {
                    return Err(std::io::Error::from_raw_os_error(22));
                }
                assert!((b.as_ptr() as usize).is_multiple_of(ALIGN));
                assert!(self.bytes.len().is_multiple_of(ALIGN));
                assert!(b.len().is_multiple_of(ALIGN));
                self.direct_writes += 1;
            }
            let n = if self.short > 0 {
                b.len().min(self.short)
            } else {
                b.len()
            };
            self.bytes.extend_from_slice(&b[..n]);
            Ok(n)
        }
        fn set_direct(&mut self, on: bool) -> bool {
            if on && self.no_direct {
                return false;
            }
            self.direct = on;
            true
        }
        fn sync(&mut self) -> std::io::Result<()> {
            self.synced = true;
            Ok(())
        }
    }

    /// Direct I/O refused when asked for, refused at the first write (as
    /// tmpfs before Linux 6.6 and some network file systems do), short
    /// writes on and off block boundaries: the same bytes, and direct
    /// writes only while they can be made.
    #[test]
    fn where_direct_io_is_refused_or_cut_short_the_bytes_are_the_same() {
        let data: Vec<u8> = (0..2 * STAGE + 999).map(|i| (i % 251) as u8).collect();
        let mut stage = Stage::new();
        let cases: [(Fake, bool); 5] = [
            (Fake::default(), true),
            (
                Fake {
                    no_direct: true,
                    ..Fake::default()
                },
                false,
            ),
            (
                Fake {
                    refuse_writes: true,
                    ..Fake::default()
                },
                false,
            ),
            (
                Fake {
                    short: 3 * ALIGN,
                    ..Fake::default()
                },
                true,
            ),
            (
                Fake {
                    short: 1000,
                    ..Fake::default()
                },
                true,
            ),
        ];
        for (i, (fake, direct)) in cases.into_iter().enumerate() {
            // (EINVAL is direct I/O refused on Linux only; elsewhere direct
            // I/O is never turned on for a real file)
            if fake.refuse_writes && !cfg!(target_os = "linux") {
                continue;
            }
            let mut f = OutFile::new(fake, &mut stage);
            for chunk in data.chunks(100_000) {
                f.put(chunk).unwrap();
            }
            let got = f.finish().unwrap();
            assert!(got.bytes == data, "case {i}");
            assert!(got.synced);
            assert_eq!(got.direct_writes > 0, direct, "case {i}");
            assert!(!got.direct, "direct I/O left on, case {i}");
        }
    }
}
