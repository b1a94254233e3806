"""Partnership review report: contents, suppression, free text only for coordinators, the PDF,
and who may open it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tandem.analytics import selectors
from tandem.organizations.models import Role
from tandem.partnerships.models import (
    KPI,
    ActionItem,
    Commitment,
    CommitmentDelivery,
    Objective,
)
from tandem.surveys.models import Answer, SurveyInvitation, SurveyResponse
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    member,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    inst, other_inst, partner = InstitutionFactory(), InstitutionFactory(), PartnerFactory()
    p = PartnershipFactory(
        title="Northfield Robotics Pathway", institutions=[inst], partners=[partner]
    )
    objective = Objective.objects.create(partnership=p, title="Grow placements")
    KPI.objects.create(
        objective=objective,
        name="Students placed",
        baseline=0,
        target=20,
        start_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 12, 31),
        status="at_risk",
        latest_value=Decimal(7),
    )
    commitment = Commitment.objects.create(
        partnership=p,
        organization=partner,
        kind="funding",
        description="Bursaries",
        amount=Decimal(1000),
        currency="GBP",
    )
    CommitmentDelivery.objects.create(
        commitment=commitment, amount=Decimal(250), delivered_on=dt.date(2026, 3, 1)
    )
    ActionItem.objects.create(partnership=p, description="Book the lab visit")
    ActionItem.objects.create(partnership=p, description="Sign the MoU", done_at=timezone.now())
    survey = survey_with_questions(inst, anonymous=False)
    version = survey.versions.get()
    likert = version.questions.get(key="likert")
    nps = version.questions.get(key="nps")
    text = version.questions.get(key="text")
    for i in range(12):
        invitation = SurveyInvitation.objects.create(
            survey=survey,
            version=version,
            email=f"contact{i}@example.org",
            trigger_key=f"review:{p.public_id}:2026-06-30:{i}",
        )
        response = SurveyResponse.objects.create(
            survey=survey, version=version, invitation=invitation
        )
        value = 4 if i % 2 else 5
        Answer.objects.create(response=response, question=likert, value=value, number=value)
        if i < 3:
            Answer.objects.create(response=response, question=nps, value=9, number=9)
            Answer.objects.create(response=response, question=text, value=f"Great mentors {i}")
    return {
        "partnership": p,
        "coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "student": member(inst, Role.STUDENT),
        "recruiter": member(partner, Role.RECRUITER),
        "other_coordinator": member(other_inst, Role.COORDINATOR),
        "other_partner_recruiter": member(PartnerFactory(), Role.RECRUITER),
        "outsider": UserFactory(),
    }


def test_report_contents(cast):
    report = selectors.review_report(
        cast["coordinator"], cast["partnership"], today=dt.date(2026, 6, 30)
    )
    assert [(k.name, k.latest, k.status) for k in report.kpis] == [
        ("Students placed", Decimal(7), "at_risk")
    ]
    [c] = report.commitments
    assert (c.promised, c.delivered, c.unit, c.percent) == (
        Decimal(1000),
        Decimal(250),
        "GBP",
        25,
    )
    assert [(r.question, r.mean, r.responses) for r in report.survey_results] == [
        ("It was good", Decimal("4.50"), 12)
    ]  # the NPS question is not an agreement scale; Likert only
    assert sorted(report.highlights or ()) == [f"Great mentors {i}" for i in range(3)]
    assert [a.description for a in report.actions] == ["Book the lab visit"]


def test_small_result_groups_are_hidden(cast):
    report = selectors.review_report(
        cast["coordinator"], cast["partnership"], today=dt.date(2026, 6, 30), threshold=13
    )
    assert [(r.mean, r.responses) for r in report.survey_results] == [(None, None)]


@pytest.mark.parametrize(("who", "sees_text"), [("coordinator", True), ("educator", False),
                                                ("recruiter", False)])  # fmt: skip
def test_free_text_only_for_coordinators(client, cast, who, sees_text):
    client.force_login(cast[who])
    body = client.get(reverse("analytics:review", args=[cast["partnership"].public_id]))
    assert ("Great mentors" in body.content.decode()) is sees_text


@pytest.mark.parametrize("name", ["analytics:review", "analytics:review_pdf"])
def test_review_authorization_matrix(client, cast, name):
    url = reverse(name, args=[cast["partnership"].public_id])
    allowed = {"coordinator", "educator", "recruiter"}
    for who in [
        "anonymous",
        "outsider",
        "student",
        "other_coordinator",
        "other_partner_recruiter",
        *sorted(allowed),
    ]:
        client.logout()
        if who != "anonymous":
            client.force_login(cast[who])
        expected = 302 if who == "anonymous" else 200 if who in allowed else 404
        assert client.get(url).status_code == expected, who
    assert ActionItem.objects.count() == 2


def test_pdf_is_a_real_pdf_with_the_title(client, cast):
    client.force_login(cast["recruiter"])
    response = client.get(reverse("analytics:review_pdf", args=[cast["partnership"].public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Northfield Robotics Pathway" in text
    assert "Students placed" in text
    assert "Book the lab visit" in text
    assert "1000 GBP" in text and "250 GBP" in text
    assert "Great mentors" not in text  # a recruiter's copy has no free text


def test_review_page_linked_from_partnership(client, cast):
    client.force_login(cast["coordinator"])
    body = client.get(
        reverse("partnerships:detail", args=[cast["partnership"].public_id])
    ).content.decode()
    assert reverse("analytics:review", args=[cast["partnership"].public_id]) in body
