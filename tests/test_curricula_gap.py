"""gap.py on a hand-built case: exact numbers, no database."""

from __future__ import annotations

from datetime import date

import pytest

from tandem.curricula.gap import Filters, Posting, SkillInfo, Taught, analyse, recency_weight

TODAY = date(2026, 1, 1)
PY, SQL, XL, NEG = "u:python", "u:sql", "u:excel", "u:negotiate"
SKILLS = {
    PY: SkillInfo(PY, "Python", (("S", "S5", "S5.1"),)),
    SQL: SkillInfo(SQL, "SQL", (("S", "S5", "S5.1"),)),
    XL: SkillInfo(XL, "spreadsheets", (("S", "S5", "S5.2"),)),
    NEG: SkillInfo(NEG, "negotiate", (("S", "S1"),)),
}
GROUPS = {"S": "skills", "S1": "communication", "S5": "working with computers"}
POSTINGS = [
    # today: weight 1; a year ago (365 days): 0.5; 730 days ago (2024 is a leap year): 0.25.
    Posting("p1", "Data analyst", (PY, SQL, PY), date(2026, 1, 1), "tech", "North"),
    Posting("p2", "Analyst", (SQL, XL), date(2025, 1, 1), "tech", "South"),
    Posting("p3", "Sales", (NEG,), date(2024, 1, 2), "retail", "North"),
    Posting("p4", "Undated", (PY,), None, "tech", "North"),
    Posting("p5", "No skills", (), date(2026, 1, 1), "tech", "North"),
]
TAUGHT = [Taught(PY, "o1", "C1"), Taught(PY, "o2", "C2"), Taught("u:r", "o3", "C2")]


def test_recency_weight():
    assert recency_weight(date(2025, 1, 1), TODAY, 365) == 0.5
    assert recency_weight(None, TODAY, 365) == 1.0
    assert recency_weight(date(2027, 1, 1), TODAY, 365) == 1.0


def test_exact_report():
    r = analyse(POSTINGS, TAUGHT, SKILLS, today=TODAY, group_names=GROUPS, half_life_days=365)
    assert (r.postings, r.postings_with_skills) == (5, 4)
    # Python 1 + 1 (undated); SQL 1 + 0.5; spreadsheets 0.5; negotiate 0.25 → total 4.25.
    assert [(x.label, x.postings, x.demand) for x in r.demanded] == [
        ("Python", 2, 2.0),
        ("SQL", 2, 1.5),
        ("spreadsheets", 1, 0.5),
        ("negotiate", 1, 0.25),
    ]
    assert r.demand_total == 4.25 and r.covered_demand == 2.0
    assert r.coverage == pytest.approx(2.0 / 4.25)
    assert [x.label for x in r.missing] == ["SQL", "spreadsheets", "negotiate"]
    assert r.demanded[0].posting_ids == ("p1", "p4") and r.demanded[0].outcome_ids == ("o1", "o2")
    assert [(x.uri, x.outcome_ids) for x in r.taught_not_demanded] == [("u:r", ("o3",))]
    assert [(m.month, m.postings, m.mentions, m.covered_mentions) for m in r.trend] == [
        ("2024-01", 1, 1, 0),
        ("2025-01", 1, 2, 0),
        ("2026-01", 1, 2, 1),  # p5 has no skills: not a mention
    ]
    assert [(g.code, g.name, g.demand, g.covered, g.skills, g.skills_taught) for g in r.groups] == [
        ("S5", "working with computers", 4.0, 2.0, 3, 1),
        ("S1", "communication", 0.25, 0.0, 1, 0),
    ]
    assert r.groups[0].coverage == 0.5
    assert r.taught_skills == 2


def test_filters_and_levels():
    f = Filters(region="north", date_from=date(2025, 6, 1))
    r = analyse(POSTINGS, TAUGHT, SKILLS, today=TODAY, filters=f, level=2)
    assert r.postings == 2  # p1 and p5 (p4 undated is out of a date range)
    assert r.coverage == pytest.approx(0.5)
    assert [(g.code, g.demand) for g in r.groups] == [("S5.1", 2.0)]
    assert analyse(POSTINGS, TAUGHT, SKILLS, today=TODAY, filters=Filters(sector="x")).coverage == 0


def test_empty_inputs():
    r = analyse([], [], {}, today=TODAY)
    assert (r.postings, r.coverage, r.demanded, r.groups, r.trend) == (0, 0.0, (), (), ())


STRESS, INIT, FR, ODD = "u:stress", "u:initiative", "u:french", "u:unknown"
UNPLACED_SKILLS = {
    **SKILLS,
    STRESS: SkillInfo(STRESS, "cope with stress", (), "kind:transversal"),
    INIT: SkillInfo(INIT, "show initiative", (), "kind:attitude"),
    FR: SkillInfo(FR, "French", ()),  # no path, no kind: unplaced
    # ODD has no SkillInfo at all: unplaced too
}
UNPLACED_POSTINGS = [
    Posting("q1", "Nurse", (STRESS, INIT, PY), date(2026, 1, 1), "care", "North", "nurse"),
    Posting("q2", "Guide", (STRESS, FR, ODD), date(2025, 1, 1), "tourism", "South", "guide"),
    Posting("q3", "Clerk", (NEG, STRESS), None, "retail", "North", "clerk"),
]
UNPLACED_NAMES = {
    **GROUPS,
    "kind:transversal": "Transversal skill",
    "kind:attitude": "Attitude or value",
    "unplaced": "Not placed in the ESCO hierarchy",
}


def _groups(r):
    return [
        (g.code, g.name, g.demand, g.covered, g.skills, g.skills_taught, g.placed) for g in r.groups
    ]


def test_unplaced_skills_roll_up_by_kind_at_every_level():
    taught = [Taught(STRESS, "o9", "C9"), Taught(PY, "o1", "C1")]
    by_level = {}
    for level in (0, 1, 2, 3):
        r = analyse(
            UNPLACED_POSTINGS,
            taught,
            UNPLACED_SKILLS,
            today=TODAY,
            group_names=UNPLACED_NAMES,
            level=level,
        )
        # stress 1 + 0.5 + 1 (undated); initiative 1; Python 1; French 0.5; unknown 0.5;
        # negotiate 1 → 6.5, of which taught (stress, Python) 3.5.
        assert (r.demand_total, r.covered_demand) == (6.5, 3.5)
        # Each skill here sits in one group, so the roll-up sums to the whole report.
        assert sum(g.demand for g in r.groups) == r.demand_total
        assert sum(g.covered for g in r.groups) == r.covered_demand
        assert sum(g.skills for g in r.groups) == len(r.demanded) == 6
        assert sum(g.skills_taught for g in r.groups) == 2
        by_level[level] = _groups(r)
    # Most demand first, ties by code.
    unplaced = [
        ("kind:transversal", "Transversal skill", 2.5, 2.5, 1, 1, False),
        ("kind:attitude", "Attitude or value", 1.0, 0.0, 1, 0, False),
        ("unplaced", "Not placed in the ESCO hierarchy", 1.0, 0.0, 2, 0, False),
    ]
    assert by_level[0] == [*unplaced[:1], ("S", "skills", 2.0, 1.0, 2, 1, True), *unplaced[1:]]
    assert by_level[1] == [
        *unplaced[:1],
        ("S1", "communication", 1.0, 0.0, 1, 0, True),
        ("S5", "working with computers", 1.0, 1.0, 1, 1, True),
        *unplaced[1:],
    ]
    # Level 2: Python goes down to S5.1; negotiate's branch ends at S1, where it stays.
    assert by_level[2] == [
        *unplaced[:1],
        ("S1", "communication", 1.0, 0.0, 1, 0, True),
        ("S5.1", "S5.1", 1.0, 1.0, 1, 1, True),
        *unplaced[1:],
    ]
    assert by_level[3] == by_level[2]


def test_occupation_filter():
    r = analyse(
        UNPLACED_POSTINGS, [], UNPLACED_SKILLS, today=TODAY, filters=Filters(occupation="Guide")
    )
    assert r.postings == 1 and r.demand_total == 1.5
    assert sorted(x.label for x in r.demanded) == ["French", "cope with stress", "u:unknown"]
    assert [(g.code, g.skills) for g in r.groups] == [("unplaced", 2), ("kind:transversal", 1)]
    # Occupation combines with the other filters; an occupation nobody posts leaves nothing.
    both = Filters(occupation="nurse", region="south")
    assert analyse(UNPLACED_POSTINGS, [], UNPLACED_SKILLS, today=TODAY, filters=both).postings == 0
    r = analyse(POSTINGS, TAUGHT, SKILLS, today=TODAY, filters=Filters(occupation="analyst"))
    assert (r.postings, r.demanded) == (0, ())  # POSTINGS name no occupation
