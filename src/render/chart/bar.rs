//! Bar chart layout, vertical and horizontal.

use super::layout::{
    all_integer, axis_title, chart_width, clean_series, describe, draw_x_labels, empty_scene,
    is_empty, legend, plan_x_labels, plot_height, title_block, value_axis_head, Canvas, Key,
    AXIS_TITLE_SIZE, CENTRE, LABEL_SIZE, PAD, TICK_SIZE, VALUE_SIZE,
};
use super::scene::{Anchor, Scene, Stroke};
use super::style::{self, bar_style};
use super::text::{
    clean_label, format_fixed, label_decimals, truncate, wrap_balanced, wrap_text, Measure,
};
use super::ticks::{clean_value, nice_ticks, Ticks};
use super::{Band, BarChart, Orientation};

/// Lays a bar chart out into a [`Scene`]. Text widths come from `measure`
/// (see [`super::default_measure`]).
pub fn layout_bar_chart(chart: &BarChart, measure: Measure) -> Scene {
    let width = chart_width(chart.width);
    if is_empty(&chart.categories, &chart.series) {
        return empty_scene(&chart.title, width, measure);
    }
    let data = Data::new(chart);
    match chart.orientation {
        Orientation::Vertical => vertical(chart, &data, width, measure),
        Orientation::Horizontal => horizontal(chart, &data, width, measure),
    }
}

struct Data {
    cats: Vec<String>,
    series: Vec<(String, Vec<f64>)>,
    min: f64,
    max: f64,
    integer: bool,
    decimals: usize,
    bands: Vec<Band>,
    desc: String,
}

impl Data {
    fn new(chart: &BarChart) -> Self {
        let cats: Vec<String> = chart.categories.iter().map(|c| clean_label(c)).collect();
        let series = clean_series(&chart.series, cats.len());
        let all = series.iter().flat_map(|(_, v)| v.iter().copied());
        let min = all.clone().fold(0.0, f64::min);
        let mut max = all.fold(0.0, f64::max);
        if let Some(vm) = chart.value_max {
            max = max.max(clean_value(vm));
        }
        let decimals = label_decimals(
            series.iter().flat_map(|(_, v)| v.iter().copied()),
            chart.decimals as usize,
        );
        let integer = all_integer(&series) && chart.value_max.is_none_or(|v| v.fract() == 0.0);
        let bands = chart
            .bands
            .iter()
            .map(|b| {
                let (a, z) = (clean_value(b.from), clean_value(b.to));
                Band::new(a.min(z), a.max(z), clean_label(&b.label))
            })
            .collect();
        let desc = describe(&chart.value_label, &cats, &series, decimals);
        Data {
            cats,
            series,
            min,
            max,
            integer,
            decimals,
            bands,
            desc,
        }
    }

    fn legend_entries(&self) -> Vec<(String, Key)> {
        self.series
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), Key::Bar(bar_style(i))))
            .collect()
    }
}

/// Maps a value to a position along an axis of length `len` starting at
/// `start`; `flip` for y (values grow upwards).
fn scale(t: &Ticks, start: f32, len: f32, flip: bool) -> impl Fn(f64) -> f32 {
    let (lo, hi) = (t.lo(), t.hi());
    let span = if hi > lo { hi - lo } else { 1.0 };
    move |v: f64| {
        let f = ((clean_value(v) - lo) / span).clamp(0.0, 1.0) as f32;
        if flip {
            start + len - f * len
        } else {
            start + f * len
        }
    }
}

fn vertical(chart: &BarChart, d: &Data, width: f32, m: Measure) -> Scene {
    let mut c = Canvas::new(m);
    let n = d.cats.len();
    let ns = d.series.len();
    let mut y = title_block(&mut c, &chart.title, width, PAD);
    if ns > 1 {
        y = legend(&mut c, &d.legend_entries(), width, y);
    }
    let plot_h = plot_height(chart.plot_height);
    let ticks = nice_ticks(d.min, d.max, (plot_h / 38.0).round() as usize, d.integer);
    let tick_labels = ticks.labels();
    let (tick_w, plot_top) = value_axis_head(
        &mut c,
        &tick_labels,
        &chart.value_label,
        chart.show_values,
        width,
        y,
    );
    let band_w = d
        .bands
        .iter()
        .map(|b| c.w(&b.label, VALUE_SIZE))
        .fold(0.0, f32::max);
    let mut left = PAD + tick_w + 5.0;
    let mut right = PAD + if band_w > 0.0 { band_w + 5.0 } else { 0.0 };
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
        plan = plan_x_labels(&c, &d.cats, slot);
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
    let yv = scale(&ticks, plot_top, plot_h, true);

    // grade bands
    for (i, b) in d.bands.iter().enumerate() {
        let (a, z) = (b.from.max(ticks.lo()), b.to.min(ticks.hi()));
        if z <= a {
            continue;
        }
        let (y0, y1) = (yv(z), yv(a));
        c.rect(
            left,
            y0,
            plot_w,
            y1 - y0,
            Some(style::BAND_FILLS[i % 2]),
            None,
        );
        let ly = (y0 + y1) / 2.0 + CENTRE * VALUE_SIZE;
        if y1 - y0 >= VALUE_SIZE {
            c.text(
                &b.label,
                left + plot_w + 4.0,
                ly,
                VALUE_SIZE,
                Anchor::Start,
                false,
                0.0,
                style::MUTED,
            );
        }
    }
    // grid and tick labels
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
    band_lines(&mut c, d, &ticks, |v| {
        let by = yv(v);
        (left, by, left + plot_w, by)
    });

    // bars
    let group = slot * if ns > 1 { 0.8 } else { 0.6 };
    let bar_w = (group / ns as f32).min(if ns > 1 { 28.0 } else { 40.0 });
    let gap = if ns > 1 { bar_w.min(1.0) } else { 0.0 };
    let base = yv(0.0);
    let allowance = if ns > 1 { bar_w + 0.5 } else { slot - 3.0 };
    let vsize = value_size(&c, d, allowance, chart.show_values);
    for i in 0..n {
        let gx = left + i as f32 * slot + (slot - bar_w * ns as f32) / 2.0;
        for (s, (_, vals)) in d.series.iter().enumerate() {
            let v = vals[i];
            let top = yv(v);
            let x = gx + s as f32 * bar_w + gap / 2.0;
            let (y0, h) = (top.min(base), (top - base).abs());
            if h >= 0.05 {
                c.bar(x, y0, bar_w - gap, h, &bar_style(s));
            }
            if let Some(vs) = vsize {
                let label = format_fixed(v, d.decimals);
                if c.w(&label, vs) <= allowance {
                    let ly = if v >= 0.0 { top - 2.5 } else { top + vs + 1.5 };
                    c.text(
                        &label,
                        x + (bar_w - gap) / 2.0,
                        ly,
                        vs,
                        Anchor::Middle,
                        false,
                        0.0,
                        style::TEXT,
                    );
                }
            }
        }
    }
    c.line(
        left,
        base,
        left + plot_w,
        base,
        Stroke::solid(style::AXIS, 0.8),
    );

    // category labels
    let top = plot_bottom + 4.0;
    draw_x_labels(&mut c, &plan, &|i| left + (i as f32 + 0.5) * slot, top);
    let mut y = top + plan.height;
    let cat_label = axis_title(&c, &chart.category_label, width - 2.0 * PAD);
    if !cat_label.is_empty() {
        y += 4.0 + AXIS_TITLE_SIZE;
        c.text(
            &cat_label,
            left + plot_w / 2.0,
            y,
            AXIS_TITLE_SIZE,
            Anchor::Middle,
            false,
            0.0,
            style::MUTED,
        );
    }
    c.finish(width, y + PAD, &chart.title, d.desc.clone())
}

/// Dashed lines at band boundaries strictly inside the axis.
fn band_lines(c: &mut Canvas, d: &Data, ticks: &Ticks, seg: impl Fn(f64) -> (f32, f32, f32, f32)) {
    let mut edges: Vec<f64> = d.bands.iter().flat_map(|b| [b.from, b.to]).collect();
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    for e in edges {
        if e > ticks.lo() && e < ticks.hi() {
            let (x1, y1, x2, y2) = seg(e);
            c.line(
                x1,
                y1,
                x2,
                y2,
                Stroke::dashed(style::BAND_LINE, 0.7, &[3.0, 2.0]),
            );
        }
    }
}

/// The largest value-label size (8 down to 6.5 pt) at which every label
/// fits `allowance`; 6.5 when none does (labels that do not fit are then
/// left out one by one). `None` when values are off.
fn value_size(c: &Canvas, d: &Data, allowance: f32, on: bool) -> Option<f32> {
    if !on {
        return None;
    }
    let labels: Vec<String> = d
        .series
        .iter()
        .flat_map(|(_, v)| v.iter().map(|x| format_fixed(*x, d.decimals)))
        .collect();
    let mut size = VALUE_SIZE;
    while size > 6.5 && labels.iter().any(|l| c.w(l, size) > allowance) {
        size -= 0.5;
    }
    Some(size)
}

fn horizontal(chart: &BarChart, d: &Data, width: f32, m: Measure) -> Scene {
    let mut c = Canvas::new(m);
    let n = d.cats.len();
    let ns = d.series.len();
    let mut y = title_block(&mut c, &chart.title, width, PAD);
    if ns > 1 {
        y = legend(&mut c, &d.legend_entries(), width, y);
    }
    // category label column
    let max_col = (width - 2.0 * PAD) * 0.38;
    let lines: Vec<Vec<String>> = d
        .cats
        .iter()
        .map(|l| {
            if c.w(l, LABEL_SIZE) <= max_col {
                vec![l.clone()]
            } else {
                wrap_balanced(l, max_col, 3, LABEL_SIZE, m)
                    .unwrap_or_else(|| wrap_text(l, max_col, LABEL_SIZE, m))
            }
        })
        .collect();
    let col_w = lines
        .iter()
        .flatten()
        .map(|l| c.w(l, LABEL_SIZE))
        .fold(0.0, f32::max);
    let vsize = value_size(&c, d, f32::INFINITY, chart.show_values);
    let value_w = match vsize {
        Some(vs) => d
            .series
            .iter()
            .flat_map(|(_, v)| v.iter())
            .map(|v| c.w(&format_fixed(*v, d.decimals), vs))
            .fold(0.0, f32::max),
        None => 0.0,
    };
    let mut left = PAD + col_w + 6.0;
    let mut right = PAD + value_w + 4.0;
    let mut width = width;
    let mut plot_w = width - left - right;
    if plot_w < 80.0 {
        width += 80.0 - plot_w;
        plot_w = 80.0;
    }
    // ticks, fewer if their labels would touch
    let mut target = ((plot_w / 70.0).round() as usize).max(2);
    let ticks = loop {
        let t = nice_ticks(d.min, d.max, target, d.integer);
        let spacing = plot_w / (t.values.len().max(2) - 1) as f32;
        let widest = t
            .labels()
            .iter()
            .map(|l| c.w(l, TICK_SIZE))
            .fold(0.0, f32::max);
        if widest + 6.0 <= spacing || target <= 2 {
            break t;
        }
        target -= 1;
    };
    // the end tick labels are centred on the plot edges: make room
    let tick_labels = ticks.labels();
    let half = |l: Option<&String>| l.map_or(0.0, |l| c.w(l, TICK_SIZE) / 2.0 + 1.0);
    left = left.max(PAD + half(tick_labels.first()));
    right = right.max(PAD + half(tick_labels.last()));
    plot_w = width - left - right;
    if plot_w < 80.0 {
        width += 80.0 - plot_w;
        plot_w = 80.0;
    }
    // a row above the plot for band labels and the category-axis title
    let cat_label = axis_title(&c, &chart.category_label, width - 2.0 * PAD);
    if !d.bands.is_empty() || !cat_label.is_empty() {
        y += VALUE_SIZE + 6.0;
    } else {
        y += 4.0;
    }
    let plot_top = y;
    let bar_t = if ns == 1 {
        12.0
    } else {
        (26.0 / ns as f32).clamp(6.0, 10.0)
    };
    let group_h = bar_t * ns as f32;
    let max_lines = lines.iter().map(Vec::len).max().unwrap_or(1) as f32;
    let slot = (group_h + 7.0).max(max_lines * LABEL_SIZE * 1.2 + 4.0);
    let plot_h = slot * n as f32;
    let plot_bottom = plot_top + plot_h;
    let xv = scale(&ticks, left, plot_w, false);

    for (i, b) in d.bands.iter().enumerate() {
        let (a, z) = (b.from.max(ticks.lo()), b.to.min(ticks.hi()));
        if z <= a {
            continue;
        }
        let (x0, x1) = (xv(a), xv(z));
        c.rect(
            x0,
            plot_top,
            x1 - x0,
            plot_h,
            Some(style::BAND_FILLS[i % 2]),
            None,
        );
        if c.w(&b.label, VALUE_SIZE) <= x1 - x0 - 2.0 {
            c.text(
                &b.label,
                (x0 + x1) / 2.0,
                plot_top - 4.0,
                VALUE_SIZE,
                Anchor::Middle,
                false,
                0.0,
                style::MUTED,
            );
        }
    }
    // the category-axis title heads the label column
    let cat_label = truncate(&cat_label, left - 6.0 - PAD, AXIS_TITLE_SIZE, m);
    c.text(
        &cat_label,
        PAD,
        plot_top - 4.0,
        AXIS_TITLE_SIZE,
        Anchor::Start,
        false,
        0.0,
        style::MUTED,
    );
    for (t, l) in ticks.values.iter().zip(tick_labels) {
        let tx = xv(*t);
        if *t != 0.0 {
            c.line(
                tx,
                plot_top,
                tx,
                plot_bottom,
                Stroke::solid(style::GRID, 0.6),
            );
        }
        c.text(
            &l,
            tx,
            plot_bottom + 4.0 + TICK_SIZE,
            TICK_SIZE,
            Anchor::Middle,
            false,
            0.0,
            style::MUTED,
        );
    }
    band_lines(&mut c, d, &ticks, |v| {
        let bx = xv(v);
        (bx, plot_top, bx, plot_bottom)
    });

    let base = xv(0.0);
    let gap = if ns > 1 { 1.0 } else { 0.0 };
    for (i, cat_lines) in lines.iter().enumerate() {
        let sy = plot_top + i as f32 * slot;
        let centre = sy + slot / 2.0;
        let k = cat_lines.len() as f32;
        for (j, l) in cat_lines.iter().enumerate() {
            let ly = centre + (j as f32 - (k - 1.0) / 2.0) * LABEL_SIZE * 1.2 + CENTRE * LABEL_SIZE;
            c.text(
                l,
                left - 6.0,
                ly,
                LABEL_SIZE,
                Anchor::End,
                false,
                0.0,
                style::TEXT,
            );
        }
        let gy = sy + (slot - group_h) / 2.0;
        for (s, (_, vals)) in d.series.iter().enumerate() {
            let v = vals[i];
            let end = xv(v);
            let by = gy + s as f32 * bar_t + gap / 2.0;
            let (x0, w) = (end.min(base), (end - base).abs());
            if w >= 0.05 {
                c.bar(x0, by, w, bar_t - gap, &bar_style(s));
            }
            if let Some(vs) = vsize {
                let label = format_fixed(v, d.decimals);
                let ly = by + (bar_t - gap) / 2.0 + CENTRE * vs;
                if v >= 0.0 {
                    c.text(
                        &label,
                        end + 3.0,
                        ly,
                        vs,
                        Anchor::Start,
                        false,
                        0.0,
                        style::TEXT,
                    );
                } else {
                    c.text(
                        &label,
                        end - 3.0,
                        ly,
                        vs,
                        Anchor::End,
                        false,
                        0.0,
                        style::TEXT,
                    );
                }
            }
        }
    }
    c.line(
        base,
        plot_top,
        base,
        plot_bottom,
        Stroke::solid(style::AXIS, 0.8),
    );

    let mut y = plot_bottom + 4.0 + TICK_SIZE + 2.0;
    let value_label = axis_title(&c, &chart.value_label, width - 2.0 * PAD);
    if !value_label.is_empty() {
        y += 4.0 + AXIS_TITLE_SIZE;
        c.text(
            &value_label,
            left + plot_w / 2.0,
            y,
            AXIS_TITLE_SIZE,
            Anchor::Middle,
            false,
            0.0,
            style::MUTED,
        );
    }
    c.finish(width, y + PAD, &chart.title, d.desc.clone())
}

#[cfg(test)]
#[path = "bar_tests.rs"]
mod tests;
