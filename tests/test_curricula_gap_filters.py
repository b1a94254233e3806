"""The gap report end to end: each filter (sector, region, occupation, date range) narrows
the page, its CSV exports and the API by exact counts; skills with no ESCO hierarchy path roll
up by kind; the trend has a chart beside its table; the roll-up and trend export as CSV."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.urls import reverse

from tandem.curricula.models import ImportStatus, JobPosting, OutcomeSkill, PostingImport
from tandem.organizations.models import Role
from tandem.skills.models import SkillConcept
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    ProgramFactory,
    member,
    small_taxonomy,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/curriculum"
# Dated in the future, every posting weighs 1 whatever day the test runs (docs/curriculum.md).
POSTINGS = [
    # title, date, sector, region, occupation, skills
    ("Analyst", "2030-01-10", "tech", "North", "analyst", ("py", "sql", "stress")),
    ("Developer", "2030-02-10", "tech", "South", "developer", ("py",)),
    ("Nurse", "2030-02-20", "care", "North", "nurse", ("stress", "initiative")),
    ("Clerk", "2030-03-05", "retail", "East", "clerk", ("sql", "initiative")),
]


def _concept(label, kind):
    cid = uuid.uuid5(uuid.NAMESPACE_URL, label)
    return SkillConcept.objects.create(
        uri=f"http://data.europa.eu/esco/skill/{cid}", esco_id=cid, preferred_label=label, kind=kind
    )


@pytest.fixture
def world(db):
    taxonomy = small_taxonomy()
    skills = {
        "py": taxonomy["Python (computer programming)"],
        "sql": taxonomy["SQL"],
        # No hierarchy path: one with a kind, one without (as most unplaced ESCO concepts).
        "stress": _concept("cope with stress", "transversal"),
        "initiative": _concept("show initiative", ""),
    }
    school = InstitutionFactory()
    program = ProgramFactory(institution=school)
    course = CourseFactory(program=program)
    for key in ("py", "stress"):
        OutcomeSkill.objects.create(
            outcome=LearningOutcomeFactory(course=course),
            concept=skills[key],
            status="confirmed",
        )
    batch = PostingImport.objects.create(
        institution=school, filename="jobs.csv", format="csv", status=ImportStatus.DONE
    )
    for line, (title, d, sector, region, occupation, keys) in enumerate(POSTINGS, start=2):
        JobPosting.objects.create(
            batch=batch,
            institution=school,
            line=line,
            title=title,
            date=d,
            sector=sector,
            region=region,
            occupation=occupation,
            skills=[skills[k].uri for k in keys],
            extracted=True,
        )
    # Not extracted yet: never demand.
    JobPosting.objects.create(
        batch=batch, institution=school, line=9, title="Pending", skills=[], extracted=False
    )
    return {"skills": skills, "school": school, "program": program}


def _rows(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _skill_csv(client, url, params, skills):
    label = {s.uri: k for k, s in skills.items()}
    rows = _rows(client.get(url, {**params, "export": "csv"}))
    return {label[r["uri"]]: (int(r["postings"]), int(r["taught"])) for r in rows}


# filter → (postings kept, {skill: (postings asking for it, taught)}) in the skills CSV.
CASES = {
    "none": ({}, 4, {"py": (2, 1), "sql": (2, 0), "stress": (2, 1), "initiative": (2, 0)}),
    "sector": ({"sector": "TECH"}, 2, {"py": (2, 1), "sql": (1, 0), "stress": (1, 1)}),
    "region": (
        {"region": "north"},
        2,
        {"py": (1, 1), "sql": (1, 0), "stress": (2, 1), "initiative": (1, 0)},
    ),
    # Python is taught but not asked for by nurses: listed with 0 postings.
    "occupation": (
        {"occupation": "nurse"},
        1,
        {"stress": (1, 1), "initiative": (1, 0), "py": (0, 1)},
    ),
    "dates": (
        {"date_from": "2030-02-01", "date_to": "2030-02-28"},
        2,
        {"py": (1, 1), "stress": (1, 1), "initiative": (1, 0)},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_filter_narrows_page_csv_and_api(client, world, case):
    params, postings, skills = CASES[case]
    client.force_login(member(world["school"], Role.EDUCATOR))
    url = reverse("curricula:gap", args=[world["program"].public_id])
    page = client.get(url, params)
    assert page.status_code == 200
    assert page.context["report"].postings == postings
    assert f"in {postings} postings" in page.text or f"in {postings} posting " in page.text
    assert _skill_csv(client, url, params, world["skills"]) == skills

    groups = _rows(client.get(url, {**params, "export": "csv", "table": "groups"}))
    demanded = {k: n for k, (n, _t) in skills.items() if n}
    assert sum(float(g["demand"]) for g in groups) == sum(demanded.values())
    assert sum(int(g["skills"]) for g in groups) == len(demanded)
    trend = _rows(client.get(url, {**params, "export": "csv", "table": "trend"}))
    assert sum(int(m["postings"]) for m in trend) == postings

    body = client.get(f"{API}/programs/{world['program'].public_id}/gap", params).json()
    assert body["postings"] == postings
    label = {s.uri: k for k, s in world["skills"].items()}
    assert {label[r["uri"]]: r["postings"] for r in body["demanded"]} == demanded
    assert body["demand_total"] == sum(demanded.values())
    assert sum(g["skills"] for g in body["groups"]) == len(demanded)
    assert {g["code"]: g["placed"] for g in body["groups"]} == {
        g["code"]: g["placed"] == "1" for g in groups
    }


TRANSVERSAL, UNPLACED = "Transversal skill", "Not placed in the ESCO hierarchy"


def test_unplaced_skills_roll_up_by_kind_on_the_page_and_in_the_csv(client, world):
    client.force_login(member(world["school"], Role.EDUCATOR))
    url = reverse("curricula:gap", args=[world["program"].public_id])
    for level in ("0", "1", "2"):
        groups = _rows(client.get(url, {"export": "csv", "table": "groups", "level": level}))
        top = ("0", "S", "skills") if level == "0" else (level, "S5", "working with computers")
        # level, code, name, placed, demand, covered, coverage, skills, skills taught
        assert [tuple(g.values()) for g in groups] == [
            (*top, "1", "4.0000", "2.0000", "0.5000", "2", "1"),
            (level, "kind:transversal", TRANSVERSAL, "0", "2.0000", "2.0000", "1.0000", "1", "1"),
            (level, "unplaced", UNPLACED, "0", "2.0000", "0.0000", "0.0000", "1", "0"),
        ]
    page = client.get(url, {"level": "1"})
    table = page.text.split("Share of demand covered per ESCO skill group", 1)[1].split("</table>")[
        0
    ]
    assert '<th scope="row">S5 working with computers</th><td>50%</td>' in table
    assert '<th scope="row">Transversal skill</th><td>100%</td>' in table
    assert '<th scope="row">Not placed in the ESCO hierarchy</th><td>0%</td>' in table
    assert "kind:" not in page.text


def test_trend_chart_table_and_csv(client, world):
    client.force_login(member(world["school"], Role.EDUCATOR))
    url = reverse("curricula:gap", args=[world["program"].public_id])
    page = client.get(url)
    trend = page.text.split("<h2>Trend by month</h2>", 1)[1]
    assert trend.count('<svg class="chart"') == 2
    assert "Share of skill mentions the program covers, by month (%)" in trend
    assert "<title>2030-02: 66.7</title>" in trend  # covered 2 of 3 mentions
    assert '<th scope="row">2030-02</th><td>2</td><td>3</td><td>67%</td>' in trend  # the table
    rows = _rows(client.get(url, {"export": "csv", "table": "trend"}))
    assert [tuple(r.values()) for r in rows] == [
        ("2030-01", "1", "3", "2", "0.6667"),
        ("2030-02", "2", "3", "2", "0.6667"),
        ("2030-03", "1", "2", "0", "0.0000"),
    ]
    response = client.get(url, {"export": "csv", "table": "trend"})
    assert response["Content-Disposition"].endswith(f'gap-{world["program"].public_id}-trend.csv"')
    assert "export=csv&amp;table=groups" in page.text and "export=csv&amp;table=trend" in page.text


def test_unknown_csv_table_is_400(client, world):
    client.force_login(member(world["school"], Role.EDUCATOR))
    url = reverse("curricula:gap", args=[world["program"].public_id])
    response = client.get(url, {"export": "csv", "table": "people"})
    assert response.status_code == 400 and "skills, groups or trend" in response.text


def test_no_posting_matches(client, world):
    client.force_login(member(world["school"], Role.EDUCATOR))
    url = reverse("curricula:gap", args=[world["program"].public_id])
    page = client.get(url, {"sector": "mining"})
    assert page.context["report"].postings == 0
    assert "No dated posting." in page.text and 'svg class="chart"' not in page.text
    assert _rows(client.get(url, {"sector": "mining", "export": "csv", "table": "groups"})) == []
