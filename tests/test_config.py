"""Settings: defaults in code < TOML file < overrides, paths relative to the config file."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from compare.config import Settings, load_settings
from compare.errors import CompareError, ConfigError, UsageError


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_defaults_without_a_file() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.db == Path("compare.duckdb")
    assert settings.out == Path("reports")
    assert settings.workers == 0
    assert settings.max_file_bytes == 20_000_000
    assert settings.extra_lexicons == ()
    assert settings.lexicon_dir is None


def test_config_settings_are_frozen() -> None:
    settings = load_settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.workers = 3  # type: ignore[misc]


def test_config_file_overrides_defaults_and_overrides_win(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", "workers = 4\nbatch_size = 64\nmatch_similarity = 70.5\n")
    settings = load_settings(config, workers=2, model=None)
    assert settings.workers == 2  # override beats the file
    assert settings.batch_size == 64  # the file beats the default
    assert settings.match_similarity == 70.5
    assert settings.model is None  # a None override leaves the value alone
    assert settings.lock_timeout == Settings().lock_timeout  # untouched default


def test_config_none_override_keeps_file_value(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", 'model = "en_core_web_sm"\nworkers = 3\n')
    settings = load_settings(config, model=None, workers=None)
    assert settings.model == "en_core_web_sm"
    assert settings.workers == 3


def test_config_source_compare_table(tmp_path: Path) -> None:
    config = write_config(tmp_path / "pyproject-like.toml", (
        '[tool]\nname = "ignored"\n\n'
        '[source-compare]\nworkers = 6\nmax-file-bytes = 1000\nlock_timeout = 2.5\n'))
    settings = load_settings(config)
    assert (settings.workers, settings.max_file_bytes, settings.lock_timeout) == (6, 1000, 2.5)


def test_config_top_level_keys_with_dashes(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", "batch-size = 8\nmatch-similarity = 60.0\n")
    settings = load_settings(config)
    assert (settings.batch_size, settings.match_similarity) == (8, 60.0)


def test_config_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = write_config(tmp_path / "project" / "conf" / "compare.toml",
                          'db = "data/news.duckdb"\nout = "../site"\nlexicon_dir = "lex"\n')
    settings = load_settings(config)
    base = tmp_path / "project" / "conf"
    assert settings.db == base / "data" / "news.duckdb"
    assert settings.out == base / ".." / "site"
    assert settings.lexicon_dir == base / "lex"


def test_config_absolute_paths_stay_absolute(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "news.duckdb"
    config = write_config(tmp_path / "conf" / "compare.toml", f'db = "{target.as_posix()}"\n')
    assert load_settings(config).db == target


def test_config_override_paths_are_not_rebased(tmp_path: Path) -> None:
    config = write_config(tmp_path / "conf" / "compare.toml", 'db = "file.duckdb"\n')
    assert load_settings(config, db=Path("cli.duckdb")).db == Path("cli.duckdb")


def test_config_lexicons_list_is_relative_to_the_config_file(tmp_path: Path) -> None:
    config = write_config(tmp_path / "conf" / "compare.toml", 'lexicons = ["mine.toml", "team/shared.toml"]\n')
    settings = load_settings(config)
    assert settings.extra_lexicons == (tmp_path / "conf" / "mine.toml", tmp_path / "conf" / "team" / "shared.toml")


def test_config_lexicons_single_string(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", '[source-compare]\nlexicons = "mine.toml"\n')
    assert load_settings(config).extra_lexicons == (tmp_path / "mine.toml",)


def test_config_unknown_key_is_a_config_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", "workers = 2\nwrokers = 3\n")
    with pytest.raises(ConfigError, match="wrokers"):
        load_settings(config)


def test_config_unknown_override_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        load_settings(colour="red")


def test_config_missing_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match="not found") as caught:
        load_settings(missing)
    assert str(missing) in str(caught.value)


def test_config_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", "workers = = 2\n[unclosed\n")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_settings(config)
    assert "\n" not in str(caught.value)


def test_config_undecodable_file_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "compare.toml"
    config.write_bytes(b"workers = 2\n# caf\xe9\n")
    with pytest.raises(ConfigError):
        load_settings(config)


def test_config_folder_as_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(tmp_path)


def test_config_error_is_a_usage_error_with_exit_code_2(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path / "nope.toml")
    assert isinstance(caught.value, ConfigError)
    assert isinstance(caught.value, CompareError)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(("workers", "expected"), [
    (1, 1), (3, 3), (0, max(1, os.cpu_count() or 1)), (-2, max(1, os.cpu_count() or 1)),
])
def test_config_worker_count(workers: int, expected: int) -> None:
    assert Settings(workers=workers).worker_count() == expected


def test_config_worker_count_from_file(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", "workers = 5\n")
    assert load_settings(config).worker_count() == 5


def test_config_extra_lexicons_key_is_the_same_as_lexicons(tmp_path: Path) -> None:
    config = write_config(tmp_path / "conf" / "compare.toml", 'extra_lexicons = ["mine.toml"]\n')
    assert load_settings(config).extra_lexicons == (tmp_path / "conf" / "mine.toml",)


def test_config_integer_for_a_float_setting_is_accepted(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", "lock_timeout = 5\nmatch_similarity = 80\n")
    settings = load_settings(config)
    assert (settings.lock_timeout, settings.match_similarity) == (5.0, 80.0)
    assert isinstance(settings.lock_timeout, float) and isinstance(settings.match_similarity, float)


@pytest.mark.parametrize(("text", "key"), [
    ('workers = "four"\n', "workers"),
    ("batch_size = 1.5\n", "batch_size"),
    ("max_file_bytes = true\n", "max_file_bytes"),
    ('lock_timeout = "soon"\n', "lock_timeout"),
    ("db = 3\n", "db"),
    ("model = [\"en_core_web_sm\"]\n", "model"),
    ("lexicons = [1, 2]\n", "lexicons"),
])
def test_config_wrong_type_is_a_config_error(tmp_path: Path, text: str, key: str) -> None:
    config = write_config(tmp_path / "compare.toml", text)
    with pytest.raises(ConfigError, match=key):
        load_settings(config)


def test_config_source_compare_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "compare.toml", '"source-compare" = 3\n')
    with pytest.raises(ConfigError):
        load_settings(config)
