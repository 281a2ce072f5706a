//! The report contexts as document blocks, in the order of the HTML
//! templates (`briefing.html`, `region.html`, `assessment.html`).

use super::layout::{Align, Block, Cell, TableBlock};
use super::Document;
use crate::report::briefing::{BriefingDoc, Table};
use crate::report::{AssessmentDoc, Masthead, ScoreRow};

/// `2026年10月15日` → the date.
pub fn parse_chinese_date(s: &str) -> Option<chrono::NaiveDate> {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match nums[..] {
        [y, m, d] => chrono::NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    }
}

fn doc(m: &Masthead, title: String, blocks: Vec<Block>) -> Document {
    Document {
        title,
        author: m.office.clone(),
        date: parse_chinese_date(&m.issue_date),
        blocks,
    }
}

fn heading(b: &mut Vec<Block>, level: u8, text: String) {
    b.push(Block::Place(text.clone()));
    b.push(Block::Heading { level, text });
}

fn paras(b: &mut Vec<Block>, lines: &[String]) {
    b.extend(lines.iter().map(|l| Block::Para(l.clone())));
}

fn table(b: &mut Vec<Block>, t: &Table, place: &str) {
    if t.rows.is_empty() {
        return;
    }
    let num = if t.numeric { Align::Right } else { Align::Left };
    let head = t
        .head
        .iter()
        .enumerate()
        .map(|(i, h)| Cell::new(h.clone(), if i == 0 { Align::Left } else { num }))
        .collect();
    let rows = t
        .rows
        .iter()
        .map(|r| {
            std::iter::once(Cell::new(r.key.clone(), Align::Left))
                .chain(r.cells.iter().map(|c| Cell::new(c.clone(), num)))
                .collect()
        })
        .collect();
    b.push(Block::Place(if t.caption.is_empty() {
        place.to_string()
    } else {
        t.caption.clone()
    }));
    b.push(Block::Table(TableBlock {
        caption: t.caption.clone(),
        head,
        rows,
    }));
    b.push(Block::Place(place.to_string()));
}

fn chart(b: &mut Vec<Block>, c: &Option<crate::render::chart::Chart>) {
    if let Some(c) = c {
        b.push(Block::Chart(Box::new(c.clone())));
    }
}

/// The briefing, or a region's local report (`local`).
pub fn briefing(d: &BriefingDoc, local: bool) -> Document {
    let m = &d.masthead;
    let mut b = vec![
        Block::Place("发文机关标志".into()),
        Block::Masthead(m.office.clone()),
    ];
    if let Some(n) = &d.doc_number {
        b.push(Block::DocNumber(n.clone()));
    }
    let title = if local {
        format!("{}{}打击非法采矿工作情况", m.scope, m.quarter)
    } else {
        format!("关于{}{}打击非法采矿工作情况的通报", m.quarter, m.scope)
    };
    b.push(Block::Place("标题".into()));
    b.push(Block::Title(title.clone()));
    b.push(Block::Place("前言".into()));
    b.push(Block::Para(d.foreword.clone()));
    let h = "一、总体情况".to_string();
    heading(&mut b, 1, h.clone());
    paras(&mut b, &d.overview);
    if local {
        paras(&mut b, &d.standing);
    }
    table(&mut b, &d.totals_table, &h);
    chart(&mut b, &d.charts.trend);
    let h = format!("二、{}情况", d.area_label);
    heading(&mut b, 1, h.clone());
    paras(&mut b, &d.areas_text);
    chart(&mut b, &d.charts.areas);
    table(&mut b, &d.areas_table, &h);
    paras(&mut b, &d.types_text);
    chart(&mut b, &d.charts.types);
    table(&mut b, &d.types_table, &h);
    if local {
        let h = "三、部门查处情况".to_string();
        heading(&mut b, 1, h.clone());
        table(&mut b, &d.units_table, &h);
    } else {
        let h = "三、部门履职情况".to_string();
        heading(&mut b, 1, h.clone());
        paras(&mut b, &d.units_text);
        table(&mut b, &d.units_table, &h);
        table(&mut b, &d.referrals_table, &h);
        table(&mut b, &d.overdue_referrals, &h);
    }
    let h = "四、跟踪监管情况".to_string();
    heading(&mut b, 1, h.clone());
    paras(&mut b, &d.tracking_text);
    table(&mut b, &d.recurrences_table, &h);
    heading(&mut b, 1, "五、存在问题".into());
    for (i, p) in d.problems.iter().enumerate() {
        b.push(Block::Para(format!("{}. {p}", i + 1)));
    }
    heading(&mut b, 1, "六、下步工作".into());
    for (i, s) in d.next_steps.iter().enumerate() {
        b.push(Block::Para(format!("{}. {s}", i + 1)));
    }
    b.push(Block::Place("落款".into()));
    b.push(Block::Signature(vec![
        m.office.clone(),
        m.issue_date.clone(),
    ]));
    if !d.typical_cases.is_empty() {
        b.push(Block::PageBreak);
        b.push(Block::Place("附件".into()));
        b.push(Block::Label("附件".into()));
        b.push(Block::Title("典型案例".into()));
        for (i, c) in d.typical_cases.iter().enumerate() {
            heading(&mut b, 2, format!("{}. {}", i + 1, c.title));
            b.push(Block::Para(c.text.clone()));
        }
    }
    doc(m, title, b)
}

fn score_table(b: &mut Vec<Block>, rows: &[ScoreRow], caption: &str, who: &str) {
    let r = Align::Right;
    let c = Align::Center;
    let head = [
        ("名次", c),
        (who, Align::Left),
        ("指标得分", r),
        ("扣分", r),
        ("加减分", r),
        ("总分", r),
        ("等次", c),
    ]
    .iter()
    .map(|(t, a)| Cell::new(*t, *a))
    .collect();
    let rows = rows
        .iter()
        .map(|s| {
            vec![
                Cell::new(s.rank.to_string(), c),
                Cell::new(s.name.clone(), Align::Left),
                Cell::new(s.indicator_points.clone(), r),
                Cell::new(s.deduction_points.clone(), r),
                Cell::new(s.adjustment_points.clone(), r),
                Cell::new(s.score.clone(), r),
                Cell::new(s.grade.clone(), c),
            ]
        })
        .collect();
    b.push(Block::Place(caption.to_string()));
    b.push(Block::Table(TableBlock {
        caption: caption.to_string(),
        head,
        rows,
    }));
}

/// The assessment report (考核通报).
pub fn assessment(d: &AssessmentDoc) -> Document {
    let m = &d.masthead;
    let title = format!("{}{}打击非法采矿工作考核通报", m.quarter, m.scope);
    let mut b = vec![
        Block::Place("发文机关标志".into()),
        Block::Masthead(m.office.clone()),
        Block::Place("标题".into()),
        Block::Title(title.clone()),
        Block::Place("前言".into()),
        Block::Para(d.intro.clone()),
    ];
    heading(&mut b, 1, "一、考核办法".into());
    paras(&mut b, &d.rubric);
    heading(&mut b, 1, "二、考核结果".into());
    paras(&mut b, &d.summary);
    heading(&mut b, 2, "（一）成员单位".into());
    score_table(&mut b, &d.units, "表1　成员单位考核得分", "单位");
    chart(&mut b, &d.unit_chart);
    heading(&mut b, 2, "（二）县（市、区）".into());
    score_table(
        &mut b,
        &d.regions,
        "表2　县（市、区）考核得分",
        "县（市、区）",
    );
    chart(&mut b, &d.region_chart);
    heading(&mut b, 1, "三、约谈名单".into());
    if d.accountability.is_empty() {
        b.push(Block::Para("本季度无单位和地区列入约谈名单。".into()));
    } else {
        b.push(Block::Para(
            "根据考核细则，以下单位和地区列入本季度约谈名单：".into(),
        ));
        let rows = d
            .accountability
            .iter()
            .map(|e| {
                vec![
                    Cell::new(
                        if e.kind == "unit" {
                            "成员单位"
                        } else {
                            "县（市、区）"
                        },
                        Align::Center,
                    ),
                    Cell::new(e.name.clone(), Align::Left),
                    Cell::new(e.reasons.join("；"), Align::Left),
                ]
            })
            .collect();
        b.push(Block::Table(TableBlock {
            caption: String::new(),
            head: vec![
                Cell::new("类别", Align::Center),
                Cell::new("名称", Align::Left),
                Cell::new("列入原因", Align::Left),
            ],
            rows,
        }));
        b.push(Block::Para(
            "请列入约谈名单的单位和地区认真分析原因，于下季度联席会议前书面报告整改措施。".into(),
        ));
    }
    b.push(Block::Place("落款".into()));
    b.push(Block::Signature(vec![
        m.office.clone(),
        m.issue_date.clone(),
    ]));

    b.push(Block::PageBreak);
    b.push(Block::Place("附件".into()));
    b.push(Block::Label("附件".into()));
    b.push(Block::Title("评分说明".into()));
    b.push(Block::Para("下表列出每项得分的计算依据：指标的分子、分母、完成率和得分，扣分项的次数和对应案件编号，以及加减分的事由和依据。".into()));
    let r = Align::Right;
    let l = Align::Left;
    for x in &d.details {
        let h = format!(
            "{}：{}（{}分，第{}名，{}）",
            x.kind, x.name, x.score, x.rank, x.grade
        );
        heading(&mut b, 2, h);
        let mut rows: Vec<Vec<Cell>> = x
            .indicators
            .iter()
            .map(|i| {
                vec![
                    Cell::new(i.name.clone(), l),
                    Cell::new(i.weight.clone(), r),
                    Cell::new(i.numerator.clone(), r),
                    Cell::new(i.denominator.clone(), r),
                    Cell::new(i.rate.clone(), r),
                    Cell::new(i.points.clone(), r),
                ]
            })
            .collect();
        for dd in &x.deductions {
            rows.push(vec![
                Cell::new(format!("{}（{}）", dd.name, dd.rule), l),
                Cell::new(format!("{}起", dd.count), r).span(2),
                Cell::new(dd.case_ids.clone(), l).span(2),
                Cell::new(dd.points.clone(), r),
            ]);
        }
        for a in &x.adjustments {
            rows.push(vec![
                Cell::new(format!("加减分：{}", a.reason), l),
                Cell::new(a.basis.clone(), l).span(4),
                Cell::new(a.points.clone(), r),
            ]);
        }
        b.push(Block::Table(TableBlock {
            caption: String::new(),
            head: ["指标", "权重", "分子", "分母", "完成率", "得分"]
                .iter()
                .enumerate()
                .map(|(i, t)| Cell::new(*t, if i == 0 { l } else { r }))
                .collect(),
            rows,
        }));
        b.push(Block::Note(x.sum.clone()));
    }
    doc(m, title, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_dates() {
        assert_eq!(
            parse_chinese_date("2026年10月15日"),
            chrono::NaiveDate::from_ymd_opt(2026, 10, 15)
        );
        assert_eq!(parse_chinese_date("十月"), None);
    }
}
