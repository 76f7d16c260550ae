"""Records shared between stages: frozen dataclasses and the result every stage returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Article:
    """One article as ingest hands it to the store."""

    id: str
    event_id: str
    event_title: str
    event_origin: str  # "folder", "field", "flat", "file"
    outlet: str
    url: str | None
    title: str | None
    published: datetime | None
    path: str
    language: str | None
    text: str


@dataclass(frozen=True)
class InputFailure:
    """One input that could not be read, with a one-line reason."""

    path: str
    error: str


@dataclass
class StageResult:
    """What a stage did: counts by name and the inputs that failed."""

    stage: str
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[InputFailure] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)  # events whose outputs changed

    def merge(self, other: "StageResult") -> "StageResult":
        """Combine two results into one (counts summed, failures concatenated)."""
        counts = dict(self.counts)
        for key, value in other.counts.items():
            counts[key] = counts.get(key, 0) + value
        touched = sorted(set(self.touched) | set(other.touched))
        return StageResult(f"{self.stage}+{other.stage}", counts, self.failures + other.failures, touched)
