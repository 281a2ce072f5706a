//! The chart models of a briefing (trend, places, violation types): which
//! series and titles each chart gets; drawing them is the renderers' job.

use serde::Serialize;

use crate::analysis::{Analysis, GroupRow};
use crate::report::chart::{BarChart, Chart, LineChart};

/// Chart models (drawn as SVG in HTML, as vector graphics in PDF).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Charts {
    pub trend: Option<Chart>,
    pub areas: Option<Chart>,
    pub types: Option<Chart>,
}

/// Chinese numerals for the trend's title (近八个季度).
fn quarters_word(n: usize) -> String {
    crate::report::doc::chinese_number(n)
}

pub(super) fn charts(a: &Analysis, area_rows: &[GroupRow], area_label: &str) -> Charts {
    let trend = (!a.trend.is_empty()).then(|| {
        let labels: Vec<String> = a.trend.iter().map(|t| t.quarter.to_string()).collect();
        // The trend holds only quarters the data covers: say how many.
        let title = if a.trend.len() >= 8 {
            "近八个季度发现、立案、结案情况".to_string()
        } else if a.trend.len() == 1 {
            "本季度发现、立案、结案情况".to_string()
        } else {
            format!(
                "有完整数据的{}个季度发现、立案、结案情况",
                quarters_word(a.trend.len())
            )
        };
        Chart::Line(
            LineChart::new(title, labels)
                .series("发现", a.trend.iter().map(|t| t.found as f64))
                .series("立案", a.trend.iter().map(|t| t.filed as f64))
                .series("结案", a.trend.iter().map(|t| t.closed as f64))
                .value_label("单位：起"),
        )
    });
    let areas = (!area_rows.is_empty()).then(|| {
        let mut c = BarChart::new(
            format!("{area_label}发现非法采矿行为情况"),
            area_rows.iter().map(|g| g.key.clone()),
        )
        .series(
            a.quarter.chinese(),
            area_rows.iter().map(|g| g.quarter.found as f64),
        )
        .series(
            "去年同期",
            area_rows
                .iter()
                .map(|g| g.same_quarter_last_year.found as f64),
        )
        .value_label("单位：起");
        if area_rows.len() > 12 {
            c = c.horizontal();
        }
        Chart::Bar(c)
    });
    let mut types: Vec<&GroupRow> = a
        .by_violation_type
        .iter()
        .filter(|g| g.quarter.found > 0)
        .collect();
    types.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    let types = (!types.is_empty()).then(|| {
        Chart::Bar(
            BarChart::new("各违法类型发现情况", types.iter().map(|g| g.key.clone()))
                .series(
                    a.quarter.chinese(),
                    types.iter().map(|g| g.quarter.found as f64),
                )
                .value_label("单位：起")
                .horizontal(),
        )
    });
    Charts {
        trend,
        areas,
        types,
    }
}
