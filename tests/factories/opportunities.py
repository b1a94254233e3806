"""Factories for partnerships, opportunities and applications; sites and a ready-made cast
for the opportunity tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from tandem.accounts.models import User
from tandem.applications.models import Application
from tandem.opportunities.models import Opportunity, OpportunityApproval
from tandem.organizations.models import Organization, Role, Site
from tandem.partnerships.models import Partnership
from tests.factories.organizations import InstitutionFactory, PartnerFactory, UserFactory, member


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Partnership {n}")
    types = factory.LazyFunction(lambda: ["internships"])
    status = "active"

    @factory.post_generation
    def institutions(self, create, extracted, **kwargs):
        if create and extracted:
            self.institutions.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity

    host = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Software internship {n}")
    type = "internship"
    description = "Work with our engineering team on real projects."
    seats = 2
    status = "draft"


def published_opportunity(host, institutions, **kwargs) -> Opportunity:
    """A published posting approved by each of ``institutions``."""
    opp = OpportunityFactory(host=host, status="published", **kwargs)
    for inst in institutions:
        OpportunityApproval.objects.create(opportunity=opp, institution=inst, status="approved")
    return opp


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    opportunity = factory.SubFactory(OpportunityFactory)
    student = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    statement = "I would love to learn from your team."
    stage = "submitted"


# --- Organizations and opportunities (sites, a cast for the opportunity tests) -----------------


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    city = "Leeds"


@dataclass
class OpportunityCast:
    """A partner posting to an institution, and everyone around them (opportunity tests)."""

    host: Organization
    other_partner: Organization
    inst: Organization
    other_inst: Organization
    recruiter: User
    supervisor: User
    mentor: User
    other_recruiter: User
    coordinator: User
    educator: User
    other_coordinator: User
    student: User
    other_student: User
    outsider: User
    admin: User


def opportunity_cast() -> OpportunityCast:
    host, other_partner = PartnerFactory(), PartnerFactory()
    inst, other_inst = InstitutionFactory(), InstitutionFactory()
    return OpportunityCast(
        host=host,
        other_partner=other_partner,
        inst=inst,
        other_inst=other_inst,
        recruiter=member(host, Role.RECRUITER),
        supervisor=member(host, Role.SUPERVISOR),
        mentor=member(host, Role.MENTOR),
        other_recruiter=member(other_partner, Role.RECRUITER),
        coordinator=member(inst, Role.COORDINATOR),
        educator=member(inst, Role.EDUCATOR),
        other_coordinator=member(other_inst, Role.COORDINATOR),
        student=member(inst, Role.STUDENT, program="Computer Science", year_of_study=2),
        other_student=member(other_inst, Role.STUDENT, program="Computer Science", year_of_study=2),
        outsider=UserFactory(),
        admin=UserFactory(is_staff=True, is_superuser=True),
    )


def opportunity_fields(**overrides: object) -> dict[str, object]:
    """Valid keyword arguments for ``opportunity_create``."""
    import datetime as _dt

    from django.utils import timezone as _tz

    today = _tz.localdate()
    fields: dict[str, object] = {
        "title": "Data engineering internship",
        "type": "internship",
        "description": "Build pipelines with our data team.",
        "work_mode": "hybrid",
        "start_date": today + _dt.timedelta(days=60),
        "end_date": today + _dt.timedelta(days=150),
        "seats": 2,
        "pay_amount": Decimal("1450.00"),
        "pay_currency": "GBP",
        "pay_period": "month",
        "application_deadline": _tz.now() + _dt.timedelta(days=30),
    }
    fields.update(overrides)
    return fields
