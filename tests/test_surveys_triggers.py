"""Survey triggers with fixed dates: placements ending and halfway, reviews, graduates,
reminders; running twice sends nothing twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.organizations.models import Membership, Role
from tandem.partnerships.models import PartnershipContact
from tandem.surveys import triggers
from tandem.surveys.models import Survey, SurveyInvitation
from tests.factories import (
    ApplicationFactory,
    PartnershipFactory,
    member,
    published_opportunity,
    survey_cast,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def placement(cast, *, start, end, stage="placed"):
    supervisor = member(cast.partner, Role.SUPERVISOR)
    opp = published_opportunity(cast.partner, [cast.institution], start_date=start, end_date=end)
    app = ApplicationFactory(
        opportunity=opp, student=cast.student, institution=cast.institution, stage=stage
    )
    return app, supervisor


def keys():
    return sorted(SurveyInvitation.objects.values_list("trigger_key", flat=True))


def test_placement_end_sends_student_and_supervisor_surveys_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    cast = survey_cast()
    _app, supervisor = placement(cast, start=TODAY - timedelta(days=60), end=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        report = triggers.run(TODAY)
    assert report.created == {"placement_end_student": 1, "placement_end_supervisor": 1}
    student_inv = SurveyInvitation.objects.get(user=cast.student)
    assert student_inv.survey.template_key == "placement_student_end"
    supervisor_inv = SurveyInvitation.objects.get(user=supervisor)
    assert supervisor_inv.survey.template_key == "placement_supervisor_evaluation"
    assert supervisor_inv.survey.institution == cast.institution
    assert len(mailoutbox) == 2
    before = keys()
    with django_capture_on_commit_callbacks(execute=True):
        again = triggers.run(TODAY)
        triggers.run(TODAY + timedelta(days=1))
    assert again.created == {} and keys() == before and len(mailoutbox) == 2


def test_placement_halfway_sends_the_check_in_not_before():
    cast = survey_cast()
    placement(cast, start=date(2026, 6, 1), end=date(2026, 7, 31))
    triggers.run(date(2026, 6, 29))
    assert keys() == []
    triggers.run(date(2026, 7, 1))
    assert [k.split(":")[0] for k in keys()] == ["placement-mid"]
    assert SurveyInvitation.objects.get().survey.template_key == "placement_midpoint"


def test_old_or_unplaced_applications_get_nothing():
    cast = survey_cast()
    placement(cast, start=date(2025, 1, 1), end=date(2025, 3, 1))
    placement_two = survey_cast()
    placement(placement_two, start=TODAY - timedelta(days=10), end=TODAY, stage="offer")
    triggers.run(TODAY)
    assert keys() == []


def test_partnership_review_sends_both_sides_surveys_within_lead_time():
    cast = survey_cast()
    partnership = PartnershipFactory(
        institutions=[cast.institution],
        partners=[cast.partner],
        next_review_date=TODAY + timedelta(days=20),
    )
    PartnershipContact.objects.create(
        partnership=partnership, organization=cast.institution, user=cast.coordinator
    )
    PartnershipContact.objects.create(
        partnership=partnership,
        organization=cast.partner,
        name="Pat Partner",
        email="pat@partner.example",
    )
    triggers.run(TODAY - timedelta(days=40))  # too early
    assert keys() == []
    report = triggers.run(TODAY)
    assert report.created == {
        "partnership_review_institution": 1,
        "partnership_review_partner": 1,
    }
    external = SurveyInvitation.objects.get(email="pat@partner.example")
    assert external.survey.template_key == "partnership_review_partner"
    assert external.user is None and external.subject_label == partnership.title
    assert triggers.run(TODAY).created == {}


def graduate(cast, completed_on):
    Membership.objects.filter(user=cast.student, organization=cast.institution).update(
        completed_on=completed_on
    )


def first_destination_keys():
    return list(
        SurveyInvitation.objects.filter(
            survey__template_key="graduate_first_destination"
        ).values_list("trigger_key", flat=True)
    )


def test_first_destination_goes_out_on_day_182_after_program_completion():
    cast = survey_cast()
    completed = TODAY - timedelta(days=182)
    graduate(cast, completed)
    # Day 181: not yet.
    assert "graduate_first_destination" not in triggers.run(TODAY - timedelta(days=1)).created
    assert first_destination_keys() == []
    # Day 182: sent, to the graduate, naming the person.
    report = triggers.run(TODAY)
    assert report.created.get("graduate_first_destination") == 1
    inv = SurveyInvitation.objects.get(survey__template_key="graduate_first_destination")
    assert inv.user == cast.student and inv.survey.institution == cast.institution
    assert inv.trigger_key == f"first-destination:{cast.student.public_id}"
    # Idempotent: the next days and a changed date send nothing more.
    assert triggers.run(TODAY).created == {}
    assert triggers.run(TODAY + timedelta(days=5)).created == {}
    graduate(cast, completed - timedelta(days=3))
    assert triggers.run(TODAY).created == {}
    assert len(first_destination_keys()) == 1


@pytest.mark.parametrize(
    ("days_ago", "sent"),
    [(0, False), (181, False), (182, True), (200, True), (242, True), (243, False)],
)
def test_first_destination_window_is_182_to_242_days(days_ago, sent):
    cast = survey_cast()
    graduate(cast, TODAY - timedelta(days=days_ago))
    created = triggers.run(TODAY).created.get("graduate_first_destination", 0)
    assert created == (1 if sent else 0)


def test_a_completed_placement_alone_no_longer_sends_the_graduate_survey():
    cast = survey_cast()
    end = TODAY - timedelta(days=190)
    placement(cast, start=end - timedelta(days=90), end=end, stage="completed")
    assert "graduate_first_destination" not in triggers.run(TODAY).created
    assert first_destination_keys() == []


def test_first_destination_skips_removed_students_and_counts_each_institution_once():
    cast = survey_cast()
    graduate(cast, TODAY - timedelta(days=182))
    gone = member(cast.institution, Role.STUDENT, completed_on=TODAY - timedelta(days=182))
    Membership.objects.filter(user=gone).update(is_active=False)
    others = [
        member(cast.other_institution, Role.STUDENT, completed_on=TODAY - timedelta(days=190))
        for _ in range(3)
    ]
    report = triggers.run(TODAY)
    assert report.created.get("graduate_first_destination") == 4
    invited = set(
        SurveyInvitation.objects.filter(
            survey__template_key="graduate_first_destination"
        ).values_list("user", flat=True)
    )
    assert invited == {cast.student.pk, *(u.pk for u in others)}
    assert Survey.objects.filter(template_key="graduate_first_destination").count() == 2


def test_closed_institution_copy_stops_the_trigger():
    cast = survey_cast()
    from tandem.surveys import services

    survey = services.survey_from_template(
        actor=None, institution=cast.institution, template_key="placement_student_end", publish=True
    )
    services.survey_close(actor=None, survey=survey)
    placement(cast, start=TODAY - timedelta(days=30), end=TODAY)
    report = triggers.run(TODAY)
    assert "placement_end_student" not in report.created


def test_reminders_after_n_days_up_to_the_maximum(mailoutbox, django_capture_on_commit_callbacks):
    cast = survey_cast()
    placement(cast, start=TODAY - timedelta(days=60), end=TODAY)
    triggers.run(TODAY)
    SurveyInvitation.objects.update(sent_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        first = triggers.run(TODAY)
        same_day = triggers.run(TODAY)
    assert first.reminders == 2 and same_day.reminders == 0
    assert all("Reminder" in m.subject for m in mailoutbox)
    SurveyInvitation.objects.update(last_reminded_at=timezone.now() - timedelta(days=8))
    assert triggers.run(TODAY).reminders == 2
    SurveyInvitation.objects.update(last_reminded_at=timezone.now() - timedelta(days=8))
    assert triggers.run(TODAY).reminders == 0  # maximum reached
    assert set(SurveyInvitation.objects.values_list("reminders_sent", flat=True)) == {2}


def test_answered_invitations_get_no_reminder():
    cast = survey_cast()
    placement(cast, start=TODAY - timedelta(days=60), end=TODAY)
    triggers.run(TODAY)
    SurveyInvitation.objects.update(
        sent_at=timezone.now() - timedelta(days=8), responded_at=timezone.now()
    )
    assert triggers.run(TODAY).reminders == 0


def test_management_command_is_idempotent(capsys):
    cast = survey_cast()
    placement(cast, start=TODAY - timedelta(days=60), end=TODAY)
    call_command("survey_triggers", "--today", TODAY.isoformat())
    call_command("survey_triggers", "--today", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "2 invitations sent" in out and "0 invitations sent" in out
    assert SurveyInvitation.objects.count() == 2


def test_templates_command_loads_every_template(capsys):
    cast = survey_cast()
    call_command("survey_templates", "--institution", cast.institution.slug)
    call_command("survey_templates")
    assert Survey.objects.filter(institution=cast.institution).count() == 10
    assert Survey.objects.filter(institution=cast.other_institution).count() == 10


def test_supervisor_rates_the_placements_own_skills_spelled_as_esco():
    import uuid

    from tandem.skills.models import SkillConcept
    from tandem.surveys import services
    from tandem.surveys.models import SurveyResponse

    SkillConcept.objects.create(
        uri="http://data.europa.eu/esco/skill/x", esco_id=uuid.uuid4(), preferred_label="use SQL"
    )
    cast = survey_cast()
    start, end = TODAY - timedelta(days=60), TODAY
    opp = published_opportunity(
        cast.partner,
        [cast.institution],
        start_date=start,
        end_date=end,
        skills_wanted="Use SQL, customer service",
    )
    supervisor = member(cast.partner, Role.SUPERVISOR)
    ApplicationFactory(
        opportunity=opp, student=cast.student, institution=cast.institution, stage="completed"
    )
    triggers.run(TODAY)
    invitation = SurveyInvitation.objects.get(user=supervisor)
    assert invitation.skills == ["use SQL", "customer service"]
    answers = {
        "skills": {"use SQL": "4", "work in teams": "5"},
        "quality": "4",
        "reliability": "5",
        "professional": "5",
        "hire": "yes",
    }
    services.response_submit(actor=supervisor, invitation=invitation, data=answers)
    stored = SurveyResponse.objects.get().answers.get(question__key="skills").value
    assert stored == {"use SQL": 4, "work in teams": 5}


def test_placement_end_keys_are_built_and_read_by_one_owner():
    import uuid

    from tandem.surveys.selectors import placement_end_application, placement_end_key

    app_id, supervisor_id = uuid.uuid4(), uuid.uuid4()
    assert placement_end_application(placement_end_key(app_id)) == str(app_id)
    assert placement_end_application(placement_end_key(app_id, supervisor_id=supervisor_id)) == str(
        app_id
    )
    assert placement_end_application(f"placement-mid:{app_id}") is None
    assert placement_end_application("first-destination:x") is None
    assert placement_end_application("") is None
