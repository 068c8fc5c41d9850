"""Where the bundled sample spreadsheets are: one helper for notebooks, docs and the demo."""

from __future__ import annotations

from pathlib import Path

#: The folder of the bundled samples in a checkout of the repository.
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "data_samples"


def sample_path(name: str = "") -> Path:
    """The path of a bundled sample file (or of their folder when `name` is empty).

    The samples are **synthetic** (see ``data_samples/README.md``): ``cohort_2026.xlsx``,
    ``my_tracker.xlsx``, ``events.csv``, ``messy_tracker.csv``, ``huntr_export.csv`` and
    ``Job Applications.csv``.

    Parameters
    ----------
    name : str, optional
        File name inside ``data_samples/``.

    Returns
    -------
    Path

    Raises
    ------
    FileNotFoundError
        When the file is not there (an installation without the repository's
        ``data_samples/``: write them with ``python -m followup_analytics.samples --out
        DIR``), naming the files that are.

    Examples
    --------
    >>> from followup_analytics.samples import sample_path
    >>> sample_path("cohort_2026.xlsx").name
    'cohort_2026.xlsx'
    >>> sample_path("cohort.xlsx")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no bundled sample 'cohort.xlsx' (did you mean 'cohort_2026.xlsx'?) ...
    """
    path = SAMPLES_DIR / name
    if path.exists():
        return path
    from ..schema import did_you_mean

    have = sorted(p.name for p in SAMPLES_DIR.iterdir()) if SAMPLES_DIR.is_dir() else []
    raise FileNotFoundError(
        f"no bundled sample {name!r}{did_you_mean(name, have)} in {SAMPLES_DIR}; "
        + (
            f"the samples are {have}"
            if have
            else "write them with: python -m followup_analytics.samples --out DIR"
        )
    )
