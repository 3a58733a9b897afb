"""XLSX files written part by part with zipfile, so a test can make them as odd as an attacker
would: a declared size far beyond the data, rows that openpyxl itself would never write."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def cell(ref: str, value: str) -> str:
    """An inline text cell."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def shared_cell(ref: str, index: int) -> str:
    """A cell that shows shared string number index."""
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def row(number: int, values: list[str], columns: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ") -> str:
    cells = "".join(
        cell(f"{column}{number}", value)
        for column, value in zip(columns[: len(values)], values, strict=True)
    )
    return f'<row r="{number}">{cells}</row>'


def workbook(
    sheet_data: str, dimension: str = "A1:D2", shared_strings: list[str] | None = None
) -> bytes:
    """An XLSX file with one sheet whose <sheetData> is sheet_data."""
    shared = shared_strings is not None
    content_types = (
        f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CONTENT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CONTENT}.worksheet+xml"/>'
        + (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CONTENT}.sharedStrings+xml"/>'
            if shared
            else ""
        )
        + "</Types>"
    )
    package_rels = (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
        '<sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        f'<Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared
            else ""
        )
        + "</Relationships>"
    )
    sheet = (
        f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared:
            strings = "".join(f"<si><t>{escape(text)}</t></si>" for text in shared_strings)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
    return buffer.getvalue()
