"""Building the demo world: three institutions, eight partners, fifteen partnerships, sixty
opportunities, three hundred students and eight hundred applications, from a seed.

Same seed, same world: names, dates (laid out relative to today), stages and KPI
histories are all drawn from one ``random.Random(seed)``. Everything is written in one
transaction, through the apps' services and as the person who would do it in real life (the
platform admin registers organizations and people, a coordinator proposes partnerships and
approves postings, a recruiter posts, a student applies). What no service writes — the one
password hash shared by every demo login, dates in the past — is done by the helpers named
``_demo_…``, each saying why. The demo logins are printed by the management command.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from tandem.accounts.models import User
from tandem.applications.models import Application
from tandem.opportunities import services as opportunities
from tandem.opportunities.models import Opportunity, OpportunityStatus
from tandem.organizations import services as organizations
from tandem.organizations.models import Membership, Organization, Role
from tandem.partnerships.models import Partnership
from tandem.partnerships.services import partnership_create

from .. import (
    activity,
    cohorts,
    educator,
    engagement,
    extras,
    hires,
    past_cohort,
    placements,
    profiles,
    visits,
)
from .. import events as demo_events
from .pipeline import People, build_applications
from .specs import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    INSTITUTIONS,
    OPPORTUNITY_TEMPLATES,
    PARTNERS,
    PARTNERSHIPS,
    REFERENCE_OFFSET_DAYS,
)


@dataclass
class Summary:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _aware(d: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour, 0))


def _demo_user(email: str, name: str, password_hash: str, **extra: Any) -> User:
    """A demo login with the shared, already-hashed demo password. Demo only:
    :func:`tandem.accounts.services.user_create` hashes each password it is given, and hashing
    the same password for 330 demo logins would take minutes."""
    user = User(email=email, full_name=name, password=password_hash, **extra)
    user.save()
    return user


def build_demo_world(
    *, seed: int = 2026, reset: bool = False, progress: Callable[[str], None] | None = None
) -> Summary:
    """Build the demo world. Idempotent: if it exists and ``reset`` is false, do nothing.

    ``progress`` is told each step as it starts (the ``tandem demo`` command prints them).
    """
    existing = Organization.objects.filter(slug="riverside-cc").exists()
    if existing and not reset:
        return Summary(created=False, counts=_counts(), logins=_logins())
    with transaction.atomic():
        if existing:
            (progress or _silent)("Removing the previous demo world")
            _demo_delete()
        _build(seed, progress or _silent)
    return Summary(created=True, counts=_counts(), logins=_logins())


def _demo_delete() -> None:
    """Remove the previous demo world before a rebuild. Demo only: no service deletes whole
    organizations with their people and history, and none should."""
    demo_users = User.objects.filter(email__endswith="@" + DEMO_DOMAIN)
    engagement.delete_engagement(DEMO_DOMAIN)
    activity.delete_activity([i["slug"] for i in INSTITUTIONS])
    demo_applications = Application.objects.filter(student__in=demo_users)
    for application in demo_applications.exclude(cv=""):
        application.cv.delete(save=False)
    demo_applications.delete()
    Opportunity.objects.filter(host__slug__in=[p["slug"] for p in PARTNERS]).delete()
    Opportunity.objects.filter(host__slug__in=[i["slug"] for i in INSTITUTIONS]).delete()
    extras.delete_partnership_details()
    Partnership.objects.filter(title__in=[p[0] for p in PARTNERSHIPS]).delete()
    demo_users.delete()
    Organization.objects.filter(slug__in=[o["slug"] for o in INSTITUTIONS + PARTNERS]).delete()


def _silent(step: str) -> None:
    pass


def _build(seed: int, progress: Callable[[str], None]) -> None:
    progress("Institutions, partners and people")
    rng = random.Random(seed)
    reference_day = timezone.localdate() - timedelta(days=REFERENCE_OFFSET_DAYS)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    password_hash = make_password(DEMO_PASSWORD)  # hashed once, shared by demo users

    admin = _demo_user(
        f"admin@{DEMO_DOMAIN}", "Ada Admin", password_hash, is_staff=True, is_superuser=True
    )
    orgs = _organizations(admin, fake)
    people = _people(admin, orgs, fake, rng, password_hash)

    progress("Partnerships and opportunities")
    partnerships = _partnerships(people, orgs, rng, reference_day)
    opportunities = _opportunities(people, orgs, partnerships, rng, reference_day)
    _vetting(people, orgs)

    # Applications (800), over every stage, never more seat holders than seats.
    progress("Applications")
    build_applications(rng, people, opportunities)
    progress("Partnership objectives, KPIs, commitments and meetings")
    extras.build_partnership_details(
        rng,
        partnerships,
        orgs,
        people.partner_staff,
        people.named,
        reference_day,
        statuses={title: status for title, *_, status in PARTNERSHIPS},
    )
    progress("Past and current placement cohorts, and their hires")
    past_cohort.build_past_cohort(seed)
    hires.build_hires(seed)
    progress("Curricula, course completions and skill profiles")
    profiles.build_demo_profiles(seed, reference_day)
    educator.build_educator_work()
    cohorts.build_completed_cohort(seed)
    progress("Mentor programs")
    activity.build_mentor_programs(seed, password_hash, DEMO_DOMAIN)
    progress("Survey answers and invitations")
    activity.build_survey_responses(seed)
    progress("Match rounds")
    activity.build_match_rounds(seed)
    progress("Events, registrations and attendance")
    demo_events.build_events(seed)
    # Last: its clearance requirement would stop the steps above from starting placements.
    progress("Placement clearances and hours")
    placements.build_placements()
    progress("Site visits, incidents, minors and partner due diligence")
    visits.build_visits()
    progress("Notifications and a partnership conversation")
    engagement.build_engagement(DEMO_DOMAIN)
    # What the background refresh stores for every student, so the first visit of "For you"
    # reads a ranking as later ones do.
    progress("Students' recommendation rankings")
    profiles.build_rankings()


def _organizations(admin: User, fake: Faker) -> dict[str, Organization]:
    """The platform admin registers the institutions and partners, each with a site."""
    orgs: dict[str, Organization] = {}
    for spec in INSTITUTIONS:
        org = organizations.organization_create(
            actor=admin,
            slug=spec["slug"],
            name=spec["name"],
            kind="institution",
            type=spec["type"],
            sector="education",
            city=spec["city"],
            region=spec["region"],
            description=spec["description"],
            country="GB",
            website=f"https://{spec['slug']}.example.org",
        )
        orgs[spec["slug"]] = org
        organizations.site_create(
            actor=admin,
            organization=org,
            name="Main campus",
            city=spec["city"],
            region=spec["region"],
        )
    for spec in PARTNERS:
        org = organizations.organization_create(
            actor=admin,
            slug=spec["slug"],
            name=spec["name"],
            kind="partner",
            type=spec["type"],
            sector=spec["sector"],
            city=spec["city"],
            region="Yorkshire and the Humber" if spec["city"] != "Manchester" else "North West",
            description=spec["description"],
            country="GB",
            website=f"https://{spec['slug']}.example.com",
        )
        orgs[spec["slug"]] = org
        organizations.site_create(
            actor=admin,
            organization=org,
            name=f"{spec['city']} site",
            city=spec["city"],
            address=fake.street_address(),
            postcode=fake.postcode(),
        )
    return orgs


def _people(
    admin: User,
    orgs: dict[str, Organization],
    fake: Faker,
    rng: random.Random,
    password_hash: str,
) -> People:
    """The named demo logins, one per role, the other organizations' staff and 300 students;
    the platform admin gives each their role."""

    def add(user: User, org: Organization, role: str, **details: Any) -> User:
        organizations.membership_add(actor=admin, organization=org, user=user, role=role, **details)
        return user

    riverside = orgs["riverside-cc"]
    named_specs = {
        "coordinator": (
            "Priya Shah",
            riverside,
            Role.COORDINATOR,
            "Careers and placements manager",
        ),
        "educator": ("Tom Okafor", riverside, Role.EDUCATOR, "Programme lead, cybersecurity"),
        "recruiter": ("Grace Lin", orgs["brightwave"], Role.RECRUITER, "Early careers lead"),
        "supervisor": ("Marek Nowak", orgs["brightwave"], Role.SUPERVISOR, "Engineering manager"),
        "mentor": ("Amara Bello", orgs["st-aldrics"], Role.MENTOR, "Senior staff nurse"),
        "funder": ("Helen Carter", orgs["yorkshire-skills"], Role.FUNDER, "Programme officer"),
    }
    named: dict[str, tuple[User, Organization, str, str]] = {
        key: (_demo_user(f"{key}@{DEMO_DOMAIN}", name, password_hash), org, role, title)
        for key, (name, org, role, title) in named_specs.items()
    }
    for user, org, role, title in named.values():
        add(user, org, role, title=title)
    # Coordinators and educators for the other institutions, recruiters for other partners.
    coordinators = {riverside.pk: named["coordinator"][0]}
    for inst in (orgs["northgate-high"], orgs["eastmoor-university"]):
        coord = _demo_user(f"careers.{inst.slug}@{DEMO_DOMAIN}", fake.name(), password_hash)
        coordinators[inst.pk] = add(coord, inst, Role.COORDINATOR, title="Careers coordinator")
        educator = _demo_user(f"teacher.{inst.slug}@{DEMO_DOMAIN}", fake.name(), password_hash)
        add(educator, inst, Role.EDUCATOR, title="Programme lead")
    partner_staff: dict[str, list[User]] = {
        "brightwave": [named["recruiter"][0], named["supervisor"][0]]
    }
    for spec in PARTNERS:
        if spec["slug"] == "brightwave":
            continue
        org = orgs[spec["slug"]]
        rec = _demo_user(f"recruiter.{spec['slug']}@{DEMO_DOMAIN}", fake.name(), password_hash)
        add(rec, org, Role.RECRUITER, title="Talent partner")
        sup = _demo_user(f"supervisor.{spec['slug']}@{DEMO_DOMAIN}", fake.name(), password_hash)
        add(sup, org, Role.SUPERVISOR, title="Workplace supervisor")
        partner_staff[spec["slug"]] = [rec, sup]

    # Students: 300 across the three institutions, the named demo student first.
    demo_student = _demo_user(f"student@{DEMO_DOMAIN}", "Sam Rivera", password_hash)
    add(demo_student, riverside, Role.STUDENT, program="Cybersecurity", year_of_study=2)
    students: list[tuple[User, Organization, str, int]] = [
        (demo_student, riverside, "Cybersecurity", 2)
    ]
    for spec in INSTITUTIONS:
        inst = orgs[spec["slug"]]
        count = spec["students"] - (1 if inst == riverside else 0)
        for i in range(count):
            program, years = spec["programs"][i % len(spec["programs"])]
            year = rng.randint(1, years)
            name = fake.unique.name()
            email = f"{spec['slug']}.student{i + 1:03d}@{DEMO_DOMAIN}"
            user = _demo_user(email, name, password_hash)
            add(user, inst, Role.STUDENT, program=program, year_of_study=year)
            students.append((user, inst, program, year))
    return People(
        admin=admin,
        named=named,
        coordinators=coordinators,
        partner_staff=partner_staff,
        students=students,
    )


def _partnerships(
    people: People, orgs: dict[str, Organization], rng: random.Random, reference_day: date
) -> list[Partnership]:
    """Fifteen partnerships covering every type, each proposed by a coordinator of its first
    institution. They start as proposals; :mod:`tandem.demo.extras` walks each one along the
    lifecycle to its status."""
    partnerships: list[Partnership] = []
    for n, (title, inst_slugs, partner_slugs, types, _status) in enumerate(PARTNERSHIPS):
        start = reference_day - timedelta(days=rng.randint(120, 700))
        partnerships.append(
            partnership_create(
                actor=people.coordinators[orgs[inst_slugs[0]].pk],
                title=title,
                types=types,
                institutions=[orgs[s] for s in inst_slugs],
                partners=[orgs[s] for s in partner_slugs],
                summary=(
                    f"{title}: a partnership between "
                    f"{', '.join(orgs[s].name for s in inst_slugs)} and "
                    f"{', '.join(orgs[s].name for s in partner_slugs)}."
                ),
                start_date=start,
                end_date=start + timedelta(days=3 * 365),
                next_review_date=reference_day + timedelta(days=30 + 21 * n),
            )
        )
    return partnerships


def _opportunities(
    people: People,
    orgs: dict[str, Organization],
    partnerships: list[Partnership],
    rng: random.Random,
    reference_day: date,
) -> list[tuple[Opportunity, str, datetime]]:
    """Sixty postings: each partner's recruiter drafts from its sector's templates and sends
    most to institutions; the institutions' coordinators approve all but the six still
    awaiting approval. Returns each posting with the status it is meant to end in (closed and
    filled come after the applications) and its laid-out application deadline."""
    riverside, eastmoor = orgs["riverside-cc"], orgs["eastmoor-university"]
    now = timezone.now()
    made: list[tuple[Opportunity, str, datetime]] = []
    seen_titles: set[tuple[int, str]] = set()
    statuses = (
        [OpportunityStatus.PUBLISHED] * 38
        + [OpportunityStatus.CLOSED] * 8
        + [OpportunityStatus.AWAITING_APPROVAL] * 6
        + [OpportunityStatus.DRAFT] * 4
        + [OpportunityStatus.FILLED] * 4
    )
    rng.shuffle(statuses)
    partners_of = {p.pk: {o.pk for o in p.partners.all()} for p in partnerships}
    for i in range(60):
        spec = PARTNERS[i % len(PARTNERS)]
        host = orgs[spec["slug"]]
        recruiter = people.partner_staff[spec["slug"]][0]
        title, otype, skills, description = OPPORTUNITY_TEMPLATES[spec["sector"]][
            (i // len(PARTNERS)) % len(OPPORTUNITY_TEMPLATES[spec["sector"]])
        ]
        linked = [p for p in partnerships if host.pk in partners_of[p.pk]]
        partnership = linked[i % len(linked)] if linked else None
        start = reference_day + timedelta(days=rng.randint(20, 200))
        paid = otype in {"internship", "apprenticeship", "coop"}
        work_mode = (
            rng.choice(["on_site", "on_site", "hybrid", "remote"])
            if spec["sector"] == "technology"
            else "on_site"
        )
        end = start + timedelta(days=rng.choice([1, 3, 56, 70, 180, 365]))
        hours = Decimal(rng.choice([15, 22.5, 30, 37.5]))
        pay = Decimal(rng.choice([1200, 1450, 1800, 2100])) if paid else None
        seats = rng.choice([2, 3, 4, 5, 6, 8])
        deadline = _aware(start - timedelta(days=rng.randint(10, 40)), 17)
        opp = opportunities.opportunity_create(
            actor=recruiter,
            host=host,
            partnership=partnership,
            site=host.sites.first(),
            # A host posting the same kind of opportunity again names the intake.
            title=title
            if (host.pk, title) not in seen_titles
            else f"{title} ({start:%B %Y} intake)",
            type=otype,
            description=description,
            skills_wanted=skills,
            location=host.city,
            work_mode=work_mode,
            start_date=start,
            end_date=end,
            hours_per_week=hours,
            pay_amount=pay,
            pay_currency="GBP",
            pay_period="month" if paid else "",
            seats=seats,
            min_year_of_study=None,
            # A deadline already past is set once the applications are in (see pipeline).
            application_deadline=deadline if deadline > now else None,
        )
        status = statuses[i]
        if status != OpportunityStatus.DRAFT:
            targets = (
                list(partnership.institutions.all())
                if partnership is not None
                else [riverside, eastmoor]
            )
            opportunities.opportunity_submit(actor=recruiter, opportunity=opp, institutions=targets)
            if status != OpportunityStatus.AWAITING_APPROVAL:
                for inst in targets:
                    opportunities.opportunity_decide(
                        actor=people.coordinators[inst.pk],
                        opportunity=opp,
                        institution=inst,
                        approve=True,
                    )
        seen_titles.add((host.pk, title))
        made.append((opp, status, deadline))
    return made


def _vetting(people: People, orgs: dict[str, Organization]) -> None:
    """Every institution's coordinator has vetted every partner, except Eastmoor, which is
    still looking at the Yorkshire Skills Agency."""
    for inst_spec in INSTITUTIONS:
        institution = orgs[inst_spec["slug"]]
        for spec in PARTNERS:
            pending = (
                inst_spec["slug"] == "eastmoor-university" and spec["slug"] == "yorkshire-skills"
            )
            organizations.partner_vetting_decide(
                actor=people.coordinators[institution.pk],
                institution=institution,
                partner=orgs[spec["slug"]],
                status="pending" if pending else "approved",
            )


def _counts() -> dict[str, int]:
    demo_users = User.objects.filter(email__endswith="@" + DEMO_DOMAIN)
    return {
        "institutions": Organization.objects.filter(kind="institution").count(),
        "partners": Organization.objects.filter(kind="partner").count(),
        "partnerships": Partnership.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "students": Membership.objects.filter(role=Role.STUDENT, user__in=demo_users).count(),
        "applications": Application.objects.count(),
    }


def _logins() -> list[tuple[str, str, str]]:
    return [
        ("Platform admin", f"admin@{DEMO_DOMAIN}", "Django admin and everything"),
        ("Student", f"student@{DEMO_DOMAIN}", "Riverside Community College, Cybersecurity"),
        ("Career-office coordinator", f"coordinator@{DEMO_DOMAIN}", "Riverside Community College"),
        ("Educator", f"educator@{DEMO_DOMAIN}", "Riverside Community College"),
        ("Partner recruiter", f"recruiter@{DEMO_DOMAIN}", "Brightwave Software"),
        ("Workplace supervisor", f"supervisor@{DEMO_DOMAIN}", "Brightwave Software"),
        ("Mentor", f"mentor@{DEMO_DOMAIN}", "St Aldric's Hospital"),
        ("Funder / government officer", f"funder@{DEMO_DOMAIN}", "Yorkshire Skills Agency"),
    ]
