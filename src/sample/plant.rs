//! What is planted on a schedule, so the sample's counts do not depend
//! on chance: recurrences at closed sites (by name and by coordinates only),
//! media exposures, and the bad rows `validate` must reject.

use super::*;

/// The planted recurrences and media exposures of quarter `qi`.
pub(super) fn plant_cases(g: &mut Gen, qi: usize) -> Result<()> {
    let nq = g.quarters.len();
    let back = (nq - 1 - qi) as u32;
    for &(b, region, by_coords) in PLANTED_RECURRENCES {
        if b.min(nq as u32 - 1) != back {
            continue;
        }
        let r = region_index(region);
        let (t, i) = g.sites.reserve(&mut g.rng, r);
        let (s, e) = g.bounds[qi];
        // the closing case: an earlier quarter, or the first weeks of this one
        let (close_day, recur_day) = if qi > 0 {
            let (ps, pe) = g.bounds[qi - 1];
            (g.rng.gen_range(ps..=pe), g.rng.gen_range(s..=e))
        } else {
            (g.rng.gen_range(s..s + 20), g.rng.gen_range(e - 40..=e))
        };
        let closing = g.make_case(
            close_day,
            &Spec {
                unit: Some(unit_index("自然资源")),
                region: Some(r),
                source: Some(SRC_PATROL),
                reserved: Some((t, i)),
                site_closed: Some(true),
                ..Spec::default()
            },
        );
        g.emit(&closing, qi, None)?;
        let mut again = g.make_case(
            recur_day,
            &Spec {
                unit: Some(unit_index("自然资源")),
                region: Some(r),
                reserved: Some((t, i)),
                site_closed: Some(false),
                ..Spec::default()
            },
        );
        if by_coords {
            // the same place under another name: only the coordinates match (within ~100 m)
            let suffix = ["东侧", "北面", "附近", "西侧"][g.rng.gen_range(0..4)];
            again.site = format!("{}{}", again.site.replace('村', ""), suffix);
            if let Some((lon, lat)) = closing.coord {
                again.coord = Some((
                    lon + g.rng.gen_range(-700..=700),
                    lat + g.rng.gen_range(-700..=700),
                ));
            }
        }
        g.emit(&again, qi, None)?;
    }
    for &(b, region) in PLANTED_MEDIA {
        if b.min(nq as u32 - 1) != back {
            continue;
        }
        let d = g.random_day(qi);
        let c = g.make_case(
            d,
            &Spec {
                region: Some(region_index(region)),
                source: Some(SRC_MEDIA),
                never_closes_site: true,
                ..Spec::default()
            },
        );
        g.emit(&c, qi, None)?;
    }
    Ok(())
}

/// The planted bad rows of quarter `qi` (messy data only).
pub(super) fn plant_rejects(g: &mut Gen, qi: usize) -> Result<()> {
    let nq = g.quarters.len();
    for (k, &(code, back, unit)) in PLANTED_REJECTS.iter().enumerate() {
        let target_q = (nq - 1).saturating_sub(back as usize);
        if target_q != qi {
            continue;
        }
        let u = unit_index(unit);
        let d = g.random_day(qi);
        let spec = Spec {
            unit: Some(u),
            never_closes_site: true,
            ..Spec::default()
        };
        let mut c = g.make_case(d, &spec);
        *g.planted.entry(code).or_insert(0) += 1;
        if code == "duplicate_case" {
            // a real case whose row is exported twice in this quarter's file
            c.referred_by = None;
            if c.source == SRC_NOTIFIED {
                c.source = SRC_PATROL;
            }
            g.emit(&c, qi, Some(qi))?;
            continue;
        }
        let recipe = g.files[qi][u].recipe.clone();
        g.render(&c, qi, &recipe);
        let (qs, qe) = g.bounds[qi];
        let year = g.quarters[qi].year;
        let mut extra = None;
        let v = &mut g.vals;
        match code {
            "bad_date" => {
                v[col::FOUND].clear();
                if k % 2 == 0 {
                    let _ = write!(v[col::FOUND], "{year}-02-30");
                } else {
                    v[col::FOUND].push_str("7月3日");
                }
            }
            "date_after_period" => {
                for f in [col::FOUND, col::FILED, col::CLOSED, col::TRANSFER_DATE] {
                    v[f].clear();
                }
                let mut s = String::new();
                g.fmt_date(&mut s, recipe.dates, qe + 3 + (k as Day % 20));
                g.vals[col::FOUND] = s;
                g.vals[col::TRANSFERRED].clear();
                g.vals[col::CRIMINAL].clear();
            }
            "date_order" => {
                for f in [col::FOUND, col::FILED, col::CLOSED, col::TRANSFER_DATE] {
                    v[f].clear();
                }
                let found = (qs + 10).max(d);
                let mut s = String::new();
                g.fmt_date(&mut s, recipe.dates, found);
                g.vals[col::FOUND] = s;
                let mut s = String::new();
                g.fmt_date(&mut s, recipe.dates, found - 5);
                g.vals[col::FILED] = s;
                g.vals[col::TRANSFERRED].clear();
                g.vals[col::CRIMINAL].clear();
            }
            "unknown_region" => {
                v[col::REGION].clear();
                v[col::REGION].push_str(if k % 2 == 0 { "瑞按市" } else { "乐请市" });
            }
            "unknown_violation_type" => {
                v[col::VTYPE].clear();
                v[col::VTYPE].push_str(if k % 2 == 0 {
                    "盗采稀土"
                } else {
                    "非法采煤"
                });
            }
            "negative_number" => {
                v[col::FINE].clear();
                v[col::FINE].push_str(if recipe.money == Money::WanHeader {
                    "-0.05"
                } else {
                    "-500"
                });
            }
            "bad_yes_no" => {
                v[col::SITE_CLOSED].clear();
                v[col::SITE_CLOSED].push_str(if k % 2 == 0 { "待定" } else { "不详" });
            }
            "field_count" => extra = Some("见附件"),
            _ => {}
        }
        g.write_vals(qi, u, extra)?;
    }
    Ok(())
}
