"""Import organisations and people from CSV or XLSX.

One row is one person and their organisation. The file is read, every row validated and shown
as a preview; only a file without errors can be saved, and then all of it is saved in one
transaction, so an import with errors saves nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.parsers import expat

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from matchmaker.core import stashes
from matchmaker.core.validators import ASCII_EMAIL_MESSAGE, ascii_email
from matchmaker.directory.membership import send_person_invitation
from matchmaker.directory.models import Organisation, Person, Sector
from matchmaker.directory.services import name_key
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
FILE_EXTENSIONS = (".csv", ".txt", ".xlsx")
CSV_DELIMITERS = (",", ";", "\t")
# Columns after this one are not read (a header name there is an error).
MAX_COLUMNS = 60
# No row of a sheet Excel can write has more cells.
EXCEL_MAX_COLUMNS = 16_384
# Styles, workbook and other XLSX parts of a spreadsheet hold far fewer XML elements.
MAX_XML_ELEMENTS = 100_000
# Each row read from a file keeps its line in the file under this key (not a column name).
LINE_KEY = "_line"
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


def max_unpacked_bytes() -> int:
    """The most an XLSX file may unpack to, and the most text an import reads from a file.

    A valid XLSX of IMPORT_MAX_BYTES unpacks to a few times its size; far more means a zip bomb
    or a sheet that repeats one long text in thousands of cells."""
    return 10 * settings.IMPORT_MAX_BYTES


def max_xlsx_lines() -> int:
    """The last sheet line an import reads. Rows with formatting but no data still cost memory
    in the XLSX reader, so a sheet with rows (even empty ones) past this line is refused."""
    return 10 * settings.IMPORT_MAX_ROWS + 10_000


def read_upload(uploaded) -> list[dict]:
    """Rows of an uploaded file (a Django UploadedFile), refusing it before reading when its
    name or size is wrong."""
    if not uploaded.name.lower().endswith(FILE_EXTENSIONS):
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if uploaded.size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is too large (%(size)s); the limit is %(max)s.")
            % {
                "size": filesizeformat(uploaded.size),
                "max": filesizeformat(settings.IMPORT_MAX_BYTES),
            }
        )
    uploaded.seek(0)
    return read_table(uploaded.name, uploaded)


def read_table(filename: str, stream: BinaryIO) -> list[dict]:
    """Rows of a CSV or XLSX file as dicts keyed by normalised column names.

    Each row also holds its line in the file under LINE_KEY (blank lines are skipped but still
    counted, so a problem is named by the line the user sees). The file is read as a stream and
    reading stops as soon as a limit is passed: IMPORT_MAX_ROWS rows, MAX_COLUMNS columns,
    max_unpacked_bytes() of text."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(stream)
    if lower.endswith((".csv", ".txt")):
        return _read_csv(stream)
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def _collect(lines: Iterator[tuple[int, Sequence]]) -> list[dict]:
    """Turn (line, cells) pairs, the header first, into row dicts; blank rows are left out."""
    first = next(lines, None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    header = [_normalise_header(_text(cell)) for cell in first[1]]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(
            _(
                "The file has more than %(max)d columns; keep the columns to import among the first %(max)d."
            )
            % {"max": MAX_COLUMNS}
        )
    header = ["" if name == LINE_KEY else name for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            _("The header row lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
    width = len(header)
    text_left = max_unpacked_bytes()
    rows: list[dict] = []
    for line, cells in lines:
        values = [_text(cell) for cell in cells[:width]]
        if not any(values):
            continue
        if len(rows) == settings.IMPORT_MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
            )
        text_left -= sum(map(len, values))
        if text_left < 0:
            raise ImportFileError(
                _("The file holds more than %(max)s of text.")
                % {"max": filesizeformat(max_unpacked_bytes())}
            )
        row: dict = {
            name: values[i] if i < len(values) else "" for i, name in enumerate(header) if name
        }
        row[LINE_KEY] = line
        rows.append(row)
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return rows


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip().replace("\r\n", "\n")


def _read_csv(stream: BinaryIO) -> list[dict]:
    # newline="" leaves line ends to the csv module, which keeps newlines inside quoted cells
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        return _collect(_csv_lines(text))
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not UTF-8 text.")) from None
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from None
    finally:
        text.detach()  # the upload belongs to the request, which closes it


def _csv_lines(text: io.TextIOWrapper) -> Iterator[tuple[int, list[str]]]:
    first = text.readline()
    lines: Iterator[str] = itertools.chain([first], text)
    hint = first.strip()
    if len(hint) == 5 and hint.lower().startswith("sep=") and hint[4] in CSV_DELIMITERS:
        # Excel's "sep=;" line names the delimiter; the header follows it
        delimiter = hint[4]
        lines = iter(text)
        offset = 1
    else:
        delimiter = _csv_delimiter(first)
        offset = 0
    # Only the delimiter is guessed: csv.Sniffer also guesses quoting from one line and gets
    # doubled quotes ("Acme ""Best"" Ltd") wrong. Spreadsheets always write RFC 4180 quoting.
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    for line, cells in enumerate(reader, start=1 + offset):
        if line == 1 + offset or any(cells):  # the first line is the header, even when blank
            yield line, cells


def _csv_delimiter(header_line: str) -> str:
    """The candidate delimiter that occurs most often outside quotes in the header line."""
    counts = dict.fromkeys(CSV_DELIMITERS, 0)
    quoted = False
    for char in header_line[:65536]:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(CSV_DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","


def _read_xlsx(stream: BinaryIO) -> list[dict]:
    from openpyxl import load_workbook

    unreadable = _("The XLSX file cannot be read.")
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > max_unpacked_bytes():
                raise ImportFileError(
                    _("The XLSX file unpacks to more than %(max)s; save it again or split it.")
                    % {"max": filesizeformat(max_unpacked_bytes())}
                )
            _check_sheet_shapes(archive)
    except ImportFileError:
        raise
    except Exception:  # zipfile and expat raise many kinds for a damaged file
        raise ImportFileError(unreadable) from None
    stream.seek(0)
    with warnings.catch_warnings():
        # openpyxl warns about features it ignores (data validation, styles); not the user's concern
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception:  # openpyxl too; all mean the same to a user
            raise ImportFileError(unreadable) from None
        try:
            if not workbook.worksheets:
                raise ImportFileError(_("The file is empty."))
            return _collect(_xlsx_lines(workbook.worksheets[0]))
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(unreadable) from None
        finally:
            workbook.close()


def _check_sheet_shapes(archive: zipfile.ZipFile) -> None:
    """Refuse XLSX parts that would cost the XLSX reader far more memory or time than a file
    within the import limits needs: it holds all the cells of a row at once, keeps a record of
    each formatted row, and builds an object for every shared text and every style. A quick
    scan of the XML, before reading."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as part:
                _scan_xml_part(info.filename, part)


def _scan_xml_part(name: str, part) -> None:
    is_sheet = name.startswith("xl/worksheets/")
    is_texts = name == "xl/sharedStrings.xml"
    last_line = max_xlsx_lines()
    max_texts = 20 * settings.IMPORT_MAX_ROWS
    rows = cells = texts = elements = 0

    def element_start(tag: str, _attributes, /) -> None:
        nonlocal rows, cells, texts, elements
        local = tag[tag.find(":") + 1 :]
        if is_sheet:
            if local == "c":
                cells += 1
                if cells > EXCEL_MAX_COLUMNS:
                    raise ImportFileError(_("The XLSX file cannot be read."))
            elif local == "row":
                rows += 1
                cells = 0
                if rows > last_line:
                    raise ImportFileError(_rows_past_message(last_line))
        elif is_texts:
            if local == "si":
                texts += 1
                if texts > max_texts:
                    raise ImportFileError(
                        _(
                            "The XLSX file holds more than %(max)d different texts; copy the "
                            "sheet to import into a new file."
                        )
                        % {"max": max_texts}
                    )
        else:
            elements += 1
            if elements > MAX_XML_ELEMENTS:
                raise ImportFileError(_("The XLSX file cannot be read."))

    parser = expat.ParserCreate()
    parser.StartElementHandler = element_start
    parser.ParseFile(part)


def _rows_past_message(last_line: int) -> str:
    return _(
        "The sheet has rows after line %(max)d, even if empty; delete them or copy the data to "
        "a new sheet."
    ) % {"max": last_line}


def _xlsx_lines(sheet) -> Iterator[tuple[int, Sequence]]:
    # The sheet's declared size (<dimension ref="A1:XFD1048576"/>) pads every row to it; read
    # only the cells there are, and no further right than MAX_COLUMNS for the data rows.
    sheet.reset_dimensions()
    header_rows = sheet.iter_rows(min_row=1, max_row=1, values_only=True)
    header = next(header_rows, ())
    header_rows.close()
    yield 1, header
    last_line = max_xlsx_lines()
    data_rows = sheet.iter_rows(
        min_row=2, max_row=last_line + 1, max_col=MAX_COLUMNS, values_only=True
    )
    for line, cells in enumerate(data_rows, start=2):
        if line > last_line:
            raise ImportFileError(_rows_past_message(last_line))
        if cells.count(None) != len(cells):
            yield line, cells


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


def _organisations_by_name() -> dict[tuple[str, str], list[Organisation]]:
    """Every organisation under its (name_key, country code): a row names an organisation by
    those two, so a name listed twice in a country cannot tell which one a row means."""
    found: dict[tuple[str, str], list[Organisation]] = {}
    for organisation in Organisation.objects.order_by("pk"):
        key = (name_key(organisation.name), organisation.country.code)
        found.setdefault(key, []).append(organisation)
    return found


AMBIGUOUS_ORGANISATION_MESSAGE = gettext_lazy(
    "Several organisations in the directory have this name in this country; import these "
    "people by hand, or ask the directory's administrators to merge the organisations first."
)


def validate_rows(rows: list[dict[str, str]]) -> ImportPreview:
    """Check every row; errors are per field, in the user's language."""
    sectors = {s.code.lower(): s for s in Sector.objects.all()}
    sectors.update({s.name.lower(): s for s in sectors.copy().values()})
    existing_orgs = _organisations_by_name()
    existing_people = {
        p.email.lower(): p
        for p in Person.objects.select_related("organisation").exclude(email=None)
    }
    seen_emails: dict[str, int] = {}
    result = []
    for index, raw in enumerate(rows, start=2):  # line 1 is the header
        row = ImportRow(line=raw.get(LINE_KEY, index), raw=raw)

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
                ascii_email(email)
                validate_email(email)
            except ValidationError as error:
                row.errors["email"] = (
                    str(ASCII_EMAIL_MESSAGE)
                    if error.code == "ascii_email"
                    else _("Enter a valid email address.")
                )
            else:
                if email in seen_emails:
                    row.errors["email"] = _("The same email address is on line %(line)d.") % {
                        "line": seen_emails[email]
                    }
                seen_emails.setdefault(email, index)
                person = existing_people.get(email)
                if person is not None:
                    if name_key(person.organisation.name) != name_key(cleaned["organisation"]):
                        # says nothing the file does not: whose address it is stays private
                        row.errors["email"] = _(
                            "This email address cannot be imported with this organisation."
                        )
                    row.person_exists = True
        matches = existing_orgs.get(
            (name_key(cleaned["organisation"]), cleaned.get("country") or ""), []
        )
        if len(matches) > 1:
            row.errors["organisation"] = str(AMBIGUOUS_ORGANISATION_MESSAGE)
        row.organisation_exists = bool(matches)
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
    organisations = _organisations_by_name()
    people: list[Person] = []
    invited: list[Person] = []
    for row in preview.rows:
        data = row.cleaned
        key = (name_key(data["organisation"]), data["country"])
        matches = organisations.get(key, [])
        if len(matches) > 1:
            raise ValueError("A row names more than one organisation; validate the rows again.")
        organisation = matches[0] if matches else None
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
            organisations[key] = [organisation]
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


DIRECTORY_IMPORT_SCOPE = "directory-import"


PREVIEW_GONE_MESSAGE = gettext_lazy(
    "This preview can no longer be imported: it expired, was already imported or was made "
    "by someone else. Upload the file again."
)


def preview_directory_import(user, rows: list[dict]) -> tuple[ImportPreview, str | None]:
    """Validate rows; a preview without errors is stashed for the user to confirm (token)."""
    preview = validate_rows(rows)
    token = (
        stashes.create(user, DIRECTORY_IMPORT_SCOPE, {"rows": rows}) if preview.is_valid else None
    )
    return preview, token


@transaction.atomic
def confirm_directory_import(
    user, token: str | None
) -> tuple[ImportPreview, list[Person] | None] | None:
    """Save the user's stashed preview: None when the token names none of theirs (expired,
    already saved, someone else's); the preview and no people when the data changed since."""
    stash = stashes.claim(user, DIRECTORY_IMPORT_SCOPE, token)
    if stash is None:
        return None
    preview = validate_rows(stash.payload["rows"])
    if not preview.is_valid:
        return preview, None
    people = save_import(preview)
    stash.delete()
    return preview, people


class ImportUploadForm(forms.Form):
    """The file of an import; when valid, cleaned_data["rows"] holds the rows read from it."""

    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy(
            "One row per person. Required columns: organisation, type, country, name. Optional: region, "
            "sectors, size, website, description, competences, languages, job_title, email, category."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = _("At most %(rows)d rows and %(size)s.") % {
            "rows": settings.IMPORT_MAX_ROWS,
            "size": filesizeformat(settings.IMPORT_MAX_BYTES),
        }
        self.fields["file"].help_text = f"{self.fields['file'].help_text} {limits}"

    def clean(self):
        cleaned = super().clean()
        uploaded = cleaned.get("file")
        if uploaded is not None:
            try:
                cleaned["rows"] = read_upload(uploaded)
            except ImportFileError as error:
                self.add_error("file", str(error))
        return cleaned
