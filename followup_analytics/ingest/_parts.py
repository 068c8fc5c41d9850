"""Find the parts of a zip workbook the way python-calamine (calamine 0.37) finds them.

A guard that measures ``xl/worksheets/*.xml`` misses a sheet stored anywhere else, and the
reader goes where the relationships point. calamine resolves parts like this, and so do we:

- xlsx: ``_rels/.rels`` names the workbook part (its ``officeDocument`` relationship); its
  folder is the base (``xl/``). ``<base>_rels/workbook.xml.rels`` maps ids to targets, and each
  ``<sheet r:id=...>`` of ``<base>workbook.xml`` (matched by local name, any prefix) is read
  from ``<base><target>``, or from ``<target>`` without its leading ``/`` when absolute.
  Shared strings are always ``<base>sharedStrings.xml``.
- xlsb: ``xl/_rels/workbook.bin.rels`` (exact name) maps ids to targets; sheets are
  ``xl/<target>``; shared strings are ``xl/sharedStrings.bin``.
- Member names are looked up ignoring ASCII case, with ``\\`` read as ``/``.

The version range of python-calamine is pinned in ``pyproject.toml`` so that this stays true.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from ._extent import Corrupt, _feed, _parser, _Stop

_CHUNK = 1 << 16


def member_lookup(zf: zipfile.ZipFile) -> dict[str, str]:
    """Lower-cased, ``/``-normalised member name -> the member's real name."""
    return {n.replace("\\", "/").lower(): n for n in zf.namelist()}


def find(lookup: dict[str, str], path: str) -> str | None:
    """The member a reader opens for ``path``, or None when there is none."""
    return lookup.get(path.lower())


def stream(zf: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """A member's inflated bytes in chunks (bounded by its declared size)."""
    with zf.open(name) as member:
        while chunk := member.read(_CHUNK):
            yield chunk


def _elements(
    zf: zipfile.ZipFile,
    name: str,
    wanted: set[str],
    *,
    local: bool = True,
    first_only: bool = False,
) -> list[tuple[str, dict[str, str]]]:
    """(name, attributes) of the elements of one XML member whose (local) name is wanted."""
    out: list[tuple[str, dict[str, str]]] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        key = tag.split(":", 1)[-1] if local else tag
        if key in wanted:
            out.append((key, attrs))
            if first_only:
                raise _Stop

    p = _parser()
    p.StartElementHandler = start
    _feed(p, stream(zf, name))
    return out


def xlsx_parts(zf: zipfile.ZipFile, lookup: dict[str, str]) -> tuple[list[str], str | None]:
    """Member names of the worksheets calamine reads, and of its shared strings part."""
    rels = find(lookup, "_rels/.rels")
    base = "xl/"
    if rels is not None:
        for _, attrs in _elements(zf, rels, {"Relationship"}):
            if (
                attrs.get("Type", "").endswith("/relationships/officeDocument")
                and "Target" in attrs
            ):
                office = attrs["Target"]
                cut = office.rfind("/")
                base = office[: cut + 1].removeprefix("/") if cut >= 0 else ""
    targets: dict[str, str] = {}
    wb_rels = find(lookup, f"{base}_rels/workbook.xml.rels")
    if wb_rels is not None:
        for _, attrs in _elements(zf, wb_rels, {"Relationship"}):
            if "Id" in attrs:
                targets[attrs["Id"]] = attrs.get("Target", "")
    sheets: list[str] = []
    workbook = find(lookup, f"{base}workbook.xml")
    if workbook is not None:
        for _, attrs in _elements(zf, workbook, {"sheet"}):
            rel = next((v for k, v in attrs.items() if k.split(":", 1)[-1] == "id"), None)
            target = targets.get(rel) if rel is not None else None
            if target is None:
                continue
            path = target[1:] if target.startswith("/") else f"{base}{target}"
            member = find(lookup, path)
            if member is not None:
                sheets.append(member)
    return sheets, find(lookup, f"{base}sharedStrings.xml")


def xlsb_parts(zf: zipfile.ZipFile, lookup: dict[str, str]) -> tuple[list[str], str | None]:
    """:func:`xlsx_parts` for an .xlsb workbook."""
    sheets: list[str] = []
    if "xl/_rels/workbook.bin.rels" in zf.namelist():
        for _, attrs in _elements(zf, "xl/_rels/workbook.bin.rels", {"Relationship"}, local=False):
            path = f"xl/{attrs.get('Target', '')}"
            member = find(lookup, path)
            folder = path.split("/")[1:2]  # calamine refuses any other folder
            if member is not None and folder in (["worksheets"], ["chartsheets"], ["dialogsheets"]):
                sheets.append(member)
    return sheets, find(lookup, "xl/sharedStrings.bin")


def unique_count(zf: zipfile.ZipFile, name: str) -> int:
    """The ``uniqueCount`` of the ``<sst>`` element (calamine reserves that many strings)."""
    found = _elements(zf, name, {"sst"}, first_only=True)
    text = found[0][1].get("uniqueCount", "") if found else ""
    text = text.removeprefix("+")
    return int(text) if text.isdigit() and text.isascii() else 0


__all__ = ["Corrupt", "find", "member_lookup", "stream", "unique_count", "xlsb_parts", "xlsx_parts"]
