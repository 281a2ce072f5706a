//! Word and Excel outputs, opened again with reader crates: the docx parts
//! (zip + document.xml / styles.xml) and the workbook (calamine).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::common::zip_part;

fn build(data: &Path, quarter: &str, out: &Path, formats: &str) -> PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_minebrief"))
        .args(["build", "--data"])
        .arg(data)
        .args(["--quarter", quarter, "--out"])
        .arg(out)
        .args(["--format", formats])
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

fn names(docx: &Path) -> Vec<String> {
    let f = std::fs::File::open(docx).unwrap();
    let z = zip::ZipArchive::new(f).unwrap();
    z.file_names().map(|s| s.to_string()).collect()
}

#[test]
fn briefing_docx_has_official_layout_and_figures() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&fixture(), "2024Q3", out.path(), "docx");
    let p = dir.join("briefing.docx");
    let doc = zip_part(&p, "word/document.xml");
    // key figures and headings (hand-counted in tests/analysis.rs)
    assert!(
        doc.contains(
            "2024年第三季度，温州市共发现非法采矿行为12起，同比由3起增至12起，环比由4起增至12起"
        ),
        "{doc}"
    );
    // the title, broken by hand into two balanced lines
    let text: String = {
        let mut t = String::new();
        let mut in_tag = false;
        for c in doc.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => t.push(c),
                _ => {}
            }
        }
        t
    };
    assert!(text.contains("关于2024年第三季度温州市打击非法采矿工作情况的通报"));
    let title_at = doc.find(r#"<w:pStyle w:val="Title" />"#).unwrap();
    let title_end = title_at + doc[title_at..].find("</w:p>").unwrap();
    assert_eq!(doc[title_at..title_end].matches("<w:br ").count(), 1);
    assert!(doc.contains("温州市打击非法采矿联合执法工作领导小组办公室"));
    assert!(doc.contains("2024年10月15日"));
    let pos: Vec<usize> = [
        "一、总体情况",
        "二、各地情况",
        "三、部门履职情况",
        "四、跟踪监管情况",
        "五、存在问题",
        "六、下步工作",
    ]
    .iter()
    .map(|h| doc.find(h).unwrap_or_else(|| panic!("{h} missing")))
    .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]));
    // styles applied
    assert!(doc.contains(r#"<w:pStyle w:val="Title" />"#));
    assert!(doc.contains(r#"<w:pStyle w:val="Heading1" />"#));
    assert!(doc.contains(r#"<w:pStyle w:val="Masthead" />"#));
    // the red rule under the issuing office
    assert!(doc.contains(r#"w:color="C00000""#), "red rule");
    // A4 and the GB/T 9704 margins (twips): top 37 mm, bottom 35, left 28, right 26
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    for m in [
        r#"w:top="2098""#,
        r#"w:bottom="1984""#,
        r#"w:left="1587""#,
        r#"w:right="1474""#,
    ] {
        assert!(doc.contains(m), "{m}");
    }
    // real tables with a repeating header row, numbers right-aligned
    assert!(doc.contains("<w:tbl>"));
    assert_eq!(
        doc.matches("<w:tbl>").count(),
        doc.matches("<w:tblHeader />").count()
    );
    assert!(doc.contains(r#"<w:jc w:val="right" />"#));
    // even and odd footers
    assert!(doc.contains(r#"w:type="even""#) && doc.contains(r#"w:type="default""#));
    let settings = zip_part(&p, "word/settings.xml");
    assert!(settings.contains("evenAndOddHeaders"));
    let footers: Vec<String> = names(&p)
        .into_iter()
        .filter(|n| n.starts_with("word/footer"))
        .collect();
    assert_eq!(footers.len(), 2);
    for f in &footers {
        let x = zip_part(&p, f);
        assert!(
            x.contains("— ") && x.contains(" —") && x.contains("PAGE"),
            "{x}"
        );
        assert!(x.contains(r#"w:val="PageNumber""#));
    }

    let styles = zip_part(&p, "word/styles.xml");
    for (id, font, size) in [
        ("Normal", "仿宋_GB2312", "32"),
        ("Title", "方正小标宋简体", "44"),
        ("Heading1", "黑体", "32"),
        ("Heading2", "楷体_GB2312", "32"),
        ("PageNumber", "宋体", "28"),
    ] {
        assert_eq!(
            styles.matches(&format!(r#"w:styleId="{id}""#)).count(),
            1,
            "one {id} style"
        );
        let start = styles
            .find(&format!(r#"w:styleId="{id}""#))
            .unwrap_or_else(|| panic!("style {id}"));
        let end = start + styles[start..].find("</w:style>").unwrap();
        let s = &styles[start..end];
        assert!(s.contains(&format!(r#"w:eastAsia="{font}""#)), "{id}: {s}");
        assert!(
            s.contains(&format!(r#"<w:sz w:val="{size}" />"#)),
            "{id}: {s}"
        );
    }
    assert!(styles.contains(r#"<w:name w:val="heading 1" />"#));
    // body: exact 28.95 pt line spacing, first line indented two characters (32 pt)
    let start = styles.find(r#"w:styleId="Normal""#).unwrap();
    let normal = &styles[start..start + styles[start..].find("</w:style>").unwrap()];
    assert!(
        normal.contains(r#"w:line="579""#) && normal.contains(r#"w:lineRule="exact""#),
        "{normal}"
    );
    assert!(normal.contains(r#"w:firstLine="640""#), "{normal}");
    // 28 characters a line (GB/T 9704 §5.2.2): the body's characters are
    // set closer by `w:spacing` (twentieths of a point) so that 28 of them
    // fit the text block the page's margins leave, and 29 do not; at their
    // own 16 pt only 27 did. The title and tables keep their own spacing.
    let tracking = |style: &str| -> f64 {
        let at = styles.find(style).unwrap();
        let s = &styles[at..at + styles[at..].find("</w:style>").unwrap()];
        let v = s
            .split(r#"<w:spacing w:val=""#)
            .nth(1)
            .unwrap_or_else(|| panic!("{s}"));
        v[..v.find('"').unwrap()].parse::<f64>().unwrap() / 20.0
    };
    let doc = zip_part(&p, "word/document.xml");
    let twips = |tag: &str, attr: &str| -> f64 {
        let t = &doc[doc.find(tag).unwrap()..];
        let v = t.split(&format!(r#"{attr}=""#)).nth(1).unwrap();
        v[..v.find('"').unwrap()].parse::<f64>().unwrap() / 20.0
    };
    let line = twips("<w:pgSz", "w:w") - twips("<w:pgMar", "w:left") - twips("<w:pgMar", "w:right");
    assert!((line - 442.25).abs() < 0.01, "156 mm: {line} pt");
    let pitch = 16.0 + tracking(r#"w:styleId="Normal""#);
    assert!(
        28.0 * pitch <= line && 29.0 * pitch > line,
        "pitch {pitch} pt"
    );
    assert!(28.0 * 16.0 > line, "at 16 pt 28 characters would not fit");
    // a first line: two characters' indent and 26 characters
    assert!(32.0 + 26.0 * pitch <= line);
    for own in [r#"w:styleId="Title""#, r#"w:styleId="TableText""#] {
        assert_eq!(tracking(own), 0.0, "{own}");
    }

    // the docProps carry the issue date, not the wall clock
    let core = zip_part(&p, "docProps/core.xml");
    assert!(core.contains("2024-10-15T00:00:00Z"), "{core}");

    // the assessment and one document per region
    let a = zip_part(&dir.join("assessment.docx"), "word/document.xml");
    assert!(a.contains("三、约谈名单") && a.contains("表1　成员单位考核得分"));
    let regions: Vec<_> = std::fs::read_dir(dir.join("regions"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "docx"))
        .collect();
    assert!(!regions.is_empty());
}

#[test]
fn workbook_has_every_table_with_formats() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&fixture(), "2024Q3", out.path(), "xlsx");
    let p = dir.join("tables.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&p).unwrap();
    let sheets = wb.sheet_names().to_vec();
    for s in [
        "总体情况",
        "分单位",
        "分县市区",
        "分违法类型",
        "成员单位考核得分",
        "县市区考核得分",
        "被拒行",
    ] {
        assert!(sheets.iter().any(|x| x == s), "{s} in {sheets:?}");
    }
    assert!(sheets.iter().all(|s| s.chars().count() <= 31));
    let mut uniq = sheets.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), sheets.len());
    // one sheet per CSV table, plus rejects
    let csvs = std::fs::read_dir(dir.join("tables")).unwrap().count();
    assert_eq!(sheets.len(), csvs + 1);

    let r = wb.worksheet_range("总体情况").unwrap();
    let head: Vec<String> = r
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        head,
        [
            "指标",
            "本季度",
            "上季度",
            "环比(%)",
            "去年同期",
            "同比(%)",
            "年初至今"
        ]
    );
    let found = r
        .rows()
        .find(|row| row[0] == Data::String("发现".into()))
        .unwrap();
    assert_eq!(found[1], Data::Float(12.0));
    assert_eq!(found[2], Data::Float(4.0));
    // 环比 +200.0 % is stored as the fraction 2.0
    assert_eq!(found[3], Data::Float(2.0));
    assert_eq!(found[4], Data::Float(3.0));
    assert_eq!(found[6], Data::Float(20.0));

    // number formats and frozen header rows
    let f = std::fs::File::open(&p).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut styles = String::new();
    z.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains(r##"formatCode="#,##0.00""##), "{styles}");
    assert!(styles.contains(r#"formatCode="0.0%""#));
    let mut sheet1 = String::new();
    z.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet1)
        .unwrap();
    assert!(sheet1.contains(r#"state="frozen""#) && sheet1.contains(r#"topLeftCell="A2""#));
    assert!(sheet1.contains("<cols>"));
    let mut core = String::new();
    z.by_name("docProps/core.xml")
        .unwrap()
        .read_to_string(&mut core)
        .unwrap();
    assert!(core.contains("2024-10-15"), "{core}");
}

#[test]
fn office_files_are_byte_identical_across_runs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let da = build(&fixture(), "2024Q3", a.path(), "docx,xlsx");
    let db = build(&fixture(), "2024Q3", b.path(), "docx,xlsx");
    for f in ["briefing.docx", "assessment.docx", "tables.xlsx"] {
        let x = std::fs::read(da.join(f)).unwrap();
        let y = std::fs::read(db.join(f)).unwrap();
        assert!(x == y, "{f} differs between runs");
    }
}

#[test]
fn csv_tables_are_unchanged_by_the_xlsx_writer() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let da = build(&fixture(), "2024Q3", a.path(), "html");
    let db = build(&fixture(), "2024Q3", b.path(), "xlsx");
    for e in std::fs::read_dir(da.join("tables")).unwrap() {
        let e = e.unwrap();
        let x = std::fs::read(e.path()).unwrap();
        let y = std::fs::read(db.join("tables").join(e.file_name())).unwrap();
        assert_eq!(x, y);
    }
    assert!(!da.join("tables.xlsx").exists());
}
