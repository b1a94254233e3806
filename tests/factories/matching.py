"""Match rounds (tandem.matching): a small hand-built market."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.accounts.models import User
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization, Role
from tandem.partnerships.models import Partnership
from tests.factories.opportunities import PartnershipFactory, published_opportunity
from tests.factories.organizations import InstitutionFactory, PartnerFactory, UserFactory, member


# --- Match rounds (tandem.matching) -------------------------------------------------------------
@dataclass
class MatchRoundCast:
    """A small hand-built market: institution with a coordinator and five students; host H1
    (recruiter, supervisor) with opportunities A (1 seat) and B (3 seats) under a partnership
    with a placements KPI; host H2 (recruiter) with C (1 seat); plus outsiders."""

    institution: Organization
    coordinator: User
    students: list[User]
    h1: Organization
    h2: Organization
    recruiter1: User
    supervisor1: User
    recruiter2: User
    a: Opportunity
    b: Opportunity
    c: Opportunity
    partnership: Partnership
    kpi: object
    other_institution: Organization
    other_coordinator: User
    other_student: User
    stranger_recruiter: User
    nobody: User


def match_round_cast() -> MatchRoundCast:
    import datetime as _dt

    from django.utils import timezone as _tz

    from tandem.partnerships.models import KPI, Objective

    inst = InstitutionFactory(name="Northfield College")
    other = InstitutionFactory(name="Southbank College")
    h1 = PartnerFactory(name="Harbour Health")
    h2 = PartnerFactory(name="Kestrel Labs")
    stranger_host = PartnerFactory(name="Elsewhere Ltd")
    partnership = PartnershipFactory(institutions=[inst], partners=[h1])
    objective = Objective.objects.create(partnership=partnership, title="Placements")
    today = _tz.localdate()
    kpi = KPI.objects.create(
        objective=objective,
        name="Students placed",
        baseline=0,
        target=10,
        start_date=today - _dt.timedelta(days=30),
        due_date=today + _dt.timedelta(days=300),
        metric="placements",
    )
    a = published_opportunity(
        h1, [inst, other], title="A ward rotation", seats=1, partnership=partnership
    )
    b = published_opportunity(
        h1, [inst], title="B clinic rotation", seats=3, partnership=partnership
    )
    c = published_opportunity(h2, [inst], title="C lab internship", seats=1)
    students = [
        member(inst, Role.STUDENT, user=UserFactory(full_name=f"Student {i}")) for i in range(1, 6)
    ]
    return MatchRoundCast(
        institution=inst,
        coordinator=member(inst, Role.COORDINATOR),
        students=students,
        h1=h1,
        h2=h2,
        recruiter1=member(h1, Role.RECRUITER),
        supervisor1=member(h1, Role.SUPERVISOR),
        recruiter2=member(h2, Role.RECRUITER),
        a=a,
        b=b,
        c=c,
        partnership=partnership,
        kpi=kpi,
        other_institution=other,
        other_coordinator=member(other, Role.COORDINATOR),
        other_student=member(other, Role.STUDENT),
        stranger_recruiter=member(stranger_host, Role.RECRUITER),
        nobody=UserFactory(),
    )
