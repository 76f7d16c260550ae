"""The terminal view: one event's discrepancies as rows, for `source-compare show EVENT`."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import duckdb

from .errors import UsageError
from .export import query_dicts
from .report import KIND_LABELS, has_history, severity_band

OUTLETS_NAMED = 3  # outlets named in a row before the rest are counted
EVENTS_NAMED = 10  # known events listed when the one asked for does not exist


def plain(text: str) -> str:
    """Text safe for a terminal: control characters (escape sequences, bells) become spaces."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)


@dataclass(frozen=True)
class ShowRow:
    """One discrepancy as the terminal shows it."""

    severity: str  # "0.80", or "" when unknown
    band: str  # high, medium or low
    kind: str
    kind_label: str
    status: str  # new, unchanged or resolved
    is_new: bool  # status "new" and run history exists
    measure: str
    outlets: str
    summary: str


@dataclass(frozen=True)
class EventView:
    """An event and its discrepancies: live ones most severe first, resolved ones last."""

    event_id: str
    title: str
    article_count: int
    outlet_count: int
    rows: tuple[ShowRow, ...]


def event_view(con: duckdb.DuckDBPyConnection, event: str) -> EventView:
    """The discrepancies of the event whose id (or, failing that, exact title) is `event`."""
    found = query_dicts(con, "SELECT id, title FROM events WHERE id = ?", [event]) or query_dicts(
        con, "SELECT id, title FROM events WHERE title = ? ORDER BY id", [event])
    if not found:
        found = query_dicts(con, "SELECT DISTINCT event_id AS id, event_id AS title FROM articles WHERE event_id = ?",
                            [event])
    if not found:
        known = [r[0] for r in con.execute("SELECT id FROM events ORDER BY id LIMIT ?", [EVENTS_NAMED + 1]).fetchall()]
        listed = ", ".join(known[:EVENTS_NAMED]) + (", …" if len(known) > EVENTS_NAMED else "")
        raise UsageError(plain(f"unknown event {event!r}; known events: {listed or 'none'}"))
    if len(found) > 1:
        ids = ", ".join(r["id"] for r in found)
        raise UsageError(plain(f"{len(found)} events are titled {event!r}; name one by id: {ids}"))
    event_id, title = found[0]["id"], found[0]["title"] or found[0]["id"]
    outlets = {
        r["id"]: r["outlet"] or ""
        for r in query_dicts(con, "SELECT id, outlet FROM articles WHERE event_id = ?", [event_id])
    }
    history = has_history(con)
    rows = []
    for d in query_dicts(
        con,
        """SELECT kind, severity, status, measure, summary, article_ids FROM discrepancies
           WHERE event_id = ?
           ORDER BY status IS NOT DISTINCT FROM 'resolved', severity DESC NULLS LAST, id""",
        [event_id],
    ):
        names = sorted({outlets[a] for a in d["article_ids"] or [] if a in outlets})
        shown = ", ".join(names) if len(names) <= OUTLETS_NAMED else (
            ", ".join(names[:OUTLETS_NAMED]) + f" and {len(names) - OUTLETS_NAMED} more")
        severity = d["severity"]
        kind = d["kind"] or ""
        rows.append(ShowRow(
            severity="" if severity is None or not math.isfinite(severity) else f"{severity:.2f}",
            band=severity_band(severity),
            kind=kind,
            kind_label=KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()),
            status=d["status"] or "",
            is_new=history and d["status"] == "new",
            measure=plain(d["measure"] or ""),
            outlets=plain(shown),
            summary=plain(d["summary"] or ""),
        ))
    return EventView(plain(event_id), plain(title), len(outlets), len(set(outlets.values())), tuple(rows))
