//! A long list turned into bytes in pieces on every core and handed on in
//! order: summary.json's recurrence list and recurrences.csv (a million
//! entries at ten million cases) are both made so, holding a few pieces in
//! memory, never the whole text. It depends on nothing else in the crate.

use rayon::prelude::*;

/// `list` in pieces of `per_piece` items, each made into bytes by `make`
/// (given the index of its first item in `list`) on any free core,
/// `at_a_time` pieces at once, handed to `send` in list order; stops at the
/// first error `send` returns. Nothing is sent for an empty list.
pub fn in_order<T: Sync, E>(
    list: &[T],
    per_piece: usize,
    at_a_time: usize,
    make: impl Fn(usize, &[T]) -> Vec<u8> + Sync,
    mut send: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let per_piece = per_piece.max(1);
    let batch = per_piece.saturating_mul(at_a_time.max(1));
    for (b, items) in list.chunks(batch).enumerate() {
        let start = b * batch;
        let pieces: Vec<Vec<u8>> = items
            .par_chunks(per_piece)
            .enumerate()
            .map(|(k, chunk)| make(start + k * per_piece, chunk))
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
                        per_piece,
                        at_a_time,
                        |start, chunk| {
                            assert_eq!(chunk.first().map(|&x| x as usize), Some(start));
                            text(chunk)
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
            10,
            2,
            |_, c| vec![c.len() as u8],
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
}
