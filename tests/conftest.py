"""Shared fixtures: the real spaCy pipeline, the seeds, and a database built from them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

import duckdb
import pytest
from spacy.language import Language

from compare import pipeline, store
from compare.config import Settings
from compare.nlp import build_pipeline

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GIVEN_SEED = SEEDS / "nk-troops-russia" / "000_0b1dbd43aa0014da.txt"
GENERATED_AT = datetime(2026, 1, 1, 12, 0, 0)


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The full model with the source-compare components (loaded once per session)."""
    return build_pipeline()


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(database, report folder) of one `run` over a copy of seeds/."""
    base = tmp_path_factory.mktemp("seeds_run")
    seeds = base / "seeds"
    shutil.copytree(SEEDS, seeds)
    settings = Settings(db=base / "seeds.duckdb", out=base / "reports", workers=1)
    result = pipeline.run([seeds], settings, generated_at=GENERATED_AT)
    assert not result.failures, result.failures
    return settings.db, settings.out


@pytest.fixture()
def seeds_con(seeds_run: tuple[Path, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the seeds database."""
    con = store.connect(seeds_run[0], read_only=True)
    yield con
    con.close()


@contextmanager
def database_held_by_another_process(db: Path) -> Iterator[None]:
    """Another process holds `db` open (and so its write lock) for the duration of the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.kill()
        holder.wait()
