//! A long list turned into bytes in pieces on every core and handed on in
//! order: summary.json's recurrence list and recurrences.csv (a million
//! entries at ten million cases) are both made so, holding a few pieces in
//! memory, never the whole text. It depends on nothing else in the crate.
//!
//! A piece is about 2 MB: above the C allocator's mapping threshold, so
//! each one freed went back to the system and the next came as fresh
//! pages to clear (at ten million cases, about 620 MB of them). The
//! writer hands each written buffer back ([`SPARES`]) and a later piece
//! is made in it: a few buffers go round instead.

use std::sync::Mutex;

use rayon::prelude::*;

/// Emptied buffers waiting for a piece, at most `limit` bytes of them.
pub struct Spares {
    /// The buffers, and their capacity in bytes.
    held: Mutex<(Vec<Vec<u8>>, usize)>,
    limit: usize,
}

/// The run's spare buffers: the writer gives back what it has written,
/// the pieces of summary.json and recurrences.csv are made in them. At
/// most a batch of pieces (four of about 2 MB) and a little more wait.
pub static SPARES: Spares = Spares::new(10 << 20);

impl Spares {
    pub const fn new(limit: usize) -> Spares {
        Spares {
            held: Mutex::new((Vec::new(), 0)),
            limit,
        }
    }

    /// An empty buffer for about `bytes` bytes: a spare one when there is
    /// one, else a new one.
    pub fn buffer(&self, bytes: usize) -> Vec<u8> {
        let spare = match self.held.lock() {
            Ok(mut h) => h.0.pop().inspect(|v| h.1 -= v.capacity()),
            Err(_) => None,
        };
        match spare {
            Some(mut v) => {
                v.reserve(bytes);
                v
            }
            None => Vec::with_capacity(bytes),
        }
    }

    /// Keep `v`'s memory, emptied, for a later [`Spares::buffer`], unless
    /// that would hold more than the limit; buffers under 64 KiB are left
    /// to the allocator (it keeps those itself).
    pub fn give_back(&self, mut v: Vec<u8>) {
        let cap = v.capacity();
        if cap < 64 << 10 {
            return;
        }
        if let Ok(mut h) = self.held.lock() {
            if h.1 + cap <= self.limit {
                v.clear();
                h.1 += cap;
                h.0.push(v);
            }
        }
    }

    /// Free every spare buffer (at the end of a stage, before its memory
    /// is given back to the system).
    pub fn drop_all(&self) {
        let spares = match self.held.lock() {
            Ok(mut h) => {
                h.1 = 0;
                std::mem::take(&mut h.0)
            }
            Err(_) => return,
        };
        drop(spares);
    }

    /// Bytes of capacity held.
    #[cfg(test)]
    fn held_bytes(&self) -> usize {
        self.held.lock().map(|h| h.1).unwrap_or(0)
    }
}

/// `list` in pieces of `per_piece` items, each made into bytes by `make`
/// (given the index of its first item in `list`, and an empty buffer for
/// about `item_bytes` a item, a spare one when there is one: [`SPARES`])
/// on any free core, `at_a_time` pieces at once, handed to `send` in list
/// order; stops at the first error `send` returns. Nothing is sent for an
/// empty list.
pub fn in_order<T: Sync, E>(
    list: &[T],
    (per_piece, at_a_time, item_bytes): (usize, usize, usize),
    make: impl Fn(usize, &[T], Vec<u8>) -> Vec<u8> + Sync,
    mut send: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let per_piece = per_piece.max(1);
    let batch = per_piece.saturating_mul(at_a_time.max(1));
    for (b, items) in list.chunks(batch).enumerate() {
        let start = b * batch;
        let pieces: Vec<Vec<u8>> = items
            .par_chunks(per_piece)
            .enumerate()
            .map(|(k, chunk)| {
                let buf = SPARES.buffer(chunk.len().saturating_mul(item_bytes));
                make(start + k * per_piece, chunk, buf)
            })
            .collect();
        for piece in pieces {
            send(piece)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::in_order;

    /// Any piece size and batch give the items in order, each once, with
    /// the index of each piece's first item.
    #[test]
    fn pieces_come_in_order_with_their_first_index() {
        let list: Vec<u32> = (0..1000).collect();
        let text = |items: &[u32]| -> Vec<u8> {
            items
                .iter()
                .flat_map(|x| format!("{x};").into_bytes())
                .collect()
        };
        for per_piece in [0, 1, 7, 333, 1000, 5000] {
            for at_a_time in [0, 1, 4] {
                for n in [0, 1, 999, 1000] {
                    let mut got = Vec::new();
                    let sent: Result<(), ()> = in_order(
                        &list[..n],
                        (per_piece, at_a_time, 4),
                        |start, chunk, mut buf| {
                            assert_eq!(chunk.first().map(|&x| x as usize), Some(start));
                            assert!(buf.is_empty(), "a piece's buffer comes empty");
                            buf.extend(text(chunk));
                            buf
                        },
                        |p| {
                            got.extend(p);
                            Ok(())
                        },
                    );
                    assert_eq!(sent, Ok(()));
                    assert_eq!(got, text(&list[..n]), "{per_piece} {at_a_time} {n}");
                }
            }
        }
        // The first error stops the sending.
        let mut sent = 0;
        let r = in_order(
            &list,
            (10, 2, 1),
            |_, c, _| vec![c.len() as u8],
            |_| {
                sent += 1;
                if sent == 3 {
                    Err("full")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!((r, sent), (Err("full"), 3));
    }

    /// A buffer given back is handed out again, empty, with its memory;
    /// small ones and any past the limit are not kept; all are freed on
    /// demand.
    #[test]
    fn spare_buffers_go_round_within_their_limit() {
        use super::Spares;
        let spares = Spares::new(3 << 20);
        let mut a = spares.buffer(1 << 20);
        assert!(a.is_empty() && a.capacity() >= 1 << 20);
        a.extend_from_slice(b"piece");
        let (ptr, cap) = (a.as_ptr(), a.capacity());
        spares.give_back(a);
        assert_eq!(spares.held_bytes(), cap);
        let b = spares.buffer(1000);
        assert_eq!((b.as_ptr(), b.capacity(), b.len()), (ptr, cap, 0));
        assert_eq!(spares.held_bytes(), 0);
        // asked for more than it holds: the same buffer, grown
        spares.give_back(b);
        let c = spares.buffer(2 << 20);
        assert!(c.is_empty() && c.capacity() >= 2 << 20);
        spares.give_back(vec![0u8; 1000]); // small: left to the allocator
        assert_eq!(spares.held_bytes(), 0);
        spares.give_back(c);
        spares.give_back(Vec::with_capacity(2 << 20)); // past the limit
        assert!(spares.held_bytes() <= 3 << 20);
        assert!(spares.held_bytes() >= 2 << 20);
        spares.drop_all();
        assert_eq!(spares.held_bytes(), 0);
        assert_eq!(spares.buffer(10).capacity(), 10);
    }
}
