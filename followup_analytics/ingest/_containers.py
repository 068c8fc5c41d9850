"""Check that a file is what its extension says, and safe to open, before a parser sees it.

Workbooks are untrusted input. A zip-based workbook (.xlsx .xlsm .xlsb .ods) is opened with
:mod:`zipfile` first: its declared sizes and compression ratios are bounded, every member is
streamed once with the total capped (so a member that lies about its size is caught by its
checksum before it can inflate further), its XML parts may not declare a DTD (entity
expansion), and its content types must say it is a workbook. Sheets are measured before a
reader sees them: the rectangle between the first and last filled cells of an xlsx/xlsb
sheet, and the filled cells an ODS repeats, are bounded (a few kilobytes can otherwise make
a reader allocate billions of cells and abort the process). Old .xls files must be OLE2
containers; an OLE2 file with an .xlsx name holding an ``EncryptedPackage`` is a
password-protected workbook.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import IO

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ..errors import Problem, SpreadsheetError
from ._extent import Corrupt, xlsb_sheet_cells, xlsb_string_count, xlsx_sheet_cells
from ._ods import ods_cells
from ._parts import find, member_lookup, unique_count, xlsb_parts, xlsx_parts
from ._xls import Encrypted, xls_cells

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_FORMATS = (".xlsx", ".xlsm", ".xlsb", ".ods")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_MIB = 2**20
_WORKBOOK_TYPES = {
    ".xlsx": (
        "spreadsheetml.sheet.main",
        "spreadsheetml.template.main",
        "sheet.macroEnabled.main",
        "template.macroEnabled.main",
    ),
    ".xlsb": ("ms-excel.sheet.binary.macroEnabled.main",),
}
_OTHER_OFFICE = {"wordprocessingml": "a Word document", "presentationml": "a PowerPoint file"}


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what a reader will inflate or load from one input.

    Attributes
    ----------
    max_uncompressed_bytes : int, default 512 MiB
        Refuse a zip-based workbook whose members add up to more than this once inflated
        (also the most bytes read from a stream).
    max_ratio : float, default 200
        Refuse a member larger than ``ratio_min_bytes`` that is compressed more than this.
    ratio_min_bytes : int, default 1 MiB
        Members smaller than this are not ratio-checked (tiny XML parts compress well).
    max_rows : int, default 5,000,000
        Refuse a sheet or text file with more rows than this.
    max_text_bytes : int, default 2 GiB
        Refuse a csv/tsv/txt file larger than this.
    max_cells : int, default 10,000,000
        Refuse a sheet that would make the reader allocate more cells than this: the dense
        rectangle between the first and last filled row and column (xlsx, xlsm, xlsb, xls),
        the cells an ODS stores once its repeated rows and cells are expanded, a declared
        ``DIMENSIONS`` rectangle (xls), or a declared shared-string count. About 64 bytes a
        cell inside the reader: the default keeps one sheet under about 650 MB there, 4x the
        200,000 x 12 benchmark tracker.
    max_columns : int, default 16,384
        Refuse a csv/tsv/txt file with more columns than this (Excel's own limit).
    max_line_bytes : int, default 16 MiB
        Refuse a csv/tsv/txt file with a physical line or a quoted field longer than this (a
        one-line file of hundreds of megabytes would otherwise be split into millions of
        columns; a quote never closed would swallow the rest of the file into one cell).
    reader_memory : int, default 2 GiB
        Address-space limit (``RLIMIT_AS``) of the child process that parses workbooks on
        Linux; more is reported as a refusal naming the file.
    reader_seconds : int, default 120
        CPU-time limit (``RLIMIT_CPU``) of that child process for one workbook.
    """

    max_uncompressed_bytes: int = 512 * _MIB
    max_ratio: float = 200.0
    ratio_min_bytes: int = _MIB
    max_rows: int = 5_000_000
    max_text_bytes: int = 2048 * _MIB
    max_cells: int = 10_000_000
    max_columns: int = 16_384
    max_line_bytes: int = 16 * _MIB
    reader_memory: int = 2048 * _MIB
    reader_seconds: int = 120


def fail(name: str, reason: str, sheet: str | None = None) -> SpreadsheetError:
    """A SpreadsheetError for one input, with its Problem attached."""
    problem = Problem(file=name, sheet=sheet, row=None, column=None, reason=reason)
    return SpreadsheetError(str(problem), problems=[problem])


def describe(head: bytes) -> str:
    """A short guess at what a file really is, from its first bytes."""
    if head.startswith(ZIP_MAGIC):
        return "a zip container (.xlsx/.ods)"
    if head.startswith(OLE_MAGIC):
        return "an OLE2 container (.xls)"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table")):
        return "an HTML page"
    if low.startswith(b"<?xml"):
        return "an XML file"
    if low.startswith(b"%pdf"):
        return "a PDF"
    if b"\x00" in head:
        return "binary data"
    return "text"


def check_binary(
    name: str, ext: str, head: bytes, src: str | IO[bytes], limits: ReadLimits
) -> None:
    """Raise unless ``src`` is a safe workbook of the kind ``ext`` names.

    Parameters
    ----------
    name : str
        Display name used in messages.
    ext : str
        Lower-case extension (``.xlsx`` ...), the format the file claims to be.
    head : bytes
        The first bytes of the file (at least 8).
    src : str or binary file-like
        The path, or a seekable binary stream (rewound afterwards).
    limits : ReadLimits
    """
    if ext in ZIP_FORMATS:
        if head.startswith(OLE_MAGIC):
            if _has_encrypted_package(src):
                raise fail(name, "password-protected; save an unprotected copy and load that")
            raise fail(
                name, f"is an old Excel 97-2003 file saved with a {ext} name; rename it to .xls"
            )
        if not head.startswith(ZIP_MAGIC):
            raise fail(name, f"is not a {ext} workbook: it looks like {describe(head)}")
        check_zip(name, ext, src, limits)
    elif ext == ".xls":
        if head.startswith(ZIP_MAGIC):
            raise fail(
                name,
                "is a zipped workbook (.xlsx or .ods) saved with an .xls name; rename it to .xlsx",
            )
        if not head.startswith(OLE_MAGIC):
            raise fail(
                name,
                f"is not an Excel 97-2003 (.xls) workbook: it looks like "
                f"{describe(head)}; open it in a spreadsheet program and save "
                "it as .xlsx or .csv",
            )
        check_xls(name, src, limits)


def check_xls(name: str, src: str | IO[bytes], limits: ReadLimits) -> None:
    """Bound the cell rectangle of every sheet of an .xls before a reader allocates it."""
    try:
        if isinstance(src, str):
            with open(src, "rb") as fh:
                data = fh.read(limits.max_uncompressed_bytes + 1)
        else:
            data = src.read()
        if len(data) > limits.max_uncompressed_bytes:
            raise fail(name, f"is larger than {limits.max_uncompressed_bytes:,} bytes (limit)")
        cells = xls_cells(data)
    except Encrypted:
        raise fail(name, "password-protected; save an unprotected copy and load that") from None
    except (ValueError, struct.error, IndexError, OverflowError) as err:
        if isinstance(err, SpreadsheetError):
            raise
        raise fail(name, f"corrupt or truncated workbook ({_reason(err)})") from None
    finally:
        _rewind(src)
    if cells > limits.max_cells:
        raise fail(
            name,
            f"a sheet spans {cells:,} cells between its filled cells or "
            f"declared dimensions (limit "
            f"{limits.max_cells:,}): refused as a possible cell bomb",
        )


def zip_format(src: str | IO[bytes]) -> str:
    """Which workbook format a zip container holds (for streams without a name)."""
    try:
        with zipfile.ZipFile(src) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ".xlsx"
    finally:
        _rewind(src)
    if "mimetype" in names or "content.xml" in names:
        return ".ods"
    if "xl/workbook.bin" in names:
        return ".xlsb"
    return ".xlsx"


def check_zip(name: str, ext: str, src: str | IO[bytes], limits: ReadLimits) -> None:
    """Bound sizes and ratios, stream every member once, and measure what the reader reads."""
    try:
        with zipfile.ZipFile(src) as zf:
            infos = zf.infolist()
            _check_declared(name, infos, limits)
            _check_parts(name, ext, zf)
            lookup = member_lookup(zf)
            if ext == ".ods":
                sheets, strings = {find(lookup, "content.xml") or "content.xml"}, None
            elif ext == ".xlsb" or "xl/workbook.bin" in lookup:
                found, strings = xlsb_parts(zf, lookup)
                sheets = set(found) | {i.filename for i in infos if _sheet_folder(i.filename)}
            else:
                found, strings = xlsx_parts(zf, lookup)
                sheets = set(found) | {i.filename for i in infos if _sheet_folder(i.filename)}
            _stream_members(name, zf, infos, sheets, limits)
            if strings is not None:
                _check_strings(name, zf, strings, limits)
    except SpreadsheetError:
        raise
    except Corrupt as err:
        raise fail(name, f"corrupt workbook ({err})") from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        IndexError,
    ) as err:
        raise fail(name, f"corrupt or truncated workbook ({_reason(err)})") from None
    finally:
        _rewind(src)


def _sheet_folder(member: str) -> bool:
    return member.lower().startswith("xl/worksheets/") and member.endswith((".xml", ".bin"))


def _check_declared(name: str, infos: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise fail(
            name,
            f"would inflate to {total / _MIB:,.0f} MiB (limit "
            f"{limits.max_uncompressed_bytes / _MIB:,.0f} MiB): refused as a "
            "possible decompression bomb",
        )
    for i in infos:
        if i.file_size > limits.ratio_min_bytes and i.file_size > limits.max_ratio * max(
            i.compress_size, 1
        ):
            raise fail(
                name,
                f"member {i.filename!r} is compressed "
                f"{i.file_size / max(i.compress_size, 1):,.0f}:1 (limit "
                f"{limits.max_ratio:,.0f}:1): refused as a possible "
                "decompression bomb",
            )


def _stream_members(
    name: str,
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    sheets: set[str],
    limits: ReadLimits,
) -> None:
    """Inflate each member once, never past its declared size (zipfile checks the CRC), and
    measure each sheet the reader will read."""
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        keep = info.filename in sheets
        parts: list[bytes] = []
        with zf.open(info) as member:
            chunk = member.read(4096)
            if info.filename.endswith((".xml", ".rels", ".vml")) and (
                b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk
            ):
                raise fail(
                    name,
                    f"member {info.filename!r} declares a DTD or entities "
                    "(refused: XML entity expansion is unsafe)",
                )
            while chunk:
                total += len(chunk)
                if total > limits.max_uncompressed_bytes:
                    raise fail(
                        name,
                        "inflates past the size limit: refused as a possible decompression bomb",
                    )
                if keep:
                    parts.append(chunk)
                chunk = member.read(_MIB)
        if keep:
            _check_sheet(name, info.filename, parts, limits)


def _check_sheet(name: str, part: str, chunks: list[bytes], limits: ReadLimits) -> None:
    try:
        if part.endswith(".bin"):
            cells = xlsb_sheet_cells(b"".join(chunks))
        elif part.lower() == "content.xml":
            cells = ods_cells(chunks)
        else:
            cells = xlsx_sheet_cells(chunks, limits.max_cells)
    except Corrupt as err:
        raise fail(name, f"corrupt workbook: part {part!r}: {err}") from None
    if cells > limits.max_cells:
        raise fail(
            name,
            f"part {part!r} spans {cells:,} cells between its first and last "
            f"filled row and column (limit {limits.max_cells:,}): refused as a "
            "possible cell bomb",
        )


def _check_strings(name: str, zf: zipfile.ZipFile, part: str, limits: ReadLimits) -> None:
    """The declared number of shared strings may not exceed what the part can hold."""
    size = zf.getinfo(part).file_size
    if part.endswith(".bin"):
        count = xlsb_string_count(zf.read(part))
        room = size // 7  # a BrtSSTItem record takes at least 7 bytes
    else:
        count = unique_count(zf, part)
        room = size // 5  # an <si/> takes at least 5 bytes
    if count > min(room + 16, limits.max_cells):
        raise fail(
            name,
            f"its shared string table declares {count:,} strings but "
            f"{part!r} can hold at most {room + 16:,} (limit "
            f"{limits.max_cells:,}): refused as a possible memory bomb",
        )


def _check_parts(name: str, ext: str, zf: zipfile.ZipFile) -> None:
    names = set(zf.namelist())
    if ext == ".ods":
        mimetype = zf.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
        if "content.xml" not in names or ("spreadsheet" not in mimetype and mimetype):
            what = mimetype.rsplit(".", 1)[-1] if mimetype else "not a spreadsheet"
            raise fail(name, f"is not an OpenDocument spreadsheet ({what})")
        return
    if "[Content_Types].xml" not in names:
        raise fail(name, f"is a zip file but not a {ext} workbook (no [Content_Types].xml)")
    types = _parse(name, zf, "[Content_Types].xml")
    kinds = " ".join(el.get("ContentType", "") for el in types.iter())
    for marker, what in _OTHER_OFFICE.items():
        if marker in kinds and "spreadsheetml" not in kinds:
            raise fail(name, f"is {what}, not a workbook")
    wanted = _WORKBOOK_TYPES[".xlsb" if ext == ".xlsb" else ".xlsx"]
    if not any(w in kinds for w in wanted):
        raise fail(name, f"is a zip file but not a {ext} workbook (no workbook part declared)")
    if "xl/workbook.xml" in names:
        _parse(name, zf, "xl/workbook.xml")


def _parse(name: str, zf: zipfile.ZipFile, part: str):
    try:
        return SafeET.fromstring(zf.read(part))
    except DefusedXmlException as err:
        raise fail(
            name,
            f"member {part!r} declares a DTD or entities (refused: XML entity "
            f"expansion is unsafe; {type(err).__name__})",
        ) from None
    except SafeET.ParseError as err:
        raise fail(name, f"corrupt workbook: part {part!r} is not valid XML ({err})") from None


def _has_encrypted_package(src: str | IO[bytes]) -> bool:
    """Whether an OLE2 container holds an ``EncryptedPackage`` stream (encrypted OOXML)."""
    tail = b""
    fh = open(src, "rb") if isinstance(src, str) else src
    try:
        while chunk := fh.read(_MIB):
            if _ENCRYPTED in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTED) :]
        return False
    finally:
        if isinstance(src, str):
            fh.close()
        else:
            _rewind(src)


def _rewind(src: str | IO[bytes]) -> None:
    if not isinstance(src, str):
        src.seek(0)


def _reason(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text if len(text) <= 120 else text[:117] + "..."
