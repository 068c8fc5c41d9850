"""Hostile inputs: each named case of the importer's attack review, and seeded mutations.

Every builder writes into a folder and returns what to pass to ``load()`` and what must
happen: ``("refuse", regex)`` (a SpreadsheetError whose message matches) or
``("load", rows)``. Mutations take a seed, so a failure replays (``mutant(kind, seed)``).
Used by ``test_attack.py`` through ``attack_driver.py``, which runs each case in a forked
process under memory and CPU limits.
"""

from __future__ import annotations

import os
import random
import struct
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
FAR = "XFD1048576"  # 16,384 x 1,048,576 cells between A1 and here
BOMB = r"cell bomb|limit"
HEAD = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Company</t></is></c><c r="B1" '
    't="inlineStr"><is><t>Status</t></is></c></row><row r="2"><c r="A2" t="inlineStr">'
    '<is><t>Acme</t></is></c><c r="B2" t="inlineStr"><is><t>Applied</t></is></c></row>'
)


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def xlsx(
    path: Path,
    rows: str,
    *,
    member: str = "xl/worksheets/sheet1.xml",
    target: str = "worksheets/sheet1.xml",
    strings: str | None = None,
) -> Path:
    """A minimal .xlsx whose only sheet holds ``rows`` (``<row>`` elements)."""
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        "</Types>"
    )
    rel = (
        f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{RELS}/{{0}}" Target="{{1}}"/></Relationships>'
    )
    parts = {
        "[Content_Types].xml": types,
        "_rels/.rels": rel.format("officeDocument", "xl/workbook.xml"),
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet '
        'name="Log" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": rel.format("worksheet", target),
        member: f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>',
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    return _zip(path, parts)


def _far(spelling: str, ref: str = FAR) -> str:
    """A filled cell at ``ref`` in one of the spellings the reader accepts."""
    return {
        "plain": f'<c r="{ref}"><v>1</v></c>',
        "single": f"<c r='{ref}'><v>1</v></c>",
        "newline": f'<c\nr="{ref}"><v>1</v></c>',
        "tab": f'<c\ts="0"\tr="{ref}"><v>1</v></c>',
        "prefix": f'<x:c xmlns:x="{MAIN}" r="{ref}"><x:v>1</x:v></x:c>',
        "late": f'<c t="n" r="{ref}"><v>1</v></c>',
    }[spelling]


def _hidden(cell: str) -> str:
    """The far cell followed by a comment holding a near one (the last ``</c>`` in bytes)."""
    return f'<row r="3">{cell}</row><!-- <row r="4"><c r="A4"><v>1</v></c></row> -->'


# --------------------------------------------------------------------------- xls
def _xls_difat_loop(path: Path, where: int = 0) -> Path:
    data = bytearray((DATA / "tracker.xls").read_bytes())
    sector = (len(data) - 512) // 512 + where
    data += bytes(512 * where)
    loop = bytearray(b"\xff" * 512)
    loop[508:512] = struct.pack("<I", sector)
    data += loop
    struct.pack_into("<II", data, 68, sector, 1)
    path.write_bytes(bytes(data))
    return path


def _xls_dimensions(path: Path, rows: int = 0x100000, cols: int = 256) -> Path:
    data = bytearray((DATA / "tracker.xls").read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")
    assert at > 0, "tracker.xls has no DIMENSIONS record"
    struct.pack_into("<IIHH", data, at + 4, 0, rows, 0, cols)
    path.write_bytes(bytes(data))
    return path


# --------------------------------------------------------------------------- ods
def ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
        '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:'
        'names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:'
        'opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table '
        'table:name="S"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>Company</text:p></table:table-cell><table:table-cell office:value-type="
        '"string"><text:p>Status</text:p></table:table-cell></table:table-row>'
        f"{rows}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
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
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content,
            "META-INF/manifest.xml": manifest,
        },
    )


def _ods_repeat(rows: int, cols: int, quote: str = '"', text_only: bool = False) -> str:
    q = quote
    value = "" if text_only else f" office:value-type={q}string{q}"
    return (
        f"<table:table-row table:number-rows-repeated={q}{rows}{q}><table:table-cell "
        f"table:number-columns-repeated={q}{cols}{q}{value}><text:p>x</text:p>"
        "</table:table-cell></table:table-row>"
    )


# --------------------------------------------------------------------------- xlsb
def _xlsb_far(path: Path, member: str = "XL/worksheets/sheet1.bin") -> Path:
    from test_readers import _record, _wide, write_xlsb

    ok = write_xlsb(path.with_name("base.xlsb"), [["Company", "Status"], ["Acme", "Applied"]])
    sheet = (
        _record(0x81)
        + _record(0x94, struct.pack("<4I", 0, 1, 0, 1))
        + _record(0x91)
        + _record(0x00, struct.pack("<I", 0) + bytes(13))
        + _record(0x06, struct.pack("<II", 0, 0) + _wide("Company"))
        + _record(0x00, struct.pack("<I", 1_048_575) + bytes(13))
        + _record(0x06, struct.pack("<II", 16_383, 0) + _wide("far"))
        + _record(0x92)
        + _record(0x82)
    )
    with zipfile.ZipFile(ok) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            if info.filename.endswith("sheet1.bin"):
                dst.writestr(member, sheet)
            else:
                dst.writestr(info, src.read(info))
    return path


# --------------------------------------------------------------------------- cases
def _glob_loop(folder: Path) -> str:
    tree = folder / "trackers" / "spring"
    tree.mkdir(parents=True)
    (tree / "t.csv").write_text("Company,Date Applied,Status\nAcme,2026-03-01,Applied\n")
    os.symlink(".", tree / "again")
    os.symlink("..", tree / "up")
    os.symlink("/", tree / "root")
    return str(folder / "trackers" / "**" / "*.csv")


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.csv")
    return str(folder / "pipe.csv")


def _doubled_quotes(folder: Path, mib: int = 40) -> Path:
    """One quoted field of ``mib`` MiB split by ``""`` every KiB, on short lines."""
    path = folder / "dq.csv"
    piece = ("x" * 1021 + '\n""').encode()
    with path.open("wb") as fh:
        fh.write(b'Company,Date Applied,Status\nAcme,2026-03-01,"')
        for _ in range(mib):
            fh.write(piece * 1024)
        fh.write(b'"\nBeta,2026-03-02,Applied\n')
    return path


CASES = {
    "xlsx far cell hidden by a comment": (
        lambda d: xlsx(d / "c.xlsx", HEAD + _hidden(_far("plain"))),
        ("refuse", BOMB),
    ),
    "xlsx sheet outside xl/worksheets": (
        lambda d: xlsx(
            d / "o.xlsx",
            HEAD + f'<row r="3">{_far("plain")}</row>',
            member="xl/data/s.xml",
            target="data/s.xml",
        ),
        ("refuse", BOMB),
    ),
    "xlsx sheet path in another case": (
        lambda d: xlsx(
            d / "u.xlsx",
            HEAD + f'<row r="3">{_far("plain")}</row>',
            member="XL/WORKSHEETS/SHEET1.XML",
        ),
        ("refuse", BOMB),
    ),
    "xlsx single-quoted reference": (
        lambda d: xlsx(d / "q.xlsx", HEAD + _hidden(_far("single"))),
        ("refuse", BOMB),
    ),
    "xlsx newline before r=": (
        lambda d: xlsx(d / "n.xlsx", HEAD + _hidden(_far("newline"))),
        ("refuse", BOMB),
    ),
    "xlsx namespace prefix": (
        lambda d: xlsx(d / "p.xlsx", HEAD + _hidden(_far("prefix"))),
        ("refuse", BOMB),
    ),
    "xlsx uniqueCount 4e9": (
        lambda d: xlsx(
            d / "s.xlsx",
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            strings=f'<sst xmlns="{MAIN}" count="1" uniqueCount="4000000000"><si><t>Company</t>'
            "</si></sst>",
        ),
        ("refuse", "shared string table declares 4,000,000,000"),
    ),
    "xlsx legal but 40M cells": (
        lambda d: xlsx(
            d / "l.xlsx", HEAD + '<row r="1000000">' + _far("plain", "AN1000000") + "</row>"
        ),
        ("refuse", BOMB),
    ),
    "xlsb sheet path in another case": (lambda d: _xlsb_far(d / "b.xlsb"), ("refuse", BOMB)),
    "xls DIFAT chain loops": (lambda d: _xls_difat_loop(d / "d.xls"), ("refuse", "loops")),
    "xls DIMENSIONS of a billion cells": (lambda d: _xls_dimensions(d / "m.xls"), ("refuse", BOMB)),
    "xls that is an encrypted workbook": (
        lambda d: (d / "e.xls").write_bytes((DATA / "encrypted.xlsx").read_bytes()) and d / "e.xls",
        ("refuse", "password-protected"),
    ),
    "ods single-quoted repeats": (
        lambda d: ods(d / "q.ods", _ods_repeat(1000, 16_384, quote="'")),
        ("refuse", BOMB),
    ),
    "ods two billion spaces": (
        lambda d: ods(
            d / "s.ods",
            "<table:table-row><table:table-cell "
            'office:value-type="string"><text:p>a<text:s '
            'text:c="2000000000"/></text:p></table:table-cell>'
            "</table:table-row>",
        ),
        ("refuse", "spaces"),
    ),
    "csv one 40 MB line": (
        lambda d: (d / "w.csv").write_bytes(b"a," * 20_000_000) and d / "w.csv",
        ("refuse", "line longer than"),
    ),
    "csv quoted field split by doubled quotes": (
        _doubled_quotes,
        ("refuse", "quoted field longer than"),
    ),
    "csv stray quote swallowing rows": (
        lambda d: (
            (d / "sq.csv").write_text(
                'Company,Date Applied,Status,Notes\nAcme,2026-03-01,Applied,"called them\n'
                'Beta,2026-03-02,Rejected,fine\nCyan,2026-03-03,Applied,"ok\n'
                'Delta,2026-03-04,Applied,"line one\nline two"\n'
            )
            and d / "sq.csv"
        ),
        ("load", 4),
    ),
    "csv carriage returns only": (
        lambda d: (
            (d / "r.csv").write_bytes(
                b"Company,Date Applied,Status\rAcme,2026-03-01,Applied\rBeta,2026-03-02,Rejected\r"
            )
            and d / "r.csv"
        ),
        ("load", 2),
    ),
    "fifo named .csv": (_fifo, ("refuse", "named pipe")),
    "/dev/zero": (lambda d: "/dev/zero", ("refuse", "character device")),
    "glob through symlink loops": (_glob_loop, ("load", 1)),
}


# --------------------------------------------------------------------------- mutations
def mutant(kind: str, seed: int, folder: Path) -> tuple[Path, tuple[str, object]]:
    """A hostile variation of a valid file, reproducible from ``seed``."""
    rng = random.Random(seed)
    path = folder / f"{kind}-{seed}"
    if kind == "xlsx":
        ref = f"{rng.choice(['XF', 'ZZ', 'AAA', 'WW'])}{rng.randint(400_000, 1_048_576)}"
        cell = _far(rng.choice(["single", "newline", "tab", "prefix", "late"]), ref)
        rows = HEAD + (_hidden(cell) if rng.random() < 0.7 else f'<row r="3">{cell}</row>')
        member = rng.choice(["xl/worksheets/sheet1.xml", "xl/w/s.xml", "Xl/Worksheets/S.xml"])
        target = member.split("/", 1)[1] if rng.random() < 0.5 else "/" + member
        return xlsx(path.with_suffix(".xlsx"), rows, member=member, target=target), ("refuse", BOMB)
    if kind == "ods":
        rows = _ods_repeat(
            rng.randint(700, 5_000),
            rng.randint(14_000, 16_384),
            quote=rng.choice(["'", '"']),
            text_only=rng.random() < 0,
        )
        return ods(path.with_suffix(".ods"), rows), ("refuse", BOMB)
    if kind == "xls":
        if rng.random() < 0.5:
            return _xls_difat_loop(path.with_suffix(".xls"), rng.randint(0, 3)), ("refuse", "loops")
        return _xls_dimensions(
            path.with_suffix(".xls"), rng.randint(0x80000, 0xFFFFFFF0), rng.randint(64, 256)
        ), ("refuse", BOMB)
    if kind == "csv":  # old Mac line ends, quoted fields holding delimiters
        n = rng.randint(1, 40)
        rows = [
            f'"Firm {i}, Ltd",2026-03-{rng.randint(1, 28):02d},'
            f"{rng.choice(['Applied', 'Rejected', 'Interview'])}"
            for i in range(n)
        ]
        path.with_suffix(".csv").write_bytes(
            ("\r".join(["Company,Date Applied,Status", *rows]) + "\r" * rng.randint(0, 2)).encode(
                "utf-8"
            )
        )
        return path.with_suffix(".csv"), ("load", n)
    raise ValueError(kind)
