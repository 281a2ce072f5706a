#!/usr/bin/env python3
"""Regenerate the subset CJK fonts in assets/fonts/ from Debian's fonts-noto-cjk.

Usage (from the repository root):

    apt-get install -y fonts-noto-cjk      # 1:20220127+repack1-1 on Debian 12
    pip install fonttools==4.68.0
    python3 scripts/subset_fonts.py        # writes assets/fonts/*.otf

The output is deterministic: the same input fonts and the same fontTools version
give byte-identical files (head.created/modified are pinned, timestamp and
checksum recalculation is switched off where it would read the clock, and the
character set is built from fixed tables, not from the environment).

Character set (see build_charset):
  * every character of the GBK code space (all two-byte codes 0x81-0xFE /
    0x40-0xFE decoded with the GB18030-2005 mapping, private-use results
    dropped): 20,902 URO hanzi + 52 Ext-A + 21 compatibility ideographs + 〇,
    radicals, kana, bopomofo, Greek, Cyrillic, box drawing, ...
    (GB 2312 alone would miss e.g. 垟 U+579F, common in Wenzhou place names);
  * ASCII, Latin-1 (U+00A0-00FF), General Punctuation (U+2000-206F),
    CJK Symbols and Punctuation (U+3000-303F), Half/Full-width Forms
    (U+FF00-FFEF), and the symbol blocks a report uses: letterlike (℃ №),
    number forms (Ⅰ-Ⅻ), arrows, mathematical operators (√ ± ≤ ≥ ×),
    enclosed alphanumerics (①-⑳ ⑴ ⒈), box drawing, geometric shapes (■ □ ●),
    and ★ ☆ ✓ ✔ ✕.
Characters a font does not have are skipped (and reported).

Outlines stay CFF (CID-keyed, as in the source): printpdf 0.12.8 subsets CFF
fonts itself (allsorts CFF subsetter, embedded as /FontFile3 /CIDFontType0C).
`--ttf` converts to TrueType (glyf) outlines instead, for renderers that need it;
see docs/pdf-notes.md for the comparison.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

DEBIAN_DIR = "/usr/share/fonts/opentype/noto"
# Face index 2 of each Noto CJK .ttc is the Simplified Chinese (SC) face
# (0 JP, 1 KR, 2 SC, 3 TC, 4 HK; Sans .ttc also has 5-9 = Mono).
SC_INDEX = 2

# (output file stem, source .ttc, role)
FACES = [
    ("NotoSerifSC-Regular-GBK", "NotoSerifCJK-Regular.ttc", "body, page numbers (宋/仿宋 role)"),
    ("NotoSerifSC-Bold-GBK", "NotoSerifCJK-Bold.ttc", "issuing office, title (小标宋 role)"),
    ("NotoSansSC-Regular-GBK", "NotoSansCJK-Regular.ttc", "headings, tables (黑体 role)"),
]
# Sans Bold is not shipped by default (size budget < 25 MB for all files; the
# 黑体 role is a single regular weight). `--sans-bold` adds it (6.25 MB).
SANS_BOLD = ("NotoSansSC-Bold-GBK", "NotoSansCJK-Bold.ttc", "bold sans (optional)")

EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 punctuation and symbols (· × ÷ ° ± …)
    (0x2000, 0x206F),  # General Punctuation: — … “ ” ‘ ’ • ‰ ※
    (0x2100, 0x214F),  # Letterlike: ℃ № ℉ ™
    (0x2150, 0x218F),  # Number forms: Ⅰ–Ⅻ ⅰ–ⅹ
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical operators: √ ∑ ≤ ≥ ≠ ∞
    (0x2460, 0x24FF),  # Enclosed alphanumerics: ①–⑳ ⑴–⒇ ⒈–⒛
    (0x2500, 0x257F),  # Box drawing
    (0x25A0, 0x25FF),  # Geometric shapes: ■ □ ▲ △ ◆ ◇ ○ ● ◎
    (0x3000, 0x303F),  # CJK Symbols and Punctuation: 、。〇《》「」【】〔〕
    (0xFF00, 0xFFEF),  # Half-width and Full-width Forms: ！（），．：；？％
]
EXTRA_CHARS = "★☆✓✔✕✗"

# Layout features kept. Horizontal Chinese text needs no GSUB/GPOS beyond these;
# vertical-writing features and the vertical metrics tables are dropped. `locl`
# is dropped on purpose: in the SC face it maps to the JP/KR/TC/HK glyph
# variants, and keeping it pulls ~17,600 extra glyphs into the glyph closure
# (40,038 instead of ~22,400 glyphs; 15.8 MB instead of ~9 MB for the serif).
LAYOUT_FEATURES = ["ccmp", "kern", "liga", "palt", "halt"]
DROP_TABLES = ["vhea", "vmtx", "VORG", "DSIG"]


def gbk_charset() -> set[int]:
    """Every character of the GBK code space, GB18030-2005 mapping, no PUA."""
    chars: set[int] = set()
    trails = list(range(0x40, 0x7F)) + list(range(0x80, 0xFF))
    for lead in range(0x81, 0xFF):
        for trail in trails:
            try:
                u = bytes((lead, trail)).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if len(u) != 1:
                continue
            cp = ord(u)
            if 0xE000 <= cp <= 0xF8FF:  # user-defined areas
                continue
            chars.add(cp)
    return chars


def build_charset() -> set[int]:
    chars = gbk_charset()
    for lo, hi in EXTRA_RANGES:
        chars.update(range(lo, hi + 1))
    chars.update(ord(c) for c in EXTRA_CHARS)
    return chars


def is_ideograph(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or cp == 0x3007
    )


def to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Convert CFF outlines to quadratic glyf outlines (fontTools otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(glyph_order)
    for attr in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
        "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentElements = 0
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 0  # recomputed by loca on compile
    post = font["post"]
    post.formatType = 3.0  # no glyph names (CID fonts have none worth keeping)
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True  # glyf bboxes must match the new outlines


def subset_face(src: str, dst: str, charset: set[int], ttf: bool) -> dict:
    font = TTFont(src, fontNumber=SC_INDEX, lazy=False, recalcTimestamp=False)
    head = font["head"]
    created, modified = head.created, head.modified

    opts = subset.Options()
    opts.layout_features = LAYOUT_FEATURES
    opts.drop_tables = sorted(set(opts.drop_tables) | set(DROP_TABLES))
    opts.name_IDs = ["*"]  # keep copyright, licence, version strings
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.glyph_names = False
    opts.hinting = True
    opts.ignore_missing_unicodes = True
    sub = subset.Subsetter(options=opts)
    sub.populate(unicodes=sorted(charset))
    sub.subset(font)

    if ttf:
        to_truetype(font)

    # Pin the timestamps to the source face's values (fixed in the input) and make
    # sure nothing recomputes them from the clock on save.
    font.recalcTimestamp = False
    head.created = created
    head.modified = modified

    cmap = font.getBestCmap()
    present = set(cmap)
    wanted_gbk = gbk_charset()
    font.save(dst, reorderTables=True)
    with open(dst, "rb") as f:
        data = f.read()
    return {
        "glyphs": len(font.getGlyphOrder()),
        "cmap": len(present),
        "ideographs": sum(1 for cp in present if is_ideograph(cp)),
        "gbk_missing": sorted(wanted_gbk - present),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "version": font["name"].getDebugName(5),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=DEBIAN_DIR, help="directory with the Noto CJK .ttc files")
    ap.add_argument("--out", default="assets/fonts", help="output directory")
    ap.add_argument("--ttf", action="store_true", help="convert outlines to TrueType (glyf)")
    ap.add_argument("--sans-bold", action="store_true", help="also build Noto Sans SC Bold")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    charset = build_charset()
    ext = "ttf" if args.ttf else "otf"
    print(f"fontTools {fontTools.version}; {len(charset)} code points requested "
          f"({len(gbk_charset())} from the GBK code space)")
    total = 0
    faces = FACES + ([SANS_BOLD] if args.sans_bold else [])
    for stem, ttc, role in faces:
        src = os.path.join(args.src, ttc)
        dst = os.path.join(args.out, f"{stem}.{ext}")
        r = subset_face(src, dst, charset, args.ttf)
        total += r["bytes"]
        missing = "".join(chr(c) for c in r["gbk_missing"])
        print(f"{dst}: {r['bytes']:,} bytes, {r['glyphs']} glyphs, {r['cmap']} mapped "
              f"code points, {r['ideographs']} ideographs; {role}; {r['version']}")
        print(f"  sha256 {r['sha256']}")
        print(f"  GBK characters not in the source font ({len(missing)}): {missing!r}")
    print(f"total {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
