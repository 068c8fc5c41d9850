"""One report table and the column names of the reduced log, shared by the table builders
(:mod:`.content`, :mod:`.strategies`) and the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

GROUP = "group"  # breakdown column of the reduced log
ALL = "all"  # constant column of the reduced log (whole cohort)


@dataclass(frozen=True)
class Table:
    """One report table: the suppressed frame and how to present it.

    Attributes
    ----------
    key : str
        Sheet and anchor name.
    title, description : str
        Heading and one-paragraph explanation (plain text).
    frame : DataFrame
        The tidy, suppressed table (see :func:`.content.build_tables` for the columns).
    counts : tuple of str
        Count columns (formatted as integers).
    percents : tuple of str
        Proportion columns (formatted as percentages).
    """

    key: str
    title: str
    description: str
    frame: pd.DataFrame
    counts: tuple[str, ...] = ()
    percents: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)
