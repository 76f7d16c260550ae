"""The report in a real browser: headless Chromium driven by Selenium through chromedriver.

Uses Debian's `chromium` and `chromium-driver` (paths overridable with SOURCE_COMPARE_CHROMIUM and
SOURCE_COMPARE_CHROMEDRIVER) and never Selenium Manager, so nothing is downloaded. The module is
skipped, saying why, where either binary or selenium is missing.

- The seeds report (index pages, every event page, a few article pages) loads with no console
  errors; full-page screenshots are saved (SOURCE_COMPARE_SCREENSHOTS, else a pytest tmp folder)
  and their paths printed.
- The injection corpus (tests/injection_payloads.txt), placed in article text, titles, outlet
  names, event names, URLs and quotes and run through the real pipeline, executes nothing: no
  `window.__pwned`, no changed document.title, no alert, no navigation, no injected element or
  event-handler attribute, no javascript:/data: link. Pages are checked as written and again
  with their Content-Security-Policy removed, so escaping is tested on its own, not only the CSP.
  Every payload appears as text. A control page with the payloads left unescaped proves the
  checks catch an execution.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from compare import pipeline, report
from compare.config import Settings

from .conftest import GENERATED_AT

CHROMIUM = Path(os.environ.get("SOURCE_COMPARE_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("SOURCE_COMPARE_CHROMEDRIVER", "/usr/bin/chromedriver"))
PAYLOADS_FILE = Path(__file__).with_name("injection_payloads.txt")
SETTLE = 0.1  # seconds after load for late handlers (onerror, ontoggle, meta refresh) to fire

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not CHROMIUM.is_file() or not CHROMEDRIVER.is_file():
    pytest.skip(
        f"no headless browser: the browser tests need {CHROMIUM} and {CHROMEDRIVER} "
        "(Debian packages chromium and chromium-driver; .ci/run installs them)",
        allow_module_level=True,
    )
pytest.importorskip("selenium", reason="selenium is not installed: pip install -e '.[test]'")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, UnexpectedAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the module, with a fresh profile and the console log kept."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch anything
    profile = tempfile.mkdtemp(prefix="sc-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                "--window-size=1280,900", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.unhandled_prompt_behavior = "ignore"  # leave alerts open so a test can see them
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $SOURCE_COMPARE_SCREENSHOTS, else a pytest tmp folder."""
    chosen = os.environ.get("SOURCE_COMPARE_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def load(browser: webdriver.Chrome, path: Path) -> None:
    """Open a report file and wait until it has loaded and settled."""
    try:
        browser.get(path.resolve().as_uri())
        deadline = time.monotonic() + 10
        while browser.execute_script("return document.readyState") != "complete" and time.monotonic() < deadline:
            time.sleep(0.05)
    except UnexpectedAlertPresentException:
        return  # an alert blocks the page: left open for the checks to report
    time.sleep(SETTLE)


def console_errors(browser: webdriver.Chrome) -> list[str]:
    """Console entries logged at error level since the last call."""
    return [f"{e['level']}: {e['message']}" for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def open_alert(browser: webdriver.Chrome) -> str | None:
    """The text of an open alert (dismissed), or None."""
    try:
        alert = browser.switch_to.alert
    except NoAlertPresentException:
        return None
    message = alert.text
    alert.dismiss()
    return message


def screenshot(browser: webdriver.Chrome, target: Path) -> Path:
    """A screenshot of the whole page (up to 8000 px tall) saved as PNG."""
    height = int(browser.execute_script("return document.documentElement.scrollHeight"))
    browser.set_window_size(1280, max(600, min(height + 40, 8000)))
    browser.save_screenshot(str(target))
    browser.set_window_size(1280, 900)
    print(f"screenshot: {target}")
    return target


INSPECT = """
const handlers = [];
for (const el of document.querySelectorAll('*')) {
  for (const attr of el.attributes) {
    if (/^on/i.test(attr.name)) handlers.push(el.tagName.toLowerCase() + ' ' + attr.name);
  }
}
const injected = [...document.querySelectorAll(
  'script, iframe, frame, object, embed, img, video, audio, source, input, button, form, textarea, ' +
  'select, base, link, math, noscript, body meta, body style, body title')]
  .filter(e => !(e.tagName.toLowerCase() === 'title' && e.closest('svg')))  // our charts' own titles
  .map(e => e.tagName.toLowerCase());
const links = [...document.querySelectorAll('a[href], area[href], [xlink\\\\:href]')]
  .map(a => a.protocol || '').filter(p => p && !['http:', 'https:', 'file:'].includes(p));
return {
  pwned: typeof window.__pwned !== 'undefined',
  title: document.title,
  href: location.href,
  handlers: handlers,
  injected: injected,
  links: links,
  text: document.body ? document.body.textContent : '',
};
"""


def inspect(browser: webdriver.Chrome) -> dict[str, Any]:
    """What the page did and holds: execution marks, injected elements and its text."""
    alert = open_alert(browser)  # first: an open alert blocks scripts
    found: dict[str, Any] = browser.execute_script(INSPECT)
    found["alert"] = alert
    return found


def squash(text: str) -> str:
    return " ".join(text.split())


def file_title(path: Path) -> str:
    """The page title as written in the file (what document.title must still say after load)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return squash(soup.title.get_text()) if soup.title else ""


def execution_problems(browser: webdriver.Chrome, path: Path) -> list[str]:
    """Every sign that something in the page ran or was injected (empty when the page is inert)."""
    found = inspect(browser)
    problems = []
    if found["pwned"]:
        problems.append("window.__pwned is set")
    if found["alert"] is not None:
        problems.append(f"an alert is open: {found['alert']!r}")
    if squash(found["title"]) != file_title(path):
        problems.append(f"document.title changed to {found['title']!r}")
    if found["href"] != path.resolve().as_uri():
        problems.append(f"navigated to {found['href']}")
    problems += [f"event handler attribute: {h}" for h in found["handlers"]]
    problems += [f"injected element: <{t}>" for t in found["injected"]]
    problems += [f"link with scheme {p}" for p in found["links"]]
    return problems


# ---------------------------------------------------------------- the seeds report


def seeds_pages(out: Path) -> list[Path]:
    """Both index pages, every event page and the first three article pages."""
    return ([out / "index.html", out / "index-recent.html"] + sorted(out.glob("event-*.html"))
            + sorted(out.glob("article-*.html"))[:3])


def test_browser_seeds_pages_load_without_console_errors(
    driver: webdriver.Chrome, seeds_run: tuple[Path, Path], shots: Path
) -> None:
    _, out = seeds_run
    pages = seeds_pages(out)
    assert len(pages) >= 7
    console_errors(driver)  # start from an empty log
    for path in pages:
        load(driver, path)
        assert console_errors(driver) == [], path.name
        assert execution_problems(driver, path) == [], path.name
        assert driver.find_element("css selector", "h1").text.strip(), path.name
        shot = screenshot(driver, shots / f"seeds-{path.stem}.png")
        assert shot.stat().st_size > 10_000, shot


def test_browser_console_log_is_read(driver: webdriver.Chrome, tmp_path: Path) -> None:
    # the check above can fail: an error on the console is seen
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><title>x</title><h1>x</h1><script>console.error('boom')</script>", "utf-8")
    console_errors(driver)
    load(driver, page)
    assert any("boom" in e for e in console_errors(driver))


def test_browser_timeline_chart_renders(driver: webdriver.Chrome, seeds_run: tuple[Path, Path]) -> None:
    _, out = seeds_run
    load(driver, out / "event-morocco-earthquake.html")
    sizes = driver.execute_script("""
        const svg = document.querySelector('svg.timeline');
        if (!svg) return null;
        const box = svg.getBoundingClientRect();
        const points = [...svg.querySelectorAll('g.point')].map(g => g.getBBox());
        return {width: box.width, height: box.height, points: points.length,
                drawn: points.filter(b => b.width > 0 && b.height > 0).length};
    """)
    assert sizes is not None, "no timeline chart on the Morocco page"
    assert sizes["width"] > 300 and sizes["height"] > 120
    assert sizes["points"] > 3 and sizes["drawn"] == sizes["points"]


def test_browser_print_expands_collapsed_sections(driver: webdriver.Chrome, seeds_run: tuple[Path, Path]) -> None:
    _, out = seeds_run
    load(driver, out / "event-nk-troops-russia.html")
    visible = """
        const closed = document.querySelector('details.discrepancy:not([open])');
        const inner = closed && closed.querySelector('dl, table, div');
        return inner ? inner.checkVisibility() : null;
    """
    assert driver.execute_script(visible) is False  # collapsed on screen
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert driver.execute_script(visible) is True  # printed in full
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# ---------------------------------------------------------------- hostile input


def payloads() -> list[str]:
    """The injection corpus, one payload a line."""
    return [line for line in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_browser_corpus_is_large_and_varied() -> None:
    corpus = payloads()
    assert len(corpus) >= 20 and len(set(corpus)) == len(corpus)
    for needle in ("<script", "onerror=", "javascript:", "</textarea>", "</title>", "<svg onload", "data:",
                   "expression(", "\\u003c", "document.title", "alert("):
        assert any(needle in p for p in corpus), needle


def write_corpus(folder: Path, corpus: list[str]) -> None:
    """One JSON article per payload: in its event name, title, outlet, URL, text and quote."""
    events = [f"Flood {corpus[0]}", f"Quake {corpus[4]}", "Storm in the valley"]
    start = datetime(2024, 5, 1, 6, 0)
    for i, payload in enumerate(corpus):
        deaths = 12 + (i % 3) * 40
        text = "\n\n".join([
            f"Officials said {payload} as {deaths} people died in the flood near {'Kiev' if i % 2 else 'Kyiv'} on Monday.",
            f'The mayor said: "{payload} we will rebuild every single house and every school in this valley '
            'before the winter comes."',
            "Rescuers worked through the night to reach the villages that were cut off by the rising water.",
            f"The regional governor reportedly said {300 + i} homes were damaged and several roads were closed.",
        ])
        record = {
            "event": events[i % len(events)],
            "title": f"{payload} flood kills {deaths}",
            "outlet": f"Outlet {i} {payload}",
            "url": payload if i % 2 else f"https://news{i}.example/story?x={payload}",
            "published": (start + timedelta(hours=3 * i)).isoformat(),
            "text": text,
        }
        (folder / f"{i:02d}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def injection_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The corpus through the real pipeline; the report as written and a copy without its CSP."""
    import duckdb

    base = tmp_path_factory.mktemp("injection")
    inputs = base / "inputs"
    inputs.mkdir()
    corpus = payloads()
    write_corpus(inputs, corpus)
    settings = Settings(db=base / "db.duckdb", out=base / "report", workers=1)
    result = pipeline.run([inputs], settings, generated_at=GENERATED_AT)
    assert not result.failures, result.failures
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        articles = con.execute("SELECT id, path FROM articles").fetchall()
        quotes = [r[0] for r in con.execute("SELECT text FROM quotes").fetchall()]
        kinds = {r[0] for r in con.execute("SELECT DISTINCT kind FROM discrepancies").fetchall()}
    finally:
        con.close()
    slugs = report.unique_slugs(a for a, _ in articles)
    by_page = {f"article-{slugs[a]}.html": corpus[int(Path(p).stem)] for a, p in articles}
    assert len(by_page) == len(corpus), "every payload article must be ingested"
    bare = base / "report-no-csp"
    bare.mkdir()
    csp = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
    for path in settings.out.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert csp.search(html), path.name
        (bare / path.name).write_text(csp.sub("", html), encoding="utf-8")
    return {"out": settings.out, "bare": bare, "corpus": corpus, "by_page": by_page, "quotes": quotes,
            "kinds": kinds}


def test_browser_injection_reaches_every_field(injection_report: dict[str, Any]) -> None:
    corpus = injection_report["corpus"]
    # the payloads got into quotes and discrepancies, not only into article text
    assert sum(any(p in q for p in corpus) for q in injection_report["quotes"]) >= len(corpus) // 2
    assert {"wire_copy_edit", "quote_variant"} <= injection_report["kinds"]


def test_browser_injection_corpus_executes_nothing_as_written(
    driver: webdriver.Chrome, injection_report: dict[str, Any]
) -> None:
    folder: Path = injection_report["out"]
    pages = sorted(folder.glob("*.html"))
    assert len(pages) >= len(injection_report["corpus"]) + 3
    console_errors(driver)
    for path in pages:
        load(driver, path)
        assert execution_problems(driver, path) == [], path.name
        # with the CSP in place an attempt to run would also be logged as a violation
        assert console_errors(driver) == [], path.name


def test_browser_injection_corpus_is_inert_text_without_the_csp(
    driver: webdriver.Chrome, injection_report: dict[str, Any], shots: Path
) -> None:
    folder: Path = injection_report["bare"]
    corpus: list[str] = injection_report["corpus"]
    by_page: dict[str, str] = injection_report["by_page"]
    seen: set[str] = set()
    for path in sorted(folder.glob("*.html")):
        load(driver, path)
        assert execution_problems(driver, path) == [], path.name
        text = squash(inspect(driver)["text"])
        seen.update(p for p in corpus if squash(p) in text)
        if path.name in by_page:
            # in the headline, the outlet, the URL (as text unless it is http) and the article body
            assert text.count(squash(by_page[path.name])) >= 4, (path.name, by_page[path.name])
        elif path.name.startswith("index"):
            missing = [p for p in corpus if squash(p) not in text]
            assert missing == [], path.name  # every outlet name, payload included, listed as text
        else:
            assert any(squash(p) in text for p in corpus), path.name
    assert seen == set(corpus)
    load(driver, folder / "index.html")
    screenshot(driver, shots / "injection-index.png")
    load(driver, folder / sorted(by_page)[0])
    screenshot(driver, shots / "injection-article.png")
    event = sorted(folder.glob("event-*.html"))[0]
    load(driver, event)
    screenshot(driver, shots / "injection-event.png")


def test_browser_checks_catch_an_unescaped_payload(driver: webdriver.Chrome, tmp_path: Path) -> None:
    # a control: the same payloads written unescaped into a page do run, and the checks see it
    corpus = payloads()
    cases = {
        "pwned": next(p for p in corpus if p.startswith("<img src=x onerror=\"window.__pwned")),
        "title": next(p for p in corpus if p.startswith("<script>document.title")),
        "alert": next(p for p in corpus if "alert(1)" in p and p.startswith("<img")),
        "handler": next(p for p in corpus if p.startswith("<details open ontoggle")),
        "link": next(p for p in corpus if p.startswith("<a href=\"javascript:")),
    }
    expected = {"pwned": "window.__pwned is set", "title": "document.title changed", "alert": "an alert is open",
                "handler": "event handler attribute", "link": "link with scheme javascript:"}
    for name, payload in cases.items():
        page = tmp_path / f"raw-{name}.html"
        page.write_text(f"<!doctype html><html><head><title>raw</title></head><body><p>{payload}</p></body></html>",
                        encoding="utf-8")
        load(driver, page)
        problems = execution_problems(driver, page)
        assert any(p.startswith(expected[name]) for p in problems), (name, problems)
