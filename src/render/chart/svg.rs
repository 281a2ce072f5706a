//! Scene → standalone inline SVG.

use std::fmt::Write;

use super::scene::{Anchor, Color, Primitive, Scene, Stroke, Text, Weight};
use super::text::coord;

/// Font stack for chart text: open CJK fonts first, then the Windows ones.
pub const FONT_FAMILY: &str =
    "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','SimHei',sans-serif";

/// Escapes text for XML content and attribute values, dropping characters
/// XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Renders a scene as one `<svg>` element: `viewBox` in points, width 100%
/// (the height follows the aspect ratio), `role="img"` with `<title>` and
/// `<desc>`, no ids, no external references, no scripts. One element per
/// line so that diffs of two reports stay readable.
pub fn to_svg(scene: &Scene) -> String {
    let mut o = String::with_capacity(256 + scene.items.len() * 96);
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" class=\"mb-chart\" font-family=\"{}\">\n<title>{}</title>\n<desc>{}</desc>\n",
        coord(scene.width),
        coord(scene.height),
        FONT_FAMILY,
        escape(&scene.title),
        escape(&scene.desc),
    );
    for item in &scene.items {
        primitive(&mut o, item);
        o.push('\n');
    }
    o.push_str("</svg>");
    o
}

fn paint(o: &mut String, fill: Option<Color>, stroke: Option<&Stroke>) {
    match fill {
        Some(c) => {
            let _ = write!(o, " fill=\"{}\"", c.hex());
        }
        None => o.push_str(" fill=\"none\""),
    }
    if let Some(s) = stroke {
        let _ = write!(
            o,
            " stroke=\"{}\" stroke-width=\"{}\"",
            s.color.hex(),
            coord(s.width)
        );
        if !s.dash.is_empty() {
            let dash: Vec<String> = s.dash.iter().map(|d| coord(*d)).collect();
            let _ = write!(o, " stroke-dasharray=\"{}\"", dash.join(" "));
        }
    }
}

fn points(ps: &[(f32, f32)]) -> String {
    ps.iter()
        .map(|(x, y)| format!("{},{}", coord(*x), coord(*y)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn primitive(o: &mut String, p: &Primitive) {
    match p {
        Primitive::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => {
            let _ = write!(
                o,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
                coord(*x),
                coord(*y),
                coord(w.max(0.0)),
                coord(h.max(0.0))
            );
            paint(o, *fill, stroke.as_ref());
            o.push_str("/>");
        }
        Primitive::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
        } => {
            let _ = write!(
                o,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"",
                coord(*x1),
                coord(*y1),
                coord(*x2),
                coord(*y2)
            );
            paint(o, None, Some(stroke));
            o.push_str("/>");
        }
        Primitive::Polyline { points: ps, stroke } => {
            let _ = write!(o, "<polyline points=\"{}\"", points(ps));
            paint(o, None, Some(stroke));
            o.push_str(" stroke-linejoin=\"round\"/>");
        }
        Primitive::Polygon {
            points: ps,
            fill,
            stroke,
        } => {
            let _ = write!(o, "<polygon points=\"{}\"", points(ps));
            paint(o, *fill, stroke.as_ref());
            o.push_str("/>");
        }
        Primitive::Circle {
            cx,
            cy,
            r,
            fill,
            stroke,
        } => {
            let _ = write!(
                o,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"",
                coord(*cx),
                coord(*cy),
                coord(r.max(0.0))
            );
            paint(o, *fill, stroke.as_ref());
            o.push_str("/>");
        }
        Primitive::Text(t) => text(o, t),
    }
}

fn text(o: &mut String, t: &Text) {
    let _ = write!(
        o,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\"",
        coord(t.x),
        coord(t.y),
        coord(t.size),
        t.fill.hex()
    );
    match t.anchor {
        Anchor::Start => {}
        Anchor::Middle => o.push_str(" text-anchor=\"middle\""),
        Anchor::End => o.push_str(" text-anchor=\"end\""),
    }
    if t.weight == Weight::Bold {
        o.push_str(" font-weight=\"bold\"");
    }
    if t.rotate != 0.0 && t.rotate.is_finite() {
        let _ = write!(
            o,
            " transform=\"rotate({} {} {})\"",
            coord(t.rotate),
            coord(t.x),
            coord(t.y)
        );
    }
    let _ = write!(o, ">{}</text>", escape(&t.text));
}

#[cfg(test)]
mod tests {
    use super::super::{default_measure, layout_bar_chart, BarChart, LineChart};
    use super::*;

    #[test]
    fn labels_are_escaped() {
        let ch = BarChart::new(
            "<script>alert(1)</script> & \"引号\"",
            ["<script>x</script>", "A&B", "鹿城区"],
        )
        .series("O'Brien", [1.0, 2.0, 3.0])
        .series("去年同期", [1.0, 2.0, 3.0]);
        let svg = to_svg(&layout_bar_chart(&ch, &default_measure));
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(svg.contains(">A&amp;B<"));
        assert!(svg.contains("&quot;引号&quot;"));
        assert!(svg.contains("O&#39;Brien"));
        assert!(svg.contains(">鹿城区<"));
        assert!(svg.contains(
            "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;</title>"
        ));
    }

    #[test]
    fn svg_is_standalone_and_accessible() {
        let ch = BarChart::new("各地情况", ["鹿城区", "龙湾区"])
            .series("本季度", [3.0, 4.0])
            .value_label("单位：起");
        let svg = to_svg(&layout_bar_chart(&ch, &default_measure));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        assert!(svg.contains("width=\"100%\"") && svg.contains("role=\"img\""));
        assert!(svg.contains("<title>各地情况</title>"));
        assert!(svg.contains("<desc>（单位：起）鹿城区：本季度 3；龙湾区：本季度 4</desc>"));
        assert!(svg.contains("Noto Sans CJK SC"));
        assert!(svg.ends_with("</svg>"));
        for bad in ["<script", "href", "url(", "http://", "id=\"", "NaN"] {
            let n = svg.matches(bad).count();
            let allowed = usize::from(bad == "http://"); // the xmlns only
            assert_eq!(n, allowed, "{bad}");
        }
    }

    #[test]
    fn charts_and_scenes_round_trip_through_json() {
        use super::super::Chart;
        let chart = Chart::Bar(
            BarChart::new("t", ["鹿城区"])
                .series("s", [1.5])
                .horizontal(),
        );
        let json = serde_json::to_string(&chart).unwrap();
        assert!(json.contains("\"kind\":\"bar\""));
        let back: Chart = serde_json::from_str(&json).unwrap();
        assert_eq!(back, chart);
        // a partial chart from a report context fills in the defaults
        let partial: Chart =
            serde_json::from_str(r#"{"kind":"line","title":"趋势","x_labels":["2025Q1"],"series":[{"name":"发现","values":[3]}]}"#)
                .unwrap();
        assert!(partial.to_svg().contains(">2025Q1<"));
        let scene = chart.layout(&default_measure);
        let back: Scene = serde_json::from_str(&serde_json::to_string(&scene).unwrap()).unwrap();
        assert_eq!(to_svg(&back), to_svg(&scene));
    }

    #[test]
    fn output_is_deterministic() {
        let make = || {
            let bar = BarChart::new("t", ["甲", "乙", "丙"])
                .series("a", [1.0 / 3.0, 2.0 / 3.0, 0.1 + 0.2])
                .decimals(2);
            let line = LineChart::new("l", ["2025Q1", "2025Q2"])
                .series("x", [0.7, 1.3])
                .decimals(1);
            (bar.to_svg(), line.to_svg())
        };
        let (a, b) = (make(), make());
        assert_eq!(a, b);
        assert!(a.0.contains(">0.33<") && a.0.contains(">0.30<"));
    }
}
