//! Reading a file the user gave us, safely: a regular file only, of at
//! most a given size, and (inside the data folder) no link leading out of
//! it. Every reader uses it: the ingest of data files, the configuration,
//! fonts and templates. It sits at the bottom of the pipeline so that none
//! of them has to reach into `ingest` for it. A large data file may be
//! mapped in place instead of copied ([`read_input_mapped`], `mapped`).

use std::ops::Range;
use std::path::Path;

use crate::error::Error;
use crate::mapped::{Mapped, MAP_FROM};

/// Why an input was not read: (Chinese, English).
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub zh: String,
    pub en: String,
}

/// What a read gives: `T`, or why the input was not read.
pub type Refused<T> = std::result::Result<T, Refusal>;

impl Refusal {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// As a fatal error naming `path` (for a configuration or font file).
    pub fn into_error(self, path: &Path) -> Error {
        Error::usage(
            format!("{}：{}", path.display(), self.zh),
            format!("{}: {}", path.display(), self.en),
        )
    }
}

/// Read an input file safely: only a regular file (a named pipe would
/// block forever, a device such as /dev/zero never ends) of at most `cap`
/// bytes. With `root` (the data folder), a symbolic link is followed only
/// when its target lies inside it: a link leaving the data folder is
/// refused, so that no file outside it is read (or its sha256 published in
/// manifest.json). Without `root` (a file the user named: --config, a
/// font), links are followed.
pub fn read_input(abs: &Path, root: Option<&Path>, cap: u64) -> Refused<Vec<u8>> {
    let mut bytes = Vec::new();
    let at = read_input_into(abs, root, cap, &mut bytes)?;
    bytes.truncate(at.end);
    bytes.drain(..at.start);
    Ok(bytes)
}

/// [`read_input`] into `bytes`, whose memory is reused: a reader that goes
/// from file to file keeps one buffer instead of asking the system for
/// fresh (zeroed) pages for every file; a file of 66 MB is above what the C
/// allocator recycles and would come from the system each time. The file
/// is `bytes[range]` for the range returned: a large file the page cache
/// does not hold is read past it into an aligned part of the buffer
/// (`direct_io::read_cold`), any other from its start.
pub fn read_input_into(
    abs: &Path,
    root: Option<&Path>,
    cap: u64,
    bytes: &mut Vec<u8>,
) -> Refused<Range<usize>> {
    let (f, len) = open_input(abs, root, cap)?;
    read_open(&f, len, cap, bytes)
}

/// A file's bytes as [`read_input_mapped`] holds them.
pub enum FileBytes {
    /// Read into a buffer (the reader's, handed back when done).
    Buf(Vec<u8>),
    /// Mapped in place.
    Map(Mapped),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Buf(b) => b,
            FileBytes::Map(m) => m.bytes(),
        }
    }
}

impl FileBytes {
    /// Whether the file was cut short while mapped: what was read of it
    /// is not the file's (see [`crate::mapped`]).
    pub fn was_cut(&self) -> bool {
        matches!(self, FileBytes::Map(m) if m.was_cut())
    }
}

/// [`read_input_into`], or the file mapped in place when it is at least
/// [`MAP_FROM`] bytes and held by the page cache (a large file it does
/// not hold is read past it, as `read_input_into` does): the bytes, and
/// where the file is in them. `bytes` is the reader's buffer, taken into
/// the result when the file is read into it.
pub fn read_input_mapped(
    abs: &Path,
    root: Option<&Path>,
    cap: u64,
    bytes: &mut Vec<u8>,
) -> Refused<(FileBytes, Range<usize>)> {
    let (f, len) = open_input(abs, root, cap)?;
    let at = match crate::direct_io::read_cold(&f, len, cap, bytes) {
        Some(at) => at,
        None => {
            if let Some(m) = (len >= MAP_FROM).then(|| Mapped::map(&f, len)).flatten() {
                let n = m.bytes().len();
                return Ok((FileBytes::Map(m), 0..n));
            }
            read_whole(&f, len, cap, bytes)?
        }
    };
    Ok((FileBytes::Buf(std::mem::take(bytes)), at))
}

fn cannot(e: std::io::Error) -> Refusal {
    Refusal::new(
        format!("无法读取文件：{e}"),
        format!("cannot read the file: {e}"),
    )
}

fn too_large(n: u64, cap: u64) -> Refusal {
    Refusal::new(
        format!("文件过大（{n} 字节，上限 {cap} 字节），未读取：请拆分为较小的文件"),
        format!(
            "file too large ({n} bytes, the limit is {cap}); not read: split it into smaller files"
        ),
    )
}

/// The checks of [`read_input`], and the file opened: it and its size.
fn open_input(abs: &Path, root: Option<&Path>, cap: u64) -> Refused<(std::fs::File, u64)> {
    let lmd = std::fs::symlink_metadata(abs).map_err(cannot)?;
    if let (true, Some(root)) = (lmd.file_type().is_symlink(), root) {
        let target = std::fs::canonicalize(abs).map_err(|e| {
            Refusal::new(
                format!("链接指向的文件不存在或无法访问：{e}"),
                format!("the link's target cannot be reached: {e}"),
            )
        })?;
        let inside = std::fs::canonicalize(root).is_ok_and(|r| target.starts_with(r));
        if !inside {
            return Err(Refusal::new(
                "这是指向数据目录之外的链接，出于安全不读取：请把文件本身复制到季度文件夹中",
                "a link to a file outside the data folder is not followed: copy the file itself into the quarter folder",
            ));
        }
    }
    // Checked before opening (opening a pipe could block) and again on
    // the file opened (it may have been swapped meanwhile).
    regular_within(&std::fs::metadata(abs).map_err(cannot)?, cap)?;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        // Should the file be swapped for a pipe after the check, opening it
        // must not block.
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let f = opts.open(abs).map_err(cannot)?;
    let fmd = f.metadata().map_err(cannot)?;
    regular_within(&fmd, cap)?;
    Ok((f, fmd.len()))
}

/// A regular file of at most `cap` bytes, or why not.
fn regular_within(md: &std::fs::Metadata, cap: u64) -> Refused<()> {
    if !md.is_file() {
        return Err(Refusal::new(
            "不是普通文件（命名管道、设备或套接字等），未读取",
            "not a regular file (a named pipe, device or socket); not read",
        ));
    }
    if md.len() > cap {
        return Err(too_large(md.len(), cap));
    }
    Ok(())
}

/// Read the opened file `f` (`len` bytes when last looked at) into
/// `bytes`: past the page cache when it is large and not cached
/// (`direct_io::read_cold`), else from its start.
fn read_open(f: &std::fs::File, len: u64, cap: u64, bytes: &mut Vec<u8>) -> Refused<Range<usize>> {
    match crate::direct_io::read_cold(f, len, cap, bytes) {
        Some(at) => Ok(at),
        None => read_whole(f, len, cap, bytes),
    }
}

/// Read the opened file `f` into `bytes` from its start, the ordinary way.
fn read_whole(f: &std::fs::File, len: u64, cap: u64, bytes: &mut Vec<u8>) -> Refused<Range<usize>> {
    use std::io::Read;
    bytes.clear();
    // The size is only a hint (the file may change): reserve what is
    // there, never more than the cap, and do not abort if it cannot be had.
    let _ = bytes.try_reserve_exact(len.min(cap) as usize);
    f.take(cap.saturating_add(1))
        .read_to_end(bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64, cap));
    }
    Ok(0..bytes.len())
}
