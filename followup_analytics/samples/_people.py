"""Fake but realistic names, programs, companies and roles for the synthetic samples.

Every name here is invented by combining common given names and surnames; companies are
made-up word pairs. Emails use the reserved ``example.org`` / ``example.com`` domains.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FIRST_NAMES = (
    "Maya",
    "Liam",
    "Aisha",
    "Noah",
    "Sofia",
    "Mateo",
    "Priya",
    "Ethan",
    "Chloe",
    "Omar",
    "Hannah",
    "Kenji",
    "Grace",
    "Diego",
    "Amara",
    "Lucas",
    "Zara",
    "Jonah",
    "Elena",
    "Tariq",
    "Nora",
    "Samuel",
    "Mei",
    "Isaac",
    "Leila",
    "Caleb",
    "Fatima",
    "Owen",
    "Ines",
    "Arjun",
    "Ruby",
    "Felix",
    "Yara",
    "Daniel",
    "Chiara",
    "Kofi",
    "Alice",
    "Hugo",
    "Sana",
    "Marcus",
    "Julia",
    "Tomas",
    "Naomi",
    "Rafael",
    "Freya",
    "Idris",
    "Camila",
    "Theo",
    "Lina",
    "Adrian",
)
LAST_NAMES = (
    "Chen",
    "Okafor",
    "Garcia",
    "Novak",
    "Patel",
    "Kowalski",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Silva",
    "Brennan",
    "Adeyemi",
    "Rossi",
    "Nguyen",
    "Schmidt",
    "Kaur",
    "Dubois",
    "Mensah",
    "Fischer",
    "Romero",
    "Sato",
    "Walsh",
    "Ibrahim",
    "Larsen",
    "Costa",
    "Khan",
    "Petrov",
    "Murphy",
    "Alvarez",
    "Yilmaz",
    "Becker",
    "Osei",
    "Hughes",
    "Castillo",
    "Park",
    "Johansson",
    "Reyes",
    "Mahmoud",
    "Fernandes",
)
#: Program -> (industry weights are shared) typical entry-level roles.
PROGRAM_ROLES: dict[str, tuple[str, ...]] = {
    "Data Analytics": (
        "Data Analyst",
        "Business Intelligence Analyst",
        "Junior Data Scientist",
        "Reporting Analyst",
        "Operations Analyst",
        "Analytics Engineer",
    ),
    "Software Engineering": (
        "Junior Software Engineer",
        "Backend Developer",
        "Frontend Developer",
        "Full Stack Developer",
        "QA Engineer",
        "DevOps Engineer",
    ),
    "UX Design": (
        "UX Designer",
        "Product Designer",
        "UX Researcher",
        "UI Designer",
        "Interaction Designer",
        "Content Designer",
    ),
    "Digital Marketing": (
        "Marketing Coordinator",
        "SEO Specialist",
        "Content Marketer",
        "Social Media Manager",
        "Growth Marketing Associate",
        "Email Marketing Specialist",
    ),
}
PROGRAMS: tuple[str, ...] = tuple(PROGRAM_ROLES)
#: Every role title, in program order: :func:`roles` returns positions in this tuple.
ROLE_LABELS: tuple[str, ...] = tuple(t for titles in PROGRAM_ROLES.values() for t in titles)
COHORTS: tuple[str, ...] = ("Winter 2026", "Spring 2026")
ADVISERS: tuple[str, ...] = ("Dana Whitfield", "Marco Esposito", "Ngozi Eze", "Helen Park")
INDUSTRIES: tuple[str, ...] = (
    "Technology",
    "Healthcare",
    "Finance",
    "Retail",
    "Education",
    "Public sector",
    "Media",
    "Logistics",
    "Energy",
    "Non-profit",
)
JOB_SOURCES: tuple[str, ...] = (
    "LinkedIn",
    "Indeed",
    "Company website",
    "Handshake",
    "Career fair",
    "Recruiter",
)
JOB_SOURCE_WEIGHTS: tuple[float, ...] = (0.42, 0.22, 0.20, 0.07, 0.04, 0.05)
#: Job sources as written in the data: the drawn ones, then referrals and re-applications.
SOURCE_LABELS: tuple[str, ...] = (*JOB_SOURCES, "Referral", "Re-applied")

_COMPANY_HEADS = (
    "North",
    "Blue",
    "Bright",
    "Cedar",
    "Harbor",
    "Summit",
    "Quarry",
    "Lumen",
    "Orchid",
    "Granite",
    "Silver",
    "Maple",
    "Tidal",
    "Aster",
    "Copper",
    "Falcon",
    "Meadow",
    "Pioneer",
    "Vantage",
    "Willow",
    "Beacon",
    "Crescent",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Alder",
    "Bramble",
    "Cobalt",
    "Driftwood",
    "Ember",
    "Fjord",
    "Glacier",
    "Heron",
    "Ironwood",
    "Jasper",
    "Kinetic",
    "Lantern",
    "Mosaic",
    "Nimbus",
    "Oakridge",
)
_COMPANY_TAILS = (
    "Analytics",
    "Labs",
    "Health",
    "Logistics",
    "Systems",
    "Partners",
    "Media",
    "Works",
    "Bank",
    "Foods",
    "Energy",
    "Learning",
    "Software",
    "Insurance",
    "Retail",
    "Robotics",
    "Studio",
    "Capital",
    "Mobility",
    "Biotech",
    "Consulting",
    "Networks",
    "Dynamics",
    "Outfitters",
    "Clinics",
    "Freight",
    "Foundry",
    "Solutions",
    "Digital",
    "Payments",
)
_COMPANY_SUFFIXES = ("", "", "", " Inc.", " Ltd", " LLC", " Group", " & Co.")


def companies(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Return ``n`` distinct made-up companies with an industry.

    Returns
    -------
    DataFrame
        ``company`` (str) and ``industry`` (str), one row per company.
    """
    heads = np.repeat(np.array(_COMPANY_HEADS), len(_COMPANY_TAILS))
    tails = np.tile(np.array(_COMPANY_TAILS), len(_COMPANY_HEADS))
    pick = rng.permutation(len(heads))[:n]
    suffix = np.array(_COMPANY_SUFFIXES)[rng.integers(0, len(_COMPANY_SUFFIXES), len(pick))]
    names = pd.Series(heads[pick]) + " " + pd.Series(tails[pick]) + pd.Series(suffix)
    industry = np.array(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), len(pick))]
    return pd.DataFrame({"company": names.to_numpy(dtype=object), "industry": industry})


def people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Return ``n`` seekers with distinct fake names and example.org/.com emails.

    Returns
    -------
    DataFrame
        ``seeker`` (id such as ``S001``), ``seeker_name``, ``email``, ``program``,
        ``cohort`` and ``adviser``, one row per seeker.
    """
    width = max(3, len(str(n)))
    n_pairs = len(FIRST_NAMES) * len(LAST_NAMES)
    pairs = rng.permutation(n_pairs)[:n] if n <= n_pairs else rng.integers(0, n_pairs, n)
    first = np.array(FIRST_NAMES)[pairs // len(LAST_NAMES)]
    last = np.array(LAST_NAMES)[pairs % len(LAST_NAMES)]
    ids = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)
    names = pd.Series(first) + " " + pd.Series(last)
    local = pd.Series(first).str.lower() + "." + pd.Series(last).str.lower()
    local = local.where(~local.duplicated(), local + ids)
    domain = np.where(rng.random(n) < 0.8, "@example.org", "@example.com")
    return pd.DataFrame(
        {
            "seeker": ("S" + ids).to_numpy(dtype=object),
            "seeker_name": names.to_numpy(dtype=object),
            "email": (local + pd.Series(domain, dtype="str")).to_numpy(dtype=object),
            "program": np.array(PROGRAMS)[rng.integers(0, len(PROGRAMS), n)],
            "cohort": np.array(COHORTS)[rng.integers(0, len(COHORTS), n)],
            "adviser": np.array(ADVISERS)[rng.integers(0, len(ADVISERS), n)],
        }
    )


def roles(rng: np.random.Generator, program: np.ndarray) -> np.ndarray:
    """Draw one typical role per application given the seeker's program code (vectorised).

    ``program`` holds positions in :data:`PROGRAMS`; the result holds positions in
    :data:`ROLE_LABELS`.
    """
    out = np.empty(len(program), dtype=np.int64)
    offset = 0
    for k, titles in enumerate(PROGRAM_ROLES.values()):  # loop over 4 programs, not rows
        mask = program == k
        out[mask] = offset + rng.integers(0, len(titles), int(mask.sum()))
        offset += len(titles)
    return out
