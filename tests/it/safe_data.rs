//! Issue 17 (data, parsing, privacy and scoring items) and issue 18 §1:
//! regressions through the real binary. Each test names its item.

use std::path::Path;

use crate::common::{bin, build, ok, read, tree};

const HEADER: &str = "案件编号,填报单位,县市区,乡镇街道,点位名称,发现日期,线索来源,违法类型,立案日期,结案日期,罚款金额(元),当事人,当事人证件号,简要案情";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn rejects(out: &Path) -> String {
    read(&out.join("rejects.csv"))
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&out.join("summary.json"))).unwrap()
}

/// Item 5: free text reaching a document or a CSV is scrubbed of ID
/// numbers, phone numbers and the case's own 当事人; rejects.csv masks ID
/// and phone numbers in any field.
#[test]
fn item05_free_text_is_scrubbed_of_personal_data() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "2026Q3/公安.csv",
        &format!(
            "{HEADER}\n\
             A1,公安,鹿城区,五马街道,张三砂场(电话13812345678),2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,50000,张三,330302199001011234,张三（身份证330302199001011234，手机13812345678，座机0577-88889999）在江边采砂\n\
             A2,公安,330302199001015678,五马街道,某点,2026-07-01,巡查发现,无证开采,,,0,,,\n\
             A3,公安,13987654321,五马街道,某点,2026-07-01,巡查发现,无证开采,,,0,,,\n"
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let q = build(d.path(), "2026Q3", out.path(), &["--format", "html,docx"]);
    let files = tree(&q);
    let mut scanned = 0;
    for (name, bytes) in &files {
        if !(name.ends_with(".html")
            || name.ends_with(".csv")
            || name.ends_with(".json")
            || name.ends_with(".docx"))
        {
            continue;
        }
        let text = if name.ends_with(".docx") {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut s = String::new();
            std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut s)
                .unwrap();
            s
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        };
        for secret in [
            "330302199001011234",
            "330302199001015678",
            "13812345678",
            "13987654321",
            "88889999",
            "张三",
        ] {
            assert!(!text.contains(secret), "{secret} in {name}");
        }
        scanned += 1;
    }
    assert!(scanned >= 5, "{:?}", files.keys());
    let brief = read(&q.join("briefing.html"));
    // The typical case as published: 张某, and no ID number (not even
    // masked) in prose (issue 18 §8).
    assert!(
        brief.contains("张某（手机138****5678，座机0577-****9999）在江边采砂"),
        "{brief}"
    );
    assert!(
        !brief.contains("身份证") && !brief.contains("张*"),
        "{brief}"
    );
    let rj = rejects(&q);
    assert!(rj.contains("3303**********5678"), "{rj}");
    // a mobile number typed into a field is masked like an ID number
    assert!(rj.contains("139****4321"), "{rj}");
}

/// Item 5, the words a person types: an ID or phone number written into
/// briefing.toml (the foreword, a typed typical case, a region's problems)
/// is masked in every output as any free text is.
#[test]
fn item05_typed_words_are_scrubbed_too() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "2026Q3/公安.csv",
        &format!("{HEADER}\nA1,公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,50000,,,\n"),
    );
    write(
        d.path(),
        "2026Q3/briefing.toml",
        "foreword = \"经查，当事人（身份证330302199001011234）已到案。\"\n\
         [[typical_cases]]\n\
         title = \"鹿城区江边采砂案\"\n\
         text = \"当事人手机13812345678，已罚款5万元。\"\n\
         [regions.\"鹿城区\"]\n\
         problems = [\"举报人电话13987654321未回访。\"]\n",
    );
    let out = tempfile::tempdir().unwrap();
    let q = build(d.path(), "2026Q3", out.path(), &["--format", "html,docx"]);
    let mut scanned = 0;
    for (name, bytes) in &tree(&q) {
        let text = if name.ends_with(".docx") {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut s = String::new();
            std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut s)
                .unwrap();
            s
        } else if name.ends_with(".html") || name.ends_with(".json") || name.ends_with(".csv") {
            String::from_utf8_lossy(bytes).into_owned()
        } else {
            continue;
        };
        for secret in ["330302199001011234", "13812345678", "13987654321"] {
            assert!(!text.contains(secret), "{secret} in {name}");
        }
        scanned += 1;
    }
    assert!(scanned >= 5);
    // the words themselves are kept, the numbers masked
    let brief = read(&q.join("briefing.html"));
    assert!(
        brief.contains("经查，当事人（身份证3303**********1234）已到案。"),
        "{brief}"
    );
    assert!(
        brief.contains("当事人手机138****5678，已罚款5万元。"),
        "{brief}"
    );
    let region = read(&q.join("regions/鹿城区.html"));
    assert!(region.contains("举报人电话139****4321未回访。"), "{region}");
}

/// Item 5, `privacy.mask_personal = false`: free text is kept as written.
#[test]
fn item05_masking_off_keeps_free_text() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "2026Q3/公安.csv",
        &format!(
            "{HEADER}\nA1,公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,50000,张三,330302199001011234,手机13812345678\n"
        ),
    );
    write(
        d.path(),
        "minebrief.toml",
        "[privacy]\nmask_personal = false\n",
    );
    let out = tempfile::tempdir().unwrap();
    let q = build(d.path(), "2026Q3", out.path(), &[]);
    assert!(read(&q.join("briefing.html")).contains("手机13812345678"));
}

/// `minebrief validate`'s rejects for a data folder, read back from
/// `build` (rejects.csv) with summary.json.
fn build_quiet(data: &Path) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let out = tempfile::tempdir().unwrap();
    let o = ok(bin()
        .args(["build", "--data"])
        .arg(data)
        .args(["--quarter", "2026Q3", "--format", "none", "--out"])
        .arg(out.path()));
    let q = out.path().join("2026Q3");
    (out, q, String::from_utf8_lossy(&o.stderr).into_owned())
}

fn file_counts(s: &serde_json::Value, path: &str) -> (u64, u64, u64, u64) {
    let f = s["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in inputs"));
    let n = |k: &str| f[k].as_u64().unwrap();
    (n("rows_read"), n("accepted"), n("rejected"), n("skipped"))
}

/// Item 8: 100,000 fines of 1e12 each overflowed the sum (罚款-8446744073709.56万元).
/// A cell is now at most 100亿 (1e10) and the message says so; accepted
/// amounts sum exactly.
#[test]
fn item08_money_has_a_sane_maximum_and_never_overflows() {
    let d = tempfile::tempdir().unwrap();
    let mut text = String::from(HEADER);
    text.push('\n');
    for i in 0..100_000 {
        text.push_str(&format!(
            "B{i},公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,1e12,,,\n"
        ));
    }
    for i in 0..10 {
        text.push_str(&format!(
            "C{i},公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,10000000000,,,\n"
        ));
    }
    write(d.path(), "2026Q3/公安.csv", &text);
    let (_o, q, _) = build_quiet(d.path());
    let s = summary(&q);
    assert_eq!(s["totals"]["fine_yuan"].as_f64(), Some(1e11));
    assert_eq!(
        file_counts(&s, "2026Q3/公安.csv"),
        (100_010, 10, 100_000, 0)
    );
    let rj = rejects(&q);
    assert!(rj.contains("过大（每格上限 100亿）"), "{}", &rj[..500]);
}

/// Item 11: a missing meetings.csv is 无数据 — not full marks: left out,
/// the other indicators scaled to the full weight, null rate and points,
/// a reason, and a warning on stderr.
#[test]
fn item11_missing_optional_file_is_no_data_not_full_marks() {
    let d = tempfile::tempdir().unwrap();
    // 公安: two cases filed within 7 days (25), none closed (20), both
    // found on patrol (20); one letter received, answered late (0 of 20).
    write(
        d.path(),
        "2026Q3/公安.csv",
        &format!(
            "{HEADER}\nA1,公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,,0,,,\nA2,公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,,0,,,\n"
        ),
    );
    write(
        d.path(),
        "2026Q3/referrals.csv",
        "函告编号,发函单位,收函单位,发函日期,回复日期\nR1,自然资源,公安,2026-07-01,2026-07-20\n",
    );
    let (_o, q, stderr) = build_quiet(d.path());
    let s = summary(&q);
    let ga = s["assessment"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "公安")
        .unwrap()
        .clone();
    let meet = ga["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "meeting_attendance")
        .unwrap()
        .clone();
    assert_eq!(meet["no_data"], true);
    assert!(meet["rate"].is_null() && meet["points"].is_null(), "{meet}");
    assert!(
        meet["reason"].as_str().unwrap().contains("meetings.csv"),
        "{meet}"
    );
    // (25 + 20 + 20 + 0) of 85 → × 100/85 = 76.47… → 76.5 (was 80.0 with full attendance marks)
    assert_eq!(ga["score"].as_f64(), Some(76.5));
    assert_eq!(ga["grade"], "合格");
    let warn: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("meetings.csv"))
        .collect();
    assert_eq!(warn.len(), 1, "{stderr}");
    assert!(
        warn[0].contains("无数据") && warn[0].contains(" / warning"),
        "{stderr}"
    );

    // The assessment says which indicator had no data and why.
    let out = tempfile::tempdir().unwrap();
    let q2 = crate::common::build(d.path(), "2026Q3", out.path(), &[]);
    let html = std::fs::read_to_string(q2.join("assessment.html")).unwrap();
    assert!(
        html.contains("“联席会议出席率”指标本季度无数据（")
            && html.contains("其余指标得分按实有指标折算"),
        "no 无数据 sentence in assessment.html"
    );

    // An unreadable meetings.csv (no header) is no data too.
    write(d.path(), "2026Q3/meetings.csv", "这不是表格\n随便写点\n");
    let (_o, q, stderr) = build_quiet(d.path());
    let s = summary(&q);
    let ga = &s["assessment"]["units"][1];
    assert_eq!(ga["name"], "公安");
    assert_eq!(ga["score"].as_f64(), Some(76.5));
    assert_eq!(ga["indicators"][4]["no_data"], true);
    assert!(stderr.contains("2026Q3/meetings.csv"), "{stderr}");
}

/// Item 13: a stray quote at the start of a field swallowed the rest of the
/// file (100 rows read as 11). Now only its own line is rejected.
#[test]
fn item13_stray_quote_costs_one_row() {
    let d = tempfile::tempdir().unwrap();
    let mut text = String::from(HEADER);
    text.push('\n');
    // A quoted cell over two lines still reads as one record (lines 2-3).
    text.push_str("S100,公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,,0,,,\"两行\n案情\"\n");
    for i in 0..100 {
        let site = if i == 3 { "\"某点" } else { "某点" };
        text.push_str(&format!(
            "S{i},公安,鹿城区,五马街道,{site},2026-07-01,巡查发现,无证开采,2026-07-02,,0,,,\n"
        ));
    }
    write(d.path(), "2026Q3/公安.csv", &text);
    let (_o, q, _) = build_quiet(d.path());
    let s = summary(&q);
    assert_eq!(file_counts(&s, "2026Q3/公安.csv"), (101, 100, 1, 0));
    let rj = rejects(&q);
    assert!(
        rj.contains("2026Q3/公安.csv,7,") && rj.contains("引号未闭合"),
        "{rj}"
    );
}

/// Item 14: one character cut short in a UTF-8 file no longer turns its
/// line into GB18030 mojibake: the rest of the line reads correctly.
#[test]
fn item14_cut_character_spoils_only_itself() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = format!(
        "{HEADER}\nU1,公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,,0,,,\nU2,公安,鹿城区,五马街道,"
    )
    .into_bytes();
    bytes.extend_from_slice(&"采".as_bytes()[..2]);
    bytes.extend_from_slice(
        "砂点,2026-07-01,巡查发现,无证开采,2026-07-02,,0,,,\nU3,公安,鹿".as_bytes(),
    );
    bytes.extend_from_slice(&"城".as_bytes()[..1]);
    bytes.extend_from_slice(
        "区,五马街道,某点,2026-07-01,巡查发现,无证开采,2026-07-02,,0,,,\n".as_bytes(),
    );
    let p = d.path().join("2026Q3");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join("公安.csv"), bytes).unwrap();
    let (_o, q, _) = build_quiet(d.path());
    let s = summary(&q);
    // U1 and U2 accepted; U3's region holds the cut character: rejected as such.
    assert_eq!(file_counts(&s, "2026Q3/公安.csv"), (3, 2, 1, 0));
    let f = &s["inputs"]["files"][0];
    assert_eq!(f["encoding"], "UTF-8");
    let rj = rejects(&q);
    assert!(rj.contains("无法解码"), "{rj}");
    assert!(!rj.contains("榫"), "{rj}");
}

/// Item 15: conflicting aliases and region file names reject the
/// configuration, naming both entries and their lines.
#[test]
fn item15_conflicting_configuration_is_rejected() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "2026Q3/公安.csv",
        &format!("{HEADER}\nA1,公安,鹿城区,五马街道,某点,2026-07-01,巡查发现,无证开采,,,0,,,\n"),
    );
    let mut units = String::new();
    for (n, a) in [("公安", "\"水利\""), ("水利", "\"水利局\"")] {
        units.push_str(&format!("[[units]]\nname = \"{n}\"\naliases = [{a}]\n\n"));
    }
    write(d.path(), "minebrief.toml", &units);
    let o = bin()
        .args(["validate", "--data"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert!(
        e.contains("“公安”") && e.contains("“水利”") && e.contains("第3行") && e.contains("第6行"),
        "{e}"
    );

    write(
        d.path(),
        "minebrief.toml",
        "[[regions]]\nname = \"瑞安市\"\n\n[[regions]]\nname = \"a/b\"\n\n[[regions]]\nname = \"a_b\"\n",
    );
    let o = bin()
        .args(["validate", "--data"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("a/b") && e.contains("a_b") && e.contains("第5行") && e.contains("第8行"),
        "{e}"
    );
}

/// Items 20 and 29 (parsing): ambiguous thousands separators, exponents in
/// counts, out-of-range adjustments, a district branch's name, format
/// characters in names, two columns for one field, contradictory meetings.
#[test]
fn item20_29_values_that_were_silently_misread() {
    let d = tempfile::tempdir().unwrap();
    let h = "案件编号,填报单位,县市区,发现日期,线索来源,违法类型,立案日期,结案日期,罚款金额(元),涉案人数";
    write(
        d.path(),
        "2026Q3/cases.csv",
        &format!(
            "{h}\n\
             P1,公安,鹿城区,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,\"1,5\",0\n\
             P2,公安,鹿城区,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,\"1,234\",0\n\
             P3,公安,鹿城区,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,\"1.234,50\",0\n\
             P4,公安,鹿城区,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,\"1,2345\",0\n\
             P5,公安,鹿城区,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,0,1e9\n\
             P6,温州市公安局龙湾分局,龙湾区,2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,0,2\n\
             P7,公安,鹿\u{200D}城\u{200E}区\u{2069},2026-07-01,巡查发现,无证开采,2026-07-02,2026-08-01,0,0\n"
        ),
    );
    write(
        d.path(),
        "2026Q3/two_regions.csv",
        "案件编号,填报单位,县市区,发现日期,线索来源,违法类型,县市区\n\
         T1,公安,鹿城区,2026-07-01,巡查发现,无证开采,鹿城区\n\
         T2,公安,鹿城区,2026-07-01,巡查发现,无证开采,瑞安市\n",
    );
    write(
        d.path(),
        "2026Q3/adjustments.csv",
        "对象类型,对象,分值,事由\n单位,公安,+1000,夸大\n单位,公安,,通报表扬\n单位,公安,100,上限\n",
    );
    write(
        d.path(),
        "2026Q3/meetings.csv",
        "会议日期,单位,是否出席\n2026-08-01,公安,×\n2026-08-01,公安,√\n2026-08-01,水利,√\n2026-08-01,水利,√\n",
    );
    let (_o, q, _) = build_quiet(d.path());
    let s = summary(&q);
    assert_eq!(file_counts(&s, "2026Q3/cases.csv"), (7, 3, 4, 0));
    assert_eq!(file_counts(&s, "2026Q3/two_regions.csv"), (2, 1, 1, 0));
    assert_eq!(file_counts(&s, "2026Q3/adjustments.csv"), (3, 2, 1, 0));
    assert_eq!(file_counts(&s, "2026Q3/meetings.csv"), (4, 3, 1, 0));
    // P2 1,234 and nothing else: 1234 yuan
    assert_eq!(s["totals"]["fine_yuan"].as_f64(), Some(1234.0));
    assert_eq!(s["totals"]["persons"].as_u64(), Some(2));
    // P6 is 公安's, in 龙湾区; P7 in 鹿城区
    let found = |list: &str, key: &str| -> u64 {
        s[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap()["found"]
            .as_u64()
            .unwrap()
    };
    // P2 P6 P7 and T1
    assert_eq!(found("by_unit", "公安"), 4);
    assert_eq!(found("by_region", "龙湾区"), 1);
    assert_eq!(found("by_region", "鹿城区"), 3);
    let rj = rejects(&q);
    let lines: Vec<&str> = rj.lines().collect();
    let at = |file: &str, line: u32| -> &str {
        lines
            .iter()
            .find(|l| l.contains(&format!("{file},{line},")))
            .copied()
            .unwrap_or_else(|| panic!("no reject at {file}:{line} in {rj}"))
    };
    for line in [2, 4, 5] {
        assert!(at("2026Q3/cases.csv", line).contains("bad_number"), "{rj}");
    }
    assert!(at("2026Q3/cases.csv", 6).contains("persons"), "{rj}");
    assert!(
        at("2026Q3/two_regions.csv", 3).contains("duplicate_column"),
        "{rj}"
    );
    assert!(at("2026Q3/two_regions.csv", 3).contains("第3列"), "{rj}");
    assert!(
        at("2026Q3/adjustments.csv", 2).contains("-100 到 +100"),
        "{rj}"
    );
    assert!(
        at("2026Q3/meetings.csv", 3).contains("conflicting_record"),
        "{rj}"
    );
    // 公安 absent (× stands), 水利 attended: 0/1 and 1/1.
    let meet = |unit: &str| -> serde_json::Value {
        let u = s["assessment"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == unit)
            .unwrap();
        u["indicators"][4]["numerator"].clone()
    };
    assert_eq!(meet("公安"), 0);
    assert_eq!(meet("水利"), 1);
    // Issue 18: the blank 分值 is listed with 0 points.
    let ga = s["assessment"]["units"][1].clone();
    let adj: Vec<(f64, &str)> = ga["adjustments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["points"].as_f64().unwrap(), a["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(adj, [(0.0, "通报表扬"), (100.0, "上限")]);
}

/// Issue 18 §1: the score is the exact sum, rounded once.
/// 25·2/3 + 20 + 20·2/7 + 20·1/3 + 15 = 64.047… → 64.0 (rounded points
/// 16.67 + 20 + 5.71 + 6.67 + 15 = 64.05 printed 64.1).
#[test]
fn issue18_score_is_rounded_once() {
    let d = tempfile::tempdir().unwrap();
    let h = "案件编号,填报单位,县市区,发现日期,线索来源,违法类型,立案日期";
    let mut text = format!("{h}\n");
    // Seven found in the quarter, two on patrol (2/7); three filed, two
    // within 7 days (2/3); none closed (full 20).
    for (i, (src, filed)) in [
        ("巡查发现", "2026-07-02"),
        ("巡查发现", "2026-07-02"),
        ("群众举报", "2026-07-20"),
        ("群众举报", ""),
        ("群众举报", ""),
        ("群众举报", ""),
        ("群众举报", ""),
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!(
            "K{i},公安,鹿城区,2026-07-01,{src},无证开采,{filed}\n"
        ));
    }
    write(d.path(), "2026Q3/公安.csv", &text);
    // Three letters received: one answered on time (1/3).
    write(
        d.path(),
        "2026Q3/referrals.csv",
        "函告编号,发函单位,收函单位,发函日期,回复日期\nR1,自然资源,公安,2026-07-01,2026-07-03\nR2,自然资源,公安,2026-07-01,\nR3,自然资源,公安,2026-07-01,\n",
    );
    write(
        d.path(),
        "2026Q3/meetings.csv",
        "会议日期,单位,是否出席\n2026-08-01,公安,是\n",
    );
    let (_o, q, _) = build_quiet(d.path());
    let s = summary(&q);
    let ga = &s["assessment"]["units"][1];
    assert_eq!(ga["name"], "公安");
    let pts: Vec<f64> = ga["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["points"].as_f64().unwrap())
        .collect();
    assert_eq!(pts, [16.67, 20.0, 5.71, 6.67, 15.0]);
    assert_eq!(ga["score"].as_f64(), Some(64.0));
}
