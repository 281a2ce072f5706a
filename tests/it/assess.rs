//! Assessment scores computed by hand for a small hand-built dataset
//! (2026Q3: 2026-07-01 .. 2026-09-30), default rubric unless stated.
//! Units by config index: 0 自然资源 1 公安 2 交通运输 3 林业 4 水利 5 应急管理
//! 6 生态环境 7 海洋与渔业 8 市场监管 9 海事 10 电力. Regions: 0 鹿城区 4 瑞安市
//! 5 乐清市 7 永嘉县 9 苍南县. Sources: 0 巡查发现 4 群众举报 5 媒体曝光.

use chrono::NaiveDate;
use minebrief::assess::{assess, Assessment, RecurrenceHit, Scored};
use minebrief::config::Config;
use minebrief::model::*;
use minebrief::quarter::Quarter;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn q3() -> Quarter {
    Quarter::parse("2026Q3").unwrap()
}

fn origin(q: &str) -> Origin {
    Origin::new(0, 2, Quarter::parse(q).unwrap())
}

#[allow(clippy::too_many_arguments)]
fn case(
    id: &str,
    unit: u16,
    region: u16,
    source: u16,
    found: &str,
    filed: Option<&str>,
    closed: Option<&str>,
) -> Case {
    Case {
        unit: minebrief::model::UnitId(unit),
        region: minebrief::model::RegionId(region),
        source: minebrief::model::SourceId(source),
        filed_date: filed.map(d),
        closed_date: closed.map(d),
        ..Case::blank(id, d(found))
    }
}

fn referral(id: &str, from: u16, to: u16, sent: &str, reply: Option<&str>) -> Referral {
    Referral {
        origin: origin("2026Q3"),
        ref_id: id.into(),
        from_unit: minebrief::model::UnitId(from),
        to_unit: minebrief::model::UnitId(to),
        sent_date: d(sent),
        reply_date: reply.map(d),
        region: None,
        case_id: String::new(),
        summary: String::new(),
    }
}

fn adj(q: &str, target: Target, points: f64, reason: &str) -> Adjustment {
    Adjustment {
        origin: origin(q),
        target,
        points,
        reason: reason.into(),
        basis: "考核细则".into(),
    }
}

const XC: u16 = 0; // 巡查发现
const JB: u16 = 4; // 群众举报
const MT: u16 = 5; // 媒体曝光

fn dataset() -> Dataset {
    let mut cases = vec![
        // 公安 in 鹿城区: A1 filed after 7 days (on time), closed 24 days later (on time)
        case(
            "A1",
            1,
            0,
            XC,
            "2026-07-01",
            Some("2026-07-08"),
            Some("2026-08-01"),
        ),
        // A2 filed after 8 days (late), open 83 days at the end (not overdue)
        case("A2", 1, 0, JB, "2026-07-01", Some("2026-07-09"), None),
        // 公安 in 瑞安市: A3 open since 2026-03-02 (212 days: overdue)
        case("A3", 1, 4, XC, "2026-03-01", Some("2026-03-02"), None),
        // A4 closed in the quarter 104 days after filing (overdue, closing late)
        case(
            "A4",
            1,
            4,
            XC,
            "2026-04-01",
            Some("2026-04-02"),
            Some("2026-07-15"),
        ),
        // A5, A6: media exposures in 瑞安市, not filed
        case("A5", 1, 4, MT, "2026-07-10", None, None),
        case("A6", 1, 4, MT, "2026-07-11", None, None),
        // 公安 in 永嘉县: two media exposures and six patrol finds
        case("A7", 1, 7, MT, "2026-08-01", None, None),
        case("A8", 1, 7, MT, "2026-08-02", None, None),
    ];
    for i in 0..6 {
        cases.push(case(
            &format!("A{}", 9 + i),
            1,
            7,
            XC,
            &format!("2026-08-0{}", 3 + i),
            None,
            None,
        ));
    }
    // 水利 in 乐清市: six cases open since January (all overdue: 12 points, capped at 10)
    for i in 0..6 {
        cases.push(case(
            &format!("W{}", i + 1),
            4,
            5,
            XC,
            "2026-01-05",
            Some("2026-01-06"),
            None,
        ));
    }
    let meetings = (0..10)
        .map(|u| Meeting {
            origin: origin("2026Q3"),
            date: d("2026-09-20"),
            unit: minebrief::model::UnitId(u),
            attended: u != 9, // 海事 absent; 电力 (10) has no row at all
        })
        .chain(std::iter::once(Meeting {
            // a meeting of the previous quarter does not count
            origin: origin("2026Q2"),
            date: d("2026-06-20"),
            unit: minebrief::model::UnitId(9),
            attended: true,
        }))
        .collect();
    // The optional files are present in the report quarter's folder (a
    // missing one makes its indicator 无数据: see safe_data.rs).
    let file = |path: &str, kind| InputFile {
        path: path.into(),
        kind,
        unit: None,
        encoding: Some("UTF-8".into()),
        sha256: String::new(),
        bytes: 0,
        quarter: Some(q3()),
        counts: Counts::default(),
        error: None,
    };
    Dataset {
        files: vec![
            file("2026Q3/meetings.csv", FileKind::Meetings),
            file("2026Q3/referrals.csv", FileKind::Referrals),
            file("2026Q3/patrols.csv", FileKind::Patrols),
        ],
        cases,
        referrals: vec![
            referral("R1", 0, 1, "2026-07-01", Some("2026-07-08")), // 7 days: on time
            referral("R2", 0, 1, "2026-07-01", Some("2026-07-09")), // 8 days: late
            referral("R3", 0, 1, "2026-09-25", None), // 5 days old at the end: not overdue
            referral("R4", 0, 2, "2026-09-01", None), // 29 days unanswered: overdue
            referral("R0", 0, 2, "2026-06-01", Some("2026-06-30")), // previous quarter
        ],
        meetings,
        adjustments: vec![
            adj(
                "2026Q3",
                Target::Unit(minebrief::model::UnitId(1)),
                2.0,
                "破获重大案件",
            ),
            adj(
                "2026Q3",
                Target::Unit(minebrief::model::UnitId(4)),
                -95.0,
                "数据造假",
            ),
            adj(
                "2026Q3",
                Target::Region(minebrief::model::RegionId(4)),
                -1.5,
                "迟报数据",
            ),
            adj(
                "2026Q2",
                Target::Unit(minebrief::model::UnitId(1)),
                10.0,
                "上季度加分，不计入本季度",
            ),
        ],
        ..Default::default()
    }
}

fn hits() -> Vec<RecurrenceHit> {
    let hit = |region, case: &str, found| RecurrenceHit {
        region,
        closed_unit: minebrief::model::UnitId(0),
        recurred_unit: minebrief::model::UnitId(1),
        recurred_case: case.into(),
        found_date: d(found),
    };
    vec![
        hit(minebrief::model::RegionId(4), "A5", "2026-07-10"),
        hit(minebrief::model::RegionId(4), "A6", "2026-07-11"),
        hit(minebrief::model::RegionId(9), "X1", "2026-08-05"),
        hit(minebrief::model::RegionId(9), "X2", "2026-08-06"),
        hit(minebrief::model::RegionId(9), "X0", "2026-06-30"), // previous quarter: not counted
    ]
}

fn find<'a>(list: &'a [Scored], name: &str) -> &'a Scored {
    list.iter().find(|s| s.name == name).unwrap()
}

fn run(cfg: &Config) -> Assessment {
    assess(&dataset(), cfg, q3(), None, &hits())
}

#[test]
fn unit_scores_by_hand() {
    let a = run(&Config::embedded());
    let ga = find(&a.units, "公安");
    // filing: A1 on time, A2 late → 1/2 → 25 × 0.5 = 12.5
    // closing: A1 on time, A4 late → 1/2 → 20 × 0.5 = 10
    // proactive: found in Q3 A1 A2 A5..A14 = 12, proactive A1 A9..A14 = 7 → 20 × 7/12 = 11.67
    // referrals received in Q3: R1 on time, R2 late, R3 unanswered → 20 × 1/3 = 6.67
    // meeting: 1 of 1 → 15
    let pts: Vec<(f64, f64, Option<f64>, Option<f64>)> = ga
        .indicators
        .iter()
        .map(|i| (i.numerator, i.denominator, i.rate, i.points))
        .collect();
    assert_eq!(
        pts,
        [
            (1.0, 2.0, Some(0.5), Some(12.5)),
            (1.0, 2.0, Some(0.5), Some(10.0)),
            (7.0, 12.0, Some(0.5833), Some(11.67)),
            (1.0, 3.0, Some(0.3333), Some(6.67)),
            (1.0, 1.0, Some(1.0), Some(15.0)),
        ]
    );
    // Summed exactly (12.5 + 10 + 11.666… + 6.666… + 15 = 55.833…), rounded for display.
    assert_eq!(ga.indicator_points, 55.83);
    // overdue: A3 (open 212 days) and A4 (closed after 104 days) → 2 × 2 = 4
    assert_eq!(ga.deductions[0].count, 2);
    assert_eq!(ga.deductions[0].points, 4.0);
    assert_eq!(ids(&ga.deductions[0].case_ids), ["A3", "A4"]);
    // adjustment +2 of this quarter only: 55.833… − 4 + 2 = 53.833… → 53.8
    assert_eq!(ga.adjustments.len(), 1);
    assert_eq!(ga.adjustments[0].reason, "破获重大案件");
    assert_eq!(ga.score, 53.8);
    assert_eq!(ga.grade, "不合格");

    // 水利: every denominator 0 → full weight (85) + meeting 15 = 100;
    // six overdue cases = 12 points, capped at 10; −95 adjustment → −5 → clamped to 0
    let sl = find(&a.units, "水利");
    assert!(sl.indicators[..4]
        .iter()
        .all(|i| i.rate.is_none() && i.points == Some(i.weight)));
    assert_eq!(sl.deductions[0].count, 6);
    assert_eq!(sl.deductions[0].points, 10.0);
    assert_eq!(sl.score, 0.0);
    assert_eq!(sl.grade, "不合格");

    // 交通运输: R4 received and unanswered → 0/1 → 0 of 20 → 80
    assert_eq!(find(&a.units, "交通运输").score, 80.0);
    assert_eq!(find(&a.units, "交通运输").grade, "良好");
    // 海事 absent, 电力 without a row: 0/1 attendance → 85
    assert_eq!(find(&a.units, "海事").score, 85.0);
    assert_eq!(find(&a.units, "电力").score, 85.0);
    assert_eq!(find(&a.units, "自然资源").score, 100.0);

    // Ranks with ties (1, 1, …, 7, 7, 9, 10, 11)
    let ranks: Vec<(&str, u32)> = a.units.iter().map(|s| (s.name.as_str(), s.rank)).collect();
    assert_eq!(
        ranks,
        [
            ("自然资源", 1),
            ("公安", 10),
            ("交通运输", 9),
            ("林业", 1),
            ("水利", 11),
            ("应急管理", 1),
            ("生态环境", 1),
            ("海洋与渔业", 1),
            ("市场监管", 1),
            ("海事", 7),
            ("电力", 7),
        ]
    );
}

#[test]
fn region_scores_by_hand() {
    let a = run(&Config::embedded());
    // 鹿城区: proactive 1/2 → 20; filing 1/2 → 15; closing 1/1 → 30 → 65
    let lc = find(&a.regions, "鹿城区");
    assert_eq!(lc.score, 65.0);
    assert_eq!(lc.grade, "合格");
    // 瑞安市: proactive 0/2 → 0; filing none → 30; closing 0/1 → 0;
    // overdue A3 A4 → 4; media A5 A6 → 6; recurrences 2 → 6; adjustment −1.5 → 12.5
    let ra = find(&a.regions, "瑞安市");
    let ded: Vec<(u64, f64)> = ra.deductions.iter().map(|d| (d.count, d.points)).collect();
    assert_eq!(ded, [(2, 4.0), (2, 6.0), (2, 6.0)]);
    assert_eq!(ids(&ra.deductions[1].case_ids), ["A5", "A6"]);
    assert_eq!(ids(&ra.deductions[2].case_ids), ["A5", "A6"]);
    assert_eq!(ra.score, 12.5);
    // 永嘉县: proactive 6/8 → 30 + 30 + 30 − media 6 = 84
    assert_eq!(find(&a.regions, "永嘉县").score, 84.0);
    // 乐清市: full indicators, overdue 6 × 2 capped at 10 → 90 (优秀 at the boundary)
    assert_eq!(find(&a.regions, "乐清市").score, 90.0);
    assert_eq!(find(&a.regions, "乐清市").grade, "优秀");
    // 苍南县: two recurrences in Q3 (the June one does not count) → 94
    assert_eq!(find(&a.regions, "苍南县").score, 94.0);
    let ranks: Vec<u32> = a.regions.iter().map(|s| s.rank).collect();
    // 鹿城 龙湾 瓯海 洞头 瑞安 乐清 龙港 永嘉 平阳 苍南 文成 泰顺
    assert_eq!(ranks, [11, 1, 1, 1, 12, 9, 1, 10, 1, 8, 1, 1]);
}

#[test]
fn accountability_lists_every_reason() {
    let a = run(&Config::embedded());
    let got: Vec<(&str, &str, Vec<&str>)> = a
        .accountability
        .iter()
        .map(|e| {
            (
                e.kind,
                e.name.as_str(),
                e.reasons.iter().map(|s| s.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("unit", "公安", vec!["考核等次为不合格（53.8分）"]),
            ("unit", "水利", vec!["考核等次为不合格（0.0分）"]),
            (
                "region",
                "瑞安市",
                vec![
                    "考核等次为不合格（12.5分）",
                    "本季度媒体曝光非法采矿案件2起",
                    "本季度已取缔点位反弹2起"
                ]
            ),
            ("region", "永嘉县", vec!["本季度媒体曝光非法采矿案件2起"]),
            ("region", "苍南县", vec!["本季度已取缔点位反弹2起"]),
        ]
    );
}

#[test]
fn custom_rubric_reweights_and_drops() {
    let text = r#"
[assessment]
[[assessment.unit_indicators]]
id = "filing"
name = "立案及时率"
metric = "filing_timeliness"
weight = 50.0
[[assessment.unit_indicators]]
id = "proactive"
name = "主动发现率"
metric = "proactive_discovery"
weight = 50.0
[[assessment.unit_deductions]]
id = "unreplied"
name = "函告逾期未复"
metric = "unreplied_referrals"
points = 5.0
[[assessment.region_indicators]]
id = "proactive"
name = "主动发现率"
metric = "proactive_discovery"
weight = 100.0
[[assessment.region_deductions]]
id = "media"
name = "媒体曝光"
metric = "media_exposures"
points = 10.0
cap = 15.0
"#;
    let cfg = Config::from_user_text(text).unwrap();
    let a = run(&cfg);
    // 公安: 50 × 1/2 + 50 × 7/12 = 25 + 29.17 = 54.17; +2 → 56.17 → 56.2
    let ga = find(&a.units, "公安");
    assert_eq!(ga.indicators.len(), 2);
    assert_eq!(ga.score, 56.2);
    // 交通运输: both denominators 0 → 100; R4 overdue unanswered → −5 → 95
    let jt = find(&a.units, "交通运输");
    assert_eq!(ids(&jt.deductions[0].case_ids), ["R4"]);
    assert_eq!(jt.score, 95.0);
    // 海事: no attendance indicator any more → 100
    assert_eq!(find(&a.units, "海事").score, 100.0);
    // 永嘉县: 100 × 6/8 = 75; media 2 × 10 = 20 capped at 15 → 60
    assert_eq!(find(&a.regions, "永嘉县").score, 60.0);
    assert_eq!(find(&a.regions, "永嘉县").grade, "合格");
}

#[test]
fn rubric_checks() {
    let e = Config::from_user_text(
        "[[assessment.region_indicators]]\nid='m'\nname='m'\nmetric='meeting_attendance'\nweight=100.0\n",
    )
    .unwrap_err();
    assert!(e.contains("meeting_attendance"), "{e}");
    let e = Config::from_user_text(
        "[[assessment.unit_deductions]]\nid='x'\nname='x'\nmetric='overdue_cases'\npoints=-2.0\n",
    )
    .unwrap_err();
    assert!(e.contains("非负"), "{e}");
    let e = Config::from_user_text(
        "[[assessment.unit_indicators]]\nid='p'\nname='p'\nmetric='patrol_coverage'\nweight=100.0\n",
    )
    .unwrap_err();
    assert!(e.contains("target"), "{e}");
    // weights not summing to 100 are fine when declared intentional
    let cfg = Config::from_user_text(
        "[assessment]\nallow_any_total = true\n[[assessment.unit_indicators]]\nid='p'\nname='p'\nmetric='closure_rate'\nweight=30.0\n",
    )
    .unwrap();
    assert_eq!(cfg.assessment.unit_indicators.len(), 1);
}

#[test]
fn scoped_assessment_scores_one_region() {
    let a = assess(
        &dataset(),
        &Config::embedded(),
        q3(),
        Some(minebrief::model::RegionId(4)),
        &hits(),
    );
    assert_eq!(a.regions.len(), 1);
    assert_eq!(a.regions[0].name, "瑞安市");
    assert_eq!(a.regions[0].rank, 1);
    // 公安 in 瑞安市 only: filing none → 25; closing A4 late → 0; proactive 0/2 → 0;
    // referrals 1/3 → 6.67; meeting 15 → 46.67; overdue A3 A4 −4; +2 → 44.67 → 44.7
    assert_eq!(find(&a.units, "公安").score, 44.7);
}

#[test]
fn assessment_html_explains_every_point() {
    use minebrief::render::html;
    use minebrief::report::markup::Templates;
    use minebrief::report::{AssessmentDoc, Masthead};
    let cfg = Config::embedded();
    let a = run(&cfg);
    let m = Masthead::new(&cfg, q3(), q3().default_issue_date(), "考核通报", None);
    let doc = AssessmentDoc::new(&cfg, m, &a);
    let model = Templates::new(None)
        .unwrap()
        .document("assessment.md", &doc)
        .unwrap();
    let html = html::draw(&model);
    if let Ok(dir) = std::env::var("MINEBRIEF_KEEP") {
        std::fs::write(std::path::Path::new(&dir).join("assessment.html"), &html).unwrap();
    }
    assert!(html.contains("2026年第三季度温州市打击非法采矿工作考核通报"));
    assert!(html.contains("2026年10月15日"));
    // 公安's row: rank 10, 55.833… − 4 + 2 = 53.8 (indicator points summed exactly)
    assert!(html.contains("<td class=\"c\">10</td><td>公安</td><td class=\"num\">55.83</td><td class=\"num\">−4</td><td class=\"num\">+2</td><td class=\"num\">53.8</td>"), "{html}");
    assert!(html.contains("55.83 − 4 + 2 = 53.83，计 53.8 分"));
    assert!(html.contains("100 − 10 − 95 = −5，按 0–100 分计为 0.0"));
    assert!(html.contains("A3、A4"));
    assert!(html.contains(
        "考核等次为不合格（12.5分）；本季度媒体曝光非法采矿案件2起；本季度已取缔点位反弹2起"
    ));
    assert!(html.contains("成员单位中，优秀6个（市自然资源和规划局、市林业局、市应急管理局、市生态环境局、市海洋与渔业局、市市场监督管理局），良好3个（温州海事局、国网温州供电公司、市交通运输局），不合格2个（市公安局、市水利局）。"));
}

/// A deduction's case ids as text.
fn ids(v: &[minebrief::model::IdText]) -> Vec<&str> {
    v.iter().map(|s| &**s).collect()
}
