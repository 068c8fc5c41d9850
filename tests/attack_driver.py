"""Run hostile cases, each in a forked process with memory, CPU and wall-clock limits.

Usage: ``python tests/attack_driver.py FOLDER CASE_ID...`` where a case id is a name of
``hostile.CASES`` or ``mutant:KIND:SEED``. Prints one JSON object: case id -> outcome
(``loaded`` with rows, ``refused`` with the message, ``error`` for any other exception,
``crash`` for a signal, ``timeout``), its expectation and its seconds. The package is
imported once; each case runs in a fork, so a crash or a runaway costs only that case.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
import warnings
from pathlib import Path

MEMORY = int(1.5 * 2**30)  # address space of each case, its reader child included
CPU_SECONDS = 60
WALL_SECONDS = 90


def _child(target: str, out: int) -> None:
    os.setpgid(0, 0)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    from followup_analytics import FollowupWarning, load
    from followup_analytics.errors import SpreadsheetError

    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FollowupWarning)
            log = load(target, as_of="2026-12-31")
        result = {"outcome": "loaded", "rows": len(log)}
    except SpreadsheetError as err:
        result = {"outcome": "refused", "message": str(err)[:400]}
    except BaseException as err:
        result = {"outcome": "error", "message": f"{type(err).__name__}: {err}"[:400]}
    result["seconds"] = round(time.perf_counter() - start, 2)
    os.write(out, json.dumps(result).encode())
    os._exit(0)


def run(target: str) -> dict:
    """Load ``target`` in a forked process under the limits; what happened."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            _child(target, write)
        finally:
            os._exit(3)
    os.close(write)
    deadline = time.monotonic() + WALL_SECONDS
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            return {"outcome": "timeout"}
        time.sleep(0.02)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    try:
        os.killpg(pid, signal.SIGKILL)  # a reader child left behind
    except (ProcessLookupError, PermissionError):
        pass
    if os.WIFSIGNALED(status):
        return {"outcome": "crash", "signal": signal.Signals(os.WTERMSIG(status)).name}
    return json.loads(data) if data else {"outcome": "crash", "exit": os.WEXITSTATUS(status)}


def main(folder: str, ids: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import hostile

    import followup_analytics  # noqa: F401 - imported once, before forking

    results = {}
    for i, case in enumerate(ids):
        where = Path(folder) / f"case{i}"
        where.mkdir(parents=True, exist_ok=True)
        if case.startswith("mutant:"):
            _, kind, seed = case.split(":")
            target, expect = hostile.mutant(kind, int(seed), where)
        else:
            build, expect = hostile.CASES[case]
            target = build(where)
        results[case] = {**run(str(target)), "expect": list(expect)}
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
