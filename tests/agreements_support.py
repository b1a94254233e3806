"""Learning agreements for tests: an institution's template and a placement's agreement
sent for signature (student → host supervisor → educator → coordinator)."""

from __future__ import annotations

from tandem.applications.models import Application
from tandem.placements import services
from tandem.placements.models import AgreementTemplate, LearningAgreement
from tests.factories import ApplicationCast

ORDER = ["student", "supervisor", "educator", "coordinator"]


def agreement_template(
    cast: ApplicationCast, *, order: list[str] | None = None, **kwargs: object
) -> AgreementTemplate:
    return services.agreement_template_create(
        actor=cast.coordinator,
        institution=cast.institution,
        name=str(kwargs.pop("name", "Internship learning agreement")),
        sections=["objectives", "hours", "dates", "site", "supervisor", "insurance", "clauses"],
        signing_order=order or ORDER,
        insurance_text="The host's employer's liability insurance covers the student.",
        clauses="The student keeps the host's information confidential.",
        **kwargs,  # type: ignore[arg-type]
    )


def sent_agreement(cast: ApplicationCast, application: Application) -> LearningAgreement:
    agreement = services.agreement_create(actor=cast.coordinator, application=application)
    agreement = services.agreement_edit(
        actor=cast.coordinator,
        agreement=agreement,
        changes={"required_hours": "120"},
        objectives=[services.ObjectiveInput(text="Build and test a data pipeline")],
    )
    return services.agreement_send(actor=cast.coordinator, agreement=agreement)


def signer(cast: ApplicationCast, role: str):
    return {
        "student": cast.student,
        "supervisor": cast.supervisor,
        "educator": cast.educator,
        "coordinator": cast.coordinator,
    }[role]
