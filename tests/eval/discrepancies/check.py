"""Check the labelled discrepancy set: JSON shape, article length and dates, and that every
figure, quote, term and source named in expected.json is written in the articles it names.
Run: python tests/eval/discrepancies/check.py (exit 1 on any problem)."""
import difflib, json, sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
KINDS = {"number_conflict", "attribution_difference", "update", "outlier", "misattribution",
         "quote_variant", "framing", "omission", "wire_copy_edit"}
errors = []
def err(*a): errors.append(" ".join(map(str, a)))

groups_per_kind = defaultdict(set); items_per_kind = Counter()
for gd in sorted(p for p in ROOT.iterdir() if p.is_dir()):
    arts = {}
    for f in sorted(gd.glob("*.json")):
        d = json.loads(f.read_text())
        if f.name == "expected.json":
            continue
        if set(d) != {"outlet", "url", "title", "published", "text"}: err(f, "fields", set(d))
        dt = datetime.fromisoformat(d["published"])
        if dt.tzinfo is None: err(f, "no offset")
        n = len(d["text"].split())
        if not 120 <= n <= 300: err(f, "words", n)
        if "\n\n" not in d["text"] or "\n\n\n" in d["text"]: err(f, "paragraphs")
        if d["outlet"] in arts: err(f, "dup outlet")
        arts[d["outlet"]] = d["title"] + "\n\n" + d["text"]
    if not 3 <= len(arts) <= 6: err(gd, "n articles", len(arts))
    exp = json.loads((gd / "expected.json").read_text())
    def has(outlet, s, ci=False):
        t = arts[outlet]
        return (s.lower() in t.lower()) if ci else (s in t)
    for i, x in enumerate(exp["discrepancies"]):
        k = x["kind"]; tag = f"{gd.name}#{i} {k}"
        if k not in KINDS: err(tag, "bad kind")
        groups_per_kind[k].add(gd.name); items_per_kind[k] += 1
        if not x.get("note"): err(tag, "no note")
        for o in x["outlets"] + x.get("carried_by", []) + list(x.get("by_outlet", {})) + list(x.get("sources", {})):
            if o not in arts: err(tag, "unknown outlet", o)
        for o, ss in x.get("by_outlet", {}).items():
            for s in ss:
                if not has(o, s): err(tag, "by_outlet string missing", o, repr(s))
        for o, ss in x.get("sources", {}).items():
            for s in ss:
                if not has(o, s, ci=True): err(tag, "source missing", o, repr(s))
        if k == "quote_variant":
            for q in x["quotes"]:
                if not any(has(o, q) for o in x["outlets"]): err(tag, "quote missing", q)
            if len(set(x["quotes"])) < 2: err(tag, "quotes identical")
        elif k == "framing":
            if not has(x["outlets"][0], x["terms"][0], ci=True): err(tag, "marked term missing")
            for o in x["outlets"][1:]:
                if has(o, x["terms"][0], ci=True): err(tag, "marked term also in", o)
        elif k == "wire_copy_edit":
            a, b = x["outlets"]
            r = difflib.SequenceMatcher(None, arts[a].split("\n\n", 1)[1].split(), arts[b].split("\n\n", 1)[1].split(), autojunk=False).ratio()
            if r < 0.85: err(tag, "copy not similar", round(r, 2))
            if not x.get("edits"): err(tag, "no edits")
        elif k == "omission":
            fig = x["figures"][0]
            for o in x["outlets"]:
                if has(o, fig): err(tag, "omitting outlet has figure", o)
            for o in x["carried_by"]:
                if not any(has(o, f) for f in x.get("by_outlet", {}).get(o, [fig])): err(tag, "carrier lacks figure", o)
            if len(x["carried_by"]) * 2 < len(arts): err(tag, "carried by fewer than half")
            if set(x["carried_by"]) | set(x["outlets"]) != set(arts): err(tag, "carried_by+outlets != all outlets")
        else:
            for fig in x["figures"]:
                if not any(has(o, fig) for o in x["outlets"]): err(tag, "figure missing", fig)
            if k == "outlier":
                rest = [o for o in x["outlets"][1:]]
                if len(rest) < 3: err(tag, "outlier needs 3+ others")
            if k == "number_conflict" and len(x["outlets"]) < 2: err(tag, "nc needs 2 outlets")
            if k in ("misattribution", "attribution_difference"):
                if not x.get("sources"): err(tag, "no sources")
    for a in exp.get("agreements", []):
        for fig in a["figures"]:
            if not any(has(o, fig) for o in a["outlets"]): err(gd.name, "agreement figure missing", fig)

print()
for k in sorted(KINDS):
    print(f"{k:24s} groups={len(groups_per_kind[k])} items={items_per_kind[k]}")
print("total items", sum(items_per_kind.values()))
need = {k: (4 if k in {"number_conflict", "attribution_difference", "update", "outlier", "misattribution"} else 3) for k in KINDS}
for k, n in need.items():
    if len(groups_per_kind[k]) < n: err("coverage", k, len(groups_per_kind[k]))
print("\nERRORS:" if errors else "\nOK", *errors, sep="\n")
sys.exit(1 if errors else 0)
