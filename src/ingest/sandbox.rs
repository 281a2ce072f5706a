//! Reads a workbook in a child process, so that a workbook that makes the
//! reader exhaust memory (or abort in any other way) costs one unreadable
//! file, not the run.
//!
//! Rust cannot catch a failed allocation: it aborts the process. The checks
//! in `xls_check` and `ods_check` refuse the shapes known to do this, with a
//! reason a user can act on, but a reader as large as calamine has more
//! ways to allocate in proportion to what a file claims rather than what it
//! holds (one 130 KB shared string used by 20,000 .xls cells is 4 GB of
//! copies). So the command line reads each workbook in a copy of itself
//! (`minebrief __read-workbook`, bytes in on stdin, sheets out on stdout),
//! with its address space limited on Linux; an abort there is reported as
//! the file's error. Where the child cannot be started (and in the
//! library's own tests) the workbook is read in this process as before.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::workbook::{err, read_workbook, Sheet, WorkbookError};

/// The hidden first argument that makes the binary a workbook reader.
pub const CHILD_ARG: &str = "__read-workbook";

/// Largest workbook read: a zip workbook may unpack to 1 GiB at most
/// (`workbook::MAX_UNPACKED`), and no real .xls comes near it.
pub const MAX_WORKBOOK_BYTES: u64 = 1 << 30;

/// The refusal of a workbook larger than [`MAX_WORKBOOK_BYTES`].
fn too_large() -> WorkbookError {
    err(
        format!(
            "工作簿超过 {} MiB，不予读取；请另存为 CSV",
            MAX_WORKBOOK_BYTES >> 20
        ),
        format!(
            "the workbook is larger than {} MiB; not read: save it as CSV",
            MAX_WORKBOOK_BYTES >> 20
        ),
    )
}

/// Longest a child may take for one workbook.
const TIME_LIMIT: Duration = Duration::from_secs(600);

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Read workbooks in a child process from now on (the command line calls
/// this; library users and unit tests read in process).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Address space a child may use for a workbook of `len` bytes: 2 GiB and
/// 16 bytes for each byte of the file, at most 12 GiB.
fn memory_limit(len: usize) -> u64 {
    (2u64 << 30)
        .saturating_add((len as u64).saturating_mul(16))
        .min(12 << 30)
}

/// Read every worksheet of a workbook, in a child process when enabled.
pub fn read(bytes: &[u8]) -> Result<Vec<Sheet>, WorkbookError> {
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Err(too_large());
    }
    if !ENABLED.load(Ordering::Relaxed) {
        return read_workbook(bytes);
    }
    match in_child(bytes) {
        Some(result) => result,
        None => read_workbook(bytes),
    }
}

fn put(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn take(b: &mut &[u8]) -> Option<String> {
    let n = u64::from_le_bytes(b.get(..8)?.try_into().ok()?) as usize;
    let s = b.get(8..8usize.checked_add(n)?)?;
    let s = String::from_utf8(s.to_vec()).ok()?;
    *b = &b[8 + n..];
    Some(s)
}

/// The child's output for a result.
fn encode(result: &Result<Vec<Sheet>, WorkbookError>) -> Vec<u8> {
    let mut out = Vec::new();
    match result {
        Ok(sheets) => {
            out.extend_from_slice(b"OK");
            for s in sheets {
                put(&mut out, &s.name);
                put(&mut out, &s.csv);
            }
        }
        Err(e) => {
            out.extend_from_slice(b"ER");
            put(&mut out, &e.zh);
            put(&mut out, &e.en);
        }
    }
    out
}

fn decode(mut b: &[u8]) -> Option<Result<Vec<Sheet>, WorkbookError>> {
    let tag = b.get(..2)?;
    let ok = tag == b"OK";
    if !ok && tag != b"ER" {
        return None;
    }
    b = &b[2..];
    if !ok {
        let zh = take(&mut b)?;
        let en = take(&mut b)?;
        return Some(Err(WorkbookError { zh, en }));
    }
    let mut sheets = Vec::new();
    while !b.is_empty() {
        let name = take(&mut b)?;
        let csv = take(&mut b)?;
        sheets.push(Sheet { name, csv });
    }
    Some(Ok(sheets))
}

/// The child's side: read the workbook on stdin (at most
/// [`MAX_WORKBOOK_BYTES`]), write the result on stdout. Returns the exit
/// code.
pub fn child_main() -> i32 {
    let mut bytes = Vec::new();
    let stdin = std::io::stdin().lock();
    if stdin
        .take(MAX_WORKBOOK_BYTES + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return 3;
    }
    let result = if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        Err(too_large())
    } else {
        limit_memory(memory_limit(bytes.len()));
        read_workbook(&bytes)
    };
    let out = encode(&result);
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(&out).and_then(|_| stdout.flush()).is_err() {
        return 3;
    }
    0
}

#[cfg(target_os = "linux")]
fn limit_memory(bytes: u64) {
    let lim = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: setrlimit reads the struct it is given and changes only this
    // process's own limit; a failure leaves the limit as it was.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &lim);
    }
}

#[cfg(not(target_os = "linux"))]
fn limit_memory(_bytes: u64) {
    // No address-space limit: an allocation the system refuses still ends
    // only the child.
}

/// Run the child on `bytes`. `None` when no child could be started or it
/// answered nothing readable without failing (then the caller reads in
/// process); a child that died or ran out of time is the file's error.
fn in_child(bytes: &[u8]) -> Option<Result<Vec<Sheet>, WorkbookError>> {
    let exe = std::env::current_exe().ok()?;
    let mut child = Command::new(exe)
        .arg(CHILD_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let mut stdout = child.stdout.take()?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        // a child that dies early closes the pipe: its status says why
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() < TIME_LIMIT => {
                std::thread::sleep(Duration::from_millis(5))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    match status {
        None => Some(Err(err(
            format!(
                "读取工作簿超过 {} 分钟仍未完成，已中止（文件可能已损坏）",
                TIME_LIMIT.as_secs() / 60
            ),
            format!(
                "reading the workbook took more than {} minutes and was stopped (is it damaged?)",
                TIME_LIMIT.as_secs() / 60
            ),
        ))),
        Some(s) if s.success() => decode(&out),
        Some(_) => Some(Err(err(
            format!(
                "无法读取工作簿：读取时所需内存超过上限（{} MiB）或读取程序异常终止；文件可能已损坏，或有大段文字被大量单元格重复引用，请另存为 CSV",
                memory_limit(bytes.len()) >> 20
            ),
            format!(
                "cannot read the workbook: reading it needed more than {} MiB of memory or the reader stopped abnormally; the file may be damaged or repeat a long text in very many cells: save it as CSV",
                memory_limit(bytes.len()) >> 20
            ),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_cross_the_pipe_unchanged() {
        let sheets = vec![
            Sheet {
                name: "案件台账".into(),
                csv: "案件编号,县市区\nGA-1,瑞安市\n".into(),
            },
            Sheet {
                name: String::new(),
                csv: String::new(),
            },
        ];
        assert_eq!(decode(&encode(&Ok(sheets.clone()))), Some(Ok(sheets)));
        let e = err("坏", "bad");
        assert_eq!(decode(&encode(&Err(e.clone()))), Some(Err(e)));
        // a cut answer is no answer
        let mut cut = encode(&Ok(vec![Sheet {
            name: "a".into(),
            csv: "b".into(),
        }]));
        cut.pop();
        assert_eq!(decode(&cut), None);
        assert_eq!(decode(b""), None);
    }
}
