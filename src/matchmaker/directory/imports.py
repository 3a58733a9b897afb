"""Import organisations and people from CSV or XLSX.

One row is one person and their organisation. The file is read, every row validated and shown
as a preview; only a file without errors can be saved, and then all of it is saved in one
transaction, so an import with errors saves nothing.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from matchmaker.directory.membership import send_person_invitation
from matchmaker.directory.models import Organisation, Person, Sector
from matchmaker.directory.taxonomy import LANGUAGE_CODES

COLUMNS = [
    "organisation",
    "type",
    "country",
    "region",
    "sectors",
    "size",
    "website",
    "description",
    "competences",
    "languages",
    "name",
    "job_title",
    "email",
]
REQUIRED_COLUMNS = ["organisation", "type", "country", "name"]
ALIASES = {
    "organization": "organisation",
    "company": "organisation",
    "org": "organisation",
    "person": "name",
    "full name": "name",
    "contact": "name",
    "job title": "job_title",
    "position": "job_title",
    "e mail": "email",
    "mail": "email",
    "sector": "sectors",
}


class ImportFileError(Exception):
    """The file itself cannot be read (wrong format, no header, too many rows)."""


@dataclass
class ImportRow:
    line: int
    raw: dict[str, str]
    cleaned: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    organisation_exists: bool = False
    person_exists: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    columns: list[str]

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and self.error_count == 0

    @property
    def raw_rows(self) -> list[dict[str, str]]:
        return [row.raw for row in self.rows]


def _normalise_header(name: str) -> str:
    key = (name or "").strip().lower().replace("-", " ").replace("_", " ")
    key = ALIASES.get(key, key)
    return key.replace(" ", "_")


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by normalised column names."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        table = _read_xlsx(content)
    elif lower.endswith((".csv", ".txt")):
        table = _read_csv(content)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = [_normalise_header(str(cell or "")) for cell in table[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            _("The header row lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows = []
    for cells in table[1:]:
        values = ["" if cell is None else str(cell).strip() for cell in cells]
        if not any(values):
            continue
        rows.append(
            {name: values[i] if i < len(values) else "" for i, name in enumerate(header) if name}
        )
    if len(rows) > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
        )
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return rows


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not UTF-8 text.")) from None
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from None


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to a user
        raise ImportFileError(_("The XLSX file cannot be read.")) from None
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _choice(value: str, choices) -> str | None:
    wanted = value.strip().lower()
    for code, label in choices:
        if wanted in {str(code).lower(), str(label).lower()}:
            return code
    return None


def _country(value: str) -> str | None:
    wanted = value.strip()
    if not wanted:
        return None
    if wanted.upper() in dict(countries):
        return wanted.upper()
    code = countries.by_name(wanted)
    return code or None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def validate_rows(rows: list[dict[str, str]]) -> ImportPreview:
    """Check every row; errors are per field, in the user's language."""
    sectors = {s.code.lower(): s for s in Sector.objects.all()}
    sectors.update({s.name.lower(): s for s in sectors.copy().values()})
    existing_orgs = {(o.name.lower(), o.country.code): o for o in Organisation.objects.all()}
    existing_people = {
        p.email.lower(): p
        for p in Person.objects.select_related("organisation").exclude(email=None)
    }
    seen_emails: dict[str, int] = {}
    result = []
    for index, raw in enumerate(rows, start=2):  # line 1 is the header
        row = ImportRow(line=index, raw=raw)

        def get(key: str, raw: dict[str, str] = raw) -> str:
            return (raw.get(key) or "").strip()

        cleaned: dict = {}
        for column in REQUIRED_COLUMNS:
            if not get(column):
                row.errors[column] = _("This field is required.")
        cleaned["organisation"] = get("organisation")[:200]
        if get("type"):
            cleaned["type"] = _choice(get("type"), Organisation.Type.choices)
            if cleaned["type"] is None:
                row.errors["type"] = _("Unknown organisation type “%(value)s”.") % {
                    "value": get("type")
                }
        if get("country"):
            cleaned["country"] = _country(get("country"))
            if cleaned["country"] is None:
                row.errors["country"] = _(
                    "Unknown country “%(value)s”; use a name or ISO code such as PL."
                ) % {"value": get("country")}
        cleaned["region"] = get("region")[:120]
        cleaned["sectors"] = []
        for name in _split(get("sectors")):
            sector = sectors.get(name.lower())
            if sector is None:
                row.errors["sectors"] = _("Unknown sector “%(value)s”.") % {"value": name}
                break
            cleaned["sectors"].append(sector)
        cleaned["size"] = ""
        if get("size"):
            cleaned["size"] = _choice(get("size"), Organisation.Size.choices) or ""
            if not cleaned["size"]:
                row.errors["size"] = _(
                    "Unknown size “%(value)s”; use micro, small, medium or large."
                ) % {"value": get("size")}
        cleaned["website"] = get("website")
        if cleaned["website"]:
            if "://" not in cleaned["website"]:
                cleaned["website"] = "https://" + cleaned["website"]
            try:
                URLValidator()(cleaned["website"])
            except ValidationError:
                row.errors["website"] = _("Enter a valid web address.")
        cleaned["description"] = get("description")
        cleaned["competences"] = get("competences")
        cleaned["languages"] = [code.lower() for code in _split(get("languages"))]
        unknown = [code for code in cleaned["languages"] if code not in LANGUAGE_CODES]
        if unknown:
            row.errors["languages"] = _("Unknown language code(s): %(codes)s.") % {
                "codes": ", ".join(unknown)
            }
        cleaned["name"] = get("name")[:150]
        cleaned["job_title"] = get("job_title")[:150]
        email = get("email").lower()
        cleaned["email"] = email or None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.errors["email"] = _("Enter a valid email address.")
            else:
                if email in seen_emails:
                    row.errors["email"] = _("The same email address is on line %(line)d.") % {
                        "line": seen_emails[email]
                    }
                seen_emails.setdefault(email, index)
                person = existing_people.get(email)
                if person is not None:
                    if person.organisation.name.lower() != cleaned["organisation"].lower():
                        # says nothing the file does not: whose address it is stays private
                        row.errors["email"] = _(
                            "This email address cannot be imported with this organisation."
                        )
                    row.person_exists = True
        key = (cleaned["organisation"].lower(), cleaned.get("country") or "")
        row.organisation_exists = key in existing_orgs
        row.cleaned = cleaned
        result.append(row)
    return ImportPreview(rows=result, columns=COLUMNS)


@transaction.atomic
def save_import(preview: ImportPreview, event=None) -> list[Person]:
    """Save a preview that has no errors; returns the person of every row, in order.

    An import never attaches an account nor gives anyone rights over an organisation: each new
    person with an address is emailed an invitation (naming `event`, if given) whose link lets
    the owner of that address claim the entry."""
    if not preview.is_valid:
        raise ValueError("Only an import without errors can be saved.")
    organisations: dict[tuple[str, str], Organisation] = {
        (o.name.lower(), o.country.code): o for o in Organisation.objects.all()
    }
    people: list[Person] = []
    invited: list[Person] = []
    for row in preview.rows:
        data = row.cleaned
        key = (data["organisation"].lower(), data["country"])
        organisation = organisations.get(key)
        if organisation is None:
            organisation = Organisation.objects.create(
                name=data["organisation"],
                type=data["type"],
                country=data["country"],
                region=data["region"],
                size=data["size"],
                website=data["website"],
                description=data["description"],
                competences=data["competences"],
                languages=data["languages"],
            )
            organisation.sectors.set(data["sectors"])
            organisations[key] = organisation
        person = None
        if data["email"]:
            person = Person.objects.filter(email__iexact=data["email"]).first()
        if person is None:
            person = Person.objects.create(
                organisation=organisation,
                name=data["name"],
                job_title=data["job_title"],
                email=data["email"],
                languages=data["languages"],
            )
            if data["email"]:
                invited.append(person)
        people.append(person)
    # queued in the outbox within this transaction: an import that fails sends nothing
    for person in invited:
        send_person_invitation(person, event=event)
    return people


def stash_rows(session, key: str, rows: list[dict[str, str]], **extra) -> str:
    """Keep previewed rows in the session under a one-time token; returns the token."""
    token = uuid.uuid4().hex
    session[key] = {"token": token, "rows": rows, **extra}
    return token


def stashed_rows(session, key: str, token: str | None) -> dict | None:
    """The stash the token names, or None when it expired or was never made."""
    stored = session.get(key)
    if not stored or not token or stored.get("token") != token:
        return None
    return stored


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy(
            "One row per person. Required columns: organisation, type, country, name. Optional: region, "
            "sectors, size, website, description, competences, languages, job_title, email, category."
        ),
    )
