"""Typed errors of source-compare; cli.py maps them to exit codes (contracts.md section 4)."""

from __future__ import annotations


class CompareError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 3


class UsageError(CompareError):
    """The command line or configuration asks for something impossible."""

    exit_code = 2


class ConfigError(UsageError):
    """The TOML configuration file is missing, unreadable or invalid."""


class InputError(CompareError):
    """One input file could not be read as an article."""

    exit_code = 1


class ModelNotFoundError(CompareError):
    """No spaCy language model could be loaded."""

    exit_code = 3


class DatabaseError(CompareError):
    """The database is locked, unreadable or of an unknown schema."""

    exit_code = 3
