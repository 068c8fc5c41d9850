"""Score the importer on the tracker corpus: hand counts vs what ``load()`` finds.

Each ``tests/data/trackers/<slug>/`` folder holds a shape-alike of a real public tracker and
a ``manifest.toml`` with counts made by hand on the real file (see the corpus spec):
applications, responses (applications with a reply, interview, rejection or offer),
interviews (furthest stage at least an interview), offers and follow-up *actions*. A count
matches when it is exact (hand count up to 20) or within 5% (above 20); a fixture passes when
all five match. Run ``python scripts/score_corpus.py [folder ...]`` for the scoreboard.
"""

from __future__ import annotations

import sys
import tomllib
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "trackers"
MEASURES = ("applications", "responses", "interviews", "offers", "followups")
_RESPONSE = ("reply", "interview", "rejection", "offer", "accepted", "declined")
_INTERVIEWED = ("interview", "offer", "accepted", "declined")
_OFFERED = ("offer", "accepted", "declined")


@dataclass
class Score:
    """One fixture: hand counts, counts found, and whether each matches."""

    slug: str
    want: dict[str, int]
    got: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    trace: str | None = None
    refused: str | None = None

    def ok(self, measure: str) -> bool:
        return measure in self.got and matches(self.want[measure], self.got[measure])

    @property
    def passed(self) -> bool:
        return self.error is None and all(self.ok(m) for m in MEASURES)


def matches(want: int, got: int) -> bool:
    """Exact up to 20, else within 5% of the hand count."""
    return got == want if want <= 20 else abs(got - want) <= 0.05 * want


def fixture_files(folder: Path) -> list[Path]:
    """The fixture file(s) and folder(s) of a corpus folder, in name order (not the
    manifest): what a user would pass to ``load``."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.name != "manifest.toml" and not p.name.startswith((".", "README"))
    )


def counts(log: object) -> dict[str, int]:
    """The five corpus measures of a loaded log, counted from its events."""
    ev = log.events
    apps = log.applications["application_id"]
    kinds = ev["event"].astype(object).to_numpy()
    ids = ev["application_id"].to_numpy(dtype=object)

    def n_apps(events: tuple[str, ...]) -> int:
        sel = np.isin(kinds, events) & np.isin(ids, apps.to_numpy(dtype=object))
        return len(set(ids[sel]))

    fu = ev[ev["event"].eq("followup").fillna(False).to_numpy()]
    if "action_id" in fu.columns:
        action = fu["action_id"].astype(object)
        n_fu = int(action.nunique() + action.isna().sum())
    else:
        n_fu = len(fu)
    return {
        "applications": len(apps),
        "responses": n_apps(_RESPONSE),
        "interviews": n_apps(_INTERVIEWED),
        "offers": n_apps(_OFFERED),
        "followups": n_fu,
    }


def score_one(folder: Path) -> Score:
    """Load one corpus folder with its manifest's ``load_args`` and compare. A
    :class:`~followup_analytics.SpreadsheetError` (a refusal with a message) scores as
    nothing loaded; any other exception is a crash."""
    import followup_analytics as fa

    manifest = tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))
    want = {m: int(manifest["counts"][m]) for m in MEASURES}
    score = Score(folder.name, want)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            log = fa.load(*fixture_files(folder), **manifest.get("load_args", {}))
        score.got = counts(log)
    except fa.SpreadsheetError as exc:  # refused with a message: a failure, not a crash
        score.refused = str(exc)[:300]
        score.got = dict.fromkeys(MEASURES, 0)
    except Exception as exc:  # a crash is scored, and reported by the test
        score.error = f"{type(exc).__name__}: {exc}"[:300]
        score.got = {}
        score.trace = traceback.format_exc()
    return score


def score_corpus(root: Path = CORPUS) -> list[Score]:
    """Score every folder of the corpus holding a manifest, in name order."""
    return [score_one(m.parent) for m in sorted(root.glob("*/manifest.toml"))]


def scoreboard(scores: list[Score]) -> str:
    """A text table: one line per fixture, ``got/want`` per measure, ``*`` on a mismatch."""
    lines = [f"{'fixture':28s} " + " ".join(f"{m[:12]:>12s}" for m in MEASURES) + "  pass"]
    for s in scores:
        if s.error:
            lines.append(f"{s.slug:28s} CRASH {s.error}")
            continue
        cells = [f"{s.got[m]}/{s.want[m]}{'' if s.ok(m) else '*'}" for m in MEASURES]
        lines.append(
            f"{s.slug:28s} "
            + " ".join(f"{c:>12s}" for c in cells)
            + f"  {'yes' if s.passed else 'no'}"
            + (f" (refused: {s.refused[-80:]})" if s.refused else "")
        )
    n = sum(s.passed for s in scores)
    crashed = sum(s.error is not None for s in scores)
    lines.append(f"passed {n} of {len(scores)}; {crashed} crashed")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv]
    scores = [score_one(f) for f in folders] if folders else score_corpus()
    print(scoreboard(scores))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
