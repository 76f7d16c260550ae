"""Speed and memory at scale, as ratios against baselines measured in the same run.

    python benchmarks/scale.py [--articles 2000] [--events 120] [--rounds 2] [--memory-articles 10000]

Prints:
- end-to-end `run` in one process against plain `nlp.pipe` of the same model over the same
  texts in one process (target >= 0.85);
- `run` on all cores (2 here) against one process (target >= 1.3x faster);
- matching time when the claims per event double (target <= 2.5x);
- peak memory of a whole `run` over --memory-articles articles (target < 1.5 GB);
- a no-op rerun against the first run (target < 5%).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate  # noqa: E402

from compare import pipeline, store  # noqa: E402
from compare.config import Settings  # noqa: E402
from compare.ingest import load_articles  # noqa: E402
from compare.nlp import load_model  # noqa: E402


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_seconds(corpus: Path, db: Path, workers: int) -> float:
    """Seconds for a whole `run` (ingest to report) into a fresh database."""
    settings = Settings(db=db, out=db.parent / f"report-{workers}", workers=workers)
    return _timed(lambda: pipeline.run([corpus], settings))


def matching_seconds(work: Path, per_event: int) -> tuple[float, int]:
    """Seconds to match one event of `per_event` articles, and its claim count."""
    corpus = work / f"match-{per_event}"
    generate(corpus, articles=per_event, events=1, seed=11)
    db = work / f"match-{per_event}.duckdb"
    settings = Settings(db=db, out=work / f"mr-{per_event}", workers=2)
    pipeline.run([corpus], settings)
    from compare import match

    con = store.connect(db)
    try:
        claims = con.execute("SELECT count(*) FROM claims").fetchall()[0][0]
        event = con.execute("SELECT id FROM events").fetchall()[0][0]
        seconds = min(_timed(lambda: match.event_discrepancies(con, event, settings)) for _ in range(5))
    finally:
        con.close()
    return seconds, int(claims)


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants, read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(parents.get(current, []))
    return out


def _memory_mb(pid: int) -> float:
    """Proportional set size of a process (MB): pages shared with its parent after a fork
    are split between them rather than counted once in each; resident size where the
    kernel does not report it."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
        except OSError:
            continue
    return 0.0


def peak_memory_mb(articles: int, work: Path, workers: int) -> tuple[float, float]:
    """Peak memory (MB) of a `run` over `articles` articles in a child process: the largest
    resident size of any one of its processes (the kernel's own peak count), and the peak of
    the memory of the run and its workers together (proportional set sizes, sampled every
    0.1 s)."""
    corpus = work / f"mem-{articles}"
    generate(corpus, articles=articles, events=max(1, articles // 17), seed=5)
    proc = subprocess.Popen([sys.executable, "-m", "compare", "run", str(corpus), "--db", str(work / "mem.duckdb"),
                             "--out", str(work / "mem-report"), "--workers", str(workers), "-q"])
    peak_total = 0.0
    while proc.poll() is None:
        peak_total = max(peak_total, sum(_memory_mb(p) for p in _tree(proc.pid)))
        time.sleep(0.1)
    own = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, peak_total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--events", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2, help="alternate the timed runs this many times")
    parser.add_argument("--memory-articles", type=int, default=0, help="also measure peak memory over this many articles")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    args = parser.parse_args()
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        generate(corpus, articles=args.articles, events=args.events)
        articles, _ = load_articles([corpus], Settings())
        texts = [a.text for a in articles]
        words = sum(len(t.split()) for t in texts)
        # this machine's speed drifts by several percent from minute to minute: the timings
        # alternate over --rounds rounds and the fastest of each counts
        nlp = load_model()
        list(nlp.pipe(texts[:20]))  # warm-up
        plain, one, all_cores = [], [], []
        cores = os.cpu_count() or 1
        for r in range(args.rounds):
            plain.append(_timed(lambda: [None for _ in nlp.pipe(texts, batch_size=16)]))
            one.append(run_seconds(corpus, work / f"one-{r}.duckdb", workers=1))
            all_cores.append(run_seconds(corpus, work / f"all-{r}.duckdb", workers=cores))
        t_plain, t_one, t_all = min(plain), min(one), min(all_cores)
        t_rerun = _timed(lambda: pipeline.run([corpus], Settings(db=work / "one-0.duckdb", out=work / "report-1",
                                                                 workers=1)))
        out.update(articles=len(texts), words=words, plain_nlp_pipe_s=t_plain, run_one_process_s=t_one,
                   run_all_cores_s=t_all, noop_rerun_s=t_rerun, rounds=args.rounds)
        spread = lambda xs: f"{min(xs):.1f}-{max(xs):.1f} s"  # noqa: E731
        print(f"corpus: {len(texts)} articles, {words} words, {args.events} events; fastest of {args.rounds} rounds")
        print(f"run (1 process) vs plain nlp.pipe (1 process): {t_plain / t_one:.2f}  "
              f"({words / t_one:.0f} vs {words / t_plain:.0f} words/s; run {spread(one)}, plain {spread(plain)}; "
              f"target >= 0.85)")
        print(f"all {cores} cores vs 1 process: {t_one / t_all:.2f}x faster  ({spread(all_cores)}; target >= 1.3x)")
        print(f"no-op rerun vs first run: {100 * t_rerun / t_one:.1f}%  (target < 5%)")
        sizes = [(n, *matching_seconds(work, n)) for n in (20, 40, 80)]
        for (_, m_small, c_small), (_, m_large, c_large) in zip(sizes, sizes[1:]):
            out.update({f"match_{c_small}_claims_s": m_small, f"match_{c_large}_claims_s": m_large})
            print(f"matching, {c_small} -> {c_large} claims in one event: {m_large / max(m_small, 1e-9):.2f}x time  "
                  f"(target <= 2.5x)")
        if args.memory_articles:
            cores = os.cpu_count() or 1
            own, total = peak_memory_mb(args.memory_articles, work, cores)
            out.update(peak_memory_mb=own, peak_memory_with_workers_mb=total)
            print(f"peak memory of a run over {args.memory_articles} articles on {cores} cores: {total:.0f} MB for the run and "
                  f"its workers together, {own:.0f} MB for the largest single process  (target < 1536 MB)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
