//! The HTML documents: key figures and sentences for a fixture whose
//! numbers are counted by hand in tests/analysis.rs; hostile text escaped
//! in HTML and neutralised in CSV; personal data masked; a real browser
//! loads the briefing.

use std::path::{Path, PathBuf};

use crate::common;
use common::{build, read};
use std::process::Command;

fn analysis_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis")
}

#[test]
fn briefing_states_the_hand_counted_figures() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&analysis_fixture(), "2024Q3", out.path(), &[]);
    let b = read(&dir.join("briefing.html"));
    // 2024Q3: found 12 (2024Q2: 4, 2023Q3: 3), filed 4 (3, 2), closed 4 (2, 1) — see tests/analysis.rs
    assert!(
        b.contains("2024年第三季度，温州市共发现非法采矿行为12起，同比由3起增至12起，环比由4起增至12起；立案4起，同比由2起增至4起；结案4起，同比由1起增至4起。"),
        "{b}"
    );
    assert!(b.contains("关于2024年第三季度温州市打击非法采矿工作情况的通报"));
    assert!(b.contains("温州市打击非法采矿联合执法工作领导小组办公室"));
    assert!(b.contains("2024年10月15日"));
    // 1—9月 year to date
    assert!(
        b.contains("1—9月累计发现非法采矿行为20起，立案10起，结案7起"),
        "{b}"
    );
    // the sections of a briefing, in order
    let pos: Vec<usize> = [
        "一、总体情况",
        "二、各地情况",
        "三、部门履职情况",
        "四、跟踪监管情况",
        "五、存在问题",
        "六、下步工作",
    ]
    .iter()
    .map(|h| b.find(h).unwrap_or_else(|| panic!("{h} missing")))
    .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]));
    // charts are inline SVG, nothing is fetched from outside
    assert!(b.contains("<svg"));
    assert!(!b.contains("<script"));
    // no external requests: the only URL is the SVG namespace (an identifier, never fetched)
    let urls = b.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!urls.contains("http://") && !urls.contains("https://"));
    assert!(!b.contains("<link") && !b.contains("@import") && !b.contains("src=\""));

    let a = read(&dir.join("assessment.html"));
    assert!(a.contains("三、约谈名单"));
    assert!(a.contains("评分说明"));
    // tera escapes `/` in attributes as &#x2F; (valid HTML)
    let idx = read(&dir.join("index.html")).replace("&#x2F;", "/");
    for link in [
        "briefing.html",
        "assessment.html",
        "rejects.csv",
        "regions/瑞安市.html",
        "tables/scores_units.csv",
    ] {
        assert!(
            idx.contains(&format!("href=\"{link}\"")),
            "index lacks {link}"
        );
    }
    for r in ["鹿城区", "瑞安市", "泰顺县"] {
        assert!(dir.join("regions").join(format!("{r}.html")).is_file());
    }
}

const HEADER: &str = "案件编号,填报单位,县市区,乡镇街道,点位名称,发现日期,线索来源,违法类型,立案日期,结案日期,罚款金额(元),是否取缔关闭,当事人,当事人证件号,简要案情";

#[test]
fn hostile_text_is_escaped_and_personal_data_masked() {
    let data = tempfile::tempdir().unwrap();
    let q = data.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    let rows = [
        HEADER,
        // closed with the largest fine: the typical case; a closed site named like a formula
        "H-1,公安,瑞安市,塘下镇,\"=cmd|' /C calc'!A0\",2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,500000,是,张三丰,330381198505051234,<script>alert(1)</script>案情",
        // the same site again later: a recurrence whose site lands in tables/recurrences.csv
        "H-2,公安,瑞安市,塘下镇,\"=cmd|' /C calc'!A0\",2026-08-15,巡查发现,无证开采,,,0,否,李四,,<b>粗体</b>",
    ];
    std::fs::write(q.join("cases.csv"), rows.join("\n") + "\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = build(data.path(), "2026Q3", out.path(), &[]);
    let b = read(&dir.join("briefing.html"));
    assert!(!b.contains("<script>alert(1)</script>"));
    assert!(
        b.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;案情"),
        "{b}"
    );
    // Persons as published text writes them (张某); an ID number never in
    // prose, masked or not.
    assert!(!b.contains("张三丰") && !b.contains("张**") && b.contains("对张某处罚款"));
    assert!(!b.contains("330381198505051234") && !b.contains("3303**********1234"));
    let r = read(&dir.join("regions/瑞安市.html"));
    assert!(!r.contains("<script>alert"));
    assert!(!r.contains("张三丰"));
    // CSV tables: the site copied from input is neutralised
    let rec = read(&dir.join("tables/recurrences.csv"));
    assert!(rec.contains("'=cmd|' /C calc'!A0"), "{rec}");
    assert!(!rec.contains(",=cmd"), "{rec}");
    // summary.json holds no personal data
    let s = read(&dir.join("summary.json"));
    assert!(!s.contains("张三丰") && !s.contains("330381198505051234"));
}

#[test]
fn templates_can_be_overridden_one_by_one() {
    let data = tempfile::tempdir().unwrap();
    let q = data.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(
        q.join("cases.csv"),
        format!("{HEADER}\nT-1,公安,鹿城区,,,2026-07-01,巡查发现,无证开采,,,,否,,,\n"),
    )
    .unwrap();
    let tpl = data.path().join("tpl");
    std::fs::create_dir_all(&tpl).unwrap();
    std::fs::write(
        tpl.join("index.html"),
        "<p>自定义目录 {{ masthead.quarter }}</p>",
    )
    .unwrap();
    std::fs::write(
        data.path().join("minebrief.toml"),
        "[output]\ntemplates_dir = \"tpl\"\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = build(data.path(), "2026Q3", out.path(), &[]);
    assert_eq!(
        read(&dir.join("index.html")),
        "<p>自定义目录 2026年第三季度</p>"
    );
    // the others keep the embedded templates
    assert!(read(&dir.join("briefing.html")).contains("一、总体情况"));
}

/// Loads briefing.html in headless Chromium: the page renders (DOM dumped
/// with its title, no console errors) and the screenshot is not blank.
#[test]
fn briefing_loads_in_a_real_browser() {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(chromium) = chromium else {
        // On CI a missing browser is a failure, not a silent pass: .ci/run
        // installs it, and says so loudly (MINEBRIEF_NO_BROWSER=1) when the
        // machine cannot.
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        let excused = std::env::var_os("MINEBRIEF_NO_BROWSER").is_some();
        assert!(
            !ci || excused,
            "no Chromium on this CI machine (apt-get install chromium): the browser test cannot run"
        );
        eprintln!(
            "SKIPPED: no Chromium on this machine (apt-get install chromium); .ci/run installs it"
        );
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let dir = build(&analysis_fixture(), "2024Q3", out.path(), &[]);
    let page = dir.join("briefing.html");
    let profile = tempfile::tempdir().unwrap();
    let flags = |extra: &[String]| {
        let mut c = Command::new(chromium);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()));
        c
    };
    let dom = flags(&["--dump-dom".into()]).output().unwrap();
    let html = String::from_utf8_lossy(&dom.stdout);
    assert!(
        html.contains("关于2024年第三季度温州市打击非法采矿工作情况的通报"),
        "DOM: {html}"
    );
    let log = String::from_utf8_lossy(&dom.stderr);
    for line in log.lines() {
        assert!(
            !(line.contains("CONSOLE") && (line.contains("Error") || line.contains("Uncaught"))),
            "console error: {line}"
        );
    }
    let png = out.path().join("briefing.png");
    let shot = flags(&[
        format!("--screenshot={}", png.display()),
        "--window-size=900,1400".into(),
    ])
    .output()
    .unwrap();
    assert!(
        png.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    // A blank page compresses to a few KB; text, tables and charts do not.
    assert!(
        bytes.len() > 40_000,
        "screenshot looks blank: {} bytes",
        bytes.len()
    );
}
