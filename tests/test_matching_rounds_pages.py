"""Match rounds through the pages: students rank with buttons and HTMX, partners rank in a
form, coordinators create a round and take its steps; the admin lists rounds read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.matching import selectors
from tandem.matching.models import MatchRound, PartnerRanking
from tests.matching_rounds_support import (
    _api,
    _create_round,
    cast,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


def test_student_ui_rank_list_with_buttons_and_htmx(client, cast):  # noqa: F811
    round_id = _create_round(client, cast).json()["id"]
    s1 = cast.students[0]
    client.force_login(s1)
    url = reverse("matching:round_rank", args=[round_id])
    for opp in (cast.a, cast.b, cast.c):
        r = client.post(url, {"action": "add", "opportunity": str(opp.public_id)})
        assert r.status_code == 302
    r = client.post(
        url, {"action": "up", "opportunity": str(cast.c.public_id)}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith('<section id="rank-list"')
    assert "Move “C lab internship” up" in html
    assert [
        o.title[0]
        for o in selectors.student_rank_list(MatchRound.objects.get(public_id=round_id), s1)
    ] == ["A", "C", "B"]
    r = client.post(url, {"action": "remove", "opportunity": str(cast.a.public_id)})
    assert r.status_code == 302
    r = client.post(url, {"action": "bogus", "opportunity": "x"})
    assert r.status_code == 400
    page = client.get(reverse("matching:round_detail", args=[round_id]))
    assert page.status_code == 200
    assert 'data-testid="rank-list"' in page.content.decode()


def test_partner_ui_ranking_form(client, cast):  # noqa: F811
    round_id = _create_round(client, cast).json()["id"]
    s = cast.students
    for st in s[:2]:
        _api(
            client, st, "put", f"/{round_id}/rank-list", {"opportunities": [str(cast.a.public_id)]}
        )
    client.force_login(cast.recruiter1)
    url = reverse("matching:round_partner_rank", args=[round_id, cast.a.public_id])
    r = client.post(url, {f"rank-{s[1].public_id}": "1", f"rank-{s[0].public_id}": "2"})
    assert r.status_code == 302
    order = list(PartnerRanking.objects.order_by("position").values_list("student_id", flat=True))
    assert order == [s[1].pk, s[0].pk]
    r = client.post(url, {f"rank-{s[1].public_id}": "1", f"rank-{s[0].public_id}": "1"})
    assert r.status_code == 400
    r = client.post(url, {f"rank-{s[1].public_id}": "x"})
    assert r.status_code == 400
    order = list(PartnerRanking.objects.order_by("position").values_list("student_id", flat=True))
    assert order == [s[1].pk, s[0].pk]


def test_coordinator_ui_create_and_steps(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    r = client.get(reverse("matching:round_create"))
    assert r.status_code == 200
    now = timezone.localtime()
    r = client.post(
        reverse("matching:round_create"),
        {
            "institution": str(cast.institution.public_id),
            "title": "Autumn intake",
            "opportunities": [str(cast.a.public_id), str(cast.b.public_id)],
            "student_deadline": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "partner_deadline": (now + dt.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"),
            "seed": "3",
            "proposing": "students",
        },
    )
    assert r.status_code == 302, r.content.decode()
    match_round = MatchRound.objects.get(title="Autumn intake")
    assert match_round.status == "draft"
    r = client.post(reverse("matching:round_step", args=[match_round.public_id, "open"]))
    assert r.status_code == 302
    r = client.post(reverse("matching:round_step", args=[match_round.public_id, "publish"]))
    assert r.status_code == 409
    r = client.post(reverse("matching:round_step", args=[match_round.public_id, "explode"]))
    assert r.status_code == 400
    match_round.refresh_from_db()
    assert match_round.status == "open"
    r = client.post(reverse("matching:round_create"), {"title": ""})
    assert r.status_code == 422


def test_admin_lists_rounds_and_changes_none(client, cast):  # noqa: F811
    from tests.factories import UserFactory

    assert _create_round(client, cast).status_code == 201
    match_round = MatchRound.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get("/admin/matching/matchround/", {"q": "Spring"})
    assert listing.status_code == 200 and "Spring rotations" in listing.content.decode()
    change_url = f"/admin/matching/matchround/{match_round.pk}/change/"
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"title": "Renamed"}).status_code == 403
    assert client.get("/admin/matching/matchround/add/").status_code == 403
    delete_url = f"/admin/matching/matchround/{match_round.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    match_round.refresh_from_db()
    assert match_round.title == "Spring rotations"
