"""Make the shipped example event: a one-day SIG partnering day on biomaterials in Stuttgart.

    python inputs/make_example_event.py [OUT.xlsx]     (default: inputs/example_event.xlsx)

Everything is invented (people, organisations, e-mail domains under `.example`) and drawn
from a fixed seed, so the same workbook comes out on every run. The fixed data tables come
first; the functions below only combine them.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout

from scheduler.registration.write import write_registration  # noqa: E402

SEED = 20270316
DEFAULT_OUT = ROOT / "inputs" / "example_event.xlsx"

DAY = dt.date(2027, 3, 16)  # a Tuesday
EVENT = {
    "name": "SIG Multifunctional Biomaterials & Surfaces: Partnering Day 2027",
    "timezone": "Europe/Berlin",
    "venue": "ICS Internationales Congresscenter Stuttgart, Messepiazza 1, 70629 Stuttgart",
    "max_meetings": 10,
    "max_consecutive": 4,
    "mutual_only": "no",
}
# (session id, start, end); every session has 20-minute meetings and 5 minutes to change.
SESSIONS = (
    ("D1-AM", dt.time(9, 30), dt.time(12, 30)),
    ("D1-PM", dt.time(14, 0), dt.time(17, 0)),
)
SLOT_MINUTES, CHANGEOVER_MINUTES = 20, 5
# (room, table ids)
ROOMS = (
    ("Hall C1", tuple(f"T{n:02d}" for n in range(1, 11))),
    ("Hall C2", tuple(f"T{n:02d}" for n in range(11, 20))),
)

# Roles steer who is wanted: buyers (big pharma / medtech) and investors draw many requests,
# exhibitors host at their own stand table, clusters mostly ask rather than get asked.
BUYER, INVESTOR, EXHIBITOR, PLAIN = "buyer", "investor", "exhibitor", ""


@dataclass(frozen=True)
class Org:
    name: str
    domain: str
    country: str
    type: str
    people: int
    role: str = PLAIN

    @property
    def email_domain(self) -> str:
        return f"{self.domain}.example"


FR, DE, UK, NL, BE = "France", "Germany", "United Kingdom", "Netherlands", "Belgium"


ORGS = (
    # France
    Org("Santéris Pharma", "santeris-pharma", FR, "company", 2, BUYER),
    Org("Surfaces Lumière SAS", "surfaces-lumiere", FR, "company", 2),
    Org("Hydrogelis", "hydrogelis", FR, "company", 2),
    Org("Ostéonova Implants", "osteonova", FR, "company", 2, EXHIBITOR),
    Org("Institut des Biomatériaux de Lyon", "ibl-lyon", FR, "research", 2),
    Org("Laboratoire Interfaces Vivantes", "liv-grenoble", FR, "research", 2),
    Org("Pôle BioMatériaux Rhône-Alpes", "pole-biomat", FR, "cluster", 1),
    Org("Capital Santé Partenaires", "capsante", FR, "investor", 1, INVESTOR),
    Org("BioImprim 3D", "bioimprim3d", FR, "company", 2),
    Org("Nacrea Biotech", "nacrea", FR, "company", 1),
    Org("Cicatrix Médical", "cicatrix-medical", FR, "company", 1),
    # Germany
    Org("Rheinmed AG", "rheinmed", DE, "company", 2, BUYER),
    Org("BioCoat Technologies GmbH", "biocoat-tech", DE, "company", 2, EXHIBITOR),
    Org("Institut für Biofunktionale Oberflächen", "ibo-stuttgart", DE, "research", 3),
    Org("Neckar Implantat GmbH", "neckar-implantat", DE, "company", 2),
    Org("PrintTissue GmbH", "printtissue", DE, "company", 1),
    Org("Zellgerüst Biotech GmbH", "zellgeruest", DE, "company", 1),
    Org("Plasmatec Oberflächen GmbH", "plasmatec", DE, "company", 1),
    Org("BioMaterialien-Netzwerk Baden-Württemberg", "biomat-bw", DE, "cluster", 2),
    Org("Hanseatic Life Science Ventures", "hls-ventures", DE, "investor", 1, INVESTOR),
    Org("Zentrum für Regenerative Medizin Tübingen", "zrm-tuebingen", DE, "research", 2),
    Org("Institut für Polymere Biomaterialien Aachen", "ipba-aachen", DE, "research", 2),
    Org("SilverShield Medical GmbH", "silvershield", DE, "company", 2),
    Org("Hydromatrix GmbH", "hydromatrix", DE, "company", 1),
    Org("DentaSurf GmbH", "dentasurf", DE, "company", 1),
    Org("Collagena GmbH", "collagena", DE, "company", 1),
    Org("MedTech Cluster Donau-Neckar", "medtech-dn", DE, "cluster", 1),
    # United Kingdom (England)
    Org("Thamesgate Orthopaedics plc", "thamesgate-ortho", UK, "company", 2, BUYER),
    Org("Peninsula Biosurfaces Ltd", "peninsula-bio", UK, "company", 1, EXHIBITOR),
    Org("Northern Institute for Regenerative Materials", "nirm", UK, "research", 2),
    Org("GelFab Ltd", "gelfab", UK, "company", 2),
    Org("Midlands MedTech Cluster", "midlands-medtech", UK, "cluster", 1),
    Org("Kestrel Bio Capital", "kestrel-bio", UK, "investor", 1, INVESTOR),
    Org("Pennine Tissue Engineering Ltd", "pennine-te", UK, "company", 1),
    Org("Severn Centre for Antimicrobial Interfaces", "scai", UK, "research", 1),
    Org("Wessex Wound Technologies Ltd", "wessex-wound", UK, "company", 1),
    Org("Calder Bioprinting Ltd", "calder-bio", UK, "company", 1),
    Org("Fenland Polymer Science Ltd", "fenland-polymer", UK, "company", 1),
    # Netherlands
    Org("MedOranje Health BV", "medoranje", NL, "company", 2, BUYER),
    Org("Polderlab Biomaterials BV", "polderlab", NL, "company", 2),
    Org("Coatiq BV", "coatiq", NL, "company", 1),
    Org("Institute for Tissue Interfaces Eindhoven", "itie", NL, "research", 2),
    Org("BioMaterials Delta Cluster", "biomat-delta", NL, "cluster", 1),
    Org("Zuiderzee Scaffolds BV", "zuiderzee-scaffolds", NL, "company", 1),
    Org("Limburg Regenerative Materials Institute", "lrmi", NL, "research", 1),
    Org("Bloeiprint BV", "bloeiprint", NL, "company", 1),
    Org("Delft Hydrogel Engineering BV", "delft-hydrogel", NL, "company", 1),
    # Belgium
    Org("Scheldt Surface Science NV", "scheldt-surface", BE, "company", 1, EXHIBITOR),
    Org("Institut Wallon des Biomatériaux", "iwb", BE, "research", 2),
    Org("BioWal Cluster", "biowal", BE, "cluster", 1),
    Org("Meuse Orthobiologics SA", "meuse-ortho", BE, "company", 1),
    Org("Brabant BioVentures", "brabant-bioventures", BE, "investor", 1, INVESTOR),
    Org("Vlaams Centrum voor Weefseltechnologie", "vcwt", BE, "research", 2),
    Org("Ardennes Hydrogels SA", "ardennes-hydrogels", BE, "company", 1),
    Org("NanoSurf Leuven NV", "nanosurf-leuven", BE, "company", 2),
    Org("Gentse Biomaterialen NV", "gentse-biomat", BE, "company", 1),
)

FIRST_NAMES = {
    "France": "Camille Julien Claire Thomas Élodie Nicolas Sophie Mathieu Aurélie Pierre "
    "Hélène Antoine Margaux Guillaume Léa Olivier Chloé Baptiste Manon François",
    "Germany": "Anna Jonas Katharina Lukas Julia Felix Miriam Tobias Sabine Matthias Lena "
    "Stefan Johanna Florian Annika Jürgen Clara Moritz Ute Sebastian Petra Andreas",
    "United Kingdom": "Emma James Olivia Thomas Hannah Oliver Charlotte Daniel Sarah William "
    "Rebecca George Lucy Matthew Eleanor Samuel Grace Robert",
    "Netherlands": "Sanne Daan Fleur Bram Lotte Joris Anouk Pieter Femke Sven Eva Maarten Iris "
    "Ruben Marieke",
    "Belgium": "Lien Wout Marie Arnaud Elke Pieter-Jan Charlotte Maxime Sofie Thibault Nathalie "
    "Koen Amélie Jens",
}
LAST_NAMES = {
    "France": "Martin Dubois Lefèvre Moreau Laurent Girard Fontaine Rousseau Blanchard Chevalier "
    "Garnier Faure Mercier Bonnet Lambert Perrin Marchand Roux",
    "Germany": "Müller Schneider Fischer Weber Wagner Becker Hoffmann Schäfer Koch Richter Klein "
    "Wolf Schröder Neumann Braun Zimmermann Krüger Hartmann Lange Vogel Keller Böhm",
    "United Kingdom": "Smith Jones Taylor Brown Wilson Evans Thompson Walker Wright Robinson "
    "Hughes Edwards Green Hall Clarke Turner Ashworth Pemberton",
    "Netherlands": "de Vries|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|Dekker|"
    "van Dijk|Jansen|Hendriks|Vos|Kuipers",
    "Belgium": "Peeters|Janssens|Maes|Dubois|Lambert|De Smet|Wouters|Claes|Goossens|Lemaire|"
    "Dumont|Vermeulen|Willems|Renard",
}

# fmt: off
PANELS = (
    # id, title, room, capacity, minutes, moderator's organisation, fixed start, sessions
    ("P1", "Antimicrobial surfaces: from the lab bench to the hospital ward", "Room C6.1", 10, 60,
     "Severn Centre for Antimicrobial Interfaces", dt.time(11, 10), None),
    ("P2", "Hydrogels and bioinks for bioprinting", "Room C6.2", 12, 45,
     "Institute for Tissue Interfaces Eindhoven", None, "D1-AM, D1-PM"),
    ("P3", "MDR pathways for coated and combination implants", "Room C6.3", 8, 60,
     "Institut für Biofunktionale Oberflächen", None, "D1-PM"),
    ("P4", "Funding biomaterials start-ups in Europe", "Room C6.4", 10, 45,
     "BioMaterialien-Netzwerk Baden-Württemberg", None, "D1-PM"),
)
# fmt: on
PANEL_POPULARITY = (3, 4, 2, 3)  # P1..P4: how often each is chosen
PANEL_CHOOSERS = 40

# Who gets which special condition, by organisation (its first or second person).
CANCELLED = ("Fenland Polymer Science Ltd", 0)
MIN_MEETINGS = ((("Hydrogelis", 0), 6), (("PrintTissue GmbH", 0), 6))  # paid packages
MAX_MEETINGS = ((("Thamesgate Orthopaedics plc", 1), 6),)
PIN = (("Rheinmed AG", 0), ("Zellgerüst Biotech GmbH", 0), dt.time(9, 30), "T10")
# (person, session they attend); everybody else is there all day.
PART_DAY = (
    (("Kestrel Bio Capital", 0), "D1-AM"),  # an investor who leaves at lunch
    (("Coatiq BV", 0), "D1-AM"),
    (("Nacrea Biotech", 0), "D1-AM"),
    (("Cicatrix Médical", 0), "D1-PM"),
    (("Neckar Implantat GmbH", 1), "D1-PM"),
    (("Gentse Biomaterialen NV", 0), "D1-PM"),
)
# (person, from, to): a call, a site visit, an early train.
UNAVAILABLE = (
    (("Surfaces Lumière SAS", 0), dt.time(10, 20), dt.time(10, 50)),
    (("Zentrum für Regenerative Medizin Tübingen", 0), dt.time(15, 0), dt.time(15, 30)),
    (("MedOranje Health BV", 0), dt.time(16, 15), dt.time(17, 0)),
)
# (requester, requested, sessions): "let's talk after the panel" kind of wishes.
SESSION_RESTRICTED = (
    (("GelFab Ltd", 0), ("Institut des Biomatériaux de Lyon", 0), "D1-PM"),
    (("Plasmatec Oberflächen GmbH", 0), ("Polderlab Biomaterials BV", 0), "D1-AM"),
)

# How many requests each kind of attendee makes, and how strongly each kind is wanted.
REQUESTS_MADE = {BUYER: (2, 5), INVESTOR: (3, 6), "cluster": (6, 10), "default": (4, 8)}
WANTED = {BUYER: 14.0, INVESTOR: 8.0, EXHIBITOR: 3.0, "cluster": 0.5, "default": 1.0}
PRIORITY_WEIGHTS = (1, 2, 4, 4, 1)  # priorities 1..5, skewed towards 3-4
RECIPROCATE = 0.07  # chance the requested side asks back


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    org: Org
    email: str
    sessions: tuple[str, ...]

    @property
    def role(self) -> str:
        return self.org.role


# (organisation name, k) -> its k-th person: how the data tables above name people.
ByOrg = dict[tuple[str, int], Person]


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == "-")


def split_names(country: str) -> tuple[list[str], list[str]]:
    last = LAST_NAMES[country]
    return FIRST_NAMES[country].split(), (last.split("|") if "|" in last else last.split())


def make_people(rng: random.Random) -> tuple[list[Person], ByOrg]:
    """Invent every attendee; ids follow a shuffled registration order."""
    taken: list[str] = []
    drafts: list[tuple[Org, int, str]] = []
    for org in ORGS:
        firsts, lasts = split_names(org.country)
        for k in range(org.people):
            while True:
                name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
                if name not in taken:
                    break
            taken.append(name)
            drafts.append((org, k, name))
    rng.shuffle(drafts)
    part_day = {who: session for who, session in PART_DAY}
    all_day = tuple(s for s, _, _ in SESSIONS)
    people, by_org = [], {}
    for n, (org, k, name) in enumerate(drafts, start=1):
        first, _, last = name.partition(" ")
        email = f"{ascii_slug(first)}.{ascii_slug(last.replace(' ', ''))}@{org.email_domain}"
        sessions = (part_day[(org.name, k)],) if (org.name, k) in part_day else all_day
        person = Person(f"A-{n:03d}", name, org, email, sessions)
        people.append(person)
        by_org[(org.name, k)] = person
    return people, by_org


def kind(person: Person) -> str:
    if person.role in (BUYER, INVESTOR, EXHIBITOR):
        return person.role
    return "cluster" if person.org.type == "cluster" else "default"


def weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    chosen: list = []
    k = min(k, len(items))
    while len(chosen) < k:
        pick = rng.choices(items, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def answer(rng: random.Random, requested: Person) -> str:
    """The requested side's answer; busy buyers decline more often."""
    declined = 0.12 if requested.role == BUYER else 0.05
    return rng.choices(
        ["accepted", "declined", "pending", None], [0.3, declined, 0.15, 0.55 - declined]
    )[0]


def make_requests(rng: random.Random, people: list[Person], by_org: ByOrg) -> list[dict]:
    """Requests: skewed towards buyers and investors, mostly priority 3-4, a few asked back."""
    pinned = (by_org[PIN[0]].id, by_org[PIN[1]].id)
    fixed = {(by_org[a].id, by_org[b].id): s for a, b, s in SESSION_RESTRICTED}
    eager = [by_org[who].id for who, _ in MIN_MEETINGS]  # paid packages ask for plenty
    rows: dict[tuple[str, str], dict] = {}
    rows[pinned] = {"from": pinned[0], "to": pinned[1], "priority": 5, "status": "accepted"}
    for source in people:
        others = [
            p for p in people if p.org != source.org and set(p.sessions) & set(source.sessions)
        ]
        weights = [WANTED[kind(p)] for p in others]
        low, high = REQUESTS_MADE.get(kind(source), REQUESTS_MADE["default"])
        count = 10 if source.id in eager else rng.randint(low, high)
        for target in weighted_sample(rng, others, weights, count):
            key = (source.id, target.id)
            if key in rows or (target.id, source.id) in rows:
                continue
            wants = [0, 1, 3, 4, 2] if target.role == BUYER else PRIORITY_WEIGHTS
            rows[key] = {
                "from": source.id,
                "to": target.id,
                "priority": rng.choices([1, 2, 3, 4, 5], wants)[0],
                "status": answer(rng, target),
            }
            if source.id in eager and rows[key]["status"] == "declined":
                rows[key]["status"] = "accepted"  # organisers chase answers for paid packages
            if rng.random() < RECIPROCATE:
                rows[key]["status"] = rng.choice(["accepted", None])
                rows[(target.id, source.id)] = {
                    "from": target.id,
                    "to": source.id,
                    "priority": rng.choices([1, 2, 3, 4, 5], PRIORITY_WEIGHTS)[0],
                    "status": rng.choice(["accepted", None]),
                }
    for key, sessions in fixed.items():
        rows.pop((key[1], key[0]), None)
        rows[key] = {
            "from": key[0],
            "to": key[1],
            "priority": 4,
            "status": "accepted",
            "sessions": sessions,
        }
    order = {p.id: n for n, p in enumerate(people)}
    ordered = sorted(rows.values(), key=lambda r: (order[r["from"]], order[r["to"]]))
    return [{"sessions": None, **r} for r in ordered]


def make_panels(
    rng: random.Random, people: list[Person], by_org: ByOrg
) -> tuple[list[dict], list[dict]]:
    panels, moderators = [], []
    for pid, title, room, capacity, minutes, moderator_org, start, sessions in PANELS:
        moderator = by_org[(moderator_org, 0)].id
        moderators.append(moderator)
        panels.append(
            {
                "panel": pid,
                "title": title,
                "room": room,
                "capacity": capacity,
                "minutes": minutes,
                "moderator": moderator,
                "date": DAY if start else None,
                "start": start,
                "sessions": sessions,
            }
        )
    cancelled = by_org[CANCELLED].id
    free = [p for p in people if p.id not in moderators and p.id != cancelled]
    choosers = sorted(rng.sample(free, PANEL_CHOOSERS), key=lambda p: p.id)
    choices = []
    for person in choosers:
        open_panels = [
            (row["panel"], weight)
            for row, weight in zip(panels, PANEL_POPULARITY, strict=True)
            if panel_sessions(row) & set(person.sessions)
        ]
        ids = [pid for pid, _ in open_panels]
        picks = weighted_sample(
            rng, ids, [w for _, w in open_panels], 2 if rng.random() < 0.3 else 1
        )
        for pid in sorted(picks):
            priority = rng.choices([1, 2, 3, 4, 5], [0, 1, 3, 4, 2])[0]
            choices.append({"attendee": person.id, "panel": pid, "priority": priority})
    return panels, choices


def panel_sessions(row: dict) -> set[str]:
    if row["start"] is not None:
        return {s for s, start, end in SESSIONS if start <= row["start"] < end}
    return {s.strip() for s in row["sessions"].split(",")}


def attendee_rows(people: list[Person], by_org: ByOrg) -> list[dict]:
    # The first person of each exhibiting organisation hosts at its stand table.
    exhibitors = [by_org[(org.name, 0)].id for org in ORGS if org.role == EXHIBITOR]
    tables = [t for _, room_tables in ROOMS for t in room_tables]
    host_table = dict(zip(exhibitors, tables, strict=False))
    minimum = {by_org[who].id: n for who, n in MIN_MEETINGS}
    maximum = {by_org[who].id: n for who, n in MAX_MEETINGS}
    all_day = tuple(s for s, _, _ in SESSIONS)
    rows = []
    for p in people:
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "organisation": p.org.name,
                "email": p.email,
                "country": p.org.country,
                "type": p.org.type,
                "sessions": None if p.sessions == all_day else ", ".join(p.sessions),
                "max_meetings": maximum.get(p.id),
                "min_meetings": minimum.get(p.id),
                "host_table": host_table.get(p.id),
                "status": "cancelled" if p.id == by_org[CANCELLED].id else None,
            }
        )
    return rows


def build_sheets(seed: int = SEED) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    people, by_org = make_people(rng)
    requests = make_requests(rng, people, by_org)
    panels, choices = make_panels(rng, people, by_org)
    a, b, start, table = PIN
    return {
        "Event": [{"key": k, "value": v} for k, v in EVENT.items()],
        "Sessions": [
            {
                "session": sid,
                "date": DAY,
                "start": start,
                "end": end,
                "slot_minutes": SLOT_MINUTES,
                "changeover_minutes": CHANGEOVER_MINUTES,
            }
            for sid, start, end in SESSIONS
        ],
        "Attendees": attendee_rows(people, by_org),
        "Unavailable": [
            {"attendee": by_org[who].id, "date": DAY, "from": since, "to": until}
            for who, since, until in UNAVAILABLE
        ],
        "Requests": requests,
        "Tables": [
            {"table": t, "room": room, "sessions": None} for room, tables in ROOMS for t in tables
        ],
        "Panels": panels,
        "PanelChoices": choices,
        "Pinned": [
            {"a": by_org[a].id, "b": by_org[b].id, "date": DAY, "start": start, "table": table}
        ],
    }


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    sheets = build_sheets()
    write_registration(out, sheets)
    print(
        f"Wrote {out}: {len(sheets['Attendees'])} attendees, {len(sheets['Requests'])} requests, "
        f"{len(sheets['Tables'])} tables, {len(sheets['Panels'])} panels"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
