"""Mentor programs: the scoring function and its reasons, the optimal assignment as a task,
publishing with e-mails, the pages, and their authorization matrix."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.matching import services
from tandem.matching.models import MenteeProfile, MentorPair, MentorProfile, MentorProgram
from tandem.organizations.models import Membership, Role
from tests.factories import InstitutionFactory, PartnerFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    inst = InstitutionFactory()
    other = InstitutionFactory()
    partner = PartnerFactory()
    coordinator = member(inst, Role.COORDINATOR)
    program = services.program_create(actor=coordinator, institution=inst, title="Mentoring 2027")
    m1 = member(partner, Role.MENTOR, user=UserFactory(full_name="Maya Mentor"))
    m2 = member(partner, Role.MENTOR, user=UserFactory(full_name="Omar Mentor"))
    e1 = member(inst, Role.STUDENT, user=UserFactory(full_name="Ana Mentee"))
    e2 = member(inst, Role.STUDENT, user=UserFactory(full_name="Ben Mentee"))
    mem = {u.pk: Membership.objects.get(user=u, role=Role.MENTOR) for u in (m1, m2)}
    services.mentor_add(
        actor=coordinator,
        program=program,
        membership=mem[m1.pk],
        capacity=1,
        skills=["Python", "SQL"],
        interests=["robotics", "music", "chess", "hiking"],
        goals=["career change"],
        availability=["tue-evening", "sat-morning"],
        languages=["Spanish", "Portuguese"],
    )
    services.mentor_add(
        actor=coordinator,
        program=program,
        membership=mem[m2.pk],
        capacity=1,
        skills=["Welding"],
        interests=["music"],
        availability=["tue-evening"],
        languages=["English"],
    )
    services.mentee_add(
        actor=coordinator,
        program=program,
        student=e1,
        skills=["python", "sql"],
        interests=["Robotics", "Music", "Chess"],
        goals=["career change"],
        availability=["tue-evening"],
        languages=["Spanish"],
    )
    services.mentee_add(
        actor=coordinator,
        program=program,
        student=e2,
        skills=["welding"],
        interests=["music"],
        availability=["tue-evening"],
        languages=["English"],
    )
    return {
        "program": program,
        "coordinator": coordinator,
        "m1": m1,
        "m2": m2,
        "e1": e1,
        "e2": e2,
        "other_coordinator": member(other, Role.COORDINATOR),
        "other_student": member(other, Role.STUDENT),
        "outside_mentor": member(partner, Role.MENTOR),
        "nobody": UserFactory(),
    }


def test_pair_score_components_weights_and_reasons(world):
    program = world["program"]
    mentor = MentorProfile.objects.get(program=program, membership__user=world["m1"])
    mentee = MenteeProfile.objects.get(program=program, student=world["e1"])
    ps = services.pair_score(mentor, mentee)
    # skills 2/3, interests 3/3, goals 1/1 (cap 2 → 1/2), availability 1/2, language 1.
    assert ps.components == {
        "skills": pytest.approx(2 / 3),
        "interests": 1.0,
        "goals": 0.5,
        "availability": 0.5,
        "language": 1.0,
    }
    assert ps.score == pytest.approx(round(0.3 * 2 / 3 + 0.25 + 0.15 * 0.5 + 0.2 * 0.5 + 0.1, 4))
    assert ps.reasons == [
        "can teach 2 skills the mentee wants: python, sql",
        "shares 3 interests: Chess, Music, Robotics",
        "shared goals: career change",
        "both speak Spanish",
        "availability overlaps Tue evening",
    ]
    assert ps.allowed
    other = MenteeProfile.objects.get(program=program, student=world["e2"])
    assert not services.pair_score(mentor, other).allowed  # no common language


def test_run_and_publish(world, django_capture_on_commit_callbacks):
    program = world["program"]
    with django_capture_on_commit_callbacks(execute=True):
        services.program_run(actor=world["coordinator"], program=program)
    program.refresh_from_db()
    assert program.status == "matched"
    pairs = {
        (p.mentee.student_id, p.mentor.membership.user_id): p
        for p in MentorPair.objects.select_related("mentee", "mentor__membership")
    }
    assert set(pairs) == {(world["e1"].pk, world["m1"].pk), (world["e2"].pk, world["m2"].pk)}
    assert program.stats["paired"] == 2
    assert "both speak Spanish" in pairs[(world["e1"].pk, world["m1"].pk)].reasons
    assert len(mail.outbox) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.program_publish(actor=world["coordinator"], program=program)
    assert len(mail.outbox) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (world["m1"], world["m2"], world["e1"], world["e2"])
    )
    assert "shares 3 interests" in next(m.body for m in mail.outbox if m.to == [world["e1"].email])


def test_pages_show_pairs_with_reasons(client, world, django_capture_on_commit_callbacks):
    program = world["program"]
    client.force_login(world["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("matching:program_step", args=[program.public_id, "run"]))
    assert r.status_code == 302
    html = client.get(reverse("matching:program_detail", args=[program.public_id])).content.decode()
    assert 'data-testid="pairs"' in html and "both speak Spanish" in html
    # Before publishing a mentee sees no pairs; after, only their own.
    client.force_login(world["e1"])
    html = client.get(reverse("matching:program_detail", args=[program.public_id])).content.decode()
    assert 'data-testid="pairs"' not in html
    services.program_publish(actor=world["coordinator"], program=program)
    html = client.get(reverse("matching:program_detail", args=[program.public_id])).content.decode()
    assert "Maya Mentor" in html and "Omar Mentor" not in html


def test_participant_edits_own_profile_and_validation(client, world):
    program = world["program"]
    client.force_login(world["e1"])
    url = reverse("matching:program_profile", args=[program.public_id])
    r = client.post(
        url, {"interests": "art, music", "availability": "wed-morning", "languages": "French"}
    )
    assert r.status_code == 302
    profile = MenteeProfile.objects.get(program=program, student=world["e1"])
    assert profile.interests == ["art", "music"] and profile.availability == ["wed-morning"]
    r = client.post(url, {"availability": "someday"})
    assert r.status_code == 400
    profile.refresh_from_db()
    assert profile.availability == ["wed-morning"]
    client.force_login(world["m1"])
    r = client.post(url, {"capacity": "0"})
    assert r.status_code == 400
    with pytest.raises(DomainError):
        services.mentee_add(
            actor=world["coordinator"], program=program, student=world["other_student"]
        )
    with pytest.raises(PermissionDeniedError):
        services.program_run(actor=world["other_coordinator"], program=program)


def _snapshot(program):
    program.refresh_from_db()
    return (
        MentorProgram.objects.count(),
        program.status,
        MentorProfile.objects.count(),
        list(MenteeProfile.objects.order_by("pk").values_list("interests", "availability")),
        MentorPair.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def test_authorization_matrix(client, world):
    program = world["program"]
    pid = program.public_id
    mentee_membership = Membership.objects.get(user=world["e2"], role=Role.STUDENT)
    endpoints = [
        ("get", reverse("matching:program_detail", args=[pid]), None, {"coordinator", "e1", "m1"}),
        ("get", reverse("matching:program_create"), None, {"coordinator", "other_coordinator"}),
        (
            "post",
            reverse("matching:program_create"),
            {"title": ""},
            {"coordinator", "other_coordinator"},
        ),
        (
            "post",
            reverse("matching:program_add", args=[pid]),
            {"kind": "mentee", "membership": str(mentee_membership.public_id)},
            {"coordinator"},
        ),
        ("post", reverse("matching:program_profile", args=[pid]), {"interests": "x"}, {"e1", "m1"}),
        ("post", reverse("matching:program_step", args=[pid, "run"]), {}, {"coordinator"}),
        ("post", reverse("matching:program_step", args=[pid, "publish"]), {}, {"coordinator"}),
    ]
    actors = [
        "anonymous",
        "nobody",
        "other_coordinator",
        "other_student",
        "outside_mentor",
        "e1",
        "m1",
    ]
    for method, url, payload, allowed in endpoints:
        for who in actors:
            if who in allowed:
                continue
            client.logout()
            if who != "anonymous":
                client.force_login(world[who])
            before = _snapshot(program)
            r = client.get(url) if method == "get" else client.post(url, payload or {})
            assert r.status_code in (302, 403, 404), (url, who, r.status_code)
            if who == "anonymous":
                assert "/accounts/login" in r["Location"]
            assert _snapshot(program) == before, (url, who)


def test_program_page_says_why_mentees_are_unpaired(
    client, world, django_capture_on_commit_callbacks
):
    """Two mentees without a profile, one who shares no language with any mentor and one
    whose only fitting mentor is full: the coordinator's page names each cause with a count
    and the names; a mentee never sees the list."""
    program, coordinator = world["program"], world["coordinator"]
    inst = program.institution
    names = ["Cleo Blank", "Dev Blank", "Eli Nolang", "Fay Full"]
    people = {n: member(inst, Role.STUDENT, user=UserFactory(full_name=n)) for n in names}
    services.mentee_add(actor=coordinator, program=program, student=people["Cleo Blank"])
    services.mentee_add(actor=coordinator, program=program, student=people["Dev Blank"])
    services.mentee_add(
        actor=coordinator,
        program=program,
        student=people["Eli Nolang"],
        availability=["tue-evening"],
        languages=["Finnish"],
    )
    services.mentee_add(  # fits Omar (English) only, whom Ben (a better fit) takes
        actor=coordinator,
        program=program,
        student=people["Fay Full"],
        availability=["tue-evening"],
        languages=["English"],
    )
    client.force_login(coordinator)
    url = reverse("matching:program_detail", args=[program.public_id])
    assert 'data-testid="unpaired-reasons"' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:program_step", args=[program.public_id, "run"]))
    program.refresh_from_db()
    assert program.stats["paired"] == 2 and program.stats["unpaired"] == 4
    reasons = [str(r) for r in services_reasons(program)]
    assert reasons == [
        "2 mentees have no mentee profile yet (languages and weekly availability are needed "
        "to pair them): Cleo Blank, Dev Blank.",
        "1 mentee fits no mentor under the matching constraints: Eli Nolang.",
        "1 mentee fits only mentors who are already full (the mentors take 2 mentees in all "
        "for 6 mentees): Fay Full.",
    ]
    html = client.get(url).content.decode()
    assert 'data-testid="unpaired-reasons"' in html
    assert "2 mentees have no mentee profile yet" in html and "Fay Full" in html
    # A mentee of the program does not see who else is unpaired.
    client.force_login(world["e1"])
    html = client.get(url).content.decode()
    assert "unpaired-reasons" not in html and "Cleo Blank" not in html
    # Once a mentee fills in the profile, that cause is gone (read from today's profiles).
    mentee = MenteeProfile.objects.get(program=program, student=people["Dev Blank"])
    MenteeProfile.objects.filter(pk=mentee.pk).update(
        languages=["Finnish"], availability=["mon-morning"]
    )
    reasons = [str(r) for r in services_reasons(program)]
    assert (
        reasons[0].startswith("1 mentee has no mentee profile yet") and "Cleo Blank" in reasons[0]
    )
    assert reasons[1].startswith("2 mentees fit no mentor under the matching constraints")


def test_program_without_mentors_says_so(world, django_capture_on_commit_callbacks):
    coordinator = world["coordinator"]
    program = services.program_create(
        actor=coordinator, institution=world["program"].institution, title="No mentors yet"
    )
    services.mentee_add(
        actor=coordinator,
        program=program,
        student=world["e1"],
        availability=["tue-evening"],
        languages=["Spanish"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.program_run(actor=coordinator, program=program)
    program.refresh_from_db()
    assert services_reasons(program) == [
        "The program has no mentors yet: add mentors, then compute again."
    ]


def services_reasons(program):
    from tandem.matching.selectors import program_unpaired_reasons

    return program_unpaired_reasons(program)
