//! Prose that holds for zero, one and many (issue 18): no template seams
//! (从地看, 部分地…), one rising place named as itself, absences counted per
//! unit by its 规范简称, the overdue-letter column saying what it shows; no
//! sentence about nothing (反弹0起, 处罚款0.00万元); 超期 split into open
//! and closed late; small bases as counts, large tonnages in 万吨; ties at
//! the cut all named; a rounding note under tables that do not add up; the
//! trend only over quarters the data covers; region reports that are the
//! region's own; typical cases as a published notice writes them.

use std::path::Path;

use crate::common::{build, read};

const HEAD: &str = "案件编号,填报单位,县市区,发现日期,线索来源,违法类型\n";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn one_rising_region_and_absences_read_as_sentences() {
    let d = tempfile::tempdir().unwrap();
    // 鹿城区: 1 case in 2025Q3, 2 in 2026Q3 → the only region rising.
    write(
        d.path(),
        "2025Q3/公安.csv",
        &format!("{HEAD}A0,公安,鹿城区,2025-07-02,巡查发现,无证开采\n"),
    );
    write(
        d.path(),
        "2026Q3/公安.csv",
        &format!(
            "{HEAD}A1,公安,鹿城区,2026-07-02,巡查发现,无证开采\nA2,公安,鹿城区,2026-08-02,巡查发现,无证开采\n"
        ),
    );
    // Two meetings: 林业 missed one, every other unit attended both.
    let mut m = String::from("会议日期,单位,是否出席\n");
    for u in [
        "自然资源",
        "公安",
        "交通运输",
        "林业",
        "水利",
        "应急管理",
        "生态环境",
        "海洋与渔业",
        "市场监管",
        "海事",
        "电力",
    ] {
        for (date, yes) in [("2026-07-10", "是"), ("2026-09-10", "是")] {
            let yes = if u == "林业" && date == "2026-09-10" {
                "否"
            } else {
                yes
            };
            m.push_str(&format!("{date},{u},{yes}\n"));
        }
    }
    write(d.path(), "2026Q3/meetings.csv", &m);
    // A letter sent 2026-09-01, unanswered: 29 days at the quarter end, 22 past the 7-day limit.
    write(
        d.path(),
        "2026Q3/referrals.csv",
        "函告编号,发函单位,收函单位,发函日期,回复日期\nR1,自然资源,公安,2026-09-01,\n",
    );
    let out = tempfile::tempdir().unwrap();
    let q = build(d.path(), "2026Q3", out.path(), &[]);
    let html = read(&q.join("briefing.html"));
    assert!(
        html.contains("鹿城区（由1起增至2起）非法采矿行为有所抬头，发现数同比上升，需引起重视。"),
        "one rising region is named as itself"
    );
    assert!(!html.contains("部分地"), "template seam 部分地");
    assert!(html.contains("从各地看"), "从各地看");
    assert!(!html.contains("从地看"));
    assert!(html.contains("本季度召开联席会议2次，市林业局未出席1次。"));
    assert!(!html.contains("有缺席"));
    assert!(html.contains("超过回复期限"));
    assert!(html.contains("22天"), "days past the reply limit");
    assert!(!html.contains("29天"));
}

/// The paragraphs of an HTML document, as text (tags removed).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in html.chars() {
        match c {
            '<' => tag = true,
            '>' => {
                tag = false;
                out.push('\n');
            }
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Sentences about nothing that no document may print.
const ABOUT_NOTHING: &[&str] = &[
    "反弹0起",
    "涉及点位0个",
    "取缔关闭非法采矿点0个",
    "扣押船舶0艘",
    "刑事立案0起",
    "处罚款0.00万元",
    "没收违法所得0.00万元",
    "移送司法机关0起",
    "发现问题0个",
    "（未填写）本季度未发现",
    "各地各部门认真落实预防",
];

fn assert_not_about_nothing(what: &str, text: &str, allow_everyone: bool) {
    for bad in ABOUT_NOTHING {
        if allow_everyone && *bad == "各地各部门认真落实预防" {
            continue;
        }
        assert!(!text.contains(bad), "{what}: {bad}\n{text}");
    }
}

const FULL: &str = "案件编号,填报单位,县市区,乡镇街道,点位名称,发现日期,线索来源,违法类型,立案日期,结案日期,罚款金额(元),没收金额(元),涉案矿产量(吨),是否取缔关闭,当事人,当事人证件号,简要案情\n";

#[test]
fn zero_cases_say_nothing_was_found_once() {
    let d = tempfile::tempdir().unwrap();
    // A 零报告: the header only.
    write(d.path(), "2026Q3/公安.csv", FULL);
    let out = tempfile::tempdir().unwrap();
    let q = build(d.path(), "2026Q3", out.path(), &[]);
    let b = text_of(&read(&q.join("briefing.html")));
    for s in [
        "2026年第三季度，温州市未发现非法采矿行为，无立案、结案案件。",
        "本季度各地均未发现非法采矿行为。",
        "信息通报和案件函告方面，本季度各成员单位未发出函告。",
        "动态巡查方面，本季度未登记巡查记录。",
        "截至季末，尚无登记在册的取缔关闭点位。",
        "本季度未发现突出问题，各地各部门要继续保持工作力度。",
    ] {
        assert!(b.contains(s), "{s}\n{b}");
    }
    assert!(!b.contains("截至季末，无在办案件"), "{b}");
    assert!(!b.contains("累计未发现"), "said twice: {b}");
    assert_not_about_nothing("briefing", &b, true);
    let r = text_of(&read(&q.join("regions/鹿城区.html")));
    for s in [
        "关于2026年第三季度鹿城区打击非法采矿工作情况的通报",
        "2026年第三季度，鹿城区各乡镇（街道）和各有关部门认真落实预防和查处非法采矿长效管理机制",
        "2026年第三季度，鹿城区未发现非法采矿行为，无立案、结案案件。",
        "本季度各乡镇（街道）均未发现非法采矿行为。",
        "本季度未发现突出问题，各乡镇（街道）和各有关部门要继续保持工作力度。",
    ] {
        assert!(r.contains(s), "{s}\n{r}");
    }
    assert!(!r.contains("鹿城区各地各部门"), "{r}");
    assert_not_about_nothing("region", &r, false);
}

#[test]
fn one_case_reads_as_one() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "2026Q3/公安.csv",
        &format!(
            "{FULL}B1,公安,鹿城区,五马街道,山前采石场,2026-07-03,巡查发现,无证开采,2026-07-04,2026-09-01,0,5000,0,是,张三,330302199001011234,\"7月3日，执法人员日常巡查发现山前采石场存在无证开采行为，张三（身份证330302199001011234）在场，案件正在进一步调查中。\"\n"
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let q = build(d.path(), "2026Q3", out.path(), &[]);
    let b = text_of(&read(&q.join("briefing.html")));
    for s in [
        "2026年第三季度，温州市共发现非法采矿行为1起，同比由0起增至1起，环比由0起增至1起；立案1起，同比由0起增至1起；结案1起，同比由0起增至1起。",
        "结案案件共没收违法所得0.50万元。",
        "取缔关闭非法采矿点1个。截至季末，无在办案件。",
        "1—9月累计发现非法采矿行为1起，立案1起，结案1起，罚没款合计0.50万元。",
        "从各地看，本季度发现的1起非法采矿行为在鹿城区。",
        "从违法类型看，本季度发现的1起非法采矿行为为无证开采。",
        "从线索来源看，本季度发现的1起非法采矿行为为主动发现（巡查发现1起）。",
        "各成员单位按照职责分工依法查处，本季度发现的1起非法采矿行为由市公安局查处。",
        "截至季末，已登记取缔关闭的非法采矿点位1个。本季度未发现已取缔点位反弹。",
        // The typical case as published: 张某, no ID number, no amount of
        // 0, and a closed case not "正在进一步调查中".
        "7月3日，执法人员日常巡查发现山前采石场存在无证开采行为，张某在场。市公安局于2026年7月4日立案、2026年9月1日结案，对张某没收违法所得0.50万元。",
        // 报送情况: only 公安 sent an export; the other ten by their 规范简称
        // in the configuration's order
        "本季度市自然资源和规划局、市交通运输局、市林业局、市水利局、市应急管理局、市生态环境局、市海洋与渔业局、市市场监督管理局、温州海事局、国网温州供电公司未报送案件数据。",
    ] {
        assert!(b.contains(s), "{s}\n{b}");
    }
    for bad in ["张*", "张三", "3303", "调查中", "证件号", "身份证"] {
        assert!(!b.contains(bad), "{bad}\n{b}");
    }
    assert_not_about_nothing("briefing", &b, true);
    // … and the index page and validate list them too
    let warning = "报送情况：市自然资源和规划局、市交通运输局、市林业局、市水利局、市应急管理局、市生态环境局、市海洋与渔业局、市市场监督管理局、温州海事局、国网温州供电公司未报送 2026Q3 的案件数据（只有表头的文件为零报告，算作已报送） / reporting: no case export for 2026Q3 from 自然资源, 交通运输, 林业, 水利, 应急管理, 生态环境, 海洋与渔业, 市场监管, 海事, 电力";
    let zh = warning.split(" / ").next().unwrap();
    assert!(read(&q.join("index.html")).contains(zh));
    let v = crate::common::bin()
        .args(["validate", "--data"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&v.stdout).contains(warning));
    // … and summary.json lists them by their keys
    let sj: serde_json::Value = serde_json::from_str(&read(&q.join("summary.json"))).unwrap();
    assert_eq!(
        sj["inputs"]["missing_exports"],
        serde_json::json!([
            "自然资源",
            "交通运输",
            "林业",
            "水利",
            "应急管理",
            "生态环境",
            "海洋与渔业",
            "市场监管",
            "海事",
            "电力"
        ])
    );
    // The trend starts at the first quarter folder: one point.
    let s: serde_json::Value = serde_json::from_str(&read(&q.join("summary.json"))).unwrap();
    let trend: Vec<&str> = s["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["quarter"].as_str().unwrap())
        .collect();
    assert_eq!(trend, vec!["2026Q3"]);
    // The region's report: its own township, its own standing, its own case.
    let r = text_of(&read(&q.join("regions/鹿城区.html")));
    for s in [
        "从各乡镇（街道）看，本季度发现的1起非法采矿行为在五马街道。",
        "本季度考核得分100.0分，在12个县（市、区）中并列第1名，等次为优秀。",
        "张某在场。公安部门于2026年7月4日立案、2026年9月1日结案",
    ] {
        assert!(r.contains(s), "{s}\n{r}");
    }
    let other = text_of(&read(&q.join("regions/瑞安市.html")));
    assert!(!other.contains("B1"), "another region's case: {other}");
    assert!(other.contains("本季度各乡镇（街道）均未发现非法采矿行为。"));
}

/// Many: overdue split into open and closed late, counts over small
/// bases, tonnage in 万吨, ties at the cut, the rounding note, the trend
/// from the first quarter folder, and a region's own briefing.toml table.
#[test]
fn many_cases_split_overdue_and_name_ties() {
    let d = tempfile::tempdir().unwrap();
    // 2025Q3: two cases in 鹿城区, and one found before the folder's quarter
    // (2025Q2: a re-exported case, not that quarter's figure).
    write(
        d.path(),
        "2025Q3/自然资源.csv",
        &format!(
            "{FULL}L1,自然资源,鹿城区,五马街道,甲,2025-07-02,巡查发现,无证开采,,,,,,,,,\nL2,自然资源,鹿城区,五马街道,乙,2025-08-02,巡查发现,无证开采,,,,,,,,,\nL0,自然资源,平阳县,,丙,2025-05-01,巡查发现,无证开采,,,,,,,,,\n"
        ),
    );
    let mut rows = String::from(FULL);
    // C1: found 2026Q1, closed in the quarter 152 days after filing (closed late).
    rows.push_str("C1,自然资源,鹿城区,五马街道,一,2026-03-01,巡查发现,无证开采,2026-03-02,2026-08-01,100000,0,1668841.4,否,,,\n");
    // C2: found 2026Q2, open at the quarter end 142 days after filing.
    rows.push_str(
        "C2,自然资源,鹿城区,五马街道,二,2026-05-10,巡查发现,无证开采,2026-05-11,,,,,否,,,\n",
    );
    // Two small fines that round to 1.00万元 each but 2.01万元 together.
    rows.push_str("C3,自然资源,瑞安市,安阳街道,三,2026-07-01,巡查发现,无证开采,2026-07-01,2026-07-20,10049,0,0,否,,,\n");
    rows.push_str("C4,自然资源,乐清市,城东街道,四,2026-07-01,巡查发现,无证开采,2026-07-01,2026-07-20,10049,0,0,否,,,\n");
    // Found in the quarter: 鹿城区 4, 瑞安市 3, 乐清市 2, 永嘉县 2, 平阳县 1.
    let mut n = 0;
    for (region, k) in [
        ("鹿城区", 4),
        ("瑞安市", 2),
        ("乐清市", 1),
        ("永嘉县", 2),
        ("平阳县", 1),
    ] {
        for _ in 0..k {
            n += 1;
            rows.push_str(&format!(
                "Q{n},自然资源,{region},,点{n},2026-08-0{},群众举报,越界开采,,,,,,,,,\n",
                1 + n % 8
            ));
        }
    }
    write(d.path(), "2026Q3/自然资源.csv", &rows);
    write(
        d.path(),
        "2026Q3/briefing.toml",
        "doc_number = \"温打非采办〔2026〕3号\"\nforeword = \"全市通报的开头。\"\n\n[regions.\"瑞安市\"]\ndoc_number = \"瑞打非采办〔2026〕4号\"\nforeword = \"瑞安市自己的开头。\"\noffice = \"瑞安市打击非法采矿办公室\"\naddressee = \"各镇街，市级有关部门\"\ncc = [\"温州市打击非法采矿办公室\", \"瑞安市政府办公室\"]\n",
    );
    let out = tempfile::tempdir().unwrap();
    let q = build(d.path(), "2026Q3", out.path(), &[]);
    let b = text_of(&read(&q.join("briefing.html")));
    for s in [
        // 12 found (4+3+2+2+1), 2 a year ago, 1 (C2) in 2026Q2.
        "2026年第三季度，温州市共发现非法采矿行为12起，同比由2起增至12起，环比由1起增至12起；立案2起，同比由0起增至2起；结案3起，同比由0起增至3起。",
        "结案案件共处罚款12.01万元，涉案矿产量约166.9万吨。",
        "截至季末，在办案件1起，其中超过90日办案期限的1起。本季度办结的案件中，超过90日办案期限结案的1起。",
        "从各地看，发现非法采矿行为较多的是鹿城区（4起）、瑞安市（3起）、乐清市（2起）、永嘉县（2起）",
        "鹿城区（由2起增至4起）非法采矿行为有所抬头，发现数同比上升，需引起重视。",
        "案件办理不够及时。截至季末超过90日办案期限仍未办结的案件1起，本季度超过90日办案期限才结案的1起，涉及市自然资源和规划局2起。",
        "因四舍五入，合计数与分项之和略有差异。",
        "全市通报的开头。",
        "温打非采办〔2026〕3号",
        // A typical case without a summary: the facts from the record.
        "2026年3月1日，市自然资源和规划局在鹿城区五马街道一发现无证开采行为，于2026年3月2日立案、2026年8月1日结案，处罚款10.00万元，涉案矿产量约166.9万吨。",
    ] {
        assert!(b.contains(s), "{s}\n{b}");
    }
    assert!(!b.contains("上升1"), "percent over a small base: {b}");
    // 表1 and the group tables: 12 found against 1 and 2 is no +1100.0% or
    // +500.0% but "—", with the note saying why
    for pct in ["+1100.0%", "+500.0%", "+100.0%"] {
        assert!(!b.contains(pct), "{pct}: {b}");
    }
    assert!(
        b.contains("基数不足10起的，不计算增减幅度（以“—”表示）。"),
        "{b}"
    );
    assert!(!b.contains("1668841"), "{b}");
    assert_not_about_nothing("briefing", &b, true);
    // summary.json: 超期 as SPEC defines it, and its two parts.
    let s: serde_json::Value = serde_json::from_str(&read(&q.join("summary.json"))).unwrap();
    let t = &s["totals"];
    assert_eq!(t["overdue"], 2);
    assert_eq!(t["overdue_open"], 1);
    assert_eq!(t["overdue_closed_late"], 1);
    for g in s["by_region"].as_array().unwrap() {
        assert_eq!(
            g["overdue"].as_u64().unwrap(),
            g["overdue_open"].as_u64().unwrap() + g["overdue_closed_late"].as_u64().unwrap()
        );
    }
    // The trend: 2025Q2 (before the first folder) is left out.
    let trend: Vec<&str> = s["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["quarter"].as_str().unwrap())
        .collect();
    assert_eq!(trend, vec!["2025Q3", "2026Q1", "2026Q2", "2026Q3"]);
    // A region's report: its own 文号 and foreword, never the briefing's.
    let r = text_of(&read(&q.join("regions/瑞安市.html")));
    assert!(r.contains("瑞打非采办〔2026〕4号") && r.contains("瑞安市自己的开头。"));
    // … issued by its own office to its own addressees, copied as it says
    for s in [
        "瑞安市打击非法采矿办公室",
        "各镇街，市级有关部门：",
        "抄送：温州市打击非法采矿办公室，瑞安市政府办公室。",
    ] {
        assert!(r.contains(s), "{s}\n{r}");
    }
    assert!(
        !r.contains("温州市打击非法采矿联合执法工作领导小组办公室"),
        "{r}"
    );
    assert!(
        !r.contains("〔2026〕3号") && !r.contains("全市通报的开头"),
        "{r}"
    );
    let l = text_of(&read(&q.join("regions/鹿城区.html")));
    assert!(
        !l.contains("〔2026〕") && !l.contains("全市通报的开头"),
        "{l}"
    );
    assert!(l.contains("2026年第三季度，鹿城区各乡镇（街道）和各有关部门认真落实"));
    // without a table of its own: the region's leading group office issues
    // it to its townships and members, copied to the city's office
    for s in [
        "鹿城区打击非法采矿工作领导小组办公室",
        "各乡镇（街道），鹿城区打击非法采矿工作领导小组各成员单位：",
        "抄送：温州市打击非法采矿联合执法工作领导小组办公室。",
    ] {
        assert!(l.contains(s), "{s}\n{l}");
    }
    // Tables numbered without gaps in the region's report (no 表5, 表6 there).
    for (i, cap) in [
        "表1　主要指标",
        "表2　各乡镇（街道）查处情况",
        "表3　各违法类型查处情况",
        "表4　各部门查处情况",
    ]
    .iter()
    .enumerate()
    {
        assert!(l.contains(cap), "{i}: {cap}\n{l}");
    }
    // The assessment: ties as 并列.
    let a = text_of(&read(&q.join("assessment.html")));
    assert!(a.contains("并列第"), "{a}");
    // … and the score tables print a shared rank as 并列N, the same ranks
    for (i, _) in a.match_indices("并列第") {
        let n: String = a[i + "并列第".len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        assert!(a.lines().any(|l| l == format!("并列{n}")), "并列{n}\n{a}");
    }
    // Every document: headings without a skipped level, tables numbered
    // 表1, 表2 … without a gap (afresh in each attachment).
    let mut docs = vec![q.join("briefing.html"), q.join("assessment.html")];
    for e in std::fs::read_dir(q.join("regions")).unwrap() {
        docs.push(e.unwrap().path());
    }
    for p in docs {
        outline_is_whole(&p.display().to_string(), &read(&p));
    }
}

/// Heading levels (h1 = title or attachment) never skip one, and the
/// captions 表N count 1, 2, 3 … from each h1.
fn outline_is_whole(name: &str, html: &str) {
    let mut prev = 0u32;
    let mut table = 0u32;
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let b = rest.as_bytes();
        if b.len() > 1 && b[0] == b'h' && (b'1'..=b'6').contains(&b[1]) {
            let level = (b[1] - b'0') as u32;
            if level == 1 {
                table = 0;
            } else {
                assert!(level <= prev + 1, "{name}: h{level} after h{prev}");
            }
            prev = level;
        } else if let Some(after) = rest.strip_prefix("caption>表") {
            let num: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
            table += 1;
            assert_eq!(
                num,
                table.to_string(),
                "{name}: 表{num} where 表{table} is due"
            );
        }
    }
}

/// A region's own office, addressee and cc as a careless or hostile
/// briefing.toml gives them: an empty office is the default one (not a
/// document without an issuing office), control characters are dropped,
/// line breaks become spaces.
#[test]
fn a_regions_office_and_addressee_are_cleaned() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "2026Q3/自然资源.csv",
        &format!("{FULL}B1,自然资源,鹿城区,五马街道,甲,2026-07-03,巡查发现,无证开采,,,,,,,,,\n"),
    );
    write(
        d.path(),
        "2026Q3/briefing.toml",
        "[regions.\"鹿城区\"]\noffice = \" \"\naddressee = \"各镇街\\u001b[31m，\\n区级有关部门\"\ncc = [\"区政府\\u0007办公室\", \"\"]\n",
    );
    let out = tempfile::tempdir().unwrap();
    let q = build(d.path(), "2026Q3", out.path(), &[]);
    let html = read(&q.join("regions/鹿城区.html"));
    let l = text_of(&html);
    for s in [
        "鹿城区打击非法采矿工作领导小组办公室",
        "各镇街[31m， 区级有关部门：",
        "抄送：区政府办公室。",
    ] {
        assert!(l.contains(s), "{s}\n{l}");
    }
    assert!(!html.contains('\u{1b}') && !html.contains('\u{7}'));
}
