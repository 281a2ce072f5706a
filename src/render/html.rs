//! HTML rendering with tera. The default templates are embedded in the
//! binary from `templates/`; a templates folder named in the configuration
//! overrides them file by file (as mdBook and zola do).

use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use crate::error::{Error, Result};

/// The embedded templates: (name, text).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "assessment.html",
        include_str!("../../templates/assessment.html"),
    ),
    (
        "briefing.html",
        include_str!("../../templates/briefing.html"),
    ),
    ("region.html", include_str!("../../templates/region.html")),
];

/// A tera engine with the embedded templates, each replaced by a file of the
/// same name in `override_dir` when there is one.
pub struct HtmlRenderer {
    tera: Tera,
}

impl HtmlRenderer {
    pub fn new(override_dir: Option<&Path>) -> Result<HtmlRenderer> {
        let mut list: Vec<(String, String)> = Vec::new();
        for (name, text) in TEMPLATES {
            let mut body = text.to_string();
            if let Some(dir) = override_dir {
                let p = dir.join(name);
                if p.is_file() {
                    body = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
                }
            }
            list.push((name.to_string(), body));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.register_filter("svg", ChartSvg);
        tera.add_raw_templates(list)
            .map_err(|e| template_error(&e))?;
        Ok(HtmlRenderer { tera })
    }

    /// Render a template with a serialisable context.
    pub fn render<T: Serialize>(&self, template: &str, ctx: &T) -> Result<String> {
        let ctx = Context::from_serialize(ctx).map_err(|e| template_error(&e))?;
        self.tera
            .render(template, &ctx)
            .map_err(|e| template_error(&e))
    }
}

/// `{{ chart | svg }}`: a chart model from the context drawn as inline SVG.
/// The SVG is made by our chart module (every label escaped), so it is safe.
struct ChartSvg;

impl tera::Filter for ChartSvg {
    fn filter(
        &self,
        value: &tera::Value,
        _args: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        if value.is_null() {
            return Ok(tera::Value::String(String::new()));
        }
        let chart: crate::render::chart::Chart = serde_json::from_value(value.clone())
            .map_err(|e| tera::Error::msg(format!("not a chart: {e}")))?;
        Ok(tera::Value::String(chart.to_svg()))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Tera errors nest their causes; give them as one line.
fn template_error(e: &tera::Error) -> Error {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    Error::Other(format!(
        "模板出错 / template error: {}",
        msg.replace('\n', " ")
    ))
}

/// Render every HTML document of a run: (path relative to the output folder, bytes).
pub fn render_docs(
    r: &HtmlRenderer,
    docs: &crate::report::DocSet,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = vec![
        (
            "index.html".to_string(),
            r.render("index.html", &docs.index)?.into_bytes(),
        ),
        (
            "briefing.html".to_string(),
            r.render("briefing.html", &docs.briefing)?.into_bytes(),
        ),
        (
            "assessment.html".to_string(),
            r.render("assessment.html", &docs.assessment)?.into_bytes(),
        ),
    ];
    for (stem, doc) in &docs.regions {
        out.push((
            format!("regions/{stem}.html"),
            r.render("region.html", doc)?.into_bytes(),
        ));
    }
    Ok(out)
}
