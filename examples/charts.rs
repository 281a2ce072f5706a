//! Writes an HTML page with example charts, to look at in a browser or to
//! screenshot:
//!
//! ```sh
//! cargo run --example charts -- /tmp/charts.html
//! chromium --headless --no-sandbox --disable-gpu --no-first-run \
//!   --disable-background-networking --screenshot=/tmp/charts.png \
//!   --window-size=1200,2000 file:///tmp/charts.html
//! ```
//!
//! Each chart is shown in colour and, next to it, in greyscale (as a
//! monochrome printer would print it).

use minebrief::render::chart::{Band, BarChart, Chart, LineChart};

const REGIONS: [&str; 12] = [
    "鹿城区",
    "龙湾区",
    "瓯海区",
    "洞头区",
    "瑞安市",
    "乐清市",
    "龙港市",
    "永嘉县",
    "平阳县",
    "苍南县",
    "文成县",
    "泰顺县",
];

const TYPES: [&str; 15] = [
    "无证开采",
    "越界开采",
    "河道非法采砂",
    "非法开采海砂",
    "无居民海岛非法采挖",
    "非法占用林地",
    "火工品违法",
    "无照经营",
    "违规架设供电线路",
    "矿产品违法运输",
    "采运砂船舶违法",
    "破坏生态环境",
    "安全生产违法",
    "非法加工矿产品",
    "其他",
];

fn charts() -> Vec<(&'static str, Chart)> {
    let this = [
        18.0, 7.0, 12.0, 3.0, 26.0, 21.0, 9.0, 15.0, 17.0, 23.0, 4.0, 6.0,
    ];
    let last = [
        14.0, 9.0, 12.0, 5.0, 19.0, 24.0, 0.0, 11.0, 20.0, 16.0, 2.0, 6.0,
    ];
    let by_type = [
        31.0, 12.0, 27.0, 9.0, 2.0, 14.0, 3.0, 8.0, 5.0, 11.0, 6.0, 7.0, 4.0, 10.0, 1.0,
    ];
    let quarters = [
        "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3",
    ];
    let quarters_zh = [
        "24年四季度",
        "25年一季度",
        "25年二季度",
        "25年三季度",
        "25年四季度",
        "26年一季度",
        "26年二季度",
        "26年三季度",
    ];
    let found = [142.0, 118.0, 131.0, 156.0, 128.0, 109.0, 124.0, 161.0];
    let filed = [97.0, 88.0, 95.0, 112.0, 101.0, 79.0, 90.0, 118.0];
    let closed = [85.0, 90.0, 84.0, 96.0, 104.0, 83.0, 78.0, 99.0];
    let scores = [
        96.5, 88.0, 91.25, 72.0, 84.5, 79.0, 58.5, 93.0, 86.0, 81.5, 66.0, 75.5,
    ];
    let grades = vec![
        Band::new(90.0, 100.0, "优秀"),
        Band::new(80.0, 90.0, "良好"),
        Band::new(60.0, 80.0, "合格"),
        Band::new(0.0, 60.0, "不合格"),
    ];
    vec![
        (
            "regions × 2 series",
            Chart::Bar(
                BarChart::new(
                    "图1  2026年第三季度各县（市、区）发现非法采矿行为情况",
                    REGIONS,
                )
                .series("本季度", this)
                .series("去年同期", last)
                .value_label("单位：起"),
            ),
        ),
        (
            "15 violation types, horizontal",
            Chart::Bar(
                BarChart::new("图2  非法采矿行为违法类型分布", TYPES)
                    .series("案件数", by_type)
                    .value_label("单位：起")
                    .horizontal(),
            ),
        ),
        (
            "8-quarter trend",
            Chart::Line(
                LineChart::new("图3  近八个季度发现、立案、结案情况", quarters)
                    .series("发现", found)
                    .series("立案", filed)
                    .series("结案", closed)
                    .value_label("单位：起"),
            ),
        ),
        (
            "scores with grade bands",
            Chart::Bar(
                BarChart::new("图4  各县（市、区）考核得分", REGIONS)
                    .series("得分", scores)
                    .decimals(1)
                    .value_max(100.0)
                    .bands(grades.clone())
                    .value_label("得分"),
            ),
        ),
        (
            "scores, horizontal",
            Chart::Bar(
                BarChart::new(
                    "图5  成员单位考核得分",
                    [
                        "自然资源",
                        "公安",
                        "交通运输",
                        "水利",
                        "应急管理",
                        "生态环境",
                        "海洋与渔业",
                        "市场监管",
                        "海事",
                        "电力",
                        "综合行政执法局",
                    ],
                )
                .series(
                    "得分",
                    [
                        95.0, 91.5, 83.0, 77.5, 88.0, 69.0, 92.0, 85.5, 57.0, 90.0, 80.0,
                    ],
                )
                .decimals(1)
                .value_max(100.0)
                .bands(grades)
                .horizontal(),
            ),
        ),
        (
            "trend, Chinese quarter labels",
            Chart::Line(
                LineChart::new("图6  近八个季度罚没款金额", quarters_zh)
                    .series("罚没款", [12.5, 30.25, 8.0, 0.0, 44.8, 21.3, 17.06, 25.5])
                    .decimals(2)
                    .value_label("单位：万元"),
            ),
        ),
        (
            "violation types, vertical (rotation)",
            Chart::Bar(
                BarChart::new("图7  违法类型（竖排）", TYPES)
                    .series("本季度", by_type)
                    .series("上季度", by_type.map(|v| (v * 0.8f64).round())),
            ),
        ),
        (
            "four series",
            Chart::Bar(
                BarChart::new(
                    "图8  线索来源",
                    [
                        "巡查发现",
                        "电子监控",
                        "卫片执法",
                        "部门通报",
                        "群众举报",
                        "媒体曝光",
                    ],
                )
                .series("一季度", [20.0, 5.0, 8.0, 6.0, 14.0, 2.0])
                .series("二季度", [22.0, 7.0, 6.0, 9.0, 11.0, 1.0])
                .series("三季度", [25.0, 9.0, 10.0, 7.0, 12.0, 3.0])
                .series("四季度", [19.0, 8.0, 12.0, 5.0, 15.0, 0.0]),
            ),
        ),
        (
            "horizontal, 2 series, labels wider than the label column",
            Chart::Bar(
                BarChart::new(
                    "图9  部门移送与函告回复情况",
                    [
                        "温州市自然资源和规划局鹿城分局执法监察大队",
                        "公安水上分局",
                        "国网温州供电公司",
                        "海洋与渔业",
                    ],
                )
                .series("移送", [12.0, 3.0, 0.0, 7.0])
                .series("已回复", [10.0, 3.0, 0.0, 5.0])
                .category_label("单位")
                .value_label("单位：件")
                .horizontal(),
            ),
        ),
        (
            "edge: all zero",
            Chart::Bar(
                BarChart::new("图9  全部为零", ["鹿城区", "龙湾区", "瓯海区"])
                    .series("本季度", [0.0; 3]),
            ),
        ),
        (
            "edge: empty",
            Chart::Line(LineChart::new("图10  无数据", quarters).series("发现", [])),
        ),
        (
            "edge: one category, hostile label",
            Chart::Bar(
                BarChart::new(
                    "图11  <script>alert(\"x\")</script> & 单类",
                    ["<b>鹿城区</b>"],
                )
                .series("本季度", [f64::NAN])
                .series("去年同期", [3.0]),
            ),
        ),
    ]
}

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/minebrief-charts.html".to_string());
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>minebrief charts</title>\n<style>\nbody{margin:16px;font-family:sans-serif}\n.row{display:flex;gap:16px;margin-bottom:18px;align-items:flex-start}\n.cell{width:560px;border:1px solid #ccc}\n.grey{filter:grayscale(100%)}\nh2{font-size:13px;color:#666;margin:4px 0}\n</style></head><body>\n",
    );
    for (name, chart) in charts() {
        let svg = chart.to_svg();
        html.push_str(&format!(
            "<h2>{name}</h2>\n<div class=\"row\"><div class=\"cell\">{svg}</div><div class=\"cell grey\">{svg}</div></div>\n"
        ));
    }
    html.push_str("</body></html>\n");
    std::fs::write(&path, html)?;
    println!("wrote {path}");
    Ok(())
}
