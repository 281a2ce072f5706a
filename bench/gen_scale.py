#!/usr/bin/env python3
"""Data for bench/recurrence.sh (issue 17 item 17): many configured regions,
or many closed sites just outside the recurrence radius of new cases.

  gen_scale.py --out DIR --regions N --cases M          # N regions, M cases spread over them
  gen_scale.py --out DIR --ring M                       # M closed sites on a ring 201-260 m
                                                        # around M new cases (no pair)

Writes DIR/minebrief.toml (the embedded configuration with N regions when
--regions is given) and DIR/2026Q1, DIR/2026Q3 with one case file each
(canonical UTF-8 headers). Deterministic (seeded)."""
import argparse, math, os, random

HEAD = "案件编号,填报单位,县市区,乡镇街道,点位名称,经度,纬度,发现日期,线索来源,违法类型,是否取缔关闭\n"
R = 6371000.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--regions", type=int, default=0)
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--ring", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(os.path.join(a.out, "2026Q1"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "2026Q3"), exist_ok=True)
    names = ["鹿城区"]
    if a.regions:
        names = [f"测试区{i:05d}" for i in range(a.regions)]
        with open(os.path.join(a.out, "minebrief.toml"), "w", encoding="utf-8") as f:
            for n in names:
                f.write(f'[[regions]]\nname = "{n}"\n\n')
    early, late = [], []
    if a.ring:
        # New cases around (120.65, 28.0); closed sites 201-260 m from the
        # centre of the new cases' 0.5 m cluster: none within 200 m.
        cx, cy = 120.65, 28.0
        for i in range(a.ring):
            d = 201.0 + rnd.random() * 59.0 + 1.0
            t = rnd.random() * 2 * math.pi
            x = cx + math.degrees(d * math.cos(t) / (R * math.cos(math.radians(cy))))
            y = cy + math.degrees(d * math.sin(t) / R)
            early.append((f"E{i:07d}", names[0], f"{x:.7f}", f"{y:.7f}", "是"))
            x = cx + math.degrees(rnd.random() * 0.5 / R)
            late.append((f"N{i:07d}", names[0], f"{x:.7f}", f"{cy:.7f}", "否"))
    else:
        for i in range(a.cases):
            reg = names[i % len(names)]
            x = 119.7 + rnd.random() * 1.5
            y = 27.1 + rnd.random() * 1.4
            row = (f"C{i:07d}", reg, f"{x:.6f}", f"{y:.6f}", "是" if i % 3 == 0 else "否")
            (early if i % 2 == 0 else late).append(row)
    for q, rows, day in (("2026Q1", early, "2026-02-10"), ("2026Q3", late, "2026-08-10")):
        with open(os.path.join(a.out, q, f"自然资源_{q}.csv"), "w", encoding="utf-8") as f:
            f.write(HEAD)
            for cid, reg, x, y, closed in rows:
                f.write(f"{cid},自然资源,{reg},,{cid}点,{x},{y},{day},巡查发现,无证开采,{closed}\n")


if __name__ == "__main__":
    main()
