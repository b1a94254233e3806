"""Two people signing the same step at once (the same signer twice, or two supervisors of
the host): the step is signed once and the next signer notified once."""

from __future__ import annotations

import pytest
from django.core import mail

from tandem.audit.models import AuditEvent
from tandem.core.errors import DomainError
from tandem.placements import services
from tandem.placements.models import AgreementNotice, AgreementSignature, LearningAgreement
from tests.agreements_support import agreement_template, sent_agreement
from tests.conftest import requires_postgres
from tests.factories import application_cast, member
from tests.placements_support import accepted
from tests.test_applications_concurrency import _run_together


def _sign(who, agreement_id: int) -> str:
    agreement = LearningAgreement.objects.get(pk=agreement_id)
    try:
        services.agreement_sign(actor=who, agreement=agreement, step=1)
    except DomainError as exc:
        return exc.code
    return "signed"


def _race() -> None:
    cast = application_cast(type="internship")
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    services.agreement_sign(actor=cast.student, agreement=agreement)
    other_supervisor = member(cast.host, "supervisor")
    mail.outbox.clear()
    results = _run_together(
        [
            lambda who=who: _sign(who, agreement.pk)
            for who in (cast.supervisor, other_supervisor, cast.supervisor)
        ]
    )
    assert sorted(results) == ["signed", "stale_step", "stale_step"], results
    assert AgreementSignature.objects.filter(agreement=agreement, step=1).count() == 1
    assert AgreementSignature.objects.filter(agreement=agreement).count() == 2
    assert AuditEvent.objects.filter(action="placements.agreement_signed").count() == 2
    agreement.refresh_from_db()
    assert (agreement.next_step, agreement.awaiting_role) == (2, "educator")
    assert AgreementNotice.objects.filter(agreement=agreement, step=2).count() == 1
    assert [m.to for m in mail.outbox] == [[cast.educator.email]]


@pytest.mark.django_db(transaction=True)
def test_signing_the_same_step_at_once_counts_once_on_any_database():
    _race()


@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_signing_the_same_step_at_once_counts_once_on_postgres():
    _race()
