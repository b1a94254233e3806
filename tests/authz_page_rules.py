"""The authorization matrix's page table (tests/test_authz_matrix.py, see
docs/development/authorization-matrix.md): who may open or post to each page URL name, the
pages left out by design, and the form data and query strings the pages need.
"""

from __future__ import annotations

from tests.authz_rules import (
    AGREEMENT_PARTIES,
    ALL,
    APP_VIEW,
    CURRIC_EDIT,
    CURRIC_READ,
    DIRECTORY,
    INCIDENT_VIEW,
    NOBODY,
    OPP_VIEW,
    PAIR_MEMBERS,
    PAIR_VIEW,
    PARTICIPANTS,
    PS_EDIT,
    PS_VIEW,
    ROUND_VIEW,
    SV,
    VISIT_VIEW,
    A,
    C,
    E,
    F,
    M,
    R,
    Rule,
    S,
)
from tests.authz_world import PROGRAM_NAME

# --- Pages: URL name → who may -------------------------------------------------------------
#: Public by design, or not ours: never in the matrix.
PAGE_EXCLUDED_PREFIXES = {
    "admin/": "Django admin: staff-only by Django's own admin_view, not our permissions",
    "api/": "the API mount: covered operation by operation from the OpenAPI document",
    "static/": "static files",
    "media/": "uploaded files are served only through permission-checked views",
    "auth/": (
        "django-allauth's pages (e-mail, MFA, passkeys, SSO): anonymous, or the signed-in "
        "person's own account only, by allauth's own checks; some routes are unnamed, so they "
        "are walked by tests/test_accounts_allauth_pages.py (anonymous → sign-in, no writes on "
        "GET) instead of here; SSO start and callbacks are public by design, their refusals "
        "tested in test_sso_oidc.py and test_sso_saml.py"
    ),
}
PAGE_EXCLUDED = {
    "accounts:login": "the sign-in page is public",
    "accounts:logout": "signing out is open to everyone",
    "account_login": "the sign-in page is public (allauth's name for /accounts/login/)",
    "account_logout": "signing out is open to everyone (allauth's name for /accounts/logout/)",
    "account_reset_password": "password reset is public by design (allauth's name for it)",
    "accounts:password_reset": "password reset is public by design",
    "accounts:password_reset_done": "password reset is public by design",
    "accounts:password_reset_confirm": "password reset is public by design (signed link)",
    "accounts:password_reset_complete": "password reset is public by design",
    "surveys:answer_link": "external respondents answer by signed link, without an account",
    "organizations:invitation_link": (
        "an invitation's e-mailed link (secret token) opens to anyone who holds it, signed in "
        "or not; its refusals are tested in test_organizations_invitations.py"
    ),
    "organizations:partner_signup": (
        "the partner sign-up page is public by design (rate-limited per address); tested in "
        "test_organizations_partner_signup.py"
    ),
    "organizations:partner_signup_verify": (
        "a partner sign-up's e-mailed link (secret token) opens to whoever holds it; tested in "
        "test_organizations_partner_signup.py"
    ),
    "set_language": "language switch, public (sets a cookie only)",
    "events:feed": (
        "a person's private calendar feed: whoever holds the secret URL (a calendar app, no "
        "session) reads it; tested in test_events_calendar.py (unknown, regenerated and revoked "
        "tokens answer 404)"
    ),
    "favicon": "static icon",
    "placements:hours_link": (
        "a placement's hours approval link (secret token) opens to whoever holds it, without an "
        "account; tested in test_placements_hours_link.py (forged, expired, revoked and other-"
        "placement tokens refused)"
    ),
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
    "messaging:report": {"reason": "Abusive"},
    "applications:move": {"to_stage": "under_review"},
    "partnerships:transition": {"transition-to_status": "under_review"},
    "opportunities:decide": {"institution": "@institution", "decision": "approve"},
    "placements:agreement_decline": {"reason": "Alpha reason"},
}
#: Query strings for GETs that need one.
PAGE_QUERY: dict[str, dict[str, str]] = {
    "curricula:gap_skill": {"uri": "@concept.uri"},
    "applications:opportunity_search": {"opportunity_title": "@opportunity.title"},
    # A word of the posting's title (not the title itself: the page repeats what was asked).
    "search:page": {"q": "internship"},
}
PLACEMENT_VIEW = frozenset({S, C, R, SV, A})
_PARTICIPANTS = PARTICIPANTS
PAGE_RULES: dict[str, Rule] = {
    # notifications: each person's own
    "notifications:centre": Rule(ALL, self_service=True),
    "notifications:badge": Rule(ALL, self_service=True),
    "notifications:mark_all_read": Rule(ALL, self_service=True, methods=(P,)),
    "notifications:preferences": Rule(ALL, self_service=True, methods=(G, P)),
    "notifications:mark_read": page({S}, P, public_id="notification"),
    # messaging: the conversation's participants; starting one: who belongs to the subject
    "messaging:inbox": page_list("conversation", _PARTICIPANTS),
    "messaging:start": page(
        _PARTICIPANTS, G, P, subject_type="=partnership", subject_id="partnership"
    ),
    "messaging:student_messaging": page({C, A}, G, P, public_id="institution"),
    "messaging:conversation": page(_PARTICIPANTS, G, P, public_id="conversation"),
    "messaging:mark_read": page(_PARTICIPANTS, P, public_id="conversation"),
    "messaging:report": page(
        _PARTICIPANTS - {C}, P, public_id="conversation", message_id="message"
    ),
    "messaging:attachment": page(_PARTICIPANTS, G, public_id="conversation", message_id="message"),
    # single sign-on connections: platform admins only
    "sso:connection_list": page({A}),
    "sso:connection_create": page({A}, G, P),
    "sso:connection_edit": page({A}, G, P, public_id="sso_connection"),
    "sso:connection_delete": page({A}, P, public_id="sso_connection"),
    "placements:board": page({C, A}),
    "placements:requirements": page({C}, G, P),
    "placements:hours_review": page({SV}, G, P),
    "placements:hours_report": page({C, A}),
    "placements:evidence": page({S, C}, clearance_id="clearance"),
    "placements:placement": page(PLACEMENT_VIEW, public_id="placement"),
    # learning agreements (see the API rows in authz_rules.py)
    "placements:agreement_templates": page({C}, G, P),
    "placements:agreement_template": page({C}, G, P, template_id="agreement_template"),
    "placements:agreements_to_sign": Rule(ALL, self_service=True),
    "placements:agreement": page(AGREEMENT_PARTIES, public_id="agreement"),
    "placements:agreement_edit": page({C, E}, P, public_id="agreement"),
    "placements:agreement_send": page({C, E}, P, public_id="agreement"),
    "placements:agreement_sign": page({S}, P, public_id="agreement"),
    "placements:agreement_decline": page({S}, P, public_id="agreement"),
    "placements:agreement_amend": page({C, E}, P, public_id="agreement"),
    "placements:agreement_pdf": page(AGREEMENT_PARTIES, public_id="signed_agreement"),
    "placements:agreement_create": page({C, E}, P, public_id="placement"),
    "placements:terms": page({C}, P, public_id="placement"),
    "placements:hours_log": page({S}, P, public_id="placement"),
    "placements:hours_link_send": page({C, R, SV}, P, public_id="placement"),
    "placements:evidence_upload": page({S}, P, public_id="placement", requirement_id="requirement"),
    "placements:clearance_decide": page(
        {C}, P, public_id="placement", requirement_id="requirement"
    ),
    # issue 15 (see tests/authz_rules.py: VISIT_VIEW, INCIDENT_VIEW)
    "placements:visits_home": Rule(ALL, self_service=True),  # each sees their own visits
    "placements:visits": page(VISIT_VIEW, public_id="placement"),
    "placements:visit_schedule": page({C, E}, P, public_id="placement"),
    "placements:visit_record": page({C, E}, P, visit_id="visit"),
    "placements:incidents": page_list("incident", INCIDENT_VIEW),
    "placements:incident": page(INCIDENT_VIEW, public_id="incident"),
    "placements:incident_status": page({C}, P, public_id="incident"),
    "placements:incident_evidence": page(INCIDENT_VIEW, public_id="incident"),
    "placements:incident_report": page(INCIDENT_VIEW, G, P, public_id="placement"),
    "placements:minors": page({C}, G, P),
    "placements:diligence": page({C}, G, P, institution_id="institution", partner_id="partner"),
    "placements:diligence_evidence": page({C}, item_id="diligence_item"),
    "dashboards:home": Rule(ALL, self_service=True),
    # The pattern library shows sample text only: every signed-in person by design.
    "dashboards:patterns": Rule(ALL, directory=True),
    "accounts:account": Rule(ALL, self_service=True),
    "accounts:token_revoke": page({S}, P, token_id="token"),
    "accounts:personal_data_export": Rule(ALL, self_service=True),
    "accounts:erase": Rule(ALL, self_service=True),
    "organizations:list": DIRECTORY,
    "organizations:vetting": page({C}),  # coordinators vet partners for their institutions
    "organizations:detail": Rule(ALL, directory=True, params=(("public_id", "institution"),)),
    "organizations:member_add": page({C, A}, P, public_id="institution"),
    "organizations:mfa_policy": page({C, A}, P, public_id="institution"),
    "organizations:member_completion": page(
        {C, A}, G, P, public_id="institution", membership_id="membership"
    ),
    "organizations:completions_import": page({C, A}, P, public_id="institution"),
    "organizations:invitation_revoke": page(
        {C, A}, P, public_id="institution", invitation_id="member_invitation"
    ),
    "organizations:invitation_respond": page({S}, P, invitation_id="member_invitation"),
    "organizations:invitation_list": page({C, A}, public_id="institution"),
    "organizations:invitation_import": page({C, A}, G, P, public_id="institution"),
    "organizations:invitation_resend": page(
        {C, A}, P, public_id="institution", invitation_id="member_invitation"
    ),
    "organizations:member_accounts": page({C, A}, public_id="institution"),
    "organizations:account_deactivate": page({C, A}, P, public_id="institution", user_id="student"),
    "organizations:account_reactivate": page({C, A}, P, public_id="institution", user_id="student"),
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
    # P's mentor applied, P's supervisor is nominated, and P's staff may apply as mentors
    # (the program takes partner staff): they see the program.
    "matching:program_detail": page({C, S, A, M, R, SV}, public_id="mentor_program"),
    "matching:programs_open": page_list("mentor_program", {S, M, R, SV}),
    "matching:program_apply": page({S, M, R, SV}, G, P, public_id="mentor_program"),
    "matching:program_applications": page({C}, public_id="mentor_program"),
    "matching:program_application_decide": page(
        {C}, P, public_id="mentor_program", application_id="program_application"
    ),
    "matching:program_nominate": page({C}, P, public_id="mentor_program"),
    "matching:program_nomination_respond": page(
        {SV}, P, public_id="mentor_program", application_id="program_nomination"
    ),
    "matching:program_settings": page({C}, G, P, public_id="mentor_program"),
    "matching:program_add": page({C}, P, public_id="mentor_program"),
    "matching:program_profile": page({S}, P, public_id="mentor_program"),
    "matching:program_step": page({C}, P, public_id="mentor_program", step="=run"),
    "skills:browse": Rule(ALL, self_service=True),
    "skills:concept": Rule(ALL, directory=True, params=(("esco_id", "concept"),)),
    # mentoring pairs: members and A's coordinators see the workspace; members work in it;
    # coordinators end pairs and see the program's health
    "mentoring:pairs": page_list("mentor_pair", PAIR_VIEW),
    "mentoring:pair": page(PAIR_VIEW, public_id="mentor_pair"),
    "mentoring:goal_add": page(PAIR_MEMBERS, P, public_id="mentor_pair"),
    "mentoring:session_log": page(PAIR_MEMBERS, P, public_id="mentor_pair"),
    "mentoring:session_schedule": page(PAIR_MEMBERS, P, public_id="mentor_pair"),
    "mentoring:rematch": page(PAIR_MEMBERS, P, public_id="mentor_pair"),
    "mentoring:pair_close": page({C}, P, public_id="mentor_pair"),
    "mentoring:reflection": page(PAIR_MEMBERS, P, public_id="mentor_pair"),
    "mentoring:goal_update": page(PAIR_MEMBERS, P, public_id="pair_goal"),
    "mentoring:goal_delete": page(PAIR_MEMBERS, P, public_id="pair_goal"),
    "mentoring:session_reschedule": page(PAIR_MEMBERS, P, public_id="pair_session"),
    "mentoring:session_cancel": page(PAIR_MEMBERS, P, public_id="pair_session"),
    "mentoring:session_ics": page(PAIR_MEMBERS, public_id="pair_session"),
    "mentoring:program_health": page({C}, public_id="mentoring_program"),
    "mentoring:program_settings": page({C}, P, public_id="mentoring_program"),
    "mentoring:program_end": page({C}, P, public_id="mentoring_program"),
    "skills:try": Rule(ALL, self_service=True, methods=(G, P)),
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
    "rosters:list": page_list("roster_import", {C, A}),
    "rosters:upload": page({C, A}, P),
    "rosters:detail": page({C, A}, public_id="roster_import"),
    "rosters:confirm": page({C, A}, P, public_id="roster_import"),
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
    # events (public_id = A's published guest lecture; P's mentor speaks, A's student is
    # registered; speaker_request = A's request to P's mentor)
    "events:list": page_list("event", {S, C, E, M, A}),
    "events:create": Rule(frozenset({C, E}), methods=(G, P)),
    "events:detail": page({S, C, E, M, A}, public_id="event"),
    "events:ics": page({S, C, E, M, A}, public_id="event"),
    "events:edit": page({C, E, A}, G, P, public_id="event"),
    "events:publish": page({C, E, A}, P, public_id="event"),
    "events:cancel": page({C, E, A}, P, public_id="event"),
    "events:manage": page({C, E, A}, public_id="event"),
    "events:speaker_add": page({C, E, A}, P, public_id="event"),
    "events:check_in": page({C, E, A}, G, P, public_id="event"),
    "events:register": page({S}, P, public_id="event"),
    "events:unregister": page({S}, P, public_id="event"),
    "events:self_check_in": page({S}, P, public_id="event"),
    "events:calendar": Rule(ALL, self_service=True),
    "events:calendar_regenerate": Rule(ALL, self_service=True, methods=(P,)),
    "events:calendar_revoke": Rule(ALL, self_service=True, methods=(P,)),
    "events:speaker_requests": page_list("speaker_request", {C, E, M, A}),
    "events:speaker_request_new": Rule(frozenset({C, E}), methods=(G, P)),
    "events:speaker_request_answer": page({M}, P, public_id="speaker_request"),
    "events:speaker_profile": Rule(frozenset({R, SV, M, F}), methods=(G, P)),
    "analytics:index": Rule(ALL, self_service=True),
    "search:page": page_list("opportunity", OPP_VIEW),
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
