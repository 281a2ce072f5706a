//! The analytical core against a hand-built fixture, an independent recount,
//! and the `build` command end to end.
//!
//! # The fixture (`tests/fixtures/analysis/`)
//!
//! Five quarter folders 2023Q3 … 2024Q3, one `cases.csv` each (unit from the
//! 填报单位 column), ledgers in 2024Q2 and 2024Q3. The report quarter is
//! 2024Q3, so the periods are
//!
//! | period | from | to |
//! |---|---|---|
//! | Q    (quarter)                | 2024-07-01 | 2024-09-30 |
//! | PQ   (previous_quarter)       | 2024-04-01 | 2024-06-30 |
//! | SQLY (same_quarter_last_year) | 2023-07-01 | 2023-09-30 |
//! | YTD  (year_to_date)           | 2024-01-01 | 2024-09-30 |
//!
//! The cases as they stand after superseding (folder in brackets):
//!
//! ```text
//! id  unit      region  township  site        found       src   type      filed       closed      fine/conf/vol      flags
//! A01 自然资源  鹿城区  五马街道  山前采石场  2023-07-01  巡查  无证开采  2023-07-03  2023-09-30  10000/2000/100     persons 2, 取缔, (120.6,28.0)   [23Q3]
//! A02 公安      龙湾区  状元街道  码头        2023-06-30  举报  越界开采  2023-07-01  2024-08-15  20000/0/50         移送(no date→filed), 刑事, persons 3
//!     [23Q3 without a closed date, superseded by 24Q3]
//! A03 水利      瓯海区  (blank)   江心沙洲    2023-09-30  电子  河道采砂  -           -           -                  断电, 船2, 设备1   [23Q3]
//! A04 海洋渔业  洞头区  北岙街道  海岛采挖点  2023-08-01  举报  海岛采挖  -           -           -                  取缔, (121.0,27.9)   [23Q3]
//! B01 自然资源  鹿城区  五马街道  山前 采石场 2023-10-08  巡查  无证开采  2023-10-09  2023-12-20  -                  [23Q4]
//! B02 林业      洞头区  东屏街道  后山林地    2023-12-31  卫片  占用林地  -           -           -                  [23Q4]
//! H01 自然资源  鹿城区  南汇街道  老码头      2023-10-20  巡查  无证开采  -           -           -                  [23Q4]
//! C01 自然资源  瑞安市  安阳街道  河口采砂点  2024-02-29  通报  河道采砂  2024-02-29  2024-03-31  5000.5/0/12.25     leap day   [24Q1]
//! C03 交通运输  乐清市  (blank)   -           2024-03-31  交办  矿产运输  -           -           -                  persons 4, 设备3   [24Q1]
//! F01 自然资源  鹿城区  五马街道  老采矿点    2024-03-01  巡查  无证开采  2024-03-02  -           -                  [24Q1]
//! C02 公安      瑞安市  安阳街道  -           2024-01-01  巡查  无证开采  2024-01-02  2024-04-01  -                  移送 2024-01-05   [24Q2]
//! D01 自然资源  鹿城区  五马街道  山前采石场  2024-04-01  巡查  无证开采  2024-04-02  -           -                  取缔   [24Q2]
//! D02 公安      龙湾区  状元街道  -           2024-06-30  媒体  越界开采  -           -           -                  [24Q2]
//! D03 水利      瓯海区  (blank)   江心沙洲    2024-05-10  电子  河道采砂  2024-05-10  2024-06-01  3000/0/0           [24Q2]
//! E01 自然资源  鹿城区  五马街道  山前采石场！2024-07-01  巡查  无证开采  2024-07-01  -           -                  [24Q3 …]
//! E02 自然资源  鹿城区  五马街道  西坡        2024-07-02  巡查  无证开采  2024-07-02  -           -
//! E03 海洋渔业  洞头区  北岙街道  (blank)     2024-08-01  举报  海岛采挖  -           -           -                  (121.0,27.9017897) = 199 m north of A04
//! E04 海事      洞头区  北岙街道  (blank)     2024-08-02  举报  船舶违法  -           -           -                  船1, (121.0,27.8981923) = 201 m south of A04
//! E05 公安      洞头区  北岙街道  (blank)     2024-08-03  举报  其他      -           -           -
//! E06 林业      洞头区  东屏街道  后山林地    2024-09-30  媒体  占用林地  -           -           -                  persons 1, 取缔, 断电
//! E07 公安      瑞安市  安阳街道  -           2024-06-28  通报  火工品    2024-06-30  -           -                  移送 2024-07-02, 刑事
//! E08 公安      瑞安市  安阳街道  -           2024-07-10  举报  火工品    -           -           -                  移送 (no date, no filed → found)
//! E09 应急管理  永嘉县  瓯北街道  -           2024-08-20  巡查  安全生产  2024-08-21  2024-09-30  8000/1000.5/30.5
//! E10 生态环境  永嘉县  (blank)   -           2024-09-01  卫片  破坏生态  -           2024-09-15  2000/0/0           closed without filed
//! E11 市场监管  平阳县  昆阳镇    -           2024-07-15  举报  无照经营  2024-07-15  2024-07-20  -                  设备2
//! E12 电力      苍南县  灵溪镇    -           2024-09-29  通报  供电线路  -           -           -                  断电
//! G01 公安      鹿城区  (blank)   -           2024-08-05  举报  其他      -           -           -
//! X99 (2024Q3/cases.csv line 16): found 2024-13-01 → rejected (bad_date)
//! ```
//!
//! Day counts used below (calendar days): 2024-07-01→09-30 = 91,
//! 2024-07-02→09-30 = 90, 2024-06-30→09-30 = 92, 2024-04-02→09-30 = 181,
//! 2024-03-02→09-30 = 212, 2024-01-02→04-01 = 90 (29 days in February),
//! 2023-07-01→09-30 = 91, 2023-07-03→09-30 = 89, 2024-04-02→06-30 = 89,
//! 2024-03-02→06-30 = 120.
//!
//! Past 600 lines because every figure of the fixture is asserted here
//! against the hand counts above, which all of them share; split by family
//! of figures (counts, rates, recurrence, the build end to end) if it grows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use minebrief::analysis::{self, recurrence, Analysis, Figures, GroupRow};
use minebrief::config::Config;
use minebrief::ingest;
use minebrief::model::{Case, Dataset, Origin};
use minebrief::quarter::{Period, Quarter};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis")
}

fn q(s: &str) -> Quarter {
    Quarter::parse(s).unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn load(upto: &str) -> (Dataset, Config) {
    let cfg = Config::embedded();
    let ds = ingest::load(&fixture(), &cfg, Some(q(upto))).unwrap();
    (ds, cfg)
}

fn run(upto: &str, scope: Option<&str>) -> Analysis {
    let (ds, cfg) = load(upto);
    let scope = scope.map(|s| {
        minebrief::model::RegionId(cfg.region_names().iter().position(|r| *r == s).unwrap() as u16)
    });
    analysis::analyse(&ds, &cfg, q(upto), scope)
}

fn row<'a>(rows: &'a [GroupRow], key: &str) -> &'a GroupRow {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn fixture_reads_with_superseding_and_one_reject() {
    let (ds, _) = load("2024Q3");
    // 27 distinct cases; A02 appears twice (2023Q3 superseded by 2024Q3).
    assert_eq!(ds.cases.len(), 27);
    let t = ds.totals();
    assert!(t.balanced());
    // A02 (case) and R7 (referral) superseded; X99 rejected.
    assert_eq!(t.superseded, 2);
    assert_eq!(t.rejected, 1);
    assert_eq!(ds.rejects[0].line, 16);
    let a02 = ds.cases.iter().find(|c| &*c.case_id == "A02").unwrap();
    assert_eq!(a02.closed_date, Some(d("2024-08-15")));
}

#[test]
fn totals_for_the_four_periods() {
    let a = run("2024Q3", None);
    // Q 2024-07-01..09-30
    // found: E01 E02 E03 E04 E05 E06(09-30, boundary) E08 E09 E10 E11 E12 G01 = 12
    //        (E07 found 06-28 is PQ; X99 rejected)
    // filed: E01 E02 E09 E11 = 4 (E07 filed 06-30 is PQ)
    // closed: A02(08-15) E09(09-30) E10(09-15, no filed) E11(07-20) = 4
    // fine 20000+8000+2000 = 30000; confiscated 1000.5 (E09); volume 50+30.5 = 80.5
    // transferred: E07 (transfer date 07-02, though filed in PQ), E08 (no transfer
    //   date, no filed → found 07-10) = 2; A02 falls back to filed 2023-07-01, C02 dated 01-05.
    // criminal_filed: E07 = 1 (A02 dated 2023-07-01)
    // sites_closed: E06 = 1; power_cut: E06 E12 = 2; vessels: E04 1; equipment: E11 2; persons: E06 1
    // open_at_end (09-30): F01 D01 E01 E02 E07 = 5 (E09 closed on 09-30 is not open,
    //   A02 closed 08-15, E10 closed without filed is never open)
    // overdue: open and > 90 days: F01(212) D01(181) E01(91) E07(92) = 4, not E02(90);
    //   closed in Q > 90 days after filed: A02 = 1 → 5
    let qf = Figures {
        found: 12,
        filed: 4,
        closed: 4,
        fine_yuan: 30000.0,
        confiscated_yuan: 1000.5,
        volume_t: 80.5,
        transferred: 2,
        criminal_filed: 1,
        sites_closed: 1,
        power_cut: 2,
        vessels_seized: 1,
        equipment_seized: 2,
        persons: 1,
        open_at_end: 5,
        overdue: 5,
        overdue_open: 4,
        overdue_closed_late: 1,
    };
    assert_eq!(a.totals, qf);
    // PQ 2024-04-01..06-30
    // found: D01(04-01) D02(06-30) D03 E07 = 4; filed: D01 D03 E07(06-30) = 3
    // closed: C02(04-01) D03 = 2; fine 3000 (D03)
    // transferred 0 (C02 dated 01-05, E07 07-02); sites_closed D01 = 1
    // open at 06-30: A02 (closed later) F01 D01 E07 = 4
    // overdue: A02 (>1 year) F01(120) = 2, not D01(89); C02 closed 90 days after filed → not late
    let pq = Figures {
        found: 4,
        filed: 3,
        closed: 2,
        fine_yuan: 3000.0,
        sites_closed: 1,
        open_at_end: 4,
        overdue: 2,
        overdue_open: 2,
        ..Default::default()
    };
    assert_eq!(a.previous_quarter, pq);
    // SQLY 2023-07-01..09-30 — recomputed from the latest records (A02's 2024 closing)
    // found: A01(07-01) A03(09-30) A04 = 3 (A02 found 06-30 is outside)
    // filed: A01 A02(07-01) = 2; closed: A01(09-30) = 1; fine 10000, conf 2000, vol 100
    // transferred + criminal: A02 dated by filed 2023-07-01 = 1 each
    // sites_closed A01 A04 = 2; power_cut A03; vessels 2, equipment 1 (A03); persons 2 (A01)
    // open at 09-30: A02 = 1; overdue: A02 (91 days) = 1; A01 closed after 89 days → not late
    let sqly = Figures {
        found: 3,
        filed: 2,
        closed: 1,
        fine_yuan: 10000.0,
        confiscated_yuan: 2000.0,
        volume_t: 100.0,
        transferred: 1,
        criminal_filed: 1,
        sites_closed: 2,
        power_cut: 1,
        vessels_seized: 2,
        equipment_seized: 1,
        persons: 2,
        open_at_end: 1,
        overdue: 1,
        overdue_open: 1,
        overdue_closed_late: 0,
    };
    assert_eq!(a.same_quarter_last_year, sqly);
    // YTD 2024-01-01..09-30 = Q1 (C02 on 01-01, C01 on the leap day, F01, C03 on 03-31) + PQ + Q
    // found 4+4+12 = 20; filed C02 C01 F01 + 3 + 4 = 10; closed C01(03-31) + 2 + 4 = 7
    // fine 5000.5+3000+30000 = 38000.5; conf 1000.5; vol 12.25+80.5 = 92.75
    // transferred C02(01-05) + 2 = 3; criminal 1; sites_closed D01 E06 = 2; power_cut 2
    // vessels 1; equipment C03 3 + E11 2 = 5; persons C03 4 + E06 1 = 5
    // open_at_end as Q = 5; overdue: the 4 open + A02 closed late = 5 (C02 at 90 days is not)
    let ytd = Figures {
        found: 20,
        filed: 10,
        closed: 7,
        fine_yuan: 38000.5,
        confiscated_yuan: 1000.5,
        volume_t: 92.75,
        transferred: 3,
        criminal_filed: 1,
        sites_closed: 2,
        power_cut: 2,
        vessels_seized: 1,
        equipment_seized: 5,
        persons: 5,
        open_at_end: 5,
        overdue: 5,
        overdue_open: 4,
        overdue_closed_late: 1,
    };
    assert_eq!(a.year_to_date, ytd);

    // Changes: (Q − base) / base × 100, one decimal, null when base is 0.
    let c = &a.change_pct.previous_quarter;
    assert_eq!(c.found, Some(200.0)); // 12 vs 4
    assert_eq!(c.filed, Some(33.3)); // 4 vs 3 = 33.33…
    assert_eq!(c.closed, Some(100.0));
    assert_eq!(c.fine_yuan, Some(900.0));
    assert_eq!(c.confiscated_yuan, None); // base 0
    assert_eq!(c.transferred, None);
    assert_eq!(c.sites_closed, Some(0.0));
    assert_eq!(c.open_at_end, Some(25.0));
    assert_eq!(c.overdue, Some(150.0));
    let c = &a.change_pct.same_quarter_last_year;
    assert_eq!(c.found, Some(300.0));
    assert_eq!(c.confiscated_yuan, Some(-50.0)); // 1000.5 vs 2000 = −49.975 → −50.0
    assert_eq!(c.volume_t, Some(-19.5)); // 80.5 vs 100
    assert_eq!(c.criminal_filed, Some(0.0));
    assert_eq!(c.persons, Some(-50.0));
    assert_eq!(c.overdue, Some(400.0));
}

#[test]
fn groups_list_every_configured_key_in_order() {
    let a = run("2024Q3", None);
    let cfg = Config::embedded();
    let keys = |rows: &[GroupRow]| rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&a.by_unit), cfg.unit_names());
    assert_eq!(keys(&a.by_region), cfg.region_names());
    assert_eq!(keys(&a.by_violation_type), cfg.violation_type_names());
    assert!(a.by_township.is_empty(), "townships only when scoped");

    let found = |rows: &[GroupRow]| rows.iter().map(|r| r.quarter.found).collect::<Vec<_>>();
    // units: 自然资源 E01 E02; 公安 E05 E08 G01; 林业 E06; 应急 E09; 生态 E10;
    // 海洋 E03; 市场 E11; 海事 E04; 电力 E12; 交通运输 and 水利 none (empty groups)
    assert_eq!(found(&a.by_unit), vec![2, 3, 0, 1, 0, 1, 1, 1, 1, 1, 1]);
    // regions: 鹿城 E01 E02 G01; 洞头 E03–E06; 瑞安 E08; 永嘉 E09 E10; 平阳 E11; 苍南 E12
    assert_eq!(
        found(&a.by_region),
        vec![3, 0, 0, 4, 1, 0, 0, 2, 1, 1, 0, 0]
    );
    // types: 无证 E01 E02; 海岛 E03; 林地 E06; 火工品 E08; 无照 E11; 供电 E12;
    // 船舶 E04; 生态 E10; 安全 E09; 其他 E05 G01
    assert_eq!(
        found(&a.by_violation_type),
        vec![2, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 2]
    );
    // sources: 巡查 E01 E02 E09; 卫片 E10; 通报 E12; 举报 E03 E04 E05 E08 E11 G01; 媒体 E06
    let src: Vec<u64> = a.by_source.iter().map(|r| r.found).collect();
    assert_eq!(src, vec![3, 0, 1, 1, 6, 1, 0, 0]);
    assert_eq!(a.by_source.len(), cfg.sources.len());

    // 公安 in full: closed A02 (fine 20000, vol 50); transferred E07 E08; criminal E07;
    // open E07; overdue E07 (92 days) + A02 closed late.
    let ga = row(&a.by_unit, "公安");
    assert_eq!(
        ga.quarter,
        Figures {
            found: 3,
            closed: 1,
            fine_yuan: 20000.0,
            volume_t: 50.0,
            transferred: 2,
            criminal_filed: 1,
            open_at_end: 1,
            overdue: 2,
            overdue_open: 1,
            overdue_closed_late: 1,
            ..Default::default()
        }
    );
    // 公安 PQ: found D02 E07, filed E07, closed C02; open A02 E07; overdue A02.
    assert_eq!(
        ga.previous_quarter,
        Figures {
            found: 2,
            filed: 1,
            closed: 1,
            open_at_end: 2,
            overdue: 1,
            overdue_open: 1,
            ..Default::default()
        }
    );
    // 自然资源 Q: found/filed E01 E02; open F01 D01 E01 E02; overdue F01 D01 E01.
    let zr = row(&a.by_unit, "自然资源");
    assert_eq!(
        zr.quarter,
        Figures {
            found: 2,
            filed: 2,
            open_at_end: 4,
            overdue: 3,
            overdue_open: 3,
            ..Default::default()
        }
    );
    assert_eq!(zr.change_pct.same_quarter_last_year.found, Some(100.0)); // 2 vs A01
                                                                         // 交通运输: nothing in Q, C03 in YTD.
    let jt = row(&a.by_unit, "交通运输");
    assert!(jt.quarter.is_zero());
    assert_eq!(jt.year_to_date.found, 1);
    assert_eq!(jt.year_to_date.equipment_seized, 3);
    assert_eq!(jt.change_pct.previous_quarter.found, None);
    // 水利: PQ only (D03).
    let sl = row(&a.by_unit, "水利");
    assert!(sl.quarter.is_zero());
    assert_eq!(sl.previous_quarter.fine_yuan, 3000.0);
    assert_eq!(sl.change_pct.previous_quarter.found, Some(-100.0));
    // Groups add up to the totals.
    for rows in [&a.by_unit, &a.by_region, &a.by_violation_type] {
        let s: u64 = rows.iter().map(|r| r.quarter.overdue).sum();
        assert_eq!(s, a.totals.overdue);
        for r in rows.iter() {
            for f in r.periods() {
                assert_eq!(
                    f.overdue_open + f.overdue_closed_late,
                    f.overdue,
                    "{}",
                    r.key
                );
            }
        }
        let s: f64 = rows.iter().map(|r| r.year_to_date.fine_yuan).sum();
        assert_eq!(s, a.year_to_date.fine_yuan);
    }

    // Region × type (quarter found).
    let ct = &a.region_type;
    let cell = |r: &str, t: &str| {
        let ri = ct.regions.iter().position(|x| x == r).unwrap();
        let ti = ct.types.iter().position(|x| x == t).unwrap();
        ct.counts[ri][ti]
    };
    assert_eq!(cell("鹿城区", "无证开采"), 2);
    assert_eq!(cell("鹿城区", "其他"), 1);
    assert_eq!(cell("洞头区", "其他"), 1);
    assert_eq!(cell("洞头区", "非法占用林地"), 1);
    assert_eq!(cell("龙湾区", "越界开采"), 0);
    let total: u64 = ct.counts.iter().flatten().sum();
    assert_eq!(total, 12);
}

#[test]
fn trend_covers_quarters_with_data() {
    let a = run("2024Q3", None);
    // 2023Q2 has data through A02 (found 2023-06-30) but lies before the
    // first quarter folder (2023Q3): a re-exported case, not that quarter's
    // figures, so the trend starts at 2023Q3 (issue 18 §6).
    let t: Vec<(String, u64, u64, u64)> = a
        .trend
        .iter()
        .map(|p| (p.quarter.to_string(), p.found, p.filed, p.closed))
        .collect();
    let e = |q: &str, a, b, c| (q.to_string(), a, b, c);
    assert_eq!(
        t,
        vec![
            e("2023Q3", 3, 2, 1),  // A01 A03 A04 / A01 A02 / A01
            e("2023Q4", 3, 1, 1),  // B01 B02 H01 / B01 / B01
            e("2024Q1", 4, 3, 1),  // C01 C02 C03 F01 / C01 C02 F01 / C01
            e("2024Q2", 4, 3, 2),  // as PQ
            e("2024Q3", 12, 4, 4), // as Q
        ]
    );
}

#[test]
fn referrals_patrols_meetings() {
    let a = run("2024Q3", None);
    let r = &a.referrals;
    // Sent in Q: R1 R2 R3 R4 R6 (R5 and R7 were sent in Q2).
    // R1 answered in 7 days (on time), R2 in 8 (late); R3 R4 R6 unanswered.
    assert_eq!((r.sent, r.replied, r.replied_on_time), (5, 2, 1));
    let u = |k: &str| {
        let x = r.by_unit.iter().find(|x| x.key == k).unwrap();
        (x.sent, x.received, x.replied, x.replied_on_time)
    };
    assert_eq!(u("自然资源"), (2, 1, 0, 0)); // sent R1 R2, received R3
    assert_eq!(u("公安"), (1, 3, 1, 1)); // sent R3, received R1 R4 R6, answered R1
    assert_eq!(u("水利"), (1, 1, 1, 0)); // sent R4, received R2 (late)
    assert_eq!(u("交通运输"), (1, 0, 0, 0));
    assert_eq!(u("林业"), (0, 0, 0, 0)); // R7 received in Q2, R5 sent in Q2
    assert_eq!(r.by_unit.len(), 11);
    // Overdue at 09-30: R5 (Q2, never answered), R3 (10 days); not R4 (5 days),
    // not R6 (exactly 7 days), not R7 (answered in the 2024Q3 ledger, which
    // superseded its unanswered 2024Q2 row).
    let od: Vec<&str> = r.overdue.iter().map(|o| o.ref_id.as_str()).collect();
    assert_eq!(od, vec!["R5", "R3"]);
    assert_eq!(r.overdue[0].sent_date, d("2024-05-01"));
    assert_eq!(r.overdue[1].from_unit, "公安");

    // Patrols in Q: 07-05 自然资源 鹿城 联合 6/1; 07-06 自然资源 鹿城 单独 2/0;
    // 08-01 水利 瓯海 联合 4/2 (06-30 公安 is Q2).
    let p = &a.patrols;
    assert_eq!(
        (p.count, p.joint, p.person_times, p.issues_found),
        (3, 2, 12, 3)
    );
    let pu = &p.by_unit[0];
    assert_eq!((pu.count, pu.joint, pu.person_times), (2, 1, 8));
    assert_eq!(p.by_unit[1].count, 0);
    let pr = p.by_region.iter().find(|x| x.key == "瓯海区").unwrap();
    assert_eq!((pr.count, pr.joint, pr.person_times), (1, 1, 4));

    // Meetings: dates 07-15 and 09-10 (04-10 is Q2); 自然资源 both, 公安 07-15, 水利 none.
    let m = &a.meetings;
    assert_eq!(m.held, 2);
    let att: Vec<u64> = m.by_unit.iter().map(|x| x.attended).collect();
    assert_eq!(&att[..5], &[2, 1, 0, 0, 0]);
}

#[test]
fn recurrence_by_name_and_by_coordinates() {
    let a = run("2024Q3", None);
    let rc = &a.recurrence;
    // Register (取缔 = yes, found ≤ 09-30): A01 D01 (same site 鹿城/五马/山前采石场),
    // A04 (海岛采挖点), E06 (后山林地) → 3 distinct sites.
    assert_eq!(rc.closed_sites, 3);
    // Found in Q: E01 "山前采石场！" matches A01 and D01 by normalised name → the
    // earliest, A01. E03 (blank name) is 199 m from A04 → match; E04 201 m → none.
    // E05 (blank name, no coordinates) matches nothing. E06 at 后山林地 is not a
    // recurrence of B02 (B02 was never closed). D01 recurred A01 but was found in Q2.
    let pairs: Vec<(&str, &str, &str)> = rc
        .recurrences
        .iter()
        .map(|p| (&*p.closed_case, &*p.recurred_case, &*p.site))
        .collect();
    assert_eq!(
        pairs,
        vec![("A01", "E01", "山前采石场"), ("A04", "E03", "海岛采挖点")]
    );
    assert_eq!(rc.recurred_sites, 2);
    assert_eq!(rc.recurrences[1].found_date, d("2024-08-01"));
    assert_eq!(&*rc.recurrences[1].township, "北岙街道");

    // recurrences.csv, written row by row, is the table's CSV byte for
    // byte; by hand: BOM, header, one CRLF row per pair.
    let cfg = Config::embedded();
    let (name, csv) = minebrief::tables::recurrences_csv(&a, &cfg);
    assert_eq!(
        (name.clone(), csv.clone()),
        minebrief::tables::recurrence_table(&a, &cfg).csv_file()
    );
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(name, "recurrences.csv");
    assert!(text.starts_with(
        "\u{feff}县市区,乡镇街道,点位名称,取缔单位,取缔案件编号,反弹单位,反弹案件编号,发现日期\r\n"
    ));
    assert_eq!(text.matches("\r\n").count(), 3);
    assert!(text.contains(",北岙街道,海岛采挖点,"), "{text}");

    // Previous quarter: D01 → A01.
    let (ds, cfg) = load("2024Q3");
    let r = recurrence::detect(
        &ds.cases,
        q("2024Q2").period(),
        cfg.rules.recurrence_radius_m,
        &cfg.area,
    )
    .all;
    assert_eq!(r.recurrences.len(), 1);
    assert_eq!(&*r.recurrences[0].recurred_case, "D01");
    // Register at 2024Q2's end: A01 A04 D01 → 2 sites.
    assert_eq!(r.closed_sites, 2);
}

#[test]
fn scoped_to_one_region_by_township() {
    let a = run("2024Q3", Some("鹿城区"));
    assert_eq!(a.scope, "鹿城区");
    // 鹿城 cases in Q: E01 E02 (五马街道), G01 (blank township).
    assert_eq!(a.totals.found, 3);
    assert_eq!(a.totals.filed, 2);
    // open F01 D01 E01 E02; overdue F01 D01 E01
    assert_eq!(a.totals.open_at_end, 4);
    assert_eq!(a.totals.overdue, 3);
    // Townships: 五马街道 and （未填写）in byte order; 南汇街道 (H01, 2023Q4 only) has
    // nothing in the four periods and is left out.
    let keys: Vec<&str> = a.by_township.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, vec!["五马街道", "（未填写）"]);
    assert_eq!(a.by_township[0].quarter.found, 2);
    assert_eq!(a.by_township[0].quarter.overdue, 3);
    assert_eq!(a.by_township[1].quarter.found, 1);
    assert_eq!(a.by_region.len(), 1);
    // Referrals of 鹿城区: R1 only; patrols P1 P2.
    assert_eq!(a.referrals.sent, 1);
    assert_eq!(a.referrals.replied_on_time, 1);
    assert!(a.referrals.overdue.is_empty());
    assert_eq!(a.patrols.count, 2);
    // Recurrence inside 鹿城: E01 → A01; register A01 D01 = 1 site.
    assert_eq!(a.recurrence.closed_sites, 1);
    assert_eq!(a.recurrence.recurrences.len(), 1);
    assert_eq!(a.region_type.regions, vec!["鹿城区".to_string()]);
}

#[test]
fn quarter_without_previous_year_data() {
    // Report 2024Q1: folders 2023Q3–2024Q1 are read (C02 lives in 2024Q2 and is not).
    let a = run("2024Q1", None);
    // Q1: found C01 (leap day) C03 F01 = 3; filed C01 F01 = 2; closed C01 = 1
    assert_eq!((a.totals.found, a.totals.filed, a.totals.closed), (3, 2, 1));
    assert_eq!(a.totals.fine_yuan, 5000.5);
    assert_eq!(a.totals.volume_t, 12.25);
    // 2023Q1 has no data at all: every change against it is null.
    assert!(a.same_quarter_last_year.is_zero());
    assert!(a
        .change_pct
        .same_quarter_last_year
        .values()
        .iter()
        .all(|c| c.is_none()));
    // PQ 2023Q4: found B01 B02 H01 = 3 → 0.0 %; filed B01 = 1 → +100.0 %
    assert_eq!(a.change_pct.previous_quarter.found, Some(0.0));
    assert_eq!(a.change_pct.previous_quarter.filed, Some(100.0));
    // A02 as its 2023Q3 record (not closed): open at 2024-03-31 and overdue;
    // F01 open 29 days. open = A02 F01 = 2; overdue = A02 = 1.
    assert_eq!((a.totals.open_at_end, a.totals.overdue), (2, 1));
    // YTD equals the quarter in Q1.
    assert_eq!(a.year_to_date, a.totals);
}

// ---------------------------------------------------------------------------
// Independent recount: a plain loop over the records.

fn fig_of(cases: &[&Case], p: Period, closing_days: i64) -> Figures {
    let mut f = Figures::default();
    let (mut fine, mut conf, mut vol) = (0.0, 0.0, 0.0);
    for c in cases {
        let found = p.contains(c.found_date);
        let closed = p.contains_opt(c.closed_date);
        f.found += found as u64;
        f.filed += p.contains_opt(c.filed_date) as u64;
        f.closed += closed as u64;
        if closed {
            // exact sums in fen / hundredths of a tonne
            fine += (c.fine_yuan * 100.0).round();
            conf += (c.confiscated_yuan * 100.0).round();
            vol += (c.volume_t * 100.0).round();
        }
        let tday = c.transfer_date.or(c.filed_date).unwrap_or(c.found_date);
        f.transferred += (c.transferred && p.contains(tday)) as u64;
        f.criminal_filed += (c.criminal_filed && p.contains(tday)) as u64;
        if found {
            f.sites_closed += c.site_closed as u64;
            f.power_cut += c.power_cut as u64;
            f.vessels_seized += c.vessels_seized as u64;
            f.equipment_seized += c.equipment_seized as u64;
            f.persons += c.persons as u64;
        }
        if let Some(filed) = c.filed_date {
            let open = filed <= p.end && c.closed_date.is_none_or(|x| x > p.end);
            f.open_at_end += open as u64;
            if open && (p.end - filed).num_days() > closing_days {
                f.overdue += 1;
                f.overdue_open += 1;
            }
            if closed && (c.closed_date.unwrap() - filed).num_days() > closing_days {
                f.overdue += 1;
                f.overdue_closed_late += 1;
            }
        }
    }
    f.fine_yuan = analysis::figures::round_half_away(fine / 100.0, 2);
    f.confiscated_yuan = analysis::figures::round_half_away(conf / 100.0, 2);
    f.volume_t = analysis::figures::round_half_away(vol / 100.0, 2);
    f
}

fn recount(
    ds: &Dataset,
    cfg: &Config,
    quarter: Quarter,
    scope: Option<minebrief::model::RegionId>,
) {
    let a = analysis::analyse(ds, cfg, quarter, scope);
    let cases: Vec<&Case> = ds
        .cases
        .iter()
        .filter(|c| scope.is_none_or(|s| c.region == minebrief::model::RegionId(s.into())))
        .collect();
    let periods = a.periods.all();
    let n = cfg.rules.closing_days;
    let four = |cs: &[&Case]| -> [Figures; 4] { periods.map(|p| fig_of(cs, p, n)) };
    let tot = four(&cases);
    assert_eq!(
        [
            a.totals,
            a.previous_quarter,
            a.same_quarter_last_year,
            a.year_to_date
        ],
        tot
    );
    let check = |rows: &[GroupRow], key: &dyn Fn(&Case) -> String| {
        let mut groups: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
        for c in &cases {
            groups.entry(key(c)).or_default().push(c);
        }
        for r in rows {
            let cs = groups.get(&r.key).cloned().unwrap_or_default();
            let want = four(&cs);
            let got = r.periods().map(|f| *f);
            assert_eq!(got, want, "group {}", r.key);
        }
    };
    let units = cfg.unit_names();
    let regions = cfg.region_names();
    let types = cfg.violation_type_names();
    check(&a.by_unit, &|c| units[usize::from(c.unit)].to_string());
    check(&a.by_region, &|c| {
        regions[usize::from(c.region)].to_string()
    });
    check(&a.by_violation_type, &|c| {
        types[usize::from(c.violation_type)].to_string()
    });
    if scope.is_some() {
        check(&a.by_township, &|c| {
            analysis::township_name(&c.township).to_string()
        });
        // Every township with a non-zero figure is listed.
        let mut towns: Vec<String> = cases
            .iter()
            .map(|c| analysis::township_name(&c.township).to_string())
            .collect();
        towns.sort();
        towns.dedup();
        let nonzero: Vec<String> = towns
            .into_iter()
            .filter(|t| {
                let cs: Vec<&Case> = cases
                    .iter()
                    .copied()
                    .filter(|c| analysis::township_name(&c.township) == t)
                    .collect();
                four(&cs).iter().any(|f| !f.is_zero())
            })
            .collect();
        let listed: Vec<String> = a.by_township.iter().map(|r| r.key.clone()).collect();
        assert_eq!(listed, nonzero);
    }
    for s in &a.by_source {
        let n = cases
            .iter()
            .filter(|c| {
                c.source == minebrief::model::SourceId(s.id)
                    && a.periods.quarter.contains(c.found_date)
            })
            .count() as u64;
        assert_eq!(s.found, n, "source {}", s.key);
    }
    // Recurrence against the brute-force pairing.
    // City-wide (matches cross region borders); a region's part holds the
    // pairs whose register entry lies in the region.
    let naive: Vec<(String, String)> = recurrence::detect_naive(
        &ds.cases,
        a.periods.quarter,
        cfg.rules.recurrence_radius_m,
        &cfg.area,
    )
    .into_iter()
    .filter(|(closed, _)| {
        scope.is_none_or(|s| {
            ds.cases
                .iter()
                .any(|c| &*c.case_id == closed && c.region == minebrief::model::RegionId(s.into()))
        })
    })
    .collect();
    let mut got: Vec<(String, String)> = a
        .recurrence
        .recurrences
        .iter()
        .map(|p| (p.closed_case.to_string(), p.recurred_case.to_string()))
        .collect();
    got.sort();
    assert_eq!(got, naive);
}

/// A larger synthetic dataset: deterministic pseudo-random cases.
fn synthetic(n: usize, cfg: &Config) -> Dataset {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |m: u64| -> u64 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m.max(1)
    };
    let base = d("2023-01-01");
    let towns = ["五马街道", "南汇街道", "", "  ", "安阳街道", "塘下镇"];
    let sites = ["山前采石场", "山前 采石场", "", "河口", "西坡", "江心沙洲"];
    let mut cases = Vec::with_capacity(n);
    for i in 0..n {
        let found = base + chrono::Duration::days(next(640) as i64);
        let filed = (next(4) > 0).then(|| found + chrono::Duration::days(next(30) as i64));
        let closed = match filed {
            Some(f) if next(3) > 0 => Some(f + chrono::Duration::days(next(140) as i64)),
            None if next(5) == 0 => Some(found + chrono::Duration::days(next(50) as i64)),
            _ => None,
        };
        let has_xy = next(2) == 0;
        cases.push(Case {
            origin: Origin::new(0, i as u32 + 2, q("2024Q3")),
            case_id: format!("S{i:06}").into(),
            unit: minebrief::model::UnitId(next(cfg.units.len() as u64) as u16),
            region: minebrief::model::RegionId(next(4) as u16), // a few regions, so most are empty groups
            township: towns[next(towns.len() as u64) as usize].into(),
            site: sites[next(sites.len() as u64) as usize].into(),
            // (longitude drawn before latitude, as always)
            coords: if has_xy {
                let lon = 120.6 + next(40) as f64 * 0.0005;
                let lat = 28.0 + next(40) as f64 * 0.0005;
                minebrief::model::Coords::new(Some(lon), Some(lat))
            } else {
                minebrief::model::Coords::NONE
            },
            found_date: found,
            source: minebrief::model::SourceId(next(cfg.sources.len() as u64) as u16),
            violation_type: minebrief::model::TypeId(next(6) as u16),
            filed_date: filed,
            closed_date: closed,
            status: "".into(),
            fine_yuan: (next(100000) as f64) / 100.0,
            confiscated_yuan: (next(3) * 1000) as f64 + 0.1,
            volume_t: next(500) as f64 * 0.25,
            transferred: next(6) == 0,
            transfer_date: (next(3) == 0).then(|| found + chrono::Duration::days(next(20) as i64)),
            criminal_filed: next(8) == 0,
            persons: next(5) as u32,
            site_closed: next(4) == 0,
            power_cut: next(5) == 0,
            vessels_seized: next(3) as u32,
            equipment_seized: next(4) as u32,
            referred_by: None,
            text: None,
        });
    }
    // in (unit, 案件编号) order, as ingestion leaves a dataset
    cases.sort_by(|a, b| (a.unit, &a.case_id).cmp(&(b.unit, &b.case_id)));
    Dataset {
        quarters: vec![q("2023Q1"), q("2024Q3")],
        cases,
        ..Default::default()
    }
}

#[test]
fn independent_recount_fixture() {
    let (ds, cfg) = load("2024Q3");
    recount(&ds, &cfg, q("2024Q3"), None);
    recount(&ds, &cfg, q("2024Q3"), Some(minebrief::model::RegionId(0)));
    recount(&ds, &cfg, q("2024Q1"), None);
}

#[test]
fn independent_recount_synthetic() {
    let cfg = Config::embedded();
    let ds = synthetic(4000, &cfg);
    for quarter in ["2024Q3", "2024Q1", "2023Q2"] {
        recount(&ds, &cfg, q(quarter), None);
        recount(&ds, &cfg, q(quarter), Some(minebrief::model::RegionId(0)));
        recount(&ds, &cfg, q(quarter), Some(minebrief::model::RegionId(3)));
    }
}

#[test]
fn independent_recount_sample_data() {
    // sample_data/ (from `minebrief sample`) when it exists in the repository.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    if !dir.is_dir() {
        eprintln!("sample_data/ absent: skipped (the synthetic recount covers this)");
        return;
    }
    let cfg = Config::embedded();
    let ds = ingest::load(&dir, &cfg, None).unwrap();
    let Some(last) = ds.quarters.last().copied() else {
        return;
    };
    recount(&ds, &cfg, last, None);
    recount(&ds, &cfg, last, Some(minebrief::model::RegionId(4)));
}

#[test]
fn free_text_is_kept_for_the_report_quarter_only() {
    // 当事人, 证件号 and 简要案情 are kept only for records of the report
    // quarter's folder closed in that quarter (memory); figures unchanged.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let cfg = Config::embedded();
    for upto in ["2026Q3", "2026Q2"] {
        let ds = ingest::load(&dir, &cfg, Some(q(upto))).unwrap();
        let (mut kept, mut dropped) = (0, 0);
        let p = q(upto).period();
        for c in &ds.cases {
            let has = c.text.is_some();
            if c.origin.quarter() == q(upto) && c.closed_date.is_some_and(|d| p.contains(d)) {
                kept += usize::from(has);
            } else {
                assert!(
                    !has,
                    "{} from {} kept its text",
                    c.case_id,
                    c.origin.quarter()
                );
                dropped += 1;
            }
        }
        assert!(
            kept > 50 && dropped > 100,
            "{upto}: kept {kept}, dropped {dropped}"
        );
    }
}

// ---------------------------------------------------------------------------
// The build command.

fn build(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_minebrief"))
        .arg("build")
        .args(args)
        .output()
        .unwrap()
}

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn build_is_deterministic_and_replaces_the_folder() {
    let data = fixture();
    let t1 = tempfile::tempdir().unwrap();
    let t2 = tempfile::tempdir().unwrap();
    let args = |out: &Path| {
        vec![
            "--data".to_string(),
            data.to_string_lossy().to_string(),
            "--quarter".into(),
            "2024年第三季度".into(),
            "--out".into(),
            out.to_string_lossy().to_string(),
        ]
    };
    let a1 = args(t1.path());
    let o = build(&a1.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A stale file from an earlier run must not survive the next one.
    std::fs::write(t1.path().join("2024Q3/stale.txt"), "old").unwrap();
    let o = build(&a1.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0));
    assert!(!t1.path().join("2024Q3/stale.txt").exists());
    let a2 = args(t2.path());
    let o = build(&a2.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0));
    let f1 = read_tree(&t1.path().join("2024Q3"));
    let f2 = read_tree(&t2.path().join("2024Q3"));
    assert_eq!(f1.keys().collect::<Vec<_>>(), f2.keys().collect::<Vec<_>>());
    for (k, v) in &f1 {
        assert!(v == &f2[k], "{k} differs between runs");
    }
    for k in [
        "summary.json",
        "manifest.json",
        "rejects.csv",
        "tables/totals.csv",
        "tables/by_unit.csv",
        "tables/region_type.csv",
        "tables/trend.csv",
        "tables/recurrences.csv",
        "tables/referrals_overdue.csv",
    ] {
        assert!(f1.contains_key(k), "{k} missing");
    }
    // Excel-ready CSV.
    assert!(f1["tables/totals.csv"].starts_with(b"\xEF\xBB\xBF"));
    assert!(f1["rejects.csv"].starts_with(b"\xEF\xBB\xBF"));

    let s: serde_json::Value = serde_json::from_slice(&f1["summary.json"]).unwrap();
    assert_eq!(s["schema"], "minebrief.summary/1");
    assert_eq!(s["quarter"], "2024Q3");
    assert_eq!(s["period"]["start"], "2024-07-01");
    assert_eq!(s["period"]["end"], "2024-09-30");
    assert_eq!(s["scope"], "温州市");
    assert_eq!(s["totals"]["found"], 12);
    assert_eq!(s["totals"]["fine_yuan"], 30000);
    assert_eq!(s["year_to_date"]["fine_yuan"], 38000.5);
    assert_eq!(s["change_pct"]["previous_quarter"]["filed"], 33.3);
    assert!(s["change_pct"]["previous_quarter"]["transferred"].is_null());
    assert_eq!(s["inputs"]["rejected"], 1);
    assert_eq!(s["inputs"]["superseded"], 2);
    assert_eq!(s["inputs"]["files"].as_array().unwrap().len(), 11);
    assert_eq!(s["inputs"]["files"][0]["path"], "2023Q3/cases.csv");
    assert_eq!(s["by_unit"][1]["key"], "公安");
    assert_eq!(s["by_unit"][1]["found"], 3);
    assert_eq!(s["by_unit"][1]["previous_quarter"]["found"], 2);
    assert_eq!(s["by_source"][4]["found"], 6);
    assert_eq!(s["referrals"]["overdue"][0]["ref_id"], "R5");
    // The recurrence list is written entry by entry and the assessment
    // score by score: the file must read exactly as the whole value
    // printed at once.
    let mut pretty = serde_json::to_vec_pretty(&s).unwrap();
    pretty.push(b'\n');
    assert!(
        pretty == f1["summary.json"],
        "summary.json formatting differs"
    );
    assert_eq!(s["recurrence"]["recurrences"][0]["region"], "鹿城区");
    assert_eq!(
        s["recurrence"]["recurrences"][0]["found_date"],
        "2024-07-01"
    );
    assert_eq!(s["assessment"]["units"].as_array().unwrap().len(), 11);
    assert_eq!(s["assessment"]["regions"].as_array().unwrap().len(), 12);
    let m: serde_json::Value = serde_json::from_slice(&f1["manifest.json"]).unwrap();
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert!(m["inputs"][0]["bytes"].as_u64().unwrap() > 0);
    assert_eq!(m["config_sha256"].as_str().unwrap().len(), 64);
    // Only the output folder in OUT: no temporary, old or lock file left.
    let names: Vec<String> = std::fs::read_dir(t1.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, vec!["2024Q3".to_string()]);
}

#[test]
fn build_scoped_and_usage_errors() {
    let data = fixture();
    let t = tempfile::tempdir().unwrap();
    let data_s = data.to_string_lossy().to_string();
    let out_s = t.path().to_string_lossy().to_string();
    let o = build(&[
        "--data",
        &data_s,
        "--quarter",
        "2024Q3",
        "--out",
        &out_s,
        "--scope",
        "鹿城",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dir = t.path().join("2024Q3-鹿城区");
    assert!(dir.join("tables/by_township.csv").exists());
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["scope"], "鹿城区");
    assert_eq!(s["by_township"][1]["key"], "（未填写）");

    // Unknown region: exit 2, one line, with a suggestion.
    let o = build(&[
        "--data",
        &data_s,
        "--quarter",
        "2024Q3",
        "--out",
        &out_s,
        "--scope",
        "鹿城县区",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("鹿城区"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // Bad quarter and bad format: exit 2.
    let o = build(&["--data", &data_s, "--quarter", "2024Q5", "--out", &out_s]);
    assert_eq!(o.status.code(), Some(2));
    let o = build(&[
        "--data",
        &data_s,
        "--quarter",
        "2024Q3",
        "--out",
        &out_s,
        "--format",
        "odt",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // The formats renderers will handle are accepted.
    let o = build(&[
        "--data",
        &data_s,
        "--quarter",
        "2024Q3",
        "--out",
        &out_s,
        "--format",
        "html,pdf",
    ]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn empty_dataset_lists_every_group_with_zeros() {
    let cfg = Config::embedded();
    let a = analysis::analyse(&Dataset::default(), &cfg, q("2026Q3"), None);
    assert!(a.totals.is_zero() && a.year_to_date.is_zero());
    assert_eq!(a.by_unit.len(), cfg.units.len());
    assert_eq!(a.by_region.len(), cfg.regions.len());
    assert_eq!(a.by_violation_type.len(), cfg.violation_types.len());
    assert_eq!(a.by_source.len(), cfg.sources.len());
    assert!(a.by_unit.iter().all(|r| r.quarter.is_zero()));
    assert!(a
        .change_pct
        .previous_quarter
        .values()
        .iter()
        .all(|c| c.is_none()));
    assert!(a.trend.is_empty());
    assert_eq!(a.recurrence.closed_sites, 0);
    assert_eq!(a.region_type.counts.len(), cfg.regions.len());
}

#[test]
fn region_names_from_data_cannot_escape_out() {
    // A configuration whose region name contains path separators.
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    std::fs::create_dir_all(data.join("2024Q3")).unwrap();
    std::fs::write(
        data.join("minebrief.toml"),
        "[[regions]]\nname = \"../../逃逸区\"\naliases = [\"逃逸\"]\n",
    )
    .unwrap();
    std::fs::write(
        data.join("2024Q3/公安局.csv"),
        "案件编号,县市区,发现日期,线索来源,违法类型\nK1,逃逸,2024-07-01,群众举报,其他\n",
    )
    .unwrap();
    let out = t.path().join("out");
    let o = build(&[
        "--data",
        &data.to_string_lossy(),
        "--quarter",
        "2024Q3",
        "--out",
        &out.to_string_lossy(),
        "--scope",
        "逃逸",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, vec!["2024Q3-.._.._逃逸区".to_string()]);
    let mut top: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(top, vec!["data".to_string(), "out".to_string()]);
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(&names[0]).join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(s["totals"]["found"], 1);
}

/// A city run's summary.json holds what each region report prints beyond
/// the city's own tables (issue 18): the region's unit, township and
/// violation-type rows, its trend and its typical cases. They are the
/// figures of the region's own `--scope` run (its rows with any non-zero
/// figure, without the percent changes), the unit rows of all regions add
/// up to the city's, and the summary is the same whatever formats are
/// rendered.
#[test]
fn summary_json_holds_the_region_reports_figures() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis");
    let t = tempfile::tempdir().unwrap();
    let read = |p: PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p.join("summary.json")).unwrap()).unwrap()
    };
    let city_dir =
        crate::common::build(&data, "2024Q3", &t.path().join("a"), &["--format", "xlsx"]);
    let city = read(city_dir.clone());
    let html = read(crate::common::build(
        &data,
        "2024Q3",
        &t.path().join("b"),
        &[],
    ));
    assert_eq!(city, html, "summary.json depends on --format");
    let regions = city["regions"].as_array().unwrap();
    let names: Vec<&str> = regions
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let configured: Vec<&str> = city["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(names, configured);
    let mut o = crate::common::bin();
    o.args(["build", "--data"])
        .arg(&data)
        .args([
            "--quarter",
            "2024Q3",
            "--format",
            "xlsx",
            "--scope",
            "鹿城区",
            "--out",
        ])
        .arg(t.path().join("c"));
    crate::common::ok(&mut o);
    let scoped = read(t.path().join("c/2024Q3-鹿城区"));
    let lucheng = regions.iter().find(|r| r["name"] == "鹿城区").unwrap();
    let without_changes = |rows: &serde_json::Value| -> Vec<serde_json::Value> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.as_object_mut().unwrap().remove("change_pct");
                r
            })
            .collect()
    };
    for key in ["by_unit", "by_violation_type", "by_township"] {
        let mine = lucheng[key].as_array().unwrap();
        let theirs = without_changes(&scoped[key]);
        // every row kept is the scoped run's row, and every row with cases
        // found in the quarter is kept
        for row in mine {
            assert!(theirs.contains(row), "{key}: {row}");
        }
        for row in &theirs {
            if row["found"].as_u64().unwrap() > 0 {
                assert!(mine.contains(row), "{key}: {row}");
            }
        }
        assert!(!mine.is_empty(), "{key}");
    }
    assert_eq!(lucheng["trend"], scoped["trend"]);
    assert_eq!(lucheng["totals"], scoped["totals"]);
    // each region's typical cases are its own, and some region has some
    let mut any = false;
    for r in regions {
        for c in r["typical_cases"].as_array().unwrap() {
            any = true;
            let name = r["name"].as_str().unwrap();
            assert!(c["title"].as_str().unwrap().contains(name), "{name}: {c}");
            assert!(!c["text"].as_str().unwrap().is_empty());
        }
    }
    assert!(any, "no typical case in any region");
    // the regions' unit rows add up to the city's, figure by figure
    for unit in city["by_unit"].as_array().unwrap() {
        for fig in ["found", "filed", "closed"] {
            let sum: f64 = regions
                .iter()
                .flat_map(|r| r["by_unit"].as_array().unwrap())
                .filter(|r| r["key"] == unit["key"])
                .map(|r| r[fig].as_f64().unwrap())
                .sum();
            assert_eq!(sum, unit[fig].as_f64().unwrap(), "{} {fig}", unit["key"]);
        }
    }
}

/// The cell table does not depend on the order of the cases: its cells
/// are first met in another order when the cases are reversed or rotated,
/// and must still come out in key order with the same sums and the same
/// per-quarter counts.
#[test]
fn cell_table_is_the_same_whatever_the_order_of_the_cases() {
    use minebrief::analysis::cases;
    let cfg = Config::embedded();
    let ds = synthetic(3000, &cfg);
    let periods = analysis::Periods::of(q("2024Q3")).all();
    let town_of = |c: &Case| c.township.len() as u32;
    let whole = cases::cells_of(&ds.cases, town_of, &periods, 60);
    assert!(whole.keys.len() > 100 && !whole.per_quarter[2].is_empty());
    assert!(whole.keys.windows(2).all(|w| w[0] < w[1]), "key order");
    let mut reversed = ds.cases.clone();
    reversed.reverse();
    assert_eq!(cases::cells_of(&reversed, town_of, &periods, 60), whole);
    let mut rotated = ds.cases.clone();
    rotated.rotate_left(1234);
    assert_eq!(cases::cells_of(&rotated, town_of, &periods, 60), whole);
}
