//! Direct I/O (Linux `O_DIRECT`), for the two places that go past the page
//! cache: large outputs (`output::direct`, which uses [`set_direct`] and
//! [`refused`]) and large inputs the cache does not hold, read straight
//! into the reader's own buffer ([`read_cold`]). Elsewhere direct I/O is
//! never on and these do nothing.
//!
//! A file read the ordinary way is first copied by the kernel into fresh
//! cache pages and then again into the buffer. At ten million rows, with
//! the 3.6 GB of input out of the cache (as after any run that used the
//! memory: the benchmark's peer uses 3.9 GB), that was 3–4 s of system
//! time: a cold 10M `validate` took 10.1–11.8 s, 6.9–7.6 s when cached.
//! Read with `O_DIRECT` into the (reused) buffer, it took 8.0–8.6 s. A
//! file the cache does hold is still read the ordinary way (direct reads of
//! it were slower: 7.3 → 8.1 s): `mincore` over a mapping of the file,
//! never touched, tells how much of it is cached.
//!
//! Whenever anything is off (a file system that refuses direct I/O, a file
//! that changed size while being read, a short read before its end) the
//! caller reads the file the ordinary way from the start: direct reads use
//! `pread` and leave the file's offset where it was. Elsewhere than Linux
//! [`read_cold`] reads nothing. Tests: `read_input_into` gives every size
//! of file, cached or not, as `std::fs::read` does.

use std::fs::File;
use std::ops::Range;

/// Files smaller than this are read the ordinary way.
pub const COLD_FROM: u64 = 8 << 20;

/// Direct I/O moves whole blocks between an aligned buffer and an aligned
/// file offset: 4096 bytes covers devices of 512- and 4096-byte blocks.
pub const ALIGN: usize = 4096;

/// Read `file` (open, a regular file of `len` bytes, at most `cap`) into
/// `bytes` past the page cache when it is large and mostly not cached:
/// where in `bytes` its contents are, or `None` when it was not read this
/// way (the caller reads it the ordinary way; `bytes` may have been
/// resized, its contents are not meaningful).
pub fn read_cold(file: &File, len: u64, cap: u64, bytes: &mut Vec<u8>) -> Option<Range<usize>> {
    #[cfg(target_os = "linux")]
    {
        if len < COLD_FROM || len > cap || mostly_cached(file, len)? {
            return None;
        }
        if !set_direct(file, true) {
            return None;
        }
        let got = read_direct(file, len, bytes);
        set_direct(file, false);
        got
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (file, len, cap, bytes);
        None
    }
}

/// Make room in `buf` for `room` bytes from an offset aligned to [`ALIGN`]
/// and give that offset (`None` if the allocator's address cannot be
/// aligned so). The buffer only grows: one reused from file to file keeps
/// its bytes, which need not be zeroed again; an empty one is allocated
/// zeroed, which costs nothing until it is written.
pub fn aligned_room(buf: &mut Vec<u8>, room: usize) -> Option<usize> {
    let need = room + ALIGN;
    if buf.capacity() == 0 {
        *buf = vec![0u8; need];
    } else if buf.len() < need {
        buf.resize(need, 0);
    }
    let off = buf.as_ptr().align_offset(ALIGN);
    (off < ALIGN).then_some(off)
}

/// The direct reads: the whole file in blocks into an aligned part of
/// `bytes`, one block more than the file's size so that a file that grew
/// is noticed.
#[cfg(target_os = "linux")]
fn read_direct(file: &File, len: u64, bytes: &mut Vec<u8>) -> Option<Range<usize>> {
    use std::os::unix::fs::FileExt;
    let len = usize::try_from(len).ok()?;
    let room = len.div_ceil(ALIGN) * ALIGN + ALIGN;
    let off = aligned_room(bytes, room)?;
    let buf = &mut bytes[off..off + room];
    let mut done = 0;
    while done < room {
        let end = (done + (8 << 20)).min(room);
        match file.read_at(&mut buf[done..end], done as u64) {
            Ok(0) => break,
            Ok(n) => {
                done += n;
                // Only the file's end comes short of whole blocks.
                if n % ALIGN != 0 {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    // The file as its size said, neither cut short nor grown.
    (done == len).then_some(off..off + done)
}

/// Whether at least half of the file's pages are in the page cache (`None`
/// when that cannot be told).
#[cfg(target_os = "linux")]
fn mostly_cached(file: &File, len: u64) -> Option<bool> {
    use std::os::unix::io::AsRawFd;
    let len = usize::try_from(len).ok()?;
    // SAFETY: sysconf reads a system constant.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
        .ok()
        .filter(|&p| p > 0)?;
    let pages = len.div_ceil(page);
    let mut resident = vec![0u8; pages];
    // SAFETY: the mapping is made, inspected by `mincore` and removed here;
    // nothing reads or writes through it (a file cut short meanwhile cannot
    // fault us). `resident` has one byte per page of the mapping, as
    // `mincore` requires.
    unsafe {
        let addr = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        );
        if addr == libc::MAP_FAILED {
            return None;
        }
        let ok = libc::mincore(addr, len, resident.as_mut_ptr()) == 0;
        libc::munmap(addr, len);
        if !ok {
            return None;
        }
    }
    let cached = resident.iter().filter(|&&b| b & 1 == 1).count();
    Some(cached * 2 >= pages)
}

/// Turn direct I/O on or off for `file`: whether it is now as asked. Only
/// on Linux; elsewhere it stays off.
pub fn set_direct(file: &File, on: bool) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::io::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: F_GETFL and F_SETFL read and set the flags of a
        // descriptor this `File` owns and keeps open; no memory is passed.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags < 0 {
                return false;
            }
            let want = if on {
                flags | libc::O_DIRECT
            } else {
                flags & !libc::O_DIRECT
            };
            libc::fcntl(fd, libc::F_SETFL, want) == 0
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        !on
    }
}

/// Whether an error is the system refusing direct I/O.
pub fn refused(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    return e.raw_os_error() == Some(libc::EINVAL);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = e;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drop a file's pages from the page cache (after flushing them), so
    /// that reading it is cold.
    #[cfg(target_os = "linux")]
    fn evict(path: &std::path::Path) {
        use std::os::unix::io::AsRawFd;
        let f = File::open(path).unwrap();
        f.sync_all().unwrap();
        // SAFETY: a hint about a descriptor this `File` owns; no memory.
        unsafe {
            libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED);
        }
    }

    /// Whether this machine's temporary folder takes direct reads (tmpfs
    /// before Linux 6.6 does not; there nothing is read directly).
    fn direct_io_here() -> bool {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("probe");
        std::fs::write(&path, vec![7u8; 2 * ALIGN]).unwrap();
        let f = File::open(&path).unwrap();
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::FileExt;
            let mut buf = vec![0u8; 4 * ALIGN];
            let off = buf.as_ptr().align_offset(ALIGN);
            set_direct(&f, true)
                && f.read_at(&mut buf[off..off + 2 * ALIGN], 0)
                    .is_ok_and(|n| n == 2 * ALIGN)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = f;
            false
        }
    }

    /// Files around the size read directly and around block boundaries,
    /// cold and cached: `read_input_into` gives what `std::fs::read`
    /// gives, and a direct read (where the file system allows one) the
    /// same bytes.
    #[test]
    fn a_file_reads_the_same_cold_or_cached_whatever_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let mut next = crate::test_rng::below(5);
        let mut buf = Vec::new();
        let mut direct = 0;
        for size in [
            COLD_FROM as usize - 1,
            COLD_FROM as usize,
            COLD_FROM as usize + 1,
            COLD_FROM as usize + ALIGN - 1,
            COLD_FROM as usize + ALIGN,
            3 * COLD_FROM as usize + 12_345,
        ] {
            let data: Vec<u8> = (0..size).map(|_| next(256) as u8).collect();
            let path = dir.path().join(format!("f{size}"));
            std::fs::write(&path, &data).unwrap();
            for cold in [true, false] {
                // cold: out of the page cache; else read once, so cached
                let settle = || {
                    #[cfg(target_os = "linux")]
                    if cold {
                        evict(&path);
                    }
                    if !cold {
                        std::fs::read(&path).unwrap();
                    }
                };
                settle();
                let at = crate::input::read_input_into(&path, None, 1 << 30, &mut buf).unwrap();
                assert!(buf[at] == data[..], "{size} {cold}");
                settle();
                let f = File::open(&path).unwrap();
                match read_cold(&f, size as u64, 1 << 30, &mut buf) {
                    Some(at) => {
                        assert!(buf[at] == data[..], "{size} {cold}");
                        assert!(cold, "a cached file is read the ordinary way");
                        direct += 1;
                    }
                    None => assert!(!cold || size < COLD_FROM as usize || !direct_io_here()),
                }
            }
            // one byte more than the file says: not read directly
            let f = File::open(&path).unwrap();
            #[cfg(target_os = "linux")]
            evict(&path);
            assert_eq!(read_cold(&f, size as u64 + 1, u64::MAX, &mut buf), None);
            // over the cap: not read directly (the caller refuses it)
            assert_eq!(read_cold(&f, size as u64, size as u64 - 1, &mut buf), None);
        }
        eprintln!("read directly: {direct} of 5");
    }
}
