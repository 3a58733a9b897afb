"""The sector taxonomy we ship: NACE Rev. 2 sections plus cluster sectors.

Names are marked for translation here and stored untranslated in the database; templates show
them through gettext, so the catalogue decides the language.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

NACE_SECTIONS: list[tuple[str, str]] = [
    ("A", N_("Agriculture, forestry and fishing")),
    ("B", N_("Mining and quarrying")),
    ("C", N_("Manufacturing")),
    ("D", N_("Electricity, gas, steam and air conditioning supply")),
    ("E", N_("Water supply, sewerage and waste management")),
    ("F", N_("Construction")),
    ("G", N_("Wholesale and retail trade")),
    ("H", N_("Transportation and storage")),
    ("I", N_("Accommodation and food service")),
    ("J", N_("Information and communication")),
    ("K", N_("Financial and insurance activities")),
    ("L", N_("Real estate activities")),
    ("M", N_("Professional, scientific and technical activities")),
    ("N", N_("Administrative and support service activities")),
    ("O", N_("Public administration and defence")),
    ("P", N_("Education")),
    ("Q", N_("Human health and social work")),
    ("R", N_("Arts, entertainment and recreation")),
    ("S", N_("Other service activities")),
]

CLUSTER_SECTORS: list[tuple[str, str]] = [
    ("advanced-materials", N_("Advanced materials")),
    ("nanotechnology", N_("Nanotechnology")),
    ("photonics", N_("Photonics")),
    ("nuclear", N_("Nuclear and fusion energy")),
    ("renewable-energy", N_("Renewable energy")),
    ("medical-technology", N_("Medical technology")),
    ("biotechnology", N_("Biotechnology")),
    ("electronics", N_("Electronics and microelectronics")),
    ("chemicals", N_("Chemicals and plastics")),
    ("mechanical-engineering", N_("Mechanical engineering")),
    ("ict", N_("Digital and ICT")),
    ("aerospace", N_("Aerospace and space")),
    ("automotive", N_("Automotive and mobility")),
    ("agrifood", N_("Agri-food")),
    ("cryogenics-vacuum", N_("Cryogenics and vacuum")),
    ("robotics", N_("Robotics and automation")),
]


def all_sectors() -> list[tuple[str, str, str]]:
    """(code, name, kind) for every shipped sector, NACE first."""
    return [(code, name, "nace") for code, name in NACE_SECTIONS] + [
        (code, name, "cluster") for code, name in CLUSTER_SECTORS
    ]


LANGUAGES: list[tuple[str, str]] = [
    ("en", N_("English")),
    ("pl", N_("Polish")),
    ("fr", N_("French")),
    ("de", N_("German")),
    ("es", N_("Spanish")),
    ("it", N_("Italian")),
    ("ru", N_("Russian")),
    ("uk", N_("Ukrainian")),
    ("cs", N_("Czech")),
    ("nl", N_("Dutch")),
    ("pt", N_("Portuguese")),
]
LANGUAGE_CODES = {code for code, _name in LANGUAGES}
