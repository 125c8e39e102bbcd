"""Generate the mock birthday catalog (deterministic, offline).

Writes ``src/tutorial_helpers/catalog/data/catalog.jsonl`` (one ``CatalogItem`` per line, sorted by
id) and, unless ``--no-vectors`` is given, the semantic-search vectors shipped beside it
(``vectors.npy`` + ``vectors.meta.json``).

Run from the repository root::

    .venv/bin/python scripts/generate_catalog.py            # catalog + vectors (~20 s)
    .venv/bin/python scripts/generate_catalog.py --no-vectors

The same seed always gives the same file, byte for byte. Every guarantee of ARCHITECTURE.md [catalog] is
met by construction (a "guaranteed" item is written for each rule, then random variety is added);
``tests/test_catalog.py`` checks them one by one.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tutorial_helpers.domain import (  # noqa: E402
    AGE_BANDS,
    ALLERGENS,
    CITIES,
    DIET_EXCLUDES,
    DIET_TAGS,
    INTERESTS,
    WEEKDAYS,
    CatalogItem,
)

SEED = 20261122
DATA_DIR = ROOT / "src" / "tutorial_helpers" / "catalog" / "data"
CITY_CODES = {"Austin": "aus", "Boston": "bos", "Chicago": "chi", "Denver": "den", "Seattle": "sea",
              "San Francisco": "sfo"}

# ---------------------------------------------------------------------------------------------
# Age bands: where an interest does not make sense for a band (the gift guarantee skips these).
# ---------------------------------------------------------------------------------------------

#: (interest, band) pairs with no gift guarantee, and why.
GIFT_BAND_EXCLUSIONS: dict[tuple[str, str], str] = {}
for _band in ("0-2", "3-5", "6-9", "10-12", "13-17"):
    GIFT_BAND_EXCLUSIONS[("wine", _band)] = "alcohol: adults 21+ only"
for _band in ("0-2", "3-5", "6-9", "10-12"):
    GIFT_BAND_EXCLUSIONS[("coffee", _band)] = "caffeine is not for children"
for _interest in ("coding", "robotics", "video games", "board games", "photography", "yoga", "crafts", "science",
                  "theater", "movies", "fashion", "hiking", "camping", "cycling", "gardening", "cooking", "baking"):
    GIFT_BAND_EXCLUSIONS[(_interest, "0-2")] = "a baby (0-2) cannot take part in it yet"
#: the youngest age any item of the interest may be sold to (wine: 21+, so its 18-64 band is checked as 21-64)
INTEREST_MIN_AGE: dict[str, int] = {"wine": 21, "coffee": 13}


def gift_bands(interest: str) -> list[tuple[str, int, int]]:
    """Age bands (label, lo, hi) with a gift guarantee for ``interest``, clipped to its minimum age."""
    out = []
    for label, lo, hi in AGE_BANDS:
        if (interest, label) in GIFT_BAND_EXCLUSIONS:
            continue
        out.append((label, max(lo, INTEREST_MIN_AGE.get(interest, 0)), hi))
    return out


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

#: interest -> (theme word for names, words for descriptions/tags, related interest or None)
THEMES: dict[str, tuple[str, list[str], str | None]] = {
    "dinosaurs": ("Dinosaur", ["dinosaur", "T-rex", "fossil", "prehistoric", "jurassic"], "science"),
    "space": ("Space", ["space", "planets", "rocket", "stars", "astronomy", "galaxy"], "science"),
    "painting": ("Watercolor", ["painting", "paint", "brushes", "canvas", "colors", "art"], "drawing"),
    "drawing": ("Sketch", ["drawing", "sketching", "pencils", "markers", "doodles", "art"], "painting"),
    "crafts": ("Craft", ["crafts", "DIY", "beads", "glue", "handmade", "maker"], "painting"),
    "lego": ("Brick Builder", ["building bricks", "lego", "minifigures", "construction", "build"], "robotics"),
    "science": ("Science", ["science", "experiments", "chemistry", "lab", "STEM"], "space"),
    "robotics": ("Robot", ["robot", "robotics", "motors", "sensors", "STEM", "engineering"], "coding"),
    "coding": ("Coding", ["coding", "programming", "computer", "code", "STEM"], "robotics"),
    "video games": ("Gamer", ["video games", "gaming", "controller", "console", "esports"], None),
    "board games": ("Board Game", ["board games", "tabletop", "strategy", "dice", "cards"], None),
    "reading": ("Bookworm", ["reading", "books", "stories", "library", "novels"], None),
    "music": ("Music", ["music", "songs", "instrument", "rhythm", "melody"], "dance"),
    "dance": ("Dance", ["dance", "dancing", "ballet", "moves", "rhythm"], "music"),
    "theater": ("Theater", ["theater", "stage", "acting", "drama", "costumes"], "movies"),
    "movies": ("Movie Night", ["movies", "film", "cinema", "popcorn", "screen"], "theater"),
    "soccer": ("Soccer", ["soccer", "football", "goal", "ball", "team sports"], None),
    "basketball": ("Basketball", ["basketball", "hoop", "dribble", "court", "team sports"], None),
    "swimming": ("Swim", ["swimming", "pool", "water", "goggles", "beach"], None),
    "hiking": ("Hiking", ["hiking", "trail", "outdoors", "mountains", "nature"], "camping"),
    "camping": ("Camping", ["camping", "tent", "campfire", "outdoors", "nature"], "hiking"),
    "cycling": ("Cycling", ["cycling", "bike", "bicycle", "ride", "outdoors"], None),
    "yoga": ("Yoga", ["yoga", "mindfulness", "stretching", "wellness", "calm"], None),
    "cooking": ("Chef", ["cooking", "kitchen", "recipes", "chef", "food"], "baking"),
    "baking": ("Baking", ["baking", "cookies", "bread", "oven", "pastry"], "cooking"),
    "gardening": ("Garden", ["gardening", "plants", "flowers", "seeds", "garden"], None),
    "photography": ("Photography", ["photography", "camera", "photos", "lens", "pictures"], "travel"),
    "animals": ("Animal", ["animals", "pets", "wildlife", "zoo", "farm"], None),
    "cars": ("Race Car", ["cars", "racing", "vehicles", "race track", "wheels"], None),
    "fashion": ("Fashion", ["fashion", "style", "clothes", "accessories", "design"], None),
    "travel": ("Travel", ["travel", "adventure", "maps", "world", "trips"], "photography"),
    "coffee": ("Coffee", ["coffee", "espresso", "beans", "brew", "cafe"], None),
    "wine": ("Wine", ["wine", "vineyard", "tasting", "red and white", "sommelier"], None),
}

#: interest -> specific products: (name, age_min, age_max or None, tier) tier c <$30, m $40-150, p $150+
SPECIFIC: dict[str, list[tuple[str, int, int | None, str]]] = {
    "dinosaurs": [("T-Rex Plush", 0, 8, "c"), ("Fossil Dig Kit", 5, 12, "c"), ("Remote-Control T-Rex", 6, 12, "m"),
                  ("Dinosaur Encyclopedia", 7, 14, "c"), ("Glow Dino Skeleton Model", 8, None, "m"),
                  ("Fossil Replica Collector Set", 14, None, "m")],
    "space": [("Glow Star Ceiling Kit", 3, 12, "c"), ("Solar System Model Kit", 7, 14, "c"),
              ("Beginner Refractor Telescope", 8, None, "m"), ("Planetarium Star Projector", 5, None, "m"),
              ("Moon Lamp", 6, None, "c"), ("Computerized Telescope", 14, None, "p")],
    "painting": [("Finger Paint Set", 1, 5, "c"), ("Easel & Paint Studio", 4, 10, "m"), ("Acrylic Paint Set", 10, None, "c"),
                 ("Oil Painting Starter Kit", 14, None, "m"), ("Tabletop Easel & Canvas Bundle", 12, None, "m")],
    "drawing": [("Chunky Crayon Set", 1, 5, "c"), ("How-to-Draw Book", 6, 12, "c"), ("Marker Mega Set", 6, 14, "c"),
                ("Sketching Pencil Tin", 12, None, "c"), ("Light-Up Tracing Pad", 6, 12, "m"), ("Drawing Tablet", 12, None, "m")],
    "crafts": [("Bead Bracelet Kit", 5, 12, "c"), ("Friendship Bracelet Loom", 7, 14, "c"), ("Sewing Machine for Beginners", 10, None, "m"),
               ("Embroidery Hoop Set", 12, None, "c"), ("Mega Craft Chest", 4, 10, "m"), ("Candle-Making Kit", 14, None, "m")],
    "lego": [("Big Brick Starter Box", 1, 5, "c"), ("Brick Building Bucket", 4, 10, "m"), ("Minifigure Mystery Pack", 5, 14, "c"),
             ("Technic-Style Race Car Kit", 9, None, "m"), ("Brick Botanical Bouquet", 18, None, "m"),
             ("Architecture Skyline Brick Set", 12, None, "m")],
    "science": [("Crystal Growing Kit", 6, 12, "c"), ("Volcano Experiment Kit", 5, 10, "c"), ("Kids Microscope", 8, 14, "m"),
                ("Chemistry Lab Set", 10, 16, "m"), ("Periodic Table Mug", 12, None, "c"), ("Desktop Physics Toy Set", 13, None, "m")],
    "robotics": [("Solar Robot Kit", 8, 14, "c"), ("Programmable Robot Arm", 10, None, "m"), ("Wind-Up Robot Pack", 3, 8, "c"),
                 ("Robot Dog Companion", 6, 14, "m"), ("Arduino-Style Robot Rover", 13, None, "m")],
    "coding": [("Coding Caterpillar", 3, 6, "m"), ("Screen-Free Coding Board Game", 5, 10, "c"),
               ("Coding Robot Mouse", 4, 9, "m"), ("Microcontroller Starter Kit", 10, None, "m"),
               ("Python for Kids Book", 9, 14, "c"), ("Raspberry Pi-Style Computer Kit", 12, None, "m")],
    "video games": [("Retro Handheld Console", 8, None, "m"), ("Gaming Headset", 10, None, "m"),
                    ("Controller Charging Dock", 10, None, "c"), ("Pixel Art Night Light", 6, None, "c"),
                    ("Game Strategy Guide", 8, 17, "c")],
    "board games": [("First Orchard-Style Co-op Game", 2, 5, "c"), ("Family Strategy Game", 8, None, "m"),
                    ("Party Card Game", 12, None, "c"), ("Chess & Checkers Set", 6, None, "c"), ("Deluxe Strategy Board Game", 12, None, "m")],
    "reading": [("Board Book Bundle", 0, 3, "c"), ("Picture Book Collection", 3, 6, "m"), ("Chapter Book Box Set", 7, 12, "m"),
                ("Book Light", 8, None, "c"), ("E-Reader", 12, None, "p"), ("Classic Novels Box Set", 13, None, "m")],
    "music": [("Baby Drum Set", 0, 4, "c"), ("Kids Ukulele", 4, 12, "c"), ("Keyboard Piano 61-Key", 8, None, "m"),
              ("Bluetooth Speaker", 12, None, "m"), ("Vinyl Record Player", 16, None, "m"), ("Acoustic Guitar", 12, None, "p")],
    "dance": [("Dance Party Light Speaker", 3, 10, "m"), ("Ballet Tutu & Slippers", 2, 8, "c"), ("Dance Mat Game", 6, 14, "m"),
              ("Jazz Shoes", 10, None, "m"), ("Dance Workout Streaming Pass", 16, None, "c")],
    "theater": [("Puppet Theater", 3, 9, "m"), ("Stage Makeup Kit", 12, None, "c"), ("Costume Trunk", 4, 10, "m"),
                ("Broadway Songbook", 12, None, "c"), ("Script Writing Journal", 12, None, "c")],
    "movies": [("Popcorn Machine", 8, None, "m"), ("Mini Projector", 12, None, "m"), ("Movie Trivia Game", 10, None, "c"),
               ("Film Director's Clapperboard", 6, None, "c"), ("Movie Night Popcorn Box", 4, None, "c")],
    "soccer": [("Soccer Ball Size 3", 3, 8, "c"), ("Pop-Up Soccer Goals", 4, 12, "m"), ("Soccer Ball Size 5", 12, None, "c"),
               ("Shin Guard & Sock Set", 5, 14, "c"), ("Pro Training Ball", 12, None, "m"), ("Soccer Rebounder Net", 8, None, "m")],
    "basketball": [("Toddler Basketball Hoop", 1, 5, "c"), ("Over-the-Door Hoop", 6, None, "c"),
                   ("Adjustable Basketball Hoop", 6, 14, "m"), ("Indoor/Outdoor Basketball", 10, None, "c"),
                   ("Shooting Trainer Net", 12, None, "m")],
    "swimming": [("Baby Swim Float", 0, 3, "c"), ("Dive Stick Set", 4, 12, "c"), ("Anti-Fog Swim Goggles", 6, None, "c"),
                 ("Waterproof MP3 Player", 14, None, "m"), ("Swim Parka", 8, None, "m")],
    "hiking": [("Kids Binocular Set", 3, 10, "c"), ("Trail Daypack", 8, None, "m"), ("Trekking Poles", 12, None, "m"),
               ("Trail Map Poster", 10, None, "c"), ("Hiking Boots", 14, None, "p")],
    "camping": [("Kids Headlamp", 4, 12, "c"), ("Backyard Play Tent", 3, 10, "m"), ("Camp Lantern", 10, None, "c"),
                ("Two-Person Tent", 14, None, "m"), ("Campfire Cookbook", 14, None, "c")],
    "cycling": [("Balance Bike", 2, 5, "m"), ("Bike Bell & Streamers", 3, 9, "c"), ("Kids Bike Helmet", 3, 12, "c"),
                ("Bike Repair Multi-Tool", 12, None, "c"), ("Bike Computer", 14, None, "m")],
    "yoga": [("Kids Yoga Cards", 3, 10, "c"), ("Yoga Mat", 10, None, "c"), ("Cork Yoga Block Set", 12, None, "c"),
             ("Meditation Cushion", 14, None, "m"), ("Yoga Studio 10-Class Pass", 16, None, "m")],
    "cooking": [("Kids Knife & Apron Set", 5, 12, "c"), ("Junior Chef Cookbook", 6, 12, "c"), ("Cast Iron Skillet", 16, None, "c"),
                ("Chef's Knife", 18, None, "m"), ("Spice Rack Collection", 18, None, "m"), ("Pasta Maker", 14, None, "m")],
    "baking": [("Kids Baking Set", 4, 12, "c"), ("Cupcake Decorating Kit", 6, None, "c"), ("Stand Mixer", 18, None, "p"),
               ("Bread Proofing Basket Set", 16, None, "c"), ("Pastry Tool Set", 14, None, "m")],
    "gardening": [("Kids Garden Tool Set", 3, 9, "c"), ("Grow-Your-Own Sunflower Kit", 4, 12, "c"), ("Herb Garden Kit", 10, None, "c"),
                  ("Kneeler & Tool Bag", 18, None, "m"), ("Indoor Smart Garden", 12, None, "m")],
    "photography": [("Kids Digital Camera", 4, 10, "m"), ("Instant Camera", 10, None, "m"), ("Phone Lens Kit", 12, None, "c"),
                    ("Tripod", 12, None, "c"), ("Mirrorless Camera Starter Kit", 16, None, "p")],
    "animals": [("Farm Animal Figures", 2, 6, "c"), ("Stuffed Puppy", 0, 8, "c"), ("Zoo Vet Play Set", 3, 8, "m"),
                ("Bird Feeder Kit", 6, None, "c"), ("Wildlife Encyclopedia", 8, None, "c"), ("Adopt-a-Wildlife Gift Box", 6, None, "m")],
    "cars": [("Push-and-Go Car", 1, 4, "c"), ("Die-Cast Car Set", 3, 10, "c"), ("Race Track Set", 4, 10, "m"),
             ("RC Drift Car", 8, None, "m"), ("Classic Car Model Kit", 12, None, "c"), ("Racing Simulator Wheel", 14, None, "p")],
    "fashion": [("Fashion Design Sketchbook", 6, 14, "c"), ("Jewelry Making Studio", 6, 12, "m"), ("Silk Scarf", 14, None, "c"),
                ("Leather Crossbody Bag", 14, None, "m"), ("Sunglasses", 12, None, "c")],
    "travel": [("Scratch-Off World Map", 10, None, "c"), ("Kids Travel Activity Pack", 3, 10, "c"), ("Packing Cubes", 12, None, "c"),
               ("Carry-On Suitcase", 14, None, "m"), ("Light-Up Globe", 5, None, "m"), ("Travel Journal", 10, None, "c")],
    "coffee": [("Pour-Over Coffee Set", 16, None, "c"), ("French Press", 16, None, "c"), ("Burr Coffee Grinder", 18, None, "m"),
               ("Single-Origin Coffee Sampler", 18, None, "c"), ("Espresso Machine", 18, None, "p")],
    "wine": [("Wine Aerator", 21, None, "c"), ("Wine Glasses Set of 4", 21, None, "m"), ("Wine Club 3-Month Membership", 21, None, "m"),
             ("Sommelier Corkscrew", 21, None, "c"), ("Wine Tasting Journal", 21, None, "c"), ("Countertop Wine Fridge", 21, None, "p")],
}

#: generic product names per band and tier, filled with the interest's theme word
BAND_TEMPLATES: dict[str, dict[str, list[str]]] = {
    "0-2": {"c": ["{T} Plush Buddy", "{T} Soft Cloth Book", "{T} Bath Toy Set", "{T} Rattle & Teether Duo", "{T} Bib Set"],
            "m": ["{T} Activity Play Mat", "{T} Wooden Stacking Set", "{T} Musical Crib Mobile", "{T} Baby Gift Basket",
                  "{T} Push-Along Walker"]},
    "3-5": {"c": ["{T} Jumbo Floor Puzzle", "{T} Sticker Storybook", "{T} Figure Pack", "{T} Coloring Kit", "{T} Memory Match Game"],
            "m": ["{T} Pretend Play Set", "{T} Dress-Up Trunk", "{T} Play Tent", "{T} Learning Toy Bundle", "{T} Toddler Art Table"]},
    "6-9": {"c": ["{T} Activity Kit", "{T} Card Game", "{T} Adventure Chapter Book", "{T} Sticker & Poster Pack", "{T} Mini Kit"],
            "m": ["{T} Discovery Kit", "{T} Building Set", "{T} Explorer Bundle", "{T} Family Board Game", "{T} Deluxe Project Kit"]},
    "10-12": {"c": ["{T} Puzzle Book", "{T} Trivia Card Deck", "{T} Wall Poster Set", "{T} Journal", "{T} Starter Kit"],
              "m": ["{T} Challenge Kit", "{T} Master Set", "{T} Backpack Bundle", "{T} Strategy Game", "{T} Hobby Box"]},
    "13-17": {"c": ["{T} Graphic Tee", "{T} Sticker & Phone Grip Set", "{T} Guidebook", "{T} Water Bottle", "{T} Pocket Kit"],
              "m": ["{T} Pro Starter Set", "{T} Hoodie & Cap Bundle", "{T} Workshop Kit", "{T} Subscription Box (3 months)",
                    "{T} Creator Kit"]},
    "18-64": {"c": ["{T} Enamel Mug", "{T} Lover's Notebook", "{T} Canvas Tote", "{T} Mini Coffee-Table Book", "{T} Art Print"],
              "m": ["{T} Gift Hamper", "{T} Pro Kit", "{T} Masterclass Set", "{T} Leather Journal & Pen",
                    "{T} Subscription Box (6 months)"]},
    "65+": {"c": ["{T} Large-Print Puzzle Book", "{T} Keepsake Mug", "{T} Wall Calendar", "{T} Bookmark Set", "{T} Greeting Card Set"],
            "m": ["{T} Memory Album", "{T} Comfort Gift Set", "{T} Classic Collection", "{T} Easy-Grip Kit", "{T} Deluxe Hamper"]},
}
BAND_STAGE = {"0-2": "baby", "3-5": "preschooler", "6-9": "kid", "10-12": "tween", "13-17": "teen",
              "18-64": "adult", "65+": "senior"}
BAND_AUDIENCE = {"0-2": "babies and toddlers", "3-5": "preschoolers", "6-9": "kids", "10-12": "tweens",
                 "13-17": "teens", "18-64": "grown-ups", "65+": "grandparents and seniors"}

BRANDS = ["Acorn & Oak", "Brightwick", "Cobalt Lane", "Dapple", "Everbloom", "Fernway", "Goldcrest", "Hollow Pine",
          "Indigo Kite", "Juniper Row", "Kestrel", "Larkspur", "Maple Hollow", "Northstar", "Orchard Bay", "Pebble & Co.",
          "Quillfeather", "Redwood Lab", "Silverfin", "Tinker Bay", "Upland", "Velvet Fox", "Willowmere", "Yellowtail",
          "Zephyr", "Blue Heron", "Copperleaf", "Driftwood", "Emberly", "Foxglove"]
ADJECTIVES = ["Classic", "Deluxe", "Original", "Signature", "Everyday", "Ultimate", "Compact", "Collector's", "Starter",
              "Premium", "Heritage", "Bright"]


def money(rng: random.Random, lo: float, hi: float, endings: tuple[float, ...] = (0.99, 0.99, 0.95, 0.49, 0.0, 0.5)) -> float:
    """A realistic price between ``lo`` and ``hi`` with shop-like cents (``24.99``, ``19.50``...)."""
    for _ in range(50):
        base = rng.uniform(lo, hi)
        value = round(int(base) + rng.choice(endings), 2)
        if lo <= value <= hi:
            return value
    return round(lo, 2)


def article(phrase: str) -> str:
    """``"a"`` or ``"an"`` for ``phrase``."""
    return "an" if phrase[:1].lower() in "aeiou" else "a"


def rating(rng: random.Random) -> float:
    return round(min(5.0, max(3.2, rng.triangular(3.2, 5.0, 4.6))), 1)


def reviews(rng: random.Random) -> int:
    return min(4800, int(rng.lognormvariate(3.6, 1.1)))


class Builder:
    """Collects items, numbers ids and enforces name uniqueness (global for shipped items, per city for local)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.items: list[dict[str, Any]] = []
        self.counters: Counter[str] = Counter()
        self.names: set[tuple[str | None, str]] = set()

    def name_free(self, name: str, city: str | None) -> bool:
        return (city, name.lower()) not in self.names

    def unique_name(self, candidates: list[str], city: str | None) -> str:
        """First free name among ``candidates``; numbered editions as a last resort."""
        for c in candidates:
            if self.name_free(c, city):
                return c
        n = 2
        while not self.name_free(f"{candidates[0]} No. {n}", city):
            n += 1
        return f"{candidates[0]} No. {n}"

    def add(self, category: str, name: str, city: str | None = None, **fields: Any) -> dict[str, Any]:
        key = f"{category}-{CITY_CODES[city]}" if city else category
        self.counters[key] += 1
        item = {"id": f"{key}-{self.counters[key]:04d}", "name": name, "category": category, "city": city,
                "rating": rating(self.rng), "review_count": reviews(self.rng), **fields}
        self.names.add((city, name.lower()))
        self.items.append(item)
        return item


def day_pattern(rng: random.Random, weekend: bool = False) -> list[str]:
    """Weekly opening days; ``weekend=True`` keeps Saturday and Sunday open."""
    closed_options = [[], ["Mon"], ["Mon", "Tue"], ["Tue"], ["Mon", "Tue", "Wed"], ["Wed"]]
    if not weekend:
        closed_options += [["Sun"], ["Sun", "Mon"], ["Sat"], ["Mon", "Sun"]]
    closed = rng.choice(closed_options)
    return [d for d in WEEKDAYS if d not in closed]


# ---------------------------------------------------------------------------------------------
# Gifts and decorations (ship everywhere)
# ---------------------------------------------------------------------------------------------

TIER_PRICE = {"c": (6.0, 29.99), "m": (40.0, 149.99), "p": (150.0, 399.99), "x": (30.0, 39.99)}


def gift_fields(rng: random.Random, interest: str, product: str, lo: int, hi: int | None, tier: str,
                band: str) -> dict[str, Any]:
    theme, words, related = THEMES[interest]
    w = rng.sample(words, k=min(3, len(words)))
    audience = BAND_AUDIENCE[band]
    age_txt = f"ages {lo}+" if hi is None else f"ages {lo}-{hi}"
    description = (f"{article(product).capitalize()} {product.lower()} full of {w[0]} and {w[1]} fun for {audience} who love {interest}. "
                   f"Recommended for {age_txt}; a {'budget-friendly' if tier == 'c' else 'standout'} birthday present.")
    interests = [interest]
    if related and band != "0-2" and rng.random() < 0.35:
        interests.append(related)
    tags = sorted({interest, *[x.lower() for x in w], BAND_STAGE[band], "gift",
                   "budget" if tier == "c" else ("premium" if tier == "p" else "mid-range")})
    return {"description": description, "price": money(rng, *TIER_PRICE[tier]), "pricing": "flat", "tags": tags,
            "interests": interests, "age_min": lo, "age_max": hi}


def band_of(lo: int, hi: int | None) -> str:
    """Band label used for wording: the band of the youngest age."""
    for label, blo, bhi in AGE_BANDS:
        if blo <= lo <= bhi:
            return label
    return "65+"


def build_gifts(b: Builder) -> None:
    rng = b.rng
    # 1. every specific product once (realistic names, broad age ranges)
    for interest, products in SPECIFIC.items():
        for product, lo, hi, tier in products:
            lo = max(lo, INTEREST_MIN_AGE.get(interest, 0))
            name = b.unique_name([f"{brand} {product}" for brand in rng.sample(BRANDS, k=len(BRANDS))], None)
            b.add("gift", name, **gift_fields(rng, interest, product, lo, hi, tier, band_of(lo, hi)))
    # 2. guarantee: for every interest and sensible band, >= 2 gifts under $30 and >= 2 at $40-150 covering the band
    for interest in INTERESTS:
        theme = THEMES[interest][0]
        for band, blo, bhi in gift_bands(interest):
            for tier in ("c", "m"):
                have = sum(1 for it in b.items if it["category"] == "gift" and interest in it["interests"]
                           and it["age_min"] <= blo and (it["age_max"] is None or it["age_max"] >= bhi)
                           and ((it["price"] < 30) if tier == "c" else (40 <= it["price"] <= 150)))
                need = max(0, 2 - have) + 1 + (1 if rng.random() < 0.4 else 0)
                templates = rng.sample(BAND_TEMPLATES[band][tier], k=len(BAND_TEMPLATES[band][tier]))
                for i in range(need):
                    product = templates[i % len(templates)].format(T=theme)
                    lo = blo if rng.random() < 0.6 or blo == 0 else max(INTEREST_MIN_AGE.get(interest, 0), blo - 2)
                    hi: int | None = None if bhi >= 64 else (bhi if rng.random() < 0.6 else bhi + 2)
                    if band == "18-64":
                        hi = None
                    names = [f"{brand} {adj} {product}" for brand in rng.sample(BRANDS, k=8) for adj in ADJECTIVES]
                    names = [f"{brand} {product}" for brand in rng.sample(BRANDS, k=6)] + names
                    b.add("gift", b.unique_name(names, None), **gift_fields(rng, interest, product, lo, hi, tier, band))
    # 3. a few premium gifts per interest for adults (big budgets) and some in-between prices
    for interest in INTERESTS:
        theme = THEMES[interest][0]
        lo = max(13, INTEREST_MIN_AGE.get(interest, 0))
        for product, tier in ((f"{theme} Luxury Gift Set", "p"), (f"{theme} Weekend Bundle", "x")):
            names = [f"{brand} {product}" for brand in rng.sample(BRANDS, k=10)]
            b.add("gift", b.unique_name(names, None), **gift_fields(rng, interest, product, lo, None, tier, band_of(lo, None)))


DECOR_PACKS = [("Balloon Pack (12)", 5.99, 14.99), ("Happy Birthday Banner", 6.99, 16.99), ("Confetti Pouch", 3.99, 8.99),
               ("Paper Plate & Napkin Set (10 guests)", 7.99, 15.99), ("Party Hats (10)", 5.99, 11.99),
               ("Crepe Streamer Rolls (6)", 4.99, 9.99), ("Cupcake Toppers (24)", 5.49, 10.99),
               ("Table Cover & Centerpiece Set", 9.99, 19.99)]
DECOR_KITS = [("Party Decoration Kit", 24.99, 69.99), ("Balloon Arch Kit", 29.99, 89.99), ("Photo Backdrop & Props Kit", 34.99, 99.99),
              ("Light-Up Party Kit", 39.99, 129.99)]
DECOR_STYLES = ["Rainbow", "Gold Glam", "Pastel", "Unicorn", "Silver Sparkle", "Boho", "Neon Glow", "Rose Gold", "Floral",
                "Black & Gold", "Ocean Blue", "Mermaid", "Superhero", "Princess", "Tropical", "Milestone 30/40/50"]
DECOR_INTERESTS = ["dinosaurs", "space", "painting", "lego", "science", "robotics", "video games", "music", "dance",
                   "theater", "movies", "soccer", "basketball", "swimming", "camping", "animals", "cars", "travel",
                   "baking", "gardening", "wine", "reading", "fashion", "hiking", "cycling", "photography", "coffee"]


def build_decorations(b: Builder) -> None:
    rng = b.rng
    themes: list[tuple[str, str | None]] = [(s, None) for s in DECOR_STYLES] + [(THEMES[i][0], i) for i in DECOR_INTERESTS]
    for style, interest in themes:
        chosen = rng.sample(DECOR_PACKS, k=3) + rng.sample(DECOR_KITS, k=1 if interest is None else 2)
        for product, lo, hi in chosen:
            kit = (product, lo, hi) in DECOR_KITS
            words = THEMES[interest][1][:3] if interest else [style.lower(), "colorful", "festive"]
            name = b.unique_name([f"{style} {product}"] + [f"{brand} {style} {product}" for brand in BRANDS], None)
            desc = (f"{'A complete' if kit else 'A'} {style.lower()} themed {product.split(' (')[0].lower()} with "
                    f"{words[0]} and {words[1]} touches. {'One kit decorates the whole party' if kit else 'Priced per pack; about one pack per ten guests'}.")
            tags = sorted({"decoration", "party supplies", style.lower(), *(w.lower() for w in words[:2]),
                           "kit" if kit else "pack"})
            b.add("decoration", name, description=desc, price=money(rng, lo, hi), pricing="flat" if kit else "per_unit",
                  tags=tags, interests=[interest] if interest else [], age_min=21 if interest == "wine" else None)


# ---------------------------------------------------------------------------------------------
# Local items: cakes, venues, activities, food, experiences
# ---------------------------------------------------------------------------------------------

#: recipe kinds: base allergens and the diet tags the recipe can carry
RECIPES: dict[str, tuple[set[str], set[str]]] = {
    "classic": ({"gluten", "dairy", "eggs"}, {"vegetarian", "halal"}),
    "vegan": ({"gluten", "soy"}, {"vegan", "vegetarian", "dairy-free", "halal"}),
    "gluten-free": ({"dairy", "eggs"}, {"gluten-free", "vegetarian", "halal"}),
    "vegan gluten-free": ({"soy"}, {"vegan", "vegetarian", "dairy-free", "gluten-free", "halal"}),
    "dairy-free": ({"gluten", "eggs"}, {"dairy-free", "vegetarian", "halal"}),
    "allergy-friendly": (set(), {"vegan", "vegetarian", "dairy-free", "gluten-free", "nut-free", "halal"}),
    "mousse": ({"gluten", "dairy", "eggs"}, set()),  # gelatin: neither vegetarian nor halal
}
CAKE_FLAVORS: list[tuple[str, set[str]]] = [
    ("Chocolate Fudge", set()), ("Vanilla Bean", set()), ("Red Velvet", set()), ("Lemon Chiffon", set()),
    ("Strawberry", set()), ("Carrot & Walnut", {"tree nuts"}), ("Funfetti", set()), ("Cookies & Cream", {"soy"}),
    ("Salted Caramel", set()), ("Coconut Lime", set()), ("Matcha", set()), ("Banana", set()), ("Mocha", set()),
    ("Pistachio Rose", {"tree nuts"}), ("Peanut Butter Chocolate", {"peanuts"}), ("Black Sesame", {"sesame"}),
    ("Almond Raspberry", {"tree nuts"}), ("Birthday Sprinkle", set()), ("Orange Blossom", set()), ("Blueberry", set()),
]
CAKE_STYLES = ["Layer Cake", "Sheet Cake", "Cupcake Tower", "Drip Cake", "Bundt Cake", "Number Cake", "Celebration Cake",
               "Naked Cake", "Ombre Cake"]
THEMED_CAKES = [("Dinosaur", "dinosaurs"), ("Galaxy", "space"), ("Soccer Ball", "soccer"), ("Unicorn", None),
                ("Paint Palette", "painting"), ("Brick Builder", "lego"), ("Race Car", "cars"), ("Safari Animal", "animals"),
                ("Game Controller", "video games"), ("Music Note", "music"), ("Garden Flower", "gardening"),
                ("Campfire", "camping"), ("Book Stack", "reading"), ("Ballet Slipper", "dance")]
BAKERIES = ["Sugar & Spoon", "Crumb Theory", "Flour Child", "Honeybee Bakehouse", "Rise & Shine", "The Cake Loft",
            "Little Oven", "Whisk & Willow", "Golden Crust", "Frost Lane"]
NEIGHBORHOODS = {
    "Austin": ["South Congress", "East Austin", "Zilker", "Hyde Park", "Mueller", "Barton Springs", "Rainey Street"],
    "Boston": ["Back Bay", "Beacon Hill", "Jamaica Plain", "South End", "Seaport", "North End", "Fenway"],
    "Chicago": ["Wicker Park", "Lincoln Park", "Logan Square", "Pilsen", "Andersonville", "West Loop", "Hyde Park"],
    "Denver": ["LoDo", "RiNo", "Highlands", "Cherry Creek", "Capitol Hill", "Wash Park", "Baker"],
    "Seattle": ["Ballard", "Capitol Hill", "Fremont", "Queen Anne", "Georgetown", "Columbia City", "Wallingford"],
    "San Francisco": ["Mission", "Noe Valley", "Inner Sunset", "Marina", "Potrero Hill", "North Beach", "Hayes Valley"],
}


def cake_item(b: Builder, city: str, recipe: str, *, flavor: tuple[str, set[str]] | None = None,
              theme: tuple[str, str | None] | None = None, price: tuple[float, float] = (3.5, 9.5),
              lead: tuple[int, int] = (1, 5), force_diets: set[str] | None = None) -> dict[str, Any]:
    """One cake; allergens from recipe + flavor, diet tags derived so they never contradict the allergens."""
    rng = b.rng
    if flavor is None:
        pool = CAKE_FLAVORS if recipe != "allergy-friendly" else [f for f in CAKE_FLAVORS if not f[1]]
        flavor = rng.choice(pool)
    allergens = set(RECIPES[recipe][0]) | flavor[1]
    if recipe == "allergy-friendly":
        allergens = set()
    possible = set(RECIPES[recipe][1])
    if force_diets and "nut-free" in force_diets and not allergens & {"peanuts", "tree nuts"}:
        possible.add("nut-free")
    if not allergens & {"peanuts", "tree nuts"} and (recipe == "allergy-friendly" or rng.random() < 0.7):
        possible.add("nut-free")
    diets = {d for d in possible if d in {"vegan", "vegetarian", "dairy-free", "gluten-free", "nut-free"}}
    if "halal" in possible and (rng.random() < 0.55 or recipe == "allergy-friendly"):
        diets.add("halal")
    if force_diets:
        diets |= force_diets & possible
    diets = {d for d in diets if not DIET_EXCLUDES[d] & allergens}
    style = rng.choice(CAKE_STYLES)
    label = {"classic": "", "mousse": "Mousse ", "vegan": "Vegan ", "gluten-free": "Gluten-Free ",
             "vegan gluten-free": "Vegan Gluten-Free ", "dairy-free": "Dairy-Free ",
             "allergy-friendly": "Allergy-Friendly "}[recipe]
    theme_word = f"{theme[0]} " if theme else ""
    bakery = rng.choice(BAKERIES)
    names = [f"{bakery} {label}{theme_word}{flavor[0]} {style}"] + [
        f"{bk} {label}{theme_word}{flavor[0]} {st}" for bk in BAKERIES for st in CAKE_STYLES]
    name = b.unique_name(names, city)
    free_of = [a for a in ALLERGENS if a not in allergens]
    desc = (f"{label.strip() or 'Classic'} {flavor[0].lower()} {style.lower()}"
            f"{' decorated with a ' + theme[0].lower() + ' theme' if theme else ''}, baked fresh in {city}. "
            f"{'Free of all seven major allergens' if not allergens else 'Contains ' + ', '.join(sorted(allergens))}"
            f"{'; ' + ', '.join(sorted(diets)) if diets else ''}.")
    tags = sorted({"cake", "birthday cake", style.lower(), *flavor[0].lower().replace("&", "").split(), *diets,
                   *(["allergy-friendly"] if not allergens else []), *([theme[0].lower()] if theme else [])} - {""})
    servings = rng.choice([24, 30, 40, 50, 60, 80, 100])
    return b.add("cake", name, city=city, description=desc, price=money(rng, *price, endings=(0.0, 0.25, 0.5, 0.75, 0.95)),
                 pricing="per_guest", tags=tags, interests=[theme[1]] if theme and theme[1] else [],
                 allergens=sorted(allergens), diet_tags=sorted(diets), lead_time_days=rng.randint(*lead),
                 servings=servings, _free_of=free_of)


def build_cakes(b: Builder, city: str) -> None:
    rng = b.rng
    # guaranteed: allergen-free cakes carrying every diet tag, <= $7 per guest (one <= $6 within 2 days)
    cake_item(b, city, "allergy-friendly", price=(4.5, 5.95), lead=(1, 2))
    cake_item(b, city, "allergy-friendly", price=(5.0, 6.95), lead=(1, 3))
    cake_item(b, city, "allergy-friendly", price=(6.0, 8.5), lead=(2, 4), theme=rng.choice(THEMED_CAKES))
    # guaranteed per diet tag: a cheap quick cake (<= $6, <= 2 days) carrying it
    diet_recipe = {"vegan": "vegan", "vegetarian": "classic", "gluten-free": "gluten-free", "dairy-free": "dairy-free",
                   "nut-free": "classic", "halal": "classic"}
    for diet, recipe in diet_recipe.items():
        flavor = rng.choice([f for f in CAKE_FLAVORS if not f[1]])
        cake_item(b, city, recipe, flavor=flavor, price=(3.25, 5.95), lead=(1, 2), force_diets={diet})
    # variety
    weights = [("classic", 10), ("vegan", 5), ("gluten-free", 4), ("vegan gluten-free", 3), ("dairy-free", 3), ("mousse", 2)]
    kinds = [k for k, w in weights for _ in range(w)]
    for _ in range(34):
        theme = rng.choice(THEMED_CAKES) if rng.random() < 0.35 else None
        cake_item(b, city, rng.choice(kinds), theme=theme, price=(3.5, 11.5) if not theme else (4.5, 12.5))
    # top up: >= 4 cakes per diet tag (guarantee is >= 3)
    for diet, recipe in diet_recipe.items():
        while sum(1 for it in b.items if it["category"] == "cake" and it["city"] == city and diet in it["diet_tags"]) < 4:
            cake_item(b, city, recipe, price=(4.0, 9.5), force_diets={diet})


VENUE_TYPES = [("Community Hall", ["indoor", "accessible", "kitchenette"]), ("Party Room", ["indoor", "kid-friendly"]),
               ("Rooftop Terrace", ["outdoor", "views", "adults"]), ("Garden Pavilion", ["outdoor", "garden", "covered"]),
               ("Event Loft", ["indoor", "industrial", "sound system"]), ("Banquet Room", ["indoor", "tables", "catering allowed"]),
               ("Play Café", ["indoor", "kid-friendly", "play area"]), ("Park Shelter", ["outdoor", "picnic tables", "playground"]),
               ("Art Studio", ["indoor", "creative", "kid-friendly"]), ("Private Dining Room", ["indoor", "restaurant", "cozy"]),
               ("Bowling Lounge", ["indoor", "games", "all ages"]), ("Library Meeting Room", ["indoor", "quiet", "accessible"])]
VENUE_PREFIX = ["The Copper", "Lantern", "Maple", "Blue Door", "Sunny Side", "Harbor", "Oakwood", "Juniper", "Brick & Ivy",
                "Cedar", "Starling", "Riverbend"]


def venue_item(b: Builder, city: str, cap: int, price: float, days: list[str], vtype: tuple[str, list[str]] | None = None,
               adults_only: bool = False) -> dict[str, Any]:
    rng = b.rng
    vtype = vtype or rng.choice(VENUE_TYPES)
    hood = rng.choice(NEIGHBORHOODS[city])
    names = [f"{hood} {vtype[0]}"] + [f"{p} {vtype[0]} {h}" for p in VENUE_PREFIX for h in NEIGHBORHOODS[city]]
    names = names[:1] + rng.sample(names[1:], k=len(names) - 1)
    name = b.unique_name(names, city)
    open_txt = "daily" if len(days) == 7 else ", ".join(days)
    desc = (f"A {vtype[0].lower()} in {hood}, {city}: a party space for up to {cap} people (guests) to celebrate a "
            f"birthday. Open {open_txt}; flat rental fee{' (21+ only)' if adults_only else ''}.")
    tags = sorted({"venue", "party venue", vtype[0].lower(), hood.lower(), *vtype[1],
                   "small" if cap <= 20 else ("large" if cap >= 60 else "medium"), *(["21+"] if adults_only else [])})
    return b.add("venue", name, city=city, description=desc, price=price, pricing="flat", tags=tags, interests=[],
                 capacity=cap, open_days=days, age_min=21 if adults_only else None)


def round5(x: float) -> float:
    return float(int(round(x / 5.0)) * 5)


def build_venues(b: Builder, city: str) -> None:
    rng = b.rng
    weekend = list(WEEKDAYS)
    vt = {name: (name, tags) for name, tags in VENUE_TYPES}
    # guaranteed cheap small rooms (< $100, up to 20 guests) open on weekends
    venue_item(b, city, rng.choice([14, 15, 16]), round5(rng.uniform(55, 80)), day_pattern(rng, True), vt["Party Room"])
    venue_item(b, city, 20, round5(rng.uniform(70, 95)), day_pattern(rng, True), vt["Library Meeting Room"])
    venue_item(b, city, 8, round5(rng.uniform(40, 70)), ["Tue", "Wed", "Thu", "Fri", "Sat"], vt["Private Dining Room"])
    # guaranteed >= 30 seats for <= $150, open Sat and Sun
    venue_item(b, city, rng.choice([30, 35, 40]), round5(rng.uniform(95, 130)), weekend, vt["Park Shelter"])
    venue_item(b, city, rng.choice([35, 40, 45]), round5(rng.uniform(110, 150)), day_pattern(rng, True), vt["Community Hall"])
    # guaranteed >= 50 seats for <= $500, open Sat and Sun
    venue_item(b, city, rng.choice([50, 60]), round5(rng.uniform(240, 380)), day_pattern(rng, True), vt["Garden Pavilion"])
    venue_item(b, city, rng.choice([70, 80, 90]), round5(rng.uniform(350, 495)), day_pattern(rng, True), vt["Banquet Room"])
    # the largest room in town: 120
    venue_item(b, city, 120, round5(rng.uniform(700, 950)), day_pattern(rng, True), vt["Event Loft"])
    # variety (some closed on weekends)
    for vtype in rng.sample([v for v in VENUE_TYPES if v[0] not in {"Party Room", "Park Shelter"}], k=5):
        cap = rng.choice([12, 16, 20, 25, 30, 40, 50, 60, 75, 100])
        price = round5(45 + cap * rng.uniform(3.5, 7.5))
        venue_item(b, city, cap, price, day_pattern(rng, False), vtype)
    venue_item(b, city, 24, round5(rng.uniform(150, 260)), day_pattern(rng, False), vt["Rooftop Terrace"], adults_only=True)


#: activity templates: (name, interests, age_min, age_max, pricing, price range, capacity)
ACTIVITIES: list[tuple[str, list[str], int, int | None, str, tuple[float, float], int]] = [
    ("Dino Dig Party", ["dinosaurs", "science"], 4, 10, "per_guest", (14, 24), 20),
    ("Planetarium Party Show", ["space", "science"], 5, None, "per_guest", (12, 22), 40),
    ("Pottery Painting Party", ["painting", "crafts"], 4, None, "per_guest", (18, 32), 24),
    ("Robot Building Workshop", ["robotics", "coding"], 8, 14, "per_guest", (22, 35), 16),
    ("Kids Coding Lab Party", ["coding", "video games"], 7, 13, "per_guest", (20, 32), 16),
    ("Mini Soccer Party", ["soccer"], 4, 12, "flat", (180, 320), 24),
    ("Basketball Court Party", ["basketball"], 6, 17, "flat", (200, 350), 30),
    ("Pool Party Package", ["swimming"], 3, None, "flat", (220, 420), 35),
    ("Petting Zoo Visit", ["animals"], 1, 10, "flat", (180, 300), 30),
    ("Drawing & Cartooning Class", ["drawing"], 6, 14, "per_guest", (15, 25), 15),
    ("Brick Builder Challenge", ["lego"], 5, 12, "per_guest", (16, 28), 20),
    ("Video Game Truck", ["video games"], 7, 17, "flat", (280, 450), 24),
    ("Board Game Café Party", ["board games"], 6, None, "per_guest", (8, 16), 30),
    ("Storytime & Puppet Show", ["reading", "theater"], 2, 7, "flat", (120, 220), 25),
    ("Music Jam Party", ["music"], 5, None, "per_guest", (15, 28), 20),
    ("Dance Party with DJ", ["dance", "music"], 5, None, "flat", (200, 380), 50),
    ("Kids Theater Workshop", ["theater"], 6, 14, "per_guest", (18, 30), 18),
    ("Private Movie Screening", ["movies"], 4, None, "flat", (250, 480), 60),
    ("Nature Scavenger Hike", ["hiking", "animals"], 5, None, "per_guest", (10, 18), 25),
    ("Backyard Campout Party", ["camping"], 6, 14, "flat", (260, 420), 16),
    ("Bike Skills Party", ["cycling"], 5, 12, "per_guest", (16, 26), 15),
    ("Kids Yoga Party", ["yoga", "dance"], 3, 12, "per_guest", (12, 20), 20),
    ("Junior Chef Pizza Party", ["cooking", "baking"], 5, 14, "per_guest", (20, 34), 16),
    ("Cupcake Decorating Party", ["baking", "crafts"], 4, None, "per_guest", (16, 26), 20),
    ("Mad Science Show", ["science"], 4, 11, "flat", (220, 360), 30),
    ("Slot Car Racing Party", ["cars"], 6, None, "per_guest", (18, 28), 16),
    ("Fashion Runway Party", ["fashion", "dance"], 7, 14, "per_guest", (20, 32), 16),
    ("Garden Planting Party", ["gardening", "animals"], 4, 12, "per_guest", (12, 20), 20),
    ("Karaoke Lounge Party", ["music", "movies"], 12, None, "flat", (150, 300), 30),
    ("Paint & Sip Night", ["painting", "wine"], 21, None, "per_guest", (35, 55), 24),
    ("Bowling Party Lanes", ["board games"], 4, None, "per_guest", (14, 24), 40),
    ("Photo Booth Rental", ["photography", "fashion"], 3, None, "flat", (180, 340), 100),
    ("Climbing Gym Party", ["hiking"], 6, None, "per_guest", (20, 32), 20),
    ("Escape Room Challenge", ["board games", "science"], 10, None, "per_guest", (25, 38), 12),
]


def build_activities(b: Builder, city: str) -> None:
    rng = b.rng
    for name, interests, lo, hi, pricing, (plo, phi), cap in rng.sample(ACTIVITIES, k=16):
        hood = rng.choice(NEIGHBORHOODS[city])
        full = b.unique_name([f"{name} at {hood}", f"{name} ({city})"] + [f"{name} at {h}" for h in NEIGHBORHOODS[city]], city)
        words = THEMES[interests[0]][1]
        days = day_pattern(rng, rng.random() < 0.6)
        who = f"ages {lo}+" if hi is None else f"ages {lo}-{hi}"
        unit = "Priced per guest" if pricing == "per_guest" else "One flat price for the group"
        desc = (f"A {words[0]} birthday activity in {hood}, {city}: {words[1]} and {words[2]} fun for up to {cap} guests, "
                f"{who}. {unit}.")
        tags = sorted({"activity", "party activity", *interests, *(w.lower() for w in words[:3]), hood.lower()})
        b.add("activity", full, city=city, description=desc, price=money(rng, plo, phi, endings=(0.0, 0.0, 0.5, 0.99))
              if pricing == "per_guest" else round5(rng.uniform(plo, phi)), pricing=pricing, tags=tags,
              interests=interests, age_min=lo, age_max=hi, capacity=cap, open_days=days)


#: food templates: (name, allergens, diet tags it may carry, price per guest range, tags)
FOODS: list[tuple[str, set[str], set[str], tuple[float, float], list[str]]] = [
    ("Cheese Pizza Party Pack", {"gluten", "dairy"}, {"vegetarian", "nut-free", "halal"}, (4.5, 8.0), ["pizza", "kids"]),
    ("Vegan Veggie Pizza Pack", {"gluten", "soy"}, {"vegan", "vegetarian", "dairy-free", "nut-free", "halal"}, (5.5, 9.0), ["pizza"]),
    ("Gluten-Free Margherita Pizza", {"dairy"}, {"gluten-free", "vegetarian", "nut-free"}, (6.5, 10.0), ["pizza"]),
    ("Build-Your-Own Taco Bar", {"dairy"}, {"gluten-free", "nut-free", "halal"}, (10.0, 16.0), ["tacos", "mexican", "buffet"]),
    ("Falafel & Hummus Platter", {"sesame", "gluten"}, {"vegan", "vegetarian", "dairy-free", "nut-free", "halal"}, (9.0, 14.0),
     ["mediterranean", "platter"]),
    ("Chicken Shawarma Platter", {"sesame", "gluten", "dairy"}, {"halal", "nut-free"}, (12.0, 18.0), ["mediterranean", "platter"]),
    ("Seasonal Fruit Platter", set(), {"vegan", "vegetarian", "gluten-free", "dairy-free", "nut-free", "halal"}, (4.0, 7.5),
     ["fruit", "fresh", "healthy"]),
    ("Veggie Crudité & Ranch", {"dairy", "eggs"}, {"vegetarian", "gluten-free", "nut-free"}, (4.0, 7.0), ["vegetables", "platter"]),
    ("Mini Sandwich Platter", {"gluten", "dairy", "eggs"}, {"nut-free"}, (7.0, 12.0), ["sandwiches", "platter"]),
    ("Party Cupcakes (per guest)", {"gluten", "dairy", "eggs"}, {"vegetarian", "nut-free"}, (3.0, 5.5), ["cupcakes", "dessert"]),
    ("Vegan Cupcakes (per guest)", {"gluten", "soy"}, {"vegan", "vegetarian", "dairy-free", "nut-free"}, (3.5, 6.0),
     ["cupcakes", "dessert"]),
    ("Kids Snack Boxes", {"gluten", "dairy", "peanuts"}, {"vegetarian"}, (6.0, 10.0), ["snacks", "kids", "boxed"]),
    ("Nut-Free Snack Boxes", {"gluten", "dairy"}, {"vegetarian", "nut-free"}, (6.5, 10.5), ["snacks", "kids", "boxed"]),
    ("Mac & Cheese Tray", {"gluten", "dairy"}, {"vegetarian", "nut-free"}, (5.0, 8.5), ["comfort food", "kids"]),
    ("BBQ Sliders Platter", {"gluten", "sesame"}, {"nut-free", "dairy-free"}, (9.0, 15.0), ["bbq", "sliders"]),
    ("Vegetable Dumpling Platter", {"gluten", "soy", "sesame"}, {"vegan", "vegetarian", "dairy-free", "nut-free"}, (8.0, 13.0),
     ["asian", "dumplings"]),
    ("Sushi Party Platter", {"soy", "sesame", "gluten"}, {"dairy-free", "nut-free"}, (14.0, 22.0), ["sushi", "japanese"]),
    ("Cheese & Charcuterie Board", {"dairy", "tree nuts"}, set(), (12.0, 20.0), ["charcuterie", "adults", "board"]),
    ("Grain Bowl Catering", {"soy"}, {"vegan", "vegetarian", "gluten-free", "dairy-free", "nut-free", "halal"}, (10.0, 15.0),
     ["bowls", "healthy", "catering"]),
    ("Halal Kebab Catering", {"gluten", "dairy"}, {"halal", "nut-free"}, (13.0, 19.0), ["kebab", "catering"]),
    ("Chips, Salsa & Guac Bar", set(), {"vegan", "vegetarian", "gluten-free", "dairy-free", "nut-free", "halal"}, (3.5, 6.5),
     ["mexican", "snacks"]),
    ("Breakfast Pastry Platter", {"gluten", "dairy", "eggs", "tree nuts"}, {"vegetarian"}, (5.0, 9.0), ["pastries", "brunch"]),
]
CATERERS = ["Happy Plate", "Big Table", "Fork & Fiesta", "Green Basket", "Party Pantry", "Market Street", "Tiny Feast"]


def build_food(b: Builder, city: str) -> None:
    rng = b.rng
    for name, allergens, diets, (plo, phi), tags in FOODS:
        for _ in range(1 if rng.random() < 0.7 else 2):
            caterer = rng.choice(CATERERS)
            full = b.unique_name([f"{caterer} {name}"] + [f"{c} {name}" for c in CATERERS], city)
            kept = {d for d in diets if not DIET_EXCLUDES[d] & allergens}
            kept = {d for d in kept if d != "halal" or rng.random() < 0.8}
            desc = (f"{name.split(' (')[0]} from {caterer} in {city}, priced per guest and delivered for the party. "
                    f"{'Contains ' + ', '.join(sorted(allergens)) if allergens else 'Free of all seven major allergens'}"
                    f"{'; ' + ', '.join(sorted(kept)) if kept else ''}.")
            b.add("food", full, city=city, description=desc, price=money(rng, plo, phi, endings=(0.0, 0.25, 0.5, 0.75, 0.95)),
                  pricing="per_guest", tags=sorted({"food", "catering", *tags, *kept}), interests=[],
                  allergens=sorted(allergens), diet_tags=sorted(kept), lead_time_days=rng.randint(1, 3))


#: experience templates: (name, interests, age_min, pricing, price range)
EXPERIENCES: list[tuple[str, list[str], int, str, tuple[float, float]]] = [
    ("Pasta-Making Class", ["cooking"], 12, "per_guest", (55, 95)),
    ("Sourdough Baking Workshop", ["baking", "cooking"], 14, "per_guest", (60, 110)),
    ("Wine Tasting Flight", ["wine"], 21, "per_guest", (35, 75)),
    ("Winery Tour & Tasting", ["wine", "travel"], 21, "per_guest", (60, 120)),
    ("Coffee Cupping & Roastery Tour", ["coffee"], 16, "per_guest", (25, 45)),
    ("Photography Walk", ["photography", "travel"], 12, "per_guest", (40, 80)),
    ("Guided Day Hike", ["hiking"], 8, "per_guest", (30, 65)),
    ("Pottery Wheel Class", ["crafts", "painting"], 10, "per_guest", (45, 85)),
    ("Glassblowing Workshop", ["crafts"], 16, "per_guest", (85, 150)),
    ("Yoga & Brunch Morning", ["yoga"], 16, "per_guest", (35, 60)),
    ("Stargazing Night with an Astronomer", ["space", "science"], 6, "flat", (220, 380)),
    ("Behind-the-Scenes Theater Tour", ["theater", "movies"], 8, "per_guest", (20, 40)),
    ("Aquarium Behind-the-Scenes Tour", ["animals", "swimming"], 5, "per_guest", (30, 55)),
    ("Go-Kart Grand Prix", ["cars"], 12, "per_guest", (35, 60)),
    ("Salsa Dance Class", ["dance", "music"], 16, "per_guest", (25, 45)),
    ("City Bike Tour", ["cycling", "travel"], 12, "per_guest", (40, 70)),
    ("Recording Studio Session", ["music"], 12, "flat", (250, 450)),
    ("Robotics Lab Day", ["robotics", "coding"], 9, "per_guest", (45, 85)),
    ("Personal Styling Session", ["fashion"], 14, "flat", (150, 300)),
    ("Botanical Garden Tour & Planting", ["gardening"], 6, "per_guest", (20, 40)),
    ("Kayak Harbor Tour", ["swimming", "travel"], 10, "per_guest", (45, 85)),
    ("Chocolate Tasting Workshop", ["cooking", "baking"], 8, "per_guest", (30, 55)),
    ("Esports Arena Session", ["video games"], 10, "per_guest", (25, 45)),
    ("Life Drawing Class", ["drawing", "painting"], 18, "per_guest", (30, 55)),
    ("Soccer Skills Clinic", ["soccer"], 6, "flat", (180, 320)),
    ("Basketball Shooting Clinic", ["basketball"], 8, "flat", (180, 320)),
    ("Overnight Glamping Trip", ["camping", "hiking"], 8, "per_guest", (90, 160)),
    ("Rare Book Library Tour", ["reading"], 10, "per_guest", (15, 30)),
]


def build_experiences(b: Builder, city: str) -> None:
    rng = b.rng
    for name, interests, lo, pricing, (plo, phi) in rng.sample(EXPERIENCES, k=15):
        hood = rng.choice(NEIGHBORHOODS[city])
        full = b.unique_name([f"{hood} {name}", f"{name} in {city}"], city)
        words = THEMES[interests[0]][1]
        unit = "per person" if pricing == "per_guest" else "for a private group"
        desc = (f"A {words[0]} experience in {hood}, {city}: {words[1]} and {words[2]} for ages {lo}+. "
                f"Priced {unit}; a memorable birthday outing.")
        tags = sorted({"experience", *interests, *(w.lower() for w in words[:3]),
                       "class" if any(x in name for x in ("Class", "Workshop", "Clinic")) else "outing", hood.lower()})
        b.add("experience", full, city=city, description=desc,
              price=money(rng, plo, phi, endings=(0.0, 0.0, 0.5)) if pricing == "per_guest" else round5(rng.uniform(plo, phi)),
              pricing=pricing, tags=tags, interests=interests, age_min=lo, age_max=None,
              open_days=day_pattern(rng, rng.random() < 0.7), capacity=rng.choice([8, 10, 12, 16, 20, 30]))


# ---------------------------------------------------------------------------------------------
# Build, check, write
# ---------------------------------------------------------------------------------------------


def build_catalog(seed: int = SEED) -> list[CatalogItem]:
    """Build every item (deterministic for a given ``seed``), validated as ``CatalogItem``, sorted by id."""
    b = Builder(random.Random(seed))
    build_gifts(b)
    build_decorations(b)
    for city in CITIES:
        build_cakes(b, city)
        build_venues(b, city)
        build_activities(b, city)
        build_food(b, city)
        build_experiences(b, city)
    items = []
    for raw in b.items:
        raw = {k: v for k, v in raw.items() if not k.startswith("_")}
        items.append(CatalogItem(**raw))
    items.sort(key=lambda i: i.id)
    sanity_check(items)
    return items


def sanity_check(items: list[CatalogItem]) -> None:
    """Cheap assertions on the rules that are easiest to break when editing this script."""
    assert len(items) >= 1500, len(items)
    assert len({i.id for i in items}) == len(items), "duplicate ids"
    names = Counter((i.city, i.name.lower()) for i in items)
    dup = [n for n, c in names.items() if c > 1]
    assert not dup, f"duplicate names: {dup[:5]}"
    for i in items:
        assert set(i.interests) <= set(INTERESTS), i.id
        assert set(i.allergens) <= set(ALLERGENS), i.id
        assert set(i.diet_tags) <= set(DIET_TAGS), i.id
        for d in i.diet_tags:
            assert not DIET_EXCLUDES[d] & set(i.allergens), f"{i.id}: {d} but contains {i.allergens}"
        if "wine" in i.interests:
            assert (i.age_min or 0) >= 21, f"{i.id}: wine item for under 21"
        assert 3.2 <= i.rating <= 5.0


def write_catalog(items: list[CatalogItem], path: Path) -> str:
    """Write the JSON Lines file and return its text."""
    from tutorial_helpers.catalog.store import serialize

    text = serialize(items)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=DATA_DIR / "catalog.jsonl")
    parser.add_argument("--no-vectors", action="store_true", help="skip the semantic vectors (fast)")
    args = parser.parse_args(argv)
    items = build_catalog(args.seed)
    if not args.no_vectors:
        # vectors first: a process that sees the new catalog file then also finds its vectors
        from tutorial_helpers.catalog import Catalog
        from tutorial_helpers.catalog.semantic import write_vectors

        catalog = Catalog.from_items(items)  # same fingerprint as the file written below
        vec_path = write_vectors(catalog, args.out.parent)
        print(f"wrote vectors for fingerprint {catalog.fingerprint} to {vec_path}")
    write_catalog(items, args.out)
    counts = Counter(i.category for i in items)
    print(f"wrote {len(items)} items to {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if args.no_vectors:
        print("vectors not written: search rebuilds them at first use (run without --no-vectors before committing)")
    print(json.dumps({"total": len(items)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
