//! Stage timings and peak memory on stderr for benchmarks
//! (`MINEBRIEF_TIMINGS=1`); silent otherwise. Peak memory is read from
//! `/proc/self/status` where there is one (Linux) and left blank elsewhere.

/// Stage timings on stderr when `MINEBRIEF_TIMINGS` is set (for benchmarks).
pub struct Timer {
    last: Option<std::time::Instant>,
}

impl Timer {
    pub fn from_env() -> Timer {
        Timer {
            last: std::env::var_os("MINEBRIEF_TIMINGS").map(|_| std::time::Instant::now()),
        }
    }
    pub fn stage(&mut self, name: &str) {
        if let Some(t) = self.last {
            // Peak resident memory so far (Linux), to see which stage sets it.
            let hwm = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmHWM:"))
                        .map(|l| l[6..].trim().to_string())
                })
                .unwrap_or_default();
            eprintln!(
                "timing {name}: {:.3} s (peak RSS so far {hwm})",
                t.elapsed().as_secs_f64()
            );
            self.last = Some(std::time::Instant::now());
        }
    }
}
