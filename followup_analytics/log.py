"""JobSearchLog: the canonical, immutable job-search log every analysis starts from."""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal, TypedDict, cast

import numpy as np
import pandas as pd

from . import vocab
from .errors import ArgumentError
from .loadreport import LoadReport

EVENT_COLUMNS = [
    "application_id",
    "date",
    "event",
    "channel",
    "letter_type",
    "recipient",
    "note",
    "date_known",
    "source_file",
    "source_sheet",
    "source_row",
    "action_id",
]
APPLICATION_COLUMNS = ["application_id", "seeker", "company", "role", "applied_on"]

#: Ordered categorical dtypes of the vocabulary columns.
CATEGORIES: dict[str, pd.CategoricalDtype] = {
    "event": pd.CategoricalDtype(list(vocab.EVENTS), ordered=True),
    "channel": pd.CategoricalDtype(list(vocab.CHANNELS), ordered=True),
    "letter_type": pd.CategoricalDtype(list(vocab.LETTER_TYPES), ordered=True),
    "recipient": pd.CategoricalDtype(list(vocab.RECIPIENTS), ordered=True),
}
DATE_DTYPE: Final = "datetime64[s]"


def _action_ids(events: pd.DataFrame, is_fu: np.ndarray) -> pd.Series:
    """Follow-up action numbers: as given (events sharing one are one action, e.g. a letter
    and an email sent together), else one action per follow-up event; NA for other events."""
    if "action_id" in events:
        given = pd.to_numeric(events["action_id"], errors="coerce")
        if given[is_fu].notna().all():
            return given.where(is_fu).astype("Int64")
    return (
        pd.Series(np.where(is_fu, np.cumsum(is_fu), 0), index=events.index)
        .where(is_fu)
        .astype("Int64")
    )


def _as_dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.normalize().astype(DATE_DTYPE)


#: Years a job-search date can plausibly fall in (an ``as_of`` outside them is a mistake,
#: such as a number read as nanoseconds since 1970).
PLAUSIBLE_YEARS = (1990, 2100)
_AS_OF_EXAMPLE = "give a date such as '2026-10-30'"


def parse_as_of(as_of: object) -> pd.Timestamp:
    """The censoring day given as `as_of`, or a ValueError saying why it is not one.

    Accepts strings, dates, datetimes, Timestamps and ``numpy.datetime64``; refuses numbers
    (``20261030`` would silently be a moment in 1970), missing values and days outside
    :data:`PLAUSIBLE_YEARS`.

    Examples
    --------
    >>> parse_as_of("2026-10-30 17:45")
    Timestamp('2026-10-30 00:00:00')
    >>> parse_as_of(20261030)
    Traceback (most recent call last):
    ...
    followup_analytics.errors.ArgumentError: as_of=20261030 is a number, not a date; give a date such as '2026-10-30'
    """
    if isinstance(as_of, bool | int | float | np.number):
        raise ArgumentError(f"as_of={as_of!r} is a number, not a date; {_AS_OF_EXAMPLE}")
    try:
        # anything else is pandas' to judge: it raises on what is not a date
        ts = pd.Timestamp(cast(Any, as_of))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ArgumentError(f"as_of={as_of!r} is not a date; {_AS_OF_EXAMPLE}") from exc
    if pd.isna(ts):
        raise ArgumentError(f"as_of={as_of!r} is not a date; {_AS_OF_EXAMPLE}")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    low, high = PLAUSIBLE_YEARS
    if not low <= ts.year <= high:
        raise ArgumentError(
            f"as_of={as_of!r} is the year {ts.year}, outside {low}-{high}; {_AS_OF_EXAMPLE}"
        )
    return ts.normalize()


def default_as_of(*dates: pd.Series) -> pd.Timestamp:
    """The latest of `dates` (the data's last day), or today when there are none."""
    latest = [d.max() for d in dates if d.notna().any()]
    return pd.Timestamp(max(latest)) if latest else pd.Timestamp.today().normalize()


def _categorical(values: pd.Series, name: str) -> pd.Series:
    dtype = CATEGORIES[name]
    if isinstance(values.dtype, pd.CategoricalDtype) and values.dtype == dtype:
        return values
    text = values.astype("string")
    bad = text.notna() & ~text.isin(dtype.categories)
    if bad.any():
        wrong = sorted(text[bad].unique())[:5]
        raise ArgumentError(
            f"events[{name!r}] holds values outside the vocabulary: {wrong}; "
            f"allowed: {list(dtype.categories)}"
        )
    return text.astype(dtype)


class _CutCounts(TypedDict):
    """What :func:`_cut` left out (fields of :class:`LoadReport`)."""

    events_after_as_of: int
    applications_after_as_of: int
    undated_left_out: int


def _cut(
    events: pd.DataFrame, apps: pd.DataFrame, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame, _CutCounts]:
    """What exists on ``as_of``: events and applications, and how many were left out."""
    limit = pd.Timestamp(as_of).to_datetime64()
    applied = apps["applied_on"]
    late_apps = (applied > limit).to_numpy(dtype=bool, na_value=False)
    known = (
        events["date_known"].to_numpy(dtype=bool)
        if "date_known" in events
        else np.ones(len(events), dtype=bool)
    )
    date = events["date"]
    late = (date > limit).to_numpy(dtype=bool, na_value=False) & known
    # an undated event goes when its application is known to have gone on after as_of
    later = events.loc[late, "application_id"].unique() if late.any() else []
    undated_out = ~known & events["application_id"].isin(later).to_numpy()
    if late_apps.any():
        gone = events["application_id"].isin(apps.loc[late_apps, "application_id"]).to_numpy()
    else:
        gone = np.zeros(len(events), dtype=bool)
    drop = late | undated_out | gone
    counts: _CutCounts = {
        "events_after_as_of": int(late.sum()),
        "applications_after_as_of": int(late_apps.sum()),
        "undated_left_out": int((undated_out & ~gone).sum()),
    }
    if drop.any():
        events = events.loc[~drop].reset_index(drop=True)
    if late_apps.any():
        apps = apps.loc[~late_apps].reset_index(drop=True)
    return events, apps, counts


@dataclass(frozen=True, eq=False)
class JobSearchLog:
    """A canonical job-search log: events, applications, the load report and ``as_of``.

    Build one with :func:`followup_analytics.load` (from spreadsheets) or
    :meth:`JobSearchLog.from_frames` (from DataFrames already in canonical form).
    The frames handed out are copies (pandas copy-on-write makes that free), so a log never
    changes after it is built.

    Attributes
    ----------
    events : DataFrame
        One row per event: ``application_id, date, event, channel, letter_type, recipient,
        note, date_known, source_file, source_sheet, source_row, action_id``. Vocabulary
        columns are ordered categoricals (see :mod:`followup_analytics.vocab`).
        ``action_id`` numbers follow-up actions: one cell naming two channels or recipients
        ("Email + posted letter") gives two events sharing one action (NA for other
        events); follow-up counts count actions. ``date_known`` is False
        when the input gave an event without its date (a final status "Rejected", a tick in
        a stage column, an undated application): its ``date`` is NaT (or, in user frames,
        a date not to be trusted). Such events count for the furthest stage, funnels and
        outcome rates, never for timing, follow-up stage or trigger, time to response or
        landmarks. Sorted by application and date (undated events last).
    applications : DataFrame
        One row per application: ``application_id, seeker, company, role, applied_on`` and
        every other input column carried along untouched (cohort, program, adviser ...).
    report : LoadReport
        What the importer read, decided and quarantined.
    as_of : Timestamp
        The censoring date: applications without a response are followed up to this day.
        **The data end at** ``as_of``: ``events`` and ``applications`` (hence every
        analysis) leave out events dated after it and applications made after it, which do
        not exist yet on that day. An undated event (``date_known`` False) is kept unless its
        application has a dated event after ``as_of``: the application was still going on
        then, so nobody can tell whether the undated event had happened by ``as_of``. The numbers
        left out are on the report (``events_after_as_of``, ``applications_after_as_of``,
        ``undated_left_out``); :meth:`with_as_of` can move ``as_of`` back later again.
    """

    _events: pd.DataFrame
    _applications: pd.DataFrame
    report: LoadReport
    as_of: pd.Timestamp
    _seen: tuple[pd.DataFrame, pd.DataFrame] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        events, apps, counts = _cut(self._events, self._applications, self.as_of)
        object.__setattr__(self, "_seen", (events, apps))
        object.__setattr__(self, "report", replace(self.report, **counts))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frames(
        cls,
        events: pd.DataFrame,
        applications: pd.DataFrame | None = None,
        *,
        as_of: object = None,
        report: LoadReport | None = None,
        seeker: str = "self",
    ) -> JobSearchLog:
        """Build a log from canonical frames, validating and coercing them.

        Parameters
        ----------
        events : DataFrame
            Needs ``application_id``, ``date`` and ``event``; ``channel``, ``letter_type``,
            ``recipient`` default to ``"unknown"`` (for follow-ups) or missing; ``note`` and
            provenance columns default to missing.
        applications : DataFrame, optional
            Needs ``application_id``. Missing ``seeker`` becomes `seeker`; missing
            ``applied_on`` is taken from each application's ``applied`` event. When omitted,
            it is derived from the events.
        as_of : date-like, optional
            Censoring date. Default: the latest event date.
        report : LoadReport, optional
            Attach the report of the load that produced the frames.
        seeker : str, default "self"
            Seeker name for applications that have none.

        Returns
        -------
        JobSearchLog

        Raises
        ------
        ArgumentError
            When a required column is missing or a vocabulary column holds unknown values.

        Examples
        --------
        >>> import pandas as pd
        >>> import followup_analytics as fa
        >>> events = pd.DataFrame({
        ...     "application_id": ["a", "a", "a", "b"],
        ...     "date": ["2026-03-02", "2026-03-05", "2026-03-09", "2026-03-02"],
        ...     "event": ["applied", "followup", "reply", "applied"],
        ...     "channel": [None, "email", None, None],
        ... })
        >>> log = fa.JobSearchLog.from_frames(events, as_of="2026-06-30")
        >>> log
        <JobSearchLog: 2 applications by 1 seeker(s), 4 events (applied 2, followup 1, ...>
        >>> log.applications[["application_id", "seeker", "applied_on"]]
          application_id seeker applied_on
        0              a   self 2026-03-02
        1              b   self 2026-03-02
        """
        missing = [c for c in ("application_id", "date", "event") if c not in events.columns]
        if missing:
            raise ArgumentError(
                f"events is missing required column(s) {missing}; got {list(events.columns)}"
            )
        ev = pd.DataFrame(index=events.index)
        ev["application_id"] = events["application_id"].astype("string")
        ev["date"] = _as_dates(events["date"])
        ev["event"] = _categorical(events["event"], "event")
        is_fu = ev["event"].eq("followup").fillna(False).to_numpy()
        for name in ("channel", "letter_type", "recipient"):
            col = (
                _categorical(events[name], name)
                if name in events.columns
                else pd.Series(pd.NA, index=ev.index).astype(CATEGORIES[name])
            )
            col = col.where(~(col.isna() & is_fu), "unknown")
            ev[name] = col
        ev["note"] = events["note"].astype("string") if "note" in events else pd.NA
        ev["note"] = ev["note"].astype("string")
        ev["date_known"] = (
            events["date_known"].fillna(True).astype(bool) if "date_known" in events else True
        )
        ev["date_known"] &= ev["date"].notna()  # an event without a date: date unknown
        sources: tuple[tuple[str, Literal["string", "Int64"]], ...] = (
            ("source_file", "string"),
            ("source_sheet", "string"),
            ("source_row", "Int64"),
        )
        for name, dtype in sources:
            ev[name] = events[name] if name in events else pd.Series(pd.NA, index=ev.index)
            ev[name] = ev[name].astype(dtype)
        ev["action_id"] = _action_ids(events, is_fu)
        if ev["application_id"].isna().any():
            raise ArgumentError(
                "events must have an application_id on every row "
                "(load() quarantines such rows instead)"
            )
        ev = ev.sort_values(["application_id", "date", "event"], kind="stable", ignore_index=True)

        apps = _applications_frame(applications, ev, seeker)
        as_of_ts = (
            default_as_of(ev["date"], apps["applied_on"]) if as_of is None else parse_as_of(as_of)
        )
        return cls(ev[EVENT_COLUMNS], apps, report or LoadReport(), as_of_ts)

    # ------------------------------------------------------------------ access
    @property
    def events(self) -> pd.DataFrame:
        """One row per event up to ``as_of`` (a copy; see the class docstring)."""
        return self._seen[0].copy(deep=False)

    @property
    def applications(self) -> pd.DataFrame:
        """One row per application made by ``as_of`` (a copy; see the class docstring)."""
        return self._seen[1].copy(deep=False)

    @property
    def carried_columns(self) -> list[str]:
        """Input columns carried along on the application table (cohort, program ...)."""
        return [c for c in self._applications.columns if c not in APPLICATION_COLUMNS]

    @property
    def seekers(self) -> list[str]:
        """Distinct seekers, in order of appearance."""
        return list(self._seen[1]["seeker"].dropna().unique())

    def outcome_recorded(self) -> pd.Series:
        """Per application (aligned with :attr:`applications`): whether its source records
        outcomes at all (``report.sources["records_outcomes"]``). An application known only
        from a source without any outcome column (LinkedIn's export) has unknown outcomes,
        not "no response"; rates leave it out and say so."""
        src = self.report.sources
        out = pd.Series(True, index=self._applications.index)
        if "records_outcomes" not in src or not len(src):
            return out
        blind = src[src["records_outcomes"].eq(False).fillna(False).to_numpy(dtype=bool)]
        if not len(blind):
            return out
        ev = self._events
        keys = (
            ev["source_file"].astype(object).fillna("")
            + "\x1f"
            + ev["source_sheet"].astype(object).fillna("")
        )
        blind_keys = set(
            blind["file"].astype(object).fillna("")
            + "\x1f"
            + blind["sheet"].astype(object).fillna("")
        )
        seen = ev["application_id"][~keys.isin(blind_keys).to_numpy()]
        return pd.Series(
            self._applications["application_id"].isin(seen).to_numpy(),
            index=self._applications.index,
        )

    def with_as_of(self, as_of: object) -> JobSearchLog:
        """Return the same log with another censoring date (the data then end there)."""
        return JobSearchLog(self._events, self._applications, self.report, parse_as_of(as_of))

    def __len__(self) -> int:
        return len(self._seen[1])

    # ------------------------------------------------------------------ display
    def _counts(self) -> pd.Series:
        return self._seen[0]["event"].value_counts().reindex(vocab.EVENTS, fill_value=0)

    def __repr__(self) -> str:
        c = self._counts()
        counts = ", ".join(f"{k} {v}" for k, v in c.items() if v)
        return (
            f"<JobSearchLog: {len(self)} applications by {len(self.seekers)} seeker(s), "
            f"{len(self._seen[0])} events ({counts}); as of {self.as_of.date()}; "
            f"{self.report.n_quarantined} rows quarantined>"
        )

    def _repr_html_(self) -> str:
        c = self._counts()
        cells = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td>{v}</td></tr>" for k, v in c.items()
        )
        dates = self._seen[0]["date"]
        span = f"{dates.min().date()} to {dates.max().date()}" if len(dates) else "no dates"
        return (
            "<div class='fa-log'><strong>JobSearchLog</strong> "
            f"<p>{len(self)} applications by {len(self.seekers)} seeker(s); "
            f"{len(self._seen[0])} events from {span}; as of {self.as_of.date()}; "
            f"{self.report.n_quarantined} rows quarantined "
            "(see <code>log.report</code>).</p>"
            f"<table><thead><tr><th>event</th><th>count</th></tr></thead>"
            f"<tbody>{cells}</tbody></table>"
            "<details><summary>First events</summary>"
            + self._seen[0].head(10).to_html(index=False, na_rep="", escape=True)
            + "</details></div>"
        )


def _applications_frame(
    applications: pd.DataFrame | None, ev: pd.DataFrame, seeker: str
) -> pd.DataFrame:
    """The canonical application table for the canonical events `ev` (see
    :meth:`JobSearchLog.from_frames`)."""
    if applications is None:
        applications = pd.DataFrame({"application_id": ev["application_id"].unique()})
    if "application_id" not in applications.columns:
        raise ArgumentError(
            "applications is missing required column 'application_id'; "
            f"got {list(applications.columns)}"
        )
    apps = applications.copy()
    apps["application_id"] = apps["application_id"].astype("string")
    if apps["application_id"].duplicated().any():
        dup = apps.loc[apps["application_id"].duplicated(), "application_id"].iloc[0]
        raise ArgumentError(f"applications has duplicate application_id values, e.g. {dup!r}")
    first_applied = (
        ev.loc[ev["event"].eq("applied").fillna(False)]
        .groupby("application_id", observed=True)["date"]
        .min()
    )
    from_events = pd.Series(
        first_applied.astype(DATE_DTYPE).reindex(apps["application_id"]).to_numpy(),
        index=apps.index,
        dtype=DATE_DTYPE,
    )
    if "applied_on" in apps:
        apps["applied_on"] = _as_dates(apps["applied_on"]).fillna(from_events)
    else:
        apps["applied_on"] = from_events
    apps["seeker"] = (
        apps["seeker"].astype("string").fillna(seeker)
        if "seeker" in apps
        else pd.Series(seeker, index=apps.index, dtype="string")
    )
    for name in ("company", "role"):
        apps[name] = apps[name].astype("string") if name in apps else pd.NA
        apps[name] = apps[name].astype("string")
    orphans = ~ev["application_id"].isin(apps["application_id"])
    if orphans.any():
        raise ArgumentError(
            f"{int(orphans.sum())} event(s) refer to application_id values "
            f"not in applications, e.g. "
            f"{ev.loc[orphans, 'application_id'].iloc[0]!r}"
        )
    extra = [c for c in apps.columns if c not in APPLICATION_COLUMNS]
    apps = apps[APPLICATION_COLUMNS + extra].reset_index(drop=True)
    return apps
