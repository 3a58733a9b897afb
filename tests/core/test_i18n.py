"""The Polish catalogue: complete, compiled, covering every source string, and actually used.

When a test here fails after you added or changed English text, update the catalogue:

    cd src/matchmaker
    ../../.venv/bin/matchmaker makemessages -l pl --ignore "solver/*" --ignore "matching/*"
    # translate every new or fuzzy entry in locale/pl/LC_MESSAGES/django.po, remove the fuzzy flags
    ../../.venv/bin/matchmaker compilemessages -l pl

and commit both django.po and django.mo (machines without gettext cannot compile it).
"""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import matchmaker
from matchmaker.directory import taxonomy

PACKAGE_DIR = Path(matchmaker.__file__).resolve().parent
LC_MESSAGES = PACKAGE_DIR / "locale" / "pl" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
# The same folders the makemessages command above leaves out.
IGNORED_FOLDERS = ("solver", "matching")
POLISH_PLURAL_FORMS = (
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


# --- a tiny .po reader (polib is not a dependency) -------------------------------------------


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a PO string: {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


class Entry:
    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.obsolete = False
        self.msgctxt: str | None = None
        self.msgid: str | None = None
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}
        self.line = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def __repr__(self) -> str:  # shows up in assertion messages
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, the header (msgid "") included, obsolete (#~) ones flagged."""
    entries: list[Entry] = []
    entry = Entry()
    field: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, field
        if entry.msgid is not None:
            entries.append(entry)
        entry, field = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            if entry.msgid is not None and not entry.obsolete:
                finish()
            entry.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("|"):
                continue
        elif line.startswith("#"):
            if entry.msgstr:
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if not line:
            if entry.msgstr:
                finish()
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                obsolete = entry.obsolete
                finish()
                entry.obsolete = obsolete
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                entry.msgstr[field[1]] = text
            else:
                field = (keyword, 0)
                setattr(entry, keyword, text)
                entry.line = entry.line or number
            continue
        assert line.startswith('"') and field is not None, f"{path}:{number}: cannot read {raw!r}"
        if field[0] == "msgstr":
            entry.msgstr[field[1]] += _unquote(line)
        else:
            setattr(entry, field[0], getattr(entry, field[0]) + _unquote(line))
    finish()
    return entries


def active_entries(path: Path) -> list[Entry]:
    return [entry for entry in parse_po(path) if entry.msgid != "" and not entry.obsolete]


def header(path: Path) -> dict[str, str]:
    (head,) = [entry for entry in parse_po(path) if entry.msgid == "" and not entry.obsolete]
    return dict(line.split(": ", 1) for line in head.msgstr[0].splitlines() if ": " in line)


def mo_catalogue() -> dict:
    with MO_FILE.open("rb") as handle:
        catalogue = dict(gettext.GNUTranslations(handle)._catalog)
    catalogue.pop("", None)  # the header
    return catalogue


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware activates the request's language; don't let Polish leak into other tests."""
    previous = translation.get_language()
    yield
    if previous:
        translation.activate(previous)
    else:
        translation.deactivate()


# --- (a) complete ----------------------------------------------------------------------------


def test_polish_header_has_three_plural_forms_and_is_not_fuzzy():
    head = header(PO_FILE)
    assert head["Language"] == "pl"
    assert head["Plural-Forms"] == POLISH_PLURAL_FORMS
    assert head["Content-Type"] == "text/plain; charset=UTF-8"
    (head_entry,) = [entry for entry in parse_po(PO_FILE) if entry.msgid == ""]
    assert "fuzzy" not in head_entry.flags, "compilemessages skips a fuzzy header"


def test_polish_catalogue_is_complete():
    entries = active_entries(PO_FILE)
    assert len(entries) > 300, "the catalogue looks truncated"
    fuzzy = [entry for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the flag): {fuzzy}"
    untranslated = []
    for entry in entries:
        expected_forms = list(range(3)) if entry.msgid_plural is not None else [0]
        if sorted(entry.msgstr) != expected_forms or not all(
            entry.msgstr[i].strip() for i in expected_forms
        ):
            untranslated.append(entry)
    assert not untranslated, (
        f"untranslated entries, or plural entries without all 3 forms: {untranslated}"
    )


def test_polish_translations_keep_every_placeholder():
    wrong = []
    for entry in active_entries(PO_FILE):
        if entry.msgid_plural is None:
            if placeholders(entry.msgstr[0]) != placeholders(entry.msgid):
                wrong.append(entry)
        else:
            english = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            if any(placeholders(form) != english for form in entry.msgstr.values()):
                wrong.append(entry)
    assert not wrong, f"translations that lose or add a placeholder: {wrong}"


def test_polish_plural_rule():
    with MO_FILE.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    numbers = (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112)
    forms = {
        n: translations.ngettext("%(counter)s organisation", "%(counter)s organisations", n)
        for n in numbers
    }
    assert forms == {
        0: "%(counter)s organizacji",
        1: "%(counter)s organizacja",
        2: "%(counter)s organizacje",
        4: "%(counter)s organizacje",
        5: "%(counter)s organizacji",
        11: "%(counter)s organizacji",
        12: "%(counter)s organizacji",
        14: "%(counter)s organizacji",
        21: "%(counter)s organizacji",
        22: "%(counter)s organizacje",
        25: "%(counter)s organizacji",
        102: "%(counter)s organizacje",
        112: "%(counter)s organizacji",
    }


# --- (b) the committed .mo is compiled from the committed .po --------------------------------


def test_compiled_catalogue_matches_po():
    expected = {}
    for entry in active_entries(PO_FILE):
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(msgid, index)] = text
    compiled = mo_catalogue()
    hint = "django.mo is stale: run `matchmaker compilemessages -l pl` in src/matchmaker and commit django.mo"
    assert set(compiled) == set(expected), (
        f"{hint}. Only in .po: {sorted(map(str, set(expected) - set(compiled)))}; "
        f"only in .mo: {sorted(map(str, set(compiled) - set(expected)))}"
    )
    changed = sorted(str(key) for key in expected if compiled[key] != expected[key])
    assert not changed, f"{hint}. Translations that differ: {changed}"


# --- (c) every translatable string in the source is in the catalogue -------------------------


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge")),
    reason="GNU gettext is not installed",
)
def test_catalogue_covers_every_source_string(tmp_path, settings, monkeypatch):
    copy = tmp_path / "matchmaker"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", *IGNORED_FOLDERS),
    )
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["pl"],
        ignore_patterns=[f"{folder}/*" for folder in IGNORED_FOLDERS],
        verbosity=0,
    )
    extracted = active_entries(copy / "locale" / "pl" / "LC_MESSAGES" / "django.po")
    assert len(extracted) > 300, "makemessages found suspiciously few strings"
    committed = {entry.key for entry in active_entries(PO_FILE)}
    missing = [entry.msgid for entry in extracted if entry.key not in committed]
    assert not missing, (
        "These English strings are not in the Polish catalogue (see this module's docstring for the "
        f"commands): {missing}"
    )


def test_taxonomy_names_are_translated():
    """taxonomy.py marks names with an N_ alias that makemessages does not extract, so these
    entries were added to the .po by hand; a plain makemessages run turns them obsolete (#~)."""
    compiled = mo_catalogue()
    names = [name for _code, name, _kind in taxonomy.all_sectors()] + [
        name for _code, name in taxonomy.LANGUAGES
    ]
    missing = [name for name in names if not compiled.get(name)]
    assert not missing, (
        f"Sector or language names without a Polish translation: {missing}. If makemessages moved them to "
        "obsolete (#~) entries, restore them as normal entries and run compilemessages."
    )


# --- (d) the language switcher and Accept-Language ------------------------------------------


@pytest.mark.django_db
def test_language_switcher_switches_to_polish(client):
    directory_link = f'<a href="{reverse("directory:list")}">'
    english = client.get(reverse("home"))
    assert f"{directory_link}Directory</a>" in english.content.decode()

    response = client.post(reverse("set_language"), {"language": "pl", "next": reverse("home")})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")

    polish = client.get(reverse("home"))
    html = polish.content.decode()
    assert '<html lang="pl">' in html
    assert f"{directory_link}Katalog</a>" in html
    assert "Nadchodzące wydarzenia" in html


@pytest.mark.django_db
def test_accept_language_gives_polish_login_page(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "pl"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Zaloguj się</h1>" in html
    assert "<h1>Log in</h1>" not in html


@pytest.mark.django_db
def test_english_stays_the_default(client):
    response = client.get(reverse("accounts:login"))
    assert "<h1>Log in</h1>" in response.content.decode()
