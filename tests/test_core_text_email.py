"""Plain-text e-mails carry names and titles exactly as written: every kind of message Tandem
sends (stage changes, match results, mentor pairs, survey invitations, health alerts, password
reset) is rendered without HTML escaping, and HTML pages stay escaped."""

from __future__ import annotations

import pathlib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

import tandem
from tandem.analytics.models import HealthSnapshot
from tandem.analytics.tasks import notify_health_alert
from tandem.applications.tasks import notify_stage_change
from tandem.core.email import render_text, send_text_email
from tandem.matching.models import (
    MatchResult,
    MatchRound,
    MenteeProfile,
    MentorPair,
    MentorProfile,
    MentorProgram,
)
from tandem.matching.tasks import notify_program_published, notify_round_published
from tandem.organizations.models import Membership, Role
from tandem.surveys import services as survey_services
from tandem.surveys.tasks import send_invitation
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    application_at,
    application_cast,
    member,
    published_opportunity,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db

NAME = 'O\'Brien & <i>Sons</i> "Ltd"'
ESCAPES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;", "&#34;")


def assert_verbatim(message, *, in_subject: bool = True) -> None:
    where = [message.body] + ([message.subject] if in_subject else [])
    for text in where:
        assert NAME in text, text
        for escape in ESCAPES:
            assert escape not in text, (escape, text)


def only_message_to(email: str):
    found = [m for m in mail.outbox if m.to == [email]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def test_application_stage_change_to_student_and_host(django_capture_on_commit_callbacks):
    cast = application_cast(title=NAME)
    cast.host.name = NAME
    cast.host.save()
    cast.student.full_name = NAME
    cast.student.save()
    app = application_at(cast, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_stage_change(app, "submitted", "interview", student_acted=True, key="t")
    assert sent >= 2
    assert_verbatim(only_message_to(cast.student.email))
    assert_verbatim(only_message_to(cast.recruiter.email))


def test_match_round_results_to_student_and_host(django_capture_on_commit_callbacks):
    inst = InstitutionFactory(name=NAME)
    host = PartnerFactory(name=NAME)
    opp = published_opportunity(host, [inst], title=NAME)
    student = member(inst, Role.STUDENT, user=UserFactory(full_name=NAME))
    recruiter = member(host, Role.RECRUITER, user=UserFactory(full_name=NAME))
    now = timezone.now()
    match_round = MatchRound.objects.create(
        institution=inst, title=NAME, student_deadline=now, partner_deadline=now
    )
    MatchResult.objects.create(round=match_round, student=student, opportunity=opp, rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_round_published(match_round) == 2
    assert_verbatim(only_message_to(student.email))
    assert_verbatim(only_message_to(recruiter.email))


def test_mentor_pair_to_mentor_and_mentee():
    inst = InstitutionFactory()
    partner = PartnerFactory()
    program = MentorProgram.objects.create(institution=inst, title=NAME)
    mentor = member(partner, Role.MENTOR, user=UserFactory(full_name=NAME))
    mentee = member(inst, Role.STUDENT, user=UserFactory(full_name=NAME))
    mentor_profile = MentorProfile.objects.create(
        program=program, membership=Membership.objects.get(user=mentor)
    )
    mentee_profile = MenteeProfile.objects.create(program=program, student=mentee)
    MentorPair.objects.create(
        program=program, mentor=mentor_profile, mentee=mentee_profile, score=1.0, reasons=[NAME]
    )
    assert notify_program_published.call(program.pk) == 2
    assert_verbatim(only_message_to(mentor.email))
    assert_verbatim(only_message_to(mentee.email))


@pytest.mark.parametrize("reminder", [False, True])
def test_survey_invitation_and_reminder(reminder, django_capture_on_commit_callbacks):
    inst = InstitutionFactory(name=NAME)
    survey = survey_with_questions(inst)
    survey.title = NAME
    survey.save()
    student = member(inst, Role.STUDENT, user=UserFactory(full_name=NAME))
    with django_capture_on_commit_callbacks(execute=False):
        invitation = survey_services.invitation_create(actor=None, survey=survey, user=student)
    assert send_invitation.call(invitation.pk, reminder) == 1
    assert_verbatim(only_message_to(student.email))


def test_health_alert_to_coordinators(django_capture_on_commit_callbacks):
    inst = InstitutionFactory(name=NAME)
    coordinator = member(inst, Role.COORDINATOR, user=UserFactory(full_name=NAME))
    partnership = PartnershipFactory(title=NAME, institutions=[inst], partners=[PartnerFactory()])
    snapshot = HealthSnapshot.objects.create(
        partnership=partnership, date=timezone.localdate(), score=20, band="at_risk", reasons=[]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_health_alert(snapshot) == 1
    assert_verbatim(only_message_to(coordinator.email))


def test_password_reset(client):
    user = UserFactory(full_name=NAME)
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    message = only_message_to(user.email)
    assert_verbatim(message, in_subject=False)  # the subject names no one
    assert "&#x27;" not in message.subject and "/reset/" in message.body


def test_send_text_email_renders_any_template_unescaped(tmp_path, settings):
    (tmp_path / "t_subject.txt").write_text("Hi {{ name }}\n   again")
    (tmp_path / "t_body.txt").write_text("{{ name }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    send_text_email(
        to="a@example.org",
        subject_template="t_subject.txt",
        body_template="t_body.txt",
        context={"name": NAME},
    )
    (message,) = mail.outbox
    assert message.subject == f"Hi {NAME} again"
    assert message.body == NAME
    assert render_text("t_body.txt", {"name": NAME}) == NAME


def test_html_pages_stay_escaped(client):
    cast = application_cast(title=NAME)
    client.force_login(cast.student)
    html = client.get(reverse("opportunities:detail", args=[cast.opportunity.public_id]))
    text = html.content.decode()
    assert NAME not in text
    assert "O&#x27;Brien &amp; &lt;i&gt;Sons&lt;/i&gt;" in text


def test_no_text_email_template_is_rendered_with_render_to_string():
    """Text e-mail templates rely on tandem.core.email turning escaping off; rendering one
    with render_to_string would escape it again."""
    root = pathlib.Path(tandem.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "render_to_string" in (source := path.read_text())
        and (".txt" in source or "email" in source.split("render_to_string", 1)[1][:200])
    ]
    assert offenders == []
