"""The sector taxonomy we ship: NACE Rev. 2 sections plus cluster sectors.

Names are marked for translation here and stored untranslated in the database; templates show
them through gettext, so the catalogue decides the language.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

NACE_SECTIONS: list[tuple[str, str]] = [
    ("A", gettext_noop("Agriculture, forestry and fishing")),
    ("B", gettext_noop("Mining and quarrying")),
    ("C", gettext_noop("Manufacturing")),
    ("D", gettext_noop("Electricity, gas, steam and air conditioning supply")),
    ("E", gettext_noop("Water supply, sewerage and waste management")),
    ("F", gettext_noop("Construction")),
    ("G", gettext_noop("Wholesale and retail trade")),
    ("H", gettext_noop("Transportation and storage")),
    ("I", gettext_noop("Accommodation and food service")),
    ("J", gettext_noop("Information and communication")),
    ("K", gettext_noop("Financial and insurance activities")),
    ("L", gettext_noop("Real estate activities")),
    ("M", gettext_noop("Professional, scientific and technical activities")),
    ("N", gettext_noop("Administrative and support service activities")),
    ("O", gettext_noop("Public administration and defence")),
    ("P", gettext_noop("Education")),
    ("Q", gettext_noop("Human health and social work")),
    ("R", gettext_noop("Arts, entertainment and recreation")),
    ("S", gettext_noop("Other service activities")),
]

CLUSTER_SECTORS: list[tuple[str, str]] = [
    ("advanced-materials", gettext_noop("Advanced materials")),
    ("nanotechnology", gettext_noop("Nanotechnology")),
    ("photonics", gettext_noop("Photonics")),
    ("nuclear", gettext_noop("Nuclear and fusion energy")),
    ("renewable-energy", gettext_noop("Renewable energy")),
    ("medical-technology", gettext_noop("Medical technology")),
    ("biotechnology", gettext_noop("Biotechnology")),
    ("electronics", gettext_noop("Electronics and microelectronics")),
    ("chemicals", gettext_noop("Chemicals and plastics")),
    ("mechanical-engineering", gettext_noop("Mechanical engineering")),
    ("ict", gettext_noop("Digital and ICT")),
    ("aerospace", gettext_noop("Aerospace and space")),
    ("automotive", gettext_noop("Automotive and mobility")),
    ("agrifood", gettext_noop("Agri-food")),
    ("cryogenics-vacuum", gettext_noop("Cryogenics and vacuum")),
    ("robotics", gettext_noop("Robotics and automation")),
]


def all_sectors() -> list[tuple[str, str, str]]:
    """(code, name, kind) for every shipped sector, NACE first."""
    return [(code, name, "nace") for code, name in NACE_SECTIONS] + [
        (code, name, "cluster") for code, name in CLUSTER_SECTORS
    ]


LANGUAGES: list[tuple[str, str]] = [
    ("en", gettext_noop("English")),
    ("pl", gettext_noop("Polish")),
    ("fr", gettext_noop("French")),
    ("de", gettext_noop("German")),
    ("es", gettext_noop("Spanish")),
    ("it", gettext_noop("Italian")),
    ("ru", gettext_noop("Russian")),
    ("uk", gettext_noop("Ukrainian")),
    ("cs", gettext_noop("Czech")),
    ("nl", gettext_noop("Dutch")),
    ("pt", gettext_noop("Portuguese")),
]
LANGUAGE_CODES = {code for code, _name in LANGUAGES}


def translated_languages() -> list[tuple[str, str]]:
    """Language choices in the current interface language (a callable, so forms stay lazy)."""
    from django.utils.translation import gettext

    return [(code, gettext(name)) for code, name in LANGUAGES]
