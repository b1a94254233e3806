"""Opportunity pages: an authorization matrix for every view, bad input, HTMX partials and a
query-count bound on the list page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tandem.opportunities.models import Opportunity, OpportunityApproval
from tests.factories import OpportunityFactory, opportunity_cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Env:
    def __init__(self) -> None:
        self.cast = opportunity_cast()
        c = self.cast
        self.published = OpportunityFactory(host=c.host, status="published", title="Published")
        OpportunityApproval.objects.create(
            opportunity=self.published, institution=c.inst, status="approved"
        )
        self.closed = OpportunityFactory(host=c.host, status="closed", title="Closed one")
        OpportunityApproval.objects.create(
            opportunity=self.closed, institution=c.inst, status="approved"
        )
        self.draft = OpportunityFactory(host=c.host, status="draft", title="Draft one")
        self.awaiting = OpportunityFactory(
            host=c.host, status="awaiting_approval", title="Awaiting one"
        )
        OpportunityApproval.objects.create(opportunity=self.awaiting, institution=c.inst)

    def user(self, who: str):
        return None if who == "anonymous" else getattr(self.cast, who)


@pytest.fixture
def env():
    return Env()


def _as(client, env, who):
    user = env.user(who)
    if user is not None:
        client.force_login(user)
    return client


# (who, expected status) for each page. 302 for anonymous means "to the login page".
DETAIL = [
    ("anonymous", 302),
    ("outsider", 404),
    ("other_recruiter", 404),
    ("other_student", 404),
    ("mentor", 404),
    ("other_coordinator", 404),
    ("student", 200),
    ("coordinator", 200),
    ("educator", 200),
    ("recruiter", 200),
    ("supervisor", 200),
    ("admin", 200),
]
CREATE = [
    ("anonymous", 302),
    ("outsider", 403),
    ("student", 403),
    ("other_student", 403),
    ("supervisor", 403),
    ("mentor", 403),
    ("recruiter", 200),
    ("coordinator", 200),
    ("educator", 200),
]
EDIT_DRAFT = [
    ("anonymous", 302),
    ("outsider", 404),
    ("other_recruiter", 404),
    ("student", 404),
    ("coordinator", 404),
    ("supervisor", 403),
    ("recruiter", 200),
    ("admin", 200),
]
APPROVALS = [
    ("anonymous", 302),
    ("outsider", 403),
    ("student", 403),
    ("recruiter", 403),
    ("educator", 403),
    ("coordinator", 200),
    ("other_coordinator", 200),
]


@pytest.mark.parametrize("who", ["outsider", "student", "recruiter", "coordinator", "admin"])
def test_list_requires_sign_in_and_is_scoped(client, env, who):
    anon = client.get(reverse("opportunities:list"))
    assert anon.status_code == 302 and "/accounts/login/" in anon["Location"]
    response = _as(client, env, who).get(reverse("opportunities:list"))
    assert response.status_code == 200
    body = response.content.decode()
    expected = {
        "outsider": set(),
        "student": {"Published"},
        "recruiter": {"Published", "Closed one", "Draft one", "Awaiting one"},
        "coordinator": {"Published", "Closed one", "Awaiting one"},
        "admin": {"Published", "Closed one", "Draft one", "Awaiting one"},
    }[who]
    for title in ("Published", "Closed one", "Draft one", "Awaiting one"):
        assert (f">{title}</a>" in body) == (title in expected), title


@pytest.mark.parametrize(("who", "status"), DETAIL)
def test_detail_matrix(client, env, who, status):
    url = reverse("opportunities:detail", args=[env.published.public_id])
    response = _as(client, env, who).get(url)
    assert response.status_code == status


def test_detail_shows_money_with_currency_and_apply_link_only_to_eligible(client, env):
    env.published.pay_amount = "1450.00"
    env.published.pay_currency = "EUR"
    env.published.pay_period = "month"
    env.published.save()
    url = reverse("opportunities:detail", args=[env.published.public_id])
    body = _as(client, env, "student").get(url).content.decode()
    assert "1,450.00 EUR" in body
    try:
        apply_url = reverse("applications:apply", args=[env.published.public_id])
    except NoReverseMatch:  # the applications app may not define it yet
        apply_url = None
    if apply_url:
        assert apply_url in body
        client.force_login(env.cast.recruiter)
        assert apply_url not in client.get(url).content.decode()


@pytest.mark.parametrize(("who", "status"), CREATE)
def test_create_page_matrix(client, env, who, status):
    response = _as(client, env, who).get(reverse("opportunities:create"))
    assert response.status_code == status


def _form_data(env, **overrides):
    today = timezone.localdate()
    data = {
        "host": env.cast.host.pk,
        "title": "Cloud internship",
        "type": "internship",
        "description": "Work with our platform team.",
        "work_mode": "remote",
        "start_date": (today + dt.timedelta(days=60)).isoformat(),
        "end_date": (today + dt.timedelta(days=120)).isoformat(),
        "pay_amount": "1200",
        "pay_currency": "gbp",
        "pay_period": "month",
        "seats": "3",
        "eligible_programs": "Computer Science\nData Science",
        "application_deadline": (timezone.localtime() + dt.timedelta(days=20)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
    }
    data.update(overrides)
    return data


def test_create_posts_a_draft(client, env):
    client.force_login(env.cast.recruiter)
    response = client.post(reverse("opportunities:create"), _form_data(env))
    assert response.status_code == 302
    opp = Opportunity.objects.get(title="Cloud internship")
    assert opp.status == "draft" and opp.pay_currency == "GBP"
    assert opp.eligible_programs == ["Computer Science", "Data Science"]


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"title": ""}, "This field is required."),
        ({"seats": "-2"}, "Offer at least one seat."),
        ({"seats": "two"}, "Enter a whole number."),
        (
            {"end_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
            "The end date is before the start date.",
        ),
        ({"pay_currency": "ZZZ"}, "ISO 4217"),
        ({"min_year_of_study": "4", "max_year_of_study": "2"}, "highest year is below"),
    ],
)
def test_create_bad_input_shows_field_messages(client, env, overrides, field_message):
    client.force_login(env.cast.recruiter)
    before = Opportunity.objects.count()
    response = client.post(reverse("opportunities:create"), _form_data(env, **overrides))
    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert Opportunity.objects.count() == before


def test_create_for_a_host_you_do_not_recruit_for_is_refused(client, env):
    client.force_login(env.cast.recruiter)
    response = client.post(
        reverse("opportunities:create"), _form_data(env, host=env.cast.other_partner.pk)
    )
    assert response.status_code == 422  # not a valid choice for this person
    assert not Opportunity.objects.filter(host=env.cast.other_partner).exists()


@pytest.mark.parametrize(("who", "status"), EDIT_DRAFT)
def test_edit_matrix(client, env, who, status):
    url = reverse("opportunities:edit", args=[env.draft.public_id])
    _as(client, env, who)
    assert client.get(url).status_code == status
    data = _form_data(env, title="Changed")
    data.pop("host")
    response = client.post(url, data)
    env.draft.refresh_from_db()
    if status == 200:
        assert response.status_code == 302 and env.draft.title == "Changed"
    else:
        assert response.status_code == status and env.draft.title == "Draft one"


@pytest.mark.parametrize(("who", "status"), EDIT_DRAFT)
def test_submit_matrix(client, env, who, status):
    url = reverse("opportunities:submit", args=[env.draft.public_id])
    _as(client, env, who)
    assert client.get(url).status_code == status
    response = client.post(url, {"institutions": [env.cast.inst.pk]})
    env.draft.refresh_from_db()
    if status == 200:
        assert response.status_code == 302 and env.draft.status == "awaiting_approval"
        assert env.draft.approvals.get().institution == env.cast.inst
    else:
        assert response.status_code == status and env.draft.status == "draft"
        assert not env.draft.approvals.exists()


def test_submit_without_institutions_is_a_field_error(client, env):
    client.force_login(env.cast.recruiter)
    response = client.post(reverse("opportunities:submit", args=[env.draft.public_id]), {})
    assert response.status_code == 422
    assert "Choose at least one institution." in response.content.decode()


@pytest.mark.parametrize(("who", "status"), APPROVALS)
def test_approvals_matrix(client, env, who, status):
    response = _as(client, env, who).get(reverse("opportunities:approvals"))
    assert response.status_code == status
    if who == "coordinator":
        assert "Awaiting one" in response.content.decode()
    if who == "other_coordinator":
        assert "Awaiting one" not in response.content.decode()


DECIDE = [
    ("anonymous", 302),
    ("outsider", 404),
    ("other_recruiter", 404),
    ("other_student", 404),
    ("student", 404),
    ("other_coordinator", 404),
    ("educator", 403),
    ("recruiter", 403),
    ("supervisor", 403),
]


@pytest.mark.parametrize(("who", "status"), DECIDE)
def test_decide_denied_changes_nothing(client, env, who, status):
    url = reverse("opportunities:decide", args=[env.awaiting.public_id])
    response = _as(client, env, who).post(
        url, {"institution": env.cast.inst.public_id, "decision": "approve"}
    )
    assert response.status_code == status
    env.awaiting.refresh_from_db()
    assert env.awaiting.status == "awaiting_approval"
    assert env.awaiting.approvals.get().status == "pending"


def test_coordinator_approves_from_queue(client, env):
    client.force_login(env.cast.coordinator)
    response = client.post(
        reverse("opportunities:decide", args=[env.awaiting.public_id]),
        {"institution": env.cast.inst.public_id, "decision": "approve", "next": "approvals"},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "opportunities:approvals"
    )
    env.awaiting.refresh_from_db()
    assert env.awaiting.status == "published"


def test_decide_get_is_not_allowed(client, env):
    client.force_login(env.cast.coordinator)
    url = reverse("opportunities:decide", args=[env.awaiting.public_id])
    assert client.get(url).status_code == 405


LIFECYCLE = [
    ("anonymous", 302),
    ("outsider", 404),
    ("other_recruiter", 404),
    ("other_student", 404),
    ("supervisor", 403),
    ("coordinator", 403),
    ("recruiter", 302),
]


@pytest.mark.parametrize(("who", "status"), LIFECYCLE)
@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("close", "published", "closed"),
        ("reopen", "closed", "published"),
        ("mark_filled", "published", "filled"),
    ],
)
def test_lifecycle_matrix(client, env, who, status, action, start, end):
    opp = env.published if start == "published" else env.closed
    response = _as(client, env, who).post(reverse(f"opportunities:{action}", args=[opp.public_id]))
    assert response.status_code == status
    opp.refresh_from_db()
    if who == "recruiter":
        assert opp.status == end
    else:
        assert opp.status == start
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_illegal_lifecycle_step_shows_a_message(client, env):
    client.force_login(env.cast.recruiter)
    response = client.post(
        reverse("opportunities:reopen", args=[env.published.public_id]), follow=True
    )
    assert "cannot be reopened" in response.content.decode()


def test_htmx_filter_returns_the_partial(client, env):
    client.force_login(env.cast.recruiter)
    response = client.get(
        reverse("opportunities:list"), {"status": "draft"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="results"' in body and "<html" not in body
    assert "Draft one" in body and ">Published</a>" not in body


def test_list_filters_and_bad_filter_values(client, env):
    client.force_login(env.cast.admin)
    body = client.get(reverse("opportunities:list"), {"q": "awaiting"}).content.decode()
    assert "Awaiting one" in body and "Draft one" not in body
    response = client.get(reverse("opportunities:list"), {"type": "nonsense", "page": "x"})
    assert response.status_code == 200  # invalid filters are ignored, not a 500


def test_list_query_count_does_not_grow_with_rows(client, env, django_assert_max_num_queries):
    cast = env.cast
    for i in range(30):
        opp = OpportunityFactory(host=cast.host, status="published", title=f"Bulk {i}")
        OpportunityApproval.objects.create(
            opportunity=opp, institution=cast.inst, status="approved"
        )
    for who in ("student", "coordinator", "recruiter"):
        client.force_login(getattr(cast, who))
        # The first view stores the list's capped count and page ids in the (database) cache:
        # a few queries of the cache table (core.listing_cache); the next one reads them.
        with django_assert_max_num_queries(22):
            response = client.get(reverse("opportunities:list"))
        assert response.status_code == 200
        with django_assert_max_num_queries(12):
            response = client.get(reverse("opportunities:list"))
        assert response.status_code == 200
        assert len(response.context["page_obj"].object_list) == 20


def test_editing_a_closed_posting_with_a_past_deadline_keeps_the_deadline(client, env):
    past = timezone.now() - dt.timedelta(days=3, seconds=17)
    env.closed.application_deadline = past
    env.closed.save()
    client.force_login(env.cast.recruiter)
    url = reverse("opportunities:edit", args=[env.closed.public_id])
    form = client.get(url).context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data["application_deadline"] = timezone.localtime(past).strftime("%Y-%m-%dT%H:%M")
    data["title"] = "Closed and renamed"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    env.closed.refresh_from_db()
    assert env.closed.title == "Closed and renamed"
    assert env.closed.application_deadline == past


# --- Django admin: read-only -------------------------------------------------------------------
def test_admin_lists_postings_and_changes_none(client):
    env = Env()
    client.force_login(env.cast.admin)
    listing = client.get("/admin/opportunities/opportunity/", {"q": "Published"})
    assert listing.status_code == 200 and "Published" in listing.content.decode()
    change_url = f"/admin/opportunities/opportunity/{env.published.pk}/change/"
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"title": "Renamed", "seats": 99}).status_code == 403
    assert client.get("/admin/opportunities/opportunity/add/").status_code == 403
    delete_url = f"/admin/opportunities/opportunity/{env.published.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    env.published.refresh_from_db()
    assert (env.published.title, env.published.status) == ("Published", "published")
