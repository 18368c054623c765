#!/usr/bin/env python3
"""Measures the reply trimmer on a set of replies laid out as `heldout*/` (manifest.tsv,
expected/): how many are kept exactly, how many lose a word of the expected text, how
many attachment lists differ from the notes' `attachment: "…"`. It runs `dossier inspect`
on each message; `-v` shows the differences and the cuts.
Usage: tests/corpus/measure.py SET_DIR target/debug/dossier [-v]"""
import json, re, subprocess, sys, difflib
from pathlib import Path

def normal(t):
    t = t.replace("\r\n", "\n").replace("\u00a0", " ")
    out = []
    for line in (l.rstrip() for l in t.split("\n")):
        if not (line == "" and out and out[-1] == ""):
            out.append(line)
    return "\n".join(out).strip()

def words(t):
    return {w.lower() for w in re.split(r"[^\w]+", t) if w and not w == "_"}

root, binary = Path(sys.argv[1]), sys.argv[2]
verbose = "-v" in sys.argv
rows = [r.split("\t") for r in (root / "manifest.tsv").read_text().splitlines()[1:] if r.strip()]
stats = {}
for row in rows:
    f, kind, exp, notes = row[0], row[1], row[2], row[3] if len(row) > 3 else ""
    group = f.split("/")[0]
    s = stats.setdefault(group, {"n": 0, "exact": 0, "lost": 0, "att": 0})
    s["n"] += 1
    out = subprocess.run([binary, "inspect", str(root / f)], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL {f}: inspect exit {out.returncode}: {out.stderr.strip()}")
        continue
    a = json.loads(out.stdout)
    kept, wanted = normal(a["text"]), normal((root / exp).read_text())
    ok = kept == wanted
    lost = words(wanted) - words(kept)
    names = sorted(x["name"] for x in a["attachments"] if not x.get("inline"))
    want_names = []
    for m in re.finditer(r'attachments?: ((?:"[^"]+"(?:, )?)+)', notes):
        want_names += re.findall(r'"([^"]+)"', m.group(1))
    want_names.sort()
    att_ok = names == want_names
    s["exact"] += ok
    s["lost"] += bool(lost)
    s["att"] += not att_ok
    if not ok or lost or not att_ok:
        print(f"{'MISS' if not ok else 'ok  '} {f}" + (f"  LOST {sorted(lost)}" if lost else "")
              + ("" if att_ok else f"  ATT got {names} want {want_names}"))
        if verbose and not ok:
            for d in difflib.unified_diff(wanted.split("\n"), kept.split("\n"), "expected", "kept", lineterm="", n=1):
                print("    " + d)
            for c in a.get("cuts", []):
                print("    cut:", json.dumps(c, ensure_ascii=False)[:200])
for g, s in stats.items():
    print(f"{g}: {s['exact']}/{s['n']} exact, {s['lost']} with a word lost, {s['att']} attachment lists wrong")
