"""Export the comparison tables: one JSON document (contracts.md section 3), or CSV/Parquet per table."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from .errors import CompareError, UsageError

# Tables written by the CSV and Parquet exports, each with its deterministic row order.
EXPORT_TABLES: dict[str, str] = {
    "events": "id",
    "articles": "event_id, id",
    "claims": 'article_id, start, "end", id',
    "quotes": 'article_id, start, "end", id',
    "framing": 'article_id, start, "end", id',
    "discrepancies": "event_id, severity DESC NULLS LAST, id",
    "ingest_errors": "run_id, path, error",
}
FORMATS = ("json", "csv", "parquet")

_ARTICLE_COLUMNS = "id, outlet, url, title, published, path, language"
_QUOTE_COLUMNS = 'q.id, q.article_id, q.text, q.speaker, q.verb, q.start, q."end", q.sentence_index'
_FRAMING_COLUMNS = 'f.id, f.article_id, f.kind, f.term, f.canonical, f.start, f."end"'
_DISCREPANCY_COLUMNS = (
    "id, kind, severity, summary, measure, claim_ids, quote_ids, article_ids, "
    "first_seen_run, status, details"
)


def query_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts keyed by column name."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def load_events(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every event by id; an event id used by articles but missing from `events` is titled by its id."""
    return query_dicts(
        con,
        """SELECT id, title FROM events
           UNION ALL
           SELECT DISTINCT event_id, event_id FROM articles
           WHERE event_id IS NOT NULL AND event_id NOT IN (SELECT id FROM events)
           ORDER BY id""",
    )


def parse_details(text: str | None) -> Any:
    """A discrepancy's details JSON as Python data; text that is not JSON is returned unchanged."""
    if text is None or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass(frozen=True)
class _Section:
    """One table of an event in the export document: where its rows come from and their order."""

    name: str
    source: str  # FROM clause
    event: str  # the event id of a row
    columns: str  # select list: the row's keys, in order
    order: str  # ORDER BY clause


_SECTIONS = (
    _Section("articles", "articles", "event_id", _ARTICLE_COLUMNS, "event_id, id"),
    _Section("claims", "claims c JOIN articles a ON a.id = c.article_id", "a.event_id",
             "c.*, c.article_id AS doc", 'c.article_id, c.start, c."end", c.id'),
    _Section("quotes", "quotes q JOIN articles a ON a.id = q.article_id", "a.event_id",
             _QUOTE_COLUMNS, 'q.article_id, q.start, q."end", q.id'),
    _Section("framing", "framing f JOIN articles a ON a.id = f.article_id", "a.event_id",
             _FRAMING_COLUMNS, 'f.article_id, f.start, f."end", f.id'),
    _Section("discrepancies", "discrepancies", "event_id", _DISCREPANCY_COLUMNS,
             "event_id, severity DESC NULLS LAST, id"),
)
_LIST_COLUMNS = ("claim_ids", "quote_ids", "article_ids")  # discrepancies: null is written as []


# Details read already (the report reads and parses them once for its pages): discrepancy id ->
# (the stored text, parse_details of it).
DetailsRead = Mapping[str, tuple[str | None, Any]]


def build_json(
    con: duckdb.DuckDBPyConnection,
    *,
    generated_at: datetime,
    details: DetailsRead | None = None,
) -> dict[str, Any]:
    """The export document of contracts.md section 3, sorted deterministically.

    Details missing from `details` are parsed here. Values are converted to strict JSON
    column by column, only in the columns that need it.
    """
    by_event: dict[str, dict[str, list[dict[str, Any]]]] = {}
    known = details or {}
    for section in _SECTIONS:
        cursor = con.execute(
            f"SELECT {section.event} AS _event, {section.columns} FROM {section.source} ORDER BY {section.order}")
        names = [column[0] for column in cursor.description or []][1:]
        rows = cursor.fetchall()
        if not rows:
            continue
        event_ids, *columns = (list(c) for c in zip(*rows))
        for i, name in enumerate(names):
            if section.name == "discrepancies" and name == "details":
                ids = columns[names.index("id")]
                columns[i] = [
                    _jsonable_details(text, known[d][1] if d in known else parse_details(text))
                    for d, text in zip(ids, columns[i])
                ]
            elif section.name == "discrepancies" and name in _LIST_COLUMNS:
                columns[i] = [_jsonable(list(v or [])) for v in columns[i]]
            elif not set(map(type, columns[i])) <= _PLAIN_TYPES:
                columns[i] = [_jsonable(v) for v in columns[i]]
        for event_id, values in zip(event_ids, zip(*columns)):
            by_event.setdefault(event_id, {}).setdefault(section.name, []).append(dict(zip(names, values)))
    events = []
    for event in load_events(con):
        tables = by_event.get(event["id"], {})
        events.append(
            {"id": event["id"], "title": event["title"]}
            | {section.name: tables.get(section.name, []) for section in _SECTIONS}
        )
    return {"generated_at": generated_at.isoformat(), "events": events}


# Values _jsonable returns unchanged; a column holding only these needs no conversion.
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})
# A number literal that may overflow to infinity once parsed (1e999, or 309 digits and more).
# Details text with one, or with NaN or Infinity, is walked by _jsonable; other parsed JSON is
# strict already. False alarms (hex ids such as "9e123") only cost time.
_BIG_NUMBER = re.compile(r"[0-9](?:[eE][+]?[0-9]{3}|[0-9]{308})")
# One encoder for every value below the outline: no indent, so the C encoder does the work.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_OUTLINE_DEPTH = 4  # document, events, event, tables: one line per row below that
_NOT_PARSED = object()
_JSON_WHITESPACE = " \t\n\r"


def _is_json(text: str | None, parsed: Any) -> bool:
    """Whether parse_details(text), which gave `parsed`, found JSON (else it gave None or the text)."""
    return isinstance(text, str) and parsed is not None and not (isinstance(parsed, str) and parsed == text)


def _jsonable_details(text: str | None, parsed: Any) -> Any:
    """Parsed details as strict JSON: walked by _jsonable only when the text may hold a non-finite number."""
    if not _is_json(text, parsed) or "NaN" in text or "Infinity" in text:  # type: ignore[operator]
        return _jsonable(parsed)
    if _BIG_NUMBER.search(text):  # type: ignore[arg-type]
        try:
            _ENCODER.encode(parsed)  # C speed; raises ValueError on a non-finite number
        except ValueError:
            return _jsonable(parsed)
    return parsed


def _details_text(text: str | None, parsed: Any, suspect: bool | None = None) -> str:
    """A discrepancy's details as JSON text: the stored text itself when it is strict JSON.

    `parsed` is parse_details(text) or _NOT_PARSED; `suspect` is False when the text is known
    to hold no NaN, Infinity or huge number literal.
    """
    if parsed is _NOT_PARSED:
        parsed = parse_details(text)
    if suspect is False and _is_json(text, parsed):
        return text.strip(_JSON_WHITESPACE)  # type: ignore[union-attr]
    value = _jsonable_details(text, parsed)
    if value is parsed and _is_json(text, parsed):
        return text.strip(_JSON_WHITESPACE)  # type: ignore[union-attr]  # parses to `value`
    return _ENCODER.encode(value)


@dataclass
class JsonRows:
    """What DuckDB contributes to the export text, read by query_json_rows."""

    convertible: bool  # False: a column has a type without a conversion in SQL, build_json serves
    tables: dict[str, dict[str, str]]  # section -> event id -> its rows as JSON, one per line
    discrepancies: list[tuple[str, str, str]]  # (event id, the row without details, id), in order
    suspect: set[str]  # discrepancies whose details may hold NaN, Infinity or a huge number
    details: dict[str, tuple[str | None, Any]]  # every discrepancy's (stored details, parsed)
    events: list[dict[str, Any]]


def query_json_rows(con: duckdb.DuckDBPyConnection, details: DetailsRead | None = None) -> JsonRows:
    """Run the queries of iter_export_json. They take a while in DuckDB alone, so the report runs
    them in another thread while it renders pages (and uses `con` for nothing else meanwhile)."""
    sql = {section.name: _section_json_sql(con, section) for section in _SECTIONS}
    if any(query is None for query in sql.values()):
        return JsonRows(False, {}, [], set(), {}, [])
    tables = {section.name: dict(con.execute(sql[section.name]).fetchall())  # type: ignore[arg-type]
              for section in _SECTIONS if section.name != "discrepancies"}
    return JsonRows(
        True,
        tables,
        con.execute(sql["discrepancies"]).fetchall(),  # type: ignore[arg-type]
        {row[0] for row in con.execute(f"SELECT id FROM discrepancies WHERE {_SUSPECT_SQL}").fetchall()},
        _read_details(con, details or {}),
        load_events(con),
    )


def iter_export_json(
    con: duckdb.DuckDBPyConnection,
    *,
    generated_at: datetime,
    details: DetailsRead | None = None,
    rows: JsonRows | None = None,
) -> Iterator[str]:
    """The text of dump_json(build_json(con, ...)) in pieces: the same document, built faster.

    DuckDB writes the rows as JSON (to_json), converted in SQL the way _jsonable converts in
    Python (non-finite doubles as null, timestamps and dates in ISO 8601). Details are copied
    as stored when Python parses them as JSON free of NaN, Infinity and huge numbers, else
    written by Python. A column of a type without such a conversion makes the whole document
    go through build_json instead, so the content is the same either way. `details` as for
    build_json; `rows`, when given, is query_json_rows(con, details) read already.
    """
    if rows is None:
        rows = query_json_rows(con, details)
    if not rows.convertible:
        yield from iter_json(build_json(con, generated_at=generated_at, details=details))
        return
    tables = dict(rows.tables)
    separator = ",\n" + "  " * 4
    discrepancies: dict[str, list[str]] = {}
    for event_id, row, key in rows.discrepancies:
        text, parsed = rows.details[key]
        if key not in rows.suspect and _is_json(text, parsed):
            value = text.strip(_JSON_WHITESPACE)  # type: ignore[union-attr]
        else:
            value = _details_text(text, parsed)
        discrepancies.setdefault(event_id, []).append(f'{row[:-1]},"details":{value}}}')
    tables["discrepancies"] = {event_id: separator.join(lines) for event_id, lines in discrepancies.items()}

    encode = _ENCODER.encode
    pad = ["\n" + "  " * level for level in range(5)]
    yield "{" + pad[1] + '"generated_at": ' + encode(generated_at.isoformat()) + "," + pad[1] + '"events": '
    events = rows.events
    if not events:
        yield "[]" + pad[0] + "}"
        return
    yield "["
    for n, event in enumerate(events):
        yield (("," if n else "") + pad[2] + "{" + pad[3] + '"id": ' + encode(event["id"]) + ","
               + pad[3] + '"title": ' + encode(event["title"]))
        for section in _SECTIONS:
            lines = tables[section.name].get(event["id"])
            yield "," + pad[3] + encode(section.name) + ": "
            yield ("[" + pad[4] + lines + pad[3] + "]") if lines else "[]"
        yield pad[2] + "}"
    yield pad[1] + "]" + pad[0] + "}"


# DuckDB types whose to_json text parses to what _jsonable makes of the Python value
_SAME_IN_JSON = frozenset({
    "VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "VARCHAR[]", "INTEGER[]", "BIGINT[]",
})
# the same conversions as _jsonable, in SQL ({0} is the column)
_CONVERTED_IN_SQL = {
    "DOUBLE": "CASE WHEN isfinite({0}) THEN {0} END",
    "TIMESTAMP": ("lpad(year({0})::VARCHAR, 4, '0') || CASE WHEN microsecond({0}) % 1000000 = 0 "
                  "THEN strftime({0}, '-%m-%dT%H:%M:%S') ELSE strftime({0}, '-%m-%dT%H:%M:%S.%f') END"),
    "DATE": "lpad(year({0})::VARCHAR, 4, '0') || strftime({0}, '-%m-%d')",
}
# Details text that may hold a non-finite number once parsed (the same test as
# _jsonable_details, narrower: a number literal starts the text or follows whitespace, [ , or
# :, so ids such as "9e123" inside strings do not count).
_SUSPECT_SQL = ("(contains(details, 'NaN') OR contains(details, 'Infinity') OR regexp_matches(details, "
                r"'(^|[\s\[,:])-?[0-9]+(\.[0-9]*)?[eE]\+?[0-9]{3}|(^|[\s\[,:])-?[0-9]{309}'))")


def _section_json_sql(con: duckdb.DuckDBPyConnection, section: _Section) -> str | None:
    """SQL for the rows of a section as JSON, or None when a column has a type without a known
    conversion (see iter_export_json).

    Discrepancies: (event id, the row without details, id), a row each, in order; the other
    sections: (event id, the event's rows, one per line).
    """
    description = con.execute(f"SELECT {section.columns} FROM {section.source} LIMIT 0").description or []
    names = [str(column[0]) for column in description]
    if len(set(names)) != len(names) or {"_event", "_n"} & set(names):
        return None
    discrepancies = section.name == "discrepancies"
    if discrepancies and (names[-1:] != ["details"] or "id" not in names):
        return None
    fields = []
    for name, column in zip(names, description):
        kind, key = str(column[1]), '"' + name.replace('"', '""') + '"'
        if discrepancies and name == "details":
            continue
        if discrepancies and name in _LIST_COLUMNS and kind == "VARCHAR[]":
            fields.append(f"{key} := coalesce({key}, [])")
        elif kind in _SAME_IN_JSON:
            fields.append(f"{key} := {key}")
        elif kind in _CONVERTED_IN_SQL:
            fields.append(f"{key} := {_CONVERTED_IN_SQL[kind].format(key)}")
        else:
            return None
    rows = (f"SELECT _event, _n, to_json(struct_pack({', '.join(fields)})) AS j{', id' if discrepancies else ''} "
            f"FROM (SELECT {section.event} AS _event, {section.columns}, "
            f"row_number() OVER (ORDER BY {section.order}) AS _n FROM {section.source})")
    if discrepancies:
        return f"SELECT _event, j, id FROM ({rows}) ORDER BY _n"
    separator = ",\n" + "  " * 4
    return f"SELECT _event, string_agg(j, '{separator}' ORDER BY _n) FROM ({rows}) GROUP BY _event"


def _read_details(con: duckdb.DuckDBPyConnection, known: DetailsRead) -> dict[str, tuple[str | None, Any]]:
    """Every discrepancy's (stored details, parse_details of them): `known`, the others read here."""
    out = dict(known)
    total = con.execute("SELECT count(*) FROM discrepancies").fetchall()[0][0]
    if len(out) < total:  # `known` holds ids of this table only
        con.register("_export_known", pl.DataFrame({"id": list(out)}, schema={"id": pl.Utf8()}).to_arrow())
        try:
            rows = con.execute(
                "SELECT id, details FROM discrepancies WHERE id NOT IN (SELECT id FROM _export_known)").fetchall()
        finally:
            con.unregister("_export_known")
        out.update((key, (text, parse_details(text))) for key, text in rows)
    return out


def iter_json(document: Any) -> Iterator[str]:
    """The JSON text of an export document, in pieces (see dump_json)."""
    return _iter_json(document, 0)


def _iter_json(value: Any, level: int) -> Iterator[str]:
    encode = _ENCODER.encode
    outline = level < _OUTLINE_DEPTH and bool(value) and (
        isinstance(value, (list, tuple))
        or (isinstance(value, dict) and all(isinstance(key, str) for key in value))
    )
    if not outline:
        yield encode(value)
        return
    inner, outer = "\n" + "  " * (level + 1), "\n" + "  " * level
    separator = inner
    if isinstance(value, dict):
        yield "{"
        for key, item in value.items():
            yield separator + encode(key) + ": "
            yield from _iter_json(item, level + 1)
            separator = "," + inner
        yield outer + "}"
    else:
        yield "["
        for item in value:
            yield separator
            yield from _iter_json(item, level + 1)
            separator = "," + inner
        yield outer + "]"


def dump_json(document: dict[str, Any]) -> str:
    """Serialise an export document the same way everywhere (UTF-8, newline-terminated).

    The outline (the document, its events and their tables) is indented by two spaces; each
    row of a table is one line, written by the C JSON encoder. Strict JSON: NaN is an error.
    """
    return "".join(iter_json(document)) + "\n"


def export(
    con: duckdb.DuckDBPyConnection, *, fmt: str, out: Path, generated_at: datetime
) -> list[Path]:
    """Write the export in `fmt` (json, csv or parquet) to `out`; returns the files written."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    try:
        if fmt == "json":
            target = out / "export.json" if out.is_dir() else out
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8") as handle:
                handle.writelines(iter_export_json(con, generated_at=generated_at))
                handle.write("\n")
            return [target]
        if out.exists() and not out.is_dir():
            raise UsageError(f"export folder {out} exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table, order in EXPORT_TABLES.items():
            frame = con.sql(f"SELECT * FROM {table} ORDER BY {order}").pl()
            target = out / f"{table}.{fmt}"
            if fmt == "csv":
                _lists_as_json(frame).write_csv(target)
            else:
                frame.write_parquet(target)
            written.append(target)
        return written
    except OSError as exc:
        raise CompareError(f"cannot write export to {out}: {exc.strerror or exc}") from None


def _lists_as_json(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV has no list type: list columns become JSON text."""
    converted = [
        pl.Series(
            name, [None if v is None else json.dumps(v, ensure_ascii=False) for v in frame[name].to_list()],
            dtype=pl.Utf8(),
        )
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    ]
    return frame.with_columns(converted) if converted else frame


def _jsonable(value: Any) -> Any:
    """Dates as ISO strings and NaN as null, recursively, so the document is strict JSON."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
