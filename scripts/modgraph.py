#!/usr/bin/env python3
"""The module graph of src/, drawn from the code's own `use crate::…` and
`crate::…::` paths, with every arrow that points up the pipeline and every
cycle listed. Used for docs/architecture.md:

    python3 scripts/modgraph.py            # mermaid graph + findings
    python3 scripts/modgraph.py --check    # exit 1 on an upward arrow or a cycle

A node is a top-level module of the crate, except `render`, whose renderers
are nodes of their own (render/html, render/pdf, …) so that one renderer
reaching into another shows. Test code (`#[cfg(test)] mod tests` blocks and
`*_tests.rs` files) is left out: tests may use anything.
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

# Pipeline layers, upstream first: a module may use modules of its own or a
# lower layer only.
LAYERS = [
    ["error", "text", "quarter", "privacy", "input", "excel_csv", "permute", "pieces", "prefetch", "test_rng", "id_text", "direct_io", "mapped", "arena", "resident", "sha_pair"],
    ["config", "model"],
    ["names"],
    ["ingest"],
    ["analysis"],
    ["assess"],
    ["report", "summary", "tables", "feedback", "parquet"],
    ["render", "render/typeset", "render/chart", "render/raster"],
    ["render/html", "render/pdf", "render/docx", "render/xlsx"],
    ["output", "pipeline", "sample"],
    ["cmd", "cli", "main", "lib"],
]
LAYER = {m: i for i, ms in enumerate(LAYERS) for m in ms}

PATH = re.compile(r"crate::([a-z_]+)(?:::([a-z_]+))?")


def node_of_file(rel):
    parts = rel[:-3].split("/")
    if parts[-1] == "mod":
        parts = parts[:-1]
    if not parts:
        return "lib"
    if parts[0] == "render" and len(parts) > 1:
        return "render/" + parts[1]
    return parts[0]


def node_of_path(top, sub):
    if top == "render" and sub:
        return "render/" + sub
    return top


def strip_tests(text):
    """Drop `#[cfg(test)]` items (a `mod tests { … }` block, by braces)."""
    out, i = [], 0
    while True:
        j = text.find("#[cfg(test)]", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        k = text.find("{", j)
        if k < 0:
            break
        depth, m = 0, k
        while m < len(text):
            if text[m] == "{":
                depth += 1
            elif text[m] == "}":
                depth -= 1
                if depth == 0:
                    break
            m += 1
        i = m + 1
    return "".join(out)


def expand_use_groups(text):
    """`use crate::{a::x, b};` → `crate::a::x crate::b` so each path is seen."""
    def repl(m):
        inner = m.group(1)
        return " ".join("crate::" + p.strip() for p in split_top(inner) if p.strip())
    return re.sub(r"crate::\{([^;]*)\}", repl, text)


def split_top(s):
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def graph():
    edges = {}
    for root, _, files in os.walk(SRC):
        for f in files:
            # (`*_tests.rs`: a module's tests in a file of their own,
            # included under `#[cfg(test)]`: test code too)
            if not f.endswith(".rs") or f.endswith("_tests.rs"):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, SRC).replace(os.sep, "/")
            src = node_of_file(rel)
            with open(path, encoding="utf-8") as fh:
                text = expand_use_groups(strip_tests(fh.read()))
            for m in PATH.finditer(text):
                dst = node_of_path(m.group(1), m.group(2))
                if dst != src and not dst.startswith(src + "/") and not src.startswith(dst + "/"):
                    edges.setdefault(src, set()).add(dst)
    return edges


def cycles(edges):
    found, seen = [], set()

    def dfs(n, stack):
        for d in sorted(edges.get(n, ())):
            if d in stack:
                cyc = stack[stack.index(d):] + [d]
                key = frozenset(cyc)
                if key not in seen:
                    seen.add(key)
                    found.append(cyc)
            elif len(stack) < 12:
                dfs(d, stack + [d])

    for n in sorted(edges):
        dfs(n, [n])
    return found


def main():
    edges = graph()
    up = []
    for s in sorted(edges):
        for d in sorted(edges[s]):
            ls, ld = LAYER.get(s), LAYER.get(d)
            if ls is None or ld is None:
                up.append((s, d, "unknown layer"))
            elif ld > ls:
                up.append((s, d, "up the pipeline"))
            elif ld == ls and s.startswith("render/") and LAYERS[ls] == LAYERS[LAYER["render/html"]]:
                up.append((s, d, "one renderer reaching into another"))
    cyc = cycles(edges)
    print("```mermaid")
    print("graph TD")
    for s in sorted(edges):
        for d in sorted(edges[s]):
            a, b = s.replace("/", "_"), d.replace("/", "_")
            print(f"  {a}[{s}] --> {b}[{d}]")
    print("```")
    print()
    if up:
        print("Arrows against the pipeline:")
        for s, d, why in up:
            print(f"- {s} → {d} ({why})")
    else:
        print("No arrow points up the pipeline.")
    if cyc:
        print("Cycles:")
        for c in cyc:
            print("- " + " → ".join(c))
    else:
        print("No cycle.")
    if "--check" in sys.argv and (up or cyc):
        sys.exit(1)


if __name__ == "__main__":
    main()
