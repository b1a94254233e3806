"""Shared set-up for the partnerships tests (no tests here).

A cast of people around one partnership between ``inst`` and ``partner``, plus people of
other organizations, and small builders for real documents.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.organizations.models import Organization, Role
from tandem.partnerships.models import (
    KPI,
    ActionItem,
    Commitment,
    CommitmentDelivery,
    CommunicationEntry,
    KPIMeasurement,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
    PartnershipTransition,
)
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    member,
)

# Who sees the partnership and who may change it.
EDITORS = ["coordinator", "recruiter", "admin"]
READERS = ["educator", "supervisor", "mentor", "funder"]
VIEWERS = [*EDITORS, *READERS]
NON_VIEWERS = ["outsider", "other_coordinator", "other_recruiter", "student"]


@dataclass
class Cast:
    inst: Organization
    other_inst: Organization
    partner: Organization
    other_partner: Organization
    partnership: Partnership
    people: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    def role(self, name: str) -> Any:
        return None if name == "anonymous" else self.people[name]


def build_cast(status: str = "active") -> Cast:
    inst = InstitutionFactory(name="Riverside College")
    other_inst = InstitutionFactory(name="Hilltop University")
    partner = PartnerFactory(name="Acme Robotics")
    other_partner = PartnerFactory(name="Globex")
    partnership = PartnershipFactory(
        title="Robotics internships",
        institutions=[inst],
        partners=[partner],
        status=status,
        types=["internships", "mentoring"],
    )
    people = {
        "coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "student": member(inst, Role.STUDENT),
        "recruiter": member(partner, Role.RECRUITER),
        "supervisor": member(partner, Role.SUPERVISOR),
        "mentor": member(partner, Role.MENTOR),
        "funder": member(partner, Role.FUNDER),
        "other_coordinator": member(other_inst, Role.COORDINATOR),
        "other_recruiter": member(other_partner, Role.RECRUITER),
        "outsider": UserFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }
    return Cast(inst, other_inst, partner, other_partner, partnership, people)


def objective_with_kpi(cast: Cast, **kpi: Any) -> tuple[Objective, KPI]:
    objective = Objective.objects.create(partnership=cast.partnership, title="More placements")
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "name": "Students placed",
        "unit": "students",
        "baseline": Decimal(0),
        "target": Decimal(20),
        "start_date": today - dt.timedelta(days=100),
        "due_date": today + dt.timedelta(days=100),
    }
    fields.update(kpi)
    return objective, KPI.objects.create(objective=objective, **fields)


def state() -> tuple:
    """Everything a denied request must leave untouched."""
    return (
        list(
            Partnership.objects.order_by("pk").values_list(
                "pk", "title", "status", "summary", "types"
            )
        ),
        *[
            m.objects.count()
            for m in (
                PartnershipTransition,
                Objective,
                KPI,
                KPIMeasurement,
                Commitment,
                CommitmentDelivery,
                PartnershipContact,
                CommunicationEntry,
                ActionItem,
                PartnershipDocument,
                AuditEvent,
            )
        ],
        list(ActionItem.objects.order_by("pk").values_list("done_at", flat=True)),
    )


# --- real documents ----------------------------------------------------------------------------
def minimal_pdf() -> bytes:
    """A small but valid one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length 35 >>\nstream\nBT /F1 12 Tf 20 100 Td (Hi) Tj ET\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def minimal_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def minimal_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Agreement</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buf.getvalue()


def minimal_odt() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # The mimetype entry comes first and uncompressed, as ODF requires.
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buf.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)
