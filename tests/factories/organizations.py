"""Factories for users, organizations (institutions, partners) and memberships.
Passwords are all ``correct-horse-battery``."""

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
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)


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
