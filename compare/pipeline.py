"""The whole job: ingest, events, extract, match and report over one database file."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable

from . import events, ingest, match, report, store
from . import extract as extract_stage
from .config import Settings
from .records import StageResult


def package_version() -> str:
    """The installed version of source-compare."""
    try:
        return version("source-compare")
    except PackageNotFoundError:
        return "0+unknown"


def _settings_json(settings: Settings) -> str:
    return json.dumps({k: str(v) if not isinstance(v, (int, float, bool, type(None))) else v
                       for k, v in asdict(settings).items()}, sort_keys=True)


def run(inputs: list[Path], settings: Settings, *, generated_at: datetime | None = None,
        progress: Callable[[int, int], None] | None = None) -> StageResult:
    """Run every stage over `inputs`, recording the run in the `runs` table.

    `progress(done, total)` reports extraction, the long stage, as it goes.
    """
    con = store.connect(settings.db, timeout=settings.lock_timeout)
    try:
        run_id = store.start_run(con, command="run", inputs=[str(p) for p in inputs],
                                 settings=_settings_json(settings), version=package_version())
        result = StageResult("run")
        status = "failed"
        try:
            result = result.merge(ingest.run(con, settings, inputs=inputs, run_id=run_id))
            result = result.merge(extract_stage.run(con, settings, progress=progress))
            # grouping a flat dump into events reads the entities and figures just extracted
            result = result.merge(events.run(con, settings))
            matched = match.run(con, settings, run_id=run_id)
            result = result.merge(matched)
            # pages are rendered again only for events whose discrepancies changed
            result = result.merge(report.run(con, settings, generated_at=generated_at or now(),
                                             events_changed=set(matched.touched)))
            status = "partial" if result.failures else "ok"
        finally:
            store.finish_run(con, run_id, status=status, counts=json.dumps(result.counts, sort_keys=True))
        result.stage = "run"
        return result
    finally:
        con.close()


def stage(name: str, settings: Settings, *, inputs: list[Path] | None = None, generated_at: datetime | None = None,
          progress: Callable[[int, int], None] | None = None) -> StageResult:
    """Run one stage (ingest, extract, match or report) over the database."""
    con = store.connect(settings.db, timeout=settings.lock_timeout)
    try:
        if name == "ingest":
            run_id = store.start_run(con, command="ingest", inputs=[str(p) for p in inputs or []],
                                     settings=_settings_json(settings), version=package_version())
            result = ingest.run(con, settings, inputs=inputs or [], run_id=run_id)
            result = result.merge(events.run(con, settings))
            store.finish_run(con, run_id, status="partial" if result.failures else "ok",
                             counts=json.dumps(result.counts, sort_keys=True))
            return result
        if name == "extract":
            return extract_stage.run(con, settings, progress=progress)
        if name == "match":
            latest = con.execute("SELECT max(id) FROM runs").fetchall()[0][0]
            return match.run(con, settings, run_id=latest)
        if name == "report":
            return report.run(con, settings, generated_at=generated_at or now())
        raise ValueError(f"unknown stage {name}")
    finally:
        con.close()


def now() -> datetime:
    """The current UTC time, second precision, naive."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def counts_line(result: StageResult) -> str:
    """A short human summary of a stage result."""
    parts: list[Any] = [f"{k}={v}" for k, v in sorted(result.counts.items())]
    return ", ".join(parts)
