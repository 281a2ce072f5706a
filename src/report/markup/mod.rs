//! Document templates: each document's outline and wording is ONE tera
//! template of Markdown (`templates/briefing.md`, `region.md`,
//! `assessment.md`), rendered with the document's context and parsed with
//! pulldown-cmark into the [`Document`] model that every renderer draws.
//! A user changes a sentence in one file and the HTML, PDF and Word files
//! all say the new words.
//!
//! The Markdown, in short (README "Changing the wording of a document"):
//! - a front matter between `---` lines, one `key: value` per line: `office`
//!   (发文机关标志), `number` (发文字号), `signer` (签发人), `to` (主送机关),
//!   `signature` (署名), `date` (成文日期, YYYY-MM-DD), `cc` (抄送, separated
//!   by 、), `printer` and `printed` (印发机关, 印发日期);
//! - `# 标题` is the title; every later `# 标题` starts an attachment (附件);
//! - `##` to `#####` are headings of levels 1–4, numbered 一、（一）1.（1）
//!   automatically (`{-}` at the end: not numbered);
//! - paragraphs; ordered lists become numbered paragraphs (1. …);
//! - GFM tables (`--:` right-aligns a column as numbers), with a caption in
//!   a paragraph `Table: 表1　…` just before the table;
//! - fenced blocks name content of the context: ```` ```table totals_table ````
//!   (with `caption:`, `unit:` and `note:` lines), ```` ```chart charts.trend ````
//!   and ```` ```note ```` (a smaller note).
//!
//! Values printed with `{{ … }}` are escaped for Markdown (a case summary
//! cannot start a list or a table) and cleaned of control characters.
//!
//! Templates are code a user brings: they run without `get_env` (or any
//! function reaching outside the context), `range` is capped, macros and
//! includes may not recurse, and a rendering is bounded in time and size.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tera::{Context, Tera};

use super::doc::{clean, Document};
use crate::error::{Error, Result};

mod markdown;
pub use markdown::parse;

/// The embedded document templates: (name, text).
pub const DOC_TEMPLATES: &[(&str, &str)] = &[
    (
        "briefing.md",
        include_str!("../../../templates/briefing.md"),
    ),
    ("region.md", include_str!("../../../templates/region.md")),
    (
        "assessment.md",
        include_str!("../../../templates/assessment.md"),
    ),
];

/// The embedded HTML page frame and index page: (name, text). They are the
/// HTML renderer's, listed here with the documents so that one registry
/// knows every template a templates folder may override.
pub const PAGE_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../templates/base.html")),
    ("index.html", include_str!("../../../templates/index.html")),
];

/// Largest template file read from a templates folder.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;
/// Largest output of one template.
pub const MAX_OUTPUT_BYTES: usize = 64 << 20;
/// Longest a template may run.
pub const MAX_RENDER_TIME: Duration = Duration::from_secs(30);
/// Largest list `range()` may make.
const MAX_RANGE: usize = 10_000;

/// Every template name a templates folder may hold.
fn known_names() -> Vec<&'static str> {
    DOC_TEMPLATES
        .iter()
        .chain(PAGE_TEMPLATES)
        .map(|(n, _)| *n)
        .collect()
}

fn tpl_error(msg: String) -> Error {
    Error::Other(msg)
}

/// The embedded templates, each replaced by the file of the same name in
/// `dir`. A folder that does not exist, a template file whose name is not a
/// template (misspelt, or an old name), a file that cannot be read or is too
/// large, and a macro or include that calls itself are errors.
pub fn load_templates(
    embedded: &[(&str, &str)],
    dir: Option<&Path>,
) -> Result<Vec<(String, String)>> {
    let mut list: Vec<(String, String)> = embedded
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    if let Some(dir) = dir {
        if !dir.is_dir() {
            return Err(tpl_error(format!(
                "找不到模板文件夹 {} （配置 output.templates_dir） / templates folder not found: {} (output.templates_dir)",
                dir.display(),
                dir.display()
            )));
        }
        check_names(dir)?;
        for (name, body) in &mut list {
            let p = dir.join(&*name);
            if !p.exists() {
                continue;
            }
            let meta = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?;
            if !meta.is_file() || meta.len() > MAX_TEMPLATE_BYTES {
                return Err(tpl_error(format!(
                    "模板 {} 不是普通文件或超过 1 MB / template {} is not a regular file or is larger than 1 MB",
                    p.display(),
                    p.display()
                )));
            }
            *body = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
        }
    }
    check_recursion(&list)?;
    Ok(list)
}

/// A file in the templates folder that looks like a template but is none of
/// ours is an error (a misspelt name would otherwise be ignored silently).
fn check_names(dir: &Path) -> Result<()> {
    let known = known_names();
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut unknown = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let ext = name.rsplit('.').next().unwrap_or("");
        let looks = matches!(ext, "md" | "html" | "htm" | "tera");
        if looks && !known.contains(&name.as_str()) && !name.eq_ignore_ascii_case("README.md") {
            unknown.push(name);
        }
    }
    unknown.sort();
    if let Some(name) = unknown.first() {
        let hint = match name.as_str() {
            "briefing.html" | "region.html" | "assessment.html" | "macros.html" => {
                "（文件的措辞现在在同名 .md 模板中 / the wording of documents is now in the .md templates）"
            }
            _ => "",
        };
        return Err(tpl_error(format!(
            "模板文件夹 {} 中的 {name} 不是可替换的模板{hint}，可用：{} / {name} in templates folder {} is not a template that can be replaced; known: {}",
            dir.display(),
            known.join("、"),
            dir.display(),
            known.join(", ")
        )));
    }
    Ok(())
}

/// Tera has no recursion limit: a macro calling itself (directly or through
/// others) or a template including itself overflows the stack. Refuse such
/// templates: the names called inside each macro and included by each
/// template form a graph that must have no cycle.
fn check_recursion(list: &[(String, String)]) -> Result<()> {
    // node: "m:<macro>" or "t:<template>"
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (tname, text) in list {
        let mut rest = text.as_str();
        let mut current = format!("t:{tname}");
        while let Some(i) = rest.find("{%") {
            let tail = &rest[i + 2..];
            let end = tail.find("%}").unwrap_or(tail.len());
            let tag = tail[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
            if let Some(m) = tag.strip_prefix("macro ") {
                let name: String = m
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                current = format!("m:{name}");
            } else if tag.starts_with("endmacro") {
                current = format!("t:{tname}");
            } else if let Some(inc) = tag.strip_prefix("include ") {
                for part in inc.split(['"', '\'']).skip(1).step_by(2) {
                    edges
                        .entry(current.clone())
                        .or_default()
                        .insert(format!("t:{part}"));
                }
            }
            // macro calls: `ns::name(` inside the tag
            for (j, _) in tag.match_indices("::") {
                let name: String = tag[j + 2..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                edges
                    .entry(current.clone())
                    .or_default()
                    .insert(format!("m:{name}"));
            }
            rest = &tail[end..];
            // `{{ m::x() }}` calls in expressions of this stretch
            let upto = rest.find("{%").unwrap_or(rest.len());
            let mut expr = &rest[..upto];
            while let Some(k) = expr.find("::") {
                let name: String = expr[k + 2..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                edges
                    .entry(current.clone())
                    .or_default()
                    .insert(format!("m:{name}"));
                expr = &expr[k + 2..];
            }
        }
    }
    // depth-first search for a cycle
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
    ) -> Option<String> {
        match state.get(n) {
            Some(1) => return Some(n.to_string()),
            Some(2) => return None,
            _ => {}
        }
        state.insert(n.to_string(), 1);
        if let Some(next) = edges.get(n) {
            for m in next {
                if let Some(c) = visit(m, edges, state) {
                    return Some(c);
                }
            }
        }
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if let Some(c) = visit(n, &edges, &mut state) {
            let what = c.get(2..).unwrap_or("");
            return Err(tpl_error(format!(
                "模板中的 {what} 递归调用自身，模板不允许递归 / {what} in the templates calls itself: templates may not recurse"
            )));
        }
    }
    Ok(())
}

/// `range()` with at most [`MAX_RANGE`] entries.
fn capped_range(args: &std::collections::HashMap<String, Value>) -> tera::Result<Value> {
    let get = |k: &str, d: u64| args.get(k).and_then(|v| v.as_u64()).unwrap_or(d);
    let (start, end, step) = (get("start", 0), get("end", 0), get("step_by", 1).max(1));
    if end.saturating_sub(start) / step > MAX_RANGE as u64 {
        return Err(tera::Error::msg(format!(
            "range() 最多 {MAX_RANGE} 项 / range() makes at most {MAX_RANGE} items"
        )));
    }
    Ok(Value::Array(
        (start..end)
            .step_by(step as usize)
            .map(Value::from)
            .collect(),
    ))
}

/// Remove what reaches outside the context (`get_env`), the clock and
/// randomness (`now`, `get_random`: output must be deterministic), and cap
/// `range`.
pub fn secure(tera: &mut Tera) {
    for f in ["get_env", "now", "get_random"] {
        tera.functions.remove(f);
    }
    tera.register_function("range", capped_range);
}

/// Tera errors nest their causes; give them as one line.
pub fn template_error(e: &tera::Error) -> Error {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    Error::Other(format!(
        "模板出错 / template error: {}",
        crate::text::escape_controls(&msg.replace('\n', " "))
    ))
}

/// A writer that refuses to grow past [`MAX_OUTPUT_BYTES`].
struct Capped(Vec<u8>);

impl Write for Capped {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + b.len() > MAX_OUTPUT_BYTES {
            return Err(std::io::Error::other("output too large"));
        }
        self.0.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Render `name` with `ctx`, bounded in output size and time (a template
/// that runs too long is abandoned: the run fails with an error).
pub fn render_bounded(tera: &Arc<Tera>, name: &str, ctx: Context) -> Result<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = Arc::clone(tera);
    let n = name.to_string();
    std::thread::Builder::new()
        .name(format!("template {name}"))
        .spawn(move || {
            let mut out = Capped(Vec::new());
            let r = t.render_to(&n, &ctx, &mut out).map(|_| out.0);
            let _ = tx.send(r);
        })
        .map_err(|e| tpl_error(format!("模板线程 / template thread: {e}")))?;
    match rx.recv_timeout(MAX_RENDER_TIME) {
        Ok(Ok(bytes)) => String::from_utf8(bytes)
            .map_err(|_| tpl_error("模板输出不是 UTF-8 / template output is not UTF-8".into())),
        Ok(Err(e)) => {
            let too_large = {
                let mut s: Option<&dyn std::error::Error> = Some(&e);
                let mut hit = false;
                while let Some(x) = s {
                    hit |= x.to_string().contains("output too large");
                    s = x.source();
                }
                hit
            };
            if too_large {
                Err(tpl_error(format!(
                    "模板 {name} 的输出超过 {} MB / template {name} writes more than {} MB",
                    MAX_OUTPUT_BYTES >> 20,
                    MAX_OUTPUT_BYTES >> 20
                )))
            } else {
                Err(template_error(&e))
            }
        }
        Err(_) => Err(tpl_error(format!(
            "模板 {name} 运行超过 {} 秒，已停止 / template {name} ran longer than {} s and was stopped",
            MAX_RENDER_TIME.as_secs(),
            MAX_RENDER_TIME.as_secs()
        ))),
    }
}

/// Escape a value for Markdown: every ASCII punctuation character gets a
/// backslash (CommonMark allows it before any of them), line breaks become
/// spaces, control characters go.
pub fn md_escape(s: &str) -> String {
    let s = clean(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Undo [`md_escape`] (for front matter and fenced blocks, which Markdown
/// leaves as they are).
pub(super) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(n) = it.peek() {
                if n.is_ascii_punctuation() {
                    out.push(*n);
                    it.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// The document templates, ready to render.
pub struct Templates {
    tera: Arc<Tera>,
}

impl Templates {
    /// The embedded templates, overridden one by one from `dir`.
    pub fn new(dir: Option<&Path>) -> Result<Templates> {
        let list = load_templates(DOC_TEMPLATES, dir)?;
        let mut tera = Tera::default();
        secure(&mut tera);
        tera.autoescape_on(vec![".md"]);
        tera.set_escape_fn(md_escape);
        tera.add_raw_templates(list)
            .map_err(|e| template_error(&e))?;
        Ok(Templates {
            tera: Arc::new(tera),
        })
    }

    /// Render template `name` with `ctx` and build its document.
    pub fn document<T: Serialize>(&self, name: &str, ctx: &T) -> Result<Document> {
        let value = serde_json::to_value(ctx)
            .map_err(|e| tpl_error(format!("模板上下文 / template context: {e}")))?;
        self.document_of_value(name, value)
    }

    /// [`Templates::document`] with the context already a JSON value.
    pub fn document_of_value(&self, name: &str, value: serde_json::Value) -> Result<Document> {
        let tctx = Context::from_value(value.clone()).map_err(|e| template_error(&e))?;
        let text = render_bounded(&self.tera, name, tctx)?;
        parse(&text, &value)
            .map_err(|m| tpl_error(format!("模板 {name}：{m} / template {name}: {m}")))
    }
}

#[cfg(test)]
mod tests {
    use super::markdown::*;
    use super::*;
    use crate::report::doc::{Block, Column};

    fn doc(src: &str) -> Document {
        parse(src, &serde_json::json!({})).unwrap()
    }

    #[test]
    fn outline_and_numbering() {
        let d = doc("---\noffice: 办公室\nnumber: 温〔2026〕3号\ndate: 2026-10-15\n---\n# 标题\n\n主文。\n\n## 总体情况\n\n### 甲\n\n### 乙\n\n#### 丙\n\n## 下步\n\n1. 一项\n2. 二项\n\n# 典型案例\n\n## 案一\n");
        assert_eq!(d.office, "办公室");
        assert_eq!(d.number.as_deref(), Some("温〔2026〕3号"));
        assert_eq!(d.title, "标题");
        assert_eq!(
            d.signature.as_ref().map(|s| s.date),
            chrono::NaiveDate::from_ymd_opt(2026, 10, 15)
        );
        assert_eq!(
            d.texts(),
            vec![
                "标题",
                "主文。",
                "一、总体情况",
                "（一）甲",
                "（二）乙",
                "1.丙",
                "二、下步",
                "1. 一项",
                "2. 二项",
                "典型案例",
                "一、案一"
            ]
        );
        assert_eq!(d.attachments.len(), 1);
    }

    #[test]
    fn escaped_values_stay_text() {
        let v = md_escape("1. *x* | y # z\n- w\u{1}");
        let d = doc(&format!("# T\n\n{v}\n"));
        assert_eq!(d.texts(), vec!["T", "1. *x* | y # z - w"]);
    }

    #[test]
    fn gfm_table_with_caption() {
        let d = doc("# T\n\nTable: 表1　得分\n\n| 单位 | 分 |\n|---|--:|\n| 甲 | 1.5 |\n");
        let Block::Table(t) = &d.body[0] else {
            panic!("{:?}", d.body)
        };
        assert_eq!(t.caption, "表1　得分");
        assert_eq!(t.columns[1], Column::NUM);
        assert_eq!(t.rows[0][1].text, "1.5");
    }

    #[test]
    fn tables_are_numbered_without_gaps() {
        let ctx = serde_json::json!({
            "a": {"caption": "表1　甲", "rows": [[{"text": "1"}]]},
            "b": {"caption": "表2　乙", "rows": []},
            "c": {"caption": "表7　丙", "rows": [[{"text": "1"}]]},
            "d": {"caption": "说明", "rows": [[{"text": "1"}]]},
        });
        let d = parse(
            "# T\n\n```table a\n```\n\n```table b\n```\n\n```table c\n```\n\n```table d\n```\n",
            &ctx,
        )
        .unwrap();
        let caps: Vec<&str> = d
            .body
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t.caption.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(caps, vec!["表1　甲", "表2　丙", "说明"]);
    }

    #[test]
    fn recursion_is_refused() {
        let list = vec![(
            "a.md".to_string(),
            "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}".to_string(),
        )];
        assert!(check_recursion(&list).is_err());
        let inc = vec![("a.md".to_string(), "{% include \"a.md\" %}".to_string())];
        assert!(check_recursion(&inc).is_err());
        let ok = vec![(
            "a.md".to_string(),
            "{% macro f(n) %}{{ n }}{% endmacro f %}{{ self::f(n=1) }}".to_string(),
        )];
        assert!(check_recursion(&ok).is_ok());
    }
}
