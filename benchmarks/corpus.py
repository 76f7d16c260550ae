"""A large, realistic benchmark corpus, deterministic by seed.

    python benchmarks/corpus.py OUT_DIR --articles 2000 --events 120 [--seed 7] [--flat]

Articles are recombined from seed-style sentence templates of our own, with varied figures,
sources, outlets, places and dates, so that events carry agreements and disagreements like
real coverage: sources that differ, tolls that rise, outlets that round or misprint.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

OUTLETS = ["Northern Wire Service", "The Daily Bulletin", "Kyiv Sentinel", "RusState News", "The Morning Blast",
           "KNB Korea Broadcasting", "The Harbour Times", "The Capitol Ledger", "Maghreb Daily Post",
           "The Continental Review", "Meridian Wire", "Evening Dispatch", "Coastline Gazette", "Radio Nordhaven"]
PLACES = ["Ardel", "Velmora", "Kessin", "Brask", "Tarsk", "Dunmore", "Harwick", "Orrington", "Sarvenna",
          "Tessaly", "Dravetz", "Nordline", "Torvik", "Amizmiz", "Ighil", "Korvel", "Alvara", "Marvek"]
SOURCES = ["the interior ministry", "the regional governor", "the civil protection agency", "police",
           "the health ministry", "local officials", "the army", "a government spokesman", "the coastguard"]

THEMES = {
    "flood": [
        "Floodwaters swept through {place} on {day}, killing {deaths} people, {source} said.",
        "At least {injured} people were injured and about {displaced} were moved to shelters, according to {source2}.",
        "{source_cap} said {missing} people were still missing as rescuers searched the riverbanks.",
        "The river rose by {rise} metres overnight, flooding more than {homes} homes.",
        "“We have never seen water like this,” one resident told reporters in {place}.",
    ],
    "quake": [
        "A magnitude {mag} earthquake struck near {place} late on {day}, {source} said.",
        "The death toll rose to {deaths} on {day2}, with {injured} people injured, according to {source2}.",
        "More than {homes} buildings collapsed in villages around {place}, {source} added.",
        "Rescue teams pulled {rescued} survivors from the rubble, officials said.",
        "“Every hour counts now,” a rescue coordinator in {place} said.",
    ],
    "strike": [
        "About {strikers} rail workers walked out in {place} on {day}, the union said.",
        "The company said only {percent}% of services ran, while {source} put participation at under {percent2}%.",
        "Police arrested {arrested} people after clashes outside the main station, {source} said.",
        "The dispute is over a pay offer of {pay}%, which the union rejected.",
        "“We will not accept this offer,” the union leader told a rally in {place}.",
    ],
    "attack": [
        "Russian forces fired {missiles} missiles and more than {drones} drones at {place} overnight, the air force said.",
        "The strike killed {deaths} people and injured {injured}, {source} said on {day}.",
        "More than {homes} residential buildings were damaged, according to {source2}.",
        "Air defences shot down {downed} of the drones, the military said.",
        "“This was a deliberate attack on civilians,” the mayor of {place} said.",
    ],
}


def _event(rng: random.Random, index: int, start: datetime) -> dict:
    theme = rng.choice(sorted(THEMES))
    base = {
        "deaths": rng.randint(5, 3000), "injured": rng.randint(10, 6000), "displaced": rng.randint(500, 50000),
        "missing": rng.randint(2, 200), "rise": rng.randint(2, 6), "homes": rng.randint(20, 5000),
        "mag": round(rng.uniform(5.0, 7.5), 1), "rescued": rng.randint(5, 400), "strikers": rng.randint(1000, 40000),
        "percent": rng.randint(10, 60), "percent2": rng.randint(20, 80), "arrested": rng.randint(5, 300),
        "pay": round(rng.uniform(2, 8), 1), "missiles": rng.randint(2, 40), "drones": rng.randint(20, 200),
        "downed": rng.randint(10, 150),
    }
    return {"id": f"event-{index:04d}", "theme": theme, "place": rng.choice(PLACES),
            "date": start + timedelta(days=rng.randint(0, 300)), "figures": base}


def _article(rng: random.Random, event: dict, number: int) -> dict:
    figures = dict(event["figures"])
    published = event["date"] + timedelta(hours=rng.randint(1, 96))
    # later articles carry higher tolls; some outlets round, a few misprint
    hours = (published - event["date"]).total_seconds() / 3600
    for key in ("deaths", "injured"):
        figures[key] = int(figures[key] * (1 + hours / 96))
        if rng.random() < 0.1:
            figures[key] *= 10
    sources = rng.sample(SOURCES, 2)
    day = event["date"].strftime("%A")
    values = {**figures, "place": event["place"], "source": sources[0], "source2": sources[1],
              "source_cap": sources[0][:1].upper() + sources[0][1:], "day": day,
              "day2": (event["date"] + timedelta(days=1)).strftime("%A")}
    for key, value in list(values.items()):
        if isinstance(value, int) and value >= 1000:
            values[key] = f"{value:,}"
    templates = THEMES[event["theme"]]
    paragraphs = [t.format(**values) for t in rng.sample(templates, k=rng.randint(3, len(templates)))]
    extra = rng.choice(templates).format(**values)
    paragraphs.append(extra)
    outlet = rng.choice(OUTLETS)
    return {"outlet": outlet, "url": f"https://{outlet.lower().replace(' ', '')}.example/{event['id']}/{number}",
            "title": paragraphs[0].split(",")[0], "published": published.isoformat() + "+00:00",
            "text": "\n\n".join(paragraphs)}


def generate(out: Path, *, articles: int, events: int, seed: int = 7, flat: bool = False) -> list[Path]:
    """Write the corpus to `out` (a folder per event, or one flat folder) and list its files."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 6, 0)
    evs = [_event(rng, i, start) for i in range(events)]
    paths = []
    for n in range(articles):
        event = evs[n % events]
        folder = out if flat else out / event["id"]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{event['id']}-{n:06d}.json"
        path.write_text(json.dumps(_article(rng, event, n)), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--events", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--flat", action="store_true", help="one folder (a nightly dump) instead of a folder per event")
    args = parser.parse_args()
    paths = generate(args.out, articles=args.articles, events=args.events, seed=args.seed, flat=args.flat)
    print(f"wrote {len(paths)} articles over {args.events} events to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
