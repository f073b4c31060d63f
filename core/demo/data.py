"""Static material for the synthetic demo prison: names, languages, partners and the catalogue.

Everything here is invented. Last names carry a "Demo-" prefix and prison numbers a "DEMO"
prefix so nobody mistakes a screenshot of the demo for real criminal-justice data.
"""

DEMO_MARK = "Synthetic demo data"
DEMO_NAME_PREFIX = "Demo-"
DEMO_NUMBER_PREFIX = "DEMO"
DEMO_SITE_CODES = ("haren", "saint-gilles")
DEMO_ACTIVITY_PREFIX = "demo-"
DEMO_PARTNER_SUFFIX = " (demo)"

# Origins: (weight, first names men, first names women, last names, languages spoken).
# Languages: list of (code, proficiency); the first is the mother tongue.
ORIGINS = {
    "be_fr": (
        26,
        ["Kevin", "Julien", "Nicolas", "Thomas", "Maxime", "Antoine", "Olivier", "Sébastien", "Jérôme", "Romain"],
        ["Julie", "Sarah", "Laura", "Céline", "Aurélie", "Manon", "Sophie", "Émilie"],
        ["Martin", "Dubois", "Lambert", "Dupont", "Lemaire", "Leroy", "Renard", "Gilles", "Simon", "Collard"],
        [("fr", "native")],
    ),
    "be_nl": (
        12,
        ["Jens", "Pieter", "Wouter", "Bram", "Stijn", "Jonas", "Kobe", "Dries", "Tom", "Niels"],
        ["Lotte", "Eline", "Sanne", "Fien", "Ellen", "Hanne"],
        ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "Dewulf"],
        [("nl", "native"), ("fr", "basic")],
    ),
    "ma": (
        18,
        ["Mohamed", "Youssef", "Karim", "Bilal", "Anas", "Hamza", "Mehdi", "Soufiane", "Ilyas", "Rachid"],
        ["Fatima", "Nadia", "Samira", "Khadija", "Imane", "Salma"],
        ["Benali", "El Amrani", "Bouzid", "Haddou", "Tahiri", "Ziani", "Amrani", "Chaoui", "Lahlou", "Idrissi"],
        [("ar", "native"), ("fr", "fluent")],
    ),
    "ro": (
        7,
        ["Andrei", "Ionuț", "Mihai", "Florin", "Bogdan", "Cristian", "Marius"],
        ["Elena", "Ioana", "Maria", "Andreea"],
        ["Popescu", "Ionescu", "Stan", "Dumitru", "Constantin", "Marin", "Stoica"],
        [("ro", "native")],
    ),
    "pl": (
        4,
        ["Piotr", "Tomasz", "Paweł", "Krzysztof", "Marek", "Łukasz"],
        ["Anna", "Katarzyna", "Agnieszka"],
        ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski"],
        [("pl", "native"), ("en", "basic")],
    ),
    "es": (
        3,
        ["Javier", "Carlos", "Alejandro", "Diego", "Sergio"],
        ["Lucía", "Carmen", "Marta"],
        ["García", "Fernández", "López", "Martínez", "Sánchez"],
        [("es", "native"), ("fr", "basic")],
    ),
    "pt": (
        3,
        ["João", "Tiago", "Ricardo", "Bruno", "Rui"],
        ["Ana", "Beatriz", "Inês"],
        ["Silva", "Santos", "Ferreira", "Pereira", "Costa"],
        [("pt", "native"), ("fr", "basic")],
    ),
    "tr": (
        4,
        ["Mehmet", "Emre", "Burak", "Hakan", "Murat", "Serkan"],
        ["Ayşe", "Elif", "Zeynep"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk"],
        [("tr", "native"), ("nl", "basic")],
    ),
    "al": (
        3,
        ["Arben", "Besnik", "Driton", "Ermal", "Florian"],
        ["Albana", "Blerta"],
        ["Hoxha", "Krasniqi", "Berisha", "Gashi", "Shala"],
        [("sq", "native"), ("it", "basic")],
    ),
    "ru": (
        3,
        ["Sergei", "Dmitri", "Aleksandr", "Vladimir", "Artem"],
        ["Olga", "Natalia", "Svetlana"],
        ["Ivanov", "Smirnov", "Kuznetsov", "Popov", "Volkov"],
        [("ru", "native")],
    ),
    "en": (
        2,
        ["James", "Daniel", "Michael", "Chinedu", "Kwame"],
        ["Grace", "Blessing", "Emily"],
        ["Smith", "Okafor", "Mensah", "Johnson", "Adeyemi"],
        [("en", "native")],
    ),
    "er": (
        3,
        ["Yonas", "Dawit", "Tesfay", "Samuel", "Biniam"],
        ["Helen", "Senait", "Freweyni"],
        ["Tesfamariam", "Gebremedhin", "Haile", "Kidane", "Berhane"],
        [("ti", "native"), ("ar", "basic")],
    ),
    "dz": (
        5,
        ["Amine", "Walid", "Nassim", "Farid", "Yacine"],
        ["Leila", "Amel", "Sonia"],
        ["Belkacem", "Hamidi", "Mansouri", "Saidi", "Boudiaf"],
        [("ar", "native"), ("fr", "fluent"), ("ber", "fluent")],
    ),
    "cd": (
        5,
        ["Patrick", "Jean-Paul", "Christian", "Fiston", "Héritier"],
        ["Grâce", "Ruth", "Nadège"],
        ["Kabongo", "Mbuyi", "Tshibangu", "Lukusa", "Ilunga"],
        [("fr", "native"), ("ln", "native")],
    ),
    "ge": (
        2,
        ["Giorgi", "Levan", "Davit", "Nika"],
        ["Nino", "Tamari"],
        ["Beridze", "Kapanadze", "Gelashvili", "Lomidze"],
        [("ka", "native"), ("ru", "fluent")],
    ),
}

STAFF_FIRST_NAMES = ["Marc", "Isabelle", "Hans", "Nathalie", "Luc", "Veerle", "Said", "Chantal", "Koen", "Aïcha",
                     "Philippe", "Griet", "Omar", "Valérie", "Bart", "Sylvie"]
STAFF_LAST_NAMES = ["Vermeulen", "Leclercq", "De Smet", "Bernard", "Van Damme", "Mathieu", "Aerts", "Lejeune",
                    "Cools", "Michel", "Hermans", "François"]
FACILITATOR_FIRST_NAMES = ["Anne", "Benoît", "Carla", "David", "Eva", "Fabrice", "Greet", "Hugo", "Iris", "Jan",
                           "Karima", "Laurent", "Marie", "Nora", "Oscar", "Pauline", "Quentin", "Rita", "Stéphane",
                           "Tine", "Ugo", "Vera", "Wim", "Yasmina", "Zoé", "Ahmed", "Brigitte", "Cédric",
                           "Dirk", "Els"]
FACILITATOR_LAST_NAMES = ["Lefèvre", "Van den Broeck", "Dumont", "Verhoeven", "Marchal", "De Backer", "Noël",
                          "Jansen", "Henrard", "Lemmens", "Fontaine", "Verbeke", "Bastin", "Declercq", "Moreau",
                          "Segers", "Charlier", "Wauters", "Hendrickx", "Denis"]

# The day: (index, start, end, label). Index 2 is the lunch gap (meal and count), so 1 → 3 is a break.
HAREN_PERIODS = [(0, "08:30", "10:00", "P1"), (1, "10:15", "11:45", "P2"),
                 (3, "13:30", "15:00", "P3"), (4, "15:15", "16:45", "P4")]
SAINT_GILLES_PERIODS = [(0, "08:15", "09:45", "P1"), (1, "10:00", "11:30", "P2"),
                        (3, "13:15", "14:45", "P3"), (4, "15:00", "16:30", "P4")]
# Friday afternoon is short at Haren (weekend visits are prepared): no fourth period.
SHORT_DAYS = {"haren": {4: {4}}, "saint-gilles": {}}
# Weekly times rooms are used by others (room code, weekday, start, end, by whom); the solver plans around them.
ROOM_USES = {"saint-gilles": [("CTR-CHAP", 4, "13:30", "16:45", "Worship (synthetic demo)"),
                              ("CTR-SH", 2, "08:30", "10:00", "Prison gym staff (synthetic demo)")]}
# Facilitators' half-days, wide enough for both sites' periods.
HALF_DAYS = {"am": ("08:00", "12:00", (0, 1)), "pm": ("13:00", "17:00", (3, 4))}

LANGUAGE_NAMES = {
    "fr": "French", "nl": "Dutch", "en": "English", "ar": "Arabic", "ro": "Romanian", "pl": "Polish",
    "es": "Spanish", "pt": "Portuguese", "tr": "Turkish", "sq": "Albanian", "ru": "Russian",
    "ti": "Tigrinya", "ber": "Berber", "ln": "Lingala", "ka": "Georgian", "it": "Italian",
}

# Partners: name, community, themes, languages, address, latitude, longitude, public transport.
PARTNERS = [
    ("Atelier des Possibles", "fr", "art, drawing, painting", ["fr"], "Rue de la Senne 12, 1000 Bruxelles",
     "50.846100", "4.345200", "Tram 4, Bourse"),
    ("Taalhuis Noord", "nl", "Dutch lessons, literacy", ["nl", "fr"], "Antwerpsesteenweg 88, 1000 Brussel",
     "50.860300", "4.353800", "Metro 2/6, Yser / IJzer"),
    ("Lire et Écrire Bruxelles-Demo", "fr", "French lessons, literacy", ["fr"],
     "Rue Charles Parenté 10, 1070 Anderlecht", "50.835400", "4.321900", "Metro 5, Saint-Guidon"),
    ("Médiation Réparatrice Brussel", "bi", "restorative justice, victim awareness", ["fr", "nl", "en"],
     "Boulevard de Waterloo 70, 1000 Bruxelles", "50.836700", "4.357400", "Metro 2/6, Porte de Namur"),
    ("Théâtre du Pont", "fr", "theatre, expression", ["fr"], "Rue du Pont Neuf 4, 1000 Bruxelles",
     "50.852900", "4.352000", "Metro 1/5, De Brouckère"),
    ("Sportief Haren", "nl", "sport, fitness, football", ["nl", "fr"], "Harenheidestraat 5, 1130 Haren",
     "50.886900", "4.418300", "Bus 64, Haren Station"),
    ("CyberCap Demo", "bi", "computer literacy, digital skills", ["fr", "nl", "en"],
     "Chaussée de Gand 120, 1080 Molenbeek", "50.856300", "4.331700", "Metro 1/5, Comte de Flandre"),
    ("Werkwinkel Brussel", "nl", "job search, CV, interview training", ["nl", "en"],
     "Sint-Lazaruslaan 4, 1210 Sint-Joost-ten-Node", "50.855600", "4.362400", "Metro 2/6, Rogier"),
    ("Maison des Parents Demo", "fr", "parenting, family links", ["fr", "ar"], "Rue Haute 300, 1000 Bruxelles",
     "50.837500", "4.345100", "Bus 27, Place du Jeu de Balle"),
    ("Aide aux Justiciables Demo", "fr", "social aid, release preparation", ["fr", "ar", "en"],
     "Rue de la Victoire 150, 1060 Saint-Gilles", "50.830100", "4.343600", "Tram 81, Parvis de Saint-Gilles"),
    ("Justitieel Welzijnswerk Demo", "nl", "social aid, release preparation", ["nl", "fr"],
     "Koningsstraat 200, 1210 Sint-Joost-ten-Node", "50.852400", "4.367900", "Metro 2/6, Botanique / Kruidtuin"),
    ("Musique en Liberté", "bi", "music, choir, rhythm", ["fr", "nl"], "Rue de Flandre 46, 1000 Bruxelles",
     "50.853100", "4.347000", "Metro 1/5, Sainte-Catherine"),
    ("Mindful Inside", "bi", "yoga, mindfulness, wellbeing", ["en", "nl", "fr"],
     "Avenue Louise 250, 1050 Ixelles", "50.826500", "4.363300", "Tram 8/93, Bailli"),
    ("Cuisine Solidaire Demo", "fr", "cooking, nutrition, hygiene", ["fr", "pt", "es"],
     "Rue de Birmingham 55, 1080 Molenbeek", "50.848900", "4.327500", "Metro 2/6, Gare de l'Ouest"),
    ("Bibliotheek Achter de Muren", "nl", "reading, library, writing", ["nl", "fr", "en"],
     "Place Sainctelette 2, 1080 Molenbeek", "50.860100", "4.346100", "Tram 51, Sainctelette"),
]

# The picture printed beside each activity on the offer sheet and the application slip.
PICTOGRAMS = {
    "fle": "language", "nt2": "language", "english": "language", "alpha": "writing", "math": "numbers",
    "cep": "reading", "reading": "reading", "writing": "writing", "computer": "computer", "jobsearch": "work",
    "restorative": "talk", "victim": "talk", "welzijn": "talk", "philosophy": "talk", "anger": "talk",
    "addiction": "talk", "parenting": "family", "release": "door", "drawing": "art", "ceramics": "art",
    "theatre": "theatre", "choir": "music", "music": "music", "football": "ball", "fitness": "fitness",
    "yoga": "calm", "mindfulness": "calm", "cooking": "cooking", "woodwork": "tools", "gardening": "calm",
}

# Activities: code, kind, titles (fr, nl, en), partner index or None, room kinds, group (min, max),
# session periods, sessions per week, weeks, languages, target groups, facilitator kind.
ACTIVITIES = [
    ("fle", "training", ("Français langue étrangère – accueil", "Frans voor anderstaligen – onthaal",
                         "French for non-speakers – reception class"), 2, ["classroom"], (6, 10), 1, 2, 16,
     ["fr"], [], "teacher"),
    ("nt2", "training", ("Néerlandais langue étrangère – accueil", "Nederlands tweede taal – onthaal",
                         "Dutch for non-speakers – reception class"), 1, ["classroom"], (6, 10), 1, 2, 16,
     ["nl"], [], "teacher"),
    ("alpha", "training", ("Alphabétisation", "Alfabetisering", "Literacy"), 2, ["classroom"], (4, 8), 1, 2, 16,
     ["fr"], [], "teacher"),
    ("restorative", "psychosocial", ("Justice réparatrice – groupe de parole", "Herstelgericht werken – gespreksgroep",
                                     "Restorative justice group"), 3, ["multipurpose", "classroom"], (6, 10), 2, 1,
     10, ["fr", "nl"], ["sentenced"], "partner_employee"),
    ("victim", "psychosocial", ("Sensibilisation aux victimes", "Slachtofferbewustzijn", "Victim awareness"), 3,
     ["multipurpose", "classroom"], (6, 10), 2, 1, 8, ["fr", "nl"], ["sentenced"], "partner_employee"),
    ("drawing", "sociocultural", ("Dessin et peinture", "Tekenen en schilderen", "Drawing and painting"), 0,
     ["workshop", "multipurpose"], (6, 10), 2, 1, 12, ["fr"], [], "volunteer"),
    ("theatre", "sociocultural", ("Atelier théâtre", "Theaterworkshop", "Theatre workshop"), 4,
     ["stage", "multipurpose"], (8, 14), 2, 1, 14, ["fr"], [], "volunteer"),
    ("football", "sport", ("Football", "Voetbal", "Football"), 5, ["sports_hall"], (10, 16), 1, 2, 16,
     ["fr", "nl"], ["men"], "staff"),
    ("fitness", "sport", ("Remise en forme", "Fitness", "Fitness"), 5, ["gym"], (6, 12), 1, 2, 16,
     ["fr", "nl"], [], "staff"),
    ("computer", "training", ("Initiation à l'informatique", "Computervaardigheden", "Computer literacy"), 6,
     ["computer"], (6, 10), 2, 1, 10, ["fr", "nl"], [], "volunteer"),
    ("jobsearch", "training", ("Recherche d'emploi", "Werk zoeken", "Job search"), 7,
     ["classroom", "computer"], (5, 8), 1, 1, 8, ["nl", "fr"], ["sentenced"], "partner_employee"),
    ("parenting", "psychosocial", ("Être parent en détention", "Ouderschap in detentie", "Parenting from prison"), 8,
     ["multipurpose", "classroom"], (6, 8), 2, 1, 10, ["fr"], [], "volunteer"),
    ("release", "psychosocial", ("Préparer sa sortie", "Voorbereiding op vrijlating", "Preparing for release"), 9,
     ["classroom", "multipurpose"], (6, 10), 1, 1, 10, ["fr"], ["sentenced"], "partner_employee"),
    ("welzijn", "psychosocial", ("Groupe bien-être (NL)", "Welzijnsgroep", "Wellbeing group (Dutch)"), 10,
     ["multipurpose", "classroom"], (6, 10), 1, 1, 12, ["nl"], [], "partner_employee"),
    ("choir", "sociocultural", ("Chorale", "Koor", "Choir"), 11, ["stage", "multipurpose"], (8, 15), 1, 1, 16,
     ["fr", "nl"], [], "volunteer"),
    ("music", "sociocultural", ("Atelier musique et rythme", "Muziek en ritme", "Music and rhythm"), 11,
     ["multipurpose", "stage"], (6, 10), 2, 1, 12, ["fr", "nl"], [], "volunteer"),
    ("yoga", "sport", ("Yoga", "Yoga", "Yoga"), 12, ["multipurpose", "gym"], (6, 12), 1, 1, 16, ["en", "fr"], [],
     "volunteer"),
    ("mindfulness", "psychosocial", ("Pleine conscience", "Mindfulness", "Mindfulness"), 12,
     ["multipurpose", "chapel"], (6, 10), 1, 1, 8, ["nl", "en"], [], "volunteer"),
    ("cooking", "training", ("Cuisine et hygiène", "Koken en hygiëne", "Cooking and food hygiene"), 13,
     ["workshop"], (6, 8), 2, 1, 10, ["fr"], [], "partner_employee"),
    ("reading", "sociocultural", ("Club de lecture", "Leesclub", "Reading club"), 14, ["library"], (6, 12), 1, 1, 16,
     ["nl", "fr"], [], "volunteer"),
    ("writing", "sociocultural", ("Atelier d'écriture", "Schrijfatelier", "Creative writing"), 14,
     ["library", "classroom"], (6, 10), 2, 1, 12, ["fr"], [], "volunteer"),
    ("math", "training", ("Calcul et mathématiques", "Rekenen en wiskunde", "Numeracy and mathematics"), None,
     ["classroom"], (6, 10), 1, 2, 16, ["fr"], [], "teacher"),
    ("cep", "training", ("Certificat d'études de base", "Getuigschrift basisonderwijs",
                         "Primary school certificate"), None, ["classroom"], (6, 10), 2, 1, 16, ["fr", "nl"], [],
     "teacher"),
    ("woodwork", "training", ("Menuiserie", "Houtbewerking", "Woodwork"), None, ["workshop"], (6, 8), 2, 1, 16,
     ["fr", "nl"], ["sentenced"], "staff"),
    ("ceramics", "sociocultural", ("Céramique", "Keramiek", "Ceramics"), 0, ["workshop"], (6, 8), 2, 1, 10, ["fr"],
     [], "volunteer"),
    ("philosophy", "sociocultural", ("Ateliers philo", "Filosofiegroep", "Philosophy circle"), None,
     ["library", "multipurpose"], (6, 12), 1, 1, 10, ["fr"], [], "volunteer"),
    ("english", "training", ("Anglais débutant", "Engels voor beginners", "English for beginners"), None,
     ["classroom"], (6, 10), 1, 1, 12, ["en", "fr"], [], "volunteer"),
    ("anger", "psychosocial", ("Gérer sa colère", "Omgaan met boosheid", "Anger management"), 9,
     ["multipurpose", "interview"], (4, 8), 1, 1, 8, ["fr", "nl"], [], "partner_employee"),
    ("addiction", "psychosocial", ("Assuétudes – groupe de parole", "Verslaving – praatgroep",
                                   "Addiction support group"), 10, ["multipurpose", "interview"], (4, 8), 1, 1, 12,
     ["nl", "fr"], [], "partner_employee"),
    ("gardening", "sociocultural", ("Jardinage", "Tuinieren", "Gardening"), None, ["workshop"], (6, 10), 2, 1, 12,
     ["fr", "nl"], [], "volunteer"),
]

DESCRIPTIONS = {
    "fr": "{title} : un module en petit groupe, animé en prison, ouvert aux personnes motivées. "
          "Données de démonstration synthétiques.",
    "nl": "{title}: een module in kleine groep, in de gevangenis, open voor gemotiveerde deelnemers. "
          "Synthetische demonstratiegegevens.",
    "en": "{title}: a small-group module run inside the prison, open to motivated participants. "
          "Synthetic demo data.",
}
