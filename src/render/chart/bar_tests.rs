//! Unit tests of `bar.rs`, in their own file so that the module itself stays
//! under 600 lines.

use super::super::{default_measure, to_svg, Primitive};
use super::*;

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

fn bars(scene: &Scene, series: usize) -> Vec<(f32, f32, f32, f32)> {
    let fill = bar_style(series).fill;
    scene
        .items
        .iter()
        .filter_map(|p| match p {
            Primitive::Rect {
                x,
                y,
                w,
                h,
                fill: Some(f),
                ..
            } if *f == fill => Some((*x, *y, *w, *h)),
            _ => None,
        })
        .collect()
}

#[test]
fn bar_height_is_proportional_to_value() {
    let values = [10.0, 20.0, 5.0, 40.0];
    let ch = BarChart::new("t", ["a", "b", "c", "d"]).series("s", values);
    let scene = layout_bar_chart(&ch, &default_measure);
    let b = bars(&scene, 0);
    assert_eq!(b.len(), 4);
    let unit = b[0].3 / 10.0;
    for (bar, v) in b.iter().zip(values) {
        assert!((bar.3 - unit * v as f32).abs() < 0.01, "{bar:?} vs {v}");
    }
    // all bars stand on the same baseline
    let base = b[0].1 + b[0].3;
    assert!(b.iter().all(|r| (r.1 + r.3 - base).abs() < 0.01));
    // horizontal: widths proportional
    let scene = layout_bar_chart(&ch.clone().horizontal(), &default_measure);
    let b = bars(&scene, 0);
    let unit = b[0].2 / 10.0;
    for (bar, v) in b.iter().zip(values) {
        assert!((bar.2 - unit * v as f32).abs() < 0.01);
    }
}

#[test]
fn two_series_side_by_side() {
    let ch = BarChart::new("t", REGIONS)
        .series("本季度", (0..12).map(|i| i as f64 * 3.0))
        .series("去年同期", (0..12).map(|i| 40.0 - i as f64));
    let scene = layout_bar_chart(&ch, &default_measure);
    // the first rect of each style is its legend swatch
    let (a, b) = (&bars(&scene, 0)[1..], &bars(&scene, 1)[1..]);
    assert_eq!(a.len(), 11); // the zero bar is not drawn
    assert_eq!(b.len(), 12);
    // 龙湾区: this quarter's bar left of last year's, not overlapping
    assert!(a[0].0 + a[0].2 <= b[1].0 + 0.01 && a[0].0 > b[0].0);
    let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
    for r in REGIONS {
        assert!(texts.contains(&r), "{r}");
    }
    assert!(texts.contains(&"本季度") && texts.contains(&"去年同期"));
    // everything inside the scene
    for t in scene.texts() {
        assert!(
            t.x >= 0.0 && t.x <= scene.width && t.y > 0.0 && t.y <= scene.height,
            "{t:?}"
        );
    }
}

#[test]
fn degenerate_data_does_not_panic() {
    let cases = vec![
        BarChart::new("全零", ["a", "b"]).series("s", [0.0, 0.0]),
        BarChart::new("空", Vec::<String>::new()).series("s", []),
        BarChart::new("无系列", ["a"]),
        BarChart::new("单类", ["唯一"]).series("s", [3.0]),
        BarChart::new("坏值", ["a", "b", "c"]).series("s", [f64::NAN, f64::INFINITY, -5.0]),
        BarChart::new("短", ["a", "b", "c"]).series("s", [1.0]),
        BarChart::new("巨大", ["a"])
            .series("s", [1e300])
            .decimals(200),
        BarChart::new("", ["a"])
            .series("", [1.0])
            .width(f32::NAN)
            .plot_height(-3.0),
    ];
    for ch in cases {
        for ch in [ch.clone(), ch.clone().horizontal()] {
            let scene = layout_bar_chart(&ch, &default_measure);
            assert!(scene.width > 0.0 && scene.height > 0.0);
            let svg = to_svg(&scene);
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }
    let scene = layout_bar_chart(
        &BarChart::new("空", ["a"]).series("s", []),
        &default_measure,
    );
    assert!(scene.texts().any(|t| t.text == "暂无数据"));
    let scene = layout_bar_chart(
        &BarChart::new("全零", ["a"]).series("s", [0.0]),
        &default_measure,
    );
    assert!(!scene.texts().any(|t| t.text == "暂无数据"));
}

#[test]
fn score_chart_with_bands() {
    let ch = BarChart::new("各单位得分", ["自然资源", "公安", "交通运输"])
        .series("得分", [92.5, 78.0, 55.26])
        .decimals(1)
        .value_max(100.0)
        .bands(vec![
            Band::new(90.0, 100.0, "优秀"),
            Band::new(75.0, 90.0, "良好"),
            Band::new(60.0, 75.0, "合格"),
            Band::new(0.0, 60.0, "不合格"),
        ]);
    for ch in [ch.clone(), ch.horizontal()] {
        let scene = layout_bar_chart(&ch, &default_measure);
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        assert!(texts.contains(&"92.5") && texts.contains(&"78.0") && texts.contains(&"55.3"));
        assert!(texts.contains(&"优秀") && texts.contains(&"100"));
    }
}

#[test]
fn long_labels_are_wrapped_or_rotated_not_overlapping() {
    let types = [
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
    let ch = BarChart::new("违法类型", types).series("s", (0..15).map(|i| i as f64));
    let scene = layout_bar_chart(&ch, &default_measure);
    // every label is present, whole or in pieces
    let all: String = scene.texts().map(|t| t.text.as_str()).collect();
    for t in types {
        assert!(all.contains(t) || scene.texts().any(|x| t.starts_with(x.text.as_str())));
    }
    // unrotated labels on the same baseline do not overlap
    let mut flat: Vec<_> = scene
        .texts()
        .filter(|t| t.rotate == 0.0 && t.anchor == Anchor::Middle)
        .map(|t| (t.y.to_bits(), t.x, default_measure(&t.text, t.size)))
        .collect();
    flat.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for w in flat.windows(2) {
        if w[0].0 == w[1].0 {
            assert!(
                w[0].1 + w[0].2 / 2.0 <= w[1].1 - w[1].2 / 2.0 + 0.01,
                "{w:?}"
            );
        }
    }
}
