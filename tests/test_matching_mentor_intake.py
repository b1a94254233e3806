"""Mentor programs before the pairing: settings and lifecycle, applications and
nominations, the coordinator's decisions, matching constraints with reasons, the pages, the
API and personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.matching import selectors, services
from tandem.matching.models import (
    MenteeProfile,
    MentorPair,
    MentorProfile,
    MentorProgram,
    ProgramApplication,
)
from tandem.notifications.models import Notification
from tandem.organizations.models import Membership, Role
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/mentor-programs"
PROFILE = {
    "skills": ["Python"],
    "interests": ["robotics"],
    "goals": ["first job"],
    "availability": ["tue-evening", "sat-morning"],
    "languages": ["English"],
}


@pytest.fixture
def w():
    inst = InstitutionFactory(name="Alder College")
    other_inst = InstitutionFactory(name="Birch College")
    partner = PartnerFactory(name="Cedar Health")
    stranger_partner = PartnerFactory(name="Dogwood Ltd")
    PartnershipFactory(institutions=[inst], partners=[partner])
    coordinator = member(inst, Role.COORDINATOR)
    program = services.program_create(
        actor=coordinator,
        institution=inst,
        title="Alder mentoring",
        goals="Every nursing student meets a nurse.",
        mentee_programmes=["Nursing"],
        mentee_min_year=1,
        mentee_max_year=2,
        default_capacity=3,
    )
    return {
        "inst": inst,
        "other_inst": other_inst,
        "partner": partner,
        "program": program,
        "coordinator": coordinator,
        "student": member(
            inst,
            Role.STUDENT,
            user=UserFactory(full_name="Nia Nurse"),
            program="Nursing",
            year_of_study=1,
        ),
        "wrong_programme": member(inst, Role.STUDENT, program="History", year_of_study=1),
        "wrong_year": member(inst, Role.STUDENT, program="Nursing", year_of_study=3),
        "other_student": member(other_inst, Role.STUDENT, program="Nursing", year_of_study=1),
        "mentor": member(partner, Role.MENTOR, user=UserFactory(full_name="Maya Mentor")),
        "recruiter": member(partner, Role.RECRUITER),
        "stranger_mentor": member(stranger_partner, Role.MENTOR),
        "educator": member(inst, Role.EDUCATOR, user=UserFactory(full_name="Eve Educator")),
        "other_educator": member(other_inst, Role.EDUCATOR),
    }


def _apply(user, program, kind=None, **data):
    return services.application_submit(
        actor=user, program=program, kind=kind, data={**PROFILE, **data}
    )


# --- Settings and lifecycle ---------------------------------------------------------------
def test_create_stores_settings_and_opens_at_once_or_as_a_draft(w):
    program = w["program"]
    assert program.status == "open"
    assert program.goals == "Every nursing student meets a nurse."
    assert program.mentee_programmes == ["Nursing"]
    assert (program.mentee_min_year, program.mentee_max_year) == (1, 2)
    assert program.default_capacity == 3
    draft = services.program_create(
        actor=w["coordinator"], institution=w["inst"], title="Later", draft=True
    )
    assert draft.status == "draft"
    with pytest.raises(NotEligibleOrConflict):
        _apply(w["student"], draft)


NotEligibleOrConflict = (PermissionDeniedError, ConflictError)


def test_transitions_follow_the_one_table_and_refuse_clearly(w):
    c = w["coordinator"]
    draft = services.program_create(actor=c, institution=w["inst"], title="T", draft=True)
    assert services.allowed_actions(draft) == ["open"]
    with pytest.raises(ConflictError, match="Only computed pairs can be published"):
        services.program_publish(actor=c, program=draft)
    with pytest.raises(ConflictError, match="Pairs can be computed only"):
        services.program_run(actor=c, program=draft)
    services.program_transition(actor=c, program=draft, action="open")
    assert MentorProgram.objects.get(pk=draft.pk).status == "open"
    with pytest.raises(ConflictError, match="Only a draft program can be opened"):
        services.program_transition(actor=c, program=draft, action="open")
    with pytest.raises(ConflictError, match="Only a published program can be closed"):
        services.program_transition(actor=c, program=draft, action="close")
    with pytest.raises(PermissionDeniedError):
        services.program_transition(actor=w["educator"], program=draft, action="close")
    assert services.allowed_actions(draft) == ["run"]


def test_a_published_program_closes(w, django_capture_on_commit_callbacks):
    c, program = w["coordinator"], w["program"]
    with django_capture_on_commit_callbacks(execute=True):
        services.program_run(actor=c, program=program)
    program.refresh_from_db()
    services.program_publish(actor=c, program=program)
    services.program_transition(actor=c, program=program, action="close")
    program.refresh_from_db()
    assert program.status == "closed"
    assert services.allowed_actions(program) == []


def test_settings_refuse_bad_input_with_field_messages_and_change_nothing(w):
    c, program = w["coordinator"], w["program"]
    now = timezone.now()
    cases = [
        ({"opens_at": now, "closes_at": now - dt.timedelta(days=1)}, "closes_at"),
        ({"mentee_min_year": 3, "mentee_max_year": 2}, "mentee_max_year"),
        ({"default_capacity": 21}, "default_capacity"),
        ({"mentor_source": "anyone"}, "mentor_source"),
        ({"min_shared_slots": 22}, "min_shared_slots"),
        ({"weights": {"skills": 101}}, "weight_skills"),
        ({"weights": {"charm": 1}}, "weights"),
        ({"weights": dict.fromkeys(services.WEIGHTS, 0)}, "weights"),
    ]
    for data, field in cases:
        with pytest.raises(DomainError) as exc:
            services.program_settings_update(actor=c, program=program, data=data)
        assert field in exc.value.fields, data
    fresh = MentorProgram.objects.get(pk=program.pk)
    assert (fresh.default_capacity, fresh.mentee_min_year, fresh.weights) == (3, 1, {})
    with pytest.raises(PermissionDeniedError):
        services.program_settings_update(actor=w["educator"], program=program, data={"goals": "x"})


# --- Applying -----------------------------------------------------------------------------
def test_eligible_student_applies_and_is_not_matched_until_approved(w):
    program = w["program"]
    application = _apply(w["student"], program)
    assert (application.kind, application.status) == ("mentee", "pending")
    assert application.languages == ["English"]
    assert application.availability == ["tue-evening", "sat-morning"]
    assert application.membership.program == "Nursing"
    assert not MenteeProfile.objects.filter(program=program).exists()


@pytest.mark.parametrize("who", ["wrong_programme", "wrong_year", "other_student", "educator"])
def test_ineligible_people_are_refused_without_a_write(w, who):
    with pytest.raises(PermissionDeniedError) as exc:
        _apply(w[who], w["program"])
    assert "kind" in exc.value.fields
    assert not ProgramApplication.objects.exists()


def test_applying_twice_outside_the_window_or_with_a_bad_profile_is_refused(w):
    program, student = w["program"], w["student"]
    with pytest.raises(DomainError) as exc:
        _apply(student, program, languages=[], availability=["someday"])
    assert set(exc.value.fields) == {"languages", "availability"}
    assert not ProgramApplication.objects.exists()
    _apply(student, program)
    with pytest.raises(ConflictError) as exc:
        _apply(student, program)
    assert exc.value.fields["kind"] == ["You have already applied."]
    assert ProgramApplication.objects.count() == 1

    now = timezone.now()
    services.program_settings_update(
        actor=w["coordinator"],
        program=program,
        data={"opens_at": now - dt.timedelta(days=9), "closes_at": now - dt.timedelta(days=1)},
    )
    late = member(w["inst"], Role.STUDENT, program="Nursing", year_of_study=2)
    with pytest.raises(ConflictError, match="Applications closed on") as exc:
        _apply(late, program)
    assert "program" in exc.value.fields
    services.program_settings_update(
        actor=w["coordinator"],
        program=program,
        data={"opens_at": now + dt.timedelta(days=1), "closes_at": now + dt.timedelta(days=9)},
    )
    with pytest.raises(ConflictError, match="Applications open on"):
        _apply(late, program)
    assert ProgramApplication.objects.count() == 1


def test_mentor_eligibility_follows_the_mentor_source(w):
    program = w["program"]
    # partners (default): mentors and recruiters of partners in a partnership
    assert selectors.program_application_kinds(w["mentor"], program) == ["mentor"]
    assert selectors.program_application_kinds(w["recruiter"], program) == ["mentor"]
    assert selectors.program_application_kinds(w["stranger_mentor"], program) == []
    assert selectors.program_application_kinds(w["educator"], program) == []
    c = w["coordinator"]
    services.program_settings_update(
        actor=c, program=program, data={"mentor_source": "institution"}
    )
    assert selectors.program_application_kinds(w["mentor"], program) == []
    assert selectors.program_application_kinds(w["educator"], program) == ["mentor"]
    assert selectors.program_application_kinds(w["other_educator"], program) == []
    services.program_settings_update(actor=c, program=program, data={"mentor_source": "both"})
    assert selectors.program_application_kinds(w["mentor"], program) == ["mentor"]
    assert selectors.program_application_kinds(w["educator"], program) == ["mentor"]
    services.program_settings_update(actor=c, program=program, data={"mentor_source": "invited"})
    assert selectors.program_application_kinds(w["mentor"], program) == []
    with pytest.raises(PermissionDeniedError):
        _apply(w["mentor"], program)


def test_mentor_capacity_is_checked_and_defaults_to_the_programs(w):
    program = w["program"]
    for bad in (0, 21, "many"):
        with pytest.raises(DomainError) as exc:
            _apply(w["mentor"], program, capacity=bad)
        assert exc.value.fields["capacity"] == ["Capacity is 1 to 20 mentees."]
    assert not ProgramApplication.objects.exists()
    assert _apply(w["mentor"], program).capacity == 3
    assert _apply(w["recruiter"], program, kind="mentor", capacity=20).capacity == 20
    with pytest.raises(PermissionDeniedError):
        _apply(w["student"], program, kind="mentor")


# --- Deciding -----------------------------------------------------------------------------
def test_approval_creates_the_profile_and_notifies_decline_sends_the_reason(w):
    program, c = w["program"], w["coordinator"]
    a_student = _apply(w["student"], program, skills=["Wound care"])
    a_mentor = _apply(w["mentor"], program, capacity=2)
    services.application_decide(actor=c, application=a_student, approve=True)
    mentee = MenteeProfile.objects.get(program=program, student=w["student"])
    assert mentee.skills == ["Wound care"] and mentee.languages == ["English"]
    services.application_decide(
        actor=c, application=a_mentor, approve=False, reason="We have enough mentors."
    )
    assert not MentorProfile.objects.filter(program=program).exists()
    approved = Notification.objects.get(recipient=w["student"])
    assert "is approved" in approved.title
    declined = Notification.objects.get(recipient=w["mentor"])
    assert "is declined" in declined.title and "We have enough mentors." in declined.body
    with pytest.raises(ConflictError, match="already been decided"):
        services.application_decide(actor=c, application=a_mentor, approve=True)
    a_recruiter = _apply(w["recruiter"], program)
    for actor in (w["educator"], w["student"], w["recruiter"]):
        with pytest.raises(PermissionDeniedError):
            services.application_decide(actor=actor, application=a_recruiter, approve=True)
    assert ProgramApplication.objects.get(pk=a_recruiter.pk).status == "pending"


def test_only_approved_profiles_are_matched(w, django_capture_on_commit_callbacks):
    program, c = w["program"], w["coordinator"]
    services.application_decide(actor=c, application=_apply(w["student"], program), approve=True)
    services.application_decide(actor=c, application=_apply(w["mentor"], program), approve=True)
    _apply(w["recruiter"], program)  # pending: not matched
    late = member(w["inst"], Role.STUDENT, program="Nursing", year_of_study=2)
    _apply(late, program)  # pending
    with django_capture_on_commit_callbacks(execute=True):
        services.program_run(actor=c, program=program)
    program.refresh_from_db()
    assert program.stats["mentees"] == 1 and program.stats["mentors"] == 1
    pair = MentorPair.objects.get(program=program)
    assert (pair.mentee.student, pair.mentor.membership.user) == (w["student"], w["mentor"])


# --- Nominations --------------------------------------------------------------------------
def test_nomination_notifies_and_the_nominee_accepts_with_a_profile(w):
    program, c = w["program"], w["coordinator"]
    services.program_settings_update(actor=c, program=program, data={"mentor_source": "invited"})
    membership = Membership.objects.get(user=w["stranger_mentor"])
    nomination = services.nomination_create(
        actor=c, program=program, membership=membership, kind="mentor", capacity=4
    )
    note = Notification.objects.get(recipient=w["stranger_mentor"])
    assert "nominated as a mentor" in note.title and str(program.public_id) in note.link
    with pytest.raises(PermissionDeniedError):
        services.nomination_respond(actor=w["mentor"], application=nomination, accept=True)
    with pytest.raises(DomainError) as exc:
        services.nomination_respond(
            actor=w["stranger_mentor"], application=nomination, accept=True, data={}
        )
    assert set(exc.value.fields) == {"languages", "availability"}
    assert not MentorProfile.objects.exists()
    services.nomination_respond(
        actor=w["stranger_mentor"], application=nomination, accept=True, data=PROFILE
    )
    profile = MentorProfile.objects.get(program=program)
    assert (profile.capacity, profile.languages) == (4, ["English"])
    with pytest.raises(ConflictError):
        services.nomination_respond(
            actor=w["stranger_mentor"], application=nomination, accept=False
        )
    with pytest.raises(ConflictError):  # nominated twice
        services.nomination_create(actor=c, program=program, membership=membership, kind="mentor")


def test_nominee_may_decline_and_bad_nominations_are_refused(w):
    program, c = w["program"], w["coordinator"]
    student_m = Membership.objects.get(user=w["student"])
    nomination = services.nomination_create(
        actor=c, program=program, membership=student_m, kind="mentee"
    )
    services.nomination_respond(actor=w["student"], application=nomination, accept=False)
    assert ProgramApplication.objects.get(pk=nomination.pk).status == "nomination_declined"
    assert not MenteeProfile.objects.exists()
    with pytest.raises(DomainError) as exc:  # a student of another institution
        services.nomination_create(
            actor=c,
            program=program,
            membership=Membership.objects.get(user=w["other_student"]),
            kind="mentee",
        )
    assert "membership" in exc.value.fields
    with pytest.raises(PermissionDeniedError):
        services.nomination_create(
            actor=w["educator"],
            program=program,
            membership=Membership.objects.get(user=w["mentor"]),
            kind="mentor",
        )


# --- Constraints --------------------------------------------------------------------------
def _profiles(w, *, mentor_langs, mentee_langs, mentor_slots, mentee_slots, mentor_user=None):
    program, c = w["program"], w["coordinator"]
    mentor = services.mentor_add(
        actor=c,
        program=program,
        membership=Membership.objects.get(user=mentor_user or w["mentor"]),
        capacity=1,
        languages=mentor_langs,
        availability=mentor_slots,
        skills=["Python"],
    )
    mentee = services.mentee_add(
        actor=c,
        program=program,
        student=w["student"],
        languages=mentee_langs,
        availability=mentee_slots,
        skills=["python"],
    )
    return mentor, mentee


def test_shared_language_constraint_can_be_turned_off(w, django_capture_on_commit_callbacks):
    program, c = w["program"], w["coordinator"]
    _profiles(
        w,
        mentor_langs=["French"],
        mentee_langs=["English"],
        mentor_slots=["tue-evening"],
        mentee_slots=["tue-evening"],
    )
    unmatchable = selectors.program_unmatchable(program)
    assert [(u.name, u.reasons) for u in unmatchable] == [
        ("Nia Nurse", ("no mentor shares a language",))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.program_run(actor=c, program=program, constraints={})
    assert not MentorPair.objects.exists()
    program.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.program_run(
            actor=c, program=program, constraints={"require_shared_language": False}
        )
    program.refresh_from_db()
    assert program.require_shared_language is False
    assert program.stats["constraints"]["require_shared_language"] is False
    assert MentorPair.objects.filter(program=program).count() == 1
    assert selectors.program_unmatchable(program) == []


def test_minimum_overlapping_slots_and_same_institution(w):
    program, c = w["program"], w["coordinator"]
    mentor, mentee = _profiles(
        w,
        mentor_langs=["English"],
        mentee_langs=["English"],
        mentor_slots=["tue-evening", "wed-evening"],
        mentee_slots=["tue-evening"],
        mentor_user=member(w["other_inst"], Role.MENTOR),  # an alumni mentor of Birch
    )
    rules = services.MatchRules(min_shared_slots=2)
    ps = services.pair_score(mentor, mentee, rules, mentee_institution_id=w["inst"].pk)
    assert not ps.allowed and ps.blocked == ("availability",)
    rules = services.MatchRules(require_same_institution=True)
    ps = services.pair_score(mentor, mentee, rules, mentee_institution_id=w["inst"].pk)
    assert ps.blocked == ("institution",)
    services.program_settings_update(
        actor=c, program=program, data={"require_same_institution": True, "min_shared_slots": 2}
    )
    [u] = selectors.program_unmatchable(program)
    assert u.reasons == (
        "no mentor has 2 overlapping weekly slots",
        "every mentor belongs to another institution",
    )
    # a partner's mentor is not concerned by the institution rule
    own = services.mentor_add(
        actor=c,
        program=program,
        membership=Membership.objects.get(user=w["mentor"]),
        languages=["English"],
        availability=["tue-evening"],
    )
    assert services.pair_score(
        own,
        mentee,
        services.MatchRules(require_same_institution=True),
        mentee_institution_id=w["inst"].pk,
    ).allowed
    # both mentors have too few common slots: that is why
    [u] = selectors.program_unmatchable(program)
    assert u.reasons == ("no mentor has 2 overlapping weekly slots",)
    # now the alumni mentor has 2 common slots (but another institution) and the partner's
    # mentor 1: each constraint alone leaves a mentor, together none
    services.mentee_add(
        actor=c,
        program=program,
        student=w["student"],
        languages=["English"],
        availability=["tue-evening", "wed-evening"],
    )
    [u] = selectors.program_unmatchable(program)
    assert u.reasons == ("no mentor meets every constraint at once",)


def test_weights_are_normalised_and_change_the_score(w):
    mentor, mentee = _profiles(
        w,
        mentor_langs=["English"],
        mentee_langs=["English"],
        mentor_slots=["tue-evening"],
        mentee_slots=["tue-evening"],
    )
    default = services.pair_score(mentor, mentee)
    weights = {"skills": 0, "interests": 0, "goals": 0, "availability": 0, "language": 50}
    only_language = services.MatchRules(weights=tuple(services.normalized_weights(weights).items()))
    assert services.pair_score(mentor, mentee, only_language).score == 1.0
    assert default.score < 1.0


# --- Pages ----------------------------------------------------------------------------------
def test_pages_open_list_apply_queue_and_decide(client, w):
    program = w["program"]
    client.force_login(w["student"])
    page = client.get(reverse("matching:programs_open")).content.decode()
    assert (
        "Alder mentoring" in page
        and reverse("matching:program_apply", args=[program.public_id]) in page
    )
    apply_url = reverse("matching:program_apply", args=[program.public_id])
    assert client.get(apply_url).status_code == 200
    bad = client.post(apply_url, {"skills": "Python", "languages": ""})
    assert bad.status_code == 422
    assert "Give at least one language" in bad.content.decode()
    assert not ProgramApplication.objects.exists()
    ok = client.post(
        apply_url,
        {"skills": "Python", "languages": "English", "availability": ["tue-evening"]},
    )
    assert ok.status_code == 302
    application = ProgramApplication.objects.get()
    assert application.availability == ["tue-evening"]
    page = client.get(reverse("matching:programs_open")).content.decode()
    assert "Your application as Mentee: Waiting for a decision." in page

    client.force_login(w["other_student"])
    assert client.get(apply_url).status_code == 404
    assert "Alder mentoring" not in client.get(reverse("matching:programs_open")).content.decode()

    client.force_login(w["coordinator"])
    queue = client.get(reverse("matching:program_applications", args=[program.public_id]))
    assert "Nia Nurse" in queue.content.decode()
    decide = reverse(
        "matching:program_application_decide", args=[program.public_id, application.public_id]
    )
    assert client.post(decide, {"decision": "approve", "reason": ""}).status_code == 302
    assert MenteeProfile.objects.filter(program=program, student=w["student"]).exists()
    detail = client.get(reverse("matching:program_detail", args=[program.public_id]))
    assert 'data-testid="run-form"' in detail.content.decode()


def test_run_form_stores_the_constraints_and_refuses_bad_ones(client, w):
    program = w["program"]
    client.force_login(w["coordinator"])
    url = reverse("matching:program_step", args=[program.public_id, "run"])
    form = {
        "constraints": "1",
        "min_shared_slots": "2",
        "require_same_institution": "on",
        "weight_skills": "50",
        "weight_interests": "0",
        "weight_goals": "0",
        "weight_availability": "25",
        "weight_language": "25",
    }
    assert client.post(url, {**form, "min_shared_slots": "99"}).status_code == 400
    assert MentorProgram.objects.get(pk=program.pk).status == "open"
    assert client.post(url, form).status_code == 302
    program.refresh_from_db()
    assert program.require_shared_language is False
    assert program.require_same_institution is True
    assert program.min_shared_slots == 2
    assert program.weights["skills"] == 50


def test_settings_page_saves_and_shows_field_errors(client, w):
    program = w["program"]
    client.force_login(w["coordinator"])
    url = reverse("matching:program_settings", args=[program.public_id])
    assert client.get(url).status_code == 200
    data = {
        "goals": "New goals",
        "mentee_programmes": "Nursing, Midwifery",
        "mentee_min_year": "",
        "mentee_max_year": "",
        "mentor_source": "both",
        "opens_at": "2031-01-02T09:00",
        "closes_at": "2031-01-01T09:00",
        "default_capacity": "2",
    }
    bad = client.post(url, data)
    assert bad.status_code == 422 and "Applications close after they open." in bad.content.decode()
    assert client.post(url, {**data, "closes_at": "2031-02-01T09:00"}).status_code == 302
    program.refresh_from_db()
    assert program.mentee_programmes == ["Nursing", "Midwifery"]
    assert program.mentor_source == "both" and program.goals == "New goals"


def test_nominee_answers_on_the_program_page(client, w):
    program = w["program"]
    nomination = services.nomination_create(
        actor=w["coordinator"],
        program=program,
        membership=Membership.objects.get(user=w["mentor"]),
        kind="mentor",
    )
    client.force_login(w["mentor"])
    detail = client.get(reverse("matching:program_detail", args=[program.public_id]))
    assert "You are nominated as a Mentor" in detail.content.decode()
    url = reverse(
        "matching:program_nomination_respond", args=[program.public_id, nomination.public_id]
    )
    response = client.post(
        url,
        {
            "answer": "accept",
            "languages": "English",
            "availability": ["mon-morning"],
            "capacity": "2",
        },
    )
    assert response.status_code == 302
    assert MentorProfile.objects.get(program=program).capacity == 2


# --- API ------------------------------------------------------------------------------------
def _post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_api_apply_list_and_decide(client, w):
    program = w["program"]
    client.force_login(w["student"])
    opened = client.get(f"{API}/open").json()
    assert [(p["title"], p["may_apply_as"]) for p in opened] == [("Alder mentoring", ["mentee"])]
    path = f"{API}/{program.public_id}/applications"
    bad = _post(client, path, {**PROFILE, "availability": []})
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    assert "availability" in bad.json()["errors"]
    created = _post(client, path, PROFILE)
    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert _post(client, path, PROFILE).status_code == 409
    own = client.get(path).json()
    assert [a["id"] for a in own] == [created.json()["id"]]

    client.force_login(w["wrong_year"])
    refused = _post(client, path, PROFILE)
    assert refused.status_code == 403

    client.force_login(w["mentor"])
    assert _post(client, path, {**PROFILE, "capacity": 25}).status_code == 400
    mentor_app = _post(client, path, {**PROFILE, "capacity": 2}).json()
    assert mentor_app["kind"] == "mentor" and mentor_app["capacity"] == 2
    assert client.get(path).json()[0]["id"] == mentor_app["id"]

    client.force_login(w["coordinator"])
    everything = client.get(path).json()
    assert {a["id"] for a in everything} == {created.json()["id"], mentor_app["id"]}
    decision = _post(
        client, f"{path}/{created.json()['id']}/decision", {"decision": "approve", "reason": ""}
    )
    assert decision.status_code == 200 and decision.json()["status"] == "approved"
    assert (
        _post(
            client, f"{path}/{created.json()['id']}/decision", {"decision": "decline"}
        ).status_code
        == 409
    )
    client.force_login(w["educator"])
    assert _post(
        client, f"{path}/{mentor_app['id']}/decision", {"decision": "approve"}
    ).status_code in (403, 404)
    assert ProgramApplication.objects.get(public_id=mentor_app["id"]).status == "pending"


# --- Personal data ------------------------------------------------------------------------
def test_applications_are_exported_and_erased(w):
    from tandem.matching.services import (
        matching_personal_data_erase,
        matching_personal_data_export,
    )

    application = _apply(w["student"], w["program"])
    services.application_decide(
        actor=w["coordinator"], application=application, approve=False, reason="Full this term"
    )
    [row] = matching_personal_data_export(w["student"])["mentor_program_applications"]
    assert row["program"] == "Alder mentoring" and row["status"] == "declined"
    assert row["languages"] == ["English"] and row["reason"] == "Full this term"
    matching_personal_data_erase(w["student"])
    application.refresh_from_db()
    assert application.languages == [] and application.skills == []
    assert application.decision_reason == ""


def test_apply_form_starts_with_the_students_esco_skills(client, w):
    from tandem.profiles.services import profile_skill_add
    from tests.factories import small_taxonomy

    concepts = small_taxonomy()
    concept = concepts["Python (computer programming)"]
    profile_skill_add(actor=w["student"], student=w["student"], concept=concept)
    client.force_login(w["student"])
    page = client.get(reverse("matching:program_apply", args=[w["program"].public_id]))
    assert f'value="{concept.preferred_label}"' in page.content.decode()
