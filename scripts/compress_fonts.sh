#!/bin/sh
# compress_fonts.sh — zstd-compress the shipped fonts: assets/fonts/*.otf ->
# assets/fonts/*.otf.zst.
#
# Why: the binary embeds the three subset Noto CJK faces (23.5 MB as .otf).
# Embedded zstd-compressed they cost 18.2 MB; src/render/pdf/fonts.rs
# decompresses each once, at first use, back to the identical .otf bytes.
# zstd rather than brotli: brotli would save 1.0 MB more, but the pure-Rust
# brotli decoder took about 0.4 s for the three fonts, zstd about 0.06 s.
# The .otf files stay in the repository as the source of the .zst files (made
# by scripts/subset_fonts.py); a unit test in fonts.rs checks that every .zst
# decompresses to its .otf byte for byte.
#
# Usage (from the repository root):
#
#     apt-get install -y zstd          # made with zstd 1.5.4 (Debian 12)
#     sh scripts/compress_fonts.sh     # writes assets/fonts/*.otf.zst
#     sh scripts/compress_fonts.sh --check   # only verify the committed .zst
#
# Level 19, one thread: the same input and the same zstd version give the
# same bytes; another version may compress differently (the decompressed
# bytes, which are all that matters, are the same). The frame records the
# content size. About 10 CPU-seconds for the three.

set -eu

dir=assets/fonts
check=no
case "${1:-}" in
    --check) check=yes ;;
    "") ;;
    *) echo "usage: sh scripts/compress_fonts.sh [--check]" >&2; exit 2 ;;
esac
command -v zstd >/dev/null || { echo "needs the zstd command (apt-get install zstd)" >&2; exit 2; }

status=0
for name in NotoSerifSC-Regular-GBK.otf NotoSansSC-Regular-GBK.otf NotoSerifSC-Bold-GBK.otf; do
    src="$dir/$name"
    dst="$src.zst"
    if [ "$check" = no ]; then
        zstd -q -f -19 --single-thread "$src" -o "$dst.tmp"
        mv "$dst.tmp" "$dst"
    fi
    if zstd -q -d -c "$dst" | cmp -s - "$src"; then
        result=ok
    else
        result="DIFFERS from the .otf: rerun without --check"
        status=1
    fi
    echo "$name: $(wc -c <"$src") -> $(wc -c <"$dst") bytes, $result"
    echo "  sha256 zst $(sha256sum "$dst" | cut -d' ' -f1)"
done
exit $status
