//! Data that must not do harm: markup in every text field that reaches the
//! HTML (data values and configured names) is escaped; every cell of every
//! CSV we write is formula-safe; names with `../` and `/` never make a path
//! leave OUT; personal data is masked in every output.

use std::path::{Path, PathBuf};

use crate::common;

/// Payloads: each must never appear raw in any HTML output.
const XSS: &[&str] = &[
    "<script>alert('case')</script>",
    "<img src=x onerror=alert('town')>",
    "<svg onload=alert('site')>",
    "<iframe src=javascript:alert('summary')>",
    "<script>alert('unit')</script>",
    "<script>alert('region')</script>",
    "<b onmouseover=alert('party')>",
];

const CONFIG: &str = r#"
[organisation]
office = "<script>alert('org')</script>联合执法组"

[[units]]
name = "<script>alert('unit')</script>"
full_name = "../../unit/full"
aliases = ["公安", "公安局"]

[[units]]
name = "../../../tmp/unit"
full_name = "=HYPERLINK(\"http://evil\")"
aliases = ["自然资源", "自然资源局"]

[[units]]
name = "=1+1"
aliases = ["水利", "水利局"]

[[regions]]
name = "../../evil<script>alert('region')</script>"
aliases = ["鹿城区", "鹿城"]

[[regions]]
name = "/etc/passwd"
aliases = ["瑞安市", "瑞安"]

[[regions]]
name = "@SUM(1+1)"
aliases = ["乐清市"]
"#;

const HEADER: &str = "案件编号,填报单位,县市区,乡镇街道,点位名称,发现日期,线索来源,违法类型,立案日期,结案日期,罚款金额(元),是否取缔关闭,当事人,当事人证件号,简要案情";

fn rows() -> Vec<String> {
    let town = "\"<img src=x onerror=alert('town')>../../..\"";
    let site = "\"../../../tmp/pwn<svg onload=alert('site')>\"";
    vec![
        HEADER.to_string(),
        format!("\"=1+2<script>alert('case')</script>\",公安,鹿城区,{town},{site},2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,500000,是,\"<b onmouseover=alert('party')>张三丰\",330381198505051234,\"<iframe src=javascript:alert('summary')>\""),
        format!("-H2,公安,鹿城区,{town},{site},2026-08-15,巡查发现,无证开采,2026-08-16,,0,否,李四光,330302199001011234,\"=HYPERLINK(\"\"http://evil\"\")\""),
        format!("@H3,自然资源,瑞安市,/abs/town,/etc/shadow,2026-07-05,巡查发现,无证开采,2026-07-06,2026-07-20,+100,是,王五六,33030219900101567X,+cmd"),
        format!("H4,水利,乐清市,+town,=site,2026-07-09,巡查发现,无证开采,,,0,否,赵六七,330302199001019999,@x"),
        // rejected rows with hostile and personal values
        format!("H5,公安,=火星区,t,s,2026-07-01,巡查发现,无证开采,,,0,否,孙八九,330302199001018888,x"),
        format!("H6,公安,鹿城区,t,s,=2026-07-01,巡查发现,无证开采,,,0,否,钱十一,330302199001017777,x"),
        format!("H7,公安,鹿城区,t,s,2026-07-01,巡查发现,无证开采,,,0,<script>alert('case')</script>,周十二,330302199001016666,x"),
    ]
}

const PERSONAL: &[&str] = &[
    "张三丰",
    "李四光",
    "王五六",
    "赵六七",
    "孙八九",
    "钱十一",
    "周十二",
    "330381198505051234",
    "330302199001011234",
    "33030219900101567X",
    "330302199001019999",
    "330302199001018888",
    "330302199001017777",
    "330302199001016666",
];

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let q = data.join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(data.join("minebrief.toml"), CONFIG).unwrap();
    std::fs::write(q.join("cases.csv"), rows().join("\r\n") + "\r\n").unwrap();
    let out = root.path().join("out");
    (root, data, out)
}

fn build(data: &Path, out: &Path, extra: &[&str]) {
    common::build(data, "2026Q3", out, extra);
}

fn check_outputs(root: &Path, out: &Path) {
    // Nothing outside OUT: the temp root holds only data/ and out/.
    let mut top: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(top, ["data", "out"]);
    assert!(!Path::new("/tmp/pwn").exists() && !Path::new("/tmp/unit").exists());
    let all = files(out);
    assert!(!all.is_empty());
    for p in &all {
        // Every output file is inside an output folder, at most two levels deep.
        let rel = p.strip_prefix(out).unwrap();
        assert!(rel.components().count() <= 3, "{}", rel.display());
        let bytes = std::fs::read(p).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for pd in PERSONAL {
            assert!(!text.contains(pd), "{pd} in {}", rel.display());
        }
        let ext = p
            .extension()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if ext == "html" {
            for x in XSS {
                assert!(!text.contains(x), "{x} raw in {}", rel.display());
            }
            assert!(!text.contains("<script>alert"), "{}", rel.display());
            assert!(
                !text.contains("onerror=alert") || text.contains("&lt;img"),
                "{}",
                rel.display()
            );
        }
        if ext == "csv" {
            assert!(
                bytes.starts_with(b"\xEF\xBB\xBF"),
                "{} has no BOM",
                rel.display()
            );
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(&bytes[3..]);
            for rec in r.records() {
                for cell in rec.unwrap().iter() {
                    let Some(c) = cell.chars().next() else {
                        continue;
                    };
                    if matches!(c, '=' | '+' | '@') || (c == '-' && cell.parse::<f64>().is_err()) {
                        panic!("formula cell {cell:?} in {}", rel.display());
                    }
                }
            }
        }
        if ext == "json" {
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap();
        }
    }
}

#[test]
fn hostile_names_and_values_do_no_harm() {
    let (root, data, out) = setup();
    build(&data, &out, &[]);
    let dir = out.join("2026Q3");
    // The region named ../../evil… gets a local report inside regions/.
    let regions: Vec<_> = std::fs::read_dir(dir.join("regions")).unwrap().collect();
    assert_eq!(regions.len(), 3, "{regions:?}");
    let rejects = std::fs::read_to_string(dir.join("rejects.csv")).unwrap();
    assert!(
        rejects.contains("'=火星区") && rejects.contains("'=2026-07-01"),
        "{rejects}"
    );
    // Scoped run for the region named with ../ and /: its folder stays in OUT.
    build(&data, &out, &["--scope", "鹿城区"]);
    build(&data, &out, &["--scope", "瑞安市"]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    for n in &names {
        assert!(!n.starts_with('.') && !n.contains('/'), "{n}");
    }
    check_outputs(root.path(), &out);
}
