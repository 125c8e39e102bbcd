"""Synonym tables: how people say the catalog's words.

Every table maps what a person writes (lower case) to the catalog vocabulary of
:mod:`tutorial_helpers.domain`. The ``full`` extractor reads all of them; the ``small`` one reads
only the vocabulary words themselves.
"""

from __future__ import annotations

from tutorial_helpers.domain import ALLERGENS, CATEGORIES, CITIES, DIET_TAGS, INTERESTS

#: interest -> what people write for it (the interest itself is always included)
INTEREST_SYNONYMS: dict[str, tuple[str, ...]] = {
    "dinosaurs": ("dinosaur", "dinos", "dino", "t-rex", "t-rexes", "trexes", "t rex", "trex", "t. rex", "tyrannosaurus",
                  "jurassic",
                  "jurassic park", "raptors", "velociraptor", "triceratops", "paleontology", "fossils", "fossil"),
    "space": ("outer space", "astronaut", "astronauts", "planets", "planet", "rockets", "rocket", "astronomy",
              "galaxy", "galaxies", "nasa", "telescope", "solar system", "spaceships", "spaceship", "moon landing",
              "the stars", "cosmos", "space exploration"),
    "painting": ("paint", "paints", "painter", "to paint", "watercolor", "watercolors", "watercolour",
                 "watercolours", "acrylics", "oil painting", "art", "arts", "fine art"),
    "drawing": ("draw", "to draw", "drawings", "sketching", "sketch", "sketches", "doodling", "doodle", "doodles",
                "illustration", "comics", "manga", "cartooning"),
    "crafts": ("craft", "crafting", "crafty", "arts and crafts", "arts & crafts", "knitting", "knit", "crochet",
               "crocheting", "sewing", "diy", "origami", "pottery", "ceramics", "jewelry making", "scrapbooking"),
    "lego": ("legos", "lego bricks", "lego sets", "duplo", "building blocks", "brick building"),
    "science": ("experiments", "experiment", "chemistry", "physics", "biology", "scientist", "scientists",
                "science experiments", "stem", "microscope", "lab coat", "mad science"),
    "robotics": ("robot", "robots", "robotic", "droids"),
    "coding": ("code", "to code", "programming", "programmer", "python", "javascript", "computer science",
               "computers", "coder", "software", "app development", "game development"),
    "video games": ("video game", "videogames", "videogame", "gaming", "gamer", "minecraft", "fortnite", "roblox",
                    "nintendo", "xbox", "playstation", "ps5", "pokemon", "pokémon", "mario", "zelda", "esports",
                    "console games", "computer games"),
    "board games": ("board game", "boardgames", "boardgame", "chess", "catan", "monopoly", "tabletop games",
                    "tabletop", "card games", "dungeons and dragons", "dungeons & dragons", "d&d", "puzzles",
                    "jigsaw puzzles", "scrabble", "checkers"),
    "reading": ("books", "book", "novels", "novel", "to read", "reader", "bookworm", "harry potter", "literature",
                "library", "stories"),
    "music": ("musical instruments", "singing", "to sing", "singer", "songs", "guitar", "piano", "concerts",
              "concert", "drums", "violin", "karaoke", "musician", "rock music", "pop music", "taylor swift",
              "ukulele", "choir"),
    "dance": ("dancing", "to dance", "dancer", "ballet", "hip hop", "hip-hop", "tap dance", "ballroom", "salsa",
              "zumba", "ballerina"),
    "theater": ("theatre", "acting", "actor", "actress", "drama", "musicals", "broadway", "the stage", "improv",
                "plays and musicals"),
    "movies": ("movie", "films", "film", "cinema", "movie theater", "movie theatre", "the cinema", "movie nights",
               "movie night", "star wars", "marvel", "disney movies"),
    "soccer": ("football", "futbol", "fútbol", "soccer ball", "the world cup"),
    "basketball": ("hoops", "nba", "shooting hoops", "basket ball"),
    "swimming": ("swim", "to swim", "swimmer", "pool", "pool party", "swimming pool", "the pool", "water park"),
    "hiking": ("hike", "hikes", "to hike", "hiker", "trails", "trail", "trekking", "backpacking", "the outdoors",
               "outdoorsy", "nature walks", "mountains"),
    "camping": ("camp out", "campfire", "campfires", "tent", "tents", "camper", "glamping", "sleeping under the stars"),
    "cycling": ("bike", "bikes", "biking", "bicycle", "bicycles", "cyclist", "mountain biking", "mountain bikes",
                "bmx", "riding bikes", "to ride bikes"),
    "yoga": ("pilates", "meditation", "meditating", "mindfulness", "yogi", "stretching"),
    "cooking": ("cook", "to cook", "chef", "chefs", "cuisine", "culinary", "recipes", "cookbook", "cookbooks",
                "foodie", "grilling", "bbq"),
    "baking": ("bake", "to bake", "baker", "pastry", "pastries", "cupcake decorating", "cookie decorating",
               "great british bake off", "bake off"),
    "gardening": ("garden", "gardens", "gardener", "plants", "houseplants", "succulents", "flowers",
                  "growing vegetables",
                  "botany", "horticulture"),
    "photography": ("camera", "cameras", "photos", "photo", "photographer", "taking pictures", "polaroid",
                    "photographs", "film photography"),
    "animals": ("animal", "pets", "pet", "dogs", "dog", "puppies", "puppy", "cats", "cat", "kittens", "kitten",
                "horses", "horse", "ponies", "pony", "horseback riding", "zoo", "zoos", "wildlife", "petting zoo",
                "farm animals", "bunnies", "bunny", "rabbits", "birds", "bugs", "insects", "reptiles", "sharks",
                "animal lover", "critters", "marine life", "ocean animals"),
    "cars": ("car", "trucks", "truck", "monster trucks", "racing", "race cars", "race car", "racecars", "vehicles",
             "formula 1", "formula one", "f1", "nascar", "hot wheels", "motorcycles", "go-karts", "go karts",
             "karting", "trains"),
    "fashion": ("clothes", "clothing", "style", "makeup", "make-up", "fashionista", "shopping", "designer clothes",
                "jewelry", "outfits", "nail art"),
    "travel": ("traveling", "travelling", "to travel", "trips", "trip", "traveler", "traveller", "globetrotter",
               "wanderlust", "road trips", "exploring new places", "vacations"),
    "coffee": ("espresso", "latte", "lattes", "cappuccino", "cappuccinos", "barista", "coffee lover", "cold brew"),
    "wine": ("wines", "vino", "winery", "wineries", "sommelier", "wine tasting", "red wine", "white wine",
             "vineyards", "vineyard", "oenophile"),
}

#: words that, right before / right after a synonym, show it does not name an interest
INTEREST_VETO_BEFORE: dict[str, frozenset[str]] = {
    "space": frozenset({"a", "the", "enough", "venue", "event", "party", "outdoor", "indoor", "open", "more", "some",
                        "big", "large", "small", "private", "parking", "office", "work", "safe", "rental", "our",
                        "your", "this", "that", "any", "play", "much", "no", "storage", "floor", "green"}),
    "dog": frozenset({"hot", "corn"}), "dogs": frozenset({"hot", "corn"}),
    "animal": frozenset({"balloon"}), "animals": frozenset({"balloon"}),
    "pool": frozenset({"car", "gene"}),
    "car": frozenset({"by", "a", "the", "one", "our", "my", "rental", "in"}),
    "style": frozenset({"party", "buffet", "family", "potluck", "in", "any", "this", "that", "picnic", "cocktail"}),
    "code": frozenset({"dress", "zip", "promo", "discount", "postal", "area"}),
    "art": frozenset({"state", "of", "the"}),
    "book": frozenset({"to", "can", "please", "and", "or", "should"}),
    "trip": frozenset({"a", "the", "round", "day", "field"}),
    "drama": frozenset({"no", "without"}),
    "stories": frozenset({"two", "three"}),
    "shopping": frozenset({"grocery", "the"}),
    "cook": frozenset({"will", "who", "the", "a", "can", "we", "i"}),
    "bake": frozenset({"will", "who", "we", "i", "can"}),
    "garden": frozenset({"beer", "olive"}),
    "stretching": frozenset({"budget"}),
    "film": frozenset({"cling"}),
    "truck": frozenset({"food"}), "trucks": frozenset({"food"}),
}
INTEREST_VETO_AFTER: dict[str, frozenset[str]] = {
    "space": frozenset({"for", "to", "that", "which", "rental", "big", "large", "available", "is", "was", "with",
                        "needed", "required"}),
    "pool": frozenset({"table", "tables", "hall", "noodle", "noodles", "of"}),
    "photo": frozenset({"booth", "backdrop", "id"}), "photos": frozenset({"booth", "of"}),
    "coffee": frozenset({"cake", "shop", "table"}),
    "garden": frozenset({"party", "venue", "salad", "area"}),
    "trip": frozenset({"there", "home"}),
    "trail": frozenset({"mix"}),
    "craft": frozenset({"coffee", "beer", "beers", "cocktails", "brewery", "breweries", "spirits", "chocolate"}),
    "style": frozenset({"venue", "party", "dinner", "food", "cake"}),
    "book": frozenset({"a", "the", "it", "an", "something", "this", "that"}),
    "art": frozenset({"deco"}),
    "cat": frozenset({"nap"}),
    "bike": frozenset({"rack", "parking"}),
    "car": frozenset({"seat", "seats", "park", "parking", "ride", "pool"}),
    "flowers": frozenset({"on", "for", "as"}),
    "film": frozenset({"crew"}),
    "camera": frozenset({"shy"}),
    "dance": frozenset({"floor"}),
    "music": frozenset({"playlist"}),
}

#: allergen -> words naming it
ALLERGEN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "peanuts": ("peanut", "peanuts", "peanut butter", "groundnuts", "groundnut"),
    "tree nuts": ("tree nut", "tree nuts", "treenut", "treenuts", "almond", "almonds", "cashew", "cashews", "walnut",
                  "walnuts", "pecan", "pecans", "hazelnut", "hazelnuts", "pistachio", "pistachios", "macadamia",
                  "brazil nuts"),
    "gluten": ("gluten", "wheat", "celiac", "coeliac", "celiac disease", "coeliac disease"),
    "dairy": ("dairy", "lactose", "milk", "cheese", "cow's milk"),
    "eggs": ("egg", "eggs", "eggless"),
    "soy": ("soy", "soya", "soybean", "soybeans", "soy beans"),
    "sesame": ("sesame", "sesame seeds", "tahini"),
}
#: words naming both peanuts and tree nuts
GENERIC_NUTS: tuple[str, ...] = ("nut", "nuts", "nutty")
#: allergens people mention that the catalog does not track (kept in evidence, never an error)
UNSUPPORTED_ALLERGENS: tuple[str, ...] = (
    "shellfish", "seafood", "fish", "shrimp", "prawns", "crab", "lobster", "strawberries", "strawberry", "kiwi",
    "mustard", "corn", "latex", "chocolate", "citrus", "sulfites", "celery", "lupin", "bananas", "banana",
    "red dye", "food coloring", "msg", "mushrooms",
)

#: diet tag -> words naming it
DIET_SYNONYMS: dict[str, tuple[str, ...]] = {
    "vegan": ("vegan", "vegans", "plant-based", "plant based", "fully plant based", "no animal products"),
    "vegetarian": ("vegetarian", "vegetarians", "veggie", "veg", "meat-free", "meatless", "no meat",
                   "lacto-ovo"),
    "halal": ("halal", "zabiha", "muslim dietary"),
    "gluten-free": ("gluten-free", "gluten free", "glutenfree"),
    "dairy-free": ("dairy-free", "dairy free", "dairyfree", "non-dairy", "nondairy", "milk-free", "lactose-free",
                   "lactose free"),
    "nut-free": ("nut-free", "nut free", "nutfree", "peanut-free", "peanut free", "tree-nut-free", "nut safe",
                 "nut-safe"),
}
UNSUPPORTED_DIETS: tuple[str, ...] = ("kosher", "keto", "paleo", "low-carb", "low carb", "sugar-free", "sugar free",
                                      "diabetic", "low sodium", "whole30", "fodmap")

#: category -> nouns naming it when a user says what to plan ("just a gift", "a cake and a venue")
CATEGORY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "gift": ("gift", "gifts", "present", "presents", "birthday present", "birthday gift"),
    "cake": ("cake", "cakes", "cupcakes", "birthday cake"),
    "venue": ("venue", "venues", "place", "location", "hall", "room", "party room", "spot"),
    "activity": ("activity", "activities", "entertainment", "entertainer", "games", "workshop", "class"),
    "decoration": ("decoration", "decorations", "decor", "décor", "decorating", "balloons", "decos"),
    "food": ("food", "catering", "caterer", "snacks", "pizza", "buffet", "finger food"),
    "experience": ("experience", "experiences", "outing", "day out", "tickets"),
}

#: city -> nicknames and abbreviations (matched case-insensitively, except ALL-CAPS ones)
CITY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Austin": ("ATX", "Austin TX", "Austin, Texas", "Austin Texas"),
    "Boston": ("Beantown", "Bean Town", "Boston MA", "Boston, Massachusetts"),
    "Chicago": ("Chi-town", "Chitown", "Chi town", "Windy City", "Chicagoland", "Chi-Town", "CHI"),
    "Denver": ("Mile High City", "Mile High", "Denver CO", "Denver, Colorado", "DEN"),
    "Seattle": ("Emerald City", "Seattle WA", "Seattle, Washington", "Rain City", "SEA"),
    "San Francisco": ("SF", "San Fran", "San Fransisco", "Bay Area", "the Bay", "S.F.", "SFO",
                      "San Francisco CA", "Sanfrancisco"),
}
#: abbreviations that are only read in capitals ("LA", not "la")
CASE_SENSITIVE_CITY_WORDS: frozenset[str] = frozenset({"LA", "NY", "DC", "CHI", "DEN", "SEA", "NOLA", "L.A.", "D.C."})
#: well-known cities the catalog does not serve: a request there cannot be planned
UNSUPPORTED_CITIES: tuple[str, ...] = (
    "New York City", "New York", "NYC", "NY", "Manhattan", "Brooklyn", "Queens", "Los Angeles", "LA", "L.A.",
    "Hollywood", "Miami", "Portland", "Houston", "Dallas", "San Antonio", "El Paso", "Fort Worth", "Phoenix",
    "Tucson", "Philadelphia", "Philly", "Pittsburgh", "San Diego", "San Jose", "Sacramento", "Oakland",
    "Atlanta", "Orlando", "Tampa", "Jacksonville", "Las Vegas", "Vegas", "Nashville", "Memphis", "Detroit",
    "Minneapolis", "St. Louis", "Saint Louis", "Kansas City", "New Orleans", "NOLA", "Baltimore",
    "Washington DC", "Washington, D.C.", "DC", "D.C.", "Cleveland", "Columbus", "Cincinnati", "Indianapolis",
    "Milwaukee", "Charlotte", "Raleigh", "Salt Lake City", "Albuquerque", "Boise", "Omaha", "Honolulu",
    "Anchorage", "Spokane", "Tacoma", "Buffalo", "Louisville", "Richmond", "Toronto", "Vancouver", "Montreal",
    "Mexico City", "London", "Paris", "Berlin", "Madrid", "Barcelona", "Rome", "Milan", "Amsterdam", "Dublin",
    "Lisbon", "Prague", "Vienna", "Tokyo", "Seoul", "Singapore", "Hong Kong", "Sydney", "Melbourne", "Dubai",
    "Mumbai", "Delhi", "Cairo", "Buenos Aires", "Sao Paulo", "São Paulo", "Rio de Janeiro", "Lagos", "Nairobi",
)

#: family and friend words that name who the birthday is for
RELATIONS: tuple[str, ...] = (
    "daughter", "son", "kid", "child", "kiddo", "boy", "girl", "nephew", "niece", "grandson", "granddaughter",
    "grandkid", "grandchild", "friend", "best friend", "bestie", "bff", "husband", "wife", "partner", "spouse",
    "boyfriend", "girlfriend", "fiance", "fiancé", "fiancée", "mom", "mother", "mum", "mommy", "dad", "father",
    "daddy", "grandma", "grandpa", "grandmother", "grandfather", "granny", "nana", "nanna", "grandad",
    "granddad", "brother", "sister", "cousin", "aunt", "auntie", "uncle", "colleague", "coworker", "co-worker",
    "boss", "roommate", "neighbor", "neighbour", "baby", "toddler", "twins", "teen", "teenager", "stepson",
    "stepdaughter", "godson", "goddaughter", "goddaughter", "sibling", "students", "student",
)

#: nouns that count people ("12 kids", "20 friends", "6 of us")
GUEST_NOUNS: tuple[str, ...] = (
    "guests", "guest", "people", "kiddos", "kiddies", "youngsters", "tweens", "souls", "humans", "persons", "person",
    "kids", "children", "childs", "friends", "adults", "attendees",
    "invitees", "folks", "pals", "buddies", "classmates", "family members", "relatives", "colleagues", "coworkers",
    "co-workers", "teens", "teenagers", "girls", "boys", "toddlers", "little ones", "littles", "grownups",
    "grown-ups", "parents", "partygoers", "party-goers", "heads", "ppl", "pax", "of us", "of them", "cousins",
    "grandkids", "neighbors", "neighbours", "players", "ladies", "gentlemen", "couples", "families",
    "moms", "mums", "dads", "mothers", "fathers", "grandparents", "aunts", "uncles", "teammates", "chaperones",
)
SMALL_GUEST_NOUNS: tuple[str, ...] = ("guests", "people", "kids", "children", "friends")

#: feedback label -> phrases that express it in a conversation
FEEDBACK_PHRASES: dict[str, tuple[str, ...]] = {
    "too_expensive": ("too expensive", "too pricey", "too costly", "too much money", "costs too much", "over budget",
                      "over our budget", "over my budget", "out of our budget", "out of my budget",
                      "out of our price range", "out of my price range", "can't afford", "cannot afford",
                      "overpriced", "a bit steep", "too steep", "way too much", "pricey", "expensive", "costly",
                      "a lot of money", "more than we want to spend", "more than i want to spend"),
    "cheaper": ("cheaper", "less expensive", "lower price", "lower cost", "more affordable", "budget option",
                "budget-friendly", "save money", "cut costs", "cut the cost", "bring the cost down",
                "bring the price down", "lower the cost", "less pricey", "less costly", "spend less", "inexpensive",
                "economical", "on a budget"),
    "already_has": ("already has", "already have", "already got", "already owns", "already own", "has one already",
                    "has that already", "has it already", "got that last year", "got one last year",
                    "got it last year", "already gave", "already bought", "she has that", "he has that",
                    "they have that"),
    "different_gift": ("different gift", "another gift", "other gift", "different present", "another present",
                       "something else", "another option", "other options", "different one", "another one",
                       "swap the gift", "change the gift", "replace the gift", "other ideas", "another idea",
                       "different idea", "alternatives", "alternative"),
    "more_guests": ("more guests", "more people", "more kids", "more friends", "extra guests", "additional guests",
                    "invite more", "a few more", "bigger venue", "larger venue", "more room", "more space",
                    "more children", "more adults"),
    "accept": ("looks great", "looks good", "look great", "look good", "sounds great", "sounds good", "perfect",
               "let's do it", "lets do it", "book it", "that works", "works for me", "i'll take it", "we'll take it",
               "love it", "go ahead", "yes please", "great, thanks", "great thanks", "deal", "approved",
               "let's go with", "lets go with", "we'll go with", "i'll go with", "sounds perfect", "exactly right",
               "all good", "that's great", "thats great", "awesome, thanks", "confirm", "ship it"),
}

SMALL_INTERESTS: tuple[str, ...] = INTERESTS
SMALL_ALLERGENS: tuple[str, ...] = ALLERGENS
SMALL_DIETS: tuple[str, ...] = DIET_TAGS
SMALL_CATEGORIES: tuple[str, ...] = CATEGORIES
SMALL_CITIES: tuple[str, ...] = CITIES
