"""Ingest: article files -> `articles` and `events` rows (contracts.md section 1).

Every fixture file is written into tmp_path; the texts are short news stories written for
these tests (an article needs 20+ words of prose after cleaning to count).
"""

from __future__ import annotations

import json
import random
import struct
import zlib
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from compare import ingest, store
from compare.config import Settings
from compare.records import Article, InputFailure

# -- article texts --------------------------------------------------------------------------

FLOOD_1 = ("Floodwater swept through the centre of Hollin Bridge on Sunday night after the River Aske "
           "burst its banks, forcing hundreds of residents to leave their homes, the county council said.")
FLOOD_2 = ("Emergency crews rescued 42 people from cars and flooded houses, and two men were taken to "
           "hospital with minor injuries, according to the regional fire service.")
FLOOD_3 = ("Forecasters warned that more heavy rain was expected on Tuesday and said river levels could "
           "rise again before the weekend.")
FLOOD = "\n\n".join([FLOOD_1, FLOOD_2, FLOOD_3])

QUAKE_1 = ("A magnitude 6.1 earthquake struck the mountainous north of the province early on Thursday, "
           "damaging more than 300 homes and cutting power to several villages, officials said.")
QUAKE_2 = ("The interior ministry said at least 14 people had been killed and 120 injured, while "
           "rescue teams were still searching collapsed buildings in the town of Varesk.")
QUAKE = "\n\n".join([QUAKE_1, QUAKE_2])

STRIKE_1 = ("Train drivers across the network walked out on Monday in a dispute over pay, leaving "
            "commuters stranded at stations and forcing the operator to cancel nine in ten services.")
STRIKE_2 = ("The union said more than 8,000 members had voted for the action, and warned that further "
            "stoppages would follow next month unless the company improved its offer.")
STRIKE = "\n\n".join([STRIKE_1, STRIKE_2])

FIRE_1 = ("Firefighters spent the night tackling a blaze at a disused textile mill in Westbrook, and "
          "residents of nearby streets were told to keep their windows and doors closed because of smoke.")
FIRE_2 = ("Police said the cause of the fire was not yet known and that nobody had been reported "
          "injured, although a section of the roof had collapsed shortly after midnight.")
FIRE = "\n\n".join([FIRE_1, FIRE_2])

BRIDGE_1 = ("Engineers closed the old suspension bridge over the estuary on Wednesday after inspectors "
            "found corrosion in two of its main cables, diverting thousands of drivers onto a longer route.")
BRIDGE_2 = ("The transport authority said the crossing would stay shut for at least six weeks while "
            "repairs were carried out, and promised extra ferry sailings in the meantime.")
BRIDGE = "\n\n".join([BRIDGE_1, BRIDGE_2])

HTML_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>River bursts its banks as floods force hundreds from their homes | The Valley Courier</title>
<meta property="og:site_name" content="The Valley Courier">
<meta property="og:url" content="https://www.valleycourier.example/news/2024/03/10/hollin-bridge-floods">
<meta property="article:published_time" content="2024-03-10T22:15:00+01:00">
</head>
<body>
<header>
  <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
  <div class="cookie">We use cookies to improve your experience on our site <button>Accept</button></div>
</header>
<main>
<article>
  <h1>River bursts its banks as floods force hundreds from their homes</h1>
  <p>Floodwater swept through the centre of Hollin Bridge on Sunday night after the River Aske burst
  its banks, forcing hundreds of residents to leave their homes, the county council said.</p>
  <p>Emergency crews rescued 42 people from cars and flooded houses, and two men were taken to hospital
  with minor injuries, according to the regional fire service.</p>
  <p>Forecasters warned that more heavy rain was expected on Tuesday and said river levels could rise
  again before the weekend.</p>
</article>
</main>
<footer><p><a href="/about">About us</a> | <a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p></footer>
</body>
</html>
"""

HTML_NO_ARTICLE = """<!DOCTYPE html>
<html><head><title>Page not found | The Valley Courier</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><div id="app"></div>
<footer><a href="/about">About us</a></footer></body></html>
"""


# -- helpers --------------------------------------------------------------------------------

@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "ingest.duckdb", workers=1)


@pytest.fixture()
def con(settings: Settings):
    connection = store.connect(settings.db)
    yield connection
    connection.close()


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def write_json(path: Path, record: object) -> Path:
    return write(path, json.dumps(record))


def load(settings: Settings, *inputs: Path) -> tuple[list[Article], list[InputFailure]]:
    return ingest.load_articles(list(inputs), settings)


def load_one(settings: Settings, path: Path) -> Article:
    articles, failures = load(settings, path)
    assert failures == []
    assert len(articles) == 1
    return articles[0]


def paragraphs(article: Article) -> list[str]:
    return article.text.split("\n\n")


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


# -- formats --------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".txt", ".md", ".TXT"])
def test_ingest_plain_text_file_is_one_article(settings: Settings, tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / "event" / f"valley-courier{suffix}", FLOOD + "\n")
    article = load_one(settings, path)
    assert paragraphs(article) == [FLOOD_1, FLOOD_2, FLOOD_3]
    assert article.outlet == "valley-courier"
    assert article.path == str(path)
    assert article.url is None and article.published is None and article.language is None


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_ingest_html_page_gives_text_title_outlet_url_and_date(settings: Settings, tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / "event" / f"page{suffix}", HTML_PAGE)
    article = load_one(settings, path)
    assert "Floodwater swept through the centre of Hollin Bridge" in article.text
    assert "rise again before the weekend." in article.text
    assert "Sport" not in article.text and "Privacy" not in article.text and "cookies" not in article.text
    assert article.title == "River bursts its banks as floods force hundreds from their homes"
    assert article.outlet == "The Valley Courier"
    assert article.url == "https://www.valleycourier.example/news/2024/03/10/hollin-bridge-floods"
    # 22:15 at +01:00 is 21:15 UTC
    assert article.published == datetime(2024, 3, 10, 21, 15)


PUBLISHED_META = '<meta property="article:published_time" content="2024-03-10T22:15:00+01:00">'


@pytest.mark.parametrize("declared", [
    '<meta content="2024-03-11T00:30:00+01:00" property="article:published_time">',
    "<meta name='date' content='2024-03-10T23:30:00Z'>",
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-03-10T18:30:00-05:00"}</script>',
])
def test_ingest_html_page_timestamp_in_any_form(settings: Settings, tmp_path: Path, declared: str) -> None:
    path = write(tmp_path / "event" / "page.html", HTML_PAGE.replace(PUBLISHED_META, declared))
    # the page's own timestamp, with its time and in UTC, not only the day
    assert load_one(settings, path).published == datetime(2024, 3, 10, 23, 30)


@pytest.mark.parametrize("field", ["text", "maintext", "raw_text"])
def test_ingest_json_text_fields(settings: Settings, tmp_path: Path, field: str) -> None:
    path = write_json(tmp_path / "e" / "a.json", {field: QUAKE, "outlet": "Northern Wire"})
    article = load_one(settings, path)
    assert paragraphs(article) == [QUAKE_1, QUAKE_2]
    assert article.outlet == "Northern Wire"


def test_ingest_json_text_fields_first_present_wins(settings: Settings, tmp_path: Path) -> None:
    path = write_json(tmp_path / "e" / "a.json", {"raw_text": STRIKE, "maintext": FIRE, "text": QUAKE})
    assert paragraphs(load_one(settings, path)) == [QUAKE_1, QUAKE_2]
    path = write_json(tmp_path / "e" / "b.json", {"raw_text": STRIKE, "maintext": FIRE, "text": ""})
    assert paragraphs(load_one(settings, path)) == [FIRE_1, FIRE_2]


@pytest.mark.parametrize("field", ["html", "raw_html"])
def test_ingest_json_html_fields_are_extracted(settings: Settings, tmp_path: Path, field: str) -> None:
    path = write_json(tmp_path / "e" / "a.json", {field: HTML_PAGE, "outlet": "Courier Wire Desk"})
    article = load_one(settings, path)
    assert FLOOD_3 in article.text
    assert "Weather" not in article.text
    # the record's own fields win over what the page says
    assert article.outlet == "Courier Wire Desk"
    assert article.title == "River bursts its banks as floods force hundreds from their homes"


def test_ingest_json_text_wins_over_html(settings: Settings, tmp_path: Path) -> None:
    path = write_json(tmp_path / "e" / "a.json", {"text": STRIKE, "html": HTML_PAGE})
    assert paragraphs(load_one(settings, path)) == [STRIKE_1, STRIKE_2]


def test_ingest_jsonl_gives_one_article_per_line(settings: Settings, tmp_path: Path) -> None:
    lines = [json.dumps({"text": text, "outlet": outlet})
             for text, outlet in [(FLOOD, "Valley Courier"), (QUAKE, "Northern Wire"), (STRIKE, "Rail Today")]]
    path = write(tmp_path / "e" / "crawl.jsonl", "\n".join(lines[:2]) + "\n\n" + lines[2] + "\n")
    articles, failures = load(settings, path)
    assert failures == []
    assert [a.outlet for a in articles] == ["Valley Courier", "Northern Wire", "Rail Today"]
    assert [paragraphs(a)[0] for a in articles] == [FLOOD_1, QUAKE_1, STRIKE_1]
    assert all(a.path == str(path) for a in articles)


def test_ingest_json_fields_url_title_event_language(settings: Settings, tmp_path: Path) -> None:
    path = write_json(tmp_path / "flat" / "a.json", {
        "text": QUAKE, "url": "https://news.example/world/quake", "title": "  Deadly quake   hits the north  ",
        "event": "Varesk earthquake", "language": "en", "published": "2024-05-02T06:30:00Z"})
    article = load_one(settings, path)
    assert article.url == "https://news.example/world/quake"
    assert article.title == "Deadly quake hits the north"
    assert article.event_id == "varesk-earthquake"
    assert article.event_title == "Varesk earthquake"
    assert article.event_origin == "field"
    assert article.language == "en"
    assert article.published == datetime(2024, 5, 2, 6, 30)
    # the title heads the stored text
    assert paragraphs(article) == ["Deadly quake hits the north", QUAKE_1, QUAKE_2]


@pytest.mark.parametrize(("fields", "published"), [
    ({"published": "2024-05-02T08:00:00+02:00", "date_publish": "2024-05-01 09:00:00", "date": "2024-04-30"},
     datetime(2024, 5, 2, 6, 0)),
    ({"date_publish": "2024-05-01 09:00:00", "date": "2024-04-30"}, datetime(2024, 5, 1, 9, 0)),
    ({"date": "2024-04-30"}, datetime(2024, 4, 30, 0, 0)),
    ({"published": "", "date_publish": None, "date": "2024-04-30"}, datetime(2024, 4, 30, 0, 0)),
    ({}, None),
])
def test_ingest_published_fields_first_present_wins(settings: Settings, tmp_path: Path, fields: dict,
                                                    published: datetime | None) -> None:
    path = write_json(tmp_path / "e" / "a.json", {"text": STRIKE, **fields})
    assert load_one(settings, path).published == published


OUTLET_FIELDS = {"outlet": "Valley Courier", "source": "Courier Group", "source_domain": "valleycourier.example",
                 "sitename": "The Valley Courier", "hostname": "news.valleycourier.example",
                 "url": "https://www.courier-mirror.example/news/floods"}


@pytest.mark.parametrize(("dropped", "expected"), [
    (0, "Valley Courier"),
    (1, "Courier Group"),
    (2, "valleycourier.example"),
    (3, "The Valley Courier"),
    (4, "news.valleycourier.example"),
    (5, "courier-mirror.example"),  # the URL's domain, www. stripped
    (6, "flood-report"),  # the file name
])
def test_ingest_outlet_precedence(settings: Settings, tmp_path: Path, dropped: int, expected: str) -> None:
    record = dict(list(OUTLET_FIELDS.items())[dropped:])
    path = write_json(tmp_path / "e" / "flood-report.json", {"text": FLOOD, **record})
    assert load_one(settings, path).outlet == expected


def test_ingest_outlet_from_url_keeps_other_subdomains(settings: Settings, tmp_path: Path) -> None:
    path = write_json(tmp_path / "e" / "a.json", {"text": FLOOD, "url": "https://news.courier.example/a"})
    assert load_one(settings, path).outlet == "news.courier.example"


def test_ingest_empty_outlet_field_falls_through(settings: Settings, tmp_path: Path) -> None:
    path = write_json(tmp_path / "e" / "a.json", {"text": FLOOD, "outlet": "", "source": None, "sitename": "Courier"})
    assert load_one(settings, path).outlet == "Courier"


# -- front matter and furniture -------------------------------------------------------------

def test_ingest_front_matter_sets_outlet_url_and_event(settings: Settings, tmp_path: Path) -> None:
    text = ("---\noutlet: The Daily Bulletin\nurl: https://dailybulletin.example/uk/2024/mar/11/floods\n"
            "title: 'Floods force hundreds from homes'\nevent: Hollin Bridge floods\n---\n" + FLOOD + "\n")
    path = write(tmp_path / "e" / "bulletin.txt", text)
    article = load_one(settings, path)
    assert article.outlet == "The Daily Bulletin"
    assert article.url == "https://dailybulletin.example/uk/2024/mar/11/floods"
    assert article.title == "Floods force hundreds from homes"
    assert article.event_id == "hollin-bridge-floods"
    assert "outlet:" not in article.text and "---" not in article.text
    assert paragraphs(article) == ["Floods force hundreds from homes", FLOOD_1, FLOOD_2, FLOOD_3]


def test_ingest_front_matter_url_gives_outlet_domain(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "e" / "a.md", "---\nurl: https://www.ledger.example/a/b\n---\n" + BRIDGE)
    assert load_one(settings, path).outlet == "ledger.example"


def test_ingest_text_without_front_matter_keeps_dashes(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "e" / "a.txt", FIRE_1 + "\n---\n" + FIRE_2)
    article = load_one(settings, path)
    assert paragraphs(article) == [FIRE_1, FIRE_2]
    assert article.outlet == "a"


PAGE_WITH_FURNITURE = f"""Skip to content
The Valley Courier
News  Politics  Weather  Sport  Opinion  Puzzles
Home | UK | World | Business | Climate
Sign in
We use cookies to give you the best experience on our website Accept all
UK > Weather

River bursts its banks as floods force hundreds from their homes

By Amira Castell, Environment correspondent
Published 11 March 2024 07:45 GMT

Share   Facebook   X   Email

{FLOOD_1}

ADVERTISEMENT

{FLOOD_2}

Related stories
Read more  |  Weather warnings
{FLOOD_3}

Most read
Topics  Floods  Weather  Hollin Bridge
"""


def test_ingest_plain_text_page_furniture_is_removed(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "e" / "courier.txt", PAGE_WITH_FURNITURE)
    article = load_one(settings, path)
    assert paragraphs(article) == ["River bursts its banks as floods force hundreds from their homes",
                                   FLOOD_1, FLOOD_2, FLOOD_3]
    assert article.published == datetime(2024, 3, 11, 7, 45)


@pytest.mark.parametrize("line", [
    "News  Politics  World  Business  Sport",  # runs of spaces
    "Home | UK | World | Business | Climate",  # | separators
    "Share\tFacebook\tX\tEmail",
    "UK > Weather > Floods",
    "Sign in",
    "ADVERTISEMENT",
    "Most read",
    "By Amira Castell, Environment correspondent",
    "We use cookies to give you the best experience on our website",  # no final full stop
    "Accept cookies and continue browsing the site",
    "[Ad slot: mpu-inarticle-1]",
])
def test_ingest_is_furniture_true_for_page_furniture(line: str) -> None:
    assert ingest.is_furniture(line)


@pytest.mark.parametrize("line", [
    FLOOD_1, FLOOD_2, QUAKE_2,
    "He said the water rose within minutes.",
    "“We lost everything,” said one resident.",
    "Is the town ready for the next storm?",
    # a long paragraph that lost its full stop is still prose
    " ".join(FLOOD_1.rstrip(".").split() + FLOOD_2.rstrip(".").split()[:15]),
])
def test_ingest_is_furniture_false_for_prose(line: str) -> None:
    assert not ingest.is_furniture(line)


def test_ingest_lines_repeated_across_articles_of_one_outlet_are_removed(settings: Settings, tmp_path: Path) -> None:
    promo = "Sign up to our morning briefing for the stories you need to know each day."
    footer = "Contact the newsdesk at news@courier.example with your story."
    folder = tmp_path / "dump"
    for name, body in [("a", FLOOD), ("b", QUAKE), ("c", STRIKE)]:
        write(folder / f"{name}.txt", f"---\noutlet: Valley Courier\n---\n{body}\n\n{promo}\n\n{footer}\n")
    # another outlet carries the same promo line once: it is not furniture of that outlet
    write(folder / "d.txt", f"---\noutlet: Rail Today\n---\n{FIRE}\n\n{promo}\n")
    articles, failures = load(settings, folder)
    assert failures == []
    by_outlet = {(a.outlet, paragraphs(a)[0]): paragraphs(a) for a in articles}
    assert by_outlet[("Valley Courier", FLOOD_1)] == [FLOOD_1, FLOOD_2, FLOOD_3]
    assert by_outlet[("Valley Courier", QUAKE_1)] == [QUAKE_1, QUAKE_2]
    assert by_outlet[("Valley Courier", STRIKE_1)] == [STRIKE_1, STRIKE_2]
    assert by_outlet[("Rail Today", FIRE_1)] == [FIRE_1, FIRE_2, promo]


def test_ingest_repeated_lines_need_two_articles_of_the_outlet(settings: Settings, tmp_path: Path) -> None:
    promo = "Sign up to our morning briefing for the stories you need to know each day."
    folder = tmp_path / "dump"
    write(folder / "a.txt", f"---\noutlet: Valley Courier\n---\n{FLOOD}\n\n{promo}\n")
    write(folder / "b.txt", f"---\noutlet: Northern Wire\n---\n{QUAKE}\n\n{promo}\n")
    articles, _ = load(settings, folder)
    assert all(paragraphs(a)[-1] == promo for a in articles)


def test_ingest_updated_versions_of_one_story_keep_their_shared_lines(settings: Settings, tmp_path: Path) -> None:
    # an outlet's first story and its update, filed under one event, repeat story paragraphs;
    # the promo line recurs in the outlet's stories about other events too, and is furniture
    promo = "Sign up to our morning briefing for the stories you need to know each day."
    update = FLOOD.replace(FLOOD_3, "Rescuers said on Wednesday that the water had started to fall.")
    write(tmp_path / "in" / "flood" / "first.txt", f"---\noutlet: Valley Courier\n---\n{FLOOD}\n\n{promo}\n")
    write(tmp_path / "in" / "flood" / "update.txt", f"---\noutlet: Valley Courier\n---\n{update}\n\n{promo}\n")
    write(tmp_path / "in" / "quake" / "quake.txt", f"---\noutlet: Valley Courier\n---\n{QUAKE}\n\n{promo}\n")
    articles, failures = load(settings, tmp_path / "in")
    assert failures == []
    texts = sorted(paragraphs(a) for a in articles)
    assert [FLOOD_1, FLOOD_2, FLOOD_3] in texts
    assert [FLOOD_1, FLOOD_2, "Rescuers said on Wednesday that the water had started to fall."] in texts
    assert [QUAKE_1, QUAKE_2] in texts


LONG_1 = ("Council leaders said on Monday that the cost of repairing roads, bridges and flood defences "
          "along the valley would run to several million pounds, and that they would ask the government "
          "for emergency funding because the authority's own reserves had already been spent on "
          "last winter's storms and the clean-up that followed them.")
LONG_2 = ("Shopkeepers on the high street, where the water reached waist height in places, began "
          "carrying ruined stock out onto the pavement as the level fell, and several said they did not "
          "expect to reopen before the summer because their insurers had yet to send assessors to look "
          "at the damage.")
LONG = "\n\n".join([FLOOD_1, LONG_1, FLOOD_2, LONG_2])


def test_ingest_duplicate_copy_of_an_article_does_not_strip_its_lines(settings: Settings, tmp_path: Path) -> None:
    # a crawl often holds the same record twice; one article seen twice is not two articles
    # whose shared lines are furniture
    record = json.dumps({"text": LONG, "outlet": "Valley Courier"})
    other = json.dumps({"text": QUAKE, "outlet": "Valley Courier"})
    path = write(tmp_path / "e" / "crawl.jsonl", "\n".join([record, other, record]) + "\n")
    articles, failures = load(settings, path)
    assert failures == []
    flood = [a for a in articles if paragraphs(a)[0] == FLOOD_1]
    assert len(flood) == 2
    assert all(paragraphs(a) == [FLOOD_1, LONG_1, FLOOD_2, LONG_2] for a in flood)


# -- titles and dates -----------------------------------------------------------------------

@pytest.mark.parametrize(("head", "title"), [
    ("Skip to content\nNews  Sport  Weather\nRiver bursts its banks as floods force hundreds from their homes\n",
     "River bursts its banks as floods force hundreds from their homes"),
    ("Advertise Buy the paper Contact us Shop Subscribe\nTRAIN DRIVERS WALK OUT OVER PAY\n",
     "TRAIN DRIVERS WALK OUT OVER PAY"),
    # menus and bylines in capitalised words, a date line: no headline
    ("Advertise Buy the paper Contact us Shop Subscribe Support us\nBy Amira Castell\n", None),
    ("Published 11 March 2024 07:45 GMT\n", None),
    # a cookie notice speaks to the reader; a headline about cookies does not
    ("We use cookies to give you the best experience on our website Accept all\n"
     "Bakery recalls biscuits and cookies over nut allergy fears\n",
     "Bakery recalls biscuits and cookies over nut allergy fears"),
])
def test_ingest_title_from_lines_above_the_body(settings: Settings, tmp_path: Path, head: str, title: str | None) -> None:
    path = write(tmp_path / "e" / "a.txt", head + "\n" + STRIKE)
    article = load_one(settings, path)
    assert article.title == title
    assert paragraphs(article)[-2:] == [STRIKE_1, STRIKE_2]


def test_ingest_title_field_wins_over_head_line(settings: Settings, tmp_path: Path) -> None:
    path = write_json(tmp_path / "e" / "a.json", {
        "title": "Rail strike strands commuters",
        "text": "Drivers walk out as talks over pay collapse again\n\n" + STRIKE})
    assert load_one(settings, path).title == "Rail strike strands commuters"


def test_ingest_published_line_in_page_head_is_utc(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "e" / "a.txt", "Published 18 October 2024 11:58 BST\n\n" + BRIDGE)
    assert load_one(settings, path).published == datetime(2024, 10, 18, 10, 58)


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-10-18T11:58:00+01:00", datetime(2024, 10, 18, 10, 58)),
    ("2024-10-18T11:58:00-05:00", datetime(2024, 10, 18, 16, 58)),
    ("2024-10-18T00:30:00+09:00", datetime(2024, 10, 17, 15, 30)),
    ("2024-10-18T11:58:00Z", datetime(2024, 10, 18, 11, 58)),
    ("2024-10-18T11:58:00", datetime(2024, 10, 18, 11, 58)),
    ("2024-10-18 11:58:00", datetime(2024, 10, 18, 11, 58)),  # news-please
    ("2024-10-18", datetime(2024, 10, 18)),
    ("Published 18 October 2024 11:58 BST", datetime(2024, 10, 18, 10, 58)),
    ("18 October 2024 11:58 GMT", datetime(2024, 10, 18, 11, 58)),
    ("Published: 08:10, 10 Sep 2023", datetime(2023, 9, 10, 8, 10)),
    ("October 18, 2024 3:05 pm EDT", datetime(2024, 10, 18, 19, 5)),
    ("Updated 2nd March 2024", datetime(2024, 3, 2)),
    ("10 March 2024 12:30 am GMT", datetime(2024, 3, 10, 0, 30)),
    ("10 March 2024 12:30 p.m. GMT", datetime(2024, 3, 10, 12, 30)),
    ("12 June 2024 09:00 KST", datetime(2024, 6, 12, 0, 0)),
    (1729252680, datetime(2024, 10, 18, 11, 58)),
    ("", None),
    (None, None),
    ("yesterday afternoon", None),
    ("31 February 2024", None),
])
def test_ingest_parse_date_gives_naive_utc(value: object, expected: datetime | None) -> None:
    parsed = ingest.parse_date(value)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is None


# -- events ---------------------------------------------------------------------------------

def test_ingest_folder_of_subfolders_is_one_event_per_subfolder(settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "crawl"
    write(root / "hollin-bridge-floods" / "a.txt", FLOOD)
    write(root / "hollin-bridge-floods" / "b.json", json.dumps({"text": FIRE}))
    write(root / "varesk_quake" / "nested" / "c.txt", QUAKE)
    write(root / "README.md", "Crawl of " + STRIKE)  # a loose file beside the events
    write(root / "notes.txt", BRIDGE)
    articles, failures = load(settings, root)
    assert failures == []
    got = sorted((Path(a.path).name, a.event_id, a.event_title, a.event_origin) for a in articles)
    assert got == [("a.txt", "hollin-bridge-floods", "Hollin bridge floods", "folder"),
                   ("b.json", "hollin-bridge-floods", "Hollin bridge floods", "folder"),
                   ("c.txt", "varesk-quake", "Varesk quake", "folder")]


def test_ingest_flat_folder_is_one_event_named_after_it(settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "night-crawl_March 11"
    write(root / "a.txt", FLOOD)
    write(root / "b.md", QUAKE)
    write(root / "images" / "photo.jpg", b"\xff\xd8\xff\xe0")  # a subfolder without articles
    write(root / ".hidden.txt", STRIKE)
    write(root / "notes.csv", "a,b\n1,2\n")
    articles, failures = load(settings, root)
    assert failures == []
    assert sorted(Path(a.path).name for a in articles) == ["a.txt", "b.md"]
    assert {(a.event_id, a.event_origin) for a in articles} == {("night-crawl-march-11", "flat")}
    assert articles[0].event_title == "Night crawl March 11"


def test_ingest_event_field_overrides_folder(settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "crawl"
    write(root / "floods" / "a.json", json.dumps({"text": FLOOD}))
    write(root / "floods" / "b.json", json.dumps({"text": BRIDGE, "event": "Estuary bridge closure"}))
    articles, _ = load(settings, root)
    assert sorted((a.event_id, a.event_origin) for a in articles) == [
        ("estuary-bridge-closure", "field"), ("floods", "folder")]


def test_ingest_single_file_input_is_an_event_named_after_its_folder(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "rail_strike" / "a.txt", STRIKE)
    article = load_one(settings, path)
    assert (article.event_id, article.event_origin) == ("rail-strike", "file")


def test_ingest_missing_input_raises(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load(settings, tmp_path / "nowhere")


def test_ingest_slugify_is_stable_and_file_safe() -> None:
    assert ingest.slugify("Séoul / Pyongyang: troops!") == "seoul-pyongyang-troops"
    assert ingest.slugify("Hollin Bridge floods") == ingest.slugify("hollin-bridge  floods")
    assert ingest.slugify("北朝鮮").startswith("event-")


# -- the stage over a real database ---------------------------------------------------------

def test_ingest_run_writes_articles_and_events(con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "crawl"
    write(root / "floods" / "a.txt", "---\noutlet: Valley Courier\nurl: https://valleycourier.example/f\n---\n" + FLOOD)
    write(root / "quake" / "b.json", json.dumps({"text": QUAKE, "outlet": "Northern Wire",
                                                   "published": "2024-05-02T08:00:00+02:00", "language": "en"}))
    result = ingest.run(con, settings, inputs=[root], run_id=7)
    assert result.counts == {"files_articles": 2, "new_articles": 2, "failed": 0, "files_read": 2}
    assert result.failures == []
    got = rows(con, "SELECT event_id, outlet, url, published, path, language, ingested_run FROM articles ORDER BY event_id")
    assert got == [
        ("floods", "Valley Courier", "https://valleycourier.example/f", None, str(root / "floods" / "a.txt"), None, 7),
        ("quake", "Northern Wire", None, datetime(2024, 5, 2, 6, 0), str(root / "quake" / "b.json"), "en", 7)]
    assert rows(con, "SELECT id, title, origin FROM events ORDER BY id") == [
        ("floods", "Floods", "folder"), ("quake", "Quake", "folder")]
    text = rows(con, "SELECT text FROM articles WHERE event_id = 'floods'")[0][0]
    assert text == FLOOD


def test_ingest_article_id_is_a_hash_of_the_text(settings: Settings, tmp_path: Path) -> None:
    a = load_one(settings, write(tmp_path / "x" / "a.txt", FLOOD))
    b = load_one(settings, write_json(tmp_path / "y" / "b.json", {"text": FLOOD, "outlet": "Other", "title": "T t t t"}))
    c = load_one(settings, write(tmp_path / "z" / "c.txt", QUAKE))
    assert a.id == b.id != c.id
    assert len(a.id) == 16 and int(a.id, 16) >= 0


def test_ingest_rerun_of_same_folder_adds_no_row(settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "crawl"
    write(root / "floods" / "a.txt", FLOOD)
    write(root / "floods" / "b.json", json.dumps({"text": FIRE, "outlet": "Courier"}))
    write(root / "quake" / "c.jsonl", json.dumps({"text": QUAKE}) + "\n" + json.dumps({"text": STRIKE}) + "\n")
    con = store.connect(settings.db)
    try:
        first = ingest.run(con, settings, inputs=[root], run_id=1)
        before = rows(con, "SELECT * FROM articles ORDER BY id")
    finally:
        con.close()
    con = store.connect(settings.db)  # a later run reopens the file
    try:
        second = ingest.run(con, settings, inputs=[root], run_id=2)
        after = rows(con, "SELECT * FROM articles ORDER BY id")
        events_after = rows(con, "SELECT count(*) FROM events")
    finally:
        con.close()
    assert first.counts["new_articles"] == 4
    # unchanged files are not read again
    assert second.counts == {"files_articles": 0, "new_articles": 0, "failed": 0, "files_read": 0}
    assert after == before  # unchanged rows are kept, with the run that first ingested them
    assert {r[9] for r in after} == {1}  # ingested_run
    assert events_after == [(2,)]


def test_ingest_same_text_in_two_files_is_one_row(con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "flat"
    write(root / "a.txt", FLOOD)
    write(root / "b.txt", FLOOD.replace("\n\n", "\n\n\n"))
    result = ingest.run(con, settings, inputs=[root])
    assert result.counts["files_articles"] == 1
    assert rows(con, "SELECT count(*) FROM articles") == [(1,)]


def test_ingest_changed_metadata_replaces_the_row(con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    path = write_json(tmp_path / "quake" / "a.json", {"text": QUAKE, "title": "Quake kills 14", "outlet": "Wire"})
    ingest.run(con, settings, inputs=[path], run_id=1)
    write_json(path, {"text": QUAKE, "title": "Quake death toll rises to 14", "outlet": "Wire"})
    result = ingest.run(con, settings, inputs=[path], run_id=2)
    assert result.counts["new_articles"] == 0
    assert rows(con, "SELECT title, ingested_run FROM articles") == [("Quake death toll rises to 14", 2)]


def test_ingest_changed_text_replaces_the_row(con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "floods" / "courier.txt", FLOOD)
    other = write(tmp_path / "floods" / "wire.txt", FIRE)
    ingest.run(con, settings, inputs=[tmp_path / "floods"], run_id=1)
    updated = FLOOD + "\n\nBy Monday evening the council said 600 homes had been evacuated across the valley."
    write(path, updated)
    result = ingest.run(con, settings, inputs=[tmp_path / "floods"], run_id=2)
    # only the changed file is read again; its new text is a new article
    assert result.counts == {"files_articles": 1, "new_articles": 1, "failed": 0, "files_read": 1}
    got = rows(con, "SELECT path, text, ingested_run FROM articles ORDER BY path")
    assert got == [(str(path), updated, 2), (str(other), FIRE, 1)]


def test_ingest_line_removed_from_jsonl_removes_its_row(con: duckdb.DuckDBPyConnection, settings: Settings,
                                                        tmp_path: Path) -> None:
    path = write(tmp_path / "e" / "crawl.jsonl", "\n".join(json.dumps({"text": t}) for t in (FLOOD, QUAKE, STRIKE)))
    other = write_json(tmp_path / "e" / "other.json", {"text": FIRE})
    ingest.run(con, settings, inputs=[path, other], run_id=1)
    assert rows(con, "SELECT count(*) FROM articles") == [(4,)]
    write(path, "\n".join(json.dumps({"text": t}) for t in (FLOOD, STRIKE)))
    result = ingest.run(con, settings, inputs=[path], run_id=2)
    assert result.counts == {"files_articles": 2, "new_articles": 0, "failed": 0, "files_read": 1}
    got = sorted(r[0].split("\n\n")[0] for r in rows(con, "SELECT text FROM articles"))
    assert got == sorted([FLOOD_1, STRIKE_1, FIRE_1])  # a file not given this time keeps its row


def test_ingest_records_failures_of_a_run(con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "flat"
    write(root / "good.txt", FLOOD)
    write(root / "broken.json", '{"text": "unterminated')
    result = ingest.run(con, settings, inputs=[root], run_id=3)
    assert result.counts == {"files_articles": 1, "new_articles": 1, "failed": 1, "files_read": 1}
    got = rows(con, "SELECT run_id, path FROM ingest_errors")
    assert got == [(3, str(root / "broken.json"))]


# -- bad inputs -----------------------------------------------------------------------------

def _binary_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"".join(struct.pack("<Q", i) for i in range(600))


def _compressed_image() -> bytes:
    noise = random.Random(20240311).randbytes(6000)
    header = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 640, 480, 8, 2, 0, 0, 0)
    return header + zlib.compress(noise)


BAD_INPUTS: list[tuple[str, bytes | str, str]] = [
    ("empty.txt", b"", "empty"),
    ("program.txt", _binary_executable(), "binary"),
    ("photo.md", _compressed_image(), "binary"),
    ("broken.json", '{"text": "Floodwater swept through", "outlet": ', "invalid JSON"),
    ("list.json", json.dumps([1, 2, 3]), "not an article object"),
    ("empty_list.json", "[]", "not an article object"),
    ("blank.jsonl", "\n  \n\n", "no JSON lines"),
    ("number.json", "42", "not an article object"),
    ("no_text.json", json.dumps({"outlet": "Courier", "title": "Floods"}), "no article text"),
    ("text_not_string.json", json.dumps({"text": ["a", "b"]}), "no article text"),
    ("page.html", HTML_NO_ARTICLE, "no article text"),
    ("menu.txt", "Home | News | Sport\nNews  Politics  Weather\nSign in\nWe use cookies on this site Accept\n",
     "no article text after removing page furniture"),
    ("short.txt", "Floods hit the valley overnight.\n", "no article text"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_ingest_bad_input_is_one_failure_with_a_reason(settings: Settings, tmp_path: Path, name: str,
                                                       content: bytes | str, reason: str) -> None:
    folder = tmp_path / "flat"
    bad = write(folder / name, content)
    write(folder / "zz_good.txt", FLOOD)
    articles, failures = load(settings, folder)
    assert [Path(a.path).name for a in articles] == ["zz_good.txt"]
    assert len(failures) == 1 and failures[0].path == str(bad)
    assert reason.lower() in failures[0].error.lower()
    assert "\n" not in failures[0].error and 0 < len(failures[0].error) <= 300


def test_ingest_all_bad_inputs_fail_independently(con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "flat"
    for name, content, _ in BAD_INPUTS:
        write(folder / name, content)
    write(folder / "good1.txt", FLOOD)
    write(folder / "good2.json", json.dumps({"text": QUAKE}))
    result = ingest.run(con, settings, inputs=[folder], run_id=1)
    assert sorted(Path(f.path).name for f in result.failures) == sorted(b[0] for b in BAD_INPUTS)
    assert {k: v for k, v in result.counts.items() if k != "files_read"} == {
        "files_articles": 2, "new_articles": 2, "failed": len(BAD_INPUTS)}
    assert result.counts["files_read"] == 2  # bad files are not recorded, so the next night reports them again
    assert rows(con, "SELECT count(*) FROM ingest_errors") == [(len(BAD_INPUTS),)]


def test_ingest_jsonl_bad_line_fails_alone(settings: Settings, tmp_path: Path) -> None:
    lines = [json.dumps({"text": FLOOD}), '{"text": "Emergency crews rescued', json.dumps({"text": QUAKE}),
             json.dumps(["not", "an", "object"]), json.dumps({"text": STRIKE})]
    path = write(tmp_path / "e" / "crawl.jsonl", "\n".join(lines) + "\n")
    articles, failures = load(settings, path)
    assert [paragraphs(a)[0] for a in articles] == [FLOOD_1, QUAKE_1, STRIKE_1]
    assert [f.path for f in failures] == [f"{path}:2", f"{path}:4"]
    assert "invalid JSON" in failures[0].error and "line 2" in failures[0].error
    assert "not a JSON object" in failures[1].error


def test_ingest_json_list_items_that_are_not_objects_fail(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "e" / "list.json", json.dumps([{"text": FLOOD}, "oops"]))
    articles, failures = load(settings, path)
    assert [paragraphs(a)[0] for a in articles] == [FLOOD_1]
    assert len(failures) == 1 and "not a JSON object" in failures[0].error


def test_ingest_file_over_max_file_bytes_fails(tmp_path: Path) -> None:
    settings = Settings(max_file_bytes=300)
    folder = tmp_path / "flat"
    big = write(folder / "big.txt", FLOOD)  # about 450 bytes
    small = write(folder / "small.txt", FIRE_1 + "\n" + "Nobody was hurt.")
    assert big.stat().st_size > 300 >= small.stat().st_size
    articles, failures = load(settings, folder)
    assert [a.path for a in articles] == [str(small)]
    assert len(failures) == 1 and failures[0].path == str(big)
    assert "over the limit of 300" in failures[0].error


# -- encodings ------------------------------------------------------------------------------

ACCENTED = ("The mayor of Zürich, Corine Mauch, said on Friday that the café owners’ association had "
            "agreed to pay €2,000 towards the clean-up — a “gesture of goodwill” after the flood.")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_ingest_decodes_encodings(settings: Settings, tmp_path: Path, encoding: str) -> None:
    text = "---\noutlet: Zürcher Blatt\n---\n" + ACCENTED + "\n\n" + FLOOD_2 + "\n"
    path = write(tmp_path / "e" / "a.txt", text.encode(encoding))
    article = load_one(settings, path)
    assert paragraphs(article) == [ACCENTED, FLOOD_2]
    assert article.outlet == "Zürcher Blatt"


def test_ingest_decodes_utf16_json(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "e" / "a.json", json.dumps({"text": ACCENTED, "outlet": "Blatt"}, ensure_ascii=False).encode("utf-16"))
    assert paragraphs(load_one(settings, path)) == [ACCENTED]


def test_ingest_decodes_latin1(settings: Settings, tmp_path: Path) -> None:
    text = ("Residents of São Tomé and the Zürich suburb of Höngg described a façade collapsing onto "
            "the street, the fire brigade’s spokesman said on Sunday evening.").replace("’", "'")
    # a stray C1 byte that cp1252 cannot decode forces the latin-1 fallback
    raw = text.encode("latin-1").replace(b"spokesman", b"spokes\x81man")
    path = write(tmp_path / "e" / "a.txt", raw + b"\n\n" + FLOOD_2.encode("latin-1"))
    article = load_one(settings, path)
    assert paragraphs(article) == [text, FLOOD_2]


def test_ingest_nul_bytes_inside_text_are_dropped(settings: Settings, tmp_path: Path) -> None:
    raw = FLOOD.encode("utf-8").replace(b"Floodwater", b"Flood\x00water").replace(b"crews", b"crews\x00")
    path = write(tmp_path / "e" / "a.txt", raw)
    article = load_one(settings, path)
    assert "\x00" not in article.text
    assert paragraphs(article) == [FLOOD_1, FLOOD_2, FLOOD_3]


def test_ingest_normalises_line_ends_and_spaces(settings: Settings, tmp_path: Path) -> None:
    raw = (FLOOD_1.replace("Hollin Bridge", "Hollin\u00a0Bridge") + "\r\n\r\n" + FLOOD_2 + "\r" + FLOOD_3 + "\r\n")
    article = load_one(settings, write(tmp_path / "e" / "a.txt", raw))
    assert paragraphs(article) == [FLOOD_1, FLOOD_2, FLOOD_3]


def test_ingest_decode_bytes_falls_back_in_order() -> None:
    assert ingest.decode_bytes("café".encode("utf-8")) == "café"
    assert ingest.decode_bytes(b"\xef\xbb\xbfcaf\xc3\xa9") == "café"
    assert ingest.decode_bytes("“café”".encode("cp1252")) == "“café”"
    assert ingest.decode_bytes(b"caf\xe9 \x81") == "café \x81"
    assert ingest.decode_bytes(b"\xfe\xff" + "café".encode("utf-16-be")) == "café"
    with pytest.raises(ValueError, match="binary"):
        ingest.decode_bytes(_binary_executable())


def test_ingest_other_languages_are_reported_not_compared(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "night"
    write(folder / "fr.txt", "Le ministère de l'Intérieur a annoncé samedi soir que le bilan du séisme s'élevait "
                            "désormais à 2 012 morts et 2 059 blessés, dont beaucoup dans un état grave, selon les "
                            "autorités locales de la province.")
    write_json(folder / "es.json", {"language": "es", "text": FLOOD})
    write(folder / "en.txt", FLOOD)
    articles, failures = load(settings, folder)
    assert [Path(a.path).name for a in articles] == ["en.txt"]
    reasons = {Path(f.path).name: f.error for f in failures}
    assert "English" in reasons["fr.txt"] and "'es'" in reasons["es.json"]
