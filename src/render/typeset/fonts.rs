//! Fonts for the PDF renderer: the shipped subset Noto CJK faces (embedded in
//! the binary) and the user's font files named in `[fonts]`, one chain of
//! faces per role. A character is drawn with the first face of its role's
//! chain that has it; a user font therefore falls back to the shipped fonts
//! character by character. Every file is read and parsed once per run.
//!
//! The shipped faces are embedded zstd-compressed (`assets/fonts/*.otf.zst`,
//! made by `scripts/compress_fonts.sh`: 18.2 MB in the binary instead of
//! 23.5 MB) and decompressed once per process, at first use, to the exact
//! bytes of the `.otf` files ([`serif`], [`sans`], [`serif_bold`]).

use std::path::Path;
use std::sync::OnceLock;

use printpdf::{FontId, ParsedFont};

use crate::config::Fonts as FontCfg;
use crate::error::{Error, Result};

/// One shipped face: its file name, the zstd frame embedded in the binary,
/// the length of the `.otf` it decompresses to, and the decompressed bytes
/// once made.
struct Packed {
    name: &'static str,
    zst: &'static [u8],
    len: usize,
    otf: OnceLock<Box<[u8]>>,
}

impl Packed {
    /// The `.otf` bytes, decompressed on the first call (a thread asking
    /// meanwhile waits for the first) and kept until the process ends.
    fn get(&'static self) -> &'static [u8] {
        self.otf.get_or_init(|| {
            // The frame carries an XXH64 checksum of the content: a damaged
            // stream is an error here, not wrong glyphs later.
            let out = zstd::bulk::decompress(self.zst, self.len).unwrap_or_else(|e| {
                panic!(
                    "embedded font {}.zst cannot be decompressed (the binary is \
                     damaged or was built from a bad file; rerun \
                     scripts/compress_fonts.sh and rebuild): {e}",
                    self.name
                )
            });
            assert_eq!(
                out.len(),
                self.len,
                "embedded font {}.zst decompresses to the wrong length \
                 (rerun scripts/compress_fonts.sh and rebuild)",
                self.name
            );
            out.into_boxed_slice()
        })
    }
}

static SERIF: Packed = Packed {
    name: "NotoSerifSC-Regular-GBK.otf",
    zst: include_bytes!("../../../assets/fonts/NotoSerifSC-Regular-GBK.otf.zst"),
    len: 8_507_180,
    otf: OnceLock::new(),
};
static SANS: Packed = Packed {
    name: "NotoSansSC-Regular-GBK.otf",
    zst: include_bytes!("../../../assets/fonts/NotoSansSC-Regular-GBK.otf.zst"),
    len: 6_113_144,
    otf: OnceLock::new(),
};
static SERIF_BOLD: Packed = Packed {
    name: "NotoSerifSC-Bold-GBK.otf",
    zst: include_bytes!("../../../assets/fonts/NotoSerifSC-Bold-GBK.otf.zst"),
    len: 8_851_372,
    otf: OnceLock::new(),
};

/// Noto Serif SC Regular (仿宋 / 宋体 roles: body, tables, page numbers):
/// the bytes of `assets/fonts/NotoSerifSC-Regular-GBK.otf`.
pub fn serif() -> &'static [u8] {
    SERIF.get()
}

/// Noto Sans SC Regular (黑体 role: level-1 headings, table heads, charts):
/// the bytes of `assets/fonts/NotoSansSC-Regular-GBK.otf`.
pub fn sans() -> &'static [u8] {
    SANS.get()
}

/// Noto Serif SC Bold (小标宋 role: issuing office, titles): the bytes of
/// `assets/fonts/NotoSerifSC-Bold-GBK.otf`.
pub fn serif_bold() -> &'static [u8] {
    SERIF_BOLD.get()
}

const SHIPPED_SERIF: usize = 0;
const SHIPPED_SANS: usize = 1;
const SHIPPED_BOLD: usize = 2;

/// What a piece of text is set in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Issuing office and titles (方正小标宋简体 in official use).
    Title,
    /// Level-1 headings, table captions and heads, charts (黑体).
    Heading1,
    /// Level-2 headings (楷体; the serif stands in).
    Heading2,
    /// Body text (仿宋_GB2312).
    Body,
    /// Table cells.
    Table,
    /// Page numbers (宋体): always the shipped serif.
    PageNumber,
}

/// One font face: the bytes (for embedding), a ttf-parser face (for
/// metrics and coverage) and the resource name it is registered under.
pub struct Face {
    pub id: FontId,
    pub label: String,
    data: &'static [u8],
    index: u32,
    face: ttf_parser::Face<'static>,
    upem: f32,
    parsed: OnceLock<Option<ParsedFont>>,
}

impl Face {
    fn new(id: usize, label: String, data: &'static [u8], index: u32) -> Result<Face> {
        let face = ttf_parser::Face::parse(data, index).map_err(|e| {
            Error::Other(format!(
                "字体文件 {label} 无法解析：{e} / cannot parse font {label}: {e}"
            ))
        })?;
        let upem = f32::from(face.units_per_em().max(1));
        Ok(Face {
            id: FontId(format!("F{}", id + 1)),
            label,
            data,
            index,
            face,
            upem,
            parsed: OnceLock::new(),
        })
    }

    /// Advance width of `c` in em, or `None` when the face lacks it.
    pub fn advance(&self, c: char) -> Option<f32> {
        let gid = self.face.glyph_index(c)?;
        if gid.0 == 0 {
            return None;
        }
        Some(f32::from(self.face.glyph_hor_advance(gid).unwrap_or(0)) / self.upem)
    }

    /// Glyph id of `c` (0 = .notdef when absent).
    pub fn glyph_id(&self, c: char) -> u16 {
        self.face.glyph_index(c).map(|g| g.0).unwrap_or(0)
    }

    /// The printpdf font, parsed on first use and kept for the run.
    pub fn parsed(&self) -> Result<&ParsedFont> {
        self.parsed
            .get_or_init(|| {
                let mut warnings = Vec::new();
                ParsedFont::from_bytes(self.data, self.index as usize, &mut warnings)
            })
            .as_ref()
            .ok_or_else(|| {
                Error::Other(format!(
                    "printpdf 无法读取字体 {0} / printpdf cannot read font {0}",
                    self.label
                ))
            })
    }
}

/// A glyph placed by the layout: character, face and advance in em.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glyph {
    pub c: char,
    pub face: usize,
    pub adv: f32,
}

/// All faces of a run and the chain of each role.
pub struct FontSet {
    pub faces: Vec<Face>,
    chains: [Vec<usize>; 6],
}

fn role_index(r: Role) -> usize {
    match r {
        Role::Title => 0,
        Role::Heading1 => 1,
        Role::Heading2 => 2,
        Role::Body => 3,
        Role::Table => 4,
        Role::PageNumber => 5,
    }
}

/// Largest font file read (the largest CJK collections are ~120 MB).
pub const MAX_FONT_BYTES: u64 = 256 << 20;

impl FontSet {
    /// The shipped fonts only.
    pub fn shipped() -> Result<FontSet> {
        FontSet::new(&FontCfg::default())
    }

    /// The shipped fonts plus the user's font files of `cfg`, each read once
    /// (a file named for several roles is loaded once). `.ttc` collections
    /// use their Simplified Chinese face ([`pick_face`]).
    pub fn new(cfg: &FontCfg) -> Result<FontSet> {
        // The three shipped faces decompress on both cores (25 MB of zstd
        // frames: a fifteenth of a 10k-row run rendering every PDF).
        rayon::join(serif, || rayon::join(sans, serif_bold));
        let mut faces = vec![
            Face::new(0, "Noto Serif SC".into(), serif(), 0)?,
            Face::new(1, "Noto Sans SC".into(), sans(), 0)?,
            Face::new(2, "Noto Serif SC Bold".into(), serif_bold(), 0)?,
        ];
        let mut paths: Vec<std::path::PathBuf> = Vec::new();
        let mut user =
            |p: &Option<std::path::PathBuf>, faces: &mut Vec<Face>| -> Result<Option<usize>> {
                let Some(p) = p else { return Ok(None) };
                if let Some(i) = paths.iter().position(|q| q == p) {
                    return Ok(Some(3 + i));
                }
                let bytes = crate::ingest::read_input(p, None, MAX_FONT_BYTES)
                    .map_err(|r| r.into_error(p))?;
                // Loaded once per run and used until the process ends.
                let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                let face = Face::new(faces.len(), display(p), data, pick_face(data))?;
                faces.push(face);
                paths.push(p.clone());
                Ok(Some(faces.len() - 1))
            };
        let title = user(&cfg.title, &mut faces)?;
        let h1 = user(&cfg.heading1, &mut faces)?;
        let h2 = user(&cfg.heading2, &mut faces)?;
        let body = user(&cfg.body, &mut faces)?;
        let table = user(&cfg.table, &mut faces)?;
        let chain = |u: Option<usize>, rest: &[usize]| -> Vec<usize> {
            let mut v: Vec<usize> = u.into_iter().collect();
            for r in rest {
                if !v.contains(r) {
                    v.push(*r);
                }
            }
            v
        };
        let all = [SHIPPED_SERIF, SHIPPED_SANS, SHIPPED_BOLD];
        let chains = [
            chain(title, &[SHIPPED_BOLD, SHIPPED_SERIF, SHIPPED_SANS]),
            chain(h1, &[SHIPPED_SANS, SHIPPED_SERIF, SHIPPED_BOLD]),
            chain(h2, &all),
            chain(body, &all),
            chain(table, &all),
            chain(None, &all),
        ];
        Ok(FontSet { faces, chains })
    }

    pub fn chain(&self, role: Role) -> &[usize] {
        &self.chains[role_index(role)]
    }

    /// The glyph for `c` in `role`, from the first face of the chain that
    /// has it; `None` when no configured font has it.
    pub fn glyph(&self, role: Role, c: char) -> Option<Glyph> {
        // Controls and line separators are not drawn.
        let c = if c.is_whitespace() { ' ' } else { c };
        self.chain(role).iter().find_map(|&f| {
            self.faces[f]
                .advance(c)
                .map(|adv| Glyph { c, face: f, adv })
        })
    }

    /// Width of `s` in points at `size` (missing characters count as one em).
    pub fn width(&self, role: Role, s: &str, size: f32) -> f32 {
        s.chars()
            .map(|c| self.glyph(role, c).map(|g| g.adv).unwrap_or(1.0))
            .sum::<f32>()
            * size
    }
}

/// The face of a font file to use: 0 for a single font; in a `.ttc`
/// collection the Simplified Chinese face, found by its names (Noto Sans
/// CJK's face 0 is the Japanese one, whose glyph shapes differ from the
/// mainland standard), else face 0.
pub fn pick_face(data: &[u8]) -> u32 {
    let Some(n) = ttf_parser::fonts_in_collection(data) else {
        return 0;
    };
    let mut best = (0, 0);
    for i in 0..n.min(64) {
        let Ok(face) = ttf_parser::Face::parse(data, i) else {
            continue;
        };
        let mut names = Vec::new();
        let mut zh_cn = false;
        for name in face.names() {
            if matches!(name.name_id, 1 | 4 | 16) {
                zh_cn |= name.language_id == 0x0804;
                if let Some(s) = name.to_string() {
                    names.push(s);
                }
            }
        }
        let score = face_score(&names, zh_cn);
        if score > best.1 {
            best = (i, score);
        }
    }
    best.0
}

/// How well a face's names say "Simplified Chinese".
fn face_score(names: &[String], zh_cn_record: bool) -> u32 {
    let sc = names.iter().any(|n| {
        n.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "SC" || w == "GB" || w == "Simplified")
            || n.contains("简")
    });
    if sc {
        3
    } else if zh_cn_record {
        2
    } else {
        0
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_fonts_cover_place_names_and_punctuation() {
        let f = FontSet::shipped().unwrap();
        for role in [Role::Title, Role::Heading1, Role::Body, Role::Table] {
            for c in "垟瓯鹿鳌，。、；：？！（）《》“”—①".chars() {
                let g = f.glyph(role, c).unwrap_or_else(|| panic!("{c} missing"));
                assert!(g.adv > 0.0);
                assert_ne!(f.faces[g.face].glyph_id(c), 0);
            }
        }
        // Full-width ideographs are one em.
        let g = f.glyph(Role::Body, '中').unwrap();
        assert!((g.adv - 1.0).abs() < 1e-3);
        assert_eq!(f.chain(Role::Heading1)[0], SHIPPED_SANS);
        assert_eq!(f.chain(Role::Title)[0], SHIPPED_BOLD);
    }

    /// The embedded frames give exactly the `.otf` files of the repository
    /// (also a check that `scripts/compress_fonts.sh` was rerun after
    /// `scripts/subset_fonts.py`).
    #[test]
    fn embedded_fonts_are_the_otf_files() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
        for (packed, bytes) in [
            (&SERIF, serif()),
            (&SANS, sans()),
            (&SERIF_BOLD, serif_bold()),
        ] {
            let otf = std::fs::read(dir.join(packed.name)).unwrap();
            assert!(otf == bytes, "{} differs from its .zst", packed.name);
            assert_eq!(otf.len(), packed.len);
            // Decompressed once: a second call returns the same bytes.
            assert!(std::ptr::eq(bytes, packed.get()));
        }
    }

    #[test]
    #[should_panic(expected = "embedded font bad.otf.zst cannot be decompressed")]
    fn damaged_embedded_font_panics_with_the_reason() {
        static BAD: Packed = Packed {
            name: "bad.otf",
            zst: b"\x28\xb5\x2f\xfd damaged",
            len: 10,
            otf: OnceLock::new(),
        };
        BAD.get();
    }

    #[test]
    fn unknown_character_has_no_glyph() {
        let f = FontSet::shipped().unwrap();
        // U+2252 is the one GBK character Noto lacks; a private-use one too.
        assert!(f.glyph(Role::Body, '\u{E000}').is_none());
    }

    #[test]
    fn ttc_face_is_chosen_by_name() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            face_score(&n(&["Noto Sans CJK JP", "Noto Sans CJK JP Regular"]), false),
            0
        );
        assert_eq!(face_score(&n(&["Noto Sans CJK SC"]), false), 3);
        assert_eq!(face_score(&n(&["Source Han Sans TC"]), false), 0);
        assert_eq!(face_score(&n(&["SimSun"]), true), 2);
        // Where the system has the collection, its SC face (index 2) is used.
        let p = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
        if let Ok(bytes) = std::fs::read(p) {
            let i = pick_face(&bytes);
            let face = ttf_parser::Face::parse(&bytes, i).unwrap();
            let family: Vec<String> = face
                .names()
                .into_iter()
                .filter(|n| n.name_id == 1)
                .filter_map(|n| n.to_string())
                .collect();
            assert!(family.iter().any(|f| f.ends_with(" SC")), "{family:?}");
        }
    }

    #[test]
    fn missing_user_font_is_an_io_error() {
        let cfg = FontCfg {
            body: Some("/nonexistent/FangSong_GB2312.ttf".into()),
            ..FontCfg::default()
        };
        let e = FontSet::new(&cfg).err().unwrap();
        assert!(e.to_string().contains("FangSong_GB2312"));
    }
}
