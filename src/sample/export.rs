//! A case as a row: which quarter folders export it, how each recipe
//! formats its cells, and its referral letter in the referral ledger.

use super::*;

impl Gen {
    /// Quarter indices exporting a case: its found quarter (or the first) to
    /// the quarter it is closed in (or the last).
    pub(super) fn export_range(&self, c: &Case) -> std::ops::RangeInclusive<usize> {
        let n = self.quarters.len();
        let first = self.quarter_index(c.found).unwrap_or(0);
        let last = match (c.filed, c.closed) {
            (None, _) => first,
            (Some(_), Some(cl)) if cl <= self.last_end() => self.quarter_index(cl).unwrap_or(n - 1),
            _ => n - 1,
        };
        first..=last.max(first)
    }

    pub(super) fn fmt_date(&mut self, out: &mut String, style: DateStyle, d: Day) {
        let style = if style == DateStyle::Mixed {
            [
                DateStyle::Iso,
                DateStyle::Slash,
                DateStyle::Chinese,
                DateStyle::Compact,
                DateStyle::Serial,
                DateStyle::Dot,
            ][self.frng.gen_range(0..6)]
        } else {
            style
        };
        let nd = date_of(d);
        let (y, m, dd) = (nd.year(), nd.month(), nd.day());
        let _ = match style {
            DateStyle::Iso | DateStyle::Mixed => write!(out, "{y:04}-{m:02}-{dd:02}"),
            DateStyle::Slash => write!(out, "{y}/{m}/{dd}"),
            DateStyle::Dot => write!(out, "{y}.{m}.{dd}"),
            DateStyle::Chinese => write!(out, "{y}年{m}月{dd}日"),
            DateStyle::Compact => write!(out, "{y:04}{m:02}{dd:02}"),
            DateStyle::Serial => write!(out, "{}", d - self.excel_epoch),
            DateStyle::WithTime => write!(
                out,
                "{y:04}-{m:02}-{dd:02} {:02}:{:02}",
                self.frng.gen_range(8..18),
                self.frng.gen_range(0..60)
            ),
        };
    }

    /// Render a case as exported at the end of quarter `qi` into `self.vals`.
    pub(super) fn render(&mut self, c: &Case, qi: usize, recipe: &Recipe) {
        let end = self.bounds[qi].1;
        let mut vals = std::mem::take(&mut self.vals);
        for v in vals.iter_mut() {
            v.clear();
        }
        let filed = c.filed.filter(|&f| f <= end);
        let closed = c.closed.filter(|&d| d <= end && filed.is_some());
        let t_event = c.transfer.or(c.filed).unwrap_or(c.found);
        let transferred = c.transferred && filed.is_some() && t_event <= end;
        let ud = &UNITS[c.unit];
        let rd = &REGIONS[c.region];
        vals[col::CASE_ID].push_str(&c.id);
        vals[col::UNIT].push_str(match recipe.unit_form {
            UnitForm::Canonical | UnitForm::FileName => ud.name,
            UnitForm::Old => ud.old_name,
            UnitForm::Full => ud.full_name,
        });
        vals[col::REGION].push_str(if recipe.region_short {
            rd.short
        } else {
            rd.name
        });
        if let Some(t) = c.township {
            vals[col::TOWNSHIP].push_str(rd.townships[t]);
        }
        vals[col::SITE].push_str(&c.site);
        if let Some((lon, lat)) = c.coord {
            push_fixed(&mut vals[col::LON], lon, 6, 6);
            push_fixed(&mut vals[col::LAT], lat, 6, 6);
        }
        let ds = recipe.dates;
        self.fmt_date(&mut vals[col::FOUND], ds, c.found);
        let (src, vt) = (SOURCES[c.source], TYPES[c.vtype]);
        let alias = recipe.name_aliases && self.frng.gen_bool(0.4);
        vals[col::SOURCE].push_str(if alias { src.1 } else { src.0 });
        vals[col::VTYPE].push_str(if alias { vt.1 } else { vt.0 });
        if let Some(f) = filed {
            self.fmt_date(&mut vals[col::FILED], ds, f);
        }
        if let Some(d) = closed {
            self.fmt_date(&mut vals[col::CLOSED], ds, d);
        }
        vals[col::STATUS].push_str(if closed.is_some() {
            "已结案"
        } else if filed.is_some() {
            "办理中"
        } else if qi + 1 == self.quarters.len() || c.filed.is_some() {
            "待立案"
        } else {
            "不予立案"
        });
        let fine = if closed.is_some() { c.fine_yuan } else { 0 };
        let conf = if closed.is_some() {
            c.confiscated_cents
        } else {
            0
        };
        if fine > 0 {
            let v = &mut vals[col::FINE];
            match recipe.money {
                Money::Plain => push_trimmed(v, fine, 0),
                Money::Grouped => push_grouped_cents(v, fine * 100),
                Money::WanSuffix if fine >= 10_000 => {
                    push_trimmed(v, fine, 4);
                    v.push_str("万元");
                }
                Money::WanSuffix => {
                    push_trimmed(v, fine, 0);
                    v.push('元');
                }
                Money::WanHeader => push_trimmed(v, fine, 4),
            }
        }
        if conf > 0 {
            let v = &mut vals[col::CONFISCATED];
            match recipe.money {
                Money::Plain => push_fixed(v, conf, 2, 2),
                Money::Grouped => push_grouped_cents(v, conf),
                Money::WanSuffix => {
                    push_fixed(v, conf, 2, 2);
                    v.push('元');
                }
                Money::WanHeader => push_trimmed(v, conf, 6),
            }
        }
        if c.volume_dt > 0 {
            push_fixed(&mut vals[col::VOLUME], c.volume_dt, 1, 1);
        }
        let yn = |b: bool| -> &'static str {
            match (recipe.yes_no, b) {
                (YesNo::Shi, true) => "是",
                (YesNo::Shi, false) => "否",
                (YesNo::Yn, true) => "Y",
                (YesNo::Yn, false) => "N",
                (YesNo::Check, true) => "√",
                (YesNo::Check, false) => "×",
                (YesNo::OneZero, true) => "1",
                (YesNo::OneZero, false) => "0",
                (YesNo::English, true) => "yes",
                (YesNo::English, false) => "no",
            }
        };
        vals[col::TRANSFERRED].push_str(yn(transferred));
        if transferred {
            if let Some(t) = c.transfer {
                self.fmt_date(&mut vals[col::TRANSFER_DATE], ds, t);
            }
        }
        vals[col::CRIMINAL].push_str(yn(transferred && c.criminal));
        let _ = write!(vals[col::PERSONS], "{}", c.persons);
        vals[col::SITE_CLOSED].push_str(yn(c.site_closed));
        vals[col::POWER_CUT].push_str(yn(c.power_cut));
        let _ = write!(vals[col::VESSELS], "{}", c.vessels);
        let _ = write!(vals[col::EQUIPMENT], "{}", c.equipment);
        if let Some(o) = c.referred_by {
            vals[col::REFERRED_BY].push_str(match recipe.unit_form {
                UnitForm::Full => UNITS[o].full_name,
                _ => UNITS[o].name,
            });
        }
        vals[col::PARTY].push_str(&c.party);
        vals[col::PARTY_ID].push_str(&c.party_id);
        vals[col::SUMMARY].push_str(&c.summary);
        self.vals = vals;
    }

    /// Write the current `vals` to a case file, optionally with an extra cell.
    pub(super) fn write_vals(&mut self, qi: usize, unit: usize, extra: Option<&str>) -> Result<()> {
        let f = &mut self.files[qi][unit];
        let seq = if f.recipe.seq_col {
            (f.out.rows + 1).to_string()
        } else {
            String::new()
        };
        let vals = &self.vals;
        let mut cells: Vec<&str> = Vec::with_capacity(col::COUNT + 2);
        if f.recipe.seq_col {
            cells.push(&seq);
        }
        for &i in &f.cols {
            cells.push(&vals[i]);
        }
        if let Some(x) = extra {
            cells.push(x);
        }
        f.out.row(cells)?;
        self.case_rows += 1;
        Ok(())
    }

    /// Write a case to every quarter folder that exports it, and its referral letter.
    pub(super) fn emit(&mut self, c: &Case, current: usize, dup_in: Option<usize>) -> Result<()> {
        for qi in self.export_range(c) {
            let recipe = self.files[qi][c.unit].recipe.clone();
            self.render(c, qi, &recipe);
            self.write_vals(qi, c.unit, None)?;
            if dup_in == Some(qi) {
                self.write_vals(qi, c.unit, None)?;
            }
            if qi > current {
                self.carried[qi] += 1;
            }
        }
        self.cases += 1;
        if let Some(from) = c.referred_by {
            self.emit_referral(c, from)?;
        }
        Ok(())
    }

    /// The referral letter behind a case found through a notification.
    pub(super) fn emit_referral(&mut self, c: &Case, from: usize) -> Result<()> {
        let sent = c.found - self.rng.gen_range(0..=2);
        let (on_time, late) = match UNITS[c.unit].tier {
            Tier::A => (950, 50),
            Tier::B => (760, 190),
            Tier::C => (400, 300),
        };
        let x = self.rng.gen_range(0..1000);
        let reply = if x < on_time {
            Some(sent + self.rng.gen_range(1..=7))
        } else if x < on_time + late {
            Some(sent + self.rng.gen_range(8..=40))
        } else {
            None
        };
        let year = date_of(sent).year();
        let n = self.ref_seq.entry(year).or_insert(0);
        *n += 1;
        let ref_id = format!("温打非函〔{year}〕{n}号");
        let first = match self.quarter_index(sent) {
            Some(q) => q,
            None if reply.is_none_or(|r| r >= self.first_start()) => 0,
            None => return Ok(()),
        };
        let last = match reply {
            Some(r) if r <= self.last_end() => self.quarter_index(r).unwrap_or(first),
            _ => self.quarters.len() - 1,
        };
        let rd = &REGIONS[c.region];
        let summary = format!(
            "{}{}疑似存在{}行为，请核查处理",
            rd.name,
            c.township.map(|t| rd.townships[t]).unwrap_or(""),
            TYPES[c.vtype].0
        );
        let style = if self.clean {
            DateStyle::Iso
        } else {
            DateStyle::Slash
        };
        for qi in first..=last.max(first) {
            let end = self.bounds[qi].1;
            let mut s = String::new();
            self.fmt_date(&mut s, style, sent);
            let mut r = String::new();
            if let Some(rp) = reply.filter(|&d| d <= end) {
                self.fmt_date(&mut r, style, rp);
            }
            let to = if self.clean {
                UNITS[c.unit].name
            } else {
                UNITS[c.unit].full_name
            };
            let cells = [
                ref_id.as_str(),
                UNITS[from].name,
                to,
                &s,
                &r,
                rd.name,
                &c.id,
                &summary,
            ];
            self.referrals[qi].row(cells)?;
        }
        Ok(())
    }

    pub(super) fn random_day(&mut self, qi: usize) -> Day {
        let (s, e) = self.bounds[qi];
        self.rng.gen_range(s..=e)
    }
}
