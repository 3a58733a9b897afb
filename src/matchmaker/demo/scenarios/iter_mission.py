"""Scenario 1: an economic mission of a Polish technology park to ITER, 17–18 October 2019.

Written by us from the public outline of the event. The host bodies are named as in public
reports; the delegation's companies, universities and every person are invented for the demo.
"""

from __future__ import annotations

SLUG = "iter-mission-2019"

EVENT = {
    "name": "Economic mission to ITER 2019",
    "slug": SLUG,
    "kind": "economic_mission",
    "format": "on_site",
    "start_date": "2019-10-17",
    "end_date": "2019-10-18",
    "time_zone": "Europe/Paris",
    "languages": ["en", "pl", "fr"],
    "requires_approval": True,
    "is_published": True,
    "description": (
        "A delegation of Polish companies and universities visits the ITER site in "
        "Saint-Paul-lez-Durance to learn how the project buys, to present what the delegation can "
        "build, and to meet ITER engineers, procurement officers, Fusion for Energy and French "
        "suppliers in two sessions of bilateral meetings. Organised by a Polish technology park "
        "within its big-science project."
    ),
}

VENUES = [
    {"key": "hq", "name": "ITER Headquarters, council room", "address": "Route de Vinon-sur-Verdon",
     "city": "Saint-Paul-lez-Durance", "country": "FR"},
    {"key": "site", "name": "ITER construction site", "address": "Visitor centre gate",
     "city": "Saint-Paul-lez-Durance", "country": "FR"},
    {"key": "aix", "name": "Hôtel de ville reception hall", "address": "Place de l'Hôtel de Ville",
     "city": "Aix-en-Provence", "country": "FR"},
]

# (day, start, end, kind, title, venue key, speakers)
PROGRAMME = [
    (1, "08:30", "09:00", "other", "Registration and security check", "hq", ""),
    (1, "09:00", "09:30", "opening", "Opening by the Director-General of ITER", "hq", "ITER Director-General"),
    (1, "09:30", "10:10", "presentation", "Science in Poland: the national landscape and big-science projects",
     "hq", "Polish technology park"),
    (1, "10:10", "10:50", "presentation", "How ITER buys: procurement rules and upcoming tenders", "hq",
     "ITER Procurement Division"),
    (1, "10:50", "11:20", "presentation", "Business perspectives with Fusion for Energy", "hq", "Fusion for Energy"),
    (1, "11:20", "12:30", "pitch", "Delegation pitches: nine Polish organisations in five minutes each", "hq", ""),
    (1, "12:30", "13:30", "other", "Lunch", "hq", ""),
    (1, "13:30", "15:30", "b2b", "B2B meetings, session 1", "hq", ""),
    (1, "15:45", "17:45", "b2b", "B2B meetings, session 2", "hq", ""),
    (1, "18:30", "19:15", "transfer", "Bus to Aix-en-Provence", "", ""),
    (1, "19:30", "22:00", "reception", "Evening reception", "aix", ""),
    (2, "09:00", "11:30", "site_visit", "Visit of the ITER construction site and assembly hall", "site", ""),
    (2, "11:45", "13:00", "presentation", "Closing session: tenders in 2020 and how to prepare", "hq",
     "ITER Procurement Division, Fusion for Energy"),
]

CATEGORIES = [
    {"key": "delegate", "name": "Delegation member", "open": True,
     "description": "A company, university or institute travelling with the Polish delegation."},
    {"key": "iter", "name": "ITER engineer or manager", "open": False,
     "description": "Technical staff of the ITER Organization meeting the delegation."},
    {"key": "procurement", "name": "ITER procurement officer", "open": False, "description": ""},
    {"key": "f4e", "name": "Fusion for Energy", "open": False,
     "description": "The European domestic agency for ITER."},
    {"key": "french", "name": "French company", "open": True,
     "description": "French suppliers looking for Polish subcontractors."},
]

QUESTIONS = [
    {"label": "Which ITER work packages interest you most?", "kind": "long", "required": False,
     "categories": ["delegate"]},
    {"label": "Will you join the evening reception in Aix-en-Provence?", "kind": "yes_no", "required": True,
     "categories": []},
]

# Organisations: key, name, type, country, region, sectors, size, website, description, competences, languages
ORGANISATIONS = [
    ("iter", "ITER Organization", "bigscience", "FR", "Provence-Alpes-Côte d'Azur", ["nuclear", "M"], "large",
     "https://www.iter.org", "The international organisation building the ITER fusion device.",
     "Tokamak assembly, vacuum vessel, magnets, cryogenics, remote handling, diagnostics.", ["en", "fr"]),
    ("f4e", "Fusion for Energy", "public", "ES", "Catalonia", ["nuclear"], "large", "https://fusionforenergy.europa.eu",
     "The European Union's domestic agency that supplies Europe's share of ITER components.",
     "Procurement of in-kind contributions, supplier qualification, quality assurance.", ["en", "es", "fr"]),
    ("park", "Baltic Science and Technology Park", "support", "PL", "Pomorskie", ["M", "nuclear"], "medium",
     "", "A technology park that helps companies from northern Poland enter big-science markets.",
     "Big-science liaison, export missions, tender coaching.", ["pl", "en"]),
    ("vistula", "Vistula Vacuum Systems", "sme", "PL", "Mazowieckie", ["cryogenics-vacuum", "C"], "small", "",
     "Designs and builds ultra-high-vacuum chambers, valves and leak-test stands.",
     "UHV chambers, all-metal valves, helium leak testing, clean assembly.", ["pl", "en"]),
    ("amber", "Amber Precision Machining", "sme", "PL", "Pomorskie", ["mechanical-engineering", "C"], "medium", "",
     "Five-axis machining of large stainless-steel and Inconel parts for energy and aerospace.",
     "Large-part CNC machining, welding to ISO 3834, NDT.", ["pl", "en", "de"]),
    ("silesia-cryo", "Silesia Cryogenics", "sme", "PL", "Śląskie", ["cryogenics-vacuum", "nuclear"], "small", "",
     "Cryogenic transfer lines and valve boxes for research facilities.",
     "Cryogenic piping, vacuum-insulated lines, thermal shields.", ["pl", "en"]),
    ("radiant", "Radiant Detectors", "sme", "PL", "Małopolskie", ["electronics", "photonics"], "micro", "",
     "Radiation-hard sensors and read-out electronics.", "Neutron and gamma detectors, FPGA read-out.",
     ["pl", "en"]),
    ("mazovia-robotics", "Mazovia Remote Handling", "sme", "PL", "Mazowieckie", ["robotics", "nuclear"], "small", "",
     "Manipulators and tooling for hazardous environments.", "Remote handling tools, teleoperation software.",
     ["pl", "en"]),
    ("odra-steel", "Odra Special Steels", "large", "PL", "Dolnośląskie", ["advanced-materials", "C"], "large", "",
     "Produces austenitic and low-activation steels and forgings.", "Forgings, certified materials, 3.1 certificates.",
     ["pl", "en", "de"]),
    ("gdansk-tech", "Gdańsk University of Engineering", "university", "PL", "Pomorskie",
     ["P", "advanced-materials", "nuclear"], "large", "", "Technical university with a plasma and materials lab.",
     "Plasma-facing materials testing, simulations, thermal-hydraulics.", ["pl", "en"]),
    ("krakow-uni", "Kraków University of Mining and Physics", "university", "PL", "Małopolskie", ["P", "electronics"],
     "large", "", "University with detector, electronics and high-voltage groups.",
     "Diagnostics electronics, high-voltage engineering, training.", ["pl", "en"]),
    ("lodz-soft", "Łódź Control Software", "sme", "PL", "Łódzkie", ["ict"], "micro", "",
     "Industrial control and data-acquisition software.", "EPICS, PLC programming, SCADA, data archiving.",
     ["pl", "en"]),
    ("provence-meca", "Provence Mécanique Industrielle", "sme", "FR", "Provence-Alpes-Côte d'Azur",
     ["mechanical-engineering"], "medium", "", "Assembly and maintenance contractor on the ITER site.",
     "Site assembly, pipe welding, nuclear quality.", ["fr", "en"]),
    ("durance-elec", "Durance Électricité", "sme", "FR", "Provence-Alpes-Côte d'Azur", ["electronics", "F"], "medium",
     "", "Electrical installations and cabling for large facilities.", "Cable trays, power distribution, I&C cabling.",
     ["fr", "en"]),
    ("rhone-cryo", "Rhône Cryo Services", "sme", "FR", "Auvergne-Rhône-Alpes", ["cryogenics-vacuum"], "small", "",
     "Cryogenic services and helium plant maintenance.", "Cryoplant maintenance, leak detection.", ["fr", "en"]),
]

MARKETPLACE = [
    ("vistula", "offer", "product", "Ultra-high-vacuum chambers and all-metal valves",
     "Chambers up to 3 m, bake-out to 250 °C, leak rate below 1e-10 mbar l/s."),
    ("amber", "offer", "service", "Machining of large stainless-steel parts",
     "Parts up to 6 m, five-axis, with welding and non-destructive testing."),
    ("silesia-cryo", "offer", "product", "Vacuum-insulated cryogenic transfer lines", ""),
    ("radiant", "offer", "rnd", "Radiation-hard read-out electronics for diagnostics", ""),
    ("mazovia-robotics", "offer", "product", "Remote-handling tools for hot cells", ""),
    ("odra-steel", "offer", "product", "Certified low-activation steel forgings", ""),
    ("gdansk-tech", "offer", "rnd", "Thermal-load testing of plasma-facing materials", ""),
    ("lodz-soft", "offer", "service", "EPICS control-system integration", ""),
    ("iter", "request", "tender", "Suppliers for vacuum components and leak testing",
     "Upcoming calls for UHV valves, bellows and leak-test services."),
    ("f4e", "request", "tender", "Qualified European suppliers for in-kind components",
     "Manufacturers of precision mechanics, cryogenic and remote-handling equipment."),
    ("provence-meca", "request", "service", "Welding subcontractors with nuclear quality", ""),
    ("rhone-cryo", "request", "rnd", "Partner for cryogenic transfer-line maintenance", ""),
]

# People: (org key, name, job title, email, category key or None for no registration)
PEOPLE = [
    ("park", "Joanna Wiśniewska", "Big-science liaison officer", "organiser@demo.matchmaker.test", None),
    ("park", "Tomasz Zieliński", "Mission coordinator", "tomasz.zielinski@demo.matchmaker.test", None),
    ("vistula", "Marek Nowakowski", "Chief executive", "delegate@demo.matchmaker.test", "delegate"),
    ("vistula", "Ewa Kamińska", "Vacuum engineer", "ewa.kaminska@demo.matchmaker.test", "delegate"),
    ("amber", "Piotr Lewandowski", "Sales director", "piotr.lewandowski@demo.matchmaker.test", "delegate"),
    ("amber", "Zofia Kaczmarek", "Quality manager", "zofia.kaczmarek@demo.matchmaker.test", "delegate"),
    ("silesia-cryo", "Agnieszka Wójcik", "Managing director", "agnieszka.wojcik@demo.matchmaker.test", "delegate"),
    ("radiant", "Krzysztof Kowalczyk", "Founder", "krzysztof.kowalczyk@demo.matchmaker.test", "delegate"),
    ("mazovia-robotics", "Magdalena Szymańska", "Head of engineering", "magdalena.szymanska@demo.matchmaker.test",
     "delegate"),
    ("odra-steel", "Andrzej Woźniak", "Export manager", "andrzej.wozniak@demo.matchmaker.test", "delegate"),
    ("gdansk-tech", "Prof. Barbara Dąbrowska", "Head of the plasma lab", "barbara.dabrowska@demo.matchmaker.test",
     "delegate"),
    ("krakow-uni", "Dr Paweł Kozłowski", "Detector group leader", "pawel.kozlowski@demo.matchmaker.test", "delegate"),
    ("krakow-uni", "Katarzyna Jankowska", "Technology transfer officer", "katarzyna.jankowska@demo.matchmaker.test",
     "delegate"),
    ("lodz-soft", "Michał Mazur", "Software architect", "michal.mazur@demo.matchmaker.test", "delegate"),
    ("iter", "Claire Martin", "Vacuum section leader", "claire.martin@demo.matchmaker.test", "iter"),
    ("iter", "Hiroshi Tanaka", "Cryogenics engineer", "hiroshi.tanaka@demo.matchmaker.test", "iter"),
    ("iter", "Anna Rossi", "Remote handling engineer", "anna.rossi@demo.matchmaker.test", "iter"),
    ("iter", "David Miller", "Diagnostics manager", "david.miller@demo.matchmaker.test", "iter"),
    ("iter", "Sophie Bernard", "Procurement officer", "sophie.bernard@demo.matchmaker.test", "procurement"),
    ("iter", "Luc Girard", "Procurement officer", "luc.girard@demo.matchmaker.test", "procurement"),
    ("f4e", "Elena García", "Industry liaison officer", "elena.garcia@demo.matchmaker.test", "f4e"),
    ("f4e", "Jordi Puig", "Supplier qualification engineer", "jordi.puig@demo.matchmaker.test", "f4e"),
    ("provence-meca", "Julien Fabre", "Chief executive", "julien.fabre@demo.matchmaker.test", "french"),
    ("durance-elec", "Nathalie Roux", "Business development", "nathalie.roux@demo.matchmaker.test", "french"),
    ("rhone-cryo", "Olivier Blanc", "Technical director", "olivier.blanc@demo.matchmaker.test", "french"),
]

ORGANISER_EMAIL = "organiser@demo.matchmaker.test"
PARTICIPANT_EMAIL = "delegate@demo.matchmaker.test"
