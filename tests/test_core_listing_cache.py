"""Cached list counts and page ids (``core.listing_cache``) and cached row fragments
(``core.fragments``): what is cached never shows a posting the viewer may no longer see, a
change shows at once, and no personal data goes into the shared cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Role
from tests.factories import InstitutionFactory, PartnerFactory, member, published_opportunity

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def world(db):
    inst, host = InstitutionFactory(), PartnerFactory()
    student = member(inst, Role.STUDENT, program="Computer Science", year_of_study=2)
    postings = [published_opportunity(host, [inst], title=f"Posting {i}") for i in range(3)]
    cache.clear()
    return inst, host, student, postings


def titles(client, student, url="opportunities:list"):
    client.force_login(student)
    response = client.get(reverse(url))
    assert response.status_code == 200
    return [o.title for o in response.context["page_obj"].object_list]


def test_a_closed_posting_leaves_the_cached_list_at_once(client, world):
    _inst, _host, student, postings = world
    assert len(titles(client, student)) == 3
    assert len(titles(client, student)) == 3  # from the cache
    # Closed without the ORM's signals (a queryset update): the cached ids still name it,
    # the rows read through the visibility query do not.
    Opportunity.objects.filter(pk=postings[0].pk).update(status="closed")
    assert postings[0].title not in titles(client, student)


def test_a_new_posting_shows_at_once(client, world):
    inst, host, student, _postings = world
    titles(client, student)
    published_opportunity(host, [inst], title="Brand new")
    assert "Brand new" in titles(client, student)
    response = client.get("/api/v1/opportunities/")
    assert response.json()["count"] == 4


def test_students_with_another_scope_do_not_share_the_list(client, world):
    _inst, _host, student, _postings = world
    titles(client, student)
    other = member(InstitutionFactory(), Role.STUDENT, program="Computer Science")
    assert titles(client, other) == []


@override_settings(CACHES=LOCMEM, FRAGMENT_CACHE=True)
def test_cards_come_from_the_fragment_cache_until_the_posting_changes(client, world):
    _inst, _host, student, postings = world
    cache.clear()
    client.force_login(student)
    client.get(reverse("opportunities:list"))
    Opportunity.objects.filter(pk=postings[0].pk).update(title="Renamed behind its back")
    # updated_at unchanged: the cached card (with the old title) is what the page shows.
    assert "Posting 0" in client.get(reverse("opportunities:list")).content.decode()
    postings[0].refresh_from_db()
    postings[0].title = "Renamed properly"
    postings[0].save()  # updated_at moves: the card is rendered again
    body = client.get(reverse("opportunities:list")).content.decode()
    assert "Renamed properly" in body and "Posting 0" not in body


@override_settings(CACHES=LOCMEM, FRAGMENT_CACHE=True)
def test_the_applicant_name_never_goes_into_the_cache(client, world):
    from tests.factories import ApplicationFactory

    inst, _host, student, postings = world
    student.full_name = "Zelda Secretname"
    student.save()
    ApplicationFactory(student=student, opportunity=postings[0], institution=inst)
    coordinator = member(inst, Role.COORDINATOR)
    cache.clear()
    client.force_login(coordinator)
    body = client.get(reverse("applications:list")).content.decode()
    assert "Zelda Secretname" in body
    stored = cache._cache  # LocMemCache's store: every pickled value
    assert stored and not any(b"Secretname" in v for v in stored.values())
    assert any(b"application-row" in k.encode() for k in stored)
    # The second view puts the name back into the cached row.
    assert "Zelda Secretname" in client.get(reverse("applications:list")).content.decode()
