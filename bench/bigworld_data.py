"""The vocabulary of the big world (``bench/bigworld.py``): a fixed pool of real ESCO
concepts grouped by field, the curriculum programs, posting roles with their skills, places,
sectors, partner names, people's names and the weighted spread of application stages.

Plain data, no Django: ``bigworld.py`` imports it from the same folder.
"""

from __future__ import annotations

ESCO = "http://data.europa.eu/esco/skill/"
# A fixed pool of real ESCO v1.1.1 concepts (URI → preferred label), grouped by field.
SKILLS: dict[str, dict[str, str]] = {
    "software": {
        ESCO + "ccd0a1d9-afda-43d9-b901-96344886e14d": "Python (computer programming)",
        ESCO + "598de5b0-5b58-4ea7-8058-a4bc4d18c742": "SQL",
        ESCO + "ab1e97ed-2319-4293-a8b7-072d2648822f": "database management systems",
        ESCO + "54924a2c-daca-40d3-9716-4b38ceb04f38": "algorithms",
        ESCO + "6f8a40d6-f9ce-43ec-a72f-d4213a53f3ed": "Ansible",
        ESCO + "b3a75400-103f-42c7-b742-be11d161d05b": "manage production systems",
    },
    "security": {
        ESCO + "8088750d-8388-4170-a76f-48354c469c44": "cyber security",
        ESCO + "f9e788df-d68a-4f92-92c7-80e135fc35ff": "ICT networking hardware",
    },
    "data": {
        ESCO + "7ee4c2ea-b349-4bd2-81a3-ec31475d4833": "statistics",
        ESCO + "51586df8-1c46-4b47-8583-773cb63bf00b": "R",
        ESCO + "ed3f3dba-3a35-4ed5-b113-67f4d10ef4c8": "scientific research methodology",
    },
    "health": {
        ESCO + "6d13053b-ee35-492c-8976-8178420df398": "infection control",
        ESCO + "198b614d-a9af-46f5-b3fd-2672b401dd8e": "health and safety in the workplace",
    },
    "engineering": {
        ESCO + "59ea80e1-463a-4dba-82c6-d0b6d577d532": "technical drawings",
        ESCO + "198b614d-a9af-46f5-b3fd-2672b401dd8e": "health and safety in the workplace",
    },
    "common": {
        ESCO + "7111b95d-0ce3-441a-9d92-4c75d05c4388": "project management",
        ESCO + "eab3bafa-eebb-47bf-85ce-e336c5019108": "team building",
        ESCO + "15d76317-c71a-4fa2-aadc-2ecc34e627b7": "communication",
    },
}
ALL_SKILLS: dict[str, str] = {u: label for group in SKILLS.values() for u, label in group.items()}

PROGRAMS = [
    "Computer Science",
    "Data Science",
    "Cybersecurity",
    "Nursing",
    "Mechanical Engineering",
]
PROGRAM_FIELDS = {
    "Computer Science": ("software", "data"),
    "Data Science": ("data", "software"),
    "Cybersecurity": ("security", "software"),
    "Nursing": ("health",),
    "Mechanical Engineering": ("engineering",),
}

# (role, field, type, skills wanted, work)
ROLES: list[tuple[str, str, str, str, str]] = [
    (
        "Python developer",
        "software",
        "internship",
        "Python, SQL, Git, unit testing",
        "build and test the services behind our customer apps",
    ),
    (
        "Backend engineer",
        "software",
        "coop",
        "Python, Django, PostgreSQL, REST APIs",
        "design APIs and tune the queries behind them",
    ),
    (
        "Data analyst",
        "data",
        "internship",
        "SQL, statistics, R, dashboards",
        "turn operational data into weekly reports for the leadership team",
    ),
    (
        "Machine learning researcher",
        "data",
        "research",
        "Python, statistics, algorithms",
        "evaluate models on real data and write up what works",
    ),
    (
        "Security operations analyst",
        "security",
        "apprenticeship",
        "cyber security, networking, incident response",
        "watch alerts with the on-call team and harden our networks",
    ),
    (
        "Cloud operations engineer",
        "software",
        "apprenticeship",
        "Linux administration, Ansible, monitoring",
        "run production systems and automate their deployment",
    ),
    (
        "Student nurse",
        "health",
        "clinical",
        "infection control, patient care, communication",
        "support the ward team through shifts supervised by a mentor",
    ),
    (
        "Healthcare assistant",
        "health",
        "job_shadowing",
        "health and safety, communication",
        "shadow clinicians and learn how a hospital ward is run",
    ),
    (
        "Mechanical design engineer",
        "engineering",
        "internship",
        "CAD, technical drawings, tolerancing",
        "draw parts for our production lines and test prototypes",
    ),
    (
        "Manufacturing technician",
        "engineering",
        "apprenticeship",
        "health and safety, machining, quality checks",
        "keep the machines of the plant running and improve their settings",
    ),
    (
        "Project coordinator",
        "common",
        "capstone",
        "project management, teamwork",
        "plan a real project with a client and deliver it as a team",
    ),
]
LEVELS = ["Junior", "Graduate", "Summer", "Trainee", "Part-time", "Year-long", "Placement year"]
CITIES = ["Leeds", "Sheffield", "York", "Bradford", "Hull", "Manchester", "Remote"]
SECTORS = ["technology", "health_care", "manufacturing", "finance", "energy", "public_sector"]
PARTNER_NAMES = [
    "Kestrel",
    "Brightwave",
    "Northwind",
    "Ashby",
    "Harbour",
    "Pennine",
    "Calder",
    "Ouse",
    "Aire",
    "Wharfe",
    "Humber",
    "Moorland",
]
PARTNER_KINDS = ["Systems", "Health", "Engineering", "Analytics", "Energy", "Labs"]
FIRST = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Hamza",
    "Isla",
    "Jack",
    "Kai",
    "Leah",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Ravi",
    "Sofia",
    "Tom",
    "Zara",
]
LAST = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Moore",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Walker",
    "Wright",
]
STAGES_WEIGHTED = [
    ("submitted", 30),
    ("under_review", 20),
    ("shortlisted", 10),
    ("interview", 8),
    ("offer", 4),
    ("accepted", 4),
    ("declined", 3),
    ("withdrawn", 5),
    ("rejected", 12),
    ("placed", 2),
    ("completed", 2),
]
