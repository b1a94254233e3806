"""What the demo world is made of: its institutions, partners, partnerships, posting
templates and the stages its applications reach. Pure data; :mod:`.build` turns it into rows
through the services."""

from __future__ import annotations

from typing import Any

from tandem.applications.models import Stage

DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105 - printed on purpose for the demo
DEMO_DOMAIN = "demo.tandem.test"
# Dates are laid out around a reference day two months before today, so the demo always has
# open postings, placements under way and reviews coming up, whenever it is built. The seed
# fixes everything else.
REFERENCE_OFFSET_DAYS = 60

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
            "Linux administration, ICT networking hardware, cyber security, Python, "
            "incident response",
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
