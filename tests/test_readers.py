"""read_source on every supported format, text encodings and delimiters, and bad files."""

from __future__ import annotations

import csv
import io
import os
import struct
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_analytics.errors import SpreadsheetError
from followup_analytics.ingest.raw import Source
from followup_analytics.ingest.readers import ReadLimits, read_source
from followup_analytics.ingest.sources import expand_sources

DATA = Path(__file__).parent / "data"
HEADER = ["Company", "Date Applied", "Status", "Follow-up #1 Date", "Follow-ups"]
ROWS = [
    ["Acme", datetime(2026, 1, 5), "Applied", datetime(2026, 1, 9, 14, 30), 1],
    ["Béta £td", datetime(2026, 1, 6), "Rejected", None, 0],
]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def tracker_rows() -> list[list]:
    """Title, blank, header, two data rows, a blank row, a totals row and a footnote."""
    return [
        ["My job search"],
        [],
        HEADER,
        *ROWS,
        [],
        ["Total", None, None, None, 1],
        ["* figures as of June"],
    ]


def read(path_or_obj, **kw):
    [src] = expand_sources((path_or_obj,))
    return read_source(src, **kw)


# --------------------------------------------------------------------------- workbooks
def test_xlsx_two_data_sheets_summary_and_notes(tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        {
            "2025": tracker_rows(),
            "Summary": [["Metric", "Value"], ["Applications", 2]],
            "2026": [HEADER, ["Gamma", datetime(2026, 2, 1), "Offer", None, 2]],
            "Notes": [["Follow up within a week."], ["Thank-you notes within a day."]],
        },
    )
    tables, skipped = read(path)
    assert [t.sheet for t in tables] == ["2025", "2026"]
    assert [(s.sheet, s.reason[:14]) for s in skipped] == [
        ("Summary", "no header row:"),
        ("Notes", "no header row:"),
    ]
    t = tables[0]
    assert t.header_row == 3 and list(t.frame.columns) == HEADER
    assert t.frame.index.tolist() == [4, 5]
    assert t.dropped[["row", "reason"]].values.tolist() == [
        [6, "blank row"],
        [7, "totals row"],
        [8, "footnote"],
    ]
    assert t.frame.loc[4, "Date Applied"] == pd.Timestamp("2026-01-05")
    assert t.frame.loc[4, "Follow-up #1 Date"] == pd.Timestamp("2026-01-09 14:30")
    assert type(t.frame.loc[4, "Date Applied"]) is datetime
    assert type(t.frame.loc[4, "Follow-ups"]) is int
    assert t.frame.loc[5, "Follow-up #1 Date"] is None
    assert t.frame.loc[5, "Company"] == "Béta £td"
    assert tables[1].frame.index.tolist() == [2]


def test_sheets_by_name_and_position_and_unknown_sheet(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"A": tracker_rows(), "B": tracker_rows()})
    assert [t.sheet for t in read(path, sheets=["B"])[0]] == ["B"]
    assert [t.sheet for t in read(path, sheets=[1, 0])[0]] == ["B", "A"]
    assert [t.sheet for t in read(path, sheets="A")[0]] == ["A"]
    with pytest.raises(SpreadsheetError, match=r"no sheet 'C', 5; the sheets are 'A', 'B'"):
        read(path, sheets=["C", 5])


def test_xlsm_is_read(tmp_path):
    tables, _ = read(write_xlsx(tmp_path / "t.xlsm", {"Log": tracker_rows()}))
    assert tables[0].frame["Company"].tolist() == ["Acme", "Béta £td"]


def test_xls_fixture_is_read():
    # tests/data/tracker.xls: LibreOffice 7.4 `soffice --headless --convert-to xls` of an
    # openpyxl workbook: title, blank, header (row 3), Acme and Beta Ltd, "Total" (row 6).
    tables, _ = read(DATA / "tracker.xls")
    t = tables[0]
    assert (t.sheet, t.header_row, t.frame.index.tolist()) == ("Applications", 3, [4, 5])
    assert t.frame.loc[4, "Date Applied"] == pd.Timestamp("2026-01-05")
    assert t.frame.loc[4, "Follow-up #1 Date"] == pd.Timestamp("2026-01-09")
    assert t.dropped[["row", "reason"]].values.tolist() == [[6, "totals row"]]


def test_ods_is_read(tmp_path):
    path = tmp_path / "t.ods"
    with pd.ExcelWriter(path, engine="odf") as xw:
        pd.DataFrame([r + [None] * (5 - len(r)) for r in tracker_rows()]).to_excel(
            xw, sheet_name="Log", header=False, index=False
        )
    tables, _ = read(path)
    t = tables[0]
    assert t.header_row == 3 and t.frame.index.tolist() == [4, 5]
    assert t.frame.loc[4, "Date Applied"] == pd.Timestamp("2026-01-05")
    assert t.dropped["reason"].tolist() == ["blank row", "totals row", "footnote"]


def test_extra_headers_let_a_sheet_with_private_headers_be_read(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"S": [["Boss", "Mood"], ["x", "y"]]})
    with pytest.raises(SpreadsheetError, match="no data table found"):
        read(path)
    assert read(path, extra_headers=["Boss", "Mood"])[0][0].header_row == 1


# --------------------------------------------------------------------------- text files
CSV_TEXT = (
    "My job search\n\nCompany{d}Date Applied{d}Status{d}Notes\n"
    'Acme{d}2026-01-05{d}Applied{d}"called, twice; maybe"\n'
    "Béta £td{d}2026-01-06{d}Rejected{d}\n\nTotal{d}{d}{d}2\n* figures as of June\n"
)


@pytest.mark.parametrize("ext", [".csv", ".tsv", ".txt"])
@pytest.mark.parametrize(
    ("delimiter", "label"), [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")]
)
def test_delimiters(tmp_path, ext, delimiter, label):
    path = tmp_path / f"log{ext}"
    path.write_text(CSV_TEXT.format(d=delimiter), encoding="utf-8")
    [t], _ = read(path)
    assert f"delimiter {label}" in " ".join(t.notes)
    assert list(t.frame.columns) == ["Company", "Date Applied", "Status", "Notes"]
    assert t.frame.loc[4].tolist() == ["Acme", "2026-01-05", "Applied", "called, twice; maybe"]
    assert t.frame.loc[5, "Notes"] is None
    assert t.dropped[["row", "reason"]].values.tolist() == [
        [6, "blank row"],
        [7, "totals row"],
        [8, "footnote"],
    ]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("cp1252", "cp1252"),
        ("utf-16-le", "utf-16-le"),
    ],
)
def test_encodings(tmp_path, encoding, expected):
    path = tmp_path / "log.csv"
    path.write_bytes(CSV_TEXT.format(d=";").encode(encoding))
    [t], _ = read(path)
    assert t.notes[0].startswith(f"encoding {expected} (")
    assert t.frame.loc[5, "Company"] == "Béta £td"
    assert t.frame.columns[0] == "Company"  # no byte-order mark left in the header


def test_non_utf8_after_the_sniffed_sample_is_read_as_cp1252_on_its_line_only(tmp_path):
    body = "".join(f"Acme {i},2026-01-05,Applied\n" for i in range(5000))
    path = tmp_path / "log.csv"
    # UTF-8 throughout (Zoë, Łódź) except one Windows-1252 line past the first 64 KB
    path.write_bytes(
        "Company,Date Applied,Status\nZoë Łódź,2026-01-04,Applied\n".encode()
        + body.encode()
        + "Café,2026-01-06,x\n".encode("cp1252")
    )
    [t], _ = read(path)
    assert t.frame["Company"].iloc[-1] == "Café"
    assert t.frame["Company"].iloc[0] == "Zoë Łódź"  # not re-decoded as cp1252 (mojibake)
    assert any("1 line(s) not valid UTF-8 read as Windows-1252 (line 5003)" in n for n in t.notes)


def test_multiline_cells_and_rows_wider_than_the_sample(tmp_path):
    lines = ["Company,Status,Note", 'Acme,Applied,"line one\nline two"']
    lines += [f"C{i},Applied," for i in range(3000)] + ["Late,Applied,x,extra,cells"]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    [t], _ = read(path)
    assert t.frame.loc[2, "Note"] == "line one\nline two"
    assert t.frame.index[-1] == 3003  # records, as a spreadsheet program numbers them
    assert t.frame.loc[3003, "Unnamed: E"] == "cells"


# --------------------------------------------------------------------------- other objects
def test_streams_are_sniffed_and_left_where_they_were(tmp_path):
    data = write_xlsx(tmp_path / "t.xlsx", {"Log": tracker_rows()}).read_bytes()
    stream = io.BytesIO(b"junk" + data)
    stream.seek(4)
    [t], _ = read(stream)
    assert t.file == "<stream 1>" and t.frame.index.tolist() == [4, 5]
    assert stream.tell() == 4
    [t], _ = read(io.StringIO(CSV_TEXT.format(d="|")))
    assert t.frame.loc[5, "Company"] == "Béta £td"
    [t], _ = read(io.BytesIO(CSV_TEXT.format(d=",").encode("utf-16")))
    assert t.notes[0].startswith("encoding utf-16")


def test_dataframe_source_keeps_its_columns_and_is_not_mutated():
    df = pd.DataFrame(
        {"Company": ["Acme", "Beta"], "Date Applied": pd.to_datetime(["2026-01-05", None])}
    )
    before = df.copy()
    [t], skipped = read_source(Source("<DataFrame 1>", df, seeker_hint="ana"))
    pd.testing.assert_frame_equal(df, before)
    assert (t.header_row, t.sheet, t.seeker_hint, skipped) == (1, None, "ana", [])
    assert t.frame.index.tolist() == [2, 3] and t.frame.loc[3, "Date Applied"] is None
    with pytest.raises(SpreadsheetError, match="DataFrame holds no data rows"):
        read_source(Source("<DataFrame 2>", df.iloc[:0]))


def test_seeker_hint_is_carried(tmp_path):
    (tmp_path / "ana.csv").write_text("Company,Status\nAcme,Applied\n")
    [src] = expand_sources((tmp_path,))
    assert read_source(src)[0][0].seeker_hint == "ana"


def test_reading_never_modifies_the_file(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"Log": tracker_rows()})
    csv_path = tmp_path / "t.csv"
    csv_path.write_text(CSV_TEXT.format(d=","))
    for p in (path, csv_path):
        os.utime(p, (1_700_000_000, 1_700_000_000))
        before = (p.read_bytes(), p.stat().st_mtime_ns)
        read(p)
        assert (p.read_bytes(), p.stat().st_mtime_ns) == before


# --------------------------------------------------------------------------- bad files
def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def _bad(path, match, limits=None):
    with pytest.raises(SpreadsheetError, match=match) as err:
        read(path, limits=limits)
    assert str(path) in str(err.value) and err.value.problems[0].file == str(path)


def test_empty_files(tmp_path):
    for name in ("e.xlsx", "e.csv", "e.xls"):
        (tmp_path / name).write_bytes(b"")
        _bad(tmp_path / name, r"empty file \(0 bytes\)")


def test_header_only_files(tmp_path):
    (tmp_path / "h.csv").write_text("Company,Date Applied,Status\n\n")
    _bad(tmp_path / "h.csv", "no data table found .header only: no data rows below the header")
    path = write_xlsx(tmp_path / "h.xlsx", {"A": [HEADER], "B": [["Company", "Status"]]})
    _bad(path, "sheet 'A': header only.*sheet 'B': header only")


def test_files_that_are_not_what_their_extension_says(tmp_path):
    (tmp_path / "page.xlsx").write_text("<html><table><tr><td>x</td></tr></table></html>")
    _bad(tmp_path / "page.xlsx", r"is not a \.xlsx workbook: it looks like an HTML page")
    (tmp_path / "page.xls").write_text("<html><table></table></html>")
    _bad(tmp_path / "page.xls", r"not an Excel 97-2003 \(\.xls\) workbook: it looks like an HTML")
    zipped = write_xlsx(tmp_path / "z.xlsx", {"A": tracker_rows()})
    (tmp_path / "z.xls").write_bytes(zipped.read_bytes())
    _bad(tmp_path / "z.xls", r"zipped workbook .* saved with an \.xls name")
    (tmp_path / "z.csv").write_bytes(zipped.read_bytes())
    _bad(tmp_path / "z.csv", r"not a text file: it is a zip container")
    (tmp_path / "old.xlsx").write_bytes((DATA / "tracker.xls").read_bytes())
    _bad(tmp_path / "old.xlsx", r"old Excel 97-2003 file saved with a \.xlsx name")
    (tmp_path / "nul.csv").write_bytes(b"Company,Status\nAc\x00me,\x01\x02\x03\n")
    _bad(tmp_path / "nul.csv", "NUL bytes")
    word = _zip(
        tmp_path / "doc.xlsx",
        {
            "[Content_Types].xml": _TYPES.replace(
                b"spreadsheetml.sheet.main", b"wordprocessingml.document.main"
            )
        },
    )
    _bad(word, "is a Word document, not a workbook")
    _bad(_zip(tmp_path / "plain.xlsx", {"a.txt": b"hello"}), r"no \[Content_Types\]\.xml")
    _bad(
        _zip(
            tmp_path / "odt.ods",
            {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
        ),
        "not an OpenDocument spreadsheet",
    )


def test_corrupt_and_truncated_workbooks(tmp_path):
    data = write_xlsx(tmp_path / "ok.xlsx", {"A": tracker_rows()}).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    _bad(tmp_path / "cut.xlsx", "corrupt or truncated workbook")
    (tmp_path / "noise.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(3000))
    _bad(tmp_path / "noise.xlsx", "corrupt or truncated workbook")
    with (
        zipfile.ZipFile(tmp_path / "ok.xlsx") as src,
        zipfile.ZipFile(tmp_path / "garbled.xlsx", "w") as dst,
    ):
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, b"<worksheet><sheetData><row" if "sheet1" in info.filename else body)
    _bad(tmp_path / "garbled.xlsx", "corrupt or unreadable workbook")


def test_password_protected_workbook():
    # tests/data/encrypted.xlsx: an openpyxl workbook encrypted once with msoffcrypto-tool
    # (OOXMLFile.encrypt("secret", out)): an OLE2 container holding an EncryptedPackage.
    _bad(DATA / "encrypted.xlsx", "password-protected; save an unprotected copy")
    stream = io.BytesIO((DATA / "encrypted.xlsx").read_bytes())
    with pytest.raises(SpreadsheetError, match="password-protected|corrupt or unreadable"):
        read(stream)


def test_zip_bombs_are_refused_before_inflating(tmp_path):
    zeros = {
        "[Content_Types].xml": _TYPES,
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"0" * (4 * 2**20),
    }
    bomb = _zip(tmp_path / "bomb.xlsx", zeros)
    _bad(bomb, r"compressed [\d,]+:1 \(limit 200:1\).*decompression bomb")
    _bad(
        bomb,
        r"would inflate to 4 MiB \(limit 1 MiB\)",
        ReadLimits(max_uncompressed_bytes=2**20, max_ratio=10_000),
    )
    # a central directory declaring a 4 GiB member
    data = bytearray(write_xlsx(tmp_path / "ok.xlsx", {"A": tracker_rows()}).read_bytes())
    at = data.index(b"PK\x01\x02")
    data[at + 24 : at + 28] = struct.pack("<I", 0xFFFF0000)
    (tmp_path / "huge.xlsx").write_bytes(bytes(data))
    _bad(tmp_path / "huge.xlsx", r"would inflate to 4,096 MiB \(limit 512 MiB\)")


def test_member_lying_about_its_size_is_caught_by_its_checksum(tmp_path):
    path = _zip(
        tmp_path / "liar.xlsx",
        {"[Content_Types].xml": _TYPES, "xl/worksheets/sheet1.xml": b"<a>" * 400_000},
    )
    data = bytearray(path.read_bytes())
    at = data.rindex(b"PK\x01\x02")  # the central directory entry of the last member
    data[at + 24 : at + 28] = struct.pack("<I", 1000)
    path.write_bytes(bytes(data))
    _bad(path, "corrupt or truncated workbook")


def test_xml_entities_are_refused(tmp_path):
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;">]><workbook>&lol2;</workbook>'
    )
    path = _zip(tmp_path / "lol.xlsx", {"[Content_Types].xml": _TYPES, "xl/workbook.xml": lol})
    _bad(path, "declares a DTD or entities")


def test_row_limit(tmp_path):
    (tmp_path / "big.csv").write_text("Company,Status\n" + "Acme,Applied\n" * 50)
    _bad(tmp_path / "big.csv", "more than 20 rows", ReadLimits(max_rows=20))
    path = write_xlsx(tmp_path / "big.xlsx", {"A": [["Company", "Status"]] + [["a", "b"]] * 30})
    _bad(path, "has 31 rows", ReadLimits(max_rows=20))


def test_returned_frames_can_be_modified_by_their_consumer(tmp_path):
    (tmp_path / "a.csv").write_text("Company,Status\nAcme,Applied\nBeta,Rejected\n")
    for path in (tmp_path / "a.csv", write_xlsx(tmp_path / "a.xlsx", {"S": tracker_rows()})):
        frame = read(path)[0][0].frame
        frame.iloc[0, 0] = "changed"
        frame.loc[frame.index[-1], "Status"] = "Offer"
        assert frame.iloc[0, 0] == "changed" and frame["Status"].iloc[-1] == "Offer"


# --------------------------------------------------------------------------- xlsb
def _record(kind: int, payload: bytes = b"") -> bytes:
    """One MS-XLSB record: 7-bit varint type and size, then the payload (MS-XLSB 2.1.4)."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, out = len(payload), bytearray()
    while True:
        out.append((size & 0x7F) | (0x80 if size > 0x7F else 0))
        size >>= 7
        if not size:
            break
    return head + bytes(out) + payload


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def write_xlsb(path: Path, rows: list[list]) -> Path:
    """A minimal one-sheet .xlsb (no Python library writes them; LibreOffice cannot either).

    Records as laid out in [MS-XLSB]: BrtBundleSh in xl/workbook.bin; BrtWsDim, BrtRowHdr,
    BrtCellSt (text), BrtCellRk (whole numbers) and BrtCellReal (other numbers) in the sheet.
    """
    sheet = bytearray(
        _record(0x81)
        + _record(0x94, struct.pack("<4I", 0, len(rows) - 1, 0, max(len(r) for r in rows) - 1))
        + _record(0x91)
    )
    for r, row in enumerate(rows):
        sheet += _record(0x00, struct.pack("<I", r) + bytes(13))
        for c, v in enumerate(row):
            cell = struct.pack("<II", c, 0)
            if isinstance(v, str):
                sheet += _record(0x06, cell + _wide(v))
            elif isinstance(v, int):
                sheet += _record(0x02, cell + struct.pack("<i", (v << 2) | 2))
            elif isinstance(v, float):
                sheet += _record(0x05, cell + struct.pack("<d", v))
    sheet += _record(0x92) + _record(0x82)
    book = (
        _record(0x83)
        + _record(0x8F)
        + _record(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide("Log"))
        + _record(0x90)
        + _record(0x9D, bytes(26))
        + _record(0x84)
    )
    main = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="bin" ContentType="application/'
        'vnd.ms-excel.worksheet"/><Override PartName="/xl/workbook.bin" ContentType="'
        f'{main}"/></Types>'
    )
    rel = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/{0}" Target="{1}"/>'
        "</Relationships>"
    )
    return _zip(
        path,
        {
            "[Content_Types].xml": types.encode(),
            "_rels/.rels": rel.format("officeDocument", "xl/workbook.bin").encode(),
            "xl/_rels/workbook.bin.rels": rel.format("worksheet", "worksheets/sheet1.bin").encode(),
            "xl/workbook.bin": book,
            "xl/worksheets/sheet1.bin": bytes(sheet),
        },
    )


def test_xlsb_is_read(tmp_path):
    path = write_xlsb(
        tmp_path / "t.xlsb",
        [
            ["Job search"],
            [],
            ["Company", "Date Applied", "Status", "Follow-ups"],
            ["Acme", "2026-01-05", "Applied", 2],
            ["Beta", "2026-01-06", "Offer", 1.5],
            ["Total", None, None, 3.5],
        ],
    )
    [t], _ = read(path)
    assert (t.sheet, t.header_row, t.frame.index.tolist()) == ("Log", 3, [4, 5])
    assert t.frame["Follow-ups"].tolist() == [2, 1.5]
    assert type(t.frame.loc[4, "Follow-ups"]) is int
    assert t.dropped[["row", "reason"]].values.tolist() == [[6, "totals row"]]


def _ods_with_repeats(path: Path, rows: int, cols: int) -> Path:
    cell = (
        f'<table:table-cell table:number-columns-repeated="{cols}" office:value-type='
        '"string"><text:p>x</text:p></table:table-cell>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
        '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:'
        'names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:'
        'opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table '
        'table:name="S"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>Company</text:p></table:table-cell><table:table-cell office:value-type="
        '"string"><text:p>Status</text:p></table:table-cell></table:table-row>'
        f'<table:table-row table:number-rows-repeated="{rows}">{cell}</table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
        'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        "</manifest:manifest>"
    )
    return _zip(
        path,
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content.encode(),
            "META-INF/manifest.xml": manifest.encode(),
        },
    )


def test_ods_cell_bomb_is_refused_before_calamine_expands_it(tmp_path):
    # 1,000,000 x 1,000 repeated filled cells fit in 1 KB; calamine would build them all
    _bad(
        _ods_with_repeats(tmp_path / "bomb.ods", 1_000_000, 1_000),
        r"spans 1,000,001,000 cells .*limit 10,000,000.*cell bomb",
    )
    [t], _ = read(_ods_with_repeats(tmp_path / "ok.ods", 3, 2))  # padding rows are free
    assert t.frame.index.tolist() == [2, 3, 4] and t.frame.loc[2].tolist() == ["x", "x"]


def test_sheet_starting_away_from_a1_keeps_spreadsheet_positions(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.cell(3, 3, "Company")
    ws.cell(3, 5, "Status")
    ws.cell(4, 3, "Acme")
    ws.cell(4, 4, "no header here")
    ws.cell(4, 5, "Applied")
    wb.save(tmp_path / "off.xlsx")
    [t], _ = read(tmp_path / "off.xlsx")
    assert t.header_row == 3 and t.frame.index.tolist() == [4]
    assert list(t.frame.columns) == ["Company", "Unnamed: D", "Status"]


_csv_cell = st.one_of(
    st.just(""),
    st.sampled_from(["Acme", "Total", "* note", "a,b", "x\ny", '"q"', "Status", "é £", "12"]),
)


@settings(max_examples=40, deadline=None)
@given(
    body=st.lists(st.lists(_csv_cell, min_size=3, max_size=3), min_size=1, max_size=20),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_rows_are_kept_or_dropped_under_their_record_number(body, delimiter):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["Company", "Status", "Notes"], *body])
    try:
        [t], _ = read_source(Source("<gen>.csv", io.BytesIO(out.getvalue().encode())))
    except SpreadsheetError as err:  # only when no row below the header holds anything
        assert "header only" in str(err) and all(c == "" for r in body for c in r)
        return
    assert set(t.frame.index) | set(t.dropped["row"]) == set(range(2, len(body) + 2))
    assert not set(t.frame.index) & set(t.dropped["row"])
    for row in t.frame.index:
        cells = [c or None for c in body[row - 2]]
        assert t.frame.loc[row].tolist()[:3] == cells


def _sheet_xml(cells: str) -> list[bytes]:
    return [
        (
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>'
        ).encode()
    ]


def test_far_apart_cells_are_refused_before_the_reader_allocates_them(tmp_path):
    # two filled cells at A1 and ZZ1000000 make a dense 1,000,000 x 702 range in calamine
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Company", "Status"])
    ws.append(["Acme", "Applied"])
    ws.cell(1_000_000, 702, "far")
    wb.save(tmp_path / "far.xlsx")
    _bad(tmp_path / "far.xlsx", r"spans 702,000,000 cells .*limit 10,000,000.*cell bomb")
    # the same with cells whose reference is not the first attribute (XML parser)
    from followup_analytics.ingest._extent import xlsx_sheet_cells as cells

    assert (
        cells(
            _sheet_xml(
                '<row r="1"><c t="s" r="A1"><v>0</v></c></row>'
                '<row r="900000"><c t="s" r="AB900000"><v>0</v></c></row>'
            )
        )
        == 900_000 * 28
    )
    assert (
        cells(
            _sheet_xml(
                '<row r="5"><c r="C5" s="1"/><c r="D5"><v>1</v></c></row>'
                '<row r="9"><c r="B9"><v>2</v></c><c r="ZZ9" s="2"/></row>'
            )
        )
        == 5 * 3
    )  # rows 5-9, columns B-D; empty styled cells are free
    # calamine takes the smallest and largest row whatever their order
    assert (
        cells(
            _sheet_xml(
                '<row r="9"><c r="A9"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>'
            )
        )
        == 8
    )
    assert (
        cells(
            _sheet_xml(
                '<row r="1"><c r="A1"><v>1</v></c><c r="AC1"><v>1</v></c>'
                '</row><row r="2"><c r="AD2"/></row>'
            )
        )
        == 29
    )


def test_xlsb_far_apart_cells_are_refused(tmp_path):
    path = write_xlsb(tmp_path / "ok.xlsb", [["Company", "Status"], ["Acme", "Applied"]])
    # the same workbook with a second filled cell at row 1,000,000, column 1,000
    sheet = (
        _record(0x81)
        + _record(0x94, struct.pack("<4I", 0, 999_999, 0, 999))
        + _record(0x91)
        + _record(0x00, struct.pack("<I", 0) + bytes(13))
        + _record(0x06, struct.pack("<II", 0, 0) + _wide("Company"))
        + _record(0x06, struct.pack("<II", 1, 0) + _wide("Status"))
        + _record(0x00, struct.pack("<I", 999_999) + bytes(13))
        + _record(0x06, struct.pack("<II", 999, 0) + _wide("far"))
        + _record(0x92)
    )
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "bomb.xlsb", "w") as dst:
        for info in src.infolist():
            dst.writestr(info, sheet if info.filename.endswith("sheet1.bin") else src.read(info))
    assert read(path)[0][0].frame.index.tolist() == [2]
    _bad(tmp_path / "bomb.xlsb", r"spans 1,000,000,000 cells")


def test_truncated_xlsb_sheet_is_corrupt(tmp_path):
    path = write_xlsb(tmp_path / "ok.xlsb", [["Company", "Status"], ["Acme", "Applied"]])
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "cut.xlsb", "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(
                info, body[:-3] + b"\x86" if info.filename.endswith("sheet1.bin") else body
            )
    _bad(tmp_path / "cut.xlsb", "corrupt")


def test_xls_far_apart_cells_are_refused(tmp_path):
    data = bytearray((DATA / "tracker.xls").read_bytes())
    at = data.rindex(b"\xfd\x00\x0a\x00")  # the last LABELSST cell record (row 5, column A)
    assert struct.unpack_from("<HH", data, at + 4) == (5, 0)
    struct.pack_into("<HH", data, at + 4, 65000, 60000)
    (tmp_path / "far.xls").write_bytes(bytes(data))
    _bad(tmp_path / "far.xls", r"a sheet spans 3,900,125,001 cells")
    (tmp_path / "cut.xls").write_bytes(bytes(data[:700]))
    _bad(tmp_path / "cut.xls", "corrupt")
