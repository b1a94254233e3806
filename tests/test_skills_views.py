"""Taxonomy browse and search pages: who may see them, what they show, how many queries."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.skills.models import EscoRelease, SkillConcept, SkillGroup, SkillLabel

CREDIT = "This service uses the ESCO classification of the European Commission"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def taxonomy(db):
    root = SkillGroup.objects.create(code="S", name="skills", level=0)
    s1 = SkillGroup.objects.create(code="S1", name="communication", level=1, parent=root)
    s5 = SkillGroup.objects.create(code="S5", name="working with computers", level=1, parent=root)
    concepts = {}
    for label, alts, group in (
        ("negotiate contracts", ["contract bargaining"], s1),
        ("Python (computer programming)", ["Python"], s5),
        ("use spreadsheets software", ["work with spreadsheets"], s5),
    ):
        cid = uuid.uuid4()
        c = SkillConcept.objects.create(
            uri=f"http://data.europa.eu/esco/skill/{cid}",
            esco_id=cid,
            preferred_label=label,
            kind="skill",
            description=f"About {label}.",
        )
        c.groups.add(group)
        SkillLabel.objects.create(concept=c, label=label, search=label.lower(), is_preferred=True)
        for a in alts:
            SkillLabel.objects.create(concept=c, label=a, search=a.lower())
        concepts[label] = c
    EscoRelease.objects.create(
        version="1.1.1",
        source="test",
        fingerprint="x",
        concept_count=3,
        label_count=6,
        group_count=3,
        occupation_count=0,
    )
    return concepts


@pytest.fixture
def user(db):
    return User.objects.create_user("reader@example.org", PASSWORD, full_name="Reader")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["skills:browse", "skills:concept"])
def test_anonymous_is_sent_to_sign_in(client, taxonomy, name):
    args = [taxonomy["negotiate contracts"].esco_id] if name == "skills:concept" else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_any_signed_in_user_may_browse_without_membership(client, taxonomy, user):
    client.force_login(user)
    response = client.get(reverse("skills:browse"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 concepts" in body
    assert CREDIT in body
    assert "Skill extraction mode:" in body
    assert 'href="?group=S"' in body  # the hierarchy's roots are shown


@pytest.mark.django_db
def test_search_matches_alternative_labels_case_insensitively(client, taxonomy, user):
    client.force_login(user)
    body = client.get(reverse("skills:browse"), {"q": "BARGAIN"}).content.decode()
    assert "negotiate contracts" in body
    assert "Python (computer programming)" not in body
    assert "1 concept" in body


@pytest.mark.django_db
def test_group_filter_and_breadcrumbs(client, taxonomy, user):
    client.force_login(user)
    body = client.get(reverse("skills:browse"), {"group": "S5"}).content.decode()
    assert "Python (computer programming)" in body
    assert "use spreadsheets software" in body
    assert "negotiate contracts" not in body
    assert "2 concepts" in body


@pytest.mark.django_db
def test_htmx_search_returns_the_results_partial(client, taxonomy, user):
    client.force_login(user)
    response = client.get(reverse("skills:browse"), {"q": "python"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="results"' in body and "Python (computer programming)" in body
    assert CREDIT in body


@pytest.mark.django_db
def test_concept_page_shows_labels_hierarchy_uri_and_credit(client, taxonomy, user):
    client.force_login(user)
    c = taxonomy["negotiate contracts"]
    body = client.get(reverse("skills:concept", args=[c.esco_id])).content.decode()
    assert "contract bargaining" in body
    assert c.uri in body
    assert "communication" in body
    assert CREDIT in body


@pytest.mark.django_db
def test_unknown_concept_is_404(client, taxonomy, user):
    client.force_login(user)
    assert client.get(reverse("skills:concept", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.django_db
def test_browse_query_count_does_not_grow_with_results(
    client, taxonomy, user, django_assert_max_num_queries
):
    client.force_login(user)
    with django_assert_max_num_queries(12):
        client.get(reverse("skills:browse"), {"q": "s"})


@pytest.mark.django_db
def test_search_input_is_bounded(client, taxonomy, user):
    client.force_login(user)
    response = client.get(reverse("skills:browse"), {"q": "x" * 500})
    assert response.status_code == 200
    assert "3 concepts" in response.content.decode()


@pytest.mark.django_db
def test_page_says_lexical_only_without_the_ml_extra(client, taxonomy, user, monkeypatch):
    from tandem.skills import selectors

    monkeypatch.setattr(selectors, "ml_available", lambda: False)
    client.force_login(user)
    body = client.get(reverse("skills:browse")).content.decode()
    assert "lexical only" in body
