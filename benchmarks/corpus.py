"""A large, realistic benchmark corpus, deterministic by seed.

    python benchmarks/corpus.py OUT_DIR --articles 2000 --events 120 [--seed 7] [--flat]

Articles are recombined from seed-style paragraph templates of our own, with varied figures,
sources, outlets, places and dates, so that events carry agreements and disagreements like
real coverage. Like the seed articles they run to roughly 400-550 words: a lead with the
main figure, further figures with their sources, background paragraphs without claims,
quotes and reactions. Figures behave as they do in real reporting: each source announces a
toll a few times as it rises, an article quotes the latest announcement before it was
published, a second source sometimes gives its own count, some outlets round ("more than
2,000") and a few misprint a figure.
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
# outlets that hedge or load their wording, as some real outlets do
STYLE = {"RusState News": ("claimed", "allegedly "), "The Morning Blast": ("admitted", ""),
         "Kyiv Sentinel": ("said", "")}

# Each theme: lead paragraphs (one is used), figure paragraphs, background without claims,
# quotes and reactions. {verb} is the outlet's reporting verb, {hedge} its hedge.
THEMES: dict[str, dict[str, list[str]]] = {
    "flood": {
        "lead": [
            "Floodwaters swept through {place} on {day}, killing {deaths} people and cutting off dozens of "
            "villages along the river, {source} {verb}, as rescue crews in boats worked through the night.",
            "At least {deaths} people have died after days of heavy rain turned the streets of {place} into "
            "rivers, {source} {verb} on {day}, warning that the toll could rise as the water recedes.",
        ],
        "figures": [
            "At least {injured} people were injured and about {displaced} were moved to shelters in schools "
            "and sports halls, according to {source2}.",
            "{source_cap} said {missing} people were still missing as rescuers searched the riverbanks "
            "downstream of the town.",
            "The river rose by {rise} metres overnight, flooding more than {homes} homes in the lower town "
            "and washing away two bridges.",
            "Emergency services said they had answered {calls} calls for help since the water began to rise.",
        ],
        "background": [
            "The valley has flooded before, but residents said they could not remember the river rising so "
            "quickly. Older houses near the banks were built of stone and mud brick, and many of them gave way "
            "within hours once the water reached their foundations.",
            "Meteorologists had warned of heavy rain for most of the week, and schools across the province "
            "were closed on Monday as a precaution. The warnings were raised to the highest level late on "
            "Tuesday, when the first roads were already under water.",
            "Farmers in the surrounding plain said their fields, planted only weeks ago, were lost. Many of "
            "them had borrowed money for seed and fertiliser and now face a season without a harvest, local "
            "traders said.",
            "The national weather service said the region had received more rain in three days than it "
            "usually does in a month, and that the ground, already soaked by storms in the spring, could not "
            "absorb any more water.",
            "Volunteers from nearby towns arrived with tractors, pumps and food, and churches and mosques "
            "opened their doors to families who had fled with little more than the clothes they wore.",
            "Critics have long argued that building on the flood plain was allowed to continue despite "
            "repeated warnings from engineers, and opposition politicians called for an inquiry into how "
            "permits had been granted over the past decade.",
            "Electricity and mobile networks were cut across much of the valley, making it hard for relatives "
            "abroad to reach family members, and officials asked residents to keep lines free for emergency "
            "calls.",
        ],
        "quotes": [
            "“We have never seen water like this,” one resident told reporters in {place}, standing outside "
            "the remains of her house. “It came through the door in minutes and we had nowhere to go.”",
            "“The priority now is to reach the villages that are still cut off,” the head of the rescue "
            "operation said at a briefing on {day2}.",
        ],
        "reaction": [
            "Neighbouring countries offered helicopters and rescue teams, and the European Union said it was "
            "ready to send emergency funds once the government had assessed the damage.",
            "The prime minister, who visited {place} on {day2}, promised compensation for families who lost "
            "their homes and said the government would review its flood defences.",
        ],
    },
    "quake": {
        "lead": [
            "A magnitude {mag} earthquake struck near {place} late on {day}, killing {deaths} people and "
            "flattening houses in mountain villages, {source} {verb}.",
            "The death toll from the earthquake that hit the mountains near {place} rose to {deaths} on "
            "{day2}, {source} {verb}, as rescuers dug through the rubble by hand.",
        ],
        "figures": [
            "A further {injured} people were injured, many of them seriously, according to {source2}.",
            "More than {homes} buildings collapsed in villages around {place}, {source} added.",
            "Rescue teams pulled {rescued} survivors from the rubble, officials said.",
            "About {displaced} people spent the night outdoors, fearing aftershocks, according to {source2}.",
        ],
        "background": [
            "The epicentre lay in a remote stretch of the mountains, where villages are reached by narrow "
            "roads that were blocked by rockfalls within minutes of the first shock. Many houses there are "
            "built of stone and timber and collapsed entirely.",
            "Hospitals in the regional capital called for blood donors, and long queues formed outside "
            "clinics through the night. Doctors said they were treating crush injuries and fractures from "
            "the outlying villages.",
            "Seismologists said the quake was the strongest to hit the region in more than a century, and "
            "that aftershocks were likely to continue for weeks. Several were felt in the hours after the "
            "main shock, sending residents back into the streets.",
            "Old quarters of the nearest city were also damaged, with cracks in the walls of historic "
            "buildings and minarets, and the authorities closed several streets to traffic while engineers "
            "inspected them.",
            "Aid groups warned that the coming weeks would be hard for families who had lost their homes, "
            "with cold nights in the mountains and little shelter available in the most remote valleys.",
            "Army helicopters ferried supplies to villages that could not be reached by road, and soldiers "
            "set up field kitchens and tents in the larger squares.",
            "The government declared three days of national mourning, and flags flew at half mast on public "
            "buildings across the country.",
        ],
        "quotes": [
            "“Every hour counts now,” a rescue coordinator in {place} said. “There are still people under "
            "these houses and we are working as fast as we can.”",
            "“We lost everything in a few seconds,” said a farmer whose house collapsed. “My neighbours are "
            "still missing.”",
        ],
        "reaction": [
            "Several countries offered search and rescue teams, though the government said it would accept "
            "help only from a small number of them to avoid a lack of coordination on the ground.",
            "The king, who chaired an emergency meeting on {day2}, ordered the army to help rebuild homes and "
            "to provide shelter, food and water to survivors.",
        ],
    },
    "strike": {
        "lead": [
            "About {strikers} rail workers walked out in {place} on {day}, bringing much of the network to a "
            "halt, the union {verb}, in the biggest stoppage in the sector for years.",
            "Trains across the region stood still on {day} as {strikers} workers joined a strike over pay, "
            "the union {verb}, leaving commuters in {place} to find other ways to work.",
        ],
        "figures": [
            "The company said only {percent}% of services ran, while {source} put participation at under "
            "{percent2}%.",
            "Police arrested {arrested} people after clashes outside the main station, {source} said.",
            "The dispute is over a pay offer of {pay}%, which the union rejected.",
            "The operator said the strike would cost it about {cost} million euros a day.",
        ],
        "background": [
            "Rail workers have staged several walkouts over the past year, arguing that their wages have "
            "fallen behind prices. The company says it cannot afford a larger rise without cutting services "
            "or raising fares.",
            "Talks between the two sides broke down last week after a marathon session at the labour "
            "ministry, with each side blaming the other for the failure to reach a deal.",
            "Commuters crowded onto buses and trams, and traffic on the main roads into the city was heavy "
            "from early morning. Some employers told staff to work from home.",
            "Business groups warned that repeated strikes were hurting the economy, while some passengers "
            "said they supported the workers despite the disruption to their journeys.",
            "The government has so far refused to intervene directly, saying the dispute is a matter for the "
            "company and the unions, although ministers have urged both sides to return to talks.",
            "Freight services were also affected, with some factories warning that deliveries of parts and "
            "raw materials could be delayed if the stoppage continues into next week.",
        ],
        "quotes": [
            "“We will not accept this offer,” the union leader told a rally in {place}. “Our members have "
            "waited long enough.”",
            "“We remain open to talks, but the offer on the table is fair,” a company spokeswoman said.",
        ],
        "reaction": [
            "Opposition parties accused the government of letting the dispute drag on, while ministers "
            "accused the union of holding passengers to ransom.",
            "The union said further walkouts would follow next month unless the company improved its offer.",
        ],
    },
    "attack": {
        "lead": [
            "Russian forces fired {missiles} missiles and more than {drones} drones at {place} overnight, "
            "{hedge}killing {deaths} people, the air force {verb}.",
            "A wave of missile and drone strikes hit {place} before dawn on {day}, killing {deaths} people "
            "and damaging homes and power lines, {source} {verb}.",
        ],
        "figures": [
            "The strike injured {injured} people, {source} said on {day}.",
            "More than {homes} residential buildings were damaged, according to {source2}.",
            "Air defences shot down {downed} of the drones, the military said.",
            "About {outages} households were left without power, the energy ministry said.",
        ],
        "background": [
            "The city has been hit repeatedly since the start of the full-scale invasion, and residents have "
            "grown used to nights in shelters and metro stations when the sirens sound.",
            "Emergency workers searched the ruins of an apartment block for survivors, while volunteers "
            "handed out tea and blankets to residents who had spent the night outside.",
            "Energy infrastructure has been a frequent target, and engineers said repairs to the damaged "
            "substations could take several days, with rolling blackouts likely in the meantime.",
            "Officials urged western allies to send more air defence systems, saying the number of drones "
            "launched each night had grown sharply over the summer.",
            "Schools in the city switched to online lessons for the rest of the week, and the local "
            "authorities opened heating points where residents could charge phones and get warm.",
            "Moscow did not comment on the strikes, but its defence ministry said its forces had hit "
            "military and energy targets across the country overnight.",
        ],
        "quotes": [
            "“This was a deliberate attack on civilians,” the mayor of {place} said. “There were no military "
            "targets in this neighbourhood.”",
            "“We heard the explosion and the windows fell in,” said a woman who lives opposite the damaged "
            "building.",
        ],
        "reaction": [
            "The president condemned the attack and called again for more air defence, saying partners must "
            "act faster.",
            "The foreign ministry said the strikes showed that Moscow had no interest in peace and urged "
            "allies to tighten sanctions.",
        ],
    },
}

# background sentences any story can carry; articles draw a few, so two outlets' stories
# share some wording but, unlike wire copies, not most of it
GENERAL = [
    "Officials in {place} said the full extent of the damage would not be known for several days.",
    "The regional authorities set up a crisis centre in the town hall on {day}.",
    "Journalists were allowed into the worst-hit districts only on {day2}, escorted by police.",
    "Local radio stations broadcast lists of shelters and hospitals through the night.",
    "Several roads into {place} remained closed, and officials asked drivers to avoid the area.",
    "Residents complained that information from the authorities had been slow and contradictory.",
    "The interior minister travelled to the region and met local officials behind closed doors.",
    "Television pictures showed crowds gathered outside the main hospital waiting for news.",
    "Schools and public offices in {place} were closed until further notice.",
    "Opposition leaders said the government had been too slow to react, a charge ministers rejected.",
    "Charities launched appeals for donations, saying the needs were greater than first thought.",
    "Shops in the centre of {place} stayed shut, and queues formed at the few bakeries that opened.",
    "The prime minister's office said an emergency cabinet meeting would be held on {day2}.",
    "Foreign embassies advised their citizens to follow the instructions of the local authorities.",
    "Insurers said it was too early to estimate the cost of the damage.",
    "Local businesses said they expected the disruption to last for weeks.",
    "Officials appealed to the public not to share unverified reports on social media.",
    "Hotels in the area offered free rooms to families who had been forced out of their homes.",
    "The national football league postponed weekend matches as a mark of respect.",
    "Engineers inspected bridges and public buildings for structural damage on {day2}.",
    "A hotline for relatives looking for missing family members received thousands of calls.",
    "The region's governor said the priority was to restore water and electricity supplies.",
    "Religious leaders called for calm and for solidarity with the families of the victims.",
    "Newspapers in the capital devoted their front pages to the events in {place}.",
    "Many residents said they had received no warning before the disaster struck.",
    "Aid convoys were held up for hours at checkpoints on the main road into {place}.",
    "Volunteers set up tents in a park near the town centre to distribute food and water.",
    "The country's president cut short a foreign visit to return home, his office said.",
    "Officials said a full investigation would be carried out once the emergency was over.",
    "Pictures shared online showed cars piled against walls and streets strewn with debris.",
]

# figures that rise as they are announced again, and figures fixed once reported
RISING = ("deaths", "injured", "missing", "displaced", "homes", "rescued", "arrested")


def _event(rng: random.Random, index: int, start: datetime) -> dict:
    theme = rng.choice(sorted(THEMES))
    base = {
        "deaths": rng.randint(5, 3000), "injured": rng.randint(10, 6000), "displaced": rng.randint(500, 50000),
        "missing": rng.randint(2, 200), "rise": rng.randint(2, 6), "homes": rng.randint(20, 5000),
        "mag": round(rng.uniform(5.0, 7.5), 1), "rescued": rng.randint(5, 400), "strikers": rng.randint(1000, 40000),
        "percent": rng.randint(10, 60), "percent2": rng.randint(20, 80), "arrested": rng.randint(5, 300),
        "pay": round(rng.uniform(2, 8), 1), "missiles": rng.randint(2, 40), "drones": rng.randint(20, 200),
        "downed": rng.randint(10, 150), "calls": rng.randint(200, 4000), "cost": rng.randint(2, 40),
        "outages": rng.randint(1000, 90000),
    }
    # each rising figure is announced 1-4 times over four days, always higher than before
    updates = {}
    for key in RISING:
        steps, value, hours = [], base[key], 0
        for _ in range(rng.randint(1, 4)):
            steps.append((hours, value))
            hours += rng.randint(6, 30)
            value = int(value * rng.uniform(1.1, 1.8)) + 1
        updates[key] = steps
    sources = rng.sample(SOURCES, 2)
    # a second source sometimes gives its own count of the dead
    rival = int(base["deaths"] * rng.uniform(1.3, 3.0)) if rng.random() < 0.3 else None
    return {"id": f"event-{index:04d}", "theme": theme, "place": rng.choice(PLACES),
            "date": start + timedelta(days=rng.randint(0, 300)), "figures": base, "updates": updates,
            "sources": sources, "rival": rival}


def _fmt(value: object) -> object:
    return f"{value:,}" if isinstance(value, int) and value >= 1000 else value


def _rounded(value: int) -> str:
    """How an outlet rounds a figure down: 2,347 -> "more than 2,300"."""
    if value < 20:
        return str(value)
    digits = len(str(value)) - 2
    return f"more than {_fmt(value // 10 ** digits * 10 ** digits)}"


def _article(rng: random.Random, event: dict, number: int) -> dict:
    published = event["date"] + timedelta(hours=rng.randint(1, 96))
    hours = (published - event["date"]).total_seconds() / 3600
    figures: dict[str, object] = dict(event["figures"])
    for key, steps in event["updates"].items():
        figures[key] = [v for h, v in steps if h <= hours][-1]  # the latest announcement
    source, source2 = event["sources"]
    if event["rival"] is not None and rng.random() < 0.4:
        source, figures["deaths"] = source2, max(event["rival"], int(figures["deaths"]))  # type: ignore[call-overload]
    if rng.random() < 0.03:
        figures["deaths"] = int(figures["deaths"]) * 10  # type: ignore[call-overload]  # a misprint
    values = {k: _fmt(v) for k, v in figures.items()}
    if rng.random() < 0.15:
        values["deaths"] = _rounded(int(figures["deaths"]))  # type: ignore[call-overload]
    outlet = rng.choice(OUTLETS)
    verb, hedge = STYLE.get(outlet, ("said", ""))
    values.update(place=event["place"], source=source, source2=source2,
                  source_cap=source[:1].upper() + source[1:], day=event["date"].strftime("%A"),
                  day2=(event["date"] + timedelta(days=1)).strftime("%A"), verb=verb, hedge=hedge)
    parts = THEMES[event["theme"]]
    paragraphs = [rng.choice(parts["lead"])]
    paragraphs += rng.sample(parts["figures"], k=rng.randint(2, len(parts["figures"])))
    body = rng.sample(parts["background"], k=rng.randint(2, 4))
    general = rng.sample(GENERAL, k=rng.randint(8, 12))
    body += [" ".join(general[i:i + 2]) for i in range(0, len(general), 2)]
    body += rng.sample(parts["quotes"], k=rng.randint(1, len(parts["quotes"])))
    rng.shuffle(body)
    paragraphs += body + [rng.choice(parts["reaction"])]
    text = "\n\n".join(p.format(**values) for p in paragraphs)
    return {"outlet": outlet, "url": f"https://{outlet.lower().replace(' ', '')}.example/{event['id']}/{number}",
            "title": text.split(",")[0][:120], "published": published.isoformat() + "+00:00", "text": text}


AGENCIES = ("Northern Wire Service", "Meridian Wire")


def _wire_copy(rng: random.Random, story: dict, event: dict, number: int) -> dict:
    """An outlet running an agency story: a paragraph cut, its own reporting verb, later."""
    outlet = rng.choice([o for o in OUTLETS if o not in AGENCIES])
    verb, _ = STYLE.get(outlet, ("said", ""))
    paragraphs = story["text"].split("\n\n")
    del paragraphs[rng.randrange(1, len(paragraphs))]
    text = "\n\n".join(paragraphs).replace(" said", f" {verb}")
    published = datetime.fromisoformat(story["published"]) + timedelta(hours=rng.randint(1, 6))
    return {**story, "outlet": outlet, "text": text, "published": published.isoformat(),
            "url": f"https://{outlet.lower().replace(' ', '')}.example/{event['id']}/{number}"}


def generate(out: Path, *, articles: int, events: int, seed: int = 7, flat: bool = False) -> list[Path]:
    """Write the corpus to `out` (a folder per event, or one flat folder) and list its files."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 6, 0)
    evs = [_event(rng, i, start) for i in range(events)]
    paths = []
    stories: dict[str, list[dict]] = {}  # agency stories per event, which other outlets run
    for n in range(articles):
        event = evs[n % events]
        folder = out if flat else out / event["id"]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{event['id']}-{n:06d}.json"
        wires = stories.get(event["id"], [])
        if wires and rng.random() < 0.12:
            article = _wire_copy(rng, rng.choice(wires), event, n)
        else:
            article = _article(rng, event, n)
            if article["outlet"] in AGENCIES:
                stories.setdefault(event["id"], []).append(article)
        path.write_text(json.dumps(article), encoding="utf-8")
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
