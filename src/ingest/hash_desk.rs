//! Where the readers leave a file's bytes to be summed (SHA-256, for
//! manifest.json) and pick up another reader's: a reader that finds a
//! file waiting sums both together as far as both go ([`crate::sha_pair`]:
//! two sums on one core in 58% of the time of two one after the other),
//! then the rest of its own, then reads its file; a reader that finds none
//! leaves its own and reads it meanwhile, and when done finishes the sum
//! begun for it, or sums its file alone if nobody came for it. No reader waits for another to arrive, and no
//! more memory is held: each file's bytes are its reader's buffer, shared
//! (`Arc`) while both may read them.
//!
//! Why: with two readers the sums were 15% (1M rows) to 23% (10M rows)
//! of reading the inputs, each summed alone on its reader's core.

use std::ops::Range;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::sha_pair::{self, Midway};

/// The desk: at most one file waits on it.
#[derive(Default)]
pub struct HashDesk {
    waiting: Mutex<Option<Waiting>>,
}

/// A file left on the desk: its bytes and where its sum goes.
struct Waiting {
    bytes: Arc<Vec<u8>>,
    range: Range<usize>,
    ticket: Arc<Ticket>,
}

/// The sum of a file left on the desk, once another reader has made it.
#[derive(Default)]
struct Ticket {
    sum: Mutex<Sum>,
    ready: Condvar,
}

#[derive(Default, Clone, Copy)]
enum Sum {
    /// Not taken, or taken and being made.
    #[default]
    Pending,
    /// Made as far as both files had whole blocks; the rest is the owner's.
    Done(Midway),
    /// Taken, and the reader that took it stopped before summing it (it
    /// panicked): the owner sums it itself.
    Dropped,
}

/// A poisoned lock only means a reader panicked; that panic reaches the
/// caller elsewhere, and the data behind the lock is still whole.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Marks a taken file's ticket when the taker is gone without a sum.
struct Promise(Arc<Ticket>);

impl Promise {
    fn keep(self, sum: Midway) {
        self.settle(Sum::Done(sum));
    }
    fn settle(&self, sum: Sum) {
        *lock(&self.0.sum) = sum;
        self.0.ready.notify_all();
    }
}

impl Drop for Promise {
    fn drop(&mut self) {
        if matches!(*lock(&self.0.sum), Sum::Pending) {
            self.settle(Sum::Dropped);
        }
    }
}

impl HashDesk {
    /// The SHA-256 of `bytes[range]`, and `read()`, run on this thread:
    /// the sum made together with another reader's file when one waits,
    /// else left for another reader while `read` runs.
    pub fn sum_while<R>(
        &self,
        bytes: &Arc<Vec<u8>>,
        range: Range<usize>,
        read: impl FnOnce() -> R,
    ) -> ([u8; 32], R) {
        let mine = &bytes[range.clone()];
        let ticket = Arc::new(Ticket::default());
        let other = {
            let mut w = lock(&self.waiting);
            let other = w.take();
            if other.is_none() {
                *w = Some(Waiting {
                    bytes: Arc::clone(bytes),
                    range,
                    ticket: Arc::clone(&ticket),
                });
            }
            other
        };
        if let Some(Waiting {
            bytes: theirs,
            range: at,
            ticket: their_ticket,
        }) = other
        {
            let promise = Promise(their_ticket);
            let (my_part, their_part) = sha_pair::start_pair(mine, &theirs[at]);
            // Their bytes let go before the sum is handed over, so their
            // reader gets its buffer back whole.
            drop(theirs);
            promise.keep(their_part);
            // The rest of each sum (the longer file's blocks past the
            // shorter's end, and the padding) is made by its own reader,
            // on its own core: a reader that left a file of 16 MB is not
            // kept waiting while one with a file of 2 MB sums it.
            return (sha_pair::finish(my_part, mine), read());
        }
        let out = read();
        (self.collect(mine, &ticket), out)
    }

    /// The sum of the file this reader left (`mine`, under `ticket`): taken
    /// back and made here if it still waits, else waited for.
    fn collect(&self, mine: &[u8], ticket: &Arc<Ticket>) -> [u8; 32] {
        let left = lock(&self.waiting).take_if(|l| Arc::ptr_eq(&l.ticket, ticket));
        if left.is_some() {
            drop(left);
            return sha_pair::sha256(mine);
        }
        let mut sum = lock(&ticket.sum);
        loop {
            match *sum {
                Sum::Done(part) => return sha_pair::finish(part, mine),
                Sum::Dropped => return sha_pair::sha256(mine),
                Sum::Pending => {
                    sum = ticket.ready.wait(sum).unwrap_or_else(|p| p.into_inner());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(n: usize, seed: u8) -> Arc<Vec<u8>> {
        Arc::new((0..n).map(|i| (i as u8).wrapping_mul(31) ^ seed).collect())
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
        drop(Promise(Arc::clone(&ticket)));
        let desk = HashDesk::default();
        let a = file(300, 4);
        assert_eq!(desk.collect(&a, &ticket), sha_pair::sha256(&a));
    }
}
