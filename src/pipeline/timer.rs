//! Stage timings and peak memory on stderr for benchmarks
//! (`MINEBRIEF_TIMINGS=1`); silent otherwise. Each stage's CPU time (both
//! cores) and page faults come from `getrusage` and its peak memory from
//! `/proc/self/status` on Linux; elsewhere they are left out.
//! A stage run on both cores also prints each side's own time (`branch`).

/// Stage timings on stderr when `MINEBRIEF_TIMINGS` is set (for benchmarks).
pub struct Timer {
    last: Option<std::time::Instant>,
    /// What the process had used at `last`.
    used: Option<Usage>,
}

impl Timer {
    pub fn from_env() -> Timer {
        let last = std::env::var_os("MINEBRIEF_TIMINGS").map(|_| std::time::Instant::now());
        Timer {
            used: last.and_then(|_| usage()),
            last,
        }
    }
    pub fn stage(&mut self, name: &str) {
        if let Some(t) = self.last {
            // Resident memory now and its peak so far (Linux), to see
            // which stage sets the peak and what each stage leaves held.
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |key: &str| -> String {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default()
            };
            let used = usage();
            let cost = match (self.used, used) {
                (Some(a), Some(b)) => format!(
                    ", CPU {:.3} s, {} page faults",
                    b.cpu - a.cpu,
                    b.faults - a.faults
                ),
                _ => String::new(),
            };
            eprintln!(
                "timing {name}: {:.3} s{cost} (RSS {}, peak RSS so far {})",
                t.elapsed().as_secs_f64(),
                field("VmRSS:"),
                field("VmHWM:")
            );
            self.used = used;
            self.last = Some(std::time::Instant::now());
        }
    }

    /// A clock for one side of a stage run on both cores (`rayon::join`),
    /// started now; silent when timings are off.
    pub fn branch(&self) -> Branch {
        Branch(self.last.map(|_| std::time::Instant::now()))
    }
}

/// What the process has used so far: every thread's user and system
/// time, and the page faults it took that needed no disk (memory touched
/// for the first time).
#[derive(Clone, Copy)]
struct Usage {
    cpu: f64,
    faults: i64,
}

/// [`Usage`] from `getrusage` (Linux; `None` elsewhere or on failure).
#[cfg(target_os = "linux")]
fn usage() -> Option<Usage> {
    // SAFETY: a zeroed `rusage` is a valid value, and getrusage writes the
    // struct it is given and nothing else.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return None;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    Some(Usage {
        cpu: secs(u.ru_utime) + secs(u.ru_stime),
        faults: u.ru_minflt as i64,
    })
}

#[cfg(not(target_os = "linux"))]
fn usage() -> Option<Usage> {
    None
}

/// One side of a stage run on both cores: its own time, printed under the
/// stage's, says which side the stage waited for.
#[derive(Clone, Copy)]
pub struct Branch(Option<std::time::Instant>);

impl Branch {
    pub fn done(self, name: &str) {
        if let Some(t) = self.0 {
            eprintln!("timing   ‖ {name}: {:.3} s", t.elapsed().as_secs_f64());
        }
    }

    /// [`Branch::done`] for one step of this side, and a clock for its
    /// next step, started now.
    pub fn next(self, name: &str) -> Branch {
        self.done(name);
        Branch(self.0.map(|_| std::time::Instant::now()))
    }
}
