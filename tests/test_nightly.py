"""The nightly job: reruns, a bad-input corpus, kill -9 at any moment, two runs at once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import SEEDS, database_held_by_another_process

pytestmark = pytest.mark.slow

GOOD = ("Rescuers in the valley town of Ardel said on Tuesday that 14 people had been killed and "
        "more than 300 homes damaged when the river burst its banks overnight, the regional "
        "governor told reporters. About 2,000 residents were moved to emergency shelters.")

# (file name, content): each must fail on its own with one line, and spoil nothing else
BAD_CORPUS: list[tuple[str, bytes]] = [
    ("empty.txt", b""),
    ("only_spaces.txt", b"   \n\n   \n"),
    ("binary.txt", bytes(range(256)) * 20),
    ("png_renamed.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    ("zip_renamed.html", b"PK\x03\x04" + bytes(200) + bytes(range(256)) * 4),
    ("nul_heavy.txt", b"\x00" * 5000),
    ("broken.json", b'{"text": "An unterminated'),
    ("trailing_comma.json", b'{"text": "x",}'),
    ("list_of_numbers.json", b"[1, 2, 3]"),
    ("empty_list.json", b"[]"),
    ("number.json", b"42"),
    ("string.json", b'"just a string"'),
    ("no_text_field.json", json.dumps({"title": "Headline only", "outlet": "Wire"}).encode()),
    ("text_is_number.json", json.dumps({"text": 12345}).encode()),
    ("text_is_list.json", json.dumps({"text": ["a", "b"]}).encode()),
    ("blank_lines.jsonl", b"\n\n\n"),
    ("all_bad_lines.jsonl", b"{not json}\n[1,2]\n"),
    ("no_body.html", b"<html><head><title>Menu</title></head><body><nav>Home | News</nav></body></html>"),
    ("truncated.html", b"<html><body><div class='nav'>Home  News  Sport"),
    ("script_only.html", b"<html><body><script>var a = 1;</script></body></html>"),
    ("menu_only.txt", "Home  News  Sport  Weather\nSubscribe | Sign in\nCookie settings".encode()),
    ("too_short.txt", b"Breaking news."),
    ("short_utf16.txt", "\ufeffShort text.".encode("utf-16")),
    ("huge.txt", b"word " * 400_000),  # over the size limit set below
    ("control_chars.md", b"\x01\x02\x03\x04\x05\x06\x07\x08" * 600),
    ("bad_utf8_only_furniture.txt", b"\xff\xfe\xfa Menu\n\xc3\x28 | Login"),
    ("french.txt", ("Le ministère de l'Intérieur a annoncé samedi soir que le bilan du séisme s'élevait "
                    "désormais à 2 012 morts et 2 059 blessés, dont beaucoup se trouvent dans un état grave, "
                    "dans les provinces d'Al Haouz et de Taroudant.").encode()),
    ("declared_german.json", json.dumps({"language": "de", "text": GOOD}).encode()),
]


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compare", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_nightly_bad_input_corpus_is_reported_and_good_articles_processed(tmp_path: Path) -> None:
    night = tmp_path / "night"
    night.mkdir()
    for name, content in BAD_CORPUS:
        (night / name).write_bytes(content)
    (night / "good_wire.json").write_text(json.dumps({"outlet": "Wire", "text": GOOD}), encoding="utf-8")
    (night / "good_cp1252.txt").write_bytes(GOOD.replace("said", "said — ").encode("cp1252"))
    (night / "good_latin1.md").write_bytes(("Café owners said " + GOOD).encode("latin-1"))
    (night / "good_utf16.txt").write_bytes(("\ufeff" + GOOD.replace("14", "15")).encode("utf-16"))
    (night / "mixed.jsonl").write_text(
        json.dumps({"outlet": "Post", "text": GOOD.replace("Ardel", "Ardel town")}) + "\n{broken\n", encoding="utf-8")
    (night / "nul_inside.txt").write_bytes(GOOD.replace("overnight", "over\x00night").replace("14", "16").encode())
    config = tmp_path / "c.toml"
    config.write_text("max_file_bytes = 1000000\n", encoding="utf-8")
    db = tmp_path / "n.duckdb"
    result = _run(["run", str(night), "--db", str(db), "--out", str(tmp_path / "r"), "--workers", "1",
                   "--config", str(config)], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    reported = {Path(line.split(":")[1].strip()).name for line in errors}
    assert len(BAD_CORPUS) >= 25
    assert {name for name, _ in BAD_CORPUS} <= reported
    assert "mixed.jsonl" in reported  # its bad line, while its good line is ingested
    assert "Traceback" not in result.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        outlets = {r[0] for r in con.execute("SELECT outlet FROM articles").fetchall()}
        stored = con.execute("SELECT count(*) FROM ingest_errors").fetchall()[0][0]
        claims = con.execute("SELECT count(*) FROM claims").fetchall()[0][0]
    finally:
        con.close()
    assert {"Wire", "Post", "good_cp1252", "good_latin1", "good_utf16", "nul_inside"} <= outlets
    assert stored == len(errors)
    assert claims > 0
    index = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "broken.json" in index  # the report lists the inputs that failed


def _contents(db: Path) -> dict[str, list[tuple]]:
    """Every table a run produces, without run numbers and statuses (they count runs)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "articles": con.execute("SELECT id, event_id, outlet, url, title, published, text FROM articles ORDER BY id").fetchall(),
            "claims": con.execute("SELECT * FROM claims ORDER BY id").fetchall(),
            "quotes": con.execute("SELECT * FROM quotes ORDER BY id").fetchall(),
            "framing": con.execute("SELECT * FROM framing ORDER BY id").fetchall(),
            "sentences": con.execute("SELECT * FROM sentences ORDER BY article_id, sentence_index").fetchall(),
            "events": con.execute("SELECT * FROM events ORDER BY id").fetchall(),
            "discrepancies": con.execute(
                "SELECT id, event_id, kind, severity, summary, measure, claim_ids, quote_ids, article_ids, details "
                "FROM discrepancies WHERE status != 'resolved' ORDER BY id").fetchall(),
        }
    finally:
        con.close()


def _seeds_and_clean_run(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the seeds, and the database of one uninterrupted one-process run over it."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    clean = tmp_path / "clean.duckdb"
    done = _run(["run", str(seeds), "--db", str(clean), "--out", str(tmp_path / "rc"), "--workers", "1", "-q"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return seeds, clean


def test_nightly_kill_9_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    seeds, clean = _seeds_and_clean_run(tmp_path)
    expected = _contents(clean)
    killed_at = []
    for delay in (0.2, 1.5, 2.5, 3.5, 5.0):
        db = tmp_path / f"killed_{delay}.duckdb"
        proc = subprocess.Popen([sys.executable, "-m", "compare", "run", str(seeds), "--db", str(db), "--out",
                                 str(tmp_path / f"r{delay}"), "--workers", "1", "-q"], cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed_at.append(delay)
        proc.wait()
        rerun = _run(["run", str(seeds), "--db", str(db), "--out", str(tmp_path / f"r{delay}"), "--workers", "1", "-q"], cwd=tmp_path)
        assert rerun.returncode == 0, rerun.stderr
        assert _contents(db) == expected, f"after a kill at {delay}s"
    assert len(killed_at) >= 3  # the kills landed while the run was still going


def test_nightly_second_writer_waits_then_exits_3(tmp_path: Path) -> None:
    db = tmp_path / "busy.duckdb"
    with database_held_by_another_process(db):
        config = tmp_path / "c.toml"
        config.write_text("lock_timeout = 1.0\n", encoding="utf-8")
        started = time.monotonic()
        result = _run(["run", str(SEEDS), "--db", str(db), "--config", str(config), "--out", str(tmp_path / "r")], cwd=tmp_path)
        waited = time.monotonic() - started
        assert result.returncode == 3
        assert waited >= 1.0
        assert len([l for l in result.stderr.splitlines() if l.startswith("error:")]) == 1
    # the database the first writer held is intact and usable
    con = duckdb.connect(str(db))
    con.close()


def test_nightly_rerun_on_unchanged_input_reads_and_extracts_nothing(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    args = ["run", str(seeds), "--db", str(tmp_path / "n.duckdb"), "--out", str(tmp_path / "r"), "--workers", "1", "-v"]
    first = _run(args, cwd=tmp_path)
    second = _run(args, cwd=tmp_path)
    assert first.returncode == second.returncode == 0
    summary = [line for line in second.stderr.splitlines() if line.startswith("run:")][-1]
    assert "files_read=0" in summary and "articles=0" in summary
    assert "unchanged_events=2" in summary


def _children(pid: int) -> set[int]:
    """Process ids whose parent is `pid` (read from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")
def test_nightly_kill_9_during_two_worker_extraction_leaves_no_workers(tmp_path: Path) -> None:
    seeds, clean = _seeds_and_clean_run(tmp_path)
    db = tmp_path / "killed.duckdb"
    # batch size 1: shards of two articles, so the 14 seed articles go to the worker pool
    args = ["run", str(seeds), "--db", str(db), "--out", str(tmp_path / "rk"), "--workers", "2", "-q"]
    (tmp_path / "small.toml").write_text("batch_size = 1\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "compare", *args, "--config", str(tmp_path / "small.toml")],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the run never started its worker processes"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()], "worker processes outlived the killed run"
    rerun = _run([*args, "--config", str(tmp_path / "small.toml")], cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert _contents(db) == _contents(clean)
