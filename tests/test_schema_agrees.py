"""The database's CHECK constraints and the domain's rules say the same thing (issue 11,
item 8): where they disagree, something the domain accepts is refused by SQLite and reaches
the therapist as a crash instead of a sentence. The bounds are read from the live schema."""

from __future__ import annotations

import re

from kapdesk.domain.dosing import DOSE_MG_MAX, DOSE_MG_MIN
from kapdesk.domain.kinds import Checkpoint, NoteKind, SessionKind
from kapdesk.domain.outcomes import INSTRUMENTS
from kapdesk.domain.scheduling import PLANNED_SESSIONS_MAX, PLANNED_SESSIONS_MIN
from kapdesk.domain.vitals import PLAUSIBLE
from kapdesk.domain.vocabulary import RATING_LEVELS, RATING_SCALES


def table_sql(db, table: str) -> str:
    return db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                      (table,)).fetchone()[0]


def between(sql: str) -> dict[str, tuple[int, int]]:
    return {m[1]: (int(m[2]), int(m[3]))
            for m in re.finditer(r"(\w+) BETWEEN (\d+) AND (\d+)", sql)}


def allowed(sql: str, column: str) -> set[str]:
    found = re.search(rf"{column} IN \(([^)]*)\)", sql)
    assert found, f"no CHECK on {column}"
    return set(re.findall(r"'([^']*)'", found[1]))


def test_vital_sign_bounds_match_the_plausibility_rule(db):
    assert between(table_sql(db, "vitals")) == PLAUSIBLE
    assert "systolic > diastolic" in table_sql(db, "vitals")


def test_the_closed_vocabularies_match(db):
    assert allowed(table_sql(db, "sessions"), "kind") == set(SessionKind)
    assert allowed(table_sql(db, "vitals"), "checkpoint") == set(Checkpoint)
    assert allowed(table_sql(db, "notes"), "kind") == set(NoteKind)
    assert allowed(table_sql(db, "ratings"), "scale") == set(RATING_SCALES)
    assert allowed(table_sql(db, "outcome_measures"), "instrument") == set(INSTRUMENTS)


def test_counted_ranges_match(db):
    assert between(table_sql(db, "ratings"))["value"] == (0, len(RATING_LEVELS) - 1)
    assert between(table_sql(db, "courses"))["planned_sessions"] == (PLANNED_SESSIONS_MIN,
                                                                     PLANNED_SESSIONS_MAX)
    maxima = dict(re.findall(r"WHEN '([^']+)' THEN (\d+)", table_sql(db, "outcome_measures")))
    assert {k: (0, int(v)) for k, v in maxima.items()} == \
        {k: v for k, v in INSTRUMENTS.items() if k in maxima}
    assert re.search(r"ELSE (\d+) END", table_sql(db, "outcome_measures"))[1] == \
        str(INSTRUMENTS["PCL-5"][1])


def test_every_dose_the_domain_allows_the_schema_keeps(db):
    """The schema asks only mg > 0; the domain's 1-1000 mg lies inside it."""
    assert "mg REAL NOT NULL CHECK (mg > 0)" in table_sql(db, "doses")
    assert 0 < DOSE_MG_MIN < DOSE_MG_MAX
