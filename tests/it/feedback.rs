//! 数据质量反馈单: `build --format xlsx` and `validate --feedback DIR` write
//! one workbook per unit with rejected rows in the report quarter or with no
//! case export (a header-only file is a 零报告 and counts as sent), and no
//! other.

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::common::{bin, build, ok};

const HEAD: &str = "案件编号,县市区,发现日期,线索来源,违法类型,当事人证件号\n";

fn data(dir: &Path) {
    let q = dir.join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    // line 2 accepted; line 3 a month 13 (bad_date); an old quarter's bad row
    // is not fed back again.
    std::fs::write(
        q.join("公安局.csv"),
        format!(
            "{HEAD}GA-1,瑞安市,2026-07-03,巡查发现,无证开采,\nGA-2,瑞安市,2026-13-01,巡查发现,无证开采,330302199001011234\n"
        ),
    )
    .unwrap();
    std::fs::write(q.join("水利.csv"), HEAD).unwrap();
    let old = dir.join("2026Q2");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(
        old.join("电力.csv"),
        format!("{HEAD}DL-1,瑞安市,2026-04-31,巡查发现,无证开采,\n"),
    )
    .unwrap();
}

fn sheet_rows(p: &Path) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(p).unwrap();
    let r = wb.worksheet_range("反馈单").unwrap();
    r.rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        // `.minebrief-output` marks a feedback folder as the tool's own.
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

#[test]
fn feedback_for_exactly_the_units_with_rejects_or_no_export() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    data(&d);
    let out = build(&d, "2026Q3", &tmp.path().join("out"), &["--format", "xlsx"]);
    // 公安 for its rejected row; the nine units that sent nothing; not 水利
    // (零报告), not 电力 (its bad row is in an earlier quarter's folder, and
    // it is "missing" for 2026Q3 only because it sent nothing then: listed).
    let mut want: Vec<String> = [
        "公安",
        "自然资源",
        "交通运输",
        "林业",
        "应急管理",
        "生态环境",
        "海洋与渔业",
        "市场监管",
        "海事",
        "电力",
    ]
    .iter()
    .map(|u| format!("{u}.xlsx"))
    .collect();
    want.sort();
    assert_eq!(names(&out.join("feedback")), want);

    let rows = sheet_rows(&out.join("feedback/公安.xlsx"));
    assert_eq!(rows[0][0], "数据质量反馈单");
    assert_eq!(rows[1][0], "2026年第三季度 · 市公安局");
    assert!(rows[2][0].contains("有1行未能入库"), "{:?}", rows[2]);
    assert_eq!(
        rows[4],
        ["序号", "文件", "行号", "字段", "报送的值", "问题及修改要求"]
    );
    assert_eq!(
        rows[5][..5],
        ["1", "2026Q3/公安局.csv", "3", "发现日期", "2026-13-01"]
    );
    assert!(rows[5][5].contains("日期"), "{:?}", rows[5]);
    assert_eq!(rows.len(), 8, "{rows:?}");
    // The ID number of the rejected row is in no cell of the sheet.
    assert!(!rows.iter().flatten().any(|c| c.contains("199001011234")));

    let rows = sheet_rows(&out.join("feedback/电力.xlsx"));
    assert!(
        rows[2][0].contains("未收到贵单位的案件台账"),
        "{:?}",
        rows[2]
    );
    assert_eq!(rows.len(), 6, "{rows:?}");

    // validate --feedback writes the same sheets.
    let fb = tmp.path().join("fb");
    ok(bin()
        .args(["validate", "--data"])
        .arg(&d)
        .args(["--quarter", "2026Q3", "--feedback"])
        .arg(&fb));
    assert_eq!(names(&fb), want);
    assert_eq!(
        std::fs::read(fb.join("公安.xlsx")).unwrap(),
        std::fs::read(out.join("feedback/公安.xlsx")).unwrap()
    );
}

#[test]
fn no_feedback_folder_without_xlsx() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    data(&d);
    let out = build(&d, "2026Q3", &tmp.path().join("out"), &["--format", "html"]);
    assert!(!out.join("feedback").exists());
}
