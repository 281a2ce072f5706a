//! The cases themselves: sites, weights, the generator state and
//! `make_case`, which draws one case (its unit, place, dates, outcome,
//! party) for a found day. `make_case` is one long function on purpose:
//! every draw happens in a fixed order, and that order is what keeps a
//! seed's output byte-identical.

use super::*;

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub(super) struct Case {
    pub(super) id: String,
    pub(super) unit: usize,
    pub(super) region: usize,
    pub(super) township: Option<usize>,
    pub(super) site: String,
    /// Micro-degrees.
    pub(super) coord: Option<(i64, i64)>,
    pub(super) found: Day,
    pub(super) source: usize,
    pub(super) vtype: usize,
    pub(super) filed: Option<Day>,
    pub(super) closed: Option<Day>,
    pub(super) fine_yuan: i64,
    pub(super) confiscated_cents: i64,
    pub(super) volume_dt: i64,
    pub(super) transferred: bool,
    pub(super) transfer: Option<Day>,
    pub(super) criminal: bool,
    pub(super) persons: u32,
    pub(super) site_closed: bool,
    pub(super) power_cut: bool,
    pub(super) vessels: u32,
    pub(super) equipment: u32,
    pub(super) referred_by: Option<usize>,
    pub(super) party: String,
    pub(super) party_id: String,
    pub(super) summary: String,
}

/// How a case is to be made (planted cases force some of it).
#[derive(Debug, Clone, Default)]
pub(super) struct Spec {
    pub(super) unit: Option<usize>,
    pub(super) region: Option<usize>,
    pub(super) source: Option<usize>,
    pub(super) never_closes_site: bool,
    /// Use this reserved site (township, site index) instead of a pool site.
    pub(super) reserved: Option<(usize, usize)>,
    pub(super) site_closed: Option<bool>,
    pub(super) backlog: bool,
}

/// A site of a township: name and position.
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub(super) name: String,
    pub(super) coord: (i64, i64),
}

pub(super) struct Sites {
    /// [region][township] -> all sites (pools by kind, then reserved).
    pub(super) all: Vec<Vec<Vec<Site>>>,
    pub(super) pool: usize,
    /// Closed flags, same layout.
    pub(super) closed: Vec<Vec<Vec<bool>>>,
    /// Next reserved site per [region][township].
    pub(super) next_reserved: Vec<Vec<usize>>,
}

impl Sites {
    pub(super) fn new(rng: &mut ChaCha8Rng, pool: usize) -> Sites {
        let pool = pool.clamp(4, (SITES_PER_TOWNSHIP - RESERVED_SITES) / KINDS);
        let mut all = Vec::new();
        let mut closed = Vec::new();
        let mut next_reserved = Vec::new();
        for r in REGIONS {
            let mut towns = Vec::new();
            let mut towns_closed = Vec::new();
            for (t, _) in r.townships.iter().enumerate() {
                // townships on a 3 x 2 grid 0.13° apart, sites on a 20-wide grid
                let t_lon = r.centre.0 + (t as i64 % 3 - 1) * 130_000 - 50_000;
                let t_lat = r.centre.1 + (t as i64 / 3) * 130_000 - 110_000;
                let mut names = BTreeSet::new();
                let mut sites = Vec::new();
                let total = pool * KINDS + RESERVED_SITES;
                for i in 0..total {
                    let kind = if i < pool * KINDS { i / pool } else { 0 };
                    let name = loop {
                        let v = format!(
                            "{}{}村{}",
                            pick_char(rng, VILLAGE_A),
                            pick_char(rng, VILLAGE_B),
                            SITE_SUFFIX[kind][rng.gen_range(0..SITE_SUFFIX[kind].len())]
                        );
                        if names.insert(v.clone()) {
                            break v;
                        }
                    };
                    let coord = (
                        t_lon + (i % GRID_COLS) as i64 * GRID_STEP,
                        t_lat + (i / GRID_COLS) as i64 * GRID_STEP,
                    );
                    sites.push(Site { name, coord });
                }
                towns_closed.push(vec![false; sites.len()]);
                towns.push(sites);
            }
            next_reserved.push(vec![0; towns.len()]);
            all.push(towns);
            closed.push(towns_closed);
        }
        Sites {
            all,
            pool,
            closed,
            next_reserved,
        }
    }

    /// A reserved site of a region for a planted recurrence: (township, index).
    pub(super) fn reserve(&mut self, rng: &mut ChaCha8Rng, region: usize) -> (usize, usize) {
        let towns = self.all[region].len();
        let start = rng.gen_range(0..towns);
        for k in 0..towns {
            let t = (start + k) % towns;
            let n = self.next_reserved[region][t];
            if n < RESERVED_SITES {
                self.next_reserved[region][t] += 1;
                return (t, self.pool * KINDS + n);
            }
        }
        // every reserved site used: reuse the first one of the township
        (start, self.pool * KINDS)
    }
}

pub(super) fn chinese_num_list(rng: &mut ChaCha8Rng, n: usize, from: &[char]) -> String {
    let mut s = String::new();
    for _ in 0..n {
        s.push(pick_char(rng, from));
    }
    s
}

/// Weight tables for `pick_weighted`.
pub(super) struct Weights {
    pub(super) units: Vec<u32>,
    /// Per unit: weights of its typical violation types.
    pub(super) types: Vec<Vec<u32>>,
    pub(super) regions: Vec<u32>,
    /// Regions on the coast only (sea sand).
    pub(super) coastal: Vec<u32>,
    pub(super) patrols: Vec<u32>,
}

impl Weights {
    pub(super) fn new() -> Weights {
        Weights {
            units: UNITS.iter().map(|u| u.weight).collect(),
            types: UNITS
                .iter()
                .map(|u| u.types.iter().map(|t| t.1).collect())
                .collect(),
            regions: REGIONS.iter().map(|r| r.weight).collect(),
            coastal: REGIONS
                .iter()
                .map(|r| if r.coastal { r.weight } else { 0 })
                .collect(),
            patrols: UNITS.iter().map(|u| u.patrol_weight).collect(),
        }
    }
}

/// The generator state.
pub(super) struct Gen {
    pub(super) w: Weights,
    pub(super) rng: ChaCha8Rng,
    /// Per-cell formatting choices of messy files (mixed date forms, aliases).
    pub(super) frng: ChaCha8Rng,
    pub(super) clean: bool,
    pub(super) quarters: Vec<Quarter>,
    pub(super) bounds: Vec<(Day, Day)>,
    pub(super) sites: Sites,
    /// (unit, year) -> last case number.
    pub(super) seq: BTreeMap<(usize, i32), u32>,
    pub(super) ref_seq: BTreeMap<i32, u32>,
    pub(super) files: Vec<Vec<CaseFile>>,
    pub(super) referrals: Vec<Out>,
    /// Rows already committed to each quarter by earlier cases.
    pub(super) carried: Vec<u64>,
    pub(super) case_rows: u64,
    pub(super) cases: u64,
    pub(super) planted: BTreeMap<&'static str, u64>,
    pub(super) vals: Vec<String>,
    pub(super) excel_epoch: Day,
}

pub(super) fn unit_index(name: &str) -> usize {
    UNITS.iter().position(|u| u.name == name).unwrap_or(0)
}

pub(super) fn region_index(name: &str) -> usize {
    REGIONS.iter().position(|r| r.name == name).unwrap_or(0)
}

pub(super) fn type_index(name: &str) -> usize {
    TYPES
        .iter()
        .position(|t| t.0 == name)
        .unwrap_or(TYPES.len() - 1)
}

/// Filing within 7 days, per mille: (the rate of a unit of this tier, the
/// factor a region of this tier multiplies it by).
pub(super) fn tier_fast(t: Tier) -> (u32, u32) {
    match t {
        Tier::A => (960, 1000),
        Tier::B => (820, 940),
        Tier::C => (520, 800),
    }
}

impl Gen {
    pub(super) fn quarter_index(&self, d: Day) -> Option<usize> {
        self.bounds.iter().position(|&(s, e)| s <= d && d <= e)
    }

    pub(super) fn last_end(&self) -> Day {
        self.bounds.last().map(|b| b.1).unwrap_or(0)
    }

    pub(super) fn first_start(&self) -> Day {
        self.bounds.first().map(|b| b.0).unwrap_or(0)
    }

    pub(super) fn next_case_id(&mut self, unit: usize, found: Day) -> String {
        let year = date_of(found).year();
        let n = self.seq.entry((unit, year)).or_insert(0);
        *n += 1;
        format!("温{}案〔{year}〕{}号", UNITS[unit].abbr, n)
    }

    pub(super) fn person(&mut self, region: usize) -> (String, String) {
        let rng = &mut self.rng;
        let mut name = String::new();
        name.push(pick_char(rng, SURNAMES));
        let given = if rng.gen_bool(0.3) { 1 } else { 2 };
        name.push_str(&chinese_num_list(rng, given, GIVEN));
        let birth = day_of(NaiveDate::from_ymd_opt(1955, 1, 1).unwrap_or(NaiveDate::MIN))
            + rng.gen_range(0..16_400);
        let b = date_of(birth);
        let body = format!(
            "{}{:04}{:02}{:02}{:03}",
            REGIONS[region].area,
            b.year(),
            b.month(),
            b.day(),
            rng.gen_range(0..1000)
        );
        let sum: u32 = body
            .bytes()
            .zip(ID_WEIGHTS)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        let check = ID_CHECK[(sum % 11) as usize] as char;
        (name, format!("{body}{check}"))
    }

    pub(super) fn firm(&mut self, region: usize) -> (String, String) {
        let rng = &mut self.rng;
        let r = &REGIONS[region];
        let prefix = if ["鹿城", "龙湾", "瓯海", "洞头"].contains(&r.short) {
            "温州"
        } else {
            r.short
        };
        let name = format!(
            "{prefix}{}{}{}有限公司",
            pick_char(rng, FIRM_MID),
            pick_char(rng, FIRM_MID),
            FIRM_KIND[rng.gen_range(0..FIRM_KIND.len())]
        );
        let mut code = format!("91{}MA", r.area);
        for _ in 0..8 {
            code.push(CODE_CHARS[rng.gen_range(0..CODE_CHARS.len())] as char);
        }
        (name, code)
    }

    /// Make one case found on `found`.
    pub(super) fn make_case(&mut self, found: Day, spec: &Spec) -> Case {
        let unit = match spec.unit {
            Some(u) => u,
            None => pick_weighted(&mut self.rng, &self.w.units),
        };
        let ud = &UNITS[unit];
        let vtype = if self.rng.gen_bool(0.75) {
            let i = pick_weighted(&mut self.rng, &self.w.types[unit]);
            type_index(ud.types[i].0)
        } else {
            // any type but 其他 mostly
            let i = self.rng.gen_range(0..TYPES.len() + 3);
            i.min(TYPES.len() - 2)
        };
        let kind = site_kind(vtype);
        let region = match spec.region {
            Some(r) => r,
            None => {
                let w = if kind == 2 {
                    &self.w.coastal
                } else {
                    &self.w.regions
                };
                pick_weighted(&mut self.rng, w)
            }
        };
        let rd = &REGIONS[region];
        // site: a pool site of the kind that is not a closed site, or a reserved one
        let (site_town, site_idx) = match spec.reserved {
            Some(x) => (x.0, Some(x.1)),
            None => {
                let t = self.rng.gen_range(0..rd.townships.len());
                let mut chosen = None;
                for _ in 0..8 {
                    let i = kind * self.sites.pool + self.rng.gen_range(0..self.sites.pool);
                    if !self.sites.closed[region][t][i] {
                        chosen = Some(i);
                        break;
                    }
                }
                (t, chosen)
            }
        };
        let township = if spec.reserved.is_none() && self.rng.gen_bool(0.01) {
            None
        } else {
            Some(site_town)
        };
        let (site, coord) = match site_idx {
            Some(i) if spec.reserved.is_some() || !self.rng.gen_bool(0.03) => {
                let s = &self.sites.all[region][site_town][i];
                // same site: within about 30 m
                let j = (
                    self.rng.gen_range(-300..=300_i64),
                    self.rng.gen_range(-300..=300_i64),
                );
                (s.name.clone(), Some((s.coord.0 + j.0, s.coord.1 + j.1)))
            }
            _ => (String::new(), None),
        };
        let site_closed = spec.site_closed.unwrap_or_else(|| {
            !spec.never_closes_site && site_idx.is_some() && self.rng.gen_bool(0.05)
        });
        // a closed site is always archived with its coordinates; others mostly have them
        let coord = if site_closed || spec.reserved.is_some() || self.rng.gen_bool(0.85) {
            coord
        } else {
            None
        };
        if site_closed && spec.reserved.is_none() {
            if let Some(i) = site_idx {
                self.sites.closed[region][site_town][i] = true;
            }
        }

        // lead source
        let source = match spec.source {
            Some(s) => s,
            None => {
                let mut p = match rd.tier {
                    Tier::A => 820,
                    Tier::B => 620,
                    Tier::C => 380,
                };
                p = match ud.tier {
                    Tier::A => p + 80,
                    Tier::B => p,
                    Tier::C => p - 100,
                };
                if self.rng.gen_range(0..1000) < p {
                    [0, 1, 2][pick_weighted(&mut self.rng, &[60, 20, 20])]
                } else {
                    let media = if rd.tier == Tier::C { 4 } else { 1 };
                    [3, 4, 5, 6, 7][pick_weighted(&mut self.rng, &[35, 45, media, 8, 4])]
                }
            }
        };
        let referred_by = if source == SRC_NOTIFIED {
            let mut o = self.rng.gen_range(0..UNITS.len() - 1);
            if o >= unit {
                o += 1;
            }
            Some(o)
        } else {
            None
        };

        // dates
        let (ufast, _) = tier_fast(ud.tier);
        let (_, rscale) = tier_fast(rd.tier);
        let fast = ufast * rscale / 1000;
        let (slow_close, never_close) = match (ud.tier, rd.tier) {
            (Tier::A, Tier::A) => (10, 2),
            (Tier::A, _) | (_, Tier::A) => (35, 8),
            (Tier::C, Tier::C) => (380, 120),
            (Tier::C, _) | (_, Tier::C) => (250, 70),
            _ => (120, 30),
        };
        let mut filed = None;
        let mut closed = None;
        if spec.backlog || spec.reserved.is_some() || self.rng.gen_range(0..1000) < 940 {
            let delay = if spec.reserved.is_some() || self.rng.gen_range(0..1000) < fast {
                self.rng.gen_range(0..=7)
            } else if self.rng.gen_bool(0.8) {
                self.rng.gen_range(8..=30)
            } else {
                self.rng.gen_range(31..=75)
            };
            let f = found + delay;
            let x = self.rng.gen_range(0..1000);
            let c = if spec.reserved.is_some() {
                Some(f + self.rng.gen_range(5..=40))
            } else if x < never_close {
                None
            } else if x < never_close + slow_close {
                Some(f + self.rng.gen_range(91..=220))
            } else {
                Some(f + self.rng.gen_range(7..=88))
            };
            filed = Some(f);
            closed = c;
            if spec.backlog {
                let first = self.first_start();
                filed = Some(f.min(first - 1));
                if let Some(c) = closed {
                    if c < first {
                        closed = Some(first + self.rng.gen_range(0..150));
                    }
                }
            }
        }

        let transferred = filed.is_some()
            && self.rng.gen_range(0..1000)
                < if ud.name == "公安" {
                    350
                } else if TYPES[vtype].0 == "非法开采海砂" {
                    220
                } else {
                    60
                };
        let transfer = match filed {
            Some(f) if transferred && self.rng.gen_bool(0.8) => {
                Some(f + self.rng.gen_range(0..=20))
            }
            _ => None,
        };
        let criminal = transferred && self.rng.gen_bool(0.65);
        let persons =
            1 + [0, 1, 2, 3, 4, 6, 9][pick_weighted(&mut self.rng, &[40, 25, 14, 9, 6, 4, 2])];
        let power_cut = self.rng.gen_range(0..100) < if ud.name == "电力" { 60 } else { 8 };
        let vessels = if (kind == 1 || kind == 2) && self.rng.gen_bool(0.35) {
            self.rng.gen_range(1..4)
        } else {
            0
        };
        let equipment = if self.rng.gen_bool(0.3) {
            self.rng.gen_range(1..7)
        } else {
            0
        };
        let fine_yuan = if closed.is_some() && self.rng.gen_bool(0.85) {
            let base = [
                2_000, 5_000, 10_000, 20_000, 30_000, 50_000, 100_000, 200_000, 500_000,
            ][pick_weighted(&mut self.rng, &[8, 14, 18, 16, 12, 10, 8, 4, 1])];
            base + 100 * self.rng.gen_range(0..base / 100)
        } else {
            0
        };
        let confiscated_cents = if closed.is_some() && self.rng.gen_bool(0.3) {
            let mag = [100_000, 1_000_000, 10_000_000][pick_weighted(&mut self.rng, &[5, 4, 1])];
            self.rng.gen_range(mag..mag * 10)
        } else {
            0
        };
        let volume_dt = if self.rng.gen_bool(0.7) {
            let mag = [100, 1_000, 10_000, 100_000][pick_weighted(&mut self.rng, &[3, 5, 3, 1])];
            self.rng.gen_range(mag..mag * 10)
        } else {
            0
        };
        let (party, party_id) = if self.rng.gen_bool(0.75) {
            self.person(region)
        } else {
            self.firm(region)
        };
        let id = self.next_case_id(unit, found);

        // summary, 30 to 80 characters
        let d = date_of(found);
        let mut text = format!("{}月{}日，", d.month(), d.day());
        match source {
            0 => text.push_str("执法人员日常巡查发现"),
            1 => text.push_str("通过电子监控发现"),
            2 => text.push_str("经卫片执法图斑核查发现"),
            3 => {
                let o = referred_by.unwrap_or(0);
                let _ = write!(text, "接{}部门通报", UNITS[o].name);
            }
            4 => text.push_str("接群众举报"),
            5 => text.push_str("经媒体曝光"),
            6 => text.push_str("经上级交办"),
            _ => text.push_str("经核查"),
        }
        let _ = write!(
            text,
            "{}{}{}存在{}行为",
            rd.name,
            township.map(|t| rd.townships[t]).unwrap_or(""),
            site,
            TYPES[vtype].0
        );
        let mut acts: Vec<String> = Vec::new();
        if vessels > 0 {
            acts.push(format!("扣押船舶{vessels}艘"));
        }
        if equipment > 0 {
            acts.push(format!("暂扣{}{equipment}台", EQUIPMENT[kind]));
        }
        if volume_dt > 0 {
            let mut v = String::from("涉案矿产品约");
            push_trimmed(&mut v, volume_dt, 1);
            v.push('吨');
            acts.push(v);
        }
        if power_cut {
            acts.push("已对该点位实施断电".into());
        }
        if site_closed {
            acts.push("已取缔关闭".into());
        }
        if transferred {
            acts.push("已移送公安机关".into());
        }
        acts.push(if self.rng.gen_bool(0.5) {
            "已责令停止违法行为".into()
        } else {
            "案件正在进一步调查中".into()
        });
        for a in acts {
            if text.chars().count() + a.chars().count() + 2 > 80 {
                break;
            }
            text.push('，');
            text.push_str(&a);
        }
        text.push('。');
        if text.chars().count() < 30 {
            text.pop();
            text.push_str("，当事人已到案接受调查。");
        }
        if !self.clean && self.rng.gen_range(0..100) < 2 {
            // a cell spanning lines, with ASCII quotes and a comma
            text.push_str("\n现场查见\"三无\"船只1艘, 已拍照取证。");
        }

        Case {
            id,
            unit,
            region,
            township,
            site,
            coord,
            found,
            source,
            vtype,
            filed,
            closed,
            fine_yuan,
            confiscated_cents,
            volume_dt,
            transferred,
            transfer,
            criminal,
            persons,
            site_closed,
            power_cut,
            vessels,
            equipment,
            referred_by,
            party,
            party_id,
            summary: text,
        }
    }
}
