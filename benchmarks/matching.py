"""Matching quality on our labelled event groups: precision and recall per discrepancy kind.

    python benchmarks/matching.py [--groups tests/eval/discrepancies] [--show-misses] [--split] [--pin-floors]

Each group folder under tests/eval/discrepancies/ holds seed-style articles and the
discrepancies an editor would list (expected.json). The whole pipeline runs on each group.
--split also scores the first nine groups, the groups added later (LATER_GROUPS, labelled
before the matcher ever ran on them) and the held-out groups (HELD_OUT, written after the
matcher changed and never tuned on) separately: a change that only fits the first nine shows.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from compare.evaluate import DISCREPANCY_KINDS, score_discrepancies  # noqa: E402
from compare.nlp import build_pipeline  # noqa: E402

FLOORS = ROOT / "tests" / "eval" / "floors.toml"
FLOOR_MARGIN = 0.02
# groups added later, labelled before the matcher first ran on them (then used in development)
LATER_GROUPS = frozenset({"nk-troops-oct23-2024", "zaporizhzhia-strike-oct2024", "morocco-aid-sept2023"})
# groups written after the matcher was changed, scored once and never tuned on
HELD_OUT = frozenset({"nk-troops-pentagon-oct2024", "korvel-bridge-collapse", "torvik-heatwave"})


def pin_floors(scores: dict[str, Any], *, allow_lower: bool) -> None:
    """Set the [discrepancies] floors just under the scores; only raises them unless allow_lower."""
    text = FLOORS.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    floors = dict(data.get("discrepancies", {}))
    for kind in DISCREPANCY_KINDS:
        for metric in ("precision", "recall"):
            key = f"{kind}_{metric}"
            proposed = round(max(0.0, scores[kind][metric] - FLOOR_MARGIN), 3)
            if key not in floors or proposed > floors[key] or allow_lower:
                floors[key] = proposed
    from extraction import write_floors

    write_floors({"discrepancies": floors})


def _table(scores: dict[str, Any]) -> None:
    print(f"{'kind':<24} {'precision':>9} {'recall':>7} {'expected':>9} {'found':>6}")
    for kind in DISCREPANCY_KINDS:
        s = scores[kind]
        print(f"{kind:<24} {s['precision']:>9.3f} {s['recall']:>7.3f} {int(s['expected']):>9} {int(s['found']):>6}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=Path, default=ROOT / "tests" / "eval" / "discrepancies")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--split", action="store_true", help="also score the first groups and the later ones apart")
    parser.add_argument("--pin-floors", action="store_true")
    parser.add_argument("--allow-lower", action="store_true")
    args = parser.parse_args()
    nlp = build_pipeline()
    scores = score_discrepancies(nlp, args.groups)
    if args.split:
        names = {p.name for p in args.groups.iterdir() if p.is_dir()}
        for title, subset in (("first groups", names - LATER_GROUPS - HELD_OUT), ("later groups", names & LATER_GROUPS),
                              ("held-out groups", names & HELD_OUT)):
            if subset:
                print(f"-- {title} ({len(subset)})")
                _table(score_discrepancies(nlp, args.groups, groups=subset))
        print("-- all groups")
    _table(scores)
    if args.show_misses:
        for line in scores["_misses"]:  # type: ignore[union-attr]
            print("   ", line)
    if args.pin_floors:
        pin_floors(scores, allow_lower=args.allow_lower)
        print("floors pinned in", FLOORS.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
