"""Applications: uploads (a minimal PDF, PNG bytes) and a ready-made cast of an application
and the people around it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.accounts.models import User
from tandem.applications.models import Application
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization, Role
from tests.factories.opportunities import ApplicationFactory, published_opportunity
from tests.factories.organizations import InstitutionFactory, PartnerFactory, UserFactory, member

# --- Applications: uploads and a ready-made cast ------------------------------------------------
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def pdf_upload(name: str = "cv.pdf", content: bytes = MINIMAL_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name: str = "cv.pdf") -> SimpleUploadedFile:
    """A PNG image renamed .pdf and sent with a PDF content type: must be refused."""
    return SimpleUploadedFile(name, PNG_BYTES, content_type="application/pdf")


@dataclass
class ApplicationCast:
    """Everyone around one published opportunity, for authorization matrices."""

    institution: Organization
    other_institution: Organization
    host: Organization
    other_partner: Organization
    opportunity: Opportunity
    student: User
    classmate: User
    coordinator: User
    educator: User
    recruiter: User
    supervisor: User
    mentor: User
    other_recruiter: User
    other_coordinator: User
    other_student: User
    outsider: User
    admin: User

    def role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def application_cast(**opportunity_kwargs: object) -> ApplicationCast:
    inst, other_inst = InstitutionFactory(), InstitutionFactory()
    host, other_partner = PartnerFactory(), PartnerFactory()
    opp = published_opportunity(host, [inst], **opportunity_kwargs)
    return ApplicationCast(
        institution=inst,
        other_institution=other_inst,
        host=host,
        other_partner=other_partner,
        opportunity=opp,
        student=member(inst, Role.STUDENT),
        classmate=member(inst, Role.STUDENT),
        coordinator=member(inst, Role.COORDINATOR),
        educator=member(inst, Role.EDUCATOR),
        recruiter=member(host, Role.RECRUITER),
        supervisor=member(host, Role.SUPERVISOR),
        mentor=member(host, Role.MENTOR),
        other_recruiter=member(other_partner, Role.RECRUITER),
        other_coordinator=member(other_inst, Role.COORDINATOR),
        other_student=member(other_inst, Role.STUDENT),
        outsider=UserFactory(),
        admin=UserFactory(is_staff=True, is_superuser=True),
    )


def application_at(
    cast: ApplicationCast,
    stage: str = "submitted",
    *,
    student: User | None = None,
    opportunity: Opportunity | None = None,
    with_cv: bool = True,
) -> Application:
    """An application by ``student`` (default: the cast's student) already at ``stage``."""
    app = ApplicationFactory(
        opportunity=opportunity or cast.opportunity,
        student=student or cast.student,
        institution=cast.institution,
        stage=stage,
    )
    if with_cv:
        app.cv.save("cv.pdf", ContentFile(MINIMAL_PDF), save=False)
        app.cv_content_type = "application/pdf"
        app.save()
    return app
