"""A student builds and reorders a rank list in a real browser, with the keyboard; the
arrow buttons update the list in place through HTMX."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.matching import selectors, services
from tests.factories import PASSWORD, match_round_cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def test_student_ranks_and_reorders_with_the_keyboard(live_server, page):
    cast = match_round_cast()
    now = timezone.now()
    match_round = services.round_create(
        actor=cast.coordinator,
        institution=cast.institution,
        title="Spring rotations",
        opportunities=[cast.a, cast.b, cast.c],
        student_deadline=now + dt.timedelta(days=7),
        partner_deadline=now + dt.timedelta(days=8),
    )
    services.round_open(actor=cast.coordinator, match_round=match_round)
    student = cast.students[0]

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", student.email)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/matching/rounds/{match_round.public_id}/")

    for title in ("A ward rotation", "B clinic rotation"):
        button = page.get_by_role("button", name=f"Add “{title}”")
        button.focus()
        page.keyboard.press("Enter")
        page.get_by_role("button", name=f"Remove “{title}”").wait_for()
    page.get_by_role("button", name="Move “B clinic rotation” up").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Move “A ward rotation” up").wait_for()
    items = page.locator('[data-testid="rank-list"] > li').all_inner_texts()
    assert [i.split(" — ")[0] for i in items] == ["B clinic rotation", "A ward rotation"]
    assert [o.title for o in selectors.student_rank_list(match_round, student)] == [
        "B clinic rotation",
        "A ward rotation",
    ]
    # The HTMX swap kept the page: the heading is still there once.
    assert page.locator("h1").count() == 1
