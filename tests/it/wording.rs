//! Prose that holds for one and many (issue 18 §3, first steps): no template
//! seams (从地看, 部分地…), one rising place named as itself, absences counted
//! per unit, and the overdue-letter column saying what it shows.

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
        html.contains(
            "鹿城区（2起，上升100.0%）非法采矿行为有所抬头，发现数同比上升，需引起重视。"
        ),
        "one rising region is named as itself"
    );
    assert!(!html.contains("部分地"), "template seam 部分地");
    assert!(html.contains("从各地看"), "从各地看");
    assert!(!html.contains("从地看"));
    assert!(html.contains("本季度召开联席会议2次，林业未出席1次。"));
    assert!(!html.contains("有缺席"));
    assert!(html.contains("超过回复期限"));
    assert!(html.contains("22天"), "days past the reply limit");
    assert!(!html.contains("29天"));
}
