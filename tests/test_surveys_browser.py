"""An external supervisor answers on a phone-sized screen through the signed link: the
conditional question appears only when it applies, a wrong answer keeps the input, and the
second visit says the answers were already counted."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tandem.surveys import services
from tandem.surveys.models import SurveyResponse
from tests.factories import survey_cast, survey_with_questions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def test_answer_by_link_on_a_phone(live_server, page):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, email="sup@example.com")
    url = live_server.url + reverse(
        "surveys:answer_link", args=[services.invitation_token(invitation)]
    )
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(url)
    expect(page.get_by_role("heading", name="Placement feedback")).to_be_visible()
    why = page.locator("#question-why")
    expect(why).to_be_hidden()
    page.get_by_role("group", name="It was good").get_by_label("4").check()
    page.get_by_role("group", name="Would you return?").get_by_label("No").check()
    expect(why).to_be_visible()
    page.get_by_label("Hours").fill("200")  # out of range
    page.get_by_label("Comments").fill("Keep this text")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("Comments")).to_have_value("Keep this text")
    assert SurveyResponse.objects.count() == 0
    page.get_by_label("Hours").fill("20")
    page.get_by_label("Why not?").fill("Too far from home")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("were recorded")).to_be_visible()
    assert SurveyResponse.objects.count() == 1
    page.goto(url)
    expect(page.get_by_text("already answered")).to_be_visible()
    # The page fits the phone's width: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
