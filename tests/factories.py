"""factory_boy factories for the domain. Passwords are all ``correct-horse-battery``."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tandem.accounts.models import User
from tandem.organizations.models import Membership, Organization, Role, Sector

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Institution {n}")
    slug = factory.Sequence(lambda n: f"institution-{n}")
    kind = "institution"
    type = "college"
    sector = Sector.EDUCATION


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = "partner"
    type = "company"
    sector = Sector.TECHNOLOGY


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(InstitutionFactory)
    role = Role.STUDENT


def member(organization: Organization, role: str, **kwargs: object) -> User:
    """A new user holding ``role`` in ``organization``."""
    m = MembershipFactory(organization=organization, role=role, **kwargs)
    return m.user


# --- Domain objects (partnerships, opportunities, applications) --------------------------------
from tandem.applications.models import Application  # noqa: E402
from tandem.opportunities.models import Opportunity, OpportunityApproval  # noqa: E402
from tandem.partnerships.models import Partnership  # noqa: E402


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

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
