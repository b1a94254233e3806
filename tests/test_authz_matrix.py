"""The authorization matrix: every API operation (from the live /api/v1/openapi.json) and
every page URL pattern (from Django's URL resolver) × {anonymous, a member of another
organization, every role of the owning organizations}. See
docs/development/authorization-matrix.md.

One world (tests/authz_world.py) is built per module; each test runs in a savepoint, so what
an allowed role changes is rolled back. Refused requests must change nothing (row counts
and the newest ``updated_at`` of every model), queue nothing to run on commit (e-mails,
tasks) and send no e-mail.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.authz_world import OUTSIDERS, PROGRAM_NAME, ROLES, World, build_world
from tests.factories import MINIMAL_PDF

# --- Roles ---------------------------------------------------------------------------------
S, C, E = "student", "coordinator", "educator"
R, SV, M, F = "recruiter", "supervisor", "mentor", "funder"
A = "admin"
ALL = frozenset(ROLES)
INST_STAFF = frozenset({C, E, A})  # educators and coordinators of A, platform admins
PS_VIEW = frozenset({C, E, R, SV, M, F, A})  # who sees the A–P partnership
PS_EDIT = frozenset({C, R, A})  # who edits it
CURRIC_READ = frozenset({S, C, E, R, SV, A})  # students of A, staff, curriculum partners (P)
CURRIC_EDIT = INST_STAFF
APP_VIEW = frozenset({S, C, E, R, SV, A})  # the applicant, host staff, institution staff
OPP_VIEW = APP_VIEW
ROUND_VIEW = frozenset({S, C, R, SV, A})


@dataclass(frozen=True)
class Rule:
    """Who may call one operation or page on A/P's objects.

    ``roles``: the roles of A/P (and ``admin``) that are allowed: never 401/403/404.
    ``lists``: for list operations that answer everyone 200 and filter: the world key of the
    object that allowed roles find in the body and every other caller does not.
    ``self_service``: acts only on the caller's own data (any signed-in user).
    ``directory``: public to every signed-in user by design (the organization directory).
    """

    roles: frozenset[str]
    lists: str | None = None
    self_service: bool = False
    directory: bool = False
    methods: tuple[str, ...] = ("get",)
    params: tuple[tuple[str, str], ...] = ()


def op(*roles: str | frozenset[str]) -> Rule:
    out: set[str] = set()
    for r in roles:
        out |= {r} if isinstance(r, str) else set(r)
    return Rule(frozenset(out))


def lst(key: str, *roles: str | frozenset[str]) -> Rule:
    return Rule(op(*roles).roles, lists=key)


SELF = Rule(ALL, self_service=True)
DIRECTORY = Rule(ALL, directory=True)
MINE = Rule(frozenset({S}), self_service=True)  # a student's own profile
NOBODY: frozenset[str] = frozenset()

# --- API: operationId (without the "tandem_" prefix) → who may --------------------------
# Derived from tandem/*/permissions.py and docs/*.md (see the docstrings there).
API_RULES: dict[str, Rule] = {
    # accounts: the caller's own account and tokens
    "accounts_api_me": SELF,
    "accounts_api_personal_data": SELF,
    "accounts_api_token_list": SELF,
    "accounts_api_token_create": SELF,
    "accounts_api_token_revoke": op(S),  # the student's token: only its owner
    # organizations (org_id = institution A): directory open to the signed-in; managed by
    # A's coordinators and platform admins
    "organizations_api_organization_list": DIRECTORY,
    "organizations_api_organization_detail": DIRECTORY,
    "organizations_api_organization_update": op(C, A),
    "organizations_api_site_list": DIRECTORY,
    "organizations_api_site_create": op(C, A),
    "organizations_api_member_list": op(C, A),
    "organizations_api_member_add": op(C, A),
    "organizations_api_member_remove": op(C, A),
    # invitations (A invites its student to a second role): A's managers list and revoke them;
    # only the invited person sees and answers theirs
    "organizations_api_invitation_list": op(C, A),
    "organizations_api_invitation_revoke": Rule(
        op(C, A).roles, params=(("invitation_id", "member_invitation"),)
    ),
    "organizations_api_my_invitation_list": Rule(
        frozenset({S}), lists="member_invitation", self_service=True
    ),
    "organizations_api_my_invitation_accept": Rule(
        frozenset({S}), params=(("invitation_id", "member_invitation"),)
    ),
    "organizations_api_my_invitation_decline": Rule(
        frozenset({S}), params=(("invitation_id", "member_invitation"),)
    ),
    "organizations_api_vetting_list": op(C),
    "organizations_api_vetting_decide": op(C),
    # partnerships
    "partnerships_api_partnership_list": lst("partnership", PS_VIEW),
    "partnerships_api_partnership_create": op(PS_EDIT),
    "partnerships_api_partnership_detail": op(PS_VIEW),
    "partnerships_api_partnership_update": op(PS_EDIT),
    "partnerships_api_transition_list": op(PS_VIEW),
    "partnerships_api_transition_create": op(C, A),  # active → under review
    "partnerships_api_objective_list": op(PS_VIEW),
    "partnerships_api_objective_create": op(PS_EDIT),
    "partnerships_api_kpi_create": op(PS_EDIT),
    "partnerships_api_measurement_list": op(PS_VIEW),
    "partnerships_api_measurement_create": op(PS_EDIT),
    "partnerships_api_commitment_list": op(PS_VIEW),
    "partnerships_api_commitment_create": op(PS_EDIT),
    "partnerships_api_delivery_create": op(PS_EDIT),
    "partnerships_api_contact_list": op(PS_VIEW),
    "partnerships_api_contact_create": op(PS_EDIT),
    "partnerships_api_communication_list": op(PS_VIEW),
    "partnerships_api_communication_create": op(PS_EDIT),
    "partnerships_api_action_item_list": op(PS_VIEW),
    "partnerships_api_action_item_create": op(PS_EDIT),
    "partnerships_api_action_item_update": op(PS_EDIT),
    "partnerships_api_document_list": op(PS_VIEW),
    "partnerships_api_document_upload": op(PS_EDIT),
    # opportunities (opp_id = P's posting, approved by A)
    "opportunities_api_opportunity_list": lst("opportunity", OPP_VIEW),
    "opportunities_api_opportunity_create": op(R, A),  # host P
    "opportunities_api_awaiting_approval": op(ALL),  # each sees their institutions' queue
    "opportunities_api_opportunity_detail": op(OPP_VIEW),
    "opportunities_api_opportunity_update": op(R, A),
    "opportunities_api_opportunity_submit": op(R, A),
    "opportunities_api_opportunity_decide": op(C),
    "opportunities_api_opportunity_close": op(R, A),
    "opportunities_api_opportunity_reopen": op(R, A),
    "opportunities_api_opportunity_mark_filled": op(R, A),
    # applications (the student's application to P's posting, through A)
    "applications_api_application_list": lst("application", APP_VIEW),
    "applications_api_application_create": op(S),
    "applications_api_application_stage_counts": op(ALL),  # counts over what each may see
    "applications_api_application_detail": op(APP_VIEW),
    "applications_api_application_move": op(R, SV),  # submitted → under review: the host
    "applications_api_application_record_hire": op(R, SV, C),  # refused: not completed yet
    "applications_api_application_cv": op(S, R, SV, C),
    # audit trail: coordinators (their institutions) and platform admins
    "audit_api_audit_event_list": lst("round", C, A),
    # surveys (survey_id = A's survey; invitation_id = the student's invitation)
    "surveys_api_survey_list": lst("survey", C, E, A),
    "surveys_api_survey_create": op(C, A),
    "surveys_api_survey_detail": op(C, E, A),
    "surveys_api_survey_versions": op(C, E, A),
    "surveys_api_survey_question_add": op(C, A),
    "surveys_api_survey_publish": op(C, A),
    "surveys_api_survey_close": op(C, A),
    "surveys_api_survey_invitations": op(C, A),
    "surveys_api_survey_invite": op(C, A),
    "surveys_api_my_invitations": Rule(frozenset({S}), lists="invitation", self_service=True),
    "surveys_api_invitation_respond": op(S),
    "surveys_api_survey_responses": op(C),
    "surveys_api_survey_results": op(C, E, A),
    # analytics
    "analytics_api_institution_dashboard": op(C, E, A),
    "analytics_api_program_dashboard": op(C, E, A),
    "analytics_api_partner_dashboard": op(R, A),
    "analytics_api_partnership_dashboard": op(PS_VIEW),
    "analytics_api_partnership_health": op(PS_VIEW),
    # match rounds (round_id = A's open round over P's posting)
    "matching_api_round_list": lst("round", ROUND_VIEW),
    "matching_api_round_create": op(C),
    "matching_api_round_detail": op(ROUND_VIEW),
    "matching_api_round_open": op(C),
    "matching_api_round_close": op(C),
    "matching_api_round_cancel": op(C),
    "matching_api_round_run": op(C),
    "matching_api_round_publish": op(C),
    "matching_api_round_result": op(C),
    "matching_api_rank_list": op(S),
    "matching_api_rank_list_put": op(S),
    "matching_api_partner_rankings": op(R, SV),
    "matching_api_partner_ranking": op(R, SV),
    "matching_api_partner_ranking_put": op(R, SV),
    # curriculum (program_id = A's program; P co-develops it through a curriculum partnership)
    "curricula_api_program_list": lst("program", CURRIC_READ),
    "curricula_api_program_create": op(CURRIC_EDIT),
    "curricula_api_program_detail": op(CURRIC_READ),
    "curricula_api_program_update": op(CURRIC_EDIT),
    "curricula_api_program_delete": op(CURRIC_EDIT),
    "curricula_api_course_list": op(CURRIC_READ),
    "curricula_api_course_create": op(CURRIC_EDIT),
    "curricula_api_course_detail": op(CURRIC_READ),
    "curricula_api_course_update": op(CURRIC_EDIT),
    "curricula_api_course_delete": op(CURRIC_EDIT),
    "curricula_api_outcome_list": op(CURRIC_READ),
    "curricula_api_outcome_create": op(CURRIC_EDIT),
    "curricula_api_outcome_detail": op(CURRIC_READ),
    "curricula_api_outcome_update": op(CURRIC_EDIT),
    "curricula_api_outcome_delete": op(CURRIC_EDIT),
    "curricula_api_mapping_add": op(CURRIC_EDIT),
    "curricula_api_mapping_decide": op(CURRIC_EDIT),
    "curricula_api_gap_report": op(CURRIC_EDIT, R, SV),
    "curricula_api_import_create": op(CURRIC_EDIT),
    "curricula_api_import_detail": op(CURRIC_EDIT),
    "curricula_api_extraction_job_start": op(CURRIC_EDIT),
    "curricula_api_extraction_job_list": lst("job", CURRIC_EDIT),
    "curricula_api_extraction_job_detail": op(CURRIC_EDIT),
    "curricula_api_extraction_job_cancel": op(CURRIC_EDIT),
    # profiles: a student's own profile; A's staff read it and record completions
    "profiles_api_my_profile": MINE,
    "profiles_api_my_opportunities": MINE,
    "profiles_api_skill_add": MINE,
    "profiles_api_skill_remove": MINE,
    "profiles_api_cv_text": MINE,
    "profiles_api_cv_pdf": MINE,
    "profiles_api_rebuild": MINE,
    "profiles_api_student_profile": op(S, C, E),
    "profiles_api_completion_list": lst("completion", S, C, E),
    "profiles_api_completion_create": op(C, E),
}

#: API path parameter → world key (or "=literal").
API_PARAMS: dict[str, str] = {
    "token_id": "token",
    "org_id": "institution",
    "membership_id": "membership",
    "partner_id": "partner",
    "institution_id": "institution",
    "program": f"={PROGRAM_NAME}",
    "partnership_id": "partnership",
    "objective_id": "objective",
    "kpi_id": "kpi",
    "commitment_id": "commitment",
    "item_id": "action_item",
    "opp_id": "opportunity",
    "opportunity_id": "opportunity",
    "application_id": "application",
    "survey_id": "survey",
    "invitation_id": "invitation",
    "round_id": "round",
    "program_id": "program",
    "course_id": "course",
    "outcome_id": "outcome",
    "mapping_id": "mapping",
    "import_id": "import",
    "job_id": "job",
    "student_id": "student",
}

#: Request-body id fields → world key (a list for array fields).
BODY_IDS: dict[str, str] = {
    "institution": "institution",
    "institution_id": "institution",
    "institution_ids": "institution",
    "partner_ids": "partner",
    "host_id": "partner",
    "organization_id": "partner",
    "opportunity": "opportunity",
    "opportunities": "opportunity",
    "student_id": "student",
    "students": "student",
    "course_id": "course",
    "program_id": "program",
    "import_id": "import",
    "partnership_id": "partnership",
}

#: Bodies the schema alone does not make plausible.
API_BODIES: dict[str, dict[str, Any]] = {
    "partnerships_api_transition_create": {"to_status": "under_review"},
    "applications_api_application_move": {"stage": "under_review"},
    "applications_api_application_record_hire": {"outcome": "hired"},
    "opportunities_api_opportunity_decide": {"approve": True},
    "organizations_api_vetting_decide": {"status": "approved"},
    "organizations_api_member_add": {"email": "newcomer@example.org", "role": "student"},
    "surveys_api_survey_invite": {"email": "guest@example.org"},
    "surveys_api_invitation_respond": {"answers": {"likert": "4", "single": "yes"}},
    "curricula_api_mapping_decide": {"status": "confirmed"},
    "curricula_api_extraction_job_start": {"scope": "outcomes", "program_id": "@program"},
    "profiles_api_cv_text": {"text": "I know SQL and Python."},
    "matching_api_partner_ranking_put": {"students": []},
}


# --- Pages: URL name → who may -------------------------------------------------------------
#: Public by design, or not ours: never in the matrix.
PAGE_EXCLUDED_PREFIXES = {
    "admin/": "Django admin: staff-only by Django's own admin_view, not our permissions",
    "api/": "the API mount: covered operation by operation from the OpenAPI document",
    "static/": "static files",
    "media/": "uploaded files are served only through permission-checked views",
}
PAGE_EXCLUDED = {
    "accounts:login": "the sign-in page is public",
    "accounts:logout": "signing out is open to everyone",
    "accounts:password_reset": "password reset is public by design",
    "accounts:password_reset_done": "password reset is public by design",
    "accounts:password_reset_confirm": "password reset is public by design (signed link)",
    "accounts:password_reset_complete": "password reset is public by design",
    "surveys:answer_link": "external respondents answer by signed link, without an account",
    "organizations:invitation_link": (
        "an invitation's e-mailed link (secret token) opens to anyone who holds it, signed in "
        "or not; its refusals are tested in test_organizations_invitations.py"
    ),
    "set_language": "language switch, public (sets a cookie only)",
    "favicon": "static icon",
}


def page(roles: frozenset[str] | set[str], *methods: str, **params: str) -> Rule:
    return Rule(frozenset(roles), methods=methods or ("get",), params=tuple(params.items()))


def page_list(key: str, roles: frozenset[str] | set[str]) -> Rule:
    return Rule(frozenset(roles), lists=key)


P = "post"
G = "get"
#: Form data for POSTs to pages, so that the request reaches the permission check ("@key":
#: the world object's id); other pages get an empty form.
PAGE_DATA: dict[str, dict[str, str]] = {
    "applications:move": {"to_stage": "under_review"},
    "partnerships:transition": {"transition-to_status": "under_review"},
    "opportunities:decide": {"institution": "@institution", "decision": "approve"},
}
#: Query strings for GETs that need one.
PAGE_QUERY: dict[str, dict[str, str]] = {
    "curricula:gap_skill": {"uri": "@concept.uri"},
    "applications:opportunity_search": {"opportunity_title": "@opportunity.title"},
}
PAGE_RULES: dict[str, Rule] = {
    "dashboards:home": Rule(ALL, self_service=True),
    "accounts:account": Rule(ALL, self_service=True),
    "accounts:token_revoke": page({S}, P, token_id="token"),
    "accounts:personal_data_export": Rule(ALL, self_service=True),
    "accounts:erase": Rule(ALL, self_service=True),
    "organizations:list": DIRECTORY,
    "organizations:vetting": page({C}),  # coordinators vet partners for their institutions
    "organizations:detail": Rule(ALL, directory=True, params=(("public_id", "institution"),)),
    "organizations:member_add": page({C, A}, P, public_id="institution"),
    "organizations:member_completion": page(
        {C, A}, G, P, public_id="institution", membership_id="membership"
    ),
    "organizations:completions_import": page({C, A}, P, public_id="institution"),
    "organizations:invitation_revoke": page(
        {C, A}, P, public_id="institution", invitation_id="member_invitation"
    ),
    "organizations:invitation_respond": page({S}, P, invitation_id="member_invitation"),
    "organizations:member_remove": page(
        {C, A}, P, public_id="institution", membership_id="membership"
    ),
    "partnerships:list": page_list("partnership", PS_VIEW),
    "partnerships:create": Rule(PS_EDIT, methods=(G, P)),
    "partnerships:detail": page(PS_VIEW, public_id="partnership"),
    "partnerships:edit": page(PS_EDIT, G, P, public_id="partnership"),
    "partnerships:transition": page({C, A}, P, public_id="partnership"),
    "partnerships:objective_create": page(PS_EDIT, P, public_id="partnership"),
    "partnerships:kpi_create": page(PS_EDIT, P, public_id="partnership", objective_id="objective"),
    "partnerships:measurement_create": page(PS_EDIT, P, public_id="partnership", kpi_id="kpi"),
    "partnerships:commitment_create": page(PS_EDIT, P, public_id="partnership"),
    "partnerships:delivery_create": page(
        PS_EDIT, P, public_id="partnership", commitment_id="commitment"
    ),
    "partnerships:contact_create": page(PS_EDIT, P, public_id="partnership"),
    "partnerships:contact_delete": page(PS_EDIT, P, public_id="partnership", contact_id="contact"),
    "partnerships:communication_create": page(PS_EDIT, P, public_id="partnership"),
    "partnerships:action_item_create": page(PS_EDIT, P, public_id="partnership"),
    "partnerships:action_item_toggle": page(
        PS_EDIT, P, public_id="partnership", item_id="action_item"
    ),
    "partnerships:document_upload": page(PS_EDIT, P, public_id="partnership"),
    "partnerships:document_download": page(
        PS_VIEW, public_id="partnership", document_id="document"
    ),
    "opportunities:list": page_list("opportunity", OPP_VIEW),
    # Platform admins are offered no host on the page (the API lets them post for anyone).
    "opportunities:create": Rule(frozenset({R, C, E}), methods=(G, P)),
    "opportunities:approvals": page({C}),
    "opportunities:detail": page(OPP_VIEW, public_id="opportunity"),
    "opportunities:edit": page({R, A}, G, P, public_id="opportunity"),
    "opportunities:submit": page({R, A}, G, P, public_id="opportunity"),
    "opportunities:decide": page({C}, P, public_id="opportunity"),
    "opportunities:close": page({R, A}, P, public_id="opportunity"),
    "opportunities:reopen": page({R, A}, P, public_id="opportunity"),
    "opportunities:mark_filled": page({R, A}, P, public_id="opportunity"),
    "applications:list": page_list("application", APP_VIEW),
    # Suggestions for the list's opportunity filter: opportunities with an application you see.
    "applications:opportunity_search": page_list("opportunity", APP_VIEW),
    "applications:apply": page({S}, G, P, opportunity_id="opportunity"),
    "applications:detail": page(APP_VIEW, public_id="application"),
    "applications:move": page({R, SV}, P, public_id="application"),
    # Refused (403) to everyone until the placement is completed (can_record_hire).
    "applications:record_hire": page(NOBODY, P, public_id="application"),
    "applications:cv": page({S, R, SV, C}, public_id="application"),
    "audit:list": page_list("round.title", {C, A}),
    "matching:index": page_list("round", ROUND_VIEW),
    "matching:round_create": Rule(frozenset({C}), methods=(G, P)),
    "matching:round_detail": page(ROUND_VIEW, public_id="round"),
    "matching:round_rank": page({S}, P, public_id="round"),
    "matching:round_partner_rank": page(
        {R, SV}, P, public_id="round", opportunity_id="opportunity"
    ),
    "matching:round_step": page({C}, P, public_id="round", step="=close"),
    "matching:program_create": Rule(frozenset({C}), methods=(G, P)),
    "matching:program_detail": page({C, S, A}, public_id="mentor_program"),
    "matching:program_add": page({C}, P, public_id="mentor_program"),
    "matching:program_profile": page({S}, P, public_id="mentor_program"),
    "matching:program_step": page({C}, P, public_id="mentor_program", step="=run"),
    "skills:browse": Rule(ALL, self_service=True),
    "skills:concept": Rule(ALL, directory=True, params=(("esco_id", "concept"),)),
    "curricula:list": page_list("program", CURRIC_READ),
    "curricula:program_create": Rule(CURRIC_EDIT, methods=(G, P)),
    "curricula:program": page(CURRIC_READ, public_id="program"),
    "curricula:program_edit": page(CURRIC_EDIT, G, P, public_id="program"),
    "curricula:program_delete": page(CURRIC_EDIT, P, public_id="program"),
    "curricula:course_create": page(CURRIC_EDIT, G, P, public_id="program"),
    "curricula:course": page(CURRIC_READ, public_id="course"),
    "curricula:course_edit": page(CURRIC_EDIT, G, P, public_id="course"),
    "curricula:course_delete": page(CURRIC_EDIT, P, public_id="course"),
    "curricula:outcome_create": page(CURRIC_EDIT, P, public_id="course"),
    "curricula:outcome_edit": page(CURRIC_EDIT, G, P, public_id="outcome"),
    "curricula:outcome_delete": page(CURRIC_EDIT, P, public_id="outcome"),
    "curricula:outcome_suggest": page(CURRIC_EDIT, P, public_id="outcome"),
    "curricula:mapping_add": page(CURRIC_EDIT, P, public_id="outcome"),
    "curricula:mapping_decide": page(CURRIC_EDIT, P, public_id="mapping"),
    "curricula:course_endorse": page({R, SV}, P, public_id="course"),
    "curricula:outcome_comment": page(CURRIC_EDIT | {R, SV}, P, public_id="outcome"),
    "curricula:skill_propose": page({R, SV}, P, public_id="outcome"),
    "curricula:proposal_decide": page(CURRIC_EDIT, P, public_id="proposal"),
    "curricula:gap": page(CURRIC_EDIT | {R, SV}, public_id="program"),
    "curricula:gap_skill": page(CURRIC_EDIT | {R, SV}, public_id="program"),
    "curricula:imports": page_list("import", CURRIC_EDIT),
    "curricula:import": page(CURRIC_EDIT, public_id="import"),
    "curricula:import_delete": page(CURRIC_EDIT, P, public_id="import"),
    "curricula:extraction_jobs": page_list("job", CURRIC_EDIT),
    "curricula:extraction_job_start": Rule(CURRIC_EDIT, methods=(P,)),
    "curricula:extraction_job": page(CURRIC_EDIT, public_id="job"),
    "curricula:extraction_job_cancel": page(CURRIC_EDIT, P, public_id="job"),
    "profiles:mine": Rule(frozenset({S}), self_service=True, methods=("get",)),
    "profiles:opportunities": Rule(frozenset({S}), self_service=True, methods=("get",)),
    "profiles:cv": Rule(frozenset({S}), self_service=True, methods=("post",)),
    "profiles:cv_clear": Rule(frozenset({S}), self_service=True, methods=("post",)),
    "profiles:rebuild": Rule(frozenset({S}), self_service=True, methods=("post",)),
    "profiles:skill_add": Rule(frozenset({S}), self_service=True, methods=("post",)),
    "profiles:skill_remove": Rule(
        frozenset({S}), self_service=True, methods=(P,), params=(("esco_id", "concept"),)
    ),
    "profiles:student": page({S, C, E}, public_id="student"),
    "profiles:completions": page_list(
        "completion", {C, E}
    ),  # staff; students see theirs on their profile
    "profiles:completions_import": page({C, E}, P),
    "profiles:completion_delete": page({C, E}, P, public_id="completion"),
    "surveys:list": page_list("survey", {C, E, A}),
    # Platform admins are offered no institution on the page.
    "surveys:create": Rule(frozenset({C}), methods=(G, P)),
    "surveys:from_template": Rule(frozenset({C}), methods=(P,)),
    "surveys:answer": page({S}, G, P, public_id="invitation"),
    "surveys:detail": page({C, E, A}, public_id="survey"),
    "surveys:edit": page({C, A}, G, P, public_id="survey"),
    "surveys:section_add": page({C, A}, P, public_id="survey"),
    "surveys:question_add": page({C, A}, P, public_id="survey"),
    "surveys:question_edit": page({C, A}, G, P, public_id="survey", key="=likert"),
    "surveys:question_delete": page({C, A}, P, public_id="survey", key="=likert"),
    "surveys:publish": page({C, A}, P, public_id="survey"),
    "surveys:close": page({C, A}, P, public_id="survey"),
    "surveys:invite": page({C, A}, P, public_id="survey"),
    "surveys:preview": page({C, E, A}, public_id="survey"),
    "surveys:results": page({C, E, A}, public_id="survey"),
    "surveys:results_export": page({C, E, A}, public_id="survey", fmt="=csv"),
    "surveys:results_question_export": page(
        {C, E, A}, public_id="survey", key="=likert", fmt="=csv"
    ),
    "surveys:responses": page({C}, public_id="survey"),
    "analytics:index": Rule(ALL, self_service=True),
    "analytics:institution": page({C, E, A}, public_id="institution"),
    "analytics:program": page({C, E, A}, public_id="institution", program=f"={PROGRAM_NAME}"),
    "analytics:partner": page({R, A}, public_id="partner"),
    "analytics:partnership": page(PS_VIEW, public_id="partnership"),
    "analytics:institution_export": page(
        {C, E, A}, public_id="institution", table="=funnel", fmt="=csv"
    ),
    "analytics:program_export": page(
        {C, E, A},
        public_id="institution",
        program=f"={PROGRAM_NAME}",
        table="=funnel",
        fmt="=csv",
    ),
    "analytics:partner_export": page({R, A}, public_id="partner", table="=funnel", fmt="=csv"),
    "analytics:partnership_export": page(
        PS_VIEW, public_id="partnership", table="=funnel", fmt="=csv"
    ),
    "analytics:review": page(PS_VIEW, public_id="partnership"),
    "analytics:review_pdf": page(PS_VIEW, public_id="partnership"),
    "analytics:partnership_health": page(PS_VIEW, public_id="partnership"),
    "analytics:review_export": page(PS_VIEW, public_id="partnership", table="=kpis", fmt="=csv"),
    "analytics:partnership_health_export": page(
        PS_VIEW, public_id="partnership", table="=components", fmt="=csv"
    ),
}


# --- Discovering operations and pages --------------------------------------------------------
@cache
def live_schema() -> dict[str, Any]:
    """The OpenAPI document the app serves at /api/v1/openapi.json (generated by the same
    call; test_the_schema_is_the_served_one checks that they agree)."""
    from tandem.api.main import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


@dataclass(frozen=True)
class Operation:
    op_id: str
    method: str
    path: str
    spec: dict[str, Any]

    def __str__(self) -> str:
        return self.op_id


def api_operations() -> list[Operation]:
    out = []
    for path, item in live_schema()["paths"].items():
        for method, spec in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                op_id = spec["operationId"].removeprefix("tandem_")
                out.append(Operation(op_id, method, path, spec))
    return out


@dataclass(frozen=True)
class PagePattern:
    name: str
    route: str
    converters: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


def _walk(resolver: URLResolver, prefix: str, ns: str) -> list[PagePattern]:
    out = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            out += _walk(p, prefix + str(p.pattern), sub)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns else (p.name or "")
            out.append(PagePattern(name, prefix + str(p.pattern), ()))
    return out


def page_patterns() -> list[PagePattern]:
    pages = []
    for p in _walk(get_resolver(), "", ""):
        if any(p.route.startswith(prefix) for prefix in PAGE_EXCLUDED_PREFIXES):
            continue
        if p.name in PAGE_EXCLUDED:
            continue
        pages.append(p)
    return pages


API_OPS = api_operations()
PAGES = page_patterns()


def _value(world: World, ref: str) -> str:
    return ref[1:] if ref.startswith("=") else world.id(ref)


def api_url(world: World, operation: Operation) -> str:
    # A rule's own params win over API_PARAMS where two apps use one parameter name.
    params = {**API_PARAMS, **dict(API_RULES[operation.op_id].params)}

    def fill(m: re.Match[str]) -> str:
        return _value(world, params[m.group(1)])

    return re.sub(r"\{(\w+)\}", fill, operation.path)


def page_url(world: World, pattern: PagePattern) -> str:
    params = dict(PAGE_RULES[pattern.name].params)

    def fill(m: re.Match[str]) -> str:
        return _value(world, params[m.group(1)])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, pattern.route)


# --- Request bodies from the schema -------------------------------------------------------
def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = live_schema()["components"]["schemas"][name]
    return schema


def _example(world: World, name: str, schema: dict[str, Any]) -> Any:
    schema = _resolve(schema)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if _resolve(s).get("type") != "null"]
        return _example(world, name, options[0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    fmt = schema.get("format")
    if kind == "object":
        required = schema.get("required", [])
        return {
            k: _example(world, k, v)
            for k, v in schema.get("properties", {}).items()
            if k in required
        }
    if kind == "array":
        if name in BODY_IDS:
            return [world.id(BODY_IDS[name])]
        return [_example(world, name, schema.get("items", {}))]
    if fmt == "uuid":
        return world.id(BODY_IDS[name]) if name in BODY_IDS else str(uuid.uuid4())
    if fmt == "date":
        return (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    if fmt == "date-time":
        return (timezone.now() + dt.timedelta(days=3)).isoformat()
    if fmt == "binary":
        return SimpleUploadedFile("file.pdf", MINIMAL_PDF, content_type="application/pdf")
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if name in ("skill_uri",):
        return world.objects["concept"].uri
    if name == "email":
        return "someone@example.org"
    return "Alpha test"


def api_request(world: World, operation: Operation) -> tuple[str, dict[str, Any]]:
    url = api_url(world, operation)
    body = operation.spec.get("requestBody")
    if not body:
        return url, {}
    content = body["content"]
    if "application/json" in content:
        data = _example(world, "", content["application/json"]["schema"])
        data.update(_refs(world, API_BODIES.get(operation.op_id, {})))
        return url, {"data": json.dumps(data), "content_type": "application/json"}
    data = _example(world, "", content["multipart/form-data"]["schema"])
    if operation.op_id == "curricula_api_import_create":
        data["file"] = SimpleUploadedFile(
            "postings.csv", b"title,description\nAnalyst,SQL\n", content_type="text/csv"
        )
    return url, {"data": data}


# --- The world, the fingerprint, the calls --------------------------------------------------
@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("authz-uploads")


@pytest.fixture(autouse=True)
def _world_media_root(_media_root, settings, world_media):
    """The world's files (CV, partnership document) live in one folder for the module."""
    settings.MEDIA_ROOT = world_media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    with (
        override_settings(MEDIA_ROOT=world_media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        w = build_world()
        yield w
        transaction.set_rollback(True)


IGNORED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


@cache
def _fingerprint_sql() -> str:
    parts = []
    for model in apps.get_models():
        table = model._meta.db_table
        if table in IGNORED_TABLES or not model._meta.managed:
            continue
        q = connection.ops.quote_name(table)
        parts.append(f"SELECT '{table}', COUNT(*), '' FROM {q}")  # noqa: S608 (model tables)
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            col = connection.ops.quote_name(model._meta.get_field("updated_at").column)
            parts.append(
                f"SELECT '{table}.updated_at', 0, CAST(MAX({col}) AS VARCHAR(64)) FROM {q}"  # noqa: S608
            )
    return " UNION ALL ".join(parts)


def fingerprint() -> tuple[Any, ...]:
    with connection.cursor() as cur:
        cur.execute(_fingerprint_sql())
        rows = sorted(cur.fetchall())
    return (tuple(rows), len(connection.run_on_commit), len(mail.outbox))


def _login(client: Client, world: World, who: str) -> None:
    client.logout()
    user = world.user(who)
    if user is not None:
        client.force_login(user)


def call_api(client: Client, world: World, operation: Operation, who: str):
    _login(client, world, who)
    url, kwargs = api_request(world, operation)
    before = fingerprint()
    response = getattr(client, operation.method)(url, **kwargs)
    return response, before


def call_page(client: Client, world: World, pattern: PagePattern, method: str, who: str):
    _login(client, world, who)
    url = page_url(world, pattern)
    before = fingerprint()
    if method == "get":
        response = client.get(url, _refs(world, PAGE_QUERY.get(pattern.name, {})))
    else:
        response = client.post(url, _refs(world, PAGE_DATA.get(pattern.name, {})))
    return response, before


def _refs(world: World, data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in data.items():
        if isinstance(v, str) and v.startswith("@"):
            key, _, attr = v[1:].partition(".")
            v = str(getattr(world.objects[key], attr)) if attr else world.id(key)
        out[k] = v
    return out


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _found(world: World, body: str, keys: list[str]) -> list[str]:
    return [k for k in keys if world.secrets[k] in body]


pytestmark = pytest.mark.django_db

UNSAFE = {"post", "put", "patch", "delete"}
AUTHZ_REFUSALS = {401, 403, 404}


# --- The tables cover everything ---------------------------------------------------------
def test_the_schema_is_the_served_one(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"] == live_schema()["paths"]


def test_every_api_operation_is_in_the_table():
    ops = {o.op_id for o in API_OPS}
    missing = sorted(ops - API_RULES.keys())
    stale = sorted(API_RULES.keys() - ops)
    assert not missing, f"add these operations to API_RULES: {missing}"
    assert not stale, f"these API_RULES entries name no operation: {stale}"
    params = {p for o in API_OPS for p in re.findall(r"\{(\w+)\}", o.path)}
    assert not sorted(params - API_PARAMS.keys()), (
        f"add these path parameters to API_PARAMS: {sorted(params - API_PARAMS.keys())}"
    )


def test_every_page_is_in_the_table():
    names = {p.name for p in PAGES}
    assert "" not in names, [p.route for p in PAGES if not p.name]
    missing = sorted(names - PAGE_RULES.keys())
    stale = sorted(PAGE_RULES.keys() - names)
    assert not missing, f"add these URL names to PAGE_RULES (or PAGE_EXCLUDED): {missing}"
    assert not stale, f"these PAGE_RULES entries name no URL: {stale}"
    lacking = []
    for p in PAGES:
        have = dict(PAGE_RULES[p.name].params)
        for param in re.findall(r"<(?:\w+:)?(\w+)>", p.route):
            if param not in have:
                lacking.append(f"{p.name}: {param}")
    assert not lacking, f"PAGE_RULES entries lack these URL parameters: {lacking}"


# --- Anonymous -----------------------------------------------------------------------------
@pytest.mark.parametrize("operation", API_OPS, ids=str)
def test_api_anonymous(client, world, operation):
    response, before = call_api(client, world, operation, "anonymous")
    allowed = {401, 403} if operation.method in UNSAFE else {401}
    assert response.status_code in allowed, response.status_code
    assert response["Content-Type"] == "application/problem+json"
    assert fingerprint() == before


PAGE_CALLS = [(p, m) for p in PAGES for m in PAGE_RULES.get(p.name, Rule(ALL)).methods]


def _page_id(param: Any) -> str:
    return str(param) if isinstance(param, (PagePattern, str)) else ""


@pytest.mark.parametrize(("pattern", "method"), PAGE_CALLS, ids=_page_id)
def test_page_anonymous(client, world, pattern, method):
    response, before = call_page(client, world, pattern, method, "anonymous")
    if response.status_code in (404, 405):
        pass
    else:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    assert fingerprint() == before


# --- Another organization --------------------------------------------------------------------
def _check_outsider(world, rule, method, response, before, has_params):
    body = _body(response)
    status = response.status_code
    if rule.directory and method == "get":
        assert status == 200, status
    elif has_params and not rule.directory:
        assert status in (403, 404), status
    elif method == "get":
        assert status in (200, 403, 404), status
        found = _found(world, body, list(world.secrets)) if status == 200 else []
        assert not found, f"A/P's objects in the answer: {found}"
    else:
        # Creating things that name A/P's objects (institution A, host P, …).
        assert status in (400, 403, 404, 422), status
    assert status < 500
    assert fingerprint() == before


# Not asked of outsiders: writes that act only on the caller's own data (their tokens,
# their profile), and page forms without a URL parameter (an empty form names no A/P object;
# the API's create operations, whose bodies name A/P's objects, are asked).
OUTSIDER_API_OPS = [
    o for o in API_OPS if not (API_RULES.get(o.op_id, SELF).self_service and o.method in UNSAFE)
]
OUTSIDER_PAGE_CALLS = [
    (p, m)
    for p, m in PAGE_CALLS
    if not (m in UNSAFE and (PAGE_RULES.get(p.name, Rule(ALL)).self_service or "<" not in p.route))
]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("operation", OUTSIDER_API_OPS, ids=str)
def test_api_other_organization(client, world, operation, who):
    rule = API_RULES[operation.op_id]
    response, before = call_api(client, world, operation, who)
    _check_outsider(world, rule, operation.method, response, before, "{" in operation.path)


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("pattern", "method"), OUTSIDER_PAGE_CALLS, ids=_page_id)
def test_page_other_organization(client, world, pattern, method, who):
    rule = PAGE_RULES[pattern.name]
    response, before = call_page(client, world, pattern, method, who)
    _check_outsider(world, rule, method, response, before, "<" in pattern.route)


# --- Wrong role and right role ------------------------------------------------------------
def _check_role(world, rule, method, who, response, before):
    status = response.status_code
    body = _body(response)
    assert status < 500, status
    if who in rule.roles:
        assert status not in AUTHZ_REFUSALS, status
        if rule.lists and status == 200:
            assert world.secrets[rule.lists] in body, f"{rule.lists} missing from the list"
        return
    if rule.lists and method == "get" and status == 200:
        assert not _found(world, body, [rule.lists]), f"{rule.lists} shown to {who}"
    else:
        assert status in (403, 404), status
    assert fingerprint() == before


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("operation", API_OPS, ids=str)
def test_api_roles(client, world, operation, who):
    rule = API_RULES[operation.op_id]
    response, before = call_api(client, world, operation, who)
    _check_role(world, rule, operation.method, who, response, before)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("pattern", "method"), PAGE_CALLS, ids=_page_id)
def test_page_roles(client, world, pattern, method, who):
    rule = PAGE_RULES[pattern.name]
    response, before = call_page(client, world, pattern, method, who)
    _check_role(world, rule, method, who, response, before)
