"""Extract stage: articles -> sentences, entities, claims, quotes and framing terms.

The spaCy components live in this package (quantities, quotes, attribution, framing); this
module runs them over the articles that are new or changed, in batches through `nlp.pipe`.
"""

from __future__ import annotations

import hashlib
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import duckdb
from spacy.language import Language
from spacy.tokens import Doc

from .. import store
from ..config import Settings
from ..errors import UsageError
from ..nlp import build_pipeline, model_identity
from ..records import StageResult
from .quantities import sentence_bounds

EXTRACTOR_VERSION = "1"

CLAIM_FIELDS = ("sentence_index", "start", "end", "text", "value", "low", "high", "qualifier",
                "direction", "unit", "counted", "measure", "predicate", "speaker",
                "reporting_verb", "time", "hedged", "negated", "sentence")


def extractor_key(settings: Settings) -> str:
    """A fingerprint of everything extraction depends on besides the text (the model found
    for the settings, our code version and the lexicons), computed without loading the model."""
    digest = hashlib.sha1(EXTRACTOR_VERSION.encode())
    digest.update(model_identity(settings.model).encode())
    package = resources.files("compare.lexicons")
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            digest.update(entry.read_bytes())
    for path in settings.extra_lexicons:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(str(path).encode())
    return digest.hexdigest()[:12]


def doc_rows(doc: Doc) -> dict[str, list[dict[str, Any]]]:
    """The rows one processed Doc contributes to each table (without article ids)."""
    sentences = [{"sentence_index": i, "start": s, "end": e} for i, (s, e) in enumerate(sentence_bounds(doc))]
    starts = [s["start"] for s in sentences]
    entities = []
    for ent in doc.ents:
        index = max(0, _bisect(starts, ent.start_char))
        entities.append({"sentence_index": index, "label": ent.label_, "text": ent.text,
                         "start": ent.start_char, "end": ent.end_char})
    claims = [{k: c.get(k) for k in CLAIM_FIELDS} for c in (doc._.claims or [])]
    quotes = [{k: q.get(k) for k in ("text", "speaker", "verb", "start", "end", "sentence_index")}
              for q in (doc._.quotes or [])]
    framing = [dict(f) for f in (doc._.framing or [])]
    return {"sentences": sentences, "entities": entities, "claims": claims, "quotes": quotes,
            "framing": framing}


def _bisect(starts: list[int], char: int) -> int:
    lo, hi = 0, len(starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= char:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def process(nlp: Language, texts: list[str], *, batch_size: int, workers: int) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Rows for each text, in order; uses several processes when there is enough work."""
    n_process = max(1, min(workers, len(texts) // max(1, batch_size)))
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield doc_rows(doc)


def with_ids(article_id: str, rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Rows of one article with the article id and stable row ids filled in."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table, items in rows.items():
        filled = []
        for item in items:
            row = {**item, "article_id": article_id}
            if table == "claims":
                row["id"] = f"{article_id}-c{item['start']}"
            elif table == "quotes":
                row["id"] = f"{article_id}-q{item['start']}"
            elif table == "framing":
                row["id"] = f"{article_id}-f{item['start']}-{item['kind']}"
            filled.append(row)
        out[table] = filled
    return out


_TABLES = ("sentences", "entities", "claims", "quotes", "framing")


def text_key(key: str, text: str) -> str:
    """The `extracted.extractor` value of an article: extractor fingerprint and text hash."""
    return f"{key}:{hashlib.md5(text.encode('utf-8')).hexdigest()}"


def write_batch(con: duckdb.DuckDBPyConnection, batch: list[tuple[str, dict[str, list[dict[str, Any]]]]], keys: list[str]) -> dict[str, int]:
    """Replace the rows of a batch of articles in one transaction; returns rows per table."""
    ids = [article_id for article_id, _ in batch]
    counts: dict[str, int] = {}
    with store.transaction(con):
        for table in (*_TABLES, "extracted"):
            store.delete_for_articles(con, table, ids)
        for table in _TABLES:
            rows = [row for _, tables in batch for row in tables[table]]
            counts[table] = store.insert_frame(con, table, store.to_frame(table, rows))
        store.insert_frame(con, "extracted", store.to_frame(
            "extracted", [{"article_id": i, "extractor": k} for i, k in zip(ids, keys)]))
    return counts


def pending(con: duckdb.DuckDBPyConnection, key: str) -> list[tuple[str, str]]:
    """(id, text) of articles whose extraction is missing or stale, in id order."""
    return [(r[0], r[1]) for r in con.execute(
        "SELECT a.id, a.text FROM articles a LEFT JOIN extracted x ON x.article_id = a.id "
        "WHERE x.extractor IS DISTINCT FROM ? || ':' || md5(a.text) ORDER BY a.id", [key]
    ).fetchall()]


# one pipeline per worker process, loaded on its first shard
_WORKER_PIPELINES: dict[tuple[str | None, tuple[str, ...]], Language] = {}


def extract_shard(shard: list[tuple[str, str]], model: str | None, lexicon_files: tuple[str, ...],
                  pipe_batch: int) -> list[tuple[str, dict[str, list[dict[str, Any]]]]]:
    """Rows of a shard of (article id, text): what a Dask worker runs. Returns rows, not Docs."""
    key = (model, lexicon_files)
    if key not in _WORKER_PIPELINES:
        _WORKER_PIPELINES[key] = build_pipeline(model, lexicon_files=tuple(Path(p) for p in lexicon_files))
    nlp = _WORKER_PIPELINES[key]
    texts = [text for _, text in shard]
    return [(article_id, with_ids(article_id, rows))
            for (article_id, _), rows in zip(shard, process(nlp, texts, batch_size=pipe_batch, workers=1))]


def _dask_client(settings: Settings) -> Any:
    """A client of the cluster at settings.scheduler, or of a new local cluster."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("the dask executor needs Dask: pip install 'source-compare[dask]'") from None
    if settings.scheduler:
        try:
            return Client(settings.scheduler, timeout=settings.lock_timeout)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {settings.scheduler}: {exc}") from None
    cluster = LocalCluster(n_workers=settings.worker_count(), threads_per_worker=1, processes=True,
                           dashboard_address=None)
    return Client(cluster)


def _run_dask(con: duckdb.DuckDBPyConnection, settings: Settings, todo: list[tuple[str, str]], key: str,
              totals: dict[str, int]) -> None:
    """Send shards of articles to Dask workers; only this process writes to the database."""
    from dask.distributed import as_completed

    texts = dict(todo)
    shard_size = max(settings.batch_size * 4, 16)
    shards = [todo[i:i + shard_size] for i in range(0, len(todo), shard_size)]
    client = _dask_client(settings)
    try:
        futures = client.map(extract_shard, shards, model=settings.model,
                             lexicon_files=tuple(str(p) for p in settings.extra_lexicons),
                             pipe_batch=settings.batch_size, pure=False)
        for future in as_completed(futures):
            batch = future.result()
            written = write_batch(con, batch, [text_key(key, texts[a]) for a, _ in batch])
            totals["articles"] += len(batch)
            for table, n in written.items():
                totals[table] = totals.get(table, 0) + n
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


def run(con: duckdb.DuckDBPyConnection, settings: Settings, *, nlp: Language | None = None,
        progress: Callable[[int, int], None] | None = None) -> StageResult:
    """Extract every new or changed article; rerunning on unchanged articles does nothing.

    `progress(done, total)` is called as articles are written (the CLI draws a bar with it).
    """
    key = extractor_key(settings)
    todo = pending(con, key)
    # drop the rows of articles that no longer exist
    with store.transaction(con):
        for table in (*_TABLES, "extracted"):
            con.execute(f"DELETE FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")
    totals: dict[str, int] = {"articles": 0}
    if settings.executor not in ("local", "dask"):
        raise UsageError(f"unknown executor {settings.executor!r}; use local or dask")
    if not todo:
        return StageResult("extract", totals)  # nothing new: the model is not even loaded
    if settings.executor == "dask":
        _run_dask(con, settings, todo, key, totals)
        return StageResult("extract", totals)
    texts = dict(todo)
    batch: list[tuple[str, dict[str, list[dict[str, Any]]]]] = []
    # written in chunks as rows stream back, so a kill loses at most one chunk and no Doc is kept
    chunk = max(settings.batch_size * settings.worker_count() * 4, 64)

    def flush() -> None:
        written = write_batch(con, batch, [text_key(key, texts[a]) for a, _ in batch])
        totals["articles"] += len(batch)
        for table, n in written.items():
            totals[table] = totals.get(table, 0) + n
        batch.clear()
        if progress is not None:
            progress(totals["articles"], len(todo))

    for article_id, rows in _rows(todo, settings, nlp):
        batch.append((article_id, rows))
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return StageResult("extract", totals)


def shard_size(settings: Settings) -> int:
    """Articles per shard sent to a worker process: small enough that every worker gets work
    on a small corpus and a kill loses little, large enough that shipping them is cheap."""
    return max(settings.batch_size * 2, 2)


def _rows(todo: list[tuple[str, str]], settings: Settings,
          nlp: Language | None) -> Iterator[tuple[str, dict[str, list[dict[str, Any]]]]]:
    """(article id, rows) for every pending article, in order.

    With one worker (or too little work to share) the pipeline runs here; otherwise worker
    processes each load the pipeline once and send back rows, never Docs, which costs far less
    between processes than `nlp.pipe(n_process=...)` shipping whole Docs.
    """
    workers = settings.worker_count()
    size = shard_size(settings)
    if workers < 2 or len(todo) < 2 * size:
        nlp = nlp or build_pipeline(settings.model, lexicon_files=settings.extra_lexicons)
        stream = process(nlp, [t for _, t in todo], batch_size=settings.batch_size, workers=1)
        for (article_id, _), rows in zip(todo, stream):
            yield article_id, with_ids(article_id, rows)
        return
    yield from _pool_rows(todo, settings, workers, size)


def _die_with_parent(parent: int) -> None:
    """In a worker: exit when the parent process dies (a killed run leaves no workers behind)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0 and os.getppid() == parent:
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _pool_rows(todo: list[tuple[str, str]], settings: Settings, workers: int,
               size: int) -> Iterator[tuple[str, dict[str, list[dict[str, Any]]]]]:
    """Rows from a pool of worker processes, in order, with a bounded number of shards in
    flight so memory stays flat however many articles are pending."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    shards = (todo[i:i + size] for i in range(0, len(todo), size))
    lexicons = tuple(str(p) for p in settings.extra_lexicons)
    # fork where it is safe (Linux): workers start at once and any calling script works, with
    # or without a main guard; workers never touch the parent's database connection and leave
    # through os._exit, so its threads and handles are never used in a child
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        flight: deque[Any] = deque()
        for shard in shards:
            flight.append(pool.submit(extract_shard, shard, settings.model, lexicons, settings.batch_size))
            if len(flight) >= 3 * workers:
                yield from flight.popleft().result()
        while flight:
            yield from flight.popleft().result()


def extract_texts(nlp: Language, texts: Iterable[str], *, batch_size: int = 16, workers: int = 1) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Rows for texts that are not in any database (the `claims` command)."""
    return process(nlp, list(texts), batch_size=batch_size, workers=workers)
