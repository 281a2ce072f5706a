//! An input file read in place: mapped read-only into memory ([`Mapped`])
//! instead of copied into a buffer, and guarded against being cut short
//! while it is mapped.
//!
//! Why: `read` copies every byte from the page cache into the reader's
//! buffer. Over the million-row benchmark's 361 MB (65 files, cached),
//! reading them into a reused buffer and touching every cache line took
//! 0.10 CPU-s; mapping them and touching the same lines 0.05 (a C test,
//! three runs each): at a million rows the kernel's copy was 3–5% of a
//! build's CPU time, on cores the build keeps busy.
//!
//! The danger of a mapping: a file another program shortens while it is
//! mapped takes its pages past the new end with it, and reading one of
//! them raises `SIGBUS`, which kills the process. So every mapping is
//! listed in a table, and a `SIGBUS` handler (installed with the first
//! mapping) that finds the faulting address in a listed mapping puts
//! zeroed memory in place of the rest of that mapping and lets the read go
//! on; the mapping is marked cut ([`Mapped::was_cut`]), and its reader
//! reports the file as changed while read (see `ingest::read`) instead of
//! what the zeros would read as. Any other `SIGBUS` goes to the handler
//! that was there before (Rust's own, for stack overflows) or, if there
//! was none, to the default action, as if this module did not exist. Only
//! `mmap` is called in the handler (a system call; glibc's wrapper takes
//! no lock), and the table is read with atomics.
//!
//! Linux on 64-bit only; elsewhere [`Mapped::map`] returns `None` and the
//! caller reads the file the ordinary way (so it does when the table is
//! full, the handler cannot be installed or the system refuses the
//! mapping). Depends on nothing else in the crate.

use std::fs::File;

/// Files smaller than this are read the ordinary way (a mapping costs
/// system calls of its own).
pub const MAP_FROM: u64 = 1 << 20;

/// A file's bytes, mapped read-only; unmapped when dropped.
pub struct Mapped {
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    inner: imp::Map,
}

impl Mapped {
    /// Map `len` bytes of `file` (open for reading, a regular file that
    /// held `len` bytes when it was last looked at), or `None` when it
    /// cannot be mapped here.
    pub fn map(file: &File, len: u64) -> Option<Mapped> {
        #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
        {
            imp::Map::new(file, len).map(|inner| Mapped { inner })
        }
        #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
        {
            let _ = (file, len);
            None
        }
    }

    /// The bytes (zeros from where the file was cut short, if it was).
    pub fn bytes(&self) -> &[u8] {
        #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
        {
            self.inner.bytes()
        }
        #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
        {
            &[]
        }
    }

    /// Whether the file was found cut short while mapped (some of
    /// [`Mapped::bytes`] read as zeros that are not the file's).
    pub fn was_cut(&self) -> bool {
        #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
        {
            self.inner.was_cut()
        }
        #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
        {
            false
        }
    }
}

impl std::fmt::Debug for Mapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mapped({} bytes)", self.bytes().len())
    }
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
mod imp {
    use std::fs::File;
    use std::os::unix::io::AsRawFd;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::OnceLock;

    /// How many mappings may exist at once (readers and the files waiting
    /// to be summed: a handful). A full table means reading the ordinary way.
    const SLOTS: usize = 64;

    /// One listed mapping: its first and past-the-last page addresses (0
    /// when the slot is free) and whether it was cut.
    struct Slot {
        start: AtomicUsize,
        end: AtomicUsize,
        cut: AtomicBool,
    }

    #[allow(clippy::declare_interior_mutable_const)]
    const FREE: Slot = Slot {
        start: AtomicUsize::new(0),
        end: AtomicUsize::new(0),
        cut: AtomicBool::new(false),
    };

    static TABLE: [Slot; SLOTS] = [FREE; SLOTS];

    /// The handler that was there before ours, once ours is installed
    /// (`None`: installing failed, nothing is mapped).
    static PREVIOUS: OnceLock<Option<libc::sigaction>> = OnceLock::new();

    pub struct Map {
        addr: *mut libc::c_void,
        len: usize,
        slot: usize,
    }

    // SAFETY: the mapping is read-only memory owned by this value; reading
    // it from several threads at once is safe (the handler only ever
    // replaces its pages with zeroed ones, atomically for each reader).
    unsafe impl Send for Map {}
    unsafe impl Sync for Map {}

    fn page() -> usize {
        // SAFETY: sysconf reads a system constant.
        usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .ok()
            .filter(|&p| p.is_power_of_two())
            .unwrap_or(4096)
    }

    impl Map {
        pub fn new(file: &File, len: u64) -> Option<Map> {
            let len = usize::try_from(len).ok().filter(|&n| n > 0)?;
            if PREVIOUS.get_or_init(install).is_none() {
                return None;
            }
            // A free slot, taken before the mapping exists (its range is
            // set once it does).
            let slot = TABLE.iter().position(|s| {
                s.end
                    .compare_exchange(0, usize::MAX, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            })?;
            // SAFETY: a new read-only private mapping of an open file; the
            // kernel chooses the address.
            let addr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    file.as_raw_fd(),
                    0,
                )
            };
            let s = &TABLE[slot];
            if addr == libc::MAP_FAILED {
                s.end.store(0, Ordering::Release);
                return None;
            }
            let start = addr as usize;
            let end = start + len.div_ceil(page()) * page();
            // (the end first: a handler that sees the start sees the end)
            s.cut.store(false, Ordering::Relaxed);
            s.end.store(end, Ordering::Release);
            s.start.store(start, Ordering::Release);
            Some(Map { addr, len, slot })
        }

        pub fn bytes(&self) -> &[u8] {
            // SAFETY: `len` readable bytes at `addr` for as long as `self`
            // lives; a page the file no longer has is replaced with zeros
            // by the handler before the read that found it goes on.
            unsafe { std::slice::from_raw_parts(self.addr.cast::<u8>(), self.len) }
        }

        pub fn was_cut(&self) -> bool {
            TABLE[self.slot].cut.load(Ordering::Acquire)
        }
    }

    impl Drop for Map {
        fn drop(&mut self) {
            let s = &TABLE[self.slot];
            // Unlisted first: the addresses may be mapped again by anyone
            // once unmapped. The slot is free once they are.
            s.start.store(0, Ordering::Release);
            // SAFETY: the mapping made in `new`, unmapped once; nothing
            // borrowed from it outlives `self`.
            unsafe {
                libc::munmap(self.addr, self.len);
            }
            s.end.store(0, Ordering::Release);
        }
    }

    /// Install the handler; the previous disposition of `SIGBUS`, or
    /// `None` if it could not be installed.
    fn install() -> Option<libc::sigaction> {
        // SAFETY: sigaction with a zeroed, then filled, structure; the
        // handler is an `extern "C"` function of the right signature.
        unsafe {
            let mut new: libc::sigaction = std::mem::zeroed();
            new.sa_sigaction = on_sigbus as *const () as usize;
            new.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut new.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            (libc::sigaction(libc::SIGBUS, &new, &mut old) == 0).then_some(old)
        }
    }

    extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
        let addr = unsafe { (*info).si_addr() } as usize;
        for s in &TABLE {
            let start = s.start.load(Ordering::Acquire);
            let end = s.end.load(Ordering::Acquire);
            if start != 0 && start <= addr && addr < end {
                let from = addr & !(page() - 1);
                // SAFETY: the pages from the faulting one to the end of a
                // mapping of ours (listed, so not yet unmapped) are
                // replaced with zeroed read-only memory.
                let done = unsafe {
                    libc::mmap(
                        from as *mut libc::c_void,
                        end - from,
                        libc::PROT_READ,
                        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                        -1,
                        0,
                    )
                };
                if done != libc::MAP_FAILED {
                    s.cut.store(true, Ordering::Release);
                    return;
                }
            }
        }
        pass_on(sig, info, ctx);
    }

    /// A `SIGBUS` not ours: to the handler that was there before, or (if
    /// there was none) the default action, taken when the faulting
    /// instruction runs again.
    fn pass_on(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        let prev = PREVIOUS.get().copied().flatten();
        match prev {
            Some(p) if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN => {
                if p.sa_flags & libc::SA_SIGINFO != 0 {
                    // SAFETY: a handler installed with SA_SIGINFO has this
                    // signature.
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                        unsafe { std::mem::transmute(p.sa_sigaction) };
                    f(sig, info, ctx);
                } else {
                    // SAFETY: a handler installed without it has this one.
                    let f: extern "C" fn(libc::c_int) =
                        unsafe { std::mem::transmute(p.sa_sigaction) };
                    f(sig);
                }
            }
            _ => {
                // SAFETY: the default disposition restored; the fault
                // happens again and takes it.
                unsafe {
                    let mut dfl: libc::sigaction = std::mem::zeroed();
                    dfl.sa_sigaction = libc::SIG_DFL;
                    libc::sigemptyset(&mut dfl.sa_mask);
                    libc::sigaction(libc::SIGBUS, &dfl, std::ptr::null_mut());
                }
            }
        }
    }
}

/// Files for the tests of mappings (here and where mapped files are used).
#[cfg(all(test, target_os = "linux", target_pointer_width = "64"))]
pub(crate) mod test_files {
    use std::io::Write;

    /// `bytes` as `cases.csv` in a folder of its own (gone with the folder).
    pub fn file_of(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cases.csv");
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        (dir, p)
    }

    /// The file at `p` cut to `len` bytes, as another program might.
    pub fn cut_short(p: &std::path::Path, len: u64) {
        std::fs::OpenOptions::new()
            .write(true)
            .open(p)
            .unwrap()
            .set_len(len)
            .unwrap();
    }
}

#[cfg(all(test, target_os = "linux", target_pointer_width = "64"))]
mod tests {
    use super::test_files::{cut_short, file_of};
    use super::*;

    #[test]
    fn a_mapped_file_reads_as_its_bytes() {
        let want: Vec<u8> = (0..3 * 4096 + 17).map(|i| (i % 251) as u8).collect();
        let (_d, p) = file_of(&want);
        let f = File::open(&p).unwrap();
        let m = Mapped::map(&f, want.len() as u64).unwrap();
        assert_eq!(m.bytes(), &want[..]);
        assert!(!m.was_cut());
    }

    /// A file cut short while mapped: reading past its new end gives
    /// zeros instead of killing the process, and the mapping says so. A
    /// mapping of another file, made meanwhile, is not affected.
    #[test]
    fn a_file_cut_short_while_mapped_reads_as_zeros_past_the_cut_and_is_marked() {
        let want: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8 | 1).collect();
        let (_d, p) = file_of(&want);
        let (_e, q) = file_of(&want);
        let f = File::open(&p).unwrap();
        let g = File::open(&q).unwrap();
        let m = Mapped::map(&f, want.len() as u64).unwrap();
        let other = Mapped::map(&g, want.len() as u64).unwrap();
        cut_short(&p, 10_000);
        let got = m.bytes().to_vec();
        assert_eq!(&got[..8192], &want[..8192]);
        assert!(got[12288..].iter().all(|&b| b == 0));
        assert!(m.was_cut());
        assert_eq!(other.bytes(), &want[..]);
        assert!(!other.was_cut());
        drop(m);
        // the slot is free again and a new mapping starts uncut
        let again = Mapped::map(&g, want.len() as u64).unwrap();
        assert!(!again.was_cut());
    }
}
