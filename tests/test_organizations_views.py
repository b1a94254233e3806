"""Organization pages and /api/v1/organizations: authorization matrices, bad input, HTMX
partial and a query-count bound on the list page."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tandem.organizations.models import Invitation, PartnerVetting, Role, Site
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    SiteFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/organizations"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def w():
    inst = InstitutionFactory(name="Riverside College")
    other_inst = InstitutionFactory(name="Eastmoor University", type="university")
    partner = PartnerFactory(name="Acme Robotics")
    SiteFactory(organization=partner, name="Plant 1")
    users = {
        "coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "student": member(inst, Role.STUDENT, program="Nursing", year_of_study=1),
        "recruiter": member(partner, Role.RECRUITER),
        "supervisor": member(partner, Role.SUPERVISOR),
        "other_coordinator": member(other_inst, Role.COORDINATOR),
        "outsider": UserFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }
    return {"inst": inst, "other_inst": other_inst, "partner": partner, **users}


def _login(client, w, who):
    if who != "anonymous":
        client.force_login(w[who])
    return client


# --- pages ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("outsider", 200), ("student", 200), ("recruiter", 200)]
)
def test_list_matrix(client, w, who, status):
    assert _login(client, w, who).get(reverse("organizations:list")).status_code == status


def test_list_filters_search_and_htmx_partial(client, w):
    client.force_login(w["outsider"])
    body = client.get(reverse("organizations:list"), {"kind": "partner"}).content.decode()
    assert "Acme Robotics" in body and "Riverside College" not in body
    body = client.get(reverse("organizations:list"), {"type": "university"}).content.decode()
    assert "Eastmoor University" in body and "Riverside College" not in body
    body = client.get(reverse("organizations:list"), {"q": "river"}).content.decode()
    assert "Riverside College" in body and "Acme" not in body
    response = client.get(
        reverse("organizations:list"), {"sector": "technology"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body and "Acme Robotics" in body


def test_list_query_count(client, w, django_assert_max_num_queries):
    for i in range(40):
        PartnerFactory(name=f"Bulk partner {i}")
    client.force_login(w["coordinator"])
    with django_assert_max_num_queries(7):
        response = client.get(reverse("organizations:list"))
    assert response.status_code == 200
    assert "Page 1 of 2" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status", "sees_members"),
    [
        ("anonymous", 302, False),
        ("outsider", 200, False),
        ("student", 200, False),
        ("educator", 200, False),
        ("other_coordinator", 200, False),
        ("recruiter", 200, False),
        ("coordinator", 200, True),
        ("admin", 200, True),
    ],
)
def test_detail_matrix_members_only_for_managers(client, w, who, status, sees_members):
    response = _login(client, w, who).get(
        reverse("organizations:detail", args=[w["inst"].public_id])
    )
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        main = body[body.find("<main") :]  # the header names the signed-in person
        assert (w["student"].full_name in main) == sees_members


def test_detail_of_partner_shows_sites_and_recruiter_sees_members(client, w):
    client.force_login(w["recruiter"])
    body = client.get(reverse("organizations:detail", args=[w["partner"].public_id])).content
    assert b"Plant 1" in body and w["supervisor"].full_name.encode() in body
    assert client.get(reverse("organizations:detail", args=[uuid.uuid4()])).status_code == 404


VETTING = [
    ("anonymous", 302),
    ("outsider", 403),
    ("student", 403),
    ("educator", 403),
    ("recruiter", 403),
    ("supervisor", 403),
    ("coordinator", 200),
]


@pytest.mark.parametrize(("who", "status"), VETTING)
def test_vetting_page_matrix(client, w, who, status):
    response = _login(client, w, who).get(reverse("organizations:vetting"))
    assert response.status_code == status
    if status == 200:
        assert "Acme Robotics" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), VETTING)
def test_vetting_decision_matrix(client, w, who, status):
    response = _login(client, w, who).post(
        reverse("organizations:vetting"),
        {
            "institution": w["inst"].public_id,
            "partner": w["partner"].public_id,
            "status": "approved",
            "note": "Checked",
        },
    )
    if who == "coordinator":
        assert response.status_code == 302
        vetting = PartnerVetting.objects.get()
        assert (vetting.status, vetting.note, vetting.institution) == (
            "approved",
            "Checked",
            w["inst"],
        )
    else:
        assert response.status_code == status
        assert not PartnerVetting.objects.exists()


def test_vetting_for_someone_elses_institution_is_404(client, w):
    client.force_login(w["other_coordinator"])
    response = client.post(
        reverse("organizations:vetting"),
        {
            "institution": w["inst"].public_id,
            "partner": w["partner"].public_id,
            "status": "approved",
        },
    )
    assert response.status_code == 404
    assert not PartnerVetting.objects.exists()


def test_vetting_filter_and_bad_decision(client, w):
    PartnerVetting.objects.create(institution=w["inst"], partner=w["partner"], status="rejected")
    PartnerFactory(name="Beta Health")
    client.force_login(w["coordinator"])
    body = client.get(reverse("organizations:vetting"), {"status": "pending"}).content.decode()
    assert "Beta Health" in body and "Acme Robotics" not in body
    body = client.get(reverse("organizations:vetting"), {"status": "rejected"}).content.decode()
    assert "Acme Robotics" in body and "Beta Health" not in body
    response = client.post(
        reverse("organizations:vetting"), {"partner": w["partner"].public_id, "status": "maybe"}
    )
    assert response.status_code == 422
    assert PartnerVetting.objects.get().status == "rejected"


# --- API --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("outsider", 200), ("student", 200)]
)
def test_api_list_and_detail_matrix(client, w, who, status):
    _login(client, w, who)
    response = client.get(f"{API}/", {"kind": "partner"})
    assert response.status_code == status
    detail = client.get(f"{API}/{w['partner'].public_id}")
    assert detail.status_code == status
    if status == 200:
        assert [o["name"] for o in response.json()["items"]] == ["Acme Robotics"]
        assert [s["name"] for s in detail.json()["sites"]] == ["Plant 1"]
        sites = client.get(f"{API}/{w['partner'].public_id}/sites").json()
        assert [s["name"] for s in sites] == ["Plant 1"]


def test_api_bad_filter_and_unknown_org(client, w):
    client.force_login(w["outsider"])
    response = client.get(f"{API}/", {"kind": "alien"})
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    assert client.get(f"{API}/{uuid.uuid4()}").status_code == 404


SITE_CREATE = [
    ("anonymous", 401),
    ("outsider", 403),
    ("supervisor", 403),
    ("coordinator", 403),
    ("recruiter", 201),
    ("admin", 201),
]


@pytest.mark.parametrize(("who", "status"), SITE_CREATE)
def test_api_site_create_matrix(client, w, who, status):
    response = _login(client, w, who).post(
        f"{API}/{w['partner'].public_id}/sites",
        {"name": "Depot", "city": "Hull"},
        content_type="application/json",
    )
    assert response.status_code == status
    assert Site.objects.filter(name="Depot").exists() == (status == 201)


def test_api_site_create_bad_input(client, w):
    client.force_login(w["recruiter"])
    url = f"{API}/{w['partner'].public_id}/sites"
    response = client.post(url, {"name": "Depot"}, content_type="application/json")
    assert response.status_code == 422 and "city" in response.json()["errors"]
    response = client.post(
        url,
        {"name": "Depot", "city": "Hull", "latitude": 120, "longitude": 0},
        content_type="application/json",
    )
    assert response.status_code == 400 and "latitude" in response.json()["errors"]
    assert not Site.objects.filter(name="Depot").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("student", 403),
        ("educator", 403),
        ("recruiter", 403),
        ("coordinator", 200),
    ],
)
def test_api_members_matrix(client, w, who, status):
    response = _login(client, w, who).get(f"{API}/{w['inst'].public_id}/members")
    assert response.status_code == status
    if status == 200:
        assert {m["role"] for m in response.json()} == {"coordinator", "educator", "student"}


VETTING_API = [
    ("anonymous", 401),
    ("outsider", 403),
    ("educator", 403),
    ("student", 403),
    ("recruiter", 403),
    ("other_coordinator", 403),
    ("coordinator", 200),
]


@pytest.mark.parametrize(("who", "status"), VETTING_API)
def test_api_vetting_matrix(client, w, who, status):
    _login(client, w, who)
    listing = client.get(f"{API}/{w['inst'].public_id}/vetting")
    assert listing.status_code == status
    response = client.put(
        f"{API}/{w['inst'].public_id}/vetting/{w['partner'].public_id}",
        {"status": "approved", "note": "ok"},
        content_type="application/json",
    )
    assert response.status_code == status
    if status == 200:
        assert listing.json()["items"][0]["status"] == "pending"
        assert response.json()["status"] == "approved"
        assert PartnerVetting.objects.get().status == "approved"
    else:
        assert not PartnerVetting.objects.exists()


def test_api_vetting_bad_input(client, w):
    client.force_login(w["coordinator"])
    url = f"{API}/{w['inst'].public_id}/vetting/{w['partner'].public_id}"
    response = client.put(url, {"status": "maybe"}, content_type="application/json")
    assert response.status_code == 422 and "status" in response.json()["errors"]
    other = f"{API}/{w['inst'].public_id}/vetting/{w['other_inst'].public_id}"
    assert (
        client.put(other, {"status": "approved"}, content_type="application/json").status_code
        == 404
    )
    assert not PartnerVetting.objects.exists()


MANAGE = [
    ("anonymous", 401),
    ("outsider", 403),
    ("student", 403),
    ("educator", 403),
    ("recruiter", 403),
    ("other_coordinator", 403),
    ("coordinator", None),
]


@pytest.mark.parametrize(("who", "status"), MANAGE)
def test_api_member_add_and_remove_matrix(client, w, who, status, mailoutbox):
    newcomer = UserFactory(email="newcomer@example.org")
    _login(client, w, who)
    response = client.post(
        f"{API}/{w['inst'].public_id}/members",
        {
            "email": "Newcomer@example.org",
            "role": "student",
            "program": "Nursing",
            "year_of_study": 2,
        },
        content_type="application/json",
    )
    student_membership = w["student"].memberships.get()
    removal = client.delete(f"{API}/{w['inst'].public_id}/members/{student_membership.public_id}")
    student_membership.refresh_from_db()
    # Adding a person invites them: no membership until they accept.
    assert not newcomer.memberships.exists()
    if status is None:
        assert response.status_code == 202
        assert response.json()["invitation"]["role"] == "student"
        assert Invitation.objects.get().program == "Nursing"
        assert removal.status_code == 204 and not student_membership.is_active
    else:
        assert response.status_code == status and removal.status_code == status
        assert not Invitation.objects.exists() and student_membership.is_active


def test_api_member_add_bad_input(client, w):
    client.force_login(w["coordinator"])
    url = f"{API}/{w['inst'].public_id}/members"
    response = client.post(
        url, {"email": "not-an-address", "role": "student"}, content_type="application/json"
    )
    assert response.status_code == 400 and "email" in response.json()["errors"]
    response = client.post(
        url, {"email": w["outsider"].email, "role": "recruiter"}, content_type="application/json"
    )
    assert response.status_code == 400 and "role" in response.json()["errors"]
    response = client.post(
        url, {"email": w["outsider"].email, "role": "wizard"}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.post(
        url, {"email": w["student"].email, "role": "student"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert not Invitation.objects.exists()
    last = w["coordinator"].memberships.get()
    response = client.delete(f"{url}/{last.public_id}")
    assert response.status_code == 409
    assert client.delete(f"{url}/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize(("who", "status"), MANAGE)
def test_api_organization_update_matrix(client, w, who, status):
    response = _login(client, w, who).patch(
        f"{API}/{w['inst'].public_id}",
        {"description": "Changed"},
        content_type="application/json",
    )
    w["inst"].refresh_from_db()
    if status is None:
        assert response.status_code == 200 and w["inst"].description == "Changed"
    else:
        assert response.status_code == status and w["inst"].description == ""


def test_api_organization_update_bad_input(client, w):
    client.force_login(w["coordinator"])
    url = f"{API}/{w['inst'].public_id}"
    response = client.patch(
        url, {"website": "not a url", "name": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"website", "name"} <= set(response.json()["errors"])
    assert (
        client.patch(url, {"sector": "space"}, content_type="application/json").status_code == 422
    )


PAGE_MANAGE = [
    ("anonymous", 302),
    ("outsider", 403),
    ("student", 403),
    ("educator", 403),
    ("recruiter", 403),
    ("other_coordinator", 403),
    ("coordinator", None),
]


@pytest.mark.parametrize(("who", "status"), PAGE_MANAGE)
def test_member_pages_matrix(client, w, who, status, mailoutbox):
    newcomer = UserFactory(email="fresh@example.org")
    student_membership = w["student"].memberships.get()
    _login(client, w, who)
    added = client.post(
        reverse("organizations:member_add", args=[w["inst"].public_id]),
        {"email": "fresh@example.org", "role": "educator", "title": "Lecturer"},
    )
    removed = client.post(
        reverse(
            "organizations:member_remove", args=[w["inst"].public_id, student_membership.public_id]
        )
    )
    student_membership.refresh_from_db()
    assert not newcomer.memberships.exists()  # an invitation, not a membership
    if status is None:
        assert added.status_code == 302 and removed.status_code == 302
        assert Invitation.objects.get().role == "educator"
        assert not student_membership.is_active
    else:
        assert added.status_code == status and removed.status_code == status
        assert not Invitation.objects.exists() and student_membership.is_active


def test_member_add_form_errors(client, w):
    client.force_login(w["coordinator"])
    url = reverse("organizations:member_add", args=[w["inst"].public_id])
    response = client.post(url, {"email": "not an address", "role": "student"})
    assert response.status_code == 422
    response = client.post(url, {"email": w["outsider"].email, "role": "recruiter"})
    assert response.status_code == 422  # not a role of an institution
    response = client.post(
        url, {"email": w["outsider"].email, "role": "educator", "program": "Nursing"}
    )
    assert response.status_code == 422
    assert "Only for students." in response.content.decode()
    assert not w["outsider"].memberships.exists() and not Invitation.objects.exists()
    assert client.get(url).status_code == 405


def test_last_coordinator_cannot_be_removed_from_the_page(client, w):
    client.force_login(w["coordinator"])
    own = w["coordinator"].memberships.get()
    response = client.post(
        reverse("organizations:member_remove", args=[w["inst"].public_id, own.public_id]),
        follow=True,
    )
    assert "last" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active
