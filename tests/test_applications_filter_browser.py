"""A coordinator filters the applications list by opportunity in a real browser (1280 px):
types a part of a title, picks a suggestion with the mouse and then with the keyboard, and
the list shows that opportunity's applications only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.applications.models import Application
from tandem.organizations.models import Role
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    OpportunityFactory,
    PartnerFactory,
    member,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def _world():
    inst, other_inst = InstitutionFactory(), InstitutionFactory()
    host = PartnerFactory(name="Northport Harbour Works")
    student = member(inst, Role.STUDENT)
    titles = ["Harbour welding apprenticeship", "Harbour crane operator"]
    titles += [f"Software internship {i}" for i in range(30)]
    opps = {}
    for title in titles:
        opp = OpportunityFactory(host=host, status="published", title=title)
        Application.objects.create(
            opportunity=opp, student=student, institution=inst, statement="x"
        )
        opps[title] = opp
    # Another institution's student applied here: its coordinator's, not ours.
    pilot = OpportunityFactory(host=host, status="published", title="Harbour pilot trainee")
    Application.objects.create(
        opportunity=pilot,
        student=member(other_inst, Role.STUDENT),
        institution=other_inst,
        statement="x",
    )
    return member(inst, Role.COORDINATOR), opps


def test_coordinator_types_picks_a_suggestion_and_the_list_filters(live_server, page):
    coordinator, opps = _world()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/applications/")
    results = page.locator("#results")
    expect(results).to_contain_text("32 applications")

    field = page.get_by_role("combobox", name="Opportunity")
    listbox = page.get_by_role("listbox", name="Matching opportunities")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.press_sequentially("harb", delay=40)
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)  # not the other institution's "Harbour pilot trainee"
    expect(options.first).to_contain_text("Harbour crane operator")
    expect(listbox).not_to_contain_text("pilot")

    # Pick with the mouse.
    listbox.get_by_role("option", name=re.compile("welding")).click()
    welding = opps["Harbour welding apprenticeship"]
    expect(results).to_contain_text("1 application")
    expect(results.get_by_role("link", name="Harbour welding apprenticeship")).to_be_visible()
    expect(results).not_to_contain_text("crane")
    expect(page).to_have_url(re.compile(f"opportunity={welding.public_id}"))
    expect(field).to_have_value("Harbour welding apprenticeship")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")

    # Pick with the keyboard; typing again forgets the previous choice.
    field.fill("")
    field.press_sequentially("crane", delay=40)
    expect(options).to_have_count(1)
    field.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    option_id = options.first.get_attribute("id")
    expect(field).to_have_attribute("aria-activedescendant", option_id or "")
    field.press("Enter")
    crane = opps["Harbour crane operator"]
    expect(page).to_have_url(re.compile(f"opportunity={crane.public_id}"))
    expect(results).to_contain_text("1 application")
    expect(results.get_by_role("link", name="Harbour crane operator")).to_be_visible()
    expect(results).not_to_contain_text("welding")

    # Escape closes the suggestions; nothing matching says so.
    field.fill("")
    field.press_sequentially("software internship 1", delay=20)
    expect(options).to_have_count(11)  # 1, 10–19
    field.press("Escape")
    expect(listbox).to_be_hidden()
    field.fill("")
    field.press_sequentially("astronomy", delay=20)
    expect(listbox).to_contain_text("No matching opportunity.")

    # The reload of the filtered address shows the chosen opportunity in the field.
    page.goto(f"{base}/applications/?opportunity={crane.public_id}")
    expect(field).to_have_value("Harbour crane operator")
    expect(results).to_contain_text("1 application")
    assert not csp_errors, csp_errors


def test_without_javascript_the_field_filters_by_a_part_of_the_title(live_server, browser):
    coordinator, _ = _world()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        base = live_server.url
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("E-mail").fill(coordinator.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/applications/")
        page.get_by_role("combobox", name="Opportunity").fill("harbour")
        page.get_by_role("button", name="Filter").click()
        results = page.locator("#results")
        expect(results).to_contain_text("2 applications")
        expect(results).to_contain_text("Harbour crane operator")
        expect(results).not_to_contain_text("pilot")
    finally:
        context.close()
