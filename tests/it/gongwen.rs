//! Issue 18 §2: the GB/T 9704-2012 elements of an official document — the
//! 发文机关标志 (larger than the title, 35 mm down), the 发文字号 between it
//! and the red rule, 主送机关, 署名 and 成文日期 (§7.3.5.1 / §7.3.5.2), the
//! 版记 at the foot of an even page, page numbers, and the six-capital
//! subset tag of every embedded font (PDF 32000 §9.6.4) — checked at the
//! layout level with exact positions and on a real build of the sample.
//!
//! Just past 600 lines: one standard's elements, each measured against its
//! clause; the page-reading helpers (texts, rules, widths, page numbers)
//! are shared by all of them.

use std::path::{Path, PathBuf};
use std::process::Command;

use minebrief::render::pdf::layout::{
    Block, Item, Layout, Page, BODY_PT, BOTTOM, CJK_ASCENT, CJK_DESCENT, LEFT, MASTHEAD_MIN_PT,
    MASTHEAD_TOP, MM, PAGE_NO_PT, PITCH, RED, TEXT_W, TITLE_PT, TOP,
};
use minebrief::render::pdf::{Document, FontSet, PdfRenderer, Role};
use minebrief::render::typeset::linebreak::line_width;

use crate::common::{bin, docx_xml, ok};

const OFFICE: &str = "温州市打击非法采矿联合执法工作领导小组办公室";
const NUMBER: &str = "温打非采办〔2026〕3号";

/// Every text item of a page: (x, baseline y, size, colour, text).
fn texts(p: &Page) -> Vec<(f32, f32, f32, minebrief::render::pdf::layout::Rgb, String)> {
    p.iter()
        .filter_map(|i| match i {
            Item::Text {
                x,
                y,
                size,
                color,
                text,
                ..
            } => Some((*x, *y, *size, *color, text.clone())),
            _ => None,
        })
        .collect()
}

/// Horizontal rules of a page: (y, x1, x2, width).
fn rules(p: &Page) -> Vec<(f32, f32, f32, f32)> {
    p.iter()
        .filter_map(|i| match i {
            Item::Path {
                points,
                stroke: Some((_, w, _)),
                fill: None,
                ..
            } if points.len() == 2 && (points[0].1 - points[1].1).abs() < 1e-3 => {
                Some((points[0].1, points[0].0, points[1].0, *w))
            }
            _ => None,
        })
        .collect()
}

fn width(fonts: &FontSet, s: &str, size: f32) -> f32 {
    let mut l = Layout::new(fonts, "w.pdf");
    line_width(&l.glyphs(Role::Body, s), size)
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.01
}

/// The page numbers of laid-out pages: `Some("— n —")` per page.
fn page_numbers(pages: &[Page]) -> Vec<Option<String>> {
    pages
        .iter()
        .map(|p| {
            texts(p)
                .into_iter()
                .find(|t| t.2 == PAGE_NO_PT && t.1 > BOTTOM)
                .map(|t| t.4)
        })
        .collect()
}

#[test]
fn masthead_number_and_red_rule_are_placed_as_gb_t_9704_says() {
    let fonts = FontSet::shipped().unwrap();
    let (pages, missing) = Layout::new(&fonts, "t.pdf").run(&[
        Block::Masthead(OFFICE.into()),
        Block::DocNumber(NUMBER.into()),
        Block::Title("关于2026年第三季度温州市打击非法采矿工作情况的通报".into()),
        Block::Addressee("领导小组各成员单位，各县（市、区）打击非法采矿工作领导小组：".into()),
        Block::Para("正文。".into()),
    ]);
    assert!(missing.is_empty());
    let t = texts(&pages[0]);
    let red: Vec<_> = t.iter().filter(|x| x.3 == RED).collect();
    // 22 characters: two balanced lines of 11 at the largest size, 32 pt —
    // larger than the 22 pt title.
    assert_eq!(red.len(), 2, "{red:?}");
    assert_eq!(red[0].4.chars().count(), 11);
    for r in &red {
        assert_eq!(r.2, 32.0);
        assert!(r.2 > TITLE_PT);
        assert!(r.2 >= MASTHEAD_MIN_PT);
        let w = width(&fonts, &r.4, r.2);
        assert!(close(r.0, LEFT + (TEXT_W - w) / 2.0), "centred: {r:?}");
    }
    // The top of the first line's ideographs 35 mm below the text block.
    assert!(close(red[0].1 - CJK_ASCENT * red[0].2, TOP + MASTHEAD_TOP));
    assert!(close(red[1].1 - red[0].1, 32.0 * 1.25));
    // 发文字号: centred, two blank lines below the office's last line box.
    let num = t.iter().find(|x| x.4 == NUMBER).expect("文号 drawn");
    let w = width(&fonts, NUMBER, BODY_PT);
    assert!(close(num.0, LEFT + (TEXT_W - w) / 2.0), "{num:?}");
    let office_box_bottom = red[1].1 - (32.0 * 1.25 / 2.0 + 0.36 * 32.0) + 32.0 * 1.25;
    let want = office_box_bottom + 2.0 * PITCH + PITCH / 2.0 + 0.36 * BODY_PT;
    assert!(close(num.1, want), "文号 baseline {} want {want}", num.1);
    // The red rule across the text block, 4 mm below the 文号's characters.
    let r: Vec<_> = rules(&pages[0]);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(
        close(r[0].0, num.1 + CJK_DESCENT * BODY_PT + 4.0 * MM),
        "{r:?}"
    );
    assert!(close(r[0].1, LEFT) && close(r[0].2, LEFT + TEXT_W));
    let red_rule = pages[0]
        .iter()
        .any(|i| matches!(i, Item::Path { stroke: Some((c, _, _)), .. } if *c == RED));
    assert!(red_rule);
    // The title below the rule; the 主送机关 flush left below the title.
    let title = t.iter().find(|x| x.2 == TITLE_PT).unwrap();
    assert!(title.1 > r[0].0 + 2.0 * PITCH, "{title:?}");
    let to = t
        .iter()
        .find(|x| x.4.starts_with("领导小组各成员单位"))
        .unwrap();
    assert!(close(to.0, LEFT));
    assert_eq!(to.2, BODY_PT);
    assert!(to.1 > title.1 + PITCH);
}

#[test]
fn without_a_number_the_rule_follows_the_office() {
    let fonts = FontSet::shipped().unwrap();
    let (pages, _) = Layout::new(&fonts, "t.pdf").run(&[
        Block::Masthead("温州市人民政府".into()),
        Block::Title("标题".into()),
    ]);
    let t = texts(&pages[0]);
    let red: Vec<_> = t.iter().filter(|x| x.3 == RED).collect();
    // A short name: one line, at the largest size.
    assert_eq!(red.len(), 1);
    assert_eq!(red[0].2, 32.0);
    let r = rules(&pages[0]);
    assert_eq!(r.len(), 1);
    assert!(
        r[0].0 > red[0].1 && r[0].0 < red[0].1 + 2.0 * PITCH,
        "{r:?}"
    );
}

fn signature_items(sealed: bool, office: &str) -> (Vec<(f32, f32, String)>, FontSet) {
    let fonts = FontSet::shipped().unwrap();
    let (pages, _) = Layout::new(&fonts, "t.pdf").run(&[
        Block::Para("正文。".into()),
        Block::Signature {
            office: Some(office.into()),
            date: "2026年10月15日".into(),
            sealed,
        },
    ]);
    let t: Vec<_> = texts(&pages[0])
        .into_iter()
        .filter(|x| x.4 != "正文。" && x.2 == BODY_PT)
        .map(|x| (x.0, x.1, x.4))
        .collect();
    (t, fonts)
}

#[test]
fn signature_without_a_seal_follows_7_3_5_2() {
    let (t, fonts) = signature_items(false, OFFICE);
    assert_eq!(t.len(), 2, "{t:?}");
    let (office, date) = (&t[0], &t[1]);
    assert_eq!(office.2, OFFICE);
    assert_eq!(date.2, "2026年10月15日");
    // The office two characters in from the right …
    let wo = width(&fonts, OFFICE, BODY_PT);
    assert!(
        close(office.0 + wo, LEFT + TEXT_W - 2.0 * BODY_PT),
        "{office:?}"
    );
    // … the date on the next line, two characters right of its first one.
    assert!(close(date.0, office.0 + 2.0 * BODY_PT), "{date:?}");
    assert!(close(date.1 - office.1, PITCH));
    // One blank line between the text and the office.
    let text_baseline = TOP + PITCH / 2.0 + 0.36 * BODY_PT;
    assert!(close(office.1, text_baseline + 2.0 * PITCH));
}

#[test]
fn a_date_longer_than_the_office_stays_two_characters_in() {
    let (t, fonts) = signature_items(false, "办公室");
    let (office, date) = (&t[0], &t[1]);
    let wd = width(&fonts, "2026年10月15日", BODY_PT);
    assert!(
        close(date.0 + wd, LEFT + TEXT_W - 2.0 * BODY_PT),
        "{date:?}"
    );
    assert!(close(office.0, date.0 - 2.0 * BODY_PT), "{office:?}");
}

#[test]
fn signature_with_a_seal_follows_7_3_5_1() {
    let (t, fonts) = signature_items(true, "温州市打击非法采矿办公室");
    assert_eq!(t.len(), 2, "{t:?}");
    let (office, date) = (&t[0], &t[1]);
    // The date four characters in; the office centred over it.
    let wd = width(&fonts, &date.2, BODY_PT);
    let wo = width(&fonts, &office.2, BODY_PT);
    assert!(
        close(date.0 + wd, LEFT + TEXT_W - 4.0 * BODY_PT),
        "{date:?}"
    );
    assert!(close(office.0 + wo / 2.0, date.0 + wd / 2.0), "{office:?}");
    // Two blank lines above for the seal.
    let text_baseline = TOP + PITCH / 2.0 + 0.36 * BODY_PT;
    assert!(close(office.1, text_baseline + 3.0 * PITCH));
    // A long office is set on balanced lines centred over the date, inside
    // the text block.
    let (t, fonts) = signature_items(true, OFFICE);
    assert_eq!(t.len(), 3, "{t:?}");
    for (x, _, s) in &t[..2] {
        let w = width(&fonts, s, BODY_PT);
        assert!(*x >= LEFT && x + w <= LEFT + TEXT_W + 0.01, "{s} at {x}");
    }
}

fn record() -> Block {
    Block::Record {
        cc: Some("抄送：市委办公室，市政府办公室。".into()),
        printer: OFFICE.into(),
        printed: "2026年10月15日印发".into(),
    }
}

/// Body text filling `lines` lines of the first page, then the 版记.
fn with_record(lines: usize) -> Vec<Page> {
    let fonts = FontSet::shipped().unwrap();
    let mut blocks = Vec::new();
    for _ in 0..lines {
        blocks.push(Block::Para("温".repeat(26)));
    }
    blocks.push(record());
    Layout::new(&fonts, "t.pdf").run(&blocks).0
}

/// Where the 版记 is: (page index, its rules' y).
fn record_place(pages: &[Page]) -> (usize, Vec<f32>) {
    for (i, p) in pages.iter().enumerate() {
        if texts(p).iter().any(|t| t.4.ends_with("印发")) {
            return (i, rules(p).iter().map(|r| r.0).collect());
        }
    }
    panic!("no 版记");
}

#[test]
fn record_goes_to_the_foot_of_an_even_page() {
    // Text on page 1 (odd): the 版记 alone at the foot of page 2, numbered.
    let pages = with_record(5);
    assert_eq!(pages.len(), 2);
    let (page, ys) = record_place(&pages);
    assert_eq!(page, 1);
    // Three rules: first and last 0.35 mm, the one between 0.25 mm; the
    // last on the text block's last line, one grid line per line: 抄送, and
    // the 22-character 印发机关 on two lines beside the date.
    assert_eq!(ys.len(), 3, "{ys:?}");
    assert!(close(ys[2], BOTTOM));
    assert!(close(ys[1], BOTTOM - 2.0 * PITCH));
    assert!(close(ys[0], BOTTOM - 3.0 * PITCH));
    let widths: Vec<f32> = rules(&pages[1]).iter().map(|r| r.3).collect();
    assert!(close(widths[0], 0.35 * MM) && close(widths[1], 0.25 * MM));
    assert!(close(widths[2], 0.35 * MM));
    // 抄送 and 印发机关 one character in, 印发日期 one character from the right.
    let t = texts(&pages[1]);
    let cc = t.iter().find(|x| x.4.starts_with("抄送")).unwrap();
    assert!(close(cc.0, LEFT + PAGE_NO_PT) && cc.2 == PAGE_NO_PT);
    let printer: Vec<_> = t
        .iter()
        .filter(|x| x.2 == PAGE_NO_PT && OFFICE.contains(x.4.as_str()))
        .collect();
    assert_eq!(printer.len(), 2, "{printer:?}");
    assert_eq!(format!("{}{}", printer[0].4, printer[1].4), OFFICE);
    let date = t.iter().find(|x| x.4 == "2026年10月15日印发").unwrap();
    let fonts = FontSet::shipped().unwrap();
    for p in &printer {
        assert!(close(p.0, LEFT + PAGE_NO_PT));
        assert!(p.0 + width(&fonts, &p.4, PAGE_NO_PT) + PAGE_NO_PT <= date.0 + 0.01);
    }
    assert!(close(date.1, printer[1].1), "the date on the last line");
    let wd = width(&fonts, &date.4, PAGE_NO_PT);
    assert!(close(date.0 + wd, LEFT + TEXT_W - PAGE_NO_PT));
    assert_eq!(
        page_numbers(&pages),
        vec![Some("— 1 —".to_string()), Some("— 2 —".to_string())]
    );

    // Text ending on page 2 with room left: the 版记 at the foot of page 2.
    let pages = with_record(22 + 5);
    assert_eq!(pages.len(), 2);
    assert_eq!(record_place(&pages).0, 1);

    // Text filling page 2: a blank page 3 and the 版记 on page 4, neither
    // numbered (GB/T 9704 §7.5).
    let pages = with_record(44);
    assert_eq!(pages.len(), 4);
    assert_eq!(record_place(&pages).0, 3);
    assert!(pages[2].is_empty());
    assert_eq!(
        page_numbers(&pages),
        vec![
            Some("— 1 —".to_string()),
            Some("— 2 —".to_string()),
            None,
            None
        ]
    );
}

#[test]
fn page_numbers_are_fourth_size_song_odd_right_even_left() {
    let pages = with_record(30);
    let fonts = FontSet::shipped().unwrap();
    for (i, p) in pages.iter().enumerate() {
        let t = texts(p);
        let n = t.iter().find(|x| x.1 > BOTTOM).unwrap();
        assert_eq!(n.4, format!("— {} —", i + 1));
        assert_eq!(n.2, 14.0);
        let w = width(&fonts, &n.4, 14.0);
        if i % 2 == 0 {
            assert!(close(n.0 + w, LEFT + TEXT_W - 14.0), "odd page right");
        } else {
            assert!(close(n.0, LEFT + 14.0), "even page left");
        }
    }
}

/// Is `name` a subset font name: six capitals and `+` (PDF 32000 §9.6.4)?
fn tagged(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 7 && b[..6].iter().all(|c| c.is_ascii_uppercase()) && b[6] == b'+'
}

/// The /BaseFont and /FontName values of every font object of a PDF.
fn font_names(bytes: &[u8]) -> Vec<String> {
    fn walk(o: &lopdf::Object, out: &mut Vec<String>) {
        let dict = match o {
            lopdf::Object::Dictionary(d) => d,
            lopdf::Object::Stream(s) => &s.dict,
            lopdf::Object::Array(a) => {
                a.iter().for_each(|x| walk(x, out));
                return;
            }
            _ => return,
        };
        for (k, v) in dict.iter() {
            match (k.as_slice(), v) {
                (b"BaseFont" | b"FontName", lopdf::Object::Name(n)) => {
                    out.push(String::from_utf8_lossy(n).into_owned())
                }
                _ => walk(v, out),
            }
        }
    }
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let mut out = Vec::new();
    for obj in doc.objects.values() {
        walk(obj, &mut out);
    }
    out.sort();
    out
}

fn small_pdf(text: &str) -> Vec<u8> {
    let r = PdfRenderer::new(&Default::default()).unwrap();
    let doc = Document {
        title: "t".into(),
        author: "t".into(),
        date: None,
        blocks: vec![
            Block::Masthead(OFFICE.into()),
            Block::Heading {
                level: 1,
                text: "一、总体情况".into(),
            },
            Block::Para(text.into()),
        ],
    };
    r.render(&doc, "t.pdf").unwrap().bytes
}

#[test]
fn embedded_fonts_carry_a_deterministic_subset_tag() {
    let a = small_pdf("本季度共发现非法采矿行为128起。");
    let names = font_names(&a);
    // three faces (小标宋, 黑体, 仿宋 roles): Type0, CIDFont, descriptor each
    assert_eq!(names.len(), 9, "{names:?}");
    for n in &names {
        assert!(tagged(n), "{n} has no ABCDEF+ subset tag");
    }
    // The same glyphs give the same tags (and bytes); other glyphs another
    // tag for the body face only.
    assert_eq!(a, small_pdf("本季度共发现非法采矿行为128起。"));
    let b = font_names(&small_pdf("本季度共发现非法采矿行为129起。"));
    let changed = names.iter().filter(|n| !b.contains(n)).count();
    assert_eq!(changed, 3, "{names:?} / {b:?}");
    // The tag is the same on the Type0 font, its CIDFont and descriptor.
    let tags: std::collections::BTreeSet<&str> = names.iter().map(|n| &n[..6]).collect();
    assert_eq!(tags.len(), 3);
    assert_eq!(
        minebrief::render::pdf::emit::subset_tag("x", &[1u16, 2].into_iter().collect()),
        minebrief::render::pdf::emit::subset_tag("x", &[2u16, 1].into_iter().collect())
    );
}

/// `pdffonts` lines of the fonts (None when poppler is not installed).
fn pdffonts(p: &Path) -> Option<Vec<String>> {
    let o = Command::new("pdffonts").arg(p).output().ok()?;
    assert!(o.status.success());
    Some(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .skip(2)
            .map(str::to_string)
            .collect(),
    )
}

fn pdf_pages(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes).unwrap().get_pages().len()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The assessment's own 文号 (briefing.toml `assessment_doc_number`).
const ASSESSMENT_NUMBER: &str = "温打非采办〔2026〕4号";

const ASSESSMENT_WARNING: &str = "警告：考核通报没有发文字号，请在 2026Q3/briefing.toml 中写 assessment_doc_number（如 assessment_doc_number = \"温打非采办〔2026〕4号\"） / warning: the assessment goes out without a document number (发文字号): set assessment_doc_number in 2026Q3/briefing.toml";

const WARNING: &str = "警告：联席会议通报没有发文字号，请在 2026Q3/briefing.toml 中写 doc_number（如 doc_number = \"温打非采办〔2026〕3号\"） / warning: the briefing goes out without a document number (发文字号): set doc_number in 2026Q3/briefing.toml";

fn build_all(data: &Path, out: &Path) -> (PathBuf, String) {
    let o = ok(bin()
        .args(["build", "--data"])
        .arg(data)
        .args(["--quarter", "2026Q3", "--out"])
        .arg(out)
        .args(["--format", "html,pdf,docx"]));
    (
        out.join("2026Q3"),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn sample_documents_carry_the_gb_t_9704_elements() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, stderr) = build_all(Path::new("sample_data"), &tmp.path().join("out"));
    // No 发文字号 in the sample: build, index page and validate say so.
    assert!(stderr.contains(WARNING), "{stderr}");
    assert!(stderr.contains(ASSESSMENT_WARNING), "{stderr}");
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(
        index.contains(&format!("<p>{}</p>", tera::escape_html(WARNING))),
        "index.html lacks the warning"
    );
    assert!(index.contains(&format!("<p>{}</p>", tera::escape_html(ASSESSMENT_WARNING))));
    // every unit of the sample reported (报送情况): said once, no warning
    assert!(!index.contains("报送情况"), "{index}");
    let briefing = std::fs::read_to_string(dir.join("briefing.html")).unwrap();
    assert!(briefing.contains("本季度11家成员单位均报送了案件数据。"));
    // the 约谈 table has its caption, numbered after the two score tables
    let assessment = std::fs::read_to_string(dir.join("assessment.html")).unwrap();
    assert!(assessment.contains("表3　约谈名单"), "{assessment}");
    let v = ok(bin().args(["validate", "--data", "sample_data", "--quarter", "2026Q3"]));
    let stdout = String::from_utf8_lossy(&v.stdout);
    assert!(!stdout.contains("报送情况"), "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| *l == WARNING).count(),
        1,
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().filter(|l| *l == ASSESSMENT_WARNING).count(),
        1,
        "{stdout}"
    );

    const CITY_TO: &str = "领导小组各成员单位，各县（市、区）打击非法采矿工作领导小组：";
    const CITY_CC: &str = "抄送：市委办公室，市政府办公室。";
    // a region's report is its own: its office to its townships and members,
    // copied to the city's office
    const RUIAN_TO: &str = "各乡镇（街道），瑞安市打击非法采矿工作领导小组各成员单位：";
    const RUIAN_CC: &str = "抄送：温州市打击非法采矿联合执法工作领导小组办公室。";
    for (stem, to, cc_line) in [
        ("briefing", CITY_TO, CITY_CC),
        ("assessment", CITY_TO, CITY_CC),
        ("regions/瑞安市", RUIAN_TO, RUIAN_CC),
    ] {
        let bytes = std::fs::read(dir.join(format!("{stem}.pdf"))).unwrap();
        // The 版记 on the last page, an even one.
        let n = pdf_pages(&bytes);
        assert_eq!(n % 2, 0, "{stem}.pdf has {n} pages");
        for name in font_names(&bytes) {
            assert!(tagged(&name), "{stem}.pdf: {name}");
        }
        if let Some(lines) = pdffonts(&dir.join(format!("{stem}.pdf"))) {
            assert!(!lines.is_empty());
            for l in lines {
                // name type encoding emb sub uni object ID
                let cols: Vec<&str> = l.split_whitespace().collect();
                let n = cols.len();
                assert!(tagged(cols[0]), "{l}");
                assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{l}");
            }
        }
        let html = std::fs::read_to_string(dir.join(format!("{stem}.html"))).unwrap();
        // 主送机关 after the title, the red rule after the 版头.
        assert!(
            html.contains(&format!("<p class=\"noindent addressee\">{to}</p>")),
            "{stem}"
        );
        assert!(
            html.contains("<div class=\"masthead\" style=\"font-size: 32pt; margin: 35mm 0 0\">")
        );
        assert!(
            html.contains(&format!("<p class=\"cc\">{cc_line}</p>")),
            "{stem}"
        );
        let xml = docx_xml(&dir.join(format!("{stem}.docx")));
        // Two sections: the text, and the 版记 from an even page, at its foot.
        assert_eq!(xml.matches("<w:sectPr").count(), 2, "{stem}.docx");
        assert_eq!(xml.matches("<w:type w:val=\"evenPage\" />").count(), 1);
        assert_eq!(xml.matches("<w:vAlign w:val=\"bottom\" />").count(), 1);
        let record = xml.rfind("<w:type w:val=\"evenPage\" />").unwrap();
        let cc = xml.find(cc_line).unwrap();
        let first_sect = xml.find("<w:sectPr").unwrap();
        assert!(
            first_sect < cc && cc < record,
            "{stem}.docx: 版记 not in the last section"
        );
        assert!(xml.contains(to), "{stem}.docx");
        // The office larger than the 22 pt title (w:sz in half points).
        assert!(xml.contains("<w:sz w:val=\"64\" />"), "{stem}.docx");
        // Both sections list their footers first (CT_SectPr's order).
        for sect in xml.split("<w:sectPr>").skip(1) {
            let footer = sect.find("<w:footerReference").unwrap();
            assert!(footer < sect.find("<w:pgSz").unwrap(), "{stem}.docx");
        }
    }
}

#[test]
fn a_numbered_sealed_briefing_prints_its_number_and_leaves_room_for_the_seal() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(Path::new("sample_data"), &data);
    std::fs::write(
        data.join("2026Q3/briefing.toml"),
        format!("doc_number = \"{NUMBER}\"\nassessment_doc_number = \"{ASSESSMENT_NUMBER}\"\n"),
    )
    .unwrap();
    std::fs::write(
        data.join("minebrief.toml"),
        "[organisation]\nsealed = true\ncc = []\naddressee = \"各成员单位：\"\n",
    )
    .unwrap();
    let (dir, stderr) = build_all(&data, &tmp.path().join("out"));
    assert!(!stderr.contains("发文字号"), "{stderr}");
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(!index.contains("class=\"warnings\""));
    let v = ok(bin().arg("validate").arg("--data").arg(&data));
    assert!(!String::from_utf8_lossy(&v.stdout).contains("发文字号"));

    // the assessment carries its own 文号, in every format
    let a = std::fs::read_to_string(dir.join("assessment.html")).unwrap();
    assert!(
        a.contains(&format!("<p class=\"docno\">{ASSESSMENT_NUMBER}</p>")),
        "{a}"
    );
    assert!(docx_xml(&dir.join("assessment.docx")).contains(ASSESSMENT_NUMBER));

    let html = std::fs::read_to_string(dir.join("briefing.html")).unwrap();
    // 文号 between the office and the red rule.
    let office = html.find("<div class=\"masthead\"").unwrap();
    let number = html
        .find(&format!("<p class=\"docno\">{NUMBER}</p>"))
        .unwrap();
    let rule = html.find("<hr class=\"redline numbered\">").unwrap();
    assert!(office < number && number < rule);
    assert!(html.contains("<div class=\"signature sealed\">"));
    assert!(html.contains("<p class=\"noindent addressee\">各成员单位：</p>"));
    // No 抄送 line: the 版记 holds 印发机关 and 印发日期 only.
    assert!(!html.contains("class=\"cc\""));
    assert!(html.contains("2026年10月15日印发"));

    let bytes = std::fs::read(dir.join("briefing.pdf")).unwrap();
    assert_eq!(pdf_pages(&bytes) % 2, 0);
    let xml = docx_xml(&dir.join("briefing.docx"));
    // 文号 two lines (2 × 579 twips) below the office, above the red rule
    // (the only red in document.xml: the office's red is its style's).
    let office = xml.find("执法工作领导小组办公室</w:t>").unwrap();
    let n = xml.find(NUMBER).unwrap();
    let rule = xml.find("w:color=\"C00000\"").unwrap();
    assert!(office < n && n < rule, "{office} {n} {rule}");
    assert!(xml[office..n].contains("<w:spacing w:before=\"1158\""));
    assert_eq!(xml.matches("w:color=\"C00000\"").count(), 1);
    assert!(!xml.contains("抄送"));
    // Sealed: the date four characters (4 × 320 twips) in from the right.
    let date = xml.rfind("2026年10月15日</w:t>").unwrap();
    let para = xml[..date].rfind("<w:p ").unwrap();
    let left: u32 = xml[para..date]
        .split("w:left=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .and_then(|x| x.parse().ok())
        .unwrap();
    // 156 mm = 8844 twips; the date is 7 em of 320 twips (8 half-width digits).
    assert_eq!(left, 8844 - 4 * 320 - 7 * 320);
}
