"""Events stage: articles -> events.

Events come from the input layout (a subfolder per event, or a flat dump as one event named
after its folder) or from an article's `event` field; ingest records them. This stage keeps
the `events` table consistent with the articles: an event left with no article is removed.
"""

from __future__ import annotations

import duckdb

from . import store
from .config import Settings
from .records import StageResult


def run(con: duckdb.DuckDBPyConnection, settings: Settings) -> StageResult:
    """Drop events that no article belongs to; return the number of events."""
    with store.transaction(con):
        con.execute("DELETE FROM events WHERE id NOT IN (SELECT DISTINCT event_id FROM articles)")
        count = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    return StageResult("events", {"events": int(count)})
