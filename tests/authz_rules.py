"""The authorization matrix's roles and its API table (tests/test_authz_matrix.py, see
docs/development/authorization-matrix.md): who may call each REST operation, the world
object behind each path parameter and the request bodies the schema alone does not make
plausible. The page table is tests/authz_page_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.authz_world import PROGRAM_NAME, ROLES

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
PLACEMENT_VIEW = frozenset({S, C, R, SV, A})  # the student, A's coordinators, P's host staff
_PLACEMENT = (("application_id", "placement"),)
AGREEMENT_PARTIES = frozenset({S, C, E, SV})  # the student, A's staff, P's supervisors
#: A placement's visits: its faculty (A's coordinators and educators), the student, P's
#: supervisors. Its incidents (not about the supervisor): the same people.
VISIT_VIEW = frozenset({S, C, E, SV})
INCIDENT_VIEW = VISIT_VIEW
DIRECTORY = Rule(ALL, directory=True)
MINE = Rule(frozenset({S}), self_service=True)  # a student's own profile
NOBODY: frozenset[str] = frozenset()
#: The world's conversation: started by A's coordinator with everyone of the partnership.
PARTICIPANTS = frozenset({C, E, R, SV, M, F})
#: The world's mentor pair: A's student and P's mentor; with A's coordinators, who see it.
PAIR_MEMBERS = frozenset({S, M})
PAIR_VIEW = frozenset({S, M, C})

# --- API: operationId (without the "tandem_" prefix) → who may --------------------------
# Derived from tandem/*/permissions.py and docs/*.md (see the docstrings there).
API_RULES: dict[str, Rule] = {
    # notifications: each person's own only
    "notifications_api_notification_list": SELF,
    "notifications_api_notification_unread_count": SELF,
    "notifications_api_notification_mark_all_read": SELF,
    "notifications_api_notification_preferences": SELF,
    "notifications_api_notification_preference_set": SELF,
    "notifications_api_notification_detail": op(S),
    "notifications_api_notification_mark_read": op(S),
    # messaging: the conversation's participants (everyone who belongs to the partnership,
    # not platform admins); reports by a participant on another's message; the student
    # messaging setting by the institution's coordinators
    "messaging_api_conversation_list": lst("conversation", PARTICIPANTS),
    "messaging_api_conversation_start": op(PARTICIPANTS),
    "messaging_api_conversation_detail": op(PARTICIPANTS),
    "messaging_api_message_list": op(PARTICIPANTS),
    "messaging_api_message_send": op(PARTICIPANTS),
    "messaging_api_conversation_mark_read": op(PARTICIPANTS),
    "messaging_api_message_report": op(PARTICIPANTS - {C}),
    "messaging_api_student_messaging_set": op(C, A),
    # single sign-on connections: platform admins only
    "sso_api_connection_list": op(A),
    "sso_api_connection_create": op(A),
    "sso_api_connection_detail": op(A),
    "sso_api_connection_update": op(A),
    "sso_api_connection_delete": op(A),
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
    # bulk invitations, re-sending, member accounts and account (de)activation: A's managers
    # (the student's account belongs to A alone)
    "organizations_api_people_invitation_bulk": op(C, A),
    "organizations_api_people_invitation_resend": Rule(
        op(C, A).roles, params=(("invitation_id", "member_invitation"),)
    ),
    "organizations_api_people_member_account_list": op(C, A),
    "organizations_api_people_account_deactivate": op(C, A),
    "organizations_api_people_account_reactivate": op(C, A),
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
    # events (event_id = A's published guest lecture, P's mentor speaks, A's student registered;
    # request_id = A's request to P's mentor to speak)
    "events_api_event_list": lst("event", S, C, E, M, A),
    "events_api_event_create": op(C, E, A),
    "events_api_my_registrations": SELF,
    "events_api_speaker_requests": lst("speaker_request", C, E, M, A),
    "events_api_speaker_request_answer": op(M),
    "events_api_event_detail": op(S, C, E, M, A),
    "events_api_event_publish": op(C, E, A),
    "events_api_event_cancel": op(C, E, A),
    "events_api_event_registrations": op(C, E, A),
    "events_api_event_register": op(S),
    "events_api_event_unregister": op(S),
    "events_api_event_check_in": op(C, E, A),
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
    # mentor programs (A's program takes partner staff as mentors: P's mentor applied, P's
    # supervisor is nominated, P's recruiter may apply; A's student is a mentee)
    "matching_api_programs_open_programs": lst("mentor_program", S, M, R, SV),
    "matching_api_programs_apply": op(S, M, R, SV),
    "matching_api_programs_applications": lst("program_application", C, M),
    "matching_api_programs_decide": op(C),
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
    # rosters: A's coordinators and platform admins import A's OneRoster exports
    "rosters_api_roster_import_create": op(C, A),
    "rosters_api_roster_import_detail": op(C, A),
    "rosters_api_roster_import_confirm": op(C, A),
    # search: every signed-in user searches; each kind is scoped by its own app's rule (the
    # operation's ?q= is not in its path: tests/test_search.py asks with words)
    "search_api_search": Rule(ALL, self_service=True),
    # skills: every signed-in user may run the extractor on a text of theirs (rate-limited);
    # a queued extraction is read by the person who asked only (the world's is the student's)
    "skills_api_extract": Rule(ALL, self_service=True, methods=("post",)),
    "skills_api_extraction_detail": op(S),
    # placements (the student's accepted clinical placement at P, through A)
    "placements_api_placement_board": op(C, A),
    "placements_api_requirement_list": lst("requirement", C, A),
    "placements_api_requirement_create": op(C),
    "placements_api_placement_detail": Rule(PLACEMENT_VIEW, params=_PLACEMENT),
    "placements_api_clearance_evidence_upload": Rule(frozenset({S}), params=_PLACEMENT),
    "placements_api_clearance_decide": Rule(frozenset({C}), params=_PLACEMENT),
    "placements_api_placement_terms_set": Rule(frozenset({C}), params=_PLACEMENT),
    "placements_api_hours_list": Rule(PLACEMENT_VIEW, params=_PLACEMENT),
    "placements_api_hours_log": Rule(frozenset({S}), params=_PLACEMENT),  # 400: not started
    "placements_api_hours_edit": op(S),  # 400: not started yet
    "placements_api_hours_decide": op(SV),
    # learning agreements (v2 out for signature, the student's turn; v1 signed with its PDF):
    # the parties see them (the student, A's coordinators and educators, P's supervisors, as
    # signers); A's coordinators and educators prepare and change them (409: not a draft /
    # already prepared); only the signer whose turn it is signs or declines
    "placements_api_agreements_awaiting_signature": Rule(
        frozenset({S}), lists="agreement", self_service=True
    ),
    "placements_api_agreement_detail": op(AGREEMENT_PARTIES),
    "placements_api_agreement_edit": op(C, E),
    "placements_api_agreement_send": op(C, E),
    "placements_api_agreement_sign": op(S),
    "placements_api_agreement_decline": op(S),
    "placements_api_agreement_amend": op(C, E),
    "placements_api_agreement_pdf": Rule(
        AGREEMENT_PARTIES, params=(("agreement_id", "signed_agreement"),)
    ),
    "placements_api_agreement_list": Rule(AGREEMENT_PARTIES, params=_PLACEMENT),
    "placements_api_agreement_create": Rule(frozenset({C, E}), params=_PLACEMENT),
    # agreement templates: A's coordinators only
    "placements_api_agreement_template_list": lst("agreement_template", C),
    "placements_api_agreement_template_create": op(C),
    "placements_api_agreement_template_update": op(C),
    # site visits, incidents, minors, due diligence (issue 15; the world's visit is the
    # educator's, its incident the student's, not about the supervisor)
    "placements_api_visits_visit_list": Rule(VISIT_VIEW, params=_PLACEMENT),
    "placements_api_visits_visit_schedule": Rule(frozenset({C, E}), params=_PLACEMENT),
    "placements_api_visits_visit_record": op(C, E),
    "placements_api_visits_incident_report": Rule(INCIDENT_VIEW, params=_PLACEMENT),
    "placements_api_visits_incident_list": lst("incident", INCIDENT_VIEW),
    "placements_api_visits_incident_detail": Rule(INCIDENT_VIEW),
    "placements_api_visits_incident_evidence": Rule(INCIDENT_VIEW),
    "placements_api_visits_incident_transition": op(C),
    "placements_api_visits_minors_rules_set": op(C),
    "placements_api_visits_birth_date_record": op(C),
    "placements_api_visits_diligence_checklist": op(C),
    "placements_api_visits_diligence_item_record": op(C),
    # mentoring pairs (the published A–P pair of A's student and P's mentor): its members and
    # A's coordinators see it; only the members work in it; the program's health is for A's
    # coordinators. Platform admins are not let in (a pair's workspace is private).
    "mentoring_api_pair_list": lst("mentor_pair", PAIR_VIEW),
    "mentoring_api_pair_detail": op(PAIR_VIEW),
    "mentoring_api_goal_list": op(PAIR_VIEW),
    "mentoring_api_goal_create": op(PAIR_MEMBERS),
    "mentoring_api_goal_update": op(PAIR_MEMBERS),
    "mentoring_api_goal_delete": op(PAIR_MEMBERS),
    "mentoring_api_session_list": op(PAIR_VIEW),
    "mentoring_api_session_create": op(PAIR_MEMBERS),
    "mentoring_api_session_schedule": op(PAIR_MEMBERS),
    "mentoring_api_rematch_request": op(PAIR_MEMBERS),
    "mentoring_api_program_health": op(C),
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
    "mentor_program_id": "mentor_program",
    "program_application_id": "program_application",
    "program_id": "program",
    "course_id": "course",
    "outcome_id": "outcome",
    "mapping_id": "mapping",
    "import_id": "import",
    "roster_import_id": "roster_import",
    "job_id": "job",
    "student_id": "student",
    "user_id": "student",
    "connection_id": "sso_connection",
    "requirement_id": "requirement",
    "entry_id": "hours_entry",
    "agreement_id": "agreement",
    "visit_id": "visit",
    "incident_id": "incident",
    "template_id": "agreement_template",
    "notification_id": "notification",
    "kind": "=applications.stage_changed",
    "conversation_id": "conversation",
    "message_id": "message",
    "event_id": "event",
    "request_id": "speaker_request",
    "pair_id": "mentor_pair",
    "goal_id": "pair_goal",
    "mentoring_program_id": "mentoring_program",
    "extraction_id": "skill_extraction",
}

#: Request-body id fields → world key (a list for array fields).
BODY_IDS: dict[str, str] = {
    "subject_id": "partnership",
    "entries": "hours_entry",
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
    "skills_api_extract": {"text": "Negotiate contracts and write Python.", "mode": "lexical"},
    "organizations_api_people_invitation_bulk": {"csv": "email,role\nbulk@example.org,student\n"},
    "surveys_api_survey_invite": {"email": "guest@example.org"},
    "events_api_speaker_request_answer": {"accept": False},
    # Any registered subject type (a free string in the schema): the world's partnership.
    "messaging_api_conversation_start": {"subject_type": "partnership"},
    "events_api_event_check_in": {"token": "not-a-code"},
    "surveys_api_invitation_respond": {"answers": {"likert": "4", "single": "yes"}},
    "curricula_api_mapping_decide": {"status": "confirmed"},
    "curricula_api_extraction_job_start": {"scope": "outcomes", "program_id": "@program"},
    "profiles_api_cv_text": {"text": "I know SQL and Python."},
    "matching_api_partner_ranking_put": {"students": []},
    "matching_api_programs_decide": {"decision": "decline", "reason": ""},
    "sso_api_connection_create": {
        "slug": "matrix-sso",
        "name": "Matrix SSO",
        "protocol": "oidc",
        "issuer_url": "https://idp.example.org",
        "client_id": "tandem",
        "role_rules": [],
        "default_role": "",
    },
    "sso_api_connection_update": {"name": "Renamed SSO"},
    "placements_api_requirement_create": {"kind": "immunisation", "name": "Alpha new"},
    "placements_api_hours_decide": {"approve": True},
    "placements_api_agreement_decline": {"reason": "Alpha reason"},
    "placements_api_agreement_template_create": {
        "institution": "@institution",
        "name": "Alpha template",
        "sections": ["objectives", "dates"],
        "signing_order": ["student", "coordinator"],
    },
    "placements_api_agreement_template_update": {
        "name": "Alpha template renamed",
        "sections": ["objectives"],
        "signing_order": ["student", "supervisor", "coordinator"],
    },
    "placements_api_visits_visit_record": {"status": "cancelled"},
    "placements_api_visits_incident_transition": {"status": "under_review"},
    "placements_api_visits_birth_date_record": {
        "student": "@student",
        "date_of_birth": "2010-01-01",
    },
}
