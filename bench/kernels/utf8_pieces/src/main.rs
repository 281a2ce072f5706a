//! simdutf8 over a whole file, and in pieces ending before a byte that
//! begins a character (as `ingest::decode::utf8` checks), with and
//! without the next piece fetched ahead; memory is made cold first by
//! writing 512 MB elsewhere. Prints GB/s; asserts every way agrees.

use std::time::Instant;
fn pieces(b: &[u8], piece: usize, pf: bool) -> bool {
    let mut start = 0;
    while start < b.len() {
        let mut end = (start + piece).min(b.len());
        while end < b.len() && (b[end] as i8) < -64 {
            end += 1;
        }
        if pf {
            let nx = &b[end..(end + piece).min(b.len())];
            let mut i = 0;
            while i < nx.len() {
                unsafe {
                    std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                        nx.as_ptr().add(i) as *const i8,
                    );
                }
                i += 64;
            }
        }
        if simdutf8::basic::from_utf8(&b[start..end]).is_err() {
            return false;
        }
        start = end;
    }
    true
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let data = std::fs::read(&path).unwrap();
    let n = data.len() as f64;
    for _ in 0..3 {
        // make it cold: touch 512 MB of other memory
        let junk = vec![1u8; 512 << 20];
        std::hint::black_box(&junk);
        let t = Instant::now();
        let ok = simdutf8::basic::from_utf8(&data).is_ok();
        let a = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let ok2 = simdutf8::basic::from_utf8(&data).is_ok();
        let b = t.elapsed().as_secs_f64();
        let junk = vec![2u8; 512 << 20];
        std::hint::black_box(&junk);
        let mut r = String::new();
        for piece in [2048usize, 4096, 8192, 16384, 65536] {
            for pf in [false, true] {
                let junk = vec![2u8; 512 << 20];
                std::hint::black_box(&junk);
                let t = Instant::now();
                let ok3 = pieces(&data, piece, pf);
                let c = t.elapsed().as_secs_f64();
                r += &format!(
                    " {}{}:{:.2}",
                    piece,
                    if pf { "pf" } else { "" },
                    n / c / 1e9
                );
                assert!(ok3);
            }
        }
        println!(
            "cold {:.2} GB/s, again {:.2} GB/s,{} {} {}",
            n / a / 1e9,
            n / b / 1e9,
            r,
            ok,
            ok2
        );
    }
}
