"""The distributed path: extraction on a real local Dask cluster gives the same database."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from compare import pipeline
from compare.config import Settings
from compare.errors import UsageError

from .conftest import GENERATED_AT, SEEDS
from .test_nightly import _contents

pytest.importorskip("dask.distributed")
pytestmark = pytest.mark.slow


def test_dask_local_cluster_equals_single_process(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    local = Settings(db=tmp_path / "local.duckdb", out=tmp_path / "rl", workers=1)
    pipeline.run([seeds], local, generated_at=GENERATED_AT)
    dask = replace(local, db=tmp_path / "dask.duckdb", out=tmp_path / "rd", workers=2, executor="dask")
    result = pipeline.run([seeds], dask, generated_at=GENERATED_AT)
    assert result.counts["articles"] == 14
    assert _contents(dask.db) == _contents(local.db)


def test_dask_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "x.duckdb", out=tmp_path / "r", executor="dask",
                        scheduler="tcp://127.0.0.1:9", lock_timeout=2.0)
    with pytest.raises(UsageError, match="Dask scheduler"):
        pipeline.run([SEEDS / "morocco-earthquake"], settings, generated_at=GENERATED_AT)


def test_dask_unknown_executor_is_a_usage_error(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "x.duckdb", out=tmp_path / "r", executor="spark")
    with pytest.raises(UsageError, match="unknown executor"):
        pipeline.run([SEEDS / "morocco-earthquake"], settings, generated_at=GENERATED_AT)
