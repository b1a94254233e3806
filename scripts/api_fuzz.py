"""Fuzz every /api/v1 operation with Schemathesis, once per demo role.

    export TANDEM_DATA_DIR=/tmp/tandem-fuzz
    .venv/bin/tandem demo
    TANDEM_DEBUG=1 .venv/bin/tandem serve --port 8018 --no-worker &
    .venv/bin/python scripts/api_fuzz.py --url http://127.0.0.1:8018
    .venv/bin/tandem manage db_worker --batch   # then run the tasks the requests queued

It first creates, through the API as the coordinator, what the demo world lacks (an open
survey with an invitation, an open match round, an extraction job). Then, for each demo
login (coordinator, student, recruiter, educator, supervisor, admin), it creates a personal
access token in the demo database and runs ``schemathesis run`` over the live
OpenAPI document with that token, a fixed seed and a bounded number of examples per
operation, and writes one JUnit and one NDJSON report per role into ``--out`` (default
``$TANDEM_DATA_DIR/api-fuzz``). At the end it prints, per role, the number of requests sent
by status class and the failures found; the exit status is 1 when there were any.

Random UUIDs only ever reach the 404 branch of a handler, so the generated Schemathesis
configuration binds every path parameter and the id fields of request bodies to
*dictionaries* of real demo ids (used in 80% of the generated cases): the run then also
reaches the code behind the lookup. Development tool only: see docs/development/api-fuzzing.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROLES = ("coordinator", "student", "recruiter", "educator", "supervisor", "admin")
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
PROBABILITY = 0.8
SAMPLE = 25  # ids per dictionary: enough variety, small configuration
REVOKE = "/accounts/tokens/"  # DELETE /accounts/tokens/{token_id}


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()


def _ids(qs: Any, limit: int = SAMPLE) -> list[str]:
    return [str(v) for v in qs.order_by("pk").values_list("public_id", flat=True)[:limit]]


def _demo_ids() -> dict[str, list[str]]:
    """Real ids from the demo world, those the demo logins can see first."""
    from tandem.accounts.models import User
    from tandem.applications.models import Application
    from tandem.curricula.models import (
        Course,
        ExtractionJob,
        LearningOutcome,
        OutcomeSkill,
        PostingImport,
        Program,
    )
    from tandem.matching.models import MatchRound
    from tandem.opportunities.models import Opportunity
    from tandem.organizations.models import Membership, Organization, Site
    from tandem.partnerships.models import (
        KPI,
        ActionItem,
        Commitment,
        CommunicationEntry,
        Objective,
        Partnership,
    )
    from tandem.skills.models import SkillConcept
    from tandem.surveys.models import Survey, SurveyInvitation

    student = User.objects.get(email="student@demo.tandem.test")
    recruiter = User.objects.get(email="recruiter@demo.tandem.test")
    hosts = Organization.objects.filter(memberships__user=recruiter)
    applications = _ids(Application.objects.filter(student=student), 10)
    applications += _ids(Application.objects.filter(opportunity__host__in=hosts), 15)
    others = User.objects.filter(memberships__role="student").exclude(pk=student.pk)
    students = [str(student.public_id), *_ids(others.distinct(), 15)]
    users = _ids(User.objects.all(), 15)
    programs = sorted(
        {p for p in Membership.objects.exclude(program="").values_list("program", flat=True)}
    )
    return {
        "organization": _ids(Organization.objects.all(), 100),
        "site": _ids(Site.objects.all()),
        "membership": _ids(Membership.objects.exclude(role="student"), 40),
        "user": users,
        "student": students,
        "partnership": _ids(Partnership.objects.all(), 100),
        "objective": _ids(Objective.objects.all()),
        "kpi": _ids(KPI.objects.all()),
        "commitment": _ids(Commitment.objects.all()),
        "action_item": _ids(ActionItem.objects.all()),
        "communication": _ids(CommunicationEntry.objects.all()),
        "opportunity": _ids(Opportunity.objects.all(), 100),
        "application": applications,
        "survey": _ids(Survey.objects.all()),
        "invitation": _ids(SurveyInvitation.objects.all()),
        "round": _ids(MatchRound.objects.all()),
        "program": _ids(Program.objects.all()),
        "program_name": programs or ["Cybersecurity"],
        "course": _ids(Course.objects.all()),
        "outcome": _ids(LearningOutcome.objects.all()),
        "mapping": _ids(OutcomeSkill.objects.all()),
        "import": _ids(PostingImport.objects.all()),
        "job": _ids(ExtractionJob.objects.all()),
        "skill_uri": list(
            SkillConcept.objects.order_by("pk").values_list("uri", flat=True)[:SAMPLE]
        ),
    }


# Where each dictionary is used: OpenAPI parameter locations and request-body fields.
BINDINGS = {
    "path.token_id": "token",
    "path.org_id": "organization",
    "path.institution_id": "organization",
    "path.partner_id": "organization",
    "path.membership_id": "membership",
    "path.partnership_id": "partnership",
    "path.objective_id": "objective",
    "path.kpi_id": "kpi",
    "path.commitment_id": "commitment",
    "path.item_id": "action_item",
    "path.opp_id": "opportunity",
    "path.opportunity_id": "opportunity",
    "path.application_id": "application",
    "path.survey_id": "survey",
    "path.invitation_id": "invitation",
    "path.round_id": "round",
    "path.program_id": "program",
    "path.program": "program_name",
    "path.course_id": "course",
    "path.outcome_id": "outcome",
    "path.mapping_id": "mapping",
    "path.import_id": "import",
    "path.job_id": "job",
    "path.student_id": "student",
    "query.opportunity": "opportunity",
    "query.host": "organization",
    "query.target_id": "opportunity",
    "body.institution_id": "organization",
    "body.host_id": "organization",
    "body.organization_id": "organization",
    "body.site_id": "site",
    "body.partnership_id": "partnership",
    "body.program_id": "program",
    "body.import_id": "import",
    "body.course_id": "course",
    "body.student_id": "student",
    "body.user_id": "user",
    "body.owner_id": "user",
    "body.entry_id": "communication",
    "body.skill_uri": "skill_uri",
    "body.opportunity_id": "opportunity",
    "body.opportunity": "opportunity",
    "body.institution": "organization",
    "body.institution_ids[*]": "organization",
    "body.partner_ids[*]": "organization",
    "body.opportunities[*]": "opportunity",
    "body.students[*]": "student",
}


def _api(url: str, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 (our own server's URL)
        f"{url}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        print(f"   seed: {method} {path} -> {exc.code} {exc.read()[:200]!r}", flush=True)
        return None


def seed(url: str) -> None:
    """What the demo world lacks, made through the API as the coordinator: an open survey
    with an invitation, an open match round, an extraction job. Their ids then go into the
    dictionaries, so the operations on them are reached too."""
    from tandem.opportunities.models import Opportunity
    from tandem.organizations.models import Organization

    _token_id, token = create_token("coordinator")
    me = _api(url, token, "GET", "/accounts/me")
    institution = next(m["organization_id"] for m in me["memberships"])
    survey = _api(
        url,
        token,
        "POST",
        "/surveys/",
        {
            "institution": institution,
            "title": "API fuzzing survey",
            "audience": "students",
            "questions": [{"text": "How was it?", "type": "text"}],
        },
    )
    if survey:
        _api(url, token, "POST", f"/surveys/{survey['id']}/publish")
        invitation = {"email": "student@demo.tandem.test", "name": "Demo student"}
        _api(url, token, "POST", f"/surveys/{survey['id']}/invitations", invitation)
    org = Organization.objects.get(public_id=institution)
    opportunities = Opportunity.objects.filter(
        status="published", approvals__institution=org, approvals__status="approved"
    )
    deadline = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    _api(
        url,
        token,
        "POST",
        "/match-rounds/",
        {
            "institution": institution,
            "title": "API fuzzing round",
            "opportunities": [str(o.public_id) for o in opportunities.order_by("pk")[:5]],
            "student_deadline": deadline,
            "partner_deadline": deadline,
            "open": True,
        },
    )
    job = {"scope": "opportunities", "institution_id": institution}
    _api(url, token, "POST", "/curriculum/extraction-jobs", job)


def _toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_config(path: Path, ids: dict[str, list[str]]) -> None:
    lines = ["# Generated by scripts/api_fuzz.py from the demo database; do not edit.", ""]
    for name, values in sorted(ids.items()):
        if values:
            lines.append(f"[dictionaries.{name}]")
            lines.append("values = [" + ", ".join(_toml_str(v) for v in values) + "]")
            lines.append("")
    lines.append("[parameters]")
    for key, name in BINDINGS.items():
        if ids.get(name):
            lines.append(f'"{key}" = {{ dictionary = "{name}", probability = {PROBABILITY} }}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def create_token(role: str) -> tuple[str, str]:
    """A one-day personal access token of the demo ``role``: (its id, its secret)."""
    from tandem.accounts.models import User
    from tandem.accounts.services import api_token_create

    user = User.objects.get(email=f"{role}@demo.tandem.test")
    token, raw = api_token_create(actor=user, name="api-fuzz", expires_in_days=1)
    return str(token.public_id), raw


def read_report(ndjson: Path) -> tuple[Counter[int], Counter[str]]:
    """Response status codes, and failures as "check: operation", of one NDJSON report."""
    statuses: Counter[int] = Counter()
    failures: Counter[str] = Counter()
    if not ndjson.exists():
        return statuses, failures
    for line in ndjson.read_text(encoding="utf-8").splitlines():
        scenario = json.loads(line).get("ScenarioFinished")
        if not scenario:
            continue
        recorder = scenario["recorder"]
        for interaction in (recorder.get("interactions") or {}).values():
            response = interaction.get("response") or {}
            statuses[response.get("status_code", 0)] += 1
        for checks in (recorder.get("checks") or {}).values():
            for check in checks:
                if check.get("status") == "failure":
                    info = (check.get("failure_info") or {}).get("failure") or {}
                    failures[f"{info.get('title', check['name'])}: {recorder['label']}"] += 1
    return statuses, failures


def _run(
    schemathesis: Path,
    config: Path,
    args: argparse.Namespace,
    token: str,
    name: str,
    selector: list[str],
) -> None:
    subprocess.run(  # noqa: S603 (our own arguments, no shell)
        [
            str(schemathesis),
            "--config-file",
            str(config),
            "run",
            f"{args.url}/api/v1/openapi.json",
            *selector,
            "--header",
            f"Authorization: Bearer {token}",
            # No made-up session cookie or second Authorization header: the token decides.
            "--generation-with-security-parameters",
            "false",
            "--checks",
            args.checks,
            "--phases",
            args.phases,
            "--seed",
            str(args.seed),
            "--max-examples",
            str(args.max_examples),
            "--workers",
            "1",
            "--request-timeout",
            str(args.request_timeout),
            "--continue-on-failure",
            "--suppress-health-check",
            "all",
            "--report",
            "junit,ndjson",
            "--report-junit-path",
            str(args.out / f"{name}.junit.xml"),
            "--report-ndjson-path",
            str(args.out / f"{name}.ndjson"),
            "--no-color",
        ],
        check=False,
        cwd=args.out,  # Schemathesis keeps its example database in ./.schemathesis
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8018")
    data_dir = Path(os.environ.get("TANDEM_DATA_DIR", "."))
    parser.add_argument("--out", type=Path, default=data_dir / "api-fuzz")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--checks", default=CHECKS)
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--paths", default="", help="only paths matching this regex")
    parser.add_argument("--request-timeout", type=float, default=30.0)
    parser.add_argument("--summary-only", action="store_true", help="only re-read reports")
    args = parser.parse_args(argv)
    roles = tuple(r for r in args.roles.split(",") if r)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.summary_only:
        _django_setup()
        seed(args.url)
        ids = _demo_ids()
        schemathesis = Path(sys.executable).with_name("schemathesis")
        for role in roles:
            token_id, token = create_token(role)
            config = args.out / f"{role}.schemathesis.toml"
            write_config(config, {**ids, "token": [token_id]})
            # Schemathesis reuses ids from earlier responses: it would revoke the run's own
            # token (listed by GET /accounts/tokens) half-way. That operation runs last.
            only = ["--include-path-regex", args.paths] if args.paths else []
            for part, selector in (
                ("main", [*only, "--exclude-path-regex", REVOKE]),
                ("revoke", ["--include-path-regex", REVOKE]),
            ):
                print(f"== {role} ({part})", flush=True)
                _run(schemathesis, config, args, token, f"{role}.{part}", selector)
    total = 0
    print("\nrole          requests  2xx    4xx    5xx  (0 = no response)")
    all_failures: Counter[str] = Counter()
    for role in roles:
        statuses: Counter[int] = Counter()
        for part in ("main", "revoke"):
            found_statuses, found = read_report(args.out / f"{role}.{part}.ndjson")
            statuses.update(found_statuses)
            all_failures.update({f"[{role}] {k}": v for k, v in found.items()})
        requests = sum(statuses.values())
        total += requests
        by_class = Counter(code // 100 for code in statuses.elements())
        print(
            f"{role:<13} {requests:>8}  {by_class[2]:>5}  {by_class[4]:>5}  {by_class[5]:>5}"
            + (f"  ({by_class[0]})" if by_class[0] else "")
        )
    print(f"{'total':<13} {total:>8}")
    print("\nfailures:" if all_failures else "\nno failures")
    for failure, n in sorted(all_failures.items()):
        print(f"  {n:>4}  {failure}")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
