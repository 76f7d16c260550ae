"""Extraction quality and speed, in one run.

    python benchmarks/extraction.py --newsquant ../shared/benchmarks/newsquant [--eval tests/eval/claims.jsonl]

Prints:
- NewsQuant (dev split): value F1 and value+bound F1, scored as its README describes (micro
  P/R/F1; a prediction matches a gold quantity of the same sentence when the values agree
  within a relative tolerance of 1e-5, both ends for a range; one-to-one per sentence).
- The labelled set we wrote (tests/eval/claims.jsonl): figure recall and precision, value and
  interval accuracy, measure, predicate and speaker accuracy over the figures found.
- Speed: words per second of the full source-compare pipeline against plain `nlp.pipe` of the
  same model over the same texts, measured in this run, as a ratio.

The NewsQuant data is read from the path given and never copied into the project.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compare.evaluate import score_eval, score_newsquant  # noqa: E402
from compare.extract import doc_rows  # noqa: E402
from compare.nlp import build_pipeline, load_model  # noqa: E402

def speed(texts: list[str], repeat: int = 3) -> dict[str, float]:
    """Words per second of the full pipeline and of plain nlp.pipe, best of `repeat`."""
    plain = load_model()
    full = build_pipeline()
    words = sum(len(t.split()) for t in texts)

    def best(nlp: Any, rows: bool) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for doc in nlp.pipe(texts, batch_size=16):
                if rows:
                    doc_rows(doc)
            times.append(time.perf_counter() - t0)
        return min(times)

    best(plain, False)  # warm-up
    t_plain = best(plain, False)
    t_full = best(full, True)
    return {"words": words, "plain_wps": words / t_plain, "full_wps": words / t_full,
            "ratio": t_plain / t_full}


def _speed_texts() -> list[str]:
    from compare.ingest import load_articles
    from compare.config import Settings

    articles, _ = load_articles([ROOT / "seeds"], Settings())
    return [a.text for a in articles] * 8


FLOORS = ROOT / "tests" / "eval" / "floors.toml"
FLOOR_MARGIN = 0.01  # measured scores minus this margin become the floors


def pin_floors(scores: dict[str, Any], *, allow_lower: bool) -> dict[str, float]:
    """Write floors just under the measured scores; only raises them unless allow_lower."""
    import tomllib

    current = tomllib.loads(FLOORS.read_text(encoding="utf-8"))["labelled_set"] if FLOORS.exists() else {}
    floors = dict(current)
    changed: dict[str, float] = {}
    for key, value in scores.items():
        if key.startswith("_"):
            continue
        proposed = round(max(0.0, float(value) - FLOOR_MARGIN), 3)
        if key not in floors or proposed > floors[key] or allow_lower:
            if floors.get(key) != proposed:
                changed[key] = proposed
            floors[key] = proposed
    write_floors({"labelled_set": floors})
    return changed


def write_floors(sections: dict[str, dict[str, float]]) -> None:
    """Update sections of tests/eval/floors.toml, keeping the others as they are."""
    import tomllib

    data = tomllib.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    data.update(sections)
    lines = ["# Quality floors pinned in CI; tests/test_evaluate.py fails when a score falls below one.",
             "# [labelled_set]: extraction on tests/eval/claims.jsonl (benchmarks/extraction.py --pin-floors).",
             "# [discrepancies]: matching on tests/eval/discrepancies/ (benchmarks/matching.py --pin-floors).",
             "# Pinning only raises floors; lowering one needs --allow-lower."]
    for name in sorted(data):
        lines += ["", f"[{name}]"] + [f"{k} = {v}" for k, v in sorted(data[name].items())]
    FLOORS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _print_errors(errors: list[str]) -> None:
    """Each sentence with its disagreements, then how many there are of each kind."""
    from collections import Counter

    kinds: Counter[str] = Counter()
    for block in errors:
        print(block)
        for line in block.splitlines()[1:]:
            words = line.split()
            kinds[(" ".join(words[:4]) if words[0] == "bound" else f"{words[0]} {words[2]}").rstrip(":")] += 1
    print("NewsQuant disagreements by kind:")
    for kind, n in kinds.most_common():
        print(f"  {n:4d}  {kind}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newsquant", type=Path, help="folder (or dev.json) of the NewsQuant dev split")
    parser.add_argument("--eval", type=Path, default=ROOT / "tests" / "eval" / "claims.jsonl")
    parser.add_argument("--show-misses", action="store_true", help="list the labelled-set figures the extractor got wrong")
    parser.add_argument("--show-errors", action="store_true",
                        help="list the NewsQuant quantities missed, the extra ones and the wrong bounds, with a count per kind")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--pin-floors", action="store_true",
                        help="raise the floors in tests/eval/floors.toml to the scores just measured (never lowers them)")
    parser.add_argument("--allow-lower", action="store_true", help="with --pin-floors: also lower floors")
    args = parser.parse_args()
    nlp = build_pipeline()
    if args.newsquant:
        errors: list[str] | None = [] if args.show_errors else None
        nq = score_newsquant(nlp, args.newsquant, errors=errors)
        if errors:
            _print_errors(errors)
        print(f"NewsQuant value:       P {nq['value_precision']:.1f}  R {nq['value_recall']:.1f}  F1 {nq['value_f1']:.1f}   (target >= 93; CQE 92.0)")
        print(f"NewsQuant value+bound: P {nq['bound_precision']:.1f}  R {nq['bound_recall']:.1f}  F1 {nq['bound_f1']:.1f}   (target >= 89; CQE 88.1)")
    if args.eval.exists():
        ev = score_eval(nlp, args.eval)
        print(f"Labelled set: figures recall {ev['figures_recall']:.3f}  precision {ev['figures_precision']:.3f}")
        print(f"  accuracy: value {ev['value_accuracy']:.3f}  interval {ev['interval_accuracy']:.3f}  "
              f"measure {ev['measure_accuracy']:.3f}  predicate {ev['predicate_accuracy']:.3f}  speaker {ev['speaker_accuracy']:.3f}")
        if args.pin_floors:
            changed = pin_floors(ev, allow_lower=args.allow_lower)
            print("  floors pinned:", ", ".join(f"{k} {v:.3f}" for k, v in changed.items()) or "unchanged")
        if args.show_misses:
            for line in ev["_misses"]:  # type: ignore[attr-defined]
                print("   ", line)
    if not args.no_speed:
        sp = speed(_speed_texts())
        print(f"Speed: pipeline {sp['full_wps']:.0f} words/s, plain nlp.pipe {sp['plain_wps']:.0f} words/s, "
              f"ratio {sp['ratio']:.2f} (target >= 0.85; {sp['words']:.0f} words)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
