//! What a run is asked to do, checked before anything is read or written:
//! the output folder (never the data, never a file), the issue date, the
//! quarter folder's briefing.toml.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::ingest;
use crate::output;
use crate::quarter::Quarter;

/// The issue date: `--issue-date`, else the one in the quarter folder's
/// `briefing.toml`, else the config's, else the 15th of the month after the
/// quarter.
pub fn issue_date(
    arg: Option<&str>,
    folder: Option<&str>,
    cfg: &Config,
    q: Quarter,
) -> Result<NaiveDate> {
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (value, whence_zh, whence_en) = match (arg, folder, cfg.organisation.issue_date.as_deref())
    {
        (Some(s), _, _) => (s, "成文日期", "issue date"),
        (None, Some(s), _) => (
            s,
            "briefing.toml 中的成文日期",
            "issue_date in briefing.toml",
        ),
        (None, None, Some(s)) => (s, "配置中的成文日期", "issue_date in the configuration"),
        (None, None, None) => return Ok(q.default_issue_date()),
    };
    let shown = crate::text::escape_controls(value);
    let d = parse(value).ok_or_else(|| {
        // Written as a date, but no day of the calendar (2026-02-30): say
        // so, rather than ask for the form it already has.
        let parts: Vec<&str> = value.trim().split('-').collect();
        let date_shaped = parts.len() == 3
            && parts
                .iter()
                .zip([4, 2, 2])
                .all(|(p, max)| (1..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
        if date_shaped {
            Error::usage(
                format!("{whence_zh}“{shown}”不是日历上的日期（月份应为 1–12，日应在该月天数内）"),
                format!("{whence_en} “{shown}” is not a day of the calendar (months 1–12, days within the month)"),
            )
        } else {
            Error::usage(
                format!("{whence_zh}“{shown}”格式应为 YYYY-MM-DD"),
                format!("{whence_en} “{shown}”: expected YYYY-MM-DD"),
            )
        }
    })?;
    // A briefing is issued after its quarter ends; 2100 bounds typing errors
    // (and keeps the date valid in docx core.xml and PDF metadata).
    let last = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap_or(NaiveDate::MAX);
    if d <= q.end() || d > last {
        return Err(Error::usage(
            format!(
                "{whence_zh} {d} 不在允许范围内：应晚于 {q} 季度末（{}）且早于 2100 年",
                q.end()
            ),
            format!(
                "{whence_en} {d} is out of range: it must be after the end of {q} ({}) and before 2100",
                q.end()
            ),
        ));
    }
    Ok(d)
}

/// The output folder of a run: `OUT/<quarter>` or `OUT/<quarter>-<region>`
/// with the region name sanitised.
pub fn output_dir(out: &Path, quarter: Quarter, scope: Option<&str>) -> PathBuf {
    match scope {
        Some(r) => out.join(crate::text::sanitize_name(&format!("{quarter}-{r}"))),
        None => out.join(quarter.to_string()),
    }
}

/// Refuse an output folder that is the data folder, lies inside one of its
/// quarter folders, or contains it (contract §6): replacing `OUT/<quarter>`
/// there would destroy the departments' exports.
pub fn check_out_against_data(out: &Path, data: &Path) -> Result<()> {
    let d = output::resolve(data)?;
    let o = output::resolve(out)?;
    let refuse = |why_zh: &str, why_en: &str| {
        Err(Error::usage(
            format!(
                "输出目录 {} {why_zh}，写入会覆盖原始数据，已拒绝（未改动任何文件）：请另选输出目录",
                out.display()
            ),
            format!(
                "output folder {} {why_en}; writing there would overwrite the input data; refused, nothing touched: choose another --out",
                out.display()
            ),
        ))
    };
    if o == d {
        return refuse("就是数据目录", "is the data folder");
    }
    if d.starts_with(&o) {
        return refuse("包含数据目录", "contains the data folder");
    }
    if output::in_quarter_folder(&o, &d) {
        return refuse(
            "位于数据目录的季度文件夹中",
            "lies inside a quarter folder of the data folder",
        );
    }
    Ok(())
}

/// The quarter folder's `briefing.toml`, when there is one, must be a
/// regular file in UTF-8 (a GBK one gets the same message as a GBK
/// minebrief.toml).
pub fn check_briefing_toml(folder: &Path, data: &Path) -> Result<()> {
    let p = folder.join("briefing.toml");
    if std::fs::symlink_metadata(&p).is_err() {
        return Ok(());
    }
    let bytes = ingest::read_input(&p, Some(data), crate::config::MAX_CONFIG_BYTES)
        .map_err(|r| r.into_error(&p))?;
    crate::config::utf8_text(&p, bytes).map(|_| ())
}

/// `--out` must be a folder (or not exist yet).
pub fn check_out_is_folder(out: &Path) -> Result<()> {
    match std::fs::metadata(out) {
        Ok(md) if !md.is_dir() => Err(Error::usage(
            format!(
                "输出目录 {} 不是文件夹（已有同名文件）：请另选输出目录",
                out.display()
            ),
            format!(
                "--out {} is not a folder (a file of that name exists): choose another --out",
                out.display()
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(arg: &str) -> String {
        let cfg = Config::embedded();
        let q = Quarter::new(2026, 3).unwrap();
        issue_date(Some(arg), None, &cfg, q)
            .unwrap_err()
            .to_string()
    }

    /// A date that has the form but is no day (2026-02-30, month 13) is
    /// told apart from one in another form.
    #[test]
    fn an_impossible_date_is_not_called_a_bad_form() {
        for day in ["2026-02-30", "2026-13-01", "2026-10-32", "2026-00-10"] {
            let m = message(day);
            assert!(
                m.contains("不是日历上的日期") && m.contains("not a day of the calendar"),
                "{m}"
            );
        }
        for other in [
            "2026/10/20",
            "2026-10-20T00:00",
            "20261020",
            "2026-1O-20",
            "2026--10",
        ] {
            let m = message(other);
            assert!(m.contains("格式应为 YYYY-MM-DD"), "{other}: {m}");
        }
        let cfg = Config::embedded();
        let q = Quarter::new(2026, 3).unwrap();
        assert_eq!(
            issue_date(Some(" 2026-10-20"), None, &cfg, q).unwrap(),
            NaiveDate::from_ymd_opt(2026, 10, 20).unwrap()
        );
    }
}
