//! Where the readers leave a file's bytes to be summed (SHA-256, for
//! manifest.json) and pick up another reader's. A reader that finds a
//! file waiting sums both together as far as both go ([`crate::sha_pair`]:
//! two sums of 64 MiB on one core in 82–84% of the time of two one after
//! the other, 2.3 against 1.9 GB/s, measured 2026-12-05; an earlier
//! figure here, 58%, was not reproduced);
//! whichever of the two has blocks left then waits on the desk for the
//! next reader that comes, its sum as far as it was made going with it
//! (the other is finished by its own reader). A reader that finds none
//! leaves its file and reads it meanwhile. Done reading, a reader takes
//! its file back if it still waits and finishes the sum alone, or
//! finishes what another reader has handed back; if another reader is
//! still summing it, the sum is owed ([`Summed::Owed`]) and the reader
//! goes on to its next file, while whoever settles the file collects the
//! sum (`read::pay_owed`). No reader waits for another, and no more memory
//! is held: each file's bytes are its reader's buffer or its mapping,
//! shared (`Arc`) while both may read them (an owed file's until it is
//! settled).
//!
//! Owing: a reader used to wait for the sum of its file (three to four
//! waits of 4–8 ms at a million rows, its core idle meanwhile). Owed, the
//! 1M build's median went 0.825 → 0.810 s, 0.830 → 0.820 and 0.850 →
//! 0.830 s in three alternating runs (20, 12 and 15 each), 1–3 MB more at
//! the peak (the readers run further ahead of the settler).
//!
//! Why: with two readers the sums were 15% (1M rows) to 23% (10M rows)
//! of reading the inputs, each summed alone on its reader's core. Summed
//! in pairs only as far as the shorter of two files went, about half the
//! bytes were paired; taken on in turns, most are.

use std::ops::Range;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::input::FileBytes;
use crate::sha_pair::{self, Midway};

/// The desk: at most one file waits on it.
#[derive(Default)]
pub struct HashDesk {
    waiting: Mutex<Option<Waiting>>,
}

/// A file left on the desk: its bytes, its sum as far as it has been
/// made, and where the sum goes.
struct Waiting {
    bytes: Arc<FileBytes>,
    range: Range<usize>,
    part: Midway,
    ticket: Arc<Ticket>,
}

/// The sum of a file left on the desk, once another reader has made all
/// of it there is to make together.
#[derive(Default)]
struct Ticket {
    sum: Mutex<Sum>,
    ready: Condvar,
}

#[derive(Default, Clone, Copy)]
enum Sum {
    /// On the desk, or being taken on by another reader.
    #[default]
    Pending,
    /// Its reader is done reading it and waits for the sum.
    Collecting,
    /// Made as far as another file went beside it; the rest is the owner's.
    Done(Midway),
    /// Taken, and the reader that took it stopped before handing it back
    /// (it panicked): the owner sums it itself.
    Dropped,
}

/// A poisoned lock only means a reader panicked; that panic reaches the
/// caller elsewhere, and the data behind the lock is still whole.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A taken file's ticket, settled when the taker hands the file back or
/// (if it is gone without doing so) marked dropped.
struct Promise(Option<Arc<Ticket>>);

impl Promise {
    fn keep(mut self, sum: Midway) {
        if let Some(t) = self.0.take() {
            settle(&t, Sum::Done(sum));
        }
    }
    /// The ticket, the promise disarmed (the file goes back on the desk).
    fn withdraw(mut self) -> Option<Arc<Ticket>> {
        self.0.take()
    }
}

fn settle(t: &Ticket, sum: Sum) {
    *lock(&t.sum) = sum;
    t.ready.notify_all();
}

impl Drop for Promise {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            settle(&t, Sum::Dropped);
        }
    }
}

/// A file's sum as its reader leaves it: made, or owed by the reader
/// that took the file from the desk and is summing it beside its own.
pub enum Summed {
    Made([u8; 32]),
    Owed(Owed),
}

/// A sum another reader is making: collected, and finished, by whoever
/// settles the file ([`HashDesk::collect_owed`]).
pub struct Owed {
    bytes: Arc<FileBytes>,
    range: Range<usize>,
    ticket: Arc<Ticket>,
}

impl Owed {
    /// The file's bytes (held until the sum is collected).
    pub fn bytes(&self) -> &Arc<FileBytes> {
        &self.bytes
    }
}

impl std::fmt::Debug for Owed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Owed").field("range", &self.range).finish()
    }
}

impl HashDesk {
    /// The SHA-256 of `bytes[range]`, and `read()`, run on this thread. A
    /// file waiting on the desk is summed together with this one as far as
    /// both go; whichever of the two has blocks left waits on the desk for
    /// the next reader (this one while `read` runs), unless its reader is
    /// already waiting for it.
    pub fn sum_while<R>(
        &self,
        bytes: &Arc<FileBytes>,
        range: Range<usize>,
        read: impl FnOnce() -> R,
    ) -> ([u8; 32], R) {
        let (summed, out) = self.sum_or_owe(bytes, range, read);
        let sum = match summed {
            Summed::Made(sum) => sum,
            Summed::Owed(owed) => self.collect_owed(owed),
        };
        (sum, out)
    }

    /// [`HashDesk::sum_while`], except that a reader done reading whose
    /// file another reader is still summing does not wait for that sum:
    /// it is owed ([`Summed::Owed`]), and the reader goes on to its next
    /// file. (Waiting, a reader's core stood idle: at a million rows
    /// 15–20 ms of the reading's 0.45 s.)
    pub fn sum_or_owe<R>(
        &self,
        bytes: &Arc<FileBytes>,
        range: Range<usize>,
        read: impl FnOnce() -> R,
    ) -> (Summed, R) {
        let mine = &bytes[range.clone()];
        if !sha_pair::pairs() {
            return (Summed::Made(sha_pair::sha256(mine)), read());
        }
        let ticket = Arc::new(Ticket::default());
        let leave = |part: Midway, w: &mut Option<Waiting>| {
            *w = Some(Waiting {
                bytes: Arc::clone(bytes),
                range: range.clone(),
                part,
                ticket: Arc::clone(&ticket),
            });
        };
        let owe = || Owed {
            bytes: Arc::clone(bytes),
            range: range.clone(),
            ticket: Arc::clone(&ticket),
        };
        let taken = {
            let mut w = lock(&self.waiting);
            let taken = w.take();
            if taken.is_none() {
                leave(sha_pair::START, &mut w);
            }
            taken
        };
        let Some(job) = taken else {
            let out = read();
            return (self.made_or_owed(owe()), out);
        };
        let promise = Promise(Some(Arc::clone(&job.ticket)));
        let theirs = &job.bytes[job.range.clone()];
        let (part, their_part) = sha_pair::go_on_pair(sha_pair::START, mine, job.part, theirs);
        let left = sha_pair::blocks_left(&part, mine);
        if !self.hand_back(job, their_part, promise) && left {
            // Theirs is done as far as it goes and ours has blocks left:
            // ours waits on the desk while it is read.
            let mut w = lock(&self.waiting);
            if w.is_none() {
                leave(part, &mut w);
                drop(w);
                let out = read();
                return (self.made_or_owed(owe()), out);
            }
        }
        (Summed::Made(sha_pair::finish(part, mine)), read())
    }

    /// The sum of a file its reader left on the desk, made now if nobody
    /// is summing it (taken back from the desk, or handed back), else
    /// owed.
    fn made_or_owed(&self, owed: Owed) -> Summed {
        let mine = &owed.bytes[owed.range.clone()];
        let mut w = lock(&self.waiting);
        if let Some(left) = w.take_if(|l| Arc::ptr_eq(&l.ticket, &owed.ticket)) {
            drop(w);
            return Summed::Made(sha_pair::finish(left.part, mine));
        }
        drop(w);
        let sum = *lock(&owed.ticket.sum);
        match handed_back(sum, mine) {
            Some(made) => Summed::Made(made),
            None => Summed::Owed(owed),
        }
    }

    /// An owed sum, collected: finished here from what the reader that
    /// has the file hands back (waiting for it), or taken back from the
    /// desk and made here.
    pub fn collect_owed(&self, owed: Owed) -> [u8; 32] {
        self.collect(&owed.bytes[owed.range.clone()], &owed.ticket)
    }

    /// A taken file given back at `part`: onto the desk again if it has
    /// blocks left, the desk is free and its reader not yet waiting
    /// (`true`); else its sum goes to its reader, who finishes it.
    fn hand_back(&self, job: Waiting, part: Midway, promise: Promise) -> bool {
        let Waiting {
            bytes,
            range,
            ticket,
            ..
        } = job;
        if sha_pair::blocks_left(&part, &bytes[range.clone()]) {
            let mut w = lock(&self.waiting);
            let collecting = matches!(*lock(&ticket.sum), Sum::Collecting);
            if w.is_none() && !collecting {
                let _ = promise.withdraw();
                *w = Some(Waiting {
                    bytes,
                    range,
                    part,
                    ticket,
                });
                return true;
            }
        }
        // Their bytes let go before the sum is handed over, so their
        // reader gets its buffer back whole.
        drop(bytes);
        promise.keep(part);
        false
    }

    /// The sum of the file this reader left (`mine`, under `ticket`): taken
    /// back and finished here if it waits on the desk, else finished from
    /// what the reader that has it hands back.
    fn collect(&self, mine: &[u8], ticket: &Arc<Ticket>) -> [u8; 32] {
        let mut sum = {
            let mut w = lock(&self.waiting);
            if let Some(left) = w.take_if(|l| Arc::ptr_eq(&l.ticket, ticket)) {
                drop(w);
                let part = left.part;
                drop(left);
                return sha_pair::finish(part, mine);
            }
            // Marked while the desk is held: a reader handing it back
            // sees the mark and does not put it on the desk again.
            let mut sum = lock(&ticket.sum);
            if matches!(*sum, Sum::Pending) {
                *sum = Sum::Collecting;
            }
            sum
        };
        loop {
            if let Some(made) = handed_back(*sum, mine) {
                return made;
            }
            sum = ticket.ready.wait(sum).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// The sum of `mine` from what the reader that took it handed back (the
/// rest finished here), or made here if that reader stopped first; `None`
/// while it is still being made.
fn handed_back(sum: Sum, mine: &[u8]) -> Option<[u8; 32]> {
    match sum {
        Sum::Done(part) => Some(sha_pair::finish(part, mine)),
        Sum::Dropped => Some(sha_pair::sha256(mine)),
        Sum::Pending | Sum::Collecting => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(n: usize, seed: u8) -> Arc<FileBytes> {
        Arc::new(FileBytes::Buf(
            (0..n).map(|i| (i as u8).wrapping_mul(31) ^ seed).collect(),
        ))
    }

    /// A file left on the desk is summed by the next reader together with
    /// its own; both sums are each file's own, and the first reader gets
    /// its buffer back unshared.
    #[test]
    fn a_waiting_file_is_summed_with_the_next_readers() {
        let desk = HashDesk::default();
        let (a, b) = (file(100_000, 1), file(70_000, 2));
        let (sa, sb) = std::thread::scope(|s| {
            let (to_b, from_a) = std::sync::mpsc::channel::<()>();
            let (to_a, from_b) = std::sync::mpsc::channel::<()>();
            let (desk, a, b) = (&desk, &a, &b);
            let first = s.spawn(move || {
                desk.sum_while(a, 10..a.len(), || {
                    // left on the desk: now let the other reader come, and
                    // go on only once it has summed both
                    to_b.send(()).unwrap();
                    from_b.recv().unwrap();
                })
            });
            let second = s.spawn(move || {
                from_a.recv().unwrap();
                let r = desk.sum_while(b, 0..b.len(), || ());
                to_a.send(()).unwrap();
                r
            });
            (first.join().unwrap().0, second.join().unwrap().0)
        });
        assert_eq!(sa, sha_pair::sha256(&a[10..]));
        assert_eq!(sb, sha_pair::sha256(&b));
        assert_eq!(Arc::strong_count(&a), 1);
        assert!(lock(&desk.waiting).is_none());
    }

    /// A reader done reading whose file another reader is summing is owed
    /// the sum instead of waiting for it; collected later, from the desk
    /// (the taker put it back with blocks left) or handed back, it is the
    /// file's sum. Once handed back, a file's sum is made at once.
    #[test]
    fn a_file_another_reader_is_summing_is_owed_and_collected_later() {
        let desk = HashDesk::default();
        let (long, short) = (file(100_000, 8), file(40_000, 9));
        let owed_for = |bytes: &Arc<FileBytes>, ticket: &Arc<Ticket>| Owed {
            bytes: Arc::clone(bytes),
            range: 3..bytes.len(),
            ticket: Arc::clone(ticket),
        };
        let taken = |bytes: &Arc<FileBytes>, ticket: &Arc<Ticket>| Waiting {
            bytes: Arc::clone(bytes),
            range: 3..bytes.len(),
            part: sha_pair::START,
            ticket: Arc::clone(ticket),
        };
        // taken off the desk by another reader, not yet handed back: owed
        let ticket = Arc::new(Ticket::default());
        let job = taken(&long, &ticket);
        let Summed::Owed(owed) = desk.made_or_owed(owed_for(&long, &ticket)) else {
            panic!("made while another reader has the file");
        };
        // the taker sums it beside its own short file and, blocks left,
        // puts it back on the desk (its reader is not waiting)
        let (_, part) = sha_pair::go_on_pair(sha_pair::START, &short, job.part, &long[3..]);
        let promise = Promise(Some(Arc::clone(&ticket)));
        let _ = desk.hand_back(job, part, promise);
        assert_eq!(desk.collect_owed(owed), sha_pair::sha256(&long[3..]));
        assert!(lock(&desk.waiting).is_none());
        assert_eq!(Arc::strong_count(&long), 1);

        // handed back done before its reader came to ask: made at once
        let ticket = Arc::new(Ticket::default());
        let job = taken(&short, &ticket);
        let (part, _) = sha_pair::go_on_pair(sha_pair::START, &short[3..], sha_pair::START, &long);
        drop(job);
        Promise(Some(Arc::clone(&ticket))).keep(part);
        let Summed::Made(sum) = desk.made_or_owed(owed_for(&short, &ticket)) else {
            panic!("owed though handed back");
        };
        assert_eq!(sum, sha_pair::sha256(&short[3..]));
    }

    /// A file nobody came for is taken back and summed by its reader.
    #[test]
    fn a_file_nobody_takes_is_summed_by_its_reader() {
        let desk = HashDesk::default();
        let a = file(5_000, 3);
        let (sum, read) = desk.sum_while(&a, 0..a.len(), || 42);
        assert_eq!((sum, read), (sha_pair::sha256(&a), 42));
        assert_eq!(Arc::strong_count(&a), 1);
        assert!(lock(&desk.waiting).is_none());
    }

    /// A reader that took a file and stopped before summing it (it
    /// panicked) leaves the file's reader to sum it, not to wait forever.
    #[test]
    fn a_file_whose_taker_stopped_is_summed_by_its_reader() {
        let ticket = Arc::new(Ticket::default());
        drop(Promise(Some(Arc::clone(&ticket))));
        let desk = HashDesk::default();
        let a = file(300, 4);
        assert_eq!(desk.collect(&a, &ticket), sha_pair::sha256(&a));
    }

    /// A long file taken by a reader with a short one goes back on the
    /// desk with its sum part made, is taken on by the next reader, and
    /// its own reader finishes what is left; a short file beside a long
    /// one is done at once, and the long one's rest waits on the desk for
    /// its own reader.
    #[test]
    fn a_long_file_is_taken_on_in_turns_and_finished_by_its_reader() {
        let desk = HashDesk::default();
        let (long, short1, short2) = (file(200_000, 5), file(30_000, 6), file(50_000, 7));
        let ticket = Arc::new(Ticket::default());
        *lock(&desk.waiting) = Some(Waiting {
            bytes: Arc::clone(&long),
            range: 0..long.len(),
            part: sha_pair::START,
            ticket: Arc::clone(&ticket),
        });
        let (s1, ()) = desk.sum_while(&short1, 0..short1.len(), || ());
        let again = lock(&desk.waiting).as_ref().map(|w| w.part);
        assert!(again.is_some() || !sha_pair::pairs(), "back on the desk");
        let (s2, ()) = desk.sum_while(&short2, 0..short2.len(), || ());
        assert_eq!(s1, sha_pair::sha256(&short1));
        assert_eq!(s2, sha_pair::sha256(&short2));
        assert_eq!(desk.collect(&long, &ticket), sha_pair::sha256(&long));
        assert!(lock(&desk.waiting).is_none());
        assert_eq!(Arc::strong_count(&long), 1);

        // the other way round: the short file waits, the long one comes
        let t2 = Arc::new(Ticket::default());
        *lock(&desk.waiting) = Some(Waiting {
            bytes: Arc::clone(&short1),
            range: 0..short1.len(),
            part: sha_pair::START,
            ticket: Arc::clone(&t2),
        });
        let (sl, ()) = desk.sum_while(&long, 0..long.len(), || {
            // while the long one is read, its rest waits on the desk
            assert!(lock(&desk.waiting).is_some() || !sha_pair::pairs());
        });
        assert_eq!(sl, sha_pair::sha256(&long));
        assert_eq!(desk.collect(&short1, &t2), sha_pair::sha256(&short1));
        assert!(lock(&desk.waiting).is_none());
    }

    /// A file whose reader already waits for it is not put back on the
    /// desk (nobody might come for it): its reader gets the part made and
    /// finishes the rest.
    #[test]
    fn a_file_whose_reader_waits_goes_to_the_reader_not_the_desk() {
        let desk = HashDesk::default();
        let (long, short) = (file(100_000, 8), file(10_000, 9));
        let ticket = Arc::new(Ticket::default());
        *lock(&desk.waiting) = Some(Waiting {
            bytes: Arc::clone(&long),
            range: 0..long.len(),
            part: sha_pair::START,
            ticket: Arc::clone(&ticket),
        });
        // a reader takes it ...
        let job = lock(&desk.waiting).take().unwrap();
        let sum = std::thread::scope(|s| {
            // ... its own reader, done reading, waits for it ...
            let owner = s.spawn(|| desk.collect(&long, &ticket));
            while !matches!(*lock(&ticket.sum), Sum::Collecting) {
                std::thread::yield_now();
            }
            // ... and the taker hands it back with blocks left
            let (_, part) = sha_pair::go_on_pair(sha_pair::START, &short, job.part, &long);
            let promise = Promise(Some(Arc::clone(&job.ticket)));
            let put_back = desk.hand_back(job, part, promise);
            if put_back {
                // (wake the owner before failing, or the test would hang)
                if let Some(w) = lock(&desk.waiting).take() {
                    settle(&w.ticket, Sum::Dropped);
                }
            }
            assert!(
                !put_back,
                "a file whose reader waits was put back on the desk"
            );
            owner.join().unwrap()
        });
        assert_eq!(sum, sha_pair::sha256(&long));
        assert!(lock(&desk.waiting).is_none());
    }

    /// Four readers, a hundred files each of sizes around and far from the
    /// block edges, read for varying times: every sum is its file's, no
    /// reader waits for ever, the desk is empty after, and each buffer
    /// comes back unshared.
    #[test]
    fn many_readers_many_files_every_sum_right() {
        let desk = HashDesk::default();
        std::thread::scope(|s| {
            for r in 0..4u64 {
                let desk = &desk;
                s.spawn(move || {
                    let mut next = crate::test_rng::below(r + 1);
                    for f in 0..100u64 {
                        let n = match next(4) {
                            0 => next(130) as usize,
                            1 => 64 * next(40) as usize,
                            _ => next(20_000) as usize,
                        };
                        let bytes = file(n, (r * 100 + f) as u8);
                        let skip = next(3).min(n as u64) as usize;
                        let spin = next(3);
                        let (sum, ()) = desk.sum_while(&bytes, skip..n, || {
                            for _ in 0..spin {
                                std::thread::yield_now();
                            }
                        });
                        assert_eq!(sum, sha_pair::sha256(&bytes[skip..]), "reader {r} file {f}");
                        assert_eq!(Arc::strong_count(&bytes), 1, "reader {r} file {f}");
                    }
                });
            }
        });
        assert!(lock(&desk.waiting).is_none());
    }
}
