//! The PDF documents: built from the hand-counted fixture through the binary,
//! parsed with lopdf, text extracted with `pdftotext` (poppler) where it is
//! installed; deterministic bytes; size; a 垟 drawn with a real glyph.

use std::path::{Path, PathBuf};
use std::process::Command;

use minebrief::render::pdf::{Block, Document, FontSet, PdfRenderer, Role};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_minebrief"))
}

fn build(data: &Path, quarter: &str, out: &Path) -> PathBuf {
    let o = bin()
        .args(["build", "--data"])
        .arg(data)
        .args(["--quarter", quarter, "--out"])
        .arg(out)
        .args(["--format", "pdf"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out.join(quarter)
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis")
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v = vec![dir.join("briefing.pdf"), dir.join("assessment.pdf")];
    let mut regions: Vec<PathBuf> = std::fs::read_dir(dir.join("regions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    regions.sort();
    assert!(!regions.is_empty(), "no regional PDFs");
    v.extend(regions);
    v
}

/// Text of a PDF by `pdftotext`, or `None` (with a note) when poppler is
/// not installed.
fn pdftotext(p: &Path) -> Option<String> {
    match Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(p)
        .arg("-")
        .output()
    {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) => panic!(
            "pdftotext failed on {}: {}",
            p.display(),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => {
            eprintln!("SKIPPED: pdftotext (poppler-utils) is not installed; text not checked");
            None
        }
    }
}

/// Text without the line breaks and justification spaces.
fn flat(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn fixture_pdfs_parse_and_carry_the_figures() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&fixture(), "2024Q3", out.path());
    for p in pdfs(&dir) {
        let doc = lopdf::Document::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let pages = doc.get_pages().len();
        assert!((1..=30).contains(&pages), "{}: {pages} pages", p.display());
        let info = doc.trailer.get(b"Info").is_ok();
        assert!(info, "{}: no /Info", p.display());
    }
    let b = lopdf::Document::load(dir.join("briefing.pdf")).unwrap();
    let n = b.get_pages().len();
    assert!((3..=15).contains(&n), "briefing: {n} pages");

    let Some(text) = pdftotext(&dir.join("briefing.pdf")) else {
        return;
    };
    let t = flat(&text);
    for needle in [
        "温州市打击非法采矿联合执法工作领导小组办公室",
        "关于2024年第三季度温州市打击非法采矿工作情况的通报",
        "2024年第三季度，温州市共发现非法采矿行为12起，同比由3起增至12起，环比由4起增至12起；立案4起",
        "1—9月累计发现非法采矿行为20起，立案10起，结案7起",
        "一、总体情况",
        "二、",
        "三、部门履职情况",
        "四、跟踪监管情况",
        "五、存在问题",
        "六、下步工作",
        "2024年10月15日",
        "—1—",
    ] {
        assert!(t.contains(needle), "briefing.pdf lacks {needle}:\n{text}");
    }
    // headings in order
    let pos: Vec<usize> = ["一、总体情况", "四、跟踪监管情况", "六、下步工作"]
        .iter()
        .map(|h| t.find(h).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]));

    let a = flat(&pdftotext(&dir.join("assessment.pdf")).unwrap());
    for needle in [
        "考核通报",
        "一、考核办法",
        "表1成员单位考核得分",
        "三、约谈名单",
        "评分说明",
    ] {
        assert!(
            a.contains(&flat(needle)),
            "assessment.pdf lacks {needle}:\n{a}"
        );
    }
}

#[test]
fn two_runs_are_byte_identical_and_small() {
    let o1 = tempfile::tempdir().unwrap();
    let o2 = tempfile::tempdir().unwrap();
    let d1 = build(&fixture(), "2024Q3", o1.path());
    let d2 = build(&fixture(), "2024Q3", o2.path());
    for p in pdfs(&d1) {
        let rel = p.strip_prefix(&d1).unwrap();
        let a = std::fs::read(&p).unwrap();
        let b = std::fs::read(d2.join(rel)).unwrap();
        assert!(a == b, "{} differs between runs", rel.display());
        assert!(a.len() < 1_500_000, "{}: {} bytes", rel.display(), a.len());
    }
}

fn long_document(paragraphs: usize) -> Document {
    let mut blocks = vec![
        Block::Masthead("温州市打击非法采矿联合执法工作领导小组办公室".into()),
        Block::Title("关于2024年第三季度温州市打击非法采矿工作情况的通报".into()),
    ];
    for i in 0..paragraphs {
        if i % 5 == 0 {
            blocks.push(Block::Heading {
                level: 1,
                text: format!(
                    "{}、总体情况",
                    ["一", "二", "三", "四", "五", "六", "七", "八"][i / 5 % 8]
                ),
            });
        }
        blocks.push(Block::Para(format!(
            "本季度瓯海区泽雅镇垟坑村、瑞安市高楼镇等重点区域共发现非法采矿行为{i}起，较上季度下降12.5%。\
             各成员单位按照“发现一起、查处一起”的要求，立案查处，移送公安机关案件9起，收缴罚没款186.4万元；\
             对群众举报的线索做到及时核查、及时反馈（见附表）。"
        )));
    }
    Document {
        title: "测试文档".into(),
        author: "温州市打击非法采矿联合执法工作领导小组办公室".into(),
        date: chrono::NaiveDate::from_ymd_opt(2024, 10, 15),
        blocks,
    }
}

#[test]
fn ten_pages_stay_under_one_and_a_half_megabytes() {
    let r = PdfRenderer::new(&Default::default()).unwrap();
    let out = r.render(&long_document(60), "long.pdf").unwrap();
    assert!(out.missing.is_empty());
    // 60 synthetic sections: about a dozen pages (15 as laid out today)
    assert!((8..=18).contains(&out.pages), "{} pages", out.pages);
    assert!(out.bytes.len() < 1_500_000, "{} bytes", out.bytes.len());
    let again = r.render(&long_document(60), "long.pdf").unwrap();
    assert!(out.bytes == again.bytes, "in-process renders differ");
}

#[test]
fn yang_renders_with_a_real_glyph() {
    let fonts = FontSet::shipped().unwrap();
    let g = fonts.glyph(Role::Body, '垟').expect("垟 in the body font");
    assert_ne!(fonts.faces[g.face].glyph_id('垟'), 0);
    let r = PdfRenderer::new(&Default::default()).unwrap();
    let doc = Document {
        title: "垟".into(),
        author: "测试".into(),
        date: None,
        blocks: vec![Block::Para("瓯海区泽雅镇垟坑村".into())],
    };
    let out = r.render(&doc, "yang.pdf").unwrap();
    assert!(out.missing.is_empty());
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("yang.pdf");
    std::fs::write(&p, &out.bytes).unwrap();
    lopdf::Document::load(&p).unwrap();
    if let Some(t) = pdftotext(&p) {
        assert!(flat(&t).contains("瓯海区泽雅镇垟坑村"), "{t}");
    }
}

#[test]
fn a_character_no_font_has_is_reported() {
    let r = PdfRenderer::new(&Default::default()).unwrap();
    let doc = Document {
        title: "t".into(),
        author: "t".into(),
        date: None,
        blocks: vec![
            Block::Place("五、存在问题".into()),
            Block::Para("私用区字符\u{E123}不应画成方框".into()),
        ],
    };
    let out = r.render(&doc, "x.pdf").unwrap();
    assert_eq!(out.missing.len(), 1);
    assert_eq!(out.missing[0].ch, '\u{E123}');
    assert_eq!(out.missing[0].document, "x.pdf");
    assert_eq!(out.missing[0].place, "五、存在问题");
}

/// Text of a PDF by `pdftotext -layout` (cells stay on their lines), or
/// `None` when poppler is not installed.
fn pdftotext_layout(p: &Path) -> Option<String> {
    let o = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(p)
        .arg("-")
        .output()
        .ok()?;
    assert!(o.status.success(), "pdftotext failed on {}", p.display());
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

/// A number cut across two lines in a narrow table column shows up as a
/// token like `−31.` (and `4%` on the next line).
#[test]
fn table_numbers_are_never_split_across_lines() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&fixture(), "2024Q3", out.path());
    for p in pdfs(&dir) {
        let Some(text) = pdftotext_layout(&p) else {
            eprintln!("SKIPPED: pdftotext (poppler-utils) is not installed");
            return;
        };
        for line in text.lines() {
            // (the first token may be a list number: "1. 持续保持……")
            for tok in line.split_whitespace().skip(1) {
                let body = tok.trim_start_matches(['+', '−', '-']);
                let cut = body.ends_with('.')
                    && body.len() > 1
                    && body[..body.len() - 1].chars().all(|c| c.is_ascii_digit());
                assert!(!cut, "{}: number cut at {tok:?} in {line:?}", p.display());
                let tail = body.strip_suffix('%').is_some_and(|d| d.len() <= 1);
                assert!(!tail, "{}: stray {tok:?} in {line:?}", p.display());
            }
        }
    }
}
