"""Settings: defaults in code < TOML file < CLI flags, frozen once built."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Settings:
    """Every option a stage reads; build with `load_settings`."""

    db: Path = Path("compare.duckdb")
    out: Path = Path("reports")
    workers: int = 0  # 0 = all cores
    model: str | None = None
    batch_size: int = 16
    max_file_bytes: int = 20_000_000
    lexicon_dir: Path | None = None
    extra_lexicons: tuple[Path, ...] = field(default_factory=tuple)
    match_similarity: float = 55.0
    lock_timeout: float = 30.0
    since: datetime | None = None  # ingest only articles published at or after this time
    executor: str = "local"  # "local" (nlp.pipe over local processes) or "dask"
    scheduler: str | None = None  # a Dask scheduler address; none starts a LocalCluster

    def worker_count(self) -> int:
        """Number of extraction processes to use."""
        if self.workers and self.workers > 0:
            return self.workers
        return max(1, os.cpu_count() or 1)


_PATH_FIELDS = {"db", "out", "lexicon_dir"}


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults, an optional TOML file, then non-None overrides."""
    values: dict[str, Any] = {}
    if config is not None:
        try:
            data = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {config}") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"config file {config} is not valid TOML: {exc}") from None
        section = data.get("source-compare", data)
        if not isinstance(section, dict):
            raise ConfigError(f"config file {config}: [source-compare] must be a table")
        values.update(_coerce(section, Path(config).parent))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return replace(Settings(), **values)
    except TypeError as exc:
        raise ConfigError(f"unknown setting: {exc}") from None


def _coerce(section: dict[str, Any], base: Path) -> dict[str, Any]:
    types = {f.name: str(f.type) for f in fields(Settings)}
    out: dict[str, Any] = {}
    for key, value in section.items():
        key = key.replace("-", "_")
        if key in ("lexicons", "extra_lexicons"):
            paths = value if isinstance(value, list) else [value]
            if not all(isinstance(p, str) for p in paths):
                raise ConfigError(f"setting {key} in config file must be a path or a list of paths")
            out["extra_lexicons"] = tuple(base / p for p in paths)
            continue
        if key not in types:
            raise ConfigError(f"unknown setting in config file: {key}")
        value = _check_type(key, value, types[key])
        out[key] = base / value if key in _PATH_FIELDS else value
    return out


def _check_type(key: str, value: Any, type_name: str) -> Any:
    """The value if it has the setting's type (an int is a float); else a ConfigError."""
    if "datetime" in type_name:
        return _as_datetime(key, value)
    if "Path" in type_name or "str" in type_name:
        ok, wanted = isinstance(value, str), "a string"
    elif "float" in type_name:
        ok, wanted = isinstance(value, (int, float)) and not isinstance(value, bool), "a number"
        value = float(value) if ok else value
    elif "int" in type_name:
        ok, wanted = isinstance(value, int) and not isinstance(value, bool), "an integer"
    else:
        return value
    if not ok:
        raise ConfigError(f"setting {key} in config file must be {wanted}, not {value!r}")
    return value


def _as_datetime(key: str, value: Any) -> datetime:
    """A TOML date, datetime or ISO string as a naive UTC datetime."""
    from datetime import date, timezone

    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"setting {key} in config file must be a date, not {value!r}") from None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise ConfigError(f"setting {key} in config file must be a date, not {value!r}")
