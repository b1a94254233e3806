"""Learning agreements: templates, a draft filled from the placement, ordered signing with
the content hash, out-of-order refusal, declining, the signed PDF (read back with pypdf),
amendments, the start gate, the "to sign" list, notices and reminders sent once, audit and
personal data."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from tandem.accounts.personal_data import export_personal_data
from tandem.applications.services import application_move
from tandem.audit.models import AuditEvent
from tandem.core import guards
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.placements import selectors, services
from tandem.placements.models import (
    AgreementNotice,
    AgreementSignature,
    AgreementStatus,
    LearningAgreement,
)
from tandem.placements.tasks import send_agreement_reminders
from tests.agreements_support import ORDER, agreement_template, sent_agreement, signer
from tests.factories import application_cast, member
from tests.placements_support import accepted

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return application_cast(type="internship")


def _sign_all(cast, agreement, upto: int | None = None):
    for role in ORDER[:upto]:
        agreement = services.agreement_sign(actor=signer(cast, role), agreement=agreement)
    return agreement


# --- Templates and drafts ---------------------------------------------------------------------
def test_template_validates_sections_and_signing_order(cast):
    with pytest.raises(DomainError) as err:
        services.agreement_template_create(
            actor=cast.coordinator,
            institution=cast.institution,
            name="Bad",
            sections=["objectives", "nonsense"],
            signing_order=["student", "student", "dean"],
        )
    assert set(err.value.fields) == {"sections", "signing_order"}
    with pytest.raises(PermissionDeniedError):
        agreement_template(cast.__class__(**{**cast.__dict__, "coordinator": cast.educator}))


def test_the_type_specific_template_wins_over_the_general_one(cast):
    agreement_template(cast, name="General")
    specific = agreement_template(cast, name="Internships", opportunity_type="internship")
    assert selectors.template_for(accepted(cast)) == specific


def test_draft_is_filled_from_the_placement(cast):
    agreement_template(cast)
    app = accepted(cast)
    services.placement_terms_set(
        actor=cast.coordinator,
        application=app,
        start_date=dt.date(2031, 1, 6),
        end_date=dt.date(2031, 3, 28),
        required_hours=Decimal("150"),
    )
    agreement = services.agreement_create(actor=cast.educator, application=app)
    c = agreement.content
    assert (c["start_date"], c["end_date"], c["required_hours"]) == (
        "2031-01-06",
        "2031-03-28",
        "150.00",
    )
    assert c["student"] == cast.student.full_name
    assert c["supervisor"] == cast.supervisor.full_name
    assert c["insurance"].startswith("The host's employer's liability")
    assert agreement.status == AgreementStatus.DRAFT and agreement.version == 1
    assert agreement.signing_order == ORDER
    with pytest.raises(ConflictError):
        services.agreement_create(actor=cast.coordinator, application=app)


def test_only_institution_staff_prepare_and_edit(cast):
    agreement_template(cast)
    app = accepted(cast)
    for outsider in (cast.student, cast.supervisor, cast.recruiter, cast.other_coordinator):
        with pytest.raises(PermissionDeniedError):
            services.agreement_create(actor=outsider, application=app)
    agreement = services.agreement_create(actor=cast.coordinator, application=app)
    with pytest.raises(PermissionDeniedError):
        services.agreement_edit(actor=cast.student, agreement=agreement, changes={"site": "x"})


def test_edit_refuses_bad_input_with_field_messages(cast):
    agreement_template(cast)
    agreement = services.agreement_create(actor=cast.coordinator, application=accepted(cast))
    with pytest.raises(DomainError) as err:
        services.agreement_edit(
            actor=cast.coordinator,
            agreement=agreement,
            changes={"start_date": "2031-05-01", "end_date": "2031-04-01", "required_hours": "-3"},
        )
    assert set(err.value.fields) == {"end_date", "required_hours"}
    with pytest.raises(DomainError) as err:
        services.agreement_edit(
            actor=cast.coordinator,
            agreement=agreement,
            changes={},
            objectives=[services.ObjectiveInput(text="x", skills=["http://nowhere/skill"])],
        )
    assert "objectives.1" in err.value.fields


def test_objectives_link_program_outcomes_and_esco_skills(cast):
    from tandem.curricula.models import Course, LearningOutcome, OutcomeSkill, Program
    from tandem.skills.models import SkillConcept

    program = Program.objects.create(institution=cast.institution, title="Data Science")
    course = Course.objects.create(program=program, title="Pipelines")
    outcome = LearningOutcome.objects.create(course=course, text="Students build pipelines")
    concept = SkillConcept.objects.create(
        uri="http://data.europa.eu/esco/skill/test-etl",
        esco_id="00000000-0000-0000-0000-0000000000e1",
        preferred_label="design ETL pipelines",
    )
    OutcomeSkill.objects.create(outcome=outcome, concept=concept, status="confirmed")
    other_inst_program = Program.objects.create(institution=cast.other_institution, title="X")
    foreign = LearningOutcome.objects.create(
        course=Course.objects.create(program=other_inst_program, title="Y"), text="Foreign"
    )
    agreement_template(cast)
    agreement = services.agreement_create(actor=cast.coordinator, application=accepted(cast))
    assert [o.pk for o in services.agreements.outcome_choices(agreement.application)] == [
        outcome.pk
    ]
    agreement = services.agreement_edit(
        actor=cast.coordinator,
        agreement=agreement,
        changes={},
        objectives=[
            services.ObjectiveInput(
                text="Run the nightly ETL", outcome=outcome.public_id, skills=[concept.uri]
            )
        ],
    )
    assert agreement.content["objectives"] == [
        {
            "text": "Run the nightly ETL",
            "outcome": {"id": str(outcome.public_id), "text": "Students build pipelines"},
            "skills": [{"uri": concept.uri, "label": "design ETL pipelines"}],
        }
    ]
    with pytest.raises(DomainError):
        services.agreement_edit(
            actor=cast.coordinator,
            agreement=agreement,
            changes={},
            objectives=[services.ObjectiveInput(text="x", outcome=foreign.public_id)],
        )


# --- Ordered signing --------------------------------------------------------------------------
def test_signatures_are_recorded_in_order_with_the_content_hash(cast):
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    assert agreement.status == AgreementStatus.SIGNING
    assert len(agreement.content_hash) == 64
    assert services.agreements.content_hash(agreement) == agreement.content_hash
    for i, role in enumerate(ORDER):
        assert agreement.awaiting_role == role and agreement.next_step == i
        agreement = services.agreement_sign(
            actor=signer(cast, role),
            agreement=agreement,
            step=i,
            signed_hash=agreement.content_hash,
        )
    assert agreement.status == AgreementStatus.SIGNED and agreement.awaiting_role == ""
    rows = list(agreement.signatures.order_by("step").values_list("step", "role", "signer_id"))
    assert rows == [(i, r, signer(cast, r).pk) for i, r in enumerate(ORDER)]
    assert set(agreement.signatures.values_list("content_hash", flat=True)) == {
        agreement.content_hash
    }
    assert AuditEvent.objects.filter(action="placements.agreement_signed").count() == 4
    assert AuditEvent.objects.filter(action="placements.agreement_fully_signed").count() == 1


def test_signing_out_of_order_is_refused_with_whose_turn_it_is(cast):
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    with pytest.raises(PermissionDeniedError) as err:
        services.agreement_sign(actor=cast.educator, agreement=agreement)
    assert err.value.code == "out_of_order"
    assert "student" in err.value.message
    with pytest.raises(PermissionDeniedError) as err:
        services.agreement_sign(actor=cast.recruiter, agreement=agreement)
    assert err.value.code == "forbidden"
    with pytest.raises(PermissionDeniedError):
        services.agreement_sign(actor=cast.other_student, agreement=agreement)
    assert not AgreementSignature.objects.exists()


def test_a_stale_step_or_changed_content_is_refused(cast):
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    with pytest.raises(ConflictError) as err:
        services.agreement_sign(actor=cast.student, agreement=agreement, signed_hash="0" * 64)
    assert err.value.code == "stale_content"
    services.agreement_sign(actor=cast.student, agreement=agreement, step=0)
    second_supervisor = member(cast.host, "supervisor")
    services.agreement_sign(actor=cast.supervisor, agreement=agreement, step=1)
    with pytest.raises(ConflictError) as err:
        services.agreement_sign(actor=second_supervisor, agreement=agreement, step=1)
    assert err.value.code == "stale_step"
    assert AgreementSignature.objects.filter(agreement=agreement).count() == 2


def test_one_person_holding_two_signer_roles_signs_one_step_only(cast):
    from tests.factories.organizations import MembershipFactory

    MembershipFactory(organization=cast.institution, role="coordinator", user=cast.educator)
    agreement_template(cast)
    agreement = _sign_all(cast, sent_agreement(cast, accepted(cast)), upto=3)
    assert agreement.awaiting_role == "coordinator"
    with pytest.raises(ConflictError) as err:
        services.agreement_sign(actor=cast.educator, agreement=agreement)
    assert err.value.code == "signed_twice"
    assert "educator" in err.value.message and "another person" in err.value.message
    assert agreement.signatures.count() == 3
    agreement = services.agreement_sign(actor=cast.coordinator, agreement=agreement)
    assert agreement.status == AgreementStatus.SIGNED
    signers = list(agreement.signatures.values_list("signer_id", flat=True))
    assert len(set(signers)) == 4


def test_a_draft_cannot_be_signed_and_a_sent_one_cannot_be_edited(cast):
    agreement_template(cast)
    agreement = services.agreement_create(actor=cast.coordinator, application=accepted(cast))
    with pytest.raises(ConflictError):
        services.agreement_sign(actor=cast.student, agreement=agreement)
    agreement = services.agreement_send(actor=cast.coordinator, agreement=agreement)
    with pytest.raises(ConflictError):
        services.agreement_edit(actor=cast.coordinator, agreement=agreement, changes={"site": "x"})


def test_decline_returns_to_draft_with_the_reason_and_withdraws_signatures(cast):
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    agreement = _sign_all(cast, agreement, upto=1)
    with pytest.raises(DomainError) as err:
        services.agreement_decline(actor=cast.supervisor, agreement=agreement, reason="  ")
    assert "reason" in err.value.fields
    with pytest.raises(PermissionDeniedError):
        services.agreement_decline(actor=cast.educator, agreement=agreement, reason="Not mine")
    agreement = services.agreement_decline(
        actor=cast.supervisor, agreement=agreement, reason="The hours are 100, not 120."
    )
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.decline_reason == "The hours are 100, not 120."
    assert agreement.content_hash == "" and not agreement.signatures.exists()
    agreement = services.agreement_edit(
        actor=cast.coordinator, agreement=agreement, changes={"required_hours": "100"}
    )
    agreement = services.agreement_send(actor=cast.coordinator, agreement=agreement)
    assert agreement.awaiting_role == "student" and agreement.decline_reason == ""


# --- The signed PDF and amendments --------------------------------------------------------------
def test_the_signed_pdf_holds_the_content_and_the_signature_record(cast):
    agreement_template(cast)
    agreement = _sign_all(cast, sent_agreement(cast, accepted(cast)))
    assert agreement.pdf.name.startswith("agreements/")
    with agreement.pdf.open("rb") as f:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages)
    flat = " ".join(text.split())
    assert "Build and test a data pipeline" in flat
    assert "Signature record" in flat
    # Table cells wrap inside words: compare without whitespace.
    dense = "".join(text.split())
    for role in ORDER:
        assert signer(cast, role).full_name.replace(" ", "") in dense
    for label in ("Student", "Hostsupervisor", "Faculty/educator", "Coordinator"):
        assert label in dense
    for s in agreement.signatures.all():
        assert s.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%d%H:%M:%S") in dense
    assert dense.count(agreement.content_hash) == 5  # four signatures and the closing line


def test_amendment_makes_a_new_version_signed_again_in_full(cast):
    agreement_template(cast)
    app = accepted(cast)
    v1 = _sign_all(cast, sent_agreement(cast, app))
    with pytest.raises(PermissionDeniedError):
        services.agreement_amend(actor=cast.student, agreement=v1)
    v2 = services.agreement_amend(actor=cast.coordinator, agreement=v1)
    v1.refresh_from_db()
    assert (v1.status, v2.status, v2.version) == (
        AgreementStatus.SUPERSEDED,
        AgreementStatus.DRAFT,
        2,
    )
    assert v1.pdf and v1.signatures.count() == 4 and not v2.signatures.exists()
    assert selectors.current_agreement(app) == v2
    with pytest.raises(ConflictError):
        services.agreement_edit(actor=cast.coordinator, agreement=v1, changes={"site": "x"})
    v2 = services.agreement_edit(
        actor=cast.coordinator, agreement=v2, changes={"required_hours": "140"}
    )
    v2 = services.agreement_send(actor=cast.coordinator, agreement=v2)
    assert v2.content_hash != v1.content_hash
    v2 = _sign_all(cast, v2, upto=2)
    assert v2.status == AgreementStatus.SIGNING and v2.awaiting_role == "educator"


# --- The start gate ---------------------------------------------------------------------------
def test_the_gate_is_registered_and_blocks_until_fully_signed(cast):
    assert services.placement_agreement_guard in guards._guards[guards.PLACEMENT_START]
    agreement_template(cast, required_before_start=True)
    app = accepted(cast)
    with pytest.raises(DomainError) as err:
        application_move(actor=cast.coordinator, application=app, to_stage="placed")
    assert err.value.code == "agreement_unsigned"
    agreement = _sign_all(cast, sent_agreement(cast, app), upto=3)
    with pytest.raises(DomainError) as err:
        application_move(actor=cast.coordinator, application=app, to_stage="placed")
    assert "out for signature" in err.value.message
    services.agreement_sign(actor=cast.coordinator, agreement=agreement)
    application_move(actor=cast.coordinator, application=app, to_stage="placed")
    app.refresh_from_db()
    assert app.stage == "placed"


def test_without_the_template_setting_the_gate_lets_the_placement_start(cast):
    agreement_template(cast)
    app = accepted(cast)
    services.agreement_create(actor=cast.coordinator, application=app)
    application_move(actor=cast.coordinator, application=app, to_stage="placed")
    app.refresh_from_db()
    assert app.stage == "placed"


# --- "To sign" lists, notices, reminders --------------------------------------------------------
def test_to_sign_lists_follow_the_turn(cast):
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    awaiting = selectors.agreements_awaiting_signature

    def who():
        return [
            r
            for r in ("student", "supervisor", "educator", "coordinator")
            if list(awaiting(signer(cast, r))) == [agreement]
        ]

    assert who() == ["student"]
    assert not awaiting(cast.other_student).exists()
    services.agreement_sign(actor=cast.student, agreement=agreement)
    assert who() == ["supervisor"]
    assert not awaiting(member(cast.other_partner, "supervisor")).exists()
    services.agreement_sign(actor=cast.supervisor, agreement=agreement)
    assert who() == ["educator"]
    assert not awaiting(cast.other_coordinator).exists()


def test_each_signer_is_notified_in_turn_once(cast, django_capture_on_commit_callbacks):
    agreement_template(cast)
    app = accepted(cast)
    with django_capture_on_commit_callbacks(execute=True):
        agreement = sent_agreement(cast, app)
    assert [m.to for m in mail.outbox] == [[cast.student.email]]
    assert "waits for your signature" in mail.outbox[0].subject
    url = reverse("placements:agreement", kwargs={"public_id": agreement.public_id})
    assert url in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_sign(actor=cast.student, agreement=agreement)
    assert [m.to for m in mail.outbox] == [[cast.supervisor.email]]
    # The notice task run again (a retry, a second worker) sends nothing.
    from tandem.placements.tasks import notify_agreement_signer

    assert notify_agreement_signer.call(agreement.pk, 1) is False
    assert len(mail.outbox) == 1
    assert AgreementNotice.objects.filter(agreement=agreement).count() == 2


def test_reminders_go_once_per_interval(cast, settings, django_capture_on_commit_callbacks):
    def remind(days: int) -> int:
        # The e-mails leave through the notification path once the task's writes commit.
        with django_capture_on_commit_callbacks(execute=True):
            return send_agreement_reminders.call((started + dt.timedelta(days=days)).isoformat())

    settings.PLACEMENTS_AGREEMENT_REMINDER_DAYS = 3
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    mail.outbox.clear()
    started = agreement.turn_started_at
    assert remind(2) == 0
    assert remind(3) == 1
    assert remind(4) == 0
    assert remind(3) == 0
    assert [m.to for m in mail.outbox] == [[cast.student.email]]
    assert mail.outbox[0].subject.startswith("Reminder:")
    assert remind(6) == 1
    assert len(mail.outbox) == 2
    # Signed: the student is reminded no more; the supervisor's step now waits.
    services.agreement_sign(actor=cast.student, agreement=agreement)
    mail.outbox.clear()
    assert remind(1) == 0
    assert remind(7) == 1
    assert [m.to for m in mail.outbox] == [[cast.supervisor.email]]


# --- Personal data ----------------------------------------------------------------------------
def test_personal_data_export_and_erasure_cover_agreements(
    cast, django_capture_on_commit_callbacks
):
    from tandem.accounts.services import user_erase

    agreement_template(cast)
    agreement = _sign_all(cast, sent_agreement(cast, accepted(cast)))
    exported = export_personal_data(cast.student)["placements"]
    [entry] = exported["learning_agreements"]
    assert entry["content"]["objectives"][0]["text"] == "Build and test a data pipeline"
    assert [s["role"] for s in entry["signatures"]] == ORDER
    assert (
        export_personal_data(cast.supervisor)["placements"]["agreement_signatures_given"][0]["role"]
        == "supervisor"
    )
    pdf_path = agreement.pdf.path
    with django_capture_on_commit_callbacks(execute=True):
        user_erase(actor=cast.student, user=cast.student)
    agreement = LearningAgreement.objects.get(pk=agreement.pk)
    assert not agreement.pdf
    assert agreement.content["student"] == "" and agreement.content["objectives"] == []
    student_sig = agreement.signatures.get(role="student")
    assert student_sig.signer_name == "" and student_sig.content_hash == agreement.content_hash
    import os

    assert not os.path.exists(pdf_path)
