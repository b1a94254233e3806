"""The set-up of the match-round tests (tests/test_matching_rounds_*.py): the hand-built market
of tests.factories.match_round_cast as a fixture, API calls as a user, creating a round and
ranking everything.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.factories import match_round_cast

API = "/api/v1/match-rounds"


@pytest.fixture
def cast():
    return match_round_cast()


def _api(client, user, method, path, payload=None):
    client.force_login(user)
    kwargs = {"content_type": "application/json"}
    if payload is not None:
        kwargs["data"] = json.dumps(payload)
    return getattr(client, method)(f"{API}{path}", **kwargs)


def _create_round(client, cast, **overrides):
    now = timezone.now()
    payload = {
        "institution": str(cast.institution.public_id),
        "title": "Spring rotations",
        "opportunities": [str(o.public_id) for o in (cast.a, cast.b, cast.c)],
        "student_deadline": (now + dt.timedelta(days=7)).isoformat(),
        "partner_deadline": (now + dt.timedelta(days=14)).isoformat(),
        "seed": 7,
        **overrides,
    }
    return _api(client, cast.coordinator, "post", "/", payload)


# Hand-built market (see tests.factories.match_round_cast):
#   students: s1: A, B   s2: A, C   s3: B, A   s4: C   s5: A
#   hosts:    A (1 seat): s2, s1, s3, s5   B (3 seats): s1, s3   C (1 seat): s4, s2
# Student-proposing deferred acceptance: A keeps s2 (rejects s1, s5); s1 goes to B with s3;
# s4 gets C; s5 is left out. Matched 4/5, first choice 3/5 (s2, s3, s4), top-3 4/5,
# seats 5, unfilled 1 (one seat of B).
STUDENT_LISTS = {0: "ab", 1: "ac", 2: "ba", 3: "c", 4: "a"}
HOST_LISTS = {"a": [1, 0, 2, 4], "b": [0, 2], "c": [3, 1]}


def _rank_everything(client, cast, round_id):
    opp = {"a": cast.a, "b": cast.b, "c": cast.c}
    for i, letters in STUDENT_LISTS.items():
        r = _api(
            client,
            cast.students[i],
            "put",
            f"/{round_id}/rank-list",
            {"opportunities": [str(opp[x].public_id) for x in letters]},
        )
        assert r.status_code == 200, r.content
        assert [o["title"][0] for o in r.json()["opportunities"]] == [x.upper() for x in letters]
    staff = {"a": cast.recruiter1, "b": cast.supervisor1, "c": cast.recruiter2}
    for letter, order in HOST_LISTS.items():
        r = _api(
            client,
            staff[letter],
            "put",
            f"/{round_id}/partner-rankings/{opp[letter].public_id}",
            {"students": [str(cast.students[i].public_id) for i in order]},
        )
        assert r.status_code == 200, r.content
        assert len(r.json()["ranking"]) == len(order)
