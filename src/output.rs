//! Writing files: atomic writes, CSV for Excel (UTF-8 with BOM, formula
//! cells neutralised), and replacing an output folder as a whole.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::ingest::text::csv_safe;
use crate::model::Reject;

/// Write a file under a temporary name in the same folder, then rename it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.as_os_str().is_empty() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// A file or folder name built from data (a region name): path separators,
/// characters Windows forbids and control characters become `_`, leading
/// and trailing dots and spaces are dropped; never empty, `.` or `..`.
pub fn sanitize_name(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let t = mapped.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if t.is_empty() {
        "_".to_string()
    } else {
        t.to_string()
    }
}

/// Replace the folder `dest` as a whole: `fill` writes everything into a
/// temporary sibling folder, which is then swapped in (the old folder is
/// renamed away, the new one renamed in, the old one deleted). If `fill`
/// fails or the run is interrupted, the previous `dest` stays intact; no
/// file of an earlier run survives a successful one. A lock file beside
/// `dest` keeps two runs on the same folder apart; leftovers of an
/// interrupted run are cleaned up (or restored) first.
pub fn replace_dir(dest: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| {
            Error::usage(
                format!("输出目录 {} 无效", dest.display()),
                format!("invalid output folder {}", dest.display()),
            )
        })?;
    let lock_path = parent.join(format!(".{name}.lock"));
    // The lock file is removed after a run; a waiter that locked a removed
    // file tries again on a fresh one.
    let lock = loop {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        f.lock().map_err(|e| Error::io(&lock_path, e))?;
        if same_file(&f, &lock_path) {
            break f;
        }
    };
    let result = swap_locked(dest, &parent, &name, fill);
    let _ = std::fs::remove_file(&lock_path);
    drop(lock);
    result
}

fn swap_locked(
    dest: &Path,
    parent: &Path,
    name: &str,
    fill: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    // Leftovers of an interrupted run: restore an old folder that never got
    // replaced, delete temporary ones.
    let tmp_prefix = format!(".{name}.tmp-");
    let old_prefix = format!(".{name}.old-");
    let entries = std::fs::read_dir(parent).map_err(|e| Error::io(parent, e))?;
    let mut leftovers: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy())
                .is_some_and(|n| n.starts_with(&tmp_prefix) || n.starts_with(&old_prefix))
        })
        .collect();
    leftovers.sort();
    for p in leftovers {
        let is_old = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(&old_prefix));
        if is_old && std::fs::symlink_metadata(dest).is_err() {
            std::fs::rename(&p, dest).map_err(|e| Error::io(dest, e))?;
        } else {
            remove_any(&p)?;
        }
    }

    let pid = std::process::id();
    let tmp = parent.join(format!("{tmp_prefix}{pid}"));
    let old = parent.join(format!("{old_prefix}{pid}"));
    std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
    if let Err(e) = fill(&tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let had_old = std::fs::symlink_metadata(dest).is_ok();
    // Where the system can, swap the two folders in one step, so that there
    // is no moment without `dest` even if the run is killed here.
    if had_old && exchange(&tmp, dest) {
        remove_any(&tmp)?;
        return Ok(());
    }
    if had_old {
        if let Err(e) = std::fs::rename(dest, &old) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(Error::io(dest, e));
        }
    }
    if let Err(e) = std::fs::rename(&tmp, dest) {
        if had_old {
            let _ = std::fs::rename(&old, dest);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(Error::io(dest, e));
    }
    if had_old {
        remove_any(&old)?;
    }
    Ok(())
}

/// Whether the open file `f` is still the file at `path` (a waiter may
/// have locked a lock file that its holder removed meanwhile; another run
/// may already hold a fresh one at the same path).
fn same_file(f: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (f.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = f;
        path.exists()
    }
}

/// Atomically exchange two paths (Linux `renameat2` with `RENAME_EXCHANGE`).
/// False when the system or file system cannot; nothing has changed then.
fn exchange(a: &Path, b: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let (Ok(ca), Ok(cb)) = (
            CString::new(a.as_os_str().as_bytes()),
            CString::new(b.as_os_str().as_bytes()),
        ) else {
            return false;
        };
        // SAFETY: both are valid NUL-terminated paths; renameat2 only reads them.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        r == 0
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        false
    }
}

fn remove_any(p: &Path) -> Result<()> {
    let md = std::fs::symlink_metadata(p).map_err(|e| Error::io(p, e))?;
    if md.is_dir() {
        std::fs::remove_dir_all(p).map_err(|e| Error::io(p, e))
    } else {
        std::fs::remove_file(p).map_err(|e| Error::io(p, e))
    }
}

/// A cell of a CSV we write.
pub enum Cell<'a> {
    /// Text copied from input: prefixed with `'` when it starts with = + - @.
    Text(&'a str),
    /// Text the tool made itself (headers, codes).
    Own(&'a str),
    /// A number the tool computed, written as a plain number.
    Int(i64),
    Num(f64),
}

/// Build CSV bytes for Excel: UTF-8 with BOM, CRLF line ends.
pub struct CsvOut {
    w: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    pub fn new(header: &[&str]) -> CsvOut {
        let mut buf = Vec::with_capacity(4096);
        buf.extend_from_slice(b"\xEF\xBB\xBF");
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(buf);
        // Writing into a Vec cannot fail.
        let _ = w.write_record(header);
        CsvOut { w }
    }

    pub fn row(&mut self, cells: &[Cell]) {
        let rec: Vec<String> = cells
            .iter()
            .map(|c| match c {
                Cell::Text(s) => csv_safe(s).into_owned(),
                Cell::Own(s) => s.to_string(),
                Cell::Int(i) => i.to_string(),
                Cell::Num(x) => fmt_num(*x),
            })
            .collect();
        let _ = self.w.write_record(&rec);
    }

    /// A record of cells already rendered as text.
    pub fn record(&mut self, cells: &[String]) {
        let _ = self.w.write_record(cells);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner().unwrap_or_default()
    }
}

/// A number as plain text: integers without a decimal point, others with
/// up to four decimals and no trailing zeros.
pub fn fmt_num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// rejects.csv: file, line, field, value, code, message, message_en.
pub fn rejects_csv(rejects: &[Reject]) -> Vec<u8> {
    crate::tables::rejects_table(rejects).to_csv()
}

/// Give memory freed by a finished stage back to the operating system
/// (glibc keeps freed heap pages otherwise, and the next stage's peak is
/// counted on top of them). A no-op elsewhere.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it has
    // no preconditions and does not touch live allocations.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape() {
        assert_eq!(sanitize_name("瑞安市"), "瑞安市");
        assert_eq!(sanitize_name("../../etc"), "_.._etc");
        assert_eq!(sanitize_name(".."), "_");
        assert_eq!(sanitize_name("a/b\\c:d"), "a_b_c_d");
        assert_eq!(sanitize_name(""), "_");
    }

    #[test]
    fn folder_is_replaced_as_a_whole() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("2026Q3");
        replace_dir(&dest, |d| {
            std::fs::write(d.join("a.txt"), "1").map_err(|e| Error::io(d, e))
        })
        .unwrap();
        replace_dir(&dest, |d| {
            std::fs::write(d.join("b.txt"), "2").map_err(|e| Error::io(d, e))
        })
        .unwrap();
        assert!(!dest.join("a.txt").exists());
        assert!(dest.join("b.txt").exists());
        // A failing run leaves the previous folder intact.
        let r = replace_dir(&dest, |_| Err(Error::Other("boom".into())));
        assert!(r.is_err());
        assert!(dest.join("b.txt").exists());
        let names: Vec<String> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, vec!["2026Q3".to_string()]);
    }

    #[test]
    fn numbers() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(1234.5), "1234.5");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(-0.0), "0");
    }

    #[test]
    fn csv_has_bom_and_neutralises_formulas() {
        let mut c = CsvOut::new(&["a", "b"]);
        c.row(&[Cell::Text("=cmd|' /C calc'!A0"), Cell::Num(-5.0)]);
        let s = String::from_utf8(c.into_bytes()).unwrap();
        assert_eq!(s, "\u{feff}a,b\r\n'=cmd|' /C calc'!A0,-5\r\n");
    }
}
