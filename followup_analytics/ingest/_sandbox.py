"""Parse workbooks in a child process, so a native crash or runaway becomes a SpreadsheetError.

The guards of :mod:`._containers` refuse every known way of making the reader allocate too
much. As defence in depth, python-calamine itself runs in a child process
(:mod:`._worker`), one per batch of files (:func:`reader_session`, used by ``load()``),
limited on Linux to ``ReadLimits.reader_memory`` bytes of address space and
``ReadLimits.reader_seconds`` of CPU time per workbook. If the child aborts, is killed or
runs out of memory, the file being read is named in a :class:`SpreadsheetError` and a fresh
child serves the next file.
"""

from __future__ import annotations

import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, cast

import numpy as np
import pandas as pd

from ..errors import SpreadsheetError
from ._containers import ReadLimits, fail

_HEADER = struct.Struct("<Q")
_WORKER = str(Path(__file__).with_name("_worker.py"))
_MIB = 2**20
_STALL = 5.0  # seconds without CPU progress while a reply is due


def _cpu(pid: int) -> int:
    """CPU ticks used by a process (Linux /proc), or -1 when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return -1


def _pipes(proc: subprocess.Popen) -> tuple[IO[bytes], IO[bytes]]:
    """The child's stdin and stdout (always pipes: :meth:`ReaderProcess._start` opens them)."""
    return cast(IO[bytes], proc.stdin), cast(IO[bytes], proc.stdout)


class ReaderProcess:
    """One child process running :mod:`._worker`; restarted after a crash."""

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self._proc: subprocess.Popen | None = None
        self._stderr: IO[bytes] | None = None

    def start(self) -> subprocess.Popen:
        """Start the child process now (it boots while the caller does other work)."""
        return self._start()

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self._stderr = tempfile.TemporaryFile()
            self._proc = subprocess.Popen(
                [sys.executable, "-P", _WORKER, str(self.limits.reader_memory)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        return self._proc

    def call(self, name: str, request: tuple, sheet: str | None = None) -> object:
        """Send one request; return the payload or raise SpreadsheetError naming ``name``."""
        proc = self._start()
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        stdin, stdout = _pipes(proc)
        try:
            stdin.write(_HEADER.pack(len(data)) + data)
            stdin.flush()
            if not self._wait(proc):
                proc.kill()
                raise fail(
                    name,
                    "the spreadsheet reader stopped responding on this file "
                    "(it hung): corrupt or hostile",
                    sheet,
                )
            head = stdout.read(_HEADER.size)
            body = stdout.read(_HEADER.unpack(head)[0]) if len(head) == _HEADER.size else b""
            reply = pickle.loads(body)
        except (OSError, EOFError, pickle.UnpicklingError, struct.error):
            raise self._crashed(proc, name, sheet) from None
        if reply[0] == "ok":
            return reply[1]
        kind, message = reply[1], _short(reply[2])
        if kind == "password":
            raise fail(name, "password-protected; save an unprotected copy and load that")
        if kind == "MemoryError":
            raise fail(
                name,
                "the spreadsheet reader ran out of memory (limit "
                f"{self.limits.reader_memory // _MIB:,} MiB)",
                sheet,
            )
        if kind == "OSError":
            if "os error 2)" in message or "No such file" in message:
                raise fail(name, "file not found (it may have been moved or deleted)")
            raise fail(name, f"cannot be read ({message})", sheet)
        if kind in ("ValueError", "OverflowError"):
            raise fail(name, f"unreadable cells ({message})", sheet)
        raise fail(name, f"corrupt or unreadable workbook ({message})", sheet)

    def _wait(self, proc: subprocess.Popen) -> bool:
        """Wait for the child's reply; False if it stalls (no CPU time used for
        ``_STALL`` seconds while a reply is due: a deadlock after a failed allocation) or
        outlives twice its CPU budget. Without ``select`` on pipes (Windows), just wait."""
        if not hasattr(select, "poll") or not sys.platform.startswith("linux"):
            return True
        poller = select.poll()
        poller.register(_pipes(proc)[1], select.POLLIN | select.POLLHUP)
        last, still, waited = _cpu(proc.pid), 0.0, 0.0
        while not poller.poll(250):
            waited += 0.25
            now = _cpu(proc.pid)
            still = still + 0.25 if now == last and now >= 0 else 0.0
            last = now
            if still >= _STALL or waited > 2 * self.limits.reader_seconds + _STALL:
                return False
        return True

    def _crashed(self, proc: subprocess.Popen, name: str, sheet: str | None) -> SpreadsheetError:
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        self._proc = None
        last = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            lines = self._stderr.read()[-2000:].decode("utf-8", "replace").strip().splitlines()
            last = _short(lines[-1]) if lines else ""
            self._stderr.close()
        if code == -getattr(signal, "SIGXCPU", -1000):
            return fail(
                name,
                f"parsing took more than {self.limits.reader_seconds} s of CPU "
                "time (limit): refused",
                sheet,
            )
        how = (
            f"signal {signal.Signals(-code).name}"
            if code < 0 and -code in signal.valid_signals()
            else f"exit status {code}"
        )
        return fail(
            name,
            f"the spreadsheet reader crashed on this file ({how}"
            f"{': ' + last if last else ''}); it is corrupt or needs more than "
            f"the reader's {self.limits.reader_memory // _MIB:,} MiB",
            sheet,
        )

    def close(self) -> None:
        """End the child process (it exits when its input closes)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            stdin, stdout = _pipes(proc)
            try:
                stdin.close()
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
            stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


_SESSION: ContextVar[ReaderProcess | None] = ContextVar("reader_session", default=None)


@contextmanager
def reader_session(limits: ReadLimits | None = None) -> Iterator[ReaderProcess]:
    """One reader child process for every workbook read inside the ``with`` block."""
    current = _SESSION.get()
    if current is not None:
        yield current
        return
    proc = ReaderProcess(limits or ReadLimits())
    token = _SESSION.set(proc)
    try:
        yield proc
    finally:
        _SESSION.reset(token)
        proc.close()


def grid_from_columns(
    start: tuple[int, int] | None, n_rows: int, columns: list[tuple[bytes, list, bytes]]
) -> pd.DataFrame:
    """The used range of a sheet as an object grid labelled by spreadsheet position, rebuilt
    from the child process's columns (distinct values and first-occurrence rows)."""
    if start is None or not n_rows or not columns:
        return pd.DataFrame()
    cells = np.empty((n_rows, len(columns)), dtype=object)
    for j, (where, values, codes) in enumerate(columns):
        firsts = np.empty(n_rows, dtype=object)
        distinct = np.empty(len(values), dtype=object)
        distinct[:] = values
        firsts[np.frombuffer(where, dtype=np.int64)] = distinct
        cells[:, j] = firsts[np.frombuffer(codes, dtype=np.int64)]
    r0, c0 = start
    return pd.DataFrame(
        cells,
        index=pd.RangeIndex(r0 + 1, r0 + 1 + n_rows),
        columns=pd.RangeIndex(c0, c0 + len(columns)),
        dtype=object,
        copy=False,
    )


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 160 else text[:157] + "..."
