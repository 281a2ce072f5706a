//! One document, every format (issue 13): every document of the sample
//! build says the same headings, sentences and table cells in the same
//! order in its HTML page, its PDF (text extracted with lopdf) and its Word
//! file (the text runs of `word/document.xml`); a template override changes
//! all three; templates are code a user brings (no `get_env`, no recursion,
//! a clear error for a misspelt file or folder); control characters never
//! reach a document; long lists and texts are capped.
//!
//! Just past 600 lines: the format-by-format extraction helpers (HTML, PDF
//! text, Word runs) sit beside the comparisons that use them.

use std::path::Path;

use crate::common::{bin, build, ok};

/// Text without any whitespace (line breaks and justification differ
/// between formats).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// The texts of a document page, in order: every heading, paragraph,
/// caption and table cell (the chart SVGs are not text of the document).
/// Returns (items, table-head texts and captions).
fn html_items(html: &str) -> (Vec<String>, Vec<String>) {
    let body = html
        .split_once("<div class=\"page\">")
        .map(|x| x.1)
        .unwrap_or(html);
    let mut items = Vec::new();
    let mut heads = Vec::new();
    let mut rest = body;
    let tags = ["h1", "h2", "h3", "h4", "h5", "p", "caption", "th", "td"];
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "svg" {
            // A chart: its labels are drawn as text in the PDF (vector),
            // as pixels in Word; they may appear, in any order, between
            // the items.
            let end = rest.find("</svg>").unwrap_or(rest.len());
            let svg = &rest[..end];
            for part in svg.split("<text").skip(1) {
                if let (Some(gt), Some(lt)) = (part.find('>'), part.find("</text>")) {
                    let t = squash(&unescape(&part[gt + 1..lt]));
                    if !t.is_empty() {
                        heads.push(t);
                    }
                }
            }
            rest = &rest[end..];
            continue;
        }
        let masthead = name == "div" && rest.starts_with("div class=\"masthead\"");
        if !tags.contains(&name.as_str()) && !masthead {
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let close = format!("</{name}>");
        let Some(end) = rest.find(&close) else { break };
        let inner = &rest[gt + 1..end];
        // strip inner tags (<br>, <span>)
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let t = squash(&unescape(&text));
        if !t.is_empty() {
            if name == "th" || name == "caption" {
                heads.push(t.clone());
            }
            items.push(t);
        }
        rest = &rest[end + close.len()..];
    }
    (items, heads)
}

fn pdf_text(p: &Path) -> String {
    let doc = lopdf::Document::load(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    // each page without its page number “— 3 —” (drawn last on the page)
    let mut out = String::new();
    for p in pages {
        let t = squash(&doc.extract_text(&[p]).unwrap());
        let num = format!("—{p}—");
        match t.rfind(&num) {
            Some(i) => {
                out.push_str(&t[..i]);
                out.push_str(&t[i + num.len()..]);
            }
            None => out.push_str(&t),
        }
    }
    out
}

fn docx_text(p: &Path) -> String {
    let xml = crate::common::docx_xml(p);
    let mut out = String::new();
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i + 4..];
        // <w:t> or <w:t xml:space="preserve">, not <w:tbl …>
        if !(rest.starts_with('>') || rest.starts_with(' ')) {
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        if rest[..gt].ends_with('/') {
            rest = &rest[gt + 1..];
            continue;
        }
        let Some(end) = rest.find("</w:t>") else {
            break;
        };
        out.push_str(&unescape(&rest[gt + 1..end]));
        rest = &rest[end..];
    }
    squash(&out)
}

/// Every item found in `text` in order; what lies between them may only
/// be a repeated table head or caption (continuation pages) and 续表.
fn assert_same(doc: &str, format: &str, items: &[String], heads: &[String], text: &str) {
    let mut at = 0;
    let mut gaps = Vec::new();
    for it in items {
        match text[at..].find(it.as_str()) {
            Some(i) => {
                gaps.push(text[at..at + i].to_string());
                at += i + it.len();
            }
            None => {
                if let Ok(d) = std::env::var("MINEBRIEF_KEEP") {
                    let _ = std::fs::write(
                        Path::new(&d).join("drift.txt"),
                        format!("{items:#?}\n{text}"),
                    );
                }
                let near: String = text[at..].chars().take(120).collect();
                panic!("{doc} ({format}): “{it}” not found in order; text goes on with “{near}”")
            }
        }
    }
    gaps.push(text[at..].to_string());
    let mut tokens: Vec<&str> = heads.iter().map(|s| s.as_str()).collect();
    tokens.push("（续表）");
    // chart axes may be set with other ticks in the PDF (a chart made
    // flatter to fit a page): single digits and number signs pass.
    let numeric = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "%", "−", "+", "Q",
    ];
    tokens.extend(numeric);
    for g in gaps {
        // can the gap be cut into allowed tokens? (word-break DP)
        let b = g.as_bytes();
        let mut ok = vec![false; b.len() + 1];
        ok[0] = true;
        for i in 0..b.len() {
            if !ok[i] {
                continue;
            }
            for t in &tokens {
                if b[i..].starts_with(t.as_bytes()) {
                    ok[i + t.len()] = true;
                }
            }
        }
        assert!(ok[b.len()], "{doc} ({format}): text not in the HTML: “{g}”");
    }
}

fn documents(dir: &Path) -> Vec<String> {
    let mut v = vec!["briefing".to_string(), "assessment".to_string()];
    let mut regions: Vec<String> = std::fs::read_dir(dir.join("regions"))
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().to_string_lossy().to_string();
            n.strip_suffix(".html").map(|s| format!("regions/{s}"))
        })
        .collect();
    regions.sort();
    v.extend(regions);
    v
}

fn check_all(dir: &Path) -> usize {
    let docs = documents(dir);
    for d in &docs {
        let html = std::fs::read_to_string(dir.join(format!("{d}.html"))).unwrap();
        let (items, heads) = html_items(&html);
        assert!(items.len() > 20, "{d}: {} items", items.len());
        let pdf = pdf_text(&dir.join(format!("{d}.pdf")));
        assert_same(d, "pdf", &items, &heads, &pdf);
        let docx = docx_text(&dir.join(format!("{d}.docx")));
        assert_same(d, "docx", &items, &heads, &docx);
    }
    docs.len()
}

#[test]
fn html_pdf_and_word_say_the_same_in_every_document() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = build(
        Path::new("sample_data"),
        "2026Q3",
        tmp.path(),
        &["--format", "html,pdf,docx"],
    );
    assert_eq!(check_all(&dir), 14);
    // the sections of the briefing, numbered by the model
    let (items, _) = html_items(&std::fs::read_to_string(dir.join("briefing.html")).unwrap());
    for h in [
        "一、总体情况",
        "二、各地情况",
        "三、部门履职情况",
        "四、跟踪监管情况",
        "五、存在问题",
        "六、下步工作",
    ] {
        assert!(items.iter().any(|i| i == h), "{h}");
    }
    // the region's Word file has every chart of its PDF (three)
    let f = std::fs::File::open(dir.join("regions/瑞安市.docx")).unwrap();
    let z = zip::ZipArchive::new(f).unwrap();
    let media = z
        .file_names()
        .filter(|n| n.starts_with("word/media/"))
        .count();
    assert_eq!(media, 3);
}

fn data_with(files: &[(&str, &str)], cfg_extra: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(Path::new("sample_data"), &data);
    let cfg = format!(
        "[output]\ntemplates_dir = \"{}\"\n{cfg_extra}",
        tmp.path().join("tpl").display()
    );
    std::fs::write(data.join("minebrief.toml"), cfg).unwrap();
    std::fs::create_dir_all(tmp.path().join("tpl")).unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join("tpl").join(name), text).unwrap();
    }
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let t = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

const EMBEDDED_BRIEFING: &str = include_str!("../../templates/briefing.md");

#[test]
fn an_overridden_template_changes_every_format() {
    let changed = EMBEDDED_BRIEFING.replace(
        "## 存在问题",
        "## 存在问题\n\n本段为模板覆盖测试句，三种格式都应出现。",
    );
    assert_ne!(changed, EMBEDDED_BRIEFING);
    let tmp = data_with(&[("briefing.md", &changed)], "");
    let dir = build(
        &tmp.path().join("data"),
        "2026Q3",
        &tmp.path().join("out"),
        &["--format", "html,pdf,docx"],
    );
    let s = "本段为模板覆盖测试句，三种格式都应出现。";
    assert!(squash(&std::fs::read_to_string(dir.join("briefing.html")).unwrap()).contains(s));
    assert!(pdf_text(&dir.join("briefing.pdf")).contains(s));
    assert!(docx_text(&dir.join("briefing.docx")).contains(s));
    // only the briefing: the assessment keeps its embedded wording
    assert!(!pdf_text(&dir.join("assessment.pdf")).contains(s));
}

fn build_fails(tmp: &tempfile::TempDir) -> String {
    let o = bin()
        .args(["build", "--data"])
        .arg(tmp.path().join("data"))
        .args(["--quarter", "2026Q3", "--format", "html,pdf,docx", "--out"])
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!tmp.path().join("out/2026Q3").exists());
    err
}

#[test]
fn templates_cannot_read_the_environment() {
    let tpl =
        EMBEDDED_BRIEFING.replace("## 总体情况", "{{ get_env(name=\"HOME\") }}\n\n## 总体情况");
    let tmp = data_with(&[("briefing.md", &tpl)], "");
    let err = build_fails(&tmp);
    assert!(err.contains("get_env"), "{err}");
}

#[test]
fn recursive_templates_are_refused() {
    let tpl = format!(
        "{{% macro f(n) %}}{{{{ self::f(n=n) }}}}{{% endmacro f %}}\n{}",
        EMBEDDED_BRIEFING
    );
    let tmp = data_with(&[("briefing.md", &tpl)], "");
    let err = build_fails(&tmp);
    assert!(err.contains("递归") && err.contains("recurse"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn huge_loops_are_bounded() {
    let tpl = EMBEDDED_BRIEFING.replace(
        "## 总体情况",
        "{% for i in range(end=100000000) %}x{% endfor %}\n\n## 总体情况",
    );
    let tmp = data_with(&[("briefing.md", &tpl)], "");
    let err = build_fails(&tmp);
    assert!(err.contains("range()"), "{err}");
}

#[test]
fn a_misspelt_template_or_folder_is_an_error() {
    let tmp = data_with(&[("briefng.md", "# x")], "");
    let err = build_fails(&tmp);
    assert!(
        err.contains("briefng.md") && err.contains("briefing.md"),
        "{err}"
    );
    // an old override name says where the wording went
    let tmp = data_with(&[("briefing.html", "<p>x</p>")], "");
    let err = build_fails(&tmp);
    assert!(
        err.contains("briefing.html") && err.contains(".md"),
        "{err}"
    );
    // a folder that does not exist
    let tmp = data_with(&[], "");
    std::fs::remove_dir(tmp.path().join("tpl")).unwrap();
    let err = build_fails(&tmp);
    assert!(
        err.contains("templates_dir") && err.contains("找不到"),
        "{err}"
    );
}

/// A text value with control characters, through a template, reaches no
/// format raw (Word reports such a file as damaged).
#[test]
fn control_characters_reach_no_format() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(Path::new("sample_data"), &data);
    std::fs::write(
        data.join("2026Q3/briefing.toml"),
        "foreword = \"本季度\\u0001工作\\u001b[31m情况\\u0000。\"\nproblems = [\"问题\\u0007一。\"]\n",
    )
    .unwrap();
    let dir = build(
        &data,
        "2026Q3",
        &tmp.path().join("out"),
        &["--format", "html,pdf,docx"],
    );
    let html = std::fs::read_to_string(dir.join("briefing.html")).unwrap();
    let bad = |s: &str| s.chars().any(|c| c.is_control() && !"\n\r\t".contains(c));
    assert!(!bad(&html));
    assert!(html.contains("本季度工作[31m情况。"));
    let xml = crate::common::docx_xml(&dir.join("briefing.docx"));
    assert!(!bad(&xml));
    assert!(xml.contains("本季度工作[31m情况。"));
    assert!(pdf_text(&dir.join("briefing.pdf")).contains("问题一。"));
}

/// 20,000 overdue letters and a 50 MB case summary must not make
/// documents of hundreds of pages: lists and quoted texts are cut, with a
/// pointer to the data tables.
#[test]
fn long_lists_and_texts_are_capped() {
    use minebrief::report::doc::{Block, Table, ROW_LIMIT, TEXT_LIMIT};
    use minebrief::report::markup::{md_escape, parse};
    let long = "案".repeat(5_000_000);
    let src = format!("# T\n\n{}\n", md_escape(&long));
    let d = parse(&src, &serde_json::json!({})).unwrap();
    let Block::Para { text } = &d.body[0] else {
        panic!()
    };
    assert_eq!(text.chars().filter(|c| *c == '案').count(), TEXT_LIMIT);
    assert!(text.ends_with("（全文见数据表）"));
    let mut t = Table::new("表6", &["编号"], vec![]);
    t.rows = (0..20_000)
        .map(|i| vec![minebrief::report::doc::Cell::new(format!("函{i}"))])
        .collect();
    let ctx = serde_json::json!({ "t": t });
    let d = parse("# T\n\n```table t\n```\n", &ctx).unwrap();
    let Block::Table(t) = &d.body[0] else {
        panic!()
    };
    assert_eq!(t.rows.len(), ROW_LIMIT);
    assert_eq!(
        t.notes,
        vec![format!(
            "表中仅列前{ROW_LIMIT}行，共20000行（全部见数据表）。"
        )]
    );
}

#[test]
fn sample_build_stays_deterministic_with_models() {
    let tmp = tempfile::tempdir().unwrap();
    let a = build(
        Path::new("sample_data"),
        "2026Q3",
        &tmp.path().join("a"),
        &["--format", "html,docx"],
    );
    let b = build(
        Path::new("sample_data"),
        "2026Q3",
        &tmp.path().join("b"),
        &["--format", "html,docx"],
    );
    for f in ["briefing.html", "briefing.docx", "regions/瑞安市.docx"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let _ = ok;
}

/// Issue 17 item 26: a 文号 of 40 characters stays inside the text block
/// (it wraps), and a 40-character issuing office keeps at least 18 pt (it
/// wraps) instead of shrinking to about 1 pt.
#[test]
fn long_doc_number_and_office_stay_readable() {
    use minebrief::render::pdf::layout::{Block, Item, Layout, LEFT, MASTHEAD_MIN_PT, RED, TEXT_W};
    use minebrief::render::pdf::FontSet;
    let fonts = FontSet::shipped().unwrap();
    let office = "温州市打击非法采矿联合执法工作领导小组办公室".repeat(2);
    let number = format!(
        "{}〔2026〕123号",
        "温州市打击非法采矿联合执法工作领导小组办公室"
    );
    let mut layout = Layout::new(&fonts, "t.pdf");
    let width = |l: &mut Layout, s: &str, size: f32| {
        minebrief::render::typeset::linebreak::line_width(
            &l.glyphs(minebrief::render::pdf::Role::Body, s),
            size,
        )
    };
    assert!(
        width(&mut layout, &number, 16.0) > TEXT_W,
        "the test needs a long number"
    );
    let (pages, _) = layout.run(&[
        Block::Masthead(office.clone()),
        Block::DocNumber(number.clone()),
        Block::Title("标题".into()),
    ]);
    let mut office_runs = 0;
    let mut check = Layout::new(&fonts, "t.pdf");
    for it in &pages[0] {
        if let Item::Text {
            x,
            size,
            text,
            color,
            ..
        } = it
        {
            let w = width(&mut check, text, *size);
            assert!(
                *x >= LEFT - 0.01 && x + w <= LEFT + TEXT_W + 0.5,
                "{text} at {x} + {w}"
            );
            if *color == RED {
                office_runs += 1;
                assert!(*size >= MASTHEAD_MIN_PT, "{text}: {size} pt");
            }
        }
    }
    // GB/T 9704 (issue 18): the office is larger than the title, so a
    // 44-character name takes three balanced lines of 15 (at 29.5 pt).
    assert_eq!(office_runs, 3, "the office name wraps onto three lines");
}

/// A 文号 as wide as a body line (28 characters of 3号, §7.2.5: one line)
/// is drawn on one line, set a touch tighter as the body's full lines are
/// (16 pt glyphs on the 15.79 pt grid), ending at the right margin; one
/// character more wraps onto two balanced lines, which `build` warns about
/// (`BriefingText::long_number_warnings`).
#[test]
fn a_doc_number_of_28_characters_keeps_one_line() {
    use minebrief::render::pdf::layout::{Block, Item, Layout, LEFT, TEXT_W};
    use minebrief::render::pdf::FontSet;
    let fonts = FontSet::shipped().unwrap();
    let lines = |number: &str| -> Vec<(f32, f32, String)> {
        let layout = Layout::new(&fonts, "t.pdf");
        let (pages, _) =
            layout.run(&[Block::DocNumber(number.into()), Block::Title("标题".into())]);
        pages[0]
            .iter()
            .filter_map(|it| match it {
                // (not the title, nor the page number)
                Item::Text { x, tc, text, .. } if text != "标题" && !text.starts_with('—') => {
                    Some((*x, *tc, text.clone()))
                }
                _ => None,
            })
            .collect()
    };
    let fits = "温".repeat(28);
    let one = lines(&fits);
    assert_eq!(one.len(), 1, "{one:?}");
    let (x, tc, text) = &one[0];
    assert_eq!(text, &fits);
    assert!((x - LEFT).abs() < 0.01, "starts at the margin: {x}");
    // 28 glyphs of 16 pt with 27 gaps of `tc` fill the line exactly
    assert!(*tc < 0.0 && *tc >= -0.3, "{tc}");
    assert!((28.0 * 16.0 + 27.0 * tc - TEXT_W).abs() < 0.05, "{tc}");
    // a short one stays centred at its natural width
    let short = lines("温打非采办〔2026〕3号");
    assert_eq!(short.len(), 1);
    assert!(short[0].0 > LEFT + 100.0 && short[0].1 == 0.0, "{short:?}");
    // and 29 wrap
    let two = lines(&"温".repeat(29));
    assert_eq!(two.len(), 2, "{two:?}");
    assert_eq!(two.iter().map(|l| l.2.chars().count()).sum::<usize>(), 29);
}

/// Issue 17 item 25: a chart label with a character no font has is drawn
/// without it in the Word file's PNG (no ☒), and reported, as the PDF does.
#[test]
fn word_charts_leave_out_missing_characters_and_report_them() {
    use minebrief::render::chart::{BarChart, Chart};
    use minebrief::render::raster::ChartFont;
    use minebrief::report::doc::{Block, Document};
    let font = ChartFont::from_bytes(
        minebrief::render::typeset::fonts::sans().to_vec(),
        "Noto Sans SC (embedded)",
    )
    .unwrap();
    assert_eq!(font.missing("甲\u{E000}乙"), vec!['\u{E000}']);
    assert_eq!(
        font.measure("甲\u{E000}乙", 10.0),
        font.measure("甲乙", 10.0)
    );
    let chart =
        Chart::Bar(BarChart::new("图\u{E000}", ["甲\u{E000}".to_string()]).series("本季度", [3.0]));
    let doc = Document {
        title: "标题".into(),
        body: vec![Block::Chart {
            chart: Box::new(chart),
        }],
        ..Document::default()
    };
    let issued = chrono::NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
    let (bytes, missing) =
        minebrief::render::docx::draw(&doc, "t.docx", issued, Some(&font)).unwrap();
    assert!(!bytes.is_empty());
    assert!(!missing.is_empty());
    assert!(missing
        .iter()
        .all(|m| m.ch == '\u{E000}' && m.document == "t.docx"));
}

/// The 公文 elements the sample documents do not use yet (签发人, 主送机关,
/// a table's 单位 line, several attachments, 版记) reach every format from
/// one template.
#[test]
fn every_element_of_the_model_reaches_every_format() {
    use minebrief::render::{docx, html, pdf};
    use minebrief::report::doc::{Cell, Column, Table};
    use minebrief::report::markup::parse;
    let mut t = Table::new(
        "表1　测试",
        &["项目", "数量"],
        vec![Column::TEXT, Column::NUM],
    );
    t.rows.push(vec![Cell::new("甲项"), Cell::new("12")]);
    let ctx = serde_json::json!({ "t": t });
    let src = "---\noffice: 测试办公室\nnumber: 测〔2026〕1号\nsigner: 张三\nto: 各成员单位：\ndate: 2026-10-15\ncc: 市政府办公室、市公安局\nprinter: 测试办公室\nprinted: 2026-10-16\n---\n# 测试标题\n\n正文。\n\n```table t\nunit: 单位：起\nnote: 注：测试注释。\n```\n\n# 附件一\n\n内容一。\n\n# 附件二\n\n内容二。\n";
    let d = parse(src, &ctx).unwrap();
    let want = [
        "测〔2026〕1号",
        "签发人：张三",
        "测试标题",
        "各成员单位：",
        "表1　测试",
        "单位：起",
        "甲项",
        "注：测试注释。",
        "附件：1. 附件一",
        "2. 附件二",
        "2026年10月15日",
        "附件1",
        "内容一。",
        "附件2",
        "内容二。",
        "抄送：市政府办公室，市公安局。",
        "2026年10月16日印发",
    ];
    let check = |format: &str, text: &str| {
        let text = squash(text);
        let mut at = 0;
        for w in want {
            let w = squash(w);
            match text[at..].find(&w) {
                Some(i) => at += i + w.len(),
                None => panic!("{format}: “{w}” missing or out of order in {text}"),
            }
        }
    };
    check("html", &unescape(&html::draw(&d)));
    let tmp = tempfile::tempdir().unwrap();
    let r = pdf::PdfRenderer::new(&Default::default()).unwrap();
    let out = r.render(&pdf::docs::draw(&d), "t.pdf").unwrap();
    std::fs::write(tmp.path().join("t.pdf"), &out.bytes).unwrap();
    check("pdf", &pdf_text(&tmp.path().join("t.pdf")));
    let issued = chrono::NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
    let (bytes, _) = docx::draw(&d, "t.docx", issued, None).unwrap();
    std::fs::write(tmp.path().join("t.docx"), bytes).unwrap();
    check("docx", &docx_text(&tmp.path().join("t.docx")));
}

/// The pipeline is a library function (issue 15): a front end other than
/// the command line builds a quarter with a `Plan`, and gets the same
/// summary.json as `minebrief build`.
#[test]
fn the_pipeline_runs_as_a_library_function() {
    use minebrief::pipeline::{build, Format, Plan, Quiet};
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let t = tempfile::tempdir().unwrap();
    let plan = Plan {
        data: data.clone(),
        quarter: minebrief::quarter::Quarter::parse("2026Q3").unwrap(),
        out: t.path().join("lib"),
        scope: None,
        formats: vec![Format::Html],
        config: None,
        issue_date: Some("2026-10-15".into()),
    };
    let out = build(&plan, &Quiet).unwrap();
    assert_eq!(out.dest, t.path().join("lib/2026Q3"));
    assert!(out.rejected > 0);
    // the briefing has no 文号 in the sample: the warning comes back, not printed
    assert!(
        out.warnings.iter().any(|w| w.contains("发文字号")),
        "{:?}",
        out.warnings
    );
    let cli = crate::common::build(
        &data,
        "2026Q3",
        &t.path().join("cli"),
        &["--format", "html", "--issue-date", "2026-10-15"],
    );
    assert_eq!(
        std::fs::read(out.dest.join("summary.json")).unwrap(),
        std::fs::read(cli.join("summary.json")).unwrap()
    );
    assert_eq!(
        std::fs::read_dir(&out.dest).unwrap().count(),
        std::fs::read_dir(&cli).unwrap().count()
    );
}
