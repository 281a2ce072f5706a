//! Reading files on every core and settling them in file order, without a
//! barrier: each worker takes the next unread file as soon as it is free,
//! and the calling thread settles the outcomes strictly in order while the
//! workers read on. At most `ahead` outcomes are read or waiting besides
//! the one being settled, so memory holds a few files' records, not every
//! row read. Smaller files may run further ahead, while the sizes of the
//! files from the next to settle up to the one started fit a budget:
//! with one file read ahead per core, a large file left the other core
//! idle until it was settled (a fifth of the reading time of the 1M-row
//! benchmark, whose files are 0.3 to 17 MB).
//!
//! Batches of a few files read in parallel and then settled (what this
//! replaced) left a core idle whenever one file of a batch was larger than
//! the others, and both idle while the batch was settled.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// Outcomes read, not yet settled, and where settling has got to.
struct Shelf<T> {
    read: BTreeMap<usize, std::thread::Result<T>>,
    /// The next index `settle` takes.
    next: usize,
    /// Set when the settling side stopped (it panicked): workers stop too.
    closed: bool,
}

fn wait<'a, T>(cv: &Condvar, g: MutexGuard<'a, Shelf<T>>) -> MutexGuard<'a, Shelf<T>> {
    cv.wait(g).unwrap_or_else(|p| p.into_inner())
}

/// Call `read(i, scratch)` for every `i` in `0..n` on `workers` threads
/// and hand each result to `settle` in the order of `i`, on the calling
/// thread. A worker starts `i` when it is less than `ahead` past the next
/// one to settle, or when the `cost` of the files from that one up to `i`
/// is at most `budget` (where `cost` is shorter than `n`, the rest never
/// fit). A panic in `read` or `settle` is carried to the caller (no
/// thread is left waiting). Each worker keeps a scratch value of its own
/// (`S::default()` when it starts, dropped when it ends) and lends it to
/// every `read` it makes: a read buffer used from file to file.
pub fn read_in_order<T: Send, S: Default>(
    n: usize,
    workers: usize,
    ahead: usize,
    (cost, budget): (&[u64], u64),
    read: impl Fn(usize, &mut S) -> T + Sync,
    mut settle: impl FnMut(T),
) {
    let workers = workers.clamp(1, n.max(1));
    let ahead = ahead.max(workers);
    // below[i]: the cost of the files before i (None past `cost`, or when
    // the sum would overflow: such files never fit).
    let below: Vec<Option<u64>> = std::iter::once(Some(0))
        .chain((0..n).scan(Some(0u64), |sum, i| {
            *sum = sum.and_then(|s| cost.get(i).and_then(|c| s.checked_add(*c)));
            Some(*sum)
        }))
        .collect();
    let fits = |next: usize, i: usize| match (below[next.min(i)], below[i + 1]) {
        (Some(a), Some(b)) => b - a <= budget,
        _ => false,
    };
    let claim = AtomicUsize::new(0);
    let shelf = Mutex::new(Shelf {
        read: BTreeMap::new(),
        next: 0,
        closed: false,
    });
    let arrived = Condvar::new();
    let room = Condvar::new();
    // A poisoned lock only means another thread panicked; that panic is
    // carried to the caller below, so the data is still usable here.
    let lock = || shelf.lock().unwrap_or_else(|p| p.into_inner());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut scratch = S::default();
                loop {
                    let i = claim.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return;
                    }
                    {
                        let mut g = lock();
                        while i >= g.next + ahead && !fits(g.next, i) && !g.closed {
                            g = wait(&room, g);
                        }
                        if g.closed {
                            return;
                        }
                    }
                    let r = panic::catch_unwind(AssertUnwindSafe(|| read(i, &mut scratch)));
                    lock().read.insert(i, r);
                    arrived.notify_all();
                }
            });
        }
        let settled = panic::catch_unwind(AssertUnwindSafe(|| {
            for i in 0..n {
                let r = {
                    let mut g = lock();
                    loop {
                        if let Some(r) = g.read.remove(&i) {
                            g.next = i + 1;
                            break r;
                        }
                        g = wait(&arrived, g);
                    }
                };
                room.notify_all();
                match r {
                    Ok(t) => settle(t),
                    Err(p) => panic::resume_unwind(p),
                }
            }
        }));
        if let Err(p) = settled {
            lock().closed = true;
            room.notify_all();
            panic::resume_unwind(p);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn settles_in_order_whatever_order_reads_finish_in() {
        let mut got = Vec::new();
        read_in_order(
            40,
            3,
            4,
            (&[], 0),
            |i, _: &mut ()| {
                // Early files take longest, so later ones finish first.
                std::thread::sleep(Duration::from_millis(((40 - i) % 7) as u64));
                i * 10
            },
            |v| got.push(v),
        );
        assert_eq!(got, (0..40).map(|i| i * 10).collect::<Vec<_>>());
    }

    /// The most files read or waiting at once, counting the one being
    /// settled (each settling takes 2 ms, so readers fill the window).
    fn most_unsettled(n: usize, ahead: usize, cost: (&[u64], u64)) -> usize {
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        read_in_order(
            n,
            2,
            ahead,
            cost,
            |i, _: &mut ()| {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                i
            },
            |_| {
                std::thread::sleep(Duration::from_millis(2));
                in_flight.fetch_sub(1, Ordering::SeqCst);
            },
        );
        most.load(Ordering::SeqCst)
    }

    #[test]
    fn never_holds_more_than_ahead_unsettled() {
        // Three waiting or being read, and the one being settled.
        let m = most_unsettled(30, 3, (&[], 0));
        assert!(m <= 4, "{m}");
    }

    /// Small files run ahead of a slow one while their sizes fit the
    /// budget: file 0 waits (up to 2 s) for file 11 to be read, which only
    /// the budget allows (with `ahead` alone the other worker stops at 2).
    #[test]
    fn small_files_run_ahead_of_a_slow_one_within_the_budget() {
        let run = |cost: &[u64], budget: u64| {
            let last_read = std::sync::atomic::AtomicBool::new(false);
            let mut saw = false;
            read_in_order(
                12,
                2,
                2,
                (cost, budget),
                |i, _: &mut ()| {
                    if i == 11 {
                        last_read.store(true, Ordering::SeqCst);
                    }
                    if i == 0 {
                        let t = std::time::Instant::now();
                        while !last_read.load(Ordering::SeqCst)
                            && t.elapsed() < Duration::from_secs(2)
                        {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        return last_read.load(Ordering::SeqCst);
                    }
                    false
                },
                |v| saw |= v,
            );
            saw
        };
        let mut cost = vec![1u64; 12];
        cost[0] = 5;
        // 5 + 11 × 1 = 16: all of them fit 16, not 15.
        assert!(run(&cost, 16));
        assert!(!run(&cost, 15));
        assert!(!run(&[], u64::MAX - 1));
    }

    /// With a budget, no more files are unsettled than fit it (or `ahead`).
    #[test]
    fn a_budget_bounds_what_is_unsettled() {
        // Four files of 10 fit 45, besides the one being settled.
        let m = most_unsettled(40, 2, (&[10; 40], 45));
        assert!(m <= 5, "{m}");
    }

    #[test]
    fn a_panic_in_a_reader_reaches_the_caller_without_a_hang() {
        let r = panic::catch_unwind(|| {
            read_in_order(
                10,
                2,
                2,
                (&[], 0),
                |i, _: &mut ()| {
                    if i == 4 {
                        panic!("reader");
                    }
                    i
                },
                |_| {},
            )
        });
        assert!(r.is_err());
    }

    #[test]
    fn a_panic_while_settling_stops_the_workers() {
        let r = panic::catch_unwind(|| {
            read_in_order(50, 2, 2, (&[], 0), |i, _: &mut ()| i, |i| assert!(i < 3))
        });
        assert!(r.is_err());
    }

    #[test]
    fn no_files_is_nothing_to_do() {
        let mut n = 0;
        read_in_order(0, 2, 4, (&[], 0), |i, _: &mut ()| i, |_| n += 1);
        assert_eq!(n, 0);
    }
}
