"""Match rounds end to end on the database through the API: open, rank, run as a task,
review, publish into placements; plus validation, deadlines and capacities. The pages:
test_matching_rounds_pages.py; service rules: test_matching_rounds_services.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tandem.applications.models import Application, StageChange
from tandem.audit.models import AuditEvent
from tandem.matching import services
from tandem.matching.models import MatchResult, MatchRound, PartnerRanking, StudentRanking
from tests.factories import ApplicationFactory
from tests.matching_rounds_support import (
    API,
    _api,
    _create_round,
    _rank_everything,
    cast,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


def test_full_flow_open_rank_run_review_publish(client, cast, django_capture_on_commit_callbacks):  # noqa: F811
    r = _create_round(client, cast)
    assert r.status_code == 201, r.content
    round_id = r.json()["id"]
    assert r.json()["status"] == "open"
    _rank_everything(client, cast, round_id)

    assert _api(client, cast.coordinator, "post", f"/{round_id}/close-ranking").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = _api(client, cast.coordinator, "post", f"/{round_id}/run")
    assert r.status_code == 202
    match_round = MatchRound.objects.get(public_id=round_id)
    assert match_round.status == "matched"
    stats = match_round.stats
    assert (stats["students"], stats["matched"], stats["unmatched"]) == (5, 4, 1)
    assert stats["share_matched"] == 0.8
    assert stats["share_top1"] == 0.6
    assert stats["share_top3"] == 0.8
    assert (stats["seats"], stats["unfilled_seats"]) == (5, 1)
    per = {
        row["title"][0]: (row["capacity"], row["filled"], row["unfilled"])
        for row in stats["per_opportunity"]
    }
    assert per == {"A": (1, 1, 0), "B": (3, 2, 1), "C": (1, 1, 0)}
    got = {
        res.student_id: (res.opportunity.title[0] if res.opportunity else None, res.rank)
        for res in MatchResult.objects.filter(round=match_round).select_related("opportunity")
    }
    s = cast.students
    assert got == {
        s[0].pk: ("B", 2),
        s[1].pk: ("A", 1),
        s[2].pk: ("B", 1),
        s[3].pk: ("C", 1),
        s[4].pk: (None, None),
    }

    # Review page: statistics, chart and its table.
    client.force_login(cast.coordinator)
    page = client.get(reverse("matching:round_detail", args=[round_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'data-testid="per-opportunity"' in html
    assert "80%" in html and "60%" in html

    # Students do not see results before publication.
    r = _api(client, s[0], "get", f"/{round_id}/result")
    assert r.status_code == 403
    assert len(mail.outbox) == 0

    with django_capture_on_commit_callbacks(execute=True):
        r = _api(client, cast.coordinator, "post", f"/{round_id}/publish")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "published"

    accepted = {
        (a.student_id, a.opportunity_id) for a in Application.objects.filter(stage="accepted")
    }
    assert accepted == {
        (s[0].pk, cast.b.pk),
        (s[1].pk, cast.a.pk),
        (s[2].pk, cast.b.pk),
        (s[3].pk, cast.c.pk),
    }
    assert StageChange.objects.filter(to_stage="accepted", actor=cast.coordinator).count() == 4
    assert AuditEvent.objects.filter(action="application.stage_changed").count() == 4
    cast.a.refresh_from_db()
    assert cast.a.status == "filled"
    cast.kpi.refresh_from_db()
    assert cast.kpi.latest_value == 3  # s1, s2, s3 placed at H1's partnership opportunities

    # 5 students + H1's recruiter and supervisor + H2's recruiter.
    assert len(mail.outbox) == 8
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [u.email for u in s]
        + [cast.recruiter1.email, cast.supervisor1.email, cast.recruiter2.email]
    )

    # Student sees their own result and explanation only.
    r = _api(client, s[0], "get", f"/{round_id}/result")
    assert r.status_code == 200
    body = r.json()
    assert len(body["results"]) == 1
    assert body["results"][0]["rank"] == 2
    assert body["results"][0]["reasons"][0]["code"] == "filled_with_higher_ranked"
    assert body["results"][0]["reasons"][0]["opportunity"] == str(cast.a.public_id)

    # The unmatched student sees the open seats left (one at B) and why not A.
    client.force_login(s[4])
    html = client.get(reverse("matching:round_detail", args=[round_id])).content.decode()
    assert "You were not matched in this round." in html
    assert 'data-testid="open-seats"' in html and "B clinic rotation" in html
    assert "it filled all its seats with students it ranked higher than you." in html


def test_capacity_is_seats_minus_seats_already_held(
    client,
    cast,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    ApplicationFactory(opportunity=cast.b, institution=cast.institution, stage="accepted")
    ApplicationFactory(opportunity=cast.b, institution=cast.institution, stage="placed")
    round_id = _create_round(client, cast).json()["id"]
    _rank_everything(client, cast, round_id)
    _api(client, cast.coordinator, "post", f"/{round_id}/close-ranking")
    with django_capture_on_commit_callbacks(execute=True):
        _api(client, cast.coordinator, "post", f"/{round_id}/run")
    match_round = MatchRound.objects.get(public_id=round_id)
    per = {row["title"][0]: row["capacity"] for row in match_round.stats["per_opportunity"]}
    assert per == {"A": 1, "B": 1, "C": 1}
    # B has one seat left: it takes s1 (ranked first); s3 falls back to A? No: A holds s2,
    # whom it ranks higher than s3. So s3 is unmatched.
    assert match_round.stats["matched"] == 3


def test_publish_refuses_when_seats_were_taken_after_the_run(
    client,
    cast,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    round_id = _create_round(client, cast).json()["id"]
    _rank_everything(client, cast, round_id)
    _api(client, cast.coordinator, "post", f"/{round_id}/close-ranking")
    with django_capture_on_commit_callbacks(execute=True):
        _api(client, cast.coordinator, "post", f"/{round_id}/run")
    ApplicationFactory(opportunity=cast.a, institution=cast.institution, stage="accepted")
    before = Application.objects.count()
    r = _api(client, cast.coordinator, "post", f"/{round_id}/publish")
    assert r.status_code == 409
    assert "no seat left" in r.json()["detail"]
    assert Application.objects.count() == before
    assert MatchRound.objects.get(public_id=round_id).status == "matched"


def test_rank_list_validation_is_4xx(client, cast):  # noqa: F811
    round_id = _create_round(client, cast).json()["id"]
    s1 = cast.students[0]
    a = str(cast.a.public_id)
    outside = str(cast.other_student.public_id)
    cases = [
        ({"opportunities": [a, a]}, 400, "only once"),
        ({"opportunities": [outside]}, 400, "Only opportunities of this round"),
        ({"opportunities": ["not-a-uuid"]}, 422, None),
        ({"opportunities": "nope"}, 422, None),
        ({}, 422, None),
    ]
    for payload, status, text in cases:
        r = _api(client, s1, "put", f"/{round_id}/rank-list", payload)
        assert r.status_code in (status, 400), (payload, r.status_code, r.content)
        assert r["content-type"] == "application/problem+json"
        if text:
            assert text in r.content.decode()
    assert StudentRanking.objects.count() == 0
    # Malformed JSON.
    client.force_login(s1)
    r = client.put(f"{API}/{round_id}/rank-list", data="{", content_type="application/json")
    assert 400 <= r.status_code < 500


def test_partner_can_rank_only_students_who_ranked(client, cast):  # noqa: F811
    round_id = _create_round(client, cast).json()["id"]
    _api(
        client,
        cast.students[0],
        "put",
        f"/{round_id}/rank-list",
        {"opportunities": [str(cast.a.public_id)]},
    )
    r = _api(
        client,
        cast.recruiter1,
        "put",
        f"/{round_id}/partner-rankings/{cast.a.public_id}",
        {"students": [str(cast.students[1].public_id)]},
    )
    assert r.status_code == 400
    assert "Only students who ranked this opportunity" in r.json()["detail"]
    r = _api(
        client,
        cast.recruiter1,
        "put",
        f"/{round_id}/partner-rankings/{cast.a.public_id}",
        {"students": [str(cast.students[0].public_id)] * 2},
    )
    assert r.status_code == 400
    assert PartnerRanking.objects.count() == 0
    # H2's recruiter cannot rank for H1's opportunity (404: not one of theirs).
    r = _api(
        client,
        cast.recruiter2,
        "put",
        f"/{round_id}/partner-rankings/{cast.a.public_id}",
        {"students": [str(cast.students[0].public_id)]},
    )
    assert r.status_code == 404


def test_deadlines_are_enforced(client, cast):  # noqa: F811
    round_id = _create_round(client, cast).json()["id"]
    s1 = cast.students[0]
    _api(client, s1, "put", f"/{round_id}/rank-list", {"opportunities": [str(cast.a.public_id)]})
    with freeze_time(timezone.now() + dt.timedelta(days=8)):
        r = _api(client, s1, "put", f"/{round_id}/rank-list", {"opportunities": []})
        assert r.status_code == 409
        assert "deadline has passed" in r.json()["detail"]
        # Partners still can until their own deadline.
        r = _api(
            client,
            cast.recruiter1,
            "put",
            f"/{round_id}/partner-rankings/{cast.a.public_id}",
            {"students": [str(s1.public_id)]},
        )
        assert r.status_code == 200
    with freeze_time(timezone.now() + dt.timedelta(days=15)):
        r = _api(
            client,
            cast.recruiter1,
            "put",
            f"/{round_id}/partner-rankings/{cast.a.public_id}",
            {"students": []},
        )
        assert r.status_code == 409
    assert StudentRanking.objects.filter(student=s1).count() == 1
    assert PartnerRanking.objects.count() == 1


def test_round_creation_validation(client, cast):  # noqa: F811
    cast.c.status = "closed"
    cast.c.save()
    now = timezone.now()
    r = _create_round(client, cast)
    assert r.status_code == 400
    assert "opportunities" in r.json()["errors"]
    r = _create_round(
        client,
        cast,
        opportunities=[str(cast.a.public_id)],
        student_deadline=(now + dt.timedelta(days=5)).isoformat(),
        partner_deadline=(now + dt.timedelta(days=2)).isoformat(),
    )
    assert r.status_code == 400
    assert "partner_deadline" in r.json()["errors"]
    r = _create_round(
        client,
        cast,
        opportunities=[str(cast.a.public_id)],
        student_deadline=(now - dt.timedelta(days=1)).isoformat(),
    )
    assert r.status_code == 400
    r = _create_round(client, cast, opportunities=[str(cast.a.public_id)], seed=-1)
    assert r.status_code in (400, 422)
    r = _create_round(client, cast, opportunities=[str(cast.a.public_id)], proposing="nobody")
    assert r.status_code in (400, 422)
    assert MatchRound.objects.count() == 0


def test_steps_out_of_order_are_409(client, cast):  # noqa: F811
    round_id = _create_round(client, cast, open=False).json()["id"]
    assert _api(client, cast.coordinator, "post", f"/{round_id}/run").status_code == 409
    assert _api(client, cast.coordinator, "post", f"/{round_id}/publish").status_code == 409
    assert _api(client, cast.coordinator, "post", f"/{round_id}/close-ranking").status_code == 409
    assert _api(client, cast.coordinator, "post", f"/{round_id}/open").status_code == 200
    assert _api(client, cast.coordinator, "post", f"/{round_id}/cancel").status_code == 200
    assert _api(client, cast.coordinator, "post", f"/{round_id}/open").status_code == 409


def test_placement_proposing_gives_hosts_their_best_stable_matching(
    cast,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    match_round = services.round_create(
        actor=cast.coordinator,
        institution=cast.institution,
        title="Hosts propose",
        opportunities=[cast.a, cast.b, cast.c],
        student_deadline=now + dt.timedelta(days=1),
        partner_deadline=now + dt.timedelta(days=2),
        proposing="placements",
    )
    services.round_open(actor=cast.coordinator, match_round=match_round)
    s = cast.students
    services.student_ranking_set(actor=s[0], match_round=match_round, opportunities=[cast.a])
    services.partner_ranking_set(
        actor=cast.recruiter1, match_round=match_round, opportunity=cast.a, students=[s[0]]
    )
    services.round_close_ranking(actor=cast.coordinator, match_round=match_round)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_run(actor=cast.coordinator, match_round=match_round)
    match_round.refresh_from_db()
    assert match_round.stats["proposing"] == "placements"
    assert match_round.stats["matched"] == 1
