"""Partnership details for the demo world: lifecycle history, objectives with KPI histories,
commitments and deliveries, contacts, communication records, action items and agreements."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.applications.models import SEAT_HOLDING_STAGES, Application
from tandem.partnerships import services as partnerships_services
from tandem.partnerships.models import Partnership, PartnershipDocument, PartnershipTransition

if TYPE_CHECKING:
    from tandem.accounts.models import User


# (objective, [(kpi name, unit, baseline, target, metric)]) per partnership type.
OBJECTIVES: dict[str, tuple[str, list[tuple[str, str, int, int, str]]]] = {
    "internships": (
        "Grow paid work-based learning for our students",
        [
            ("Students placed", "students", 0, 24, "placements"),
            ("Placement drop-out rate", "%", 15, 5, "manual"),
        ],
    ),
    "curriculum": (
        "Keep the curriculum aligned with industry practice",
        [
            ("Modules co-designed with the partner", "modules", 0, 4, "manual"),
            ("Learning outcomes validated by industry", "outcomes", 0, 40, "manual"),
        ],
    ),
    "research": (
        "Fund applied research with regional impact",
        [
            ("Funding delivered", "thousand GBP", 0, 250, "manual"),
            ("Joint publications and reports", "outputs", 0, 6, "manual"),
        ],
    ),
    "professional_development": (
        "Give teachers current industry experience",
        [("Teachers completing an industry fellowship", "teachers", 0, 20, "manual")],
    ),
    "guest_lectures": (
        "Bring practitioners into the classroom",
        [
            ("Guest lectures and workshops held", "sessions", 0, 12, "manual"),
            ("Students reached", "students", 0, 600, "manual"),
        ],
    ),
    "mentoring": (
        "Every participating student has an industry mentor",
        [("Active mentoring pairs", "pairs", 0, 40, "manual")],
    ),
    "industry_projects": (
        "Deliver real industry projects in the final year",
        [("Capstone projects delivered", "projects", 0, 8, "manual")],
    ),
}

LIFECYCLE_PATH: dict[str, list[str]] = {
    "proposed": [],
    "negotiating": ["negotiating"],
    "active": ["negotiating", "active"],
    "under_review": ["negotiating", "active", "under_review"],
    "renewed": ["negotiating", "active", "under_review", "renewed"],
    "concluded": ["negotiating", "active", "under_review", "concluded"],
}

MEETINGS = [
    ("Kick-off meeting", "Agreed the objectives, the KPI owners and a monthly check-in."),
    ("Quarterly review", "Reviewed KPIs against targets; placement numbers discussed."),
    ("Curriculum working group", "Partner engineers commented on two module outlines."),
    ("Steering group", "Budget for next year confirmed in principle; renewal to be drafted."),
]
ACTIONS = [
    "Send the updated placement handbook to supervisors",
    "Confirm interview dates for the spring intake",
    "Share anonymised completion data for the review",
    "Draft the renewal agreement",
    "Book the lab for the workshop series",
]


def minimal_pdf(title: str) -> bytes:
    """A small, valid one-page PDF naming the agreement (demo content only)."""
    text = title.replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _aware(d: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour, 0))


def build_partnership_details(
    rng: random.Random,
    partnerships: list[Partnership],
    orgs: dict[str, Any],
    partner_staff: dict[str, list[Any]],
    named: dict[str, Any],
    reference_day: date,
    *,
    statuses: dict[str, str],
) -> None:
    """Walk each partnership (``statuses``: title → where it ends) along the lifecycle, then
    give it contacts, objectives with KPI histories, commitments and deliveries, meetings
    and an agreement — all through :mod:`tandem.partnerships.services`, as its coordinator
    or its partner's recruiter."""
    today = timezone.localdate()
    for p in partnerships:
        institutions = list(p.institutions.all())
        partners = list(p.partners.all())
        inst_staff = [
            m.user
            for m in institutions[0].memberships.filter(role="coordinator").select_related("user")
        ]
        coordinator = inst_staff[0] if inst_staff else named["coordinator"][0]
        recruiter = partner_staff[partners[0].slug][0]
        start = p.start_date or reference_day

        when = start - timedelta(days=60)
        for status in LIFECYCLE_PATH[statuses[p.title]]:
            when += timedelta(days=rng.randint(14, 60))
            transition = partnerships_services.partnership_transition(
                actor=coordinator, partnership=p, to_status=status
            )
            _demo_backdate_transition(transition, _aware(min(when, today)))

        for org, person, title in (
            (institutions[0], coordinator, "Partnership lead"),
            (partners[0], recruiter, "Account lead"),
        ):
            partnerships_services.partnership_contact_create(
                actor=coordinator,
                partnership=p,
                organization=org,
                user=person,
                role_title=title,
                is_primary=True,
            )

        if p.status in ("proposed", "negotiating"):
            _communication(rng, p, coordinator, recruiter, start, today, meetings=1)
            continue

        _objectives(rng, p, coordinator, recruiter, start, today)
        _commitments(rng, p, coordinator, recruiter, institutions, partners, start, reference_day)
        _communication(rng, p, coordinator, recruiter, start, today, meetings=3)

        title = f"Partnership agreement — {p.title}"
        partnerships_services.partnership_document_upload(
            actor=coordinator,
            partnership=p,
            kind="agreement",
            title=title[:200],
            file=SimpleUploadedFile("agreement.pdf", minimal_pdf(title), "application/pdf"),
        )


def _demo_backdate_transition(transition: PartnershipTransition, at: datetime) -> None:
    """Date a lifecycle step back to when the demo lays it out. Demo only: a real step is
    stamped when it is taken, and no service may rewrite that."""
    PartnershipTransition.objects.filter(pk=transition.pk).update(at=at)


def _objectives(
    rng: random.Random, p: Partnership, coordinator: User, recruiter: User, start: date, today: date
) -> None:
    """Objectives and KPIs, with monthly readings up to today taken by each KPI's owner."""
    seat_holders = Application.objects.filter(
        opportunity__partnership=p, stage__in=SEAT_HOLDING_STAGES
    ).count()
    bound = False
    for ptype in p.types:
        objective_title, kpis = OBJECTIVES[ptype]
        objective = partnerships_services.objective_create(
            actor=coordinator,
            partnership=p,
            title=objective_title,
            owner=coordinator,
            description=f"{objective_title} — agreed at the kick-off meeting.",
        )
        for name, unit, baseline, target, metric in kpis:
            due = p.end_date or start + timedelta(days=730)
            owner = rng.choice([coordinator, recruiter])
            kpi = partnerships_services.kpi_create(
                actor=coordinator,
                objective=objective,
                name=name,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
                start_date=start,
                due_date=due,
                owner=owner,
                metric=metric,
            )
            pace = rng.choice([1.1, 1.0, 0.95, 0.8, 0.6])  # on track … off track
            month = start + timedelta(days=30)
            span = (due - start).days
            while month <= today:
                expected = (month - start).days / span
                progress = max(0.0, min(1.2, expected * pace + rng.uniform(-0.03, 0.03)))
                value = Decimal(baseline) + (Decimal(target) - Decimal(baseline)) * Decimal(
                    str(round(progress, 3))
                )
                if unit != "%":
                    value = value.quantize(Decimal("1"))
                partnerships_services.kpi_measurement_record(
                    actor=owner,
                    kpi=kpi,
                    value=value,
                    measured_at=min(_aware(month), timezone.now()),
                )
                month += timedelta(days=30)
            bound = bound or metric == "placements"
    if bound:
        partnerships_services.kpi_record_metric(
            partnership=p, metric="placements", value=seat_holders
        )


def _commitments(
    rng: random.Random,
    p: Partnership,
    coordinator: User,
    recruiter: User,
    institutions: list[Any],
    partners: list[Any],
    start: date,
    reference_day: date,
) -> None:
    """Commitments from each side, with what has been delivered so far."""
    today = timezone.localdate()
    create = partnerships_services.commitment_create
    made = [
        create(
            actor=recruiter,
            partnership=p,
            organization=partners[-1],
            kind="funding",
            description="Programme funding for the year",
            amount=Decimal(rng.choice([15000, 40000, 75000, 120000])),
            currency="GBP",
            due_date=reference_day + timedelta(days=180),
        ),
        create(
            actor=recruiter,
            partnership=p,
            organization=partners[0],
            kind="staff_hours",
            description="Engineers' time for supervision, lectures and reviews",
            quantity=Decimal(rng.choice([120, 200, 400])),
            due_date=reference_day + timedelta(days=300),
        ),
        create(
            actor=coordinator,
            partnership=p,
            organization=institutions[0],
            kind="staff_hours",
            description="Placement tutor and coordinator time",
            quantity=Decimal(rng.choice([80, 150])),
            due_date=reference_day + timedelta(days=300),
        ),
    ]
    if "internships" in p.types:
        made.append(
            create(
                actor=recruiter,
                partnership=p,
                organization=partners[0],
                kind="places",
                description="Paid placements offered each year",
                quantity=Decimal(rng.choice([10, 15, 24])),
            )
        )
    for commitment in made:
        share = Decimal(str(rng.choice([0.25, 0.5, 0.75, 1.0])))
        if commitment.kind == "funding" and commitment.amount is not None:
            partnerships_services.commitment_delivery_record(
                actor=coordinator,
                commitment=commitment,
                amount=(commitment.amount * share).quantize(Decimal("1")),
                delivered_on=min(today, start + timedelta(days=90)),
                note="Instalment received",
            )
        elif commitment.quantity is not None:
            partnerships_services.commitment_delivery_record(
                actor=coordinator,
                commitment=commitment,
                quantity=(commitment.quantity * share).quantize(Decimal("1")),
                delivered_on=min(today, start + timedelta(days=120)),
                note="Logged at the quarterly review",
            )


def _communication(
    rng: random.Random,
    p: Partnership,
    coordinator: User,
    recruiter: User,
    start: date,
    today: date,
    *,
    meetings: int,
) -> None:
    """Meeting notes with their action items (the old ones done), and a decision."""
    day = start
    for title, body in MEETINGS[:meetings]:
        day = min(today, day + timedelta(days=rng.randint(30, 120)))
        entry = partnerships_services.communication_entry_create(
            actor=coordinator, partnership=p, kind="meeting", date=day, title=title, body=body
        )
        for _ in range(rng.randint(1, 2)):
            due = day + timedelta(days=rng.randint(7, 45))
            item = partnerships_services.action_item_create(
                actor=coordinator,
                partnership=p,
                entry=entry,
                description=rng.choice(ACTIONS),
                owner=rng.choice([coordinator, recruiter]),
                due_date=due,
            )
            if due < today - timedelta(days=14):
                partnerships_services.action_item_set_done(actor=coordinator, item=item)
    if meetings > 1:
        partnerships_services.communication_entry_create(
            actor=coordinator,
            partnership=p,
            kind="decision",
            date=day,
            title="Decision: continue the programme next year",
            body="Both sides agreed to continue, subject to the annual review.",
        )


def delete_partnership_details() -> None:
    from tandem.demo.world import PARTNERSHIPS

    titles = [row[0] for row in PARTNERSHIPS]
    for doc in PartnershipDocument.objects.filter(partnership__title__in=titles):
        doc.file.delete(save=False)
    # Everything else cascades when the partnership rows are deleted.
