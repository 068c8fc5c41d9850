"""Child process that parses workbooks with python-calamine (run as a script, not imported).

Untrusted workbooks are parsed by native code; an unknown bug in it could abort or exhaust
the process. The parent (:mod:`._sandbox`) therefore runs this script in a child process,
one per batch of files, and talks to it over its standard streams with length-prefixed
pickles. The script imports only the standard library and python_calamine (no numpy, no
pandas, nothing of this package), limits its own address space (``RLIMIT_AS``) and, per
workbook, its CPU time (``RLIMIT_CPU``) on Linux, and returns each sheet column by column:
the distinct values and, for every cell, the row where its value first appeared (a few
bytes a cell instead of a pickled object).

Requests: ``("open", path_or_bytes, seconds)``, ``("read", sheet_name)``, ``("close",)``.
Replies: ``("ok", payload)`` or ``("error", kind, message)``.
"""

from __future__ import annotations

import io
import pickle
import struct
import sys
from array import array
from typing import Any

_HEADER = struct.Struct("<Q")
_NUMBERS = {bool, int, float}


def _limit(memory: int) -> None:
    try:
        import resource
    except ImportError:  # not on this OS: run without limits
        return
    if memory > 0:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        soft = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _cpu_budget(seconds: int) -> None:
    try:
        import resource
    except ImportError:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = int(used.ru_utime + used.ru_stime) + 1 + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _columns(rows: list[list]) -> list[tuple[bytes, list, bytes]]:
    """Each column as (first-occurrence rows, their values, per-cell first-occurrence row)."""
    width = max(map(len, rows), default=0)
    if any(len(r) != width for r in rows):
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
    out = []
    for j in range(width):
        col = [r[j] for r in rows]
        seen: dict = {}
        if len(set(map(type, col)) & _NUMBERS) > 1:  # 1, 1.0 and True are equal dict keys
            keys = zip(map(type, col), col, strict=True)
            codes = array("q", map(seen.setdefault, keys, range(len(col))))
            values = [k[1] for k in seen]
        else:
            codes = array("q", map(seen.setdefault, col, range(len(col))))
            values = list(seen)
        out.append((array("q", seen.values()).tobytes(), values, codes.tobytes()))
    return out


def _serve(calamine, stdin, stdout) -> None:
    wb: Any = None
    reply: tuple[Any, ...]
    while True:
        head = stdin.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return
        request = pickle.loads(stdin.read(_HEADER.unpack(head)[0]))
        try:
            if request[0] == "open":
                if wb is not None:
                    wb.close()
                _cpu_budget(request[2])
                src = request[1]
                wb = (
                    calamine.CalamineWorkbook.from_path(src)
                    if isinstance(src, str)
                    else calamine.CalamineWorkbook.from_filelike(io.BytesIO(src))
                )
                reply = (
                    "ok",
                    (list(wb.sheet_names), {m.name: str(m.typ) for m in wb.sheets_metadata}),
                )
            elif request[0] == "read":
                sheet = wb.get_sheet_by_name(request[1])
                start = sheet.start
                rows = sheet.to_python(skip_empty_area=True) if start is not None else []
                reply = ("ok", (start, sheet.height, len(rows), _columns(rows)))
                del rows
            else:
                if wb is not None:
                    wb.close()
                wb = None
                reply = ("ok", None)
        except calamine.PasswordError as err:
            reply = ("error", "password", str(err))
        except calamine.CalamineError as err:
            reply = ("error", "calamine", str(err))
        except (ValueError, OverflowError, MemoryError, OSError) as err:
            kind = "OSError" if isinstance(err, OSError) else type(err).__name__
            reply = ("error", kind, str(err))
        except BaseException as err:  # pyo3 raises PanicException (a BaseException)
            if type(err).__name__ != "PanicException":
                raise
            reply = ("error", "panic", str(err))
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(_HEADER.pack(len(data)) + data)
        stdout.flush()


def main() -> None:
    _limit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    import python_calamine as calamine

    _serve(calamine, sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
