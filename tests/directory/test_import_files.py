"""Reading import files: exact cell values from CSV dialects, and limits that hold while the
file is streamed, so a small hostile file cannot take the server's memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import openpyxl  # noqa: F401 - imported up front so its import is not counted in memory peaks
import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile

from matchmaker.directory.imports import LINE_KEY, ImportFileError, read_table
from tests.directory import handmade_xlsx as xlsx

HEADER = ["organisation", "type", "country", "name"]


def csv_rows(text: str, encoding: str = "utf-8") -> list[dict]:
    return read_table("people.csv", io.BytesIO(text.encode(encoding)))


def without_lines(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != LINE_KEY} for row in rows]


def test_doubled_quotes_delimiters_and_newlines_inside_quotes_are_kept_exactly():
    text = (
        "organisation,type,country,name,description\r\n"
        '"Acme ""Best"" Ltd",sme,PL,"Kowalski, Jan","Valves\r\nand pumps"\r\n'
        'Odra,large,PL,Ewa,"say ""hi"", then ""bye"""\r\n'
    )
    assert without_lines(csv_rows(text)) == [
        {
            "organisation": 'Acme "Best" Ltd',
            "type": "sme",
            "country": "PL",
            "name": "Kowalski, Jan",
            "description": "Valves\nand pumps",
        },
        {
            "organisation": "Odra",
            "type": "large",
            "country": "PL",
            "name": "Ewa",
            "description": 'say "hi", then "bye"',
        },
    ]


@pytest.mark.parametrize(
    "text",
    [
        # Excel "CSV UTF-8" in a locale whose list separator is ";": BOM, CRLF
        '\ufefforganisation;type;country;name\r\n"Acme ""Best"" Ltd";sme;PL;"Nowak; Ewa"\r\n',
        # with the "sep=;" line Excel understands
        'sep=;\r\norganisation;type;country;name\r\n"Acme ""Best"" Ltd";sme;PL;"Nowak; Ewa"\r\n',
        # a header name with commas in quotes still leaves ";" as the delimiter
        'organisation;type;country;name;"notes, misc"\n"Acme ""Best"" Ltd";sme;PL;"Nowak; Ewa";\n',
        'organisation\ttype\tcountry\tname\n"Acme ""Best"" Ltd"\tsme\tPL\t"Nowak; Ewa"\n',
    ],
)
def test_semicolon_and_tab_files(text):
    rows = without_lines(csv_rows(text))
    assert [(row["organisation"], row["name"]) for row in rows] == [
        ('Acme "Best" Ltd', "Nowak; Ewa")
    ]


def test_rows_keep_the_line_the_user_sees_in_the_file():
    text = "organisation,type,country,name\nA,sme,PL,Ann\n\n,,,\nB,sme,PL,Bob\n"
    assert [row[LINE_KEY] for row in csv_rows(text)] == [2, 5]
    after_sep = "sep=,\norganisation,type,country,name\nA,sme,PL,Ann\n"
    assert [row[LINE_KEY] for row in csv_rows(after_sep)] == [3]


def test_a_line_key_column_in_the_file_does_not_replace_the_line():
    rows = csv_rows("organisation,type,country,name,_line\nA,sme,PL,Ann,99\n")
    assert rows == [
        {"organisation": "A", "type": "sme", "country": "PL", "name": "Ann", LINE_KEY: 2}
    ]


def test_reading_stops_at_the_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 10
    body = "".join(f"Org {i},sme,PL,Person {i}\n" for i in range(50_000))
    stream = io.BytesIO(("organisation,type,country,name\n" + body).encode())
    with pytest.raises(ImportFileError) as error:
        read_table("people.csv", stream)
    assert str(error.value) == "The file has more than 10 rows."
    assert stream.tell() < 20_000 < len(stream.getvalue())


def test_the_row_limit_itself_is_allowed(settings):
    settings.IMPORT_MAX_ROWS = 3
    body = "".join(f"Org {i},sme,PL,Person {i}\n" for i in range(3))
    assert len(csv_rows("organisation,type,country,name\n" + body)) == 3


def test_at_most_60_columns_and_cells_past_the_header_are_ignored():
    header = HEADER + [f"extra {i}" for i in range(56)]
    assert len(header) == 60
    rows = csv_rows(",".join(header) + "\n" + ",".join(["A", "sme", "PL", "Ann"] + ["x"] * 70))
    assert len(rows[0]) == 61  # 60 columns and the line
    with pytest.raises(ImportFileError) as error:
        csv_rows(",".join([*header, "one too many"]) + "\nA,sme,PL,Ann\n")
    assert str(error.value) == (
        "The file has more than 60 columns; keep the columns to import among the first 60."
    )


def test_csv_is_streamed_from_an_upload_kept_on_disk():
    upload = TemporaryUploadedFile("people.csv", "text/csv", 0, "utf-8")
    upload.write(b'organisation,type,country,name\n"Acme ""Best"" Ltd",sme,PL,Ann\n')
    upload.seek(0)
    try:
        assert without_lines(read_table(upload.name, upload)) == [
            {"organisation": 'Acme "Best" Ltd', "type": "sme", "country": "PL", "name": "Ann"}
        ]
    finally:
        upload.close()


def test_a_non_utf8_byte_late_in_the_file_is_reported():
    body = "organisation,type,country,name\n" + "A,sme,PL,Ann\n" * 2000
    content = body.encode() + "Łódź,sme,PL,Ola\n".encode("cp1250")
    with pytest.raises(ImportFileError) as error:
        read_table("people.csv", io.BytesIO(content))
    assert str(error.value) == "The CSV file is not UTF-8 text."


def read_measured(content: bytes) -> tuple[list[dict] | str, int]:
    """The rows (or the error message) and the peak of memory allocated while reading."""
    tracemalloc.start()
    try:
        result: list[dict] | str = read_table("people.xlsx", io.BytesIO(content))
    except ImportFileError as error:
        result = str(error)
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, peak


def test_an_xlsx_declaring_the_largest_sheet_is_read_with_little_memory():
    # A few kB: the sheet claims 16384 columns and a million rows, and holds thousands of empty
    # rows and cells in the last column. Read naively, every row is padded to 16384 cells.
    sheet = (
        xlsx.row(1, HEADER)
        + xlsx.row(2, ["Odra Steel", "large", "PL", "Jan Nowak"])
        + "<row/>" * 5_000
        + "".join(f'<row r="{n}">{xlsx.cell(f"XFD{n}", "x")}</row>' for n in range(5_100, 5_200))
        + f'<row r="5300">{xlsx.cell("A5300", "Vistula")}{xlsx.cell("B5300", "sme")}'
        f"{xlsx.cell('C5300', 'PL')}{xlsx.cell('D5300', 'Ewa')}</row>"
    )
    content = xlsx.workbook(sheet, dimension="A1:XFD1048576")
    assert len(content) < 6_000
    rows, peak = read_measured(content)
    assert rows == [
        {
            "organisation": "Odra Steel",
            "type": "large",
            "country": "PL",
            "name": "Jan Nowak",
            LINE_KEY: 2,
        },
        {"organisation": "Vistula", "type": "sme", "country": "PL", "name": "Ewa", LINE_KEY: 5300},
    ]
    assert peak < 8_000_000


def test_an_xlsx_with_rows_past_the_line_limit_is_refused_with_little_memory(settings):
    settings.IMPORT_MAX_ROWS = 100  # the line limit is then 11000
    # empty rows with a height: the XLSX reader keeps a record of each
    sheet = xlsx.row(1, HEADER) + xlsx.row(2, ["A", "sme", "PL", "Ann"]) + '<row ht="1"/>' * 500_000
    content = xlsx.workbook(sheet, dimension="A1:D500002")
    assert len(content) < 20_000
    message, peak = read_measured(content)
    assert message == (
        "The sheet has rows after line 11000, even if empty; delete them or copy the data to a "
        "new sheet."
    )
    assert peak < 8_000_000


def test_an_xlsx_row_with_more_cells_than_excel_allows_is_refused_with_little_memory():
    # the XLSX reader holds all the cells of a row at once, about 300 bytes each
    sheet = xlsx.row(1, HEADER) + xlsx.row(2, ["A", "sme", "PL", "Ann"])
    sheet += '<row r="3">' + "<c/>" * 300_000 + "</row>"
    content = xlsx.workbook(sheet)
    assert len(content) < 5_000
    message, peak = read_measured(content)
    assert message == "The XLSX file cannot be read."
    assert peak < 2_000_000


def test_an_xlsx_with_a_row_far_past_excels_last_line_is_refused():
    sheet = xlsx.row(1, HEADER) + xlsx.row(2, ["A", "sme", "PL", "Ann"])
    sheet += f'<row r="99999999999">{xlsx.cell("A99999999999", "z")}</row>'
    with pytest.raises(ImportFileError) as error:
        read_table("people.xlsx", io.BytesIO(xlsx.workbook(sheet)))
    assert str(error.value).startswith("The sheet has rows after line 60000,")


def test_an_xlsx_with_rows_beyond_the_row_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 5
    sheet = xlsx.row(1, HEADER) + "".join(
        xlsx.row(n, [f"Org {n}", "sme", "PL", "Ann"]) for n in range(2, 20)
    )
    with pytest.raises(ImportFileError) as error:
        read_table("people.xlsx", io.BytesIO(xlsx.workbook(sheet)))
    assert str(error.value) == "The file has more than 5 rows."


def test_an_xlsx_header_past_column_60_is_refused():
    sheet = xlsx.row(1, HEADER)[: -len("</row>")] + xlsx.cell("XFD1", "email") + "</row>"
    sheet += xlsx.row(2, ["A", "sme", "PL", "Ann"])
    with pytest.raises(ImportFileError) as error:
        read_table("people.xlsx", io.BytesIO(xlsx.workbook(sheet, dimension="A1:XFD2")))
    assert str(error.value) == (
        "The file has more than 60 columns; keep the columns to import among the first 60."
    )


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.IMPORT_MAX_BYTES = 100 * 1024  # so at most 1000 KB unpacked
    buffer = io.BytesIO(xlsx.workbook(xlsx.row(1, HEADER)))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 2_000_000)
    content = buffer.getvalue()
    assert len(content) < 10_000
    message, peak = read_measured(content)
    assert message == "The XLSX file unpacks to more than 1000.0\xa0KB; save it again or split it."
    assert peak < 1_000_000


def test_one_long_shared_text_in_every_cell_is_refused(settings):
    # 1 MB of text that 4 cells of each of 1000 rows show: 4 GB if every cell were copied out
    settings.IMPORT_MAX_BYTES = 200 * 1024  # so at most 2000 KB of text
    sheet = xlsx.row(1, HEADER) + "".join(
        f'<row r="{n}">' + "".join(xlsx.shared_cell(f"{c}{n}", 0) for c in "ABCD") + "</row>"
        for n in range(2, 1002)
    )
    content = xlsx.workbook(sheet, shared_strings=["x" * 1_000_000])
    message, peak = read_measured(content)
    assert message == "The file holds more than 2.0\xa0MB of text."
    assert peak < 12_000_000


def test_too_many_shared_texts_are_refused_before_reading(settings):
    # a few kB that the XLSX reader would spend many seconds turning into a million objects
    settings.IMPORT_MAX_ROWS = 100  # so at most 2000 different texts
    content = xlsx.workbook(
        xlsx.row(1, HEADER) + xlsx.row(2, ["A", "sme", "PL", "Ann"]), shared_strings=[""] * 2001
    )
    with pytest.raises(ImportFileError) as error:
        read_table("people.xlsx", io.BytesIO(content))
    assert str(error.value) == (
        "The XLSX file holds more than 2000 different texts; copy the sheet to import into a new "
        "file."
    )
    fine = xlsx.workbook(
        xlsx.row(1, HEADER) + xlsx.row(2, ["A", "sme", "PL", "Ann"]), shared_strings=[""] * 2000
    )
    assert len(read_table("people.xlsx", io.BytesIO(fine))) == 1


def test_a_part_with_far_too_many_xml_elements_is_refused_before_reading():
    buffer = io.BytesIO(xlsx.workbook(xlsx.row(1, HEADER) + xlsx.row(2, ["A", "sme", "PL", "Ann"])))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/styles.xml", "<styleSheet>" + "<xf/>" * 100_001 + "</styleSheet>")
    message, peak = read_measured(buffer.getvalue())
    assert message == "The XLSX file cannot be read."
    assert peak < 1_000_000


def test_a_spreadsheet_saved_by_openpyxl_at_the_row_limit_is_read(settings):
    from openpyxl import Workbook

    settings.IMPORT_MAX_ROWS = 300
    book = Workbook()
    book.active.append([*HEADER, "description"])
    for n in range(300):
        book.active.append([f"Org {n}", "sme", "PL", f"Person {n}", f"Text {n} " * 10])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read_table("people.xlsx", io.BytesIO(buffer.getvalue()))
    assert (len(rows), rows[-1]["name"], rows[-1][LINE_KEY]) == (300, "Person 299", 301)
