"""Students' visibility is one query: it returns exactly the postings the former per-posting
Python rule allowed (written here as a plain-Python oracle), over a varied world, and the
student's list page and API cost the same number of queries whatever the number of postings."""

from __future__ import annotations

import datetime as dt
import importlib
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.opportunities.models import Opportunity, OpportunityApproval, programs_key
from tandem.opportunities.permissions import can_apply_to_opportunity
from tandem.opportunities.selectors import (
    opportunities_visible_to,
    opportunity_list,
    student_visible_opportunities,
)
from tandem.organizations.models import Membership, Role
from tests.factories import (
    InstitutionFactory,
    OpportunityFactory,
    PartnerFactory,
    UserFactory,
    member,
    published_opportunity,
)

pytestmark = pytest.mark.django_db

PROGRAM_LISTS = [
    [],
    ["Computer Science"],
    ["computer  science", "Nursing"],
    ["", "   "],
    ["Data Science"],
    ["STRASSE"],
    ["Computer"],
    ["Computer Science Extra", "Science"],
    [" NURSING\t"],
    ["50%_off"],
    ["50xyoff"],
]
YEAR_BOUNDS = [(None, None), (2, None), (None, 2), (2, 3), (3, 3), (5, None), (None, 1)]
STATUSES = ["draft", "awaiting_approval", "published", "closed", "filled"]
DEADLINES = ["none", "future", "past"]
APPROVAL_SETS = [
    {},
    {"A": "approved"},
    {"A": "pending"},
    {"A": "rejected"},
    {"B": "approved"},
    {"A": "rejected", "B": "approved"},
    {"A": "approved", "C": "approved"},
    {"C": "approved"},
    {"A": "pending", "B": "rejected", "C": "approved"},
]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The former rule, in plain Python -------------------------------------------------------
def _norm(text):
    return " ".join(str(text).split()).casefold()


def _eligible(programs, min_year, max_year, program, year):
    wanted = {_norm(p) for p in (programs or []) if str(p).strip()}
    if wanted and _norm(program or "") not in wanted:
        return False
    if min_year is not None and (year is None or year < min_year):
        return False
    return not (max_year is not None and (year is None or year > max_year))


def oracle(user, now):
    """Every posting the student may see: published, deadline open, approved by one of
    their active student memberships' institutions, and eligible by that membership."""
    if not user.is_active:
        return set()
    memberships = [
        (m.organization_id, m.program, m.year_of_study)
        for m in Membership.objects.filter(user=user).select_related("organization")
        if m.is_active and m.role == Role.STUDENT and m.organization.kind == "institution"
    ]
    approved: dict[int, set[int]] = {}
    for a in OpportunityApproval.objects.all():
        if a.status == "approved":
            approved.setdefault(a.opportunity_id, set()).add(a.institution_id)
    visible = set()
    for opp in Opportunity.objects.all():
        if opp.status != "published":
            continue
        if opp.application_deadline is not None and opp.application_deadline <= now:
            continue
        if any(
            inst in approved.get(opp.pk, set())
            and _eligible(
                opp.eligible_programs, opp.min_year_of_study, opp.max_year_of_study, program, year
            )
            for inst, program, year in memberships
        ):
            visible.add(opp.pk)
    return visible


# --- A varied world -------------------------------------------------------------------------
@pytest.fixture
def world():
    insts = {"A": InstitutionFactory(), "B": InstitutionFactory(), "C": InstitutionFactory()}
    partners = [PartnerFactory(), PartnerFactory()]
    a, b, c = insts["A"], insts["B"], insts["C"]
    students = {
        "cs2_A": member(a, Role.STUDENT, program="Computer Science", year_of_study=2),
        "cs_spaces_no_year_A": member(
            a, Role.STUDENT, program="  computer   SCIENCE ", year_of_study=None
        ),
        "nursing4_A": member(a, Role.STUDENT, program="Nursing", year_of_study=4),
        "no_program1_B": member(b, Role.STUDENT, program="", year_of_study=1),
        "strasse2_C": member(c, Role.STUDENT, program="Straße", year_of_study=2),
        "computer3_C": member(c, Role.STUDENT, program="Computer", year_of_study=3),
        "percent_A": member(a, Role.STUDENT, program="50%_OFF", year_of_study=1),
        "lookalike_A": member(a, Role.STUDENT, program="50xyoff", year_of_study=1),
        "science5_B": member(b, Role.STUDENT, program="Science", year_of_study=5),
        "inactive_membership_A": member(
            a, Role.STUDENT, program="Computer Science", year_of_study=2, is_active=False
        ),
        "educator_A": member(a, Role.EDUCATOR, program="Computer Science", year_of_study=2),
        "outsider": UserFactory(),
    }
    # Two institutions, different programs and years.
    two = member(a, Role.STUDENT, program="Data Science", year_of_study=3)
    Membership.objects.create(
        user=two, organization=b, role=Role.STUDENT, program="Computer Science", year_of_study=1
    )
    students["data3_A_cs1_B"] = two
    # A student membership at a partner does not count.
    students["student_at_partner"] = member(
        partners[0], Role.STUDENT, program="Computer Science", year_of_study=2
    )
    gone = member(a, Role.STUDENT, program="Computer Science", year_of_study=2)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    students["inactive_user_A"] = gone

    now = timezone.now()
    deadlines = {
        "none": None,
        "future": now + dt.timedelta(days=3),
        "past": now - dt.timedelta(days=3),
    }
    rng = random.Random(12)
    combos = [
        (programs, years, status, deadline, approvals)
        for programs in range(len(PROGRAM_LISTS))
        for years in range(len(YEAR_BOUNDS))
        for status in STATUSES
        for deadline in DEADLINES
        for approvals in range(len(APPROVAL_SETS))
    ]
    # Every published, approved-somewhere variation of programs and years, plus a sample
    # of everything else.
    chosen = [
        co for co in combos if co[2] == "published" and co[3] != "past" and co[4] in (1, 5, 6)
    ]
    chosen += rng.sample([co for co in combos if co not in chosen], 250)
    for i, (p, y, status, deadline, approvals) in enumerate(chosen):
        opp = OpportunityFactory(
            host=partners[i % 2],
            status=status,
            eligible_programs=PROGRAM_LISTS[p],
            min_year_of_study=YEAR_BOUNDS[y][0],
            max_year_of_study=YEAR_BOUNDS[y][1],
            application_deadline=deadlines[deadline],
        )
        for key, approval_status in APPROVAL_SETS[approvals].items():
            OpportunityApproval.objects.create(
                opportunity=opp, institution=insts[key], status=approval_status
            )
    return students


def test_query_matches_the_former_rule_for_every_student(world):
    now = timezone.now()
    nonempty = 0
    for name, user in world.items():
        expected = oracle(user, now)
        nonempty += bool(expected)
        got = set(student_visible_opportunities(user).values_list("pk", flat=True))
        assert got == expected, name
        if name not in ("educator_A",):
            assert set(opportunities_visible_to(user).values_list("pk", flat=True)) == expected
            assert set(opportunity_list(user).values_list("pk", flat=True)) == expected
    # The world is not trivially empty: most students see some postings, none see all.
    assert nonempty >= 9
    published = Opportunity.objects.filter(status="published").count()
    assert all(len(oracle(u, now)) < published for u in world.values())


def test_query_agrees_with_the_per_posting_permission(world):
    opps = list(Opportunity.objects.all())
    for name, user in world.items():
        got = set(student_visible_opportunities(user).values_list("pk", flat=True))
        assert got == {o.pk for o in opps if can_apply_to_opportunity(user, o)}, name


def test_the_program_key_follows_every_save():
    opp = OpportunityFactory(eligible_programs=[" Computer  Science ", "NURSING", ""])
    assert opp.eligible_programs_key == "\ncomputer science\nnursing\n"
    opp.eligible_programs = ["", " "]
    opp.save(update_fields=["eligible_programs"])
    opp.refresh_from_db()
    assert opp.eligible_programs_key == ""
    opp.eligible_programs = ["Straße"]
    opp.save()
    assert Opportunity.objects.get(pk=opp.pk).eligible_programs_key == "\nstrasse\n"


def test_the_migration_fills_the_key_as_the_model_does():
    migration = importlib.import_module(
        "tandem.opportunities.migrations.0002_student_visibility_query"
    )
    for programs in [*PROGRAM_LISTS, None, [3, "3"], ["a\nb"]]:
        assert migration._key(programs) == programs_key(programs)


# --- Query counts stay flat -----------------------------------------------------------------
def _grow(host, inst, n):
    for _ in range(n):
        published_opportunity(host, [inst], eligible_programs=["Computer Science"])


def _count_queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("kind", ["page", "api"])
def test_student_list_query_count_is_flat(client, kind):
    inst, host = InstitutionFactory(), PartnerFactory()
    student = member(inst, Role.STUDENT, program="Computer Science", year_of_study=2)
    client.force_login(student)

    def fetch():
        if kind == "page":
            return client.get(reverse("opportunities:list"))
        return client.get("/api/v1/opportunities/")

    _grow(host, inst, 5)
    fetch()  # warm per-process caches (sessions, content types)
    few, _ = _count_queries(fetch)
    _grow(host, inst, 45)
    fetch()  # the postings changed: the list's cached count and page ids are stored again
    many, response = _count_queries(fetch)
    assert many == few
    if kind == "api":
        assert response.json()["count"] == 50
    else:
        assert response.context["page_obj"].paginator.count == 50
