"""The program health page and API: the coordinator's numbers, quiet pairs by name, open
rematch requests, satisfaction with small groups hidden, and a query count that does not
grow with the program."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.mentoring import selectors, services
from tests.mentoring_support import mentoring_cast

pytestmark = pytest.mark.django_db


def _log(cast, i: int, days_ago: int) -> None:
    services.session_log(
        actor=cast.mentor(i),
        pair=cast.pairs[i],
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
        minutes=45,
    )


@pytest.mark.parametrize(
    ("ratings", "mean", "distribution"),
    [
        ({5: 9}, None, []),  # 9 reflections: nothing is shown
        ({5: 10, 4: 10}, 4.5, [(1, 0), (2, 0), (3, 0), (4, 10), (5, 10)]),
        # 2 fours are hidden, and the 10 fives that would reveal them; the mean too.
        ({5: 10, 4: 2}, None, [(1, 0), (2, 0), (3, 0), (4, None), (5, None)]),
    ],
)
def test_satisfaction_follows_the_small_cell_rules(ratings, mean, distribution):
    s = selectors.satisfaction_of(ratings)
    assert (s.responses, s.mean, s.distribution) == (sum(ratings.values()), mean, distribution)


def test_health_numbers_quiet_pairs_and_requests():
    cast = mentoring_cast(4, published_days_ago=60)
    _log(cast, 0, 2)
    _log(cast, 0, 9)
    _log(cast, 1, 30)  # quiet
    _log(cast, 2, 5)
    goal = services.goal_create(actor=cast.mentee(0), pair=cast.pairs[0], title="A", progress=50)
    services.goal_create(actor=cast.mentee(2), pair=cast.pairs[2], title="B", progress=100)
    services.goal_update(actor=cast.mentor(0), goal=goal, data={"progress": 70})
    services.rematch_request_create(actor=cast.mentor(2), pair=cast.pairs[2], reason="Too far")
    services.pair_close(actor=cast.coordinator, pair=cast.pairs[3], reason="Left school")
    health = selectors.program_health(cast.program)
    assert (health.active_pairs, health.ended_pairs) == (3, 1)
    assert health.median_sessions == 1.0  # 2, 1, 1, 0
    assert (health.goals, health.goals_achieved, health.mean_goal_progress) == (2, 1, 85.0)
    assert [q.pair for q in health.quiet] == [cast.pairs[1]]
    assert [r.reason for r in health.open_requests] == ["Too far"]
    assert health.satisfaction.responses == 0 and health.satisfaction.distribution == []


def test_health_page_is_for_coordinators_and_names_quiet_pairs(client):
    cast = mentoring_cast(2, published_days_ago=40)
    _log(cast, 0, 1)
    url = f"/mentoring/programs/{cast.program.public_id}/health/"
    for user, status in (
        (cast.mentor(), 404),
        (cast.mentee(), 404),
        (cast.other_coordinator, 404),
        (cast.stranger, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(cast.coordinator)
    html = client.get(url).content.decode()
    quiet = html[html.index('data-testid="quiet-pairs"') :]
    quiet = quiet[: quiet.index("</section>")]
    assert cast.mentee(1).full_name in quiet and cast.mentee(0).full_name not in quiet
    assert "Ratings are shown once ten or more reflections are in" in html


def test_satisfaction_shows_once_ten_reflections_are_in(client):
    cast = mentoring_cast(5)
    services.program_pairs_end(actor=cast.coordinator, program=cast.program)
    for i in range(5):
        services.reflection_submit(actor=cast.mentor(i), pair=cast.pairs[i], rating=5)
        services.reflection_submit(actor=cast.mentee(i), pair=cast.pairs[i], rating=4 + (i == 0))
    client.force_login(cast.coordinator)
    api = client.get(f"/api/v1/mentoring/programs/{cast.program.public_id}/health").json()
    assert api["reflections"] == 10
    # 6 fives and 4 fours: the fours are a small group, so both counts and the mean hide.
    assert api["mean_rating"] is None
    assert {r["rating"]: r["count"] for r in api["ratings"]} == {
        1: 0,
        2: 0,
        3: 0,
        4: None,
        5: None,
    }
    html = client.get(f"/mentoring/programs/{cast.program.public_id}/health/").content.decode()
    assert "10 reflections; the mean is hidden while some counts are." in html


def test_health_queries_do_not_grow_with_the_program(client):
    small = mentoring_cast(2, name="Small")
    large = mentoring_cast(14, name="Large")
    for cast in (small, large):
        for i in range(len(cast.pairs)):
            _log(cast, i, 3 + i)
            services.goal_create(actor=cast.mentee(i), pair=cast.pairs[i], title="G", progress=i)
        services.rematch_request_create(actor=cast.mentee(1), pair=cast.pairs[1], reason="R")
        services.pair_close(actor=cast.coordinator, pair=cast.pairs[0], reason="Ended")
        services.reflection_submit(actor=cast.mentee(0), pair=cast.pairs[0], rating=4)
    counts = []
    for cast in (small, large):
        client.force_login(cast.coordinator)
        url = f"/mentoring/programs/{cast.program.public_id}/health/"
        client.get(url)
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as api:
            response = client.get(f"/api/v1/mentoring/programs/{cast.program.public_id}/health")
            assert response.status_code == 200
        counts.append((len(page), len(api)))
    assert counts[0] == counts[1], counts
    assert counts[1][0] <= 20, counts
