//! Files only: atomic writes, files a user names, and replacing an output
//! folder as a whole, never touching what the tool did not write. What goes
//! into the files is made elsewhere (rejects.csv in `tables`); a build's
//! files are written as they are made by a [`Sink`] (`sink`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

mod direct;
mod sink;
pub use sink::{write_file, Sink, Stream, Written};

/// Write a file under a temporary name in the same folder, then rename it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] with the contents streamed by `write`.
pub fn write_atomic_with(
    path: &Path,
    write: impl Fn(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.as_os_str().is_empty() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        write(&mut f)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(&tmp, e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })?;
    if !dir.as_os_str().is_empty() {
        sync_dir(dir);
    }
    Ok(())
}

/// An absolute path without `.`/`..` and links, for a path that may not
/// exist yet: its longest existing ancestor canonicalised, the rest appended.
pub fn resolve(p: &Path) -> Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io(".", e))?
            .join(p)
    };
    let mut existing = abs.as_path();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(existing) {
            let mut out = c;
            for part in rest.iter().rev() {
                if part == ".." {
                    out.pop();
                } else if part != "." {
                    out.push(part);
                }
            }
            return Ok(out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            (Some(parent), None) => {
                rest.push("..".into());
                existing = parent;
            }
            _ => return Ok(abs),
        }
    }
}

/// Whether the resolved path `p` lies inside a quarter folder of the
/// resolved data folder `data` (DATA/2026Q3/…): a file written there would
/// be read as input by the next run.
pub fn in_quarter_folder(p: &Path, data: &Path) -> bool {
    let Ok(rel) = p.strip_prefix(data) else {
        return false;
    };
    match rel.components().next() {
        Some(std::path::Component::Normal(name)) => {
            crate::quarter::Quarter::parse(&name.to_string_lossy()).is_some()
        }
        _ => false,
    }
}

/// Write a file the user named (`validate --rejects FILE`): `-` is standard
/// output; a special file (a terminal, /dev/stdout, a pipe) is written
/// through, never replaced; a link to a regular file is followed and the
/// file it points to is replaced (atomically), the link itself kept; a
/// regular file is replaced atomically unless `protected` says it must not
/// be (an input file). `protected` gets the resolved path.
pub fn write_user_file(
    path: &Path,
    write: impl Fn(&mut dyn Write) -> std::io::Result<()>,
    protected: impl Fn(&Path) -> Option<(String, String)>,
) -> Result<()> {
    if path.as_os_str() == "-" || path == Path::new("/dev/stdout") {
        let mut out = std::io::stdout().lock();
        return write(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| Error::io(path, e));
    }
    if path == Path::new("/dev/stderr") {
        let mut out = std::io::stderr().lock();
        return write(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| Error::io(path, e));
    }
    if let Ok(md) = std::fs::metadata(path) {
        if md.is_dir() {
            return Err(Error::usage(
                format!("{} 是文件夹，应给出文件名", path.display()),
                format!("{} is a folder; give a file name", path.display()),
            ));
        }
        // /dev/stdout of a run redirected to a file is that (regular)
        // file: it is written through too, not replaced by a new one.
        if !md.is_file() || path.starts_with("/dev") {
            // Appending: a /dev/fd/N redirected to a file keeps what was
            // written before (a device ignores it).
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            return write(&mut f)
                .and_then(|()| f.flush())
                .map_err(|e| Error::io(path, e));
        }
    }
    let target = resolve(path)?;
    if let Some((zh, en)) = protected(&target) {
        return Err(Error::usage(
            format!("不会写入 {}：{zh}", path.display()),
            format!("will not write {}: {en}", path.display()),
        ));
    }
    write_atomic_with(&target, write)
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

    check_replaceable(dest)?;
    let pid = std::process::id();
    let tmp = parent.join(format!("{tmp_prefix}{pid}"));
    let old = parent.join(format!("{old_prefix}{pid}"));
    std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
    if let Err(e) = fill(&tmp).and_then(|()| sync_tree(&tmp)) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let had_old = std::fs::symlink_metadata(dest).is_ok();
    // Where the system can, swap the two folders in one step, so that there
    // is no moment without `dest` even if the run is killed here.
    if had_old && exchange(&tmp, dest) {
        sync_dir(parent);
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
    sync_dir(parent);
    if had_old {
        remove_any(&old)?;
    }
    Ok(())
}

/// Whether `dest` may be replaced: it does not exist, or it is a real
/// folder (not a link) that is empty or holds our `manifest.json`. A file,
/// a link or a folder of someone else's is refused: the tool never replaces
/// or deletes what it did not write.
pub fn check_replaceable(dest: &Path) -> Result<()> {
    let md = match std::fs::symlink_metadata(dest) {
        Ok(md) => md,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dest, e)),
    };
    let shown = dest.display();
    if md.file_type().is_symlink() {
        return Err(Error::usage(
            format!("输出位置 {shown} 是一个链接，本工具不会替换它：请删除该链接或换一个输出目录"),
            format!("{shown} is a link; it is not replaced: remove it or use another --out"),
        ));
    }
    if !md.is_dir() {
        return Err(Error::usage(
            format!("输出位置 {shown} 已有一个不是本工具写出的文件，不会删除它：请移走该文件或换一个输出目录"),
            format!("{shown} is a file this tool did not write; it is not deleted: move it or use another --out"),
        ));
    }
    let mut entries = std::fs::read_dir(dest).map_err(|e| Error::io(dest, e))?;
    let marker = std::fs::symlink_metadata(dest.join(FOLDER_MARKER)).is_ok_and(|m| m.is_file());
    if entries.next().is_none() || marker || written_by_us(&dest.join("manifest.json")) {
        return Ok(());
    }
    Err(Error::usage(
        format!("输出文件夹 {shown} 不是本工具写出的（没有 minebrief 的 manifest.json），不会替换它：请移走其中的文件或换一个输出目录"),
        format!("{shown} was not written by minebrief (no manifest.json of ours); it is not replaced: move its files or use another --out"),
    ))
}

/// A file that marks a folder written by this tool that has no
/// manifest.json (the feedback sheets of `validate --feedback`).
pub const FOLDER_MARKER: &str = ".minebrief-output";

/// Whether `p` is a regular file that is our manifest.json.
fn written_by_us(p: &Path) -> bool {
    if !std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()) {
        return false;
    }
    match crate::input::read_input(p, None, 256 << 20) {
        Ok(bytes) => serde_json::from_slice::<serde_json::Value>(&bytes)
            .is_ok_and(|v| v["schema"] == "minebrief.manifest/1"),
        Err(_) => false,
    }
}

/// Flush the folder entries under `dir` (every sub-folder, then `dir`) so
/// that after a power cut the swapped-in folder holds the files' names, not
/// only their data. Files themselves are synced when written
/// ([`Sink`]); this syncs them again only where the system cannot
/// sync a folder.
fn sync_tree(dir: &Path) -> Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    let mut dirs = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let e = e.map_err(|e| Error::io(&d, e))?;
            if e.file_type()
                .map_err(|err| Error::io(e.path(), err))?
                .is_dir()
            {
                stack.push(e.path());
            }
        }
        dirs.push(d);
    }
    // Deepest first: a folder's entry is durable before its parent's.
    for d in dirs.iter().rev() {
        sync_dir(d);
    }
    Ok(())
}

/// fsync a folder (Unix). Windows cannot open a folder as a file; NTFS
/// journals its metadata, and files are synced one by one there.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        if let Ok(f) = std::fs::File::open(dir) {
            let _ = f.sync_all();
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fmt_num;

    #[test]
    fn folder_is_replaced_as_a_whole() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("2026Q3");
        let ours = br#"{"schema": "minebrief.manifest/1"}"#;
        replace_dir(&dest, |d| {
            std::fs::write(d.join("a.txt"), "1").map_err(|e| Error::io(d, e))?;
            std::fs::write(d.join("manifest.json"), ours).map_err(|e| Error::io(d, e))
        })
        .unwrap();
        replace_dir(&dest, |d| {
            std::fs::write(d.join("b.txt"), "2").map_err(|e| Error::io(d, e))?;
            std::fs::write(d.join("manifest.json"), ours).map_err(|e| Error::io(d, e))
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
        // A folder without our manifest is not replaced.
        std::fs::remove_file(dest.join("manifest.json")).unwrap();
        let r = replace_dir(&dest, |_| Ok(()));
        assert!(r.is_err());
        assert!(dest.join("b.txt").exists());
    }

    #[test]
    fn numbers() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(1234.5), "1234.5");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(-0.0), "0");
    }
}
