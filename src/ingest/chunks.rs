//! A file's cases held in chunks of one size, lent from a pool shared by
//! the readers and the settler: the settler hands each chunk back as it
//! empties it, and the next file read fills it again.
//!
//! Why chunks: a file's cases were one vector, handed back whole. Files
//! differ in size threefold (at ten million rows, 0.1 to 0.5 million cases
//! each), so a vector handed back was often too small for the next file
//! and grew into fresh pages, and every vector in use grew over the run to
//! the largest file's size: 5% of a 10M run's samples were the kernel
//! zeroing those pages. Chunks of one size fit any file; the pages
//! the readers ever touch are those of the cases read ahead at the busiest
//! moment.

use std::sync::{Arc, Mutex};

use crate::model::Case;

/// Cases a chunk holds (2.6 MiB of records): above the C allocator's
/// mapping threshold (`pipeline::memory::MMAP_THRESHOLD`), so a chunk freed
/// goes back to the system at once; a small file touches only the pages of
/// its chunk that it fills.
pub const CHUNK: usize = 1 << 14;

/// A new, empty chunk.
fn fresh_chunk() -> Vec<Case> {
    Vec::with_capacity(CHUNK)
}

/// Emptied chunks waiting to be filled again, at most `cap` of them.
#[derive(Debug, Default)]
pub struct ChunkPool {
    spare: Mutex<Vec<Vec<Case>>>,
    cap: usize,
}

impl ChunkPool {
    /// A pool that keeps up to `cap` emptied chunks.
    pub fn new(cap: usize) -> Arc<ChunkPool> {
        Arc::new(ChunkPool {
            spare: Mutex::new(Vec::new()),
            cap,
        })
    }

    /// A chunk to fill: an emptied one if there is one, else a new one.
    fn take(&self) -> Vec<Case> {
        let reused = self.spare.lock().ok().and_then(|mut s| s.pop());
        match reused {
            Some(mut v) => {
                v.clear();
                v
            }
            None => fresh_chunk(),
        }
    }

    /// Keep `chunk` for a later file (its cases are dropped when it is
    /// taken again), unless the pool is full.
    pub fn give(&self, chunk: Vec<Case>) {
        if let Ok(mut s) = self.spare.lock() {
            if s.len() < self.cap && chunk.capacity() >= CHUNK {
                s.push(chunk);
            }
        }
    }
}

/// The cases of one file, in the order read.
#[derive(Debug, Clone, Default)]
pub struct CaseChunks {
    chunks: Vec<Vec<Case>>,
    /// Where new chunks come from (a new allocation each when `None`).
    pool: Option<Arc<ChunkPool>>,
}

impl CaseChunks {
    /// No cases yet; chunks taken from `pool`.
    pub fn from_pool(pool: Arc<ChunkPool>) -> CaseChunks {
        CaseChunks {
            chunks: Vec::new(),
            pool: Some(pool),
        }
    }

    pub fn push(&mut self, case: Case) {
        if let Some(last) = self.chunks.last_mut().filter(|c| c.len() < CHUNK) {
            last.push(case);
            return;
        }
        let mut chunk = match &self.pool {
            Some(p) => p.take(),
            None => fresh_chunk(),
        };
        chunk.push(case);
        self.chunks.push(chunk);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Case> + '_ {
        self.chunks.iter().flatten()
    }

    pub fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.iter().all(Vec::is_empty)
    }

    pub fn first(&self) -> Option<&Case> {
        self.iter().next()
    }

    /// None of the cases, the chunks that held them back in the pool.
    pub fn emptied(self) -> CaseChunks {
        if let Some(p) = &self.pool {
            for c in self.chunks {
                p.give(c);
            }
        }
        CaseChunks {
            chunks: Vec::new(),
            pool: self.pool,
        }
    }

    /// No cases, its chunks from the same pool (for another part of the
    /// same file, read on another core).
    pub fn sibling(&self) -> CaseChunks {
        CaseChunks {
            chunks: Vec::new(),
            pool: self.pool.clone(),
        }
    }

    /// `later`'s cases after these (its chunks moved, not copied; a chunk
    /// not full may then stand before others).
    pub fn append(&mut self, later: CaseChunks) {
        self.chunks.extend(later.chunks);
    }

    /// The chunks, in order, and the pool they go back to once emptied.
    pub fn into_parts(self) -> (Vec<Vec<Case>>, Option<Arc<ChunkPool>>) {
        (self.chunks, self.pool)
    }
}

impl PartialEq for CaseChunks {
    /// The same cases in the same order, whatever pool they came from.
    fn eq(&self, other: &CaseChunks) -> bool {
        self.iter().eq(other.iter())
    }
}

impl FromIterator<Case> for CaseChunks {
    /// The cases in chunks of [`CHUNK`], as a reader makes them.
    fn from_iter<I: IntoIterator<Item = Case>>(cases: I) -> CaseChunks {
        let mut all = CaseChunks::default();
        for c in cases {
            all.push(c);
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(i: usize) -> Case {
        Case::blank(&format!("C{i}"), chrono::NaiveDate::MIN)
    }

    #[test]
    fn cases_come_back_in_order_across_chunks_and_chunks_go_round_the_pool() {
        let pool = ChunkPool::new(2);
        let mut a = CaseChunks::from_pool(pool.clone());
        let n = 2 * CHUNK + 5;
        for i in 0..n {
            a.push(case(i));
        }
        assert_eq!(a.len(), n);
        assert_eq!(a.first().map(|c| &*c.case_id), Some("C0"));
        let ids: Vec<String> = a.iter().map(|c| c.case_id.to_string()).collect();
        assert_eq!(ids, (0..n).map(|i| format!("C{i}")).collect::<Vec<_>>());
        assert_eq!(a, a.iter().cloned().collect::<CaseChunks>());
        let (chunks, back) = a.into_parts();
        assert_eq!(
            chunks.iter().map(Vec::len).collect::<Vec<_>>(),
            [CHUNK, CHUNK, 5]
        );
        let addresses: Vec<*const Case> = chunks.iter().map(|c| c.as_ptr()).collect();
        let back = back.unwrap();
        // handed back as they are, full: the pool keeps two
        for c in chunks {
            back.give(c);
        }
        let mut b = CaseChunks::from_pool(pool);
        for i in 0..CHUNK + 1 {
            b.push(case(i));
        }
        // the two kept, emptied of the earlier file's cases, last given first
        let (chunks, _) = b.into_parts();
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), [CHUNK, 1]);
        assert_eq!(chunks[0].as_ptr(), addresses[1]);
        assert_eq!(chunks[1].as_ptr(), addresses[0]);
        assert_eq!(chunks[1][0].case_id.to_string(), format!("C{CHUNK}"));
    }

    #[test]
    fn no_chunk_is_made_for_no_case() {
        let a = CaseChunks::from_pool(ChunkPool::new(1));
        assert!(a.is_empty() && a.first().is_none());
        assert_eq!(a.len(), 0);
        assert_eq!(a.into_parts().0.len(), 0);
        assert_eq!(
            CaseChunks::default(),
            std::iter::empty().collect::<CaseChunks>()
        );
    }
}
