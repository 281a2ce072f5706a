//! Line chart layout (trends over quarters).

use super::layout::{
    all_integer, axis_title, chart_width, clean_series, describe, draw_x_labels, empty_scene,
    is_empty, legend, plan_x_labels, plot_height, title_block, value_axis_head, Canvas, Key,
    AXIS_TITLE_SIZE, CENTRE, PAD, TICK_SIZE, VALUE_SIZE,
};
use super::scene::{Anchor, Primitive, Scene, Stroke};
use super::style::{self, line_style};
use super::text::{clean_label, format_fixed, label_decimals, Measure};
use super::ticks::nice_ticks;
use super::LineChart;

/// Marker radius.
const R: f32 = 3.0;

/// Lays a line chart out into a [`Scene`]: one polyline with markers per
/// series, x labels under evenly spaced points, value labels placed where
/// they collide neither with each other nor with markers.
pub fn layout_line_chart(chart: &LineChart, measure: Measure) -> Scene {
    let width = chart_width(chart.width);
    if is_empty(&chart.x_labels, &chart.series) {
        return empty_scene(&chart.title, width, measure);
    }
    let mut c = Canvas::new(measure);
    let labels: Vec<String> = chart.x_labels.iter().map(|l| clean_label(l)).collect();
    let n = labels.len();
    let series = clean_series(&chart.series, n);
    let decimals = label_decimals(
        series.iter().flat_map(|(_, v)| v.iter().copied()),
        chart.decimals as usize,
    );
    let desc = describe(&chart.value_label, &labels, &series, decimals);
    let all = series.iter().flat_map(|(_, v)| v.iter().copied());
    let min = all.clone().fold(0.0, f64::min);
    let max = all.fold(0.0, f64::max);

    let mut y = title_block(&mut c, &chart.title, width, PAD);
    let entries: Vec<(String, Key)> = series
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.clone(), Key::Line(line_style(i))))
        .collect();
    if series.len() > 1 || series.iter().any(|(name, _)| !name.is_empty()) {
        y = legend(&mut c, &entries, width, y);
    }
    let plot_h = plot_height(chart.plot_height);
    let ticks = nice_ticks(
        min,
        max,
        (plot_h / 38.0).round() as usize,
        all_integer(&series),
    );
    let tick_labels = ticks.labels();
    let (tick_w, plot_top) = value_axis_head(
        &mut c,
        &tick_labels,
        &chart.value_label,
        chart.show_values,
        width,
        y,
    );
    let mut left = PAD + tick_w + 5.0;
    let mut right = PAD;
    let mut width = width;
    let mut plot_w;
    let mut slot;
    let mut plan;
    let mut round = 0;
    loop {
        plot_w = width - left - right;
        if plot_w < 60.0 {
            width += 60.0 - plot_w;
            plot_w = 60.0;
        }
        slot = plot_w / n as f32;
        plan = plan_x_labels(&c, &labels, slot);
        let more_left = plan.left_need - (left - PAD);
        let more_right = plan.right_need - (right - PAD);
        round += 1;
        if round >= 3 || (more_left <= 0.5 && more_right <= 0.5) {
            break;
        }
        left += more_left.max(0.0);
        right += more_right.max(0.0);
    }
    let plot_bottom = plot_top + plot_h;
    let (lo, hi) = (ticks.lo(), ticks.hi());
    let span = if hi > lo { hi - lo } else { 1.0 };
    let yv = |v: f64| plot_bottom - (((v - lo) / span).clamp(0.0, 1.0) as f32) * plot_h;
    let xv = |i: usize| left + (i as f32 + 0.5) * slot;

    for (t, l) in ticks.values.iter().zip(&tick_labels) {
        let ty = yv(*t);
        if *t != 0.0 {
            c.line(left, ty, left + plot_w, ty, Stroke::solid(style::GRID, 0.6));
        }
        c.text(
            l,
            left - 4.0,
            ty + CENTRE * TICK_SIZE,
            TICK_SIZE,
            Anchor::End,
            false,
            0.0,
            style::MUTED,
        );
    }
    // faint vertical guides at each x
    for i in 0..n {
        c.line(
            xv(i),
            plot_bottom,
            xv(i),
            plot_bottom + 3.0,
            Stroke::solid(style::AXIS, 0.6),
        );
    }
    let base = yv(0.0);
    c.line(
        left,
        base,
        left + plot_w,
        base,
        Stroke::solid(style::AXIS, 0.8),
    );

    for (s, (_, vals)) in series.iter().enumerate() {
        let ls = line_style(s);
        let points: Vec<(f32, f32)> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| (xv(i), yv(*v)))
            .collect();
        if points.len() > 1 {
            c.items.push(Primitive::Polyline {
                points: points.clone(),
                stroke: Stroke::dashed(ls.color, ls.width, &ls.dash),
            });
        }
        for (x, y) in points {
            c.marker(ls.marker, x, y, R, ls.color);
        }
    }

    if chart.show_values {
        place_values(
            &mut c,
            &series,
            decimals,
            slot,
            &xv,
            &yv,
            plot_top,
            plot_bottom,
        );
    }

    // clear of a marker sitting on the baseline
    let top = plot_bottom + R + 3.0;
    draw_x_labels(&mut c, &plan, &xv, top);
    let mut y = top + plan.height;
    let x_label = axis_title(&c, &chart.x_label, width - 2.0 * PAD);
    if !x_label.is_empty() {
        y += 4.0 + AXIS_TITLE_SIZE;
        c.text(
            &x_label,
            left + plot_w / 2.0,
            y,
            AXIS_TITLE_SIZE,
            Anchor::Middle,
            false,
            0.0,
            style::MUTED,
        );
    }
    c.finish(width, y + PAD, &chart.title, desc)
}

/// Value labels: at each x, highest value first, on the side of its marker
/// away from the neighbouring segments (above a peak, below a valley) if
/// that spot is free, else on the other side, else left out. A label's box
/// is `[baseline − 0.78 size, baseline + 0.05 size]` (digits have no
/// descenders), at most one slot wide, and stays inside the plot.
#[allow(clippy::too_many_arguments)]
fn place_values(
    c: &mut Canvas,
    series: &[(String, Vec<f64>)],
    decimals: usize,
    slot: f32,
    xv: &dyn Fn(usize) -> f32,
    yv: &dyn Fn(f64) -> f32,
    plot_top: f32,
    plot_bottom: f32,
) {
    let vs = VALUE_SIZE;
    let n = series.first().map_or(0, |(_, v)| v.len());
    for i in 0..n {
        let mut order: Vec<usize> = (0..series.len()).collect();
        order.sort_by(|a, b| series[*b].1[i].total_cmp(&series[*a].1[i]).then(a.cmp(b)));
        let markers: Vec<(f32, f32)> = series
            .iter()
            .map(|(_, v)| {
                let y = yv(v[i]);
                (y - R - 0.5, y + R + 0.5)
            })
            .collect();
        let mut taken: Vec<(f32, f32)> = Vec::new();
        for s in order {
            let vals = &series[s].1;
            let v = vals[i];
            let label = format_fixed(v, decimals);
            if c.w(&label, vs) > slot - 2.0 {
                continue;
            }
            let nb: Vec<f64> = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| vals.get(j).copied())
                .collect();
            let prefer_above = nb.is_empty() || v >= nb.iter().sum::<f64>() / nb.len() as f64;
            let py = yv(v);
            let above = py - R - 2.5;
            let below = py + R + 2.5 + 0.78 * vs;
            let spots = if prefer_above {
                [above, below]
            } else {
                [below, above]
            };
            let free = |base: f32, taken: &[(f32, f32)]| {
                let (t, b) = (base - 0.78 * vs, base + 0.05 * vs);
                let clear = |(a, z): &(f32, f32)| b <= *a || t >= *z;
                t >= plot_top - vs - 3.0
                    && b <= plot_bottom - 1.0
                    && taken.iter().all(clear)
                    && markers.iter().enumerate().all(|(k, m)| k == s || clear(m))
            };
            if let Some(base) = spots.into_iter().find(|b| free(*b, &taken)) {
                taken.push((base - 0.78 * vs, base + 0.05 * vs));
                c.text(
                    &label,
                    xv(i),
                    base,
                    vs,
                    Anchor::Middle,
                    false,
                    0.0,
                    line_style(s).color,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{default_measure, to_svg};
    use super::*;

    fn quarters() -> Vec<String> {
        [
            "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn trend_lines_follow_values() {
        let ch = LineChart::new("趋势", quarters())
            .series("发现", [10.0, 20.0, 30.0, 40.0, 35.0, 25.0, 15.0, 5.0])
            .series("立案", [8.0, 15.0, 22.0, 30.0, 30.0, 20.0, 10.0, 4.0]);
        let scene = layout_line_chart(&ch, &default_measure);
        let lines: Vec<&Vec<(f32, f32)>> = scene
            .items
            .iter()
            .filter_map(|p| match p {
                Primitive::Polyline { points, .. } => Some(points),
                _ => None,
            })
            .collect();
        assert_eq!(lines.len(), 2);
        let p = lines[0];
        assert_eq!(p.len(), 8);
        // equal spacing in x, y proportional to value from a common baseline
        let dx = p[1].0 - p[0].0;
        assert!(p.windows(2).all(|w| (w[1].0 - w[0].0 - dx).abs() < 0.01));
        let unit = (p[0].1 - p[1].1) / 10.0;
        assert!(((p[0].1 - p[3].1) - 30.0 * unit).abs() < 0.01);
        for q in quarters() {
            assert!(scene.texts().any(|t| t.text == q));
        }
        // value labels never overlap at the same x
        let mut vals: Vec<_> = scene
            .texts()
            .filter(|t| t.size == VALUE_SIZE)
            .map(|t| (t.x.to_bits(), t.y))
            .collect();
        vals.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for w in vals.windows(2) {
            if w[0].0 == w[1].0 {
                assert!(w[1].1 - w[0].1 >= 0.83 * VALUE_SIZE - 0.01, "{w:?}");
            }
        }
    }

    #[test]
    fn chinese_quarter_labels_fit() {
        let labels = [
            "24年四季度",
            "25年一季度",
            "25年二季度",
            "25年三季度",
            "25年四季度",
            "26年一季度",
            "26年二季度",
            "26年三季度",
        ];
        let ch = LineChart::new("趋势", labels).series("发现", [1.0; 8]);
        let scene = layout_line_chart(&ch, &default_measure);
        for l in labels {
            assert!(scene.texts().any(|t| t.text == l), "{l}");
        }
    }

    #[test]
    fn degenerate_line_charts() {
        for ch in [
            LineChart::new("空", Vec::<String>::new()),
            LineChart::new("空系列", ["a"]).series("s", []),
            LineChart::new("单点", ["2026Q3"]).series("s", [4.0]),
            LineChart::new("全零", ["a", "b"]).series("s", [0.0, 0.0]),
            LineChart::new("坏值", ["a", "b", "c"])
                .series("s", [f64::NAN, f64::NEG_INFINITY, -2.0]),
            LineChart::new("多", (0..200).map(|i| format!("第{i}期")))
                .series("s", (0..200).map(f64::from)),
        ] {
            let scene = layout_line_chart(&ch, &default_measure);
            let svg = to_svg(&scene);
            assert!(!svg.contains("NaN"));
        }
    }
}
