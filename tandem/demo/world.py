"""The demo world: three institutions, eight partners, fifteen partnerships, sixty
opportunities, three hundred students and eight hundred applications, built from a seed.

Same seed, same world: names, dates (laid out relative to today), stages and KPI
histories are all drawn from one ``random.Random(seed)``. Everything is written in one
transaction; the demo logins are printed by the management command.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from tandem.accounts.models import User
from tandem.applications.models import SEAT_HOLDING_STAGES, Application, Stage, StageChange
from tandem.opportunities.models import (
    Opportunity,
    OpportunityApproval,
    OpportunityStatus,
)
from tandem.organizations.models import (
    Membership,
    Organization,
    PartnerVetting,
    Role,
    Site,
)
from tandem.partnerships.models import Partnership

from . import activity, cohorts, extras, hires, past_cohort, profiles

DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105 - printed on purpose for the demo
DEMO_DOMAIN = "demo.tandem.test"
# Dates are laid out around a reference day two months before today, so the demo always has
# open postings, placements under way and reviews coming up, whenever it is built. The seed
# fixes everything else.
REFERENCE_OFFSET_DAYS = 60


@dataclass
class Summary:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


INSTITUTIONS: list[dict[str, Any]] = [
    {
        "slug": "northgate-high",
        "name": "Northgate High School",
        "type": "high_school",
        "city": "Leeds",
        "region": "Yorkshire and the Humber",
        "description": (
            "A public high school running a six-year school–college–work pathway (grades 9 to "
            "14) with Riverside Community College and local employers: students graduate with "
            "a high-school diploma, an associate degree and first-in-line interviews."
        ),
        "programs": [
            ("P-TECH pathway: software and networking", 6),
            ("P-TECH pathway: health sciences", 6),
            ("Advanced manufacturing pathway", 6),
        ],
        "students": 80,
    },
    {
        "slug": "riverside-cc",
        "name": "Riverside Community College",
        "type": "college",
        "city": "Bradford",
        "region": "Yorkshire and the Humber",
        "description": (
            "A community college offering associate degrees, apprenticeships and short "
            "courses in nursing, cybersecurity, mechatronics and welding."
        ),
        "programs": [
            ("Associate degree in nursing", 2),
            ("Cybersecurity", 2),
            ("Mechatronics technology", 2),
            ("Medical laboratory technician", 2),
            ("Welding technology", 2),
        ],
        "students": 110,
    },
    {
        "slug": "eastmoor-university",
        "name": "University of Eastmoor",
        "type": "university",
        "city": "Sheffield",
        "region": "Yorkshire and the Humber",
        "description": (
            "A research university with strong engineering, computing and biomedical "
            "schools and a central careers and placements office."
        ),
        "programs": [
            ("BSc Computer Science", 4),
            ("BEng Mechanical Engineering", 4),
            ("BSc Biomedical Science", 3),
            ("BSc Data Science", 3),
            ("MSc Robotics", 1),
        ],
        "students": 110,
    },
]

PARTNERS: list[dict[str, Any]] = [
    {
        "slug": "brightwave",
        "name": "Brightwave Software",
        "type": "company",
        "sector": "technology",
        "city": "Leeds",
        "description": "Builds scheduling and logistics software for 400 customers.",
    },
    {
        "slug": "cloudharbor",
        "name": "Cloudharbor Data",
        "type": "company",
        "sector": "technology",
        "city": "Manchester",
        "description": "Runs data centres and a managed cloud platform in the north of England.",
    },
    {
        "slug": "st-aldrics",
        "name": "St Aldric's Hospital",
        "type": "hospital",
        "sector": "health_care",
        "city": "Sheffield",
        "description": "A 900-bed teaching hospital with a regional trauma centre.",
    },
    {
        "slug": "meadowview",
        "name": "Meadowview Community Clinic",
        "type": "hospital",
        "sector": "health_care",
        "city": "Bradford",
        "description": "Primary care, diagnostics and community nursing for 60,000 patients.",
    },
    {
        "slug": "kestrel",
        "name": "Kestrel Precision Engineering",
        "type": "manufacturer",
        "sector": "manufacturing",
        "city": "Rotherham",
        "description": "Machines aerospace and medical components to micron tolerances.",
    },
    {
        "slug": "ironbridge",
        "name": "Ironbridge Automotive Systems",
        "type": "manufacturer",
        "sector": "manufacturing",
        "city": "Wakefield",
        "description": "Makes electric-vehicle battery enclosures and robotic welding cells.",
    },
    {
        "slug": "helix",
        "name": "Helix Biologics",
        "type": "manufacturer",
        "sector": "health_care",
        "city": "Leeds",
        "description": "Manufactures biologic medicines under GMP; runs a quality-control lab.",
    },
    {
        "slug": "yorkshire-skills",
        "name": "Yorkshire Skills Agency",
        "type": "public_agency",
        "sector": "public_sector",
        "city": "York",
        "description": "Regional agency funding apprenticeships and teacher industry placements.",
    },
]

# Fifteen partnerships covering every type: (title, institution slugs, partner slugs, types,
# status).
PARTNERSHIPS: list[tuple[str, list[str], list[str], list[str], str]] = [
    (
        "Software apprenticeships for P-TECH graduates",
        ["northgate-high", "riverside-cc"],
        ["brightwave"],
        ["internships", "mentoring"],
        "active",
    ),
    (
        "Cloud operations curriculum",
        ["riverside-cc"],
        ["cloudharbor"],
        ["curriculum", "guest_lectures"],
        "active",
    ),
    (
        "Clinical placements in acute care",
        ["riverside-cc", "eastmoor-university"],
        ["st-aldrics"],
        ["internships"],
        "active",
    ),
    (
        "Community nursing rotations",
        ["riverside-cc"],
        ["meadowview"],
        ["internships", "mentoring"],
        "under_review",
    ),
    (
        "Precision machining apprenticeships",
        ["riverside-cc", "northgate-high"],
        ["kestrel"],
        ["internships", "curriculum"],
        "active",
    ),
    ("EV battery research chair", ["eastmoor-university"], ["ironbridge"], ["research"], "active"),
    (
        "Robotic welding capstone projects",
        ["eastmoor-university", "riverside-cc"],
        ["ironbridge"],
        ["industry_projects"],
        "active",
    ),
    (
        "Biomanufacturing quality-lab placements",
        ["eastmoor-university"],
        ["helix"],
        ["internships", "industry_projects"],
        "negotiating",
    ),
    (
        "Teacher industry fellowships",
        ["northgate-high", "riverside-cc"],
        ["yorkshire-skills", "kestrel"],
        ["professional_development"],
        "active",
    ),
    (
        "Data science guest lecture series",
        ["eastmoor-university"],
        ["cloudharbor"],
        ["guest_lectures"],
        "renewed",
    ),
    (
        "Health sciences mentoring circle",
        ["northgate-high"],
        ["st-aldrics", "meadowview"],
        ["mentoring"],
        "active",
    ),
    (
        "Cybersecurity range sponsorship",
        ["riverside-cc"],
        ["brightwave", "yorkshire-skills"],
        ["research", "curriculum"],
        "proposed",
    ),
    (
        "Medical lab technician curriculum refresh",
        ["riverside-cc"],
        ["helix", "meadowview"],
        ["curriculum"],
        "active",
    ),
    (
        "Manufacturing open days and workshops",
        ["northgate-high"],
        ["ironbridge", "kestrel"],
        ["guest_lectures", "professional_development"],
        "concluded",
    ),
    (
        "Regional apprenticeship levy fund",
        ["riverside-cc", "eastmoor-university"],
        ["yorkshire-skills"],
        ["research", "internships"],
        "active",
    ),
]

OPPORTUNITY_TEMPLATES: dict[str, list[tuple[str, str, str, str]]] = {
    # sector -> (title, type, skills wanted, description)
    "technology": [
        (
            "Junior software developer internship",
            "internship",
            "Python, SQL, Git, unit testing, teamwork",
            "Join a product squad shipping features to customers every week. You will pair "
            "with senior developers, write tests, and present your work at the sprint review.",
        ),
        (
            "Cloud operations apprenticeship",
            "apprenticeship",
            "Linux administration, networking, scripting, incident response",
            "Learn to run production systems: monitoring, on-call with a buddy, automation with "
            "Ansible and Terraform, and a Level 4 qualification paid for by us.",
        ),
        (
            "Data analyst co-op",
            "coop",
            "SQL, spreadsheets, data visualisation, statistics, communication",
            "Six months in our analytics team turning operational data into dashboards that "
            "planners use every morning.",
        ),
        (
            "Cybersecurity job shadowing",
            "job_shadowing",
            "Curiosity, networking basics, attention to detail",
            "Three days with our security operations centre: triage alerts, watch a phishing "
            "investigation, and meet the red team.",
        ),
        (
            "Capstone: route optimisation engine",
            "capstone",
            "Algorithms, Python, operations research, project management",
            "A final-year team builds a prototype optimiser for delivery routes with real, "
            "anonymised data and weekly reviews with our engineers.",
        ),
    ],
    "health_care": [
        (
            "Adult nursing clinical placement",
            "clinical",
            "Patient care, infection control, communication, record keeping",
            "An eight-week supervised placement on acute medical wards with a named practice "
            "assessor and protected learning time.",
        ),
        (
            "Medical laboratory placement",
            "clinical",
            "Laboratory safety, pipetting, quality control, haematology",
            "Work in the pathology lab alongside biomedical scientists on blood sciences and "
            "microbiology, following ISO 15189 procedures.",
        ),
        (
            "Health-care assistant apprenticeship",
            "apprenticeship",
            "Empathy, personal care, teamwork, basic life support",
            "Earn while you learn: a Level 3 apprenticeship in community clinics with a clear "
            "route into nursing degree entry.",
        ),
        (
            "Research project: sepsis early warning",
            "research",
            "Statistics, R or Python, clinical data, literature review",
            "Help our data team evaluate an early-warning score on five years of anonymised "
            "admissions data.",
        ),
        (
            "Careers in health: job shadowing day",
            "job_shadowing",
            "Interest in health care, reliability",
            "Spend a day with radiographers, pharmacists and nurses to see which career fits.",
        ),
    ],
    "manufacturing": [
        (
            "CNC machinist apprenticeship",
            "apprenticeship",
            "Technical drawing, CNC programming, measurement, health and safety",
            "Four-year apprenticeship on 5-axis machining centres, with day release to college "
            "and a guaranteed job offer on completion.",
        ),
        (
            "Mechatronics summer internship",
            "internship",
            "PLC programming, electrical wiring, troubleshooting, teamwork",
            "Ten weeks commissioning robotic welding cells with our automation engineers.",
        ),
        (
            "Quality engineering co-op",
            "coop",
            "Statistical process control, root-cause analysis, GD&T",
            "Run capability studies and help our quality team cut scrap on a new product line.",
        ),
        (
            "Welding workshop for high-school students",
            "workshop",
            "No experience needed; safety briefing given",
            "A hands-on afternoon in our training bay: MIG welding with instructors, safety "
            "first, and a tour of the plant.",
        ),
        (
            "Guest lecture: lean manufacturing in practice",
            "guest_lecture",
            "Interest in operations",
            "Our operations director explains how the plant halved lead times in two years.",
        ),
    ],
    "public_sector": [
        (
            "Skills policy research internship",
            "internship",
            "Research, writing, data analysis, stakeholder interviews",
            "Support the agency's annual regional skills assessment with labour-market data.",
        ),
    ],
}

STAGE_WEIGHTS: list[tuple[str, int]] = [
    (Stage.SUBMITTED, 190),
    (Stage.UNDER_REVIEW, 140),
    (Stage.SHORTLISTED, 90),
    (Stage.INTERVIEW, 70),
    (Stage.OFFER, 45),
    (Stage.ACCEPTED, 50),
    (Stage.DECLINED, 30),
    (Stage.WITHDRAWN, 40),
    (Stage.REJECTED, 85),
    (Stage.PLACED, 35),
    (Stage.COMPLETED, 25),
]

# Stages of an application whose selection is still under way.
OPEN_STAGES = frozenset(
    {Stage.SUBMITTED, Stage.UNDER_REVIEW, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER}
)

STAGE_PATH: dict[str, list[str]] = {
    Stage.SUBMITTED: [],
    Stage.UNDER_REVIEW: [Stage.UNDER_REVIEW],
    Stage.SHORTLISTED: [Stage.UNDER_REVIEW, Stage.SHORTLISTED],
    Stage.INTERVIEW: [Stage.UNDER_REVIEW, Stage.SHORTLISTED, Stage.INTERVIEW],
    Stage.OFFER: [Stage.UNDER_REVIEW, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER],
    Stage.ACCEPTED: [
        Stage.UNDER_REVIEW,
        Stage.SHORTLISTED,
        Stage.INTERVIEW,
        Stage.OFFER,
        Stage.ACCEPTED,
    ],
    Stage.DECLINED: [
        Stage.UNDER_REVIEW,
        Stage.SHORTLISTED,
        Stage.INTERVIEW,
        Stage.OFFER,
        Stage.DECLINED,
    ],
    Stage.WITHDRAWN: [Stage.UNDER_REVIEW, Stage.WITHDRAWN],
    Stage.REJECTED: [Stage.UNDER_REVIEW, Stage.REJECTED],
    Stage.PLACED: [
        Stage.UNDER_REVIEW,
        Stage.SHORTLISTED,
        Stage.INTERVIEW,
        Stage.OFFER,
        Stage.ACCEPTED,
        Stage.PLACED,
    ],
    Stage.COMPLETED: [
        Stage.UNDER_REVIEW,
        Stage.SHORTLISTED,
        Stage.INTERVIEW,
        Stage.OFFER,
        Stage.ACCEPTED,
        Stage.PLACED,
        Stage.COMPLETED,
    ],
}

STATEMENTS = [
    "I have wanted to work in {sector} since my first work-experience week, and your team's "
    "projects are exactly the kind of work I want to learn.",
    "My course has given me the basics; I am looking for a place where I can practise them "
    "on real problems with people who care about quality.",
    "I am reliable, I learn quickly, and I enjoy working in a team. This opportunity fits "
    "my programme and my plans after graduation.",
    "I completed a project on a similar topic last term and would love to see how it is done "
    "in industry.",
]


def _aware(d: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour, 0))


def _user(email: str, name: str, password_hash: str, **extra: Any) -> User:
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
            _delete_demo()
        _build(seed, progress or _silent)
    return Summary(created=True, counts=_counts(), logins=_logins())


def _delete_demo() -> None:
    demo_users = User.objects.filter(email__endswith="@" + DEMO_DOMAIN)
    activity.delete_activity([i["slug"] for i in INSTITUTIONS])
    Application.objects.filter(student__in=demo_users).delete()
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

    orgs: dict[str, Organization] = {}
    for spec in INSTITUTIONS:
        orgs[spec["slug"]] = Organization.objects.create(
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
        Site.objects.create(
            organization=orgs[spec["slug"]],
            name="Main campus",
            city=spec["city"],
            region=spec["region"],
        )
    for spec in PARTNERS:
        org = Organization.objects.create(
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
        Site.objects.create(
            organization=org,
            name=f"{spec['city']} site",
            city=spec["city"],
            address=fake.street_address(),
            postcode=fake.postcode(),
        )

    # Every institution has vetted every partner except one still pending.
    for inst_spec in INSTITUTIONS:
        for spec in PARTNERS:
            pending = (
                inst_spec["slug"] == "eastmoor-university" and spec["slug"] == "yorkshire-skills"
            )
            PartnerVetting.objects.create(
                institution=orgs[inst_spec["slug"]],
                partner=orgs[spec["slug"]],
                status="pending" if pending else "approved",
                decided_at=None if pending else _aware(reference_day - timedelta(days=200)),
            )

    # Named demo logins, one per role.
    _user(f"admin@{DEMO_DOMAIN}", "Ada Admin", password_hash, is_staff=True, is_superuser=True)
    riverside, northgate, eastmoor = (
        orgs["riverside-cc"],
        orgs["northgate-high"],
        orgs["eastmoor-university"],
    )
    named = {
        "coordinator": (
            _user(f"coordinator@{DEMO_DOMAIN}", "Priya Shah", password_hash),
            riverside,
            Role.COORDINATOR,
            "Careers and placements manager",
        ),
        "educator": (
            _user(f"educator@{DEMO_DOMAIN}", "Tom Okafor", password_hash),
            riverside,
            Role.EDUCATOR,
            "Programme lead, cybersecurity",
        ),
        "recruiter": (
            _user(f"recruiter@{DEMO_DOMAIN}", "Grace Lin", password_hash),
            orgs["brightwave"],
            Role.RECRUITER,
            "Early careers lead",
        ),
        "supervisor": (
            _user(f"supervisor@{DEMO_DOMAIN}", "Marek Nowak", password_hash),
            orgs["brightwave"],
            Role.SUPERVISOR,
            "Engineering manager",
        ),
        "mentor": (
            _user(f"mentor@{DEMO_DOMAIN}", "Amara Bello", password_hash),
            orgs["st-aldrics"],
            Role.MENTOR,
            "Senior staff nurse",
        ),
        "funder": (
            _user(f"funder@{DEMO_DOMAIN}", "Helen Carter", password_hash),
            orgs["yorkshire-skills"],
            Role.FUNDER,
            "Programme officer",
        ),
    }
    for user, org, role, title in named.values():
        Membership.objects.create(user=user, organization=org, role=role, title=title)
    # Coordinators and educators for the other institutions, recruiters for other partners.
    staff: dict[str, list[User]] = {"coordinator": [named["coordinator"][0]]}
    for inst in (northgate, eastmoor):
        coord = _user(f"careers.{inst.slug}@{DEMO_DOMAIN}", fake.name(), password_hash)
        Membership.objects.create(
            user=coord, organization=inst, role=Role.COORDINATOR, title="Careers coordinator"
        )
        educator = _user(f"teacher.{inst.slug}@{DEMO_DOMAIN}", fake.name(), password_hash)
        Membership.objects.create(
            user=educator, organization=inst, role=Role.EDUCATOR, title="Programme lead"
        )
    partner_staff: dict[str, list[User]] = {
        "brightwave": [named["recruiter"][0], named["supervisor"][0]]
    }
    for spec in PARTNERS:
        if spec["slug"] == "brightwave":
            continue
        rec = _user(f"recruiter.{spec['slug']}@{DEMO_DOMAIN}", fake.name(), password_hash)
        Membership.objects.create(
            user=rec, organization=orgs[spec["slug"]], role=Role.RECRUITER, title="Talent partner"
        )
        sup = _user(f"supervisor.{spec['slug']}@{DEMO_DOMAIN}", fake.name(), password_hash)
        Membership.objects.create(
            user=sup,
            organization=orgs[spec["slug"]],
            role=Role.SUPERVISOR,
            title="Workplace supervisor",
        )
        partner_staff[spec["slug"]] = [rec, sup]

    # Students: 300 across the three institutions, the named demo student first.
    students: list[tuple[User, Organization, str, int]] = []
    demo_student = _user(f"student@{DEMO_DOMAIN}", "Sam Rivera", password_hash)
    Membership.objects.create(
        user=demo_student,
        organization=riverside,
        role=Role.STUDENT,
        program="Cybersecurity",
        year_of_study=2,
    )
    students.append((demo_student, riverside, "Cybersecurity", 2))
    for spec in INSTITUTIONS:
        inst = orgs[spec["slug"]]
        count = spec["students"] - (1 if inst == riverside else 0)
        for i in range(count):
            program, years = spec["programs"][i % len(spec["programs"])]
            year = rng.randint(1, years)
            name = fake.unique.name()
            email = f"{spec['slug']}.student{i + 1:03d}@{DEMO_DOMAIN}"
            user = _user(email, name, password_hash)
            Membership.objects.create(
                user=user, organization=inst, role=Role.STUDENT, program=program, year_of_study=year
            )
            students.append((user, inst, program, year))

    # Partnerships (15), with every type covered.
    progress("Partnerships and opportunities")
    partnerships: list[Partnership] = []
    for n, (title, inst_slugs, partner_slugs, types, status) in enumerate(PARTNERSHIPS):
        start = reference_day - timedelta(days=rng.randint(120, 700))
        p = Partnership.objects.create(
            title=title,
            types=types,
            status=status,
            summary=(
                f"{title}: a partnership between "
                f"{', '.join(orgs[s].name for s in inst_slugs)} and "
                f"{', '.join(orgs[s].name for s in partner_slugs)}."
            ),
            start_date=start,
            end_date=start + timedelta(days=3 * 365),
            next_review_date=reference_day + timedelta(days=30 + 21 * n),
            created_by=staff["coordinator"][0],
        )
        p.institutions.set([orgs[s] for s in inst_slugs])
        p.partners.set([orgs[s] for s in partner_slugs])
        partnerships.append(p)

    # Opportunities (60): each partner posts from its sector's templates.
    opportunities: list[Opportunity] = []
    seen_titles: set[tuple[int, str]] = set()
    partner_specs = [s for s in PARTNERS]
    statuses = (
        [OpportunityStatus.PUBLISHED] * 38
        + [OpportunityStatus.CLOSED] * 8
        + [OpportunityStatus.AWAITING_APPROVAL] * 6
        + [OpportunityStatus.DRAFT] * 4
        + [OpportunityStatus.FILLED] * 4
    )
    rng.shuffle(statuses)
    for i in range(60):
        spec = partner_specs[i % len(partner_specs)]
        host = orgs[spec["slug"]]
        templates = OPPORTUNITY_TEMPLATES[spec["sector"]]
        title, otype, skills, description = templates[(i // len(partner_specs)) % len(templates)]
        linked = [p for p in partnerships if host in p.partners.all()]
        partnership = linked[i % len(linked)] if linked else None
        start = reference_day + timedelta(days=rng.randint(20, 200))
        paid = otype in {"internship", "apprenticeship", "coop"}
        opp = Opportunity.objects.create(
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
            work_mode=rng.choice(["on_site", "on_site", "hybrid", "remote"])
            if spec["sector"] == "technology"
            else "on_site",
            start_date=start,
            end_date=start + timedelta(days=rng.choice([1, 3, 56, 70, 180, 365])),
            hours_per_week=Decimal(rng.choice([15, 22.5, 30, 37.5])),
            pay_amount=Decimal(rng.choice([1200, 1450, 1800, 2100])) if paid else None,
            pay_currency="GBP",
            pay_period="month" if paid else "",
            seats=rng.choice([2, 3, 4, 5, 6, 8]),
            min_year_of_study=None,
            application_deadline=_aware(start - timedelta(days=rng.randint(10, 40)), 17),
            status=statuses[i],
            created_by=partner_staff[spec["slug"]][0],
        )
        if statuses[i] != OpportunityStatus.DRAFT:
            targets = (
                partnership.institutions.all() if partnership is not None else [riverside, eastmoor]
            )
            for inst in targets:
                if statuses[i] == OpportunityStatus.AWAITING_APPROVAL:
                    approval = "pending"
                else:
                    approval = "approved"
                OpportunityApproval.objects.create(
                    opportunity=opp,
                    institution=inst,
                    status=approval,
                    decided_at=None
                    if approval == "pending"
                    else _aware(start - timedelta(days=60)),
                )
        seen_titles.add((host.pk, title))
        opportunities.append(opp)

    # Applications (800), over every stage, never more seat holders than seats.
    progress("Applications")
    _build_applications(rng, students, opportunities, partner_staff, named, orgs)
    progress("Partnership objectives, KPIs, commitments and meetings")
    extras.build_partnership_details(rng, partnerships, orgs, partner_staff, named, reference_day)
    progress("Past and current placement cohorts, and their hires")
    past_cohort.build_past_cohort(seed)
    hires.build_hires(seed)
    progress("Curricula, course completions and skill profiles")
    profiles.build_demo_profiles(seed, reference_day)
    cohorts.build_completed_cohort(seed)
    progress("Mentor programs")
    activity.build_mentor_programs(seed, password_hash, DEMO_DOMAIN)
    progress("Survey answers and invitations")
    activity.build_survey_responses(seed)
    progress("Match rounds")
    activity.build_match_rounds(seed)


def _build_applications(
    rng: random.Random,
    students: Sequence[tuple[User, Organization, str, int]],
    opportunities: Sequence[Opportunity],
    partner_staff: dict[str, list[User]],
    named: Mapping[str, tuple[User, Organization, str, str]],
    orgs: dict[str, Organization],
) -> None:
    open_opps = [
        o
        for o in opportunities
        if o.status
        in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED, OpportunityStatus.FILLED)
    ]
    approved_by: dict[int, set[int]] = {}
    for a in OpportunityApproval.objects.filter(status="approved").values_list(
        "opportunity_id", "institution_id"
    ):
        approved_by.setdefault(a[0], set()).add(a[1])
    seats_left = {o.pk: o.seats for o in open_opps}
    stages = [s for s, _ in STAGE_WEIGHTS]
    weights = [w for _, w in STAGE_WEIGHTS]
    taken: set[tuple[int, int]] = set()
    coordinator = named["coordinator"][0]
    created = 0
    attempts = 0
    changes: list[tuple[StageChange, datetime]] = []
    now = timezone.now()
    while created < 800 and attempts < 20000:
        attempts += 1
        student, inst, _program, _year = students[rng.randrange(len(students))]
        opp = open_opps[rng.randrange(len(open_opps))]
        if inst.pk not in approved_by.get(opp.pk, set()) or (opp.pk, student.pk) in taken:
            continue
        stage = rng.choices(stages, weights)[0]
        if opp.status != OpportunityStatus.PUBLISHED:
            # A closed or filled posting has finished selecting: nobody is still waiting.
            if stage in OPEN_STAGES or stage == Stage.ACCEPTED:
                stage = rng.choice([Stage.COMPLETED, Stage.COMPLETED, Stage.PLACED, Stage.REJECTED])
        elif stage in (Stage.PLACED, Stage.COMPLETED):
            stage = Stage.ACCEPTED  # a published posting's placements have not started yet
        if stage in SEAT_HOLDING_STAGES:
            if seats_left[opp.pk] <= 0:
                stage = Stage.REJECTED
            else:
                seats_left[opp.pk] -= 1
        taken.add((opp.pk, student.pk))
        # Applications arrive before the deadline and never in the future; the stage history
        # that follows stays in the past too.
        latest = min(opp.application_deadline or now, now - timedelta(days=20))
        submitted = latest - timedelta(days=rng.randint(3, 60))
        app = Application.objects.create(
            opportunity=opp,
            student=student,
            institution=inst,
            statement=rng.choice(STATEMENTS).format(sector=opp.host.get_sector_display().lower()),
            stage=stage,
        )
        host_staff = partner_staff.get(opp.host.slug, [coordinator])[0]
        previous = ""
        when = submitted
        changes.append(
            (
                StageChange(
                    application=app, from_stage="", to_stage=Stage.SUBMITTED, actor=student
                ),
                submitted,
            )
        )
        previous = Stage.SUBMITTED
        for step in STAGE_PATH[stage]:
            when = min(when + timedelta(days=rng.randint(1, 4)), now)
            actor = (
                student if step in (Stage.ACCEPTED, Stage.DECLINED, Stage.WITHDRAWN) else host_staff
            )
            changes.append(
                (
                    StageChange(application=app, from_stage=previous, to_stage=step, actor=actor),
                    when,
                )
            )
            previous = step
        Application.objects.filter(pk=app.pk).update(created_at=submitted, stage_changed_at=when)
        created += 1
    StageChange.objects.bulk_create([change for change, _when in changes])
    for change, when in changes:
        change.created_at = when
    StageChange.objects.bulk_update([c for c, _ in changes], ["created_at"], batch_size=500)
    for opp in open_opps:
        if seats_left[opp.pk] == 0 and opp.status == OpportunityStatus.PUBLISHED:
            Opportunity.objects.filter(pk=opp.pk).update(status=OpportunityStatus.FILLED)


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
