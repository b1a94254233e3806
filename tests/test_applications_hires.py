"""Recording what became of a completed placement (hired or not): the service's rules, who may
record it on the web page and through the API, history, audit and personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.personal_data import erasers, export_personal_data
from tandem.applications.models import Application, HireRecord, StageChange
from tandem.applications.services import application_record_hire
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tests.factories import application_at, application_cast

pytestmark = pytest.mark.django_db

COMPLETED_ON = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast()


def _completed(cast, **kwargs) -> Application:
    app = application_at(cast, "completed", with_cv=False, **kwargs)
    change = StageChange.objects.create(
        application=app, from_stage="placed", to_stage="completed", actor=cast.supervisor
    )
    moment = timezone.make_aware(dt.datetime.combine(COMPLETED_ON, dt.time(12)))
    StageChange.objects.filter(pk=change.pk).update(created_at=moment)
    return app


def _state(app: Application) -> tuple:
    app.refresh_from_db()
    return (
        app.hire_outcome,
        list(HireRecord.objects.filter(application=app).values_list("outcome", "start_date")),
        AuditEvent.objects.filter(action__startswith="application.hire").count(),
    )


# --- service ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "recorded_by"),
    [("recruiter", "host"), ("supervisor", "host"), ("coordinator", "institution")],
)
def test_host_staff_and_coordinators_record_a_hire(cast, who, recorded_by):
    app = _completed(cast)
    record = application_record_hire(
        actor=getattr(cast, who),
        application=app,
        outcome="hired",
        start_date=dt.date(2026, 9, 1),
        job_title="  Junior developer ",
    )
    assert (record.outcome, record.start_date, record.job_title, record.recorded_by) == (
        "hired",
        dt.date(2026, 9, 1),
        "Junior developer",
        recorded_by,
    )
    app.refresh_from_db()
    assert app.hire_outcome == "hired"
    event = AuditEvent.objects.get(action="application.hire_recorded")
    assert event.actor == getattr(cast, who)
    assert event.target_id == str(app.public_id)
    assert event.changes["hire_outcome"] == ["", "hired"]
    assert set(event.organizations.values_list("pk", flat=True)) == {
        cast.host.pk,
        cast.institution.pk,
    }


def test_not_hired_needs_no_date(cast):
    app = _completed(cast)
    application_record_hire(actor=cast.recruiter, application=app, outcome="not_hired")
    assert _state(app) == ("not_hired", [("not_hired", None)], 1)


def test_a_correction_keeps_the_history_and_the_same_answer_twice_changes_nothing(cast):
    app = _completed(cast)
    application_record_hire(actor=cast.recruiter, application=app, outcome="not_hired")
    application_record_hire(
        actor=cast.coordinator,
        application=app,
        outcome="hired",
        start_date=COMPLETED_ON,
        note="First-destination survey",
    )
    application_record_hire(
        actor=cast.coordinator, application=app, outcome="hired", start_date=COMPLETED_ON
    )
    assert _state(app) == (
        "hired",
        [("not_hired", None), ("hired", COMPLETED_ON)],
        2,
    )
    assert AuditEvent.objects.filter(action="application.hire_corrected").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": "hired"}, "start_date"),
        ({"outcome": "hired", "start_date": COMPLETED_ON - dt.timedelta(days=1)}, "start_date"),
        ({"outcome": "hired", "start_date": COMPLETED_ON + dt.timedelta(days=800)}, "start_date"),
        ({"outcome": "hired", "start_date": COMPLETED_ON, "job_title": "x" * 201}, "job_title"),
        ({"outcome": "not_hired", "start_date": COMPLETED_ON}, "start_date"),
        ({"outcome": "not_hired", "job_title": "Developer"}, "job_title"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "hired", "start_date": COMPLETED_ON, "note": "x" * 2001}, "note"),
    ],
)
def test_invalid_outcomes_are_refused_with_field_messages(cast, kwargs, field):
    app = _completed(cast)
    before = _state(app)
    with pytest.raises(DomainError) as exc:
        application_record_hire(actor=cast.recruiter, application=app, **kwargs)
    assert exc.value.status == 400
    assert field in exc.value.fields
    assert _state(app) == before


@pytest.mark.parametrize("stage", ["submitted", "offer", "accepted", "placed", "withdrawn"])
def test_only_completed_placements_have_an_outcome(cast, stage):
    app = application_at(cast, stage, with_cv=False)
    with pytest.raises(ConflictError) as exc:
        application_record_hire(
            actor=cast.recruiter, application=app, outcome="hired", start_date=COMPLETED_ON
        )
    assert exc.value.code == "not_completed"
    assert _state(app) == ("", [], 0)


@pytest.mark.parametrize(
    "who",
    [
        "student",
        "classmate",
        "educator",
        "mentor",
        "other_recruiter",
        "other_coordinator",
        "outsider",
        "admin",
    ],
)
def test_other_people_may_not_record_an_outcome(cast, who):
    app = _completed(cast)
    with pytest.raises(PermissionDeniedError):
        application_record_hire(
            actor=getattr(cast, who), application=app, outcome="hired", start_date=COMPLETED_ON
        )
    assert _state(app) == ("", [], 0)


# --- web page ---------------------------------------------------------------------------------
def _post(client, app, htmx=False, **data):
    url = reverse("applications:record_hire", args=[app.public_id])
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        url, {"outcome": "hired", "start_date": "2026-09-01", **data}, headers=headers
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_recruiter", 404),
        ("other_coordinator", 404),
        ("student", 403),
        ("educator", 403),
        ("recruiter", 302),
        ("supervisor", 302),
        ("coordinator", 302),
    ],
)
def test_record_page_authorization_matrix(client, cast, who, status):
    app = _completed(cast)
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    response = _post(client, app)
    assert response.status_code == status
    if status == 302 and who != "anonymous":
        assert response["Location"] == reverse("applications:detail", args=[app.public_id])
        assert _state(app)[0] == "hired"
    else:
        assert _state(app) == ("", [], 0)


def test_detail_page_shows_the_form_to_recorders_and_the_outcome_to_everyone(client, cast):
    app = _completed(cast)
    client.force_login(cast.recruiter)
    body = client.get(reverse("applications:detail", args=[app.public_id])).content.decode()
    assert "Record the outcome" in body and 'name="start_date"' in body
    application_record_hire(
        actor=cast.recruiter,
        application=app,
        outcome="hired",
        start_date=dt.date(2026, 9, 1),
        job_title="Data analyst",
    )
    client.force_login(cast.student)
    body = client.get(reverse("applications:detail", args=[app.public_id])).content.decode()
    assert "Hired (job offer accepted)" in body and "Data analyst" in body
    assert "Record the outcome" not in body and "Correct the outcome" not in body


def _hire_form_html(body: str) -> str:
    """The outcome form of a detail page (it posts to .../outcome/)."""
    action = body.index('/outcome/"')
    return body[body.rindex("<form", 0, action) : body.index("</form>", action)]


def test_the_correction_form_starts_from_the_current_outcome(client, cast):
    app = _completed(cast)
    client.force_login(cast.supervisor)
    url = reverse("applications:detail", args=[app.public_id])
    form = _hire_form_html(client.get(url).content.decode())
    assert "Record the outcome" in form
    assert '<option value="" selected>' in form and "selected>Hired" not in form
    assert 'name="start_date"' in form and 'name="start_date" value=' not in form
    application_record_hire(
        actor=cast.recruiter,
        application=app,
        outcome="hired",
        start_date=dt.date(2026, 9, 1),
        job_title="Data analyst",
        note="Said by the host",
    )
    form = _hire_form_html(client.get(url).content.decode())
    assert "Correct the outcome" in form
    assert '<option value="hired" selected>Hired (job offer accepted)</option>' in form
    assert 'name="start_date" value="2026-09-01"' in form
    assert 'name="job_title" value="Data analyst"' in form
    assert "Said by the host" not in form  # the note is about each recording
    # A date input takes YYYY-MM-DD in every language.
    french = client.get(url, headers={"Accept-Language": "fr"}).content.decode()
    assert 'name="start_date" value="2026-09-01"' in _hire_form_html(french)
    # After a correction through htmx the panel's form shows the corrected outcome.
    response = _post(client, app, htmx=True, outcome="not_hired", start_date="", job_title="")
    form = _hire_form_html(response.content.decode())
    assert '<option value="not_hired" selected>Not hired</option>' in form
    assert 'name="start_date" value=' not in form and 'name="job_title" value=' not in form
    assert _state(app)[0] == "not_hired"


def test_detail_page_of_an_unfinished_placement_has_no_outcome_section(client, cast):
    app = application_at(cast, "placed", with_cv=False)
    client.force_login(cast.recruiter)
    body = client.get(reverse("applications:detail", args=[app.public_id])).content.decode()
    assert "Outcome after the placement" not in body


def test_bad_input_on_the_page_is_a_400_with_field_messages(client, cast):
    app = _completed(cast)
    client.force_login(cast.supervisor)
    response = _post(client, app, start_date="2026-01-01")
    assert response.status_code == 400
    assert "cannot start before the placement was completed" in response.content.decode()
    response = _post(client, app, start_date="not a date")
    assert response.status_code == 400
    assert _state(app) == ("", [], 0)


def test_htmx_answers_the_outcome_panel(client, cast):
    app = _completed(cast)
    client.force_login(cast.coordinator)
    response = _post(client, app, htmx=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="application-outcome"')
    assert "Outcome recorded." in body
    # The swap removes the button that had the focus: htmx moves it to the [autofocus]
    # element of the new panel, the confirmation here and the error summary below.
    assert '<p class="message" role="status" tabindex="-1" autofocus>' in body
    response = _post(client, app, start_date="", htmx=True)
    assert response.status_code == 200  # htmx swaps 2xx only: errors come in the panel
    body = response.content.decode()
    assert "Give the date the job starts." in body
    assert 'autofocus id="hire-form-errors"' in body and body.count("autofocus") == 1


# --- API --------------------------------------------------------------------------------------
def _api(client, app, payload):
    url = reverse("api:application_record_hire", kwargs={"application_id": app.public_id})
    return client.post(url, payload, content_type="application/json")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("other_recruiter", 404),
        ("other_coordinator", 404),
        ("student", 403),
        ("educator", 403),
        ("recruiter", 200),
        ("supervisor", 200),
        ("coordinator", 200),
    ],
)
def test_api_authorization_matrix(client, cast, who, status):
    app = _completed(cast)
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    response = _api(client, app, {"outcome": "hired", "start_date": "2026-09-01"})
    assert response.status_code == status, response.content
    if status == 200:
        data = response.json()
        assert data["hire"]["outcome"] == "hired"
        assert data["hire"]["start_date"] == "2026-09-01"
        assert len(data["hire_history"]) == 1
        assert data["can_record_hire"] is True
    else:
        assert response["Content-Type"].startswith("application/problem+json")
        assert _state(app) == ("", [], 0)


def test_api_errors(client, cast):
    app = _completed(cast)
    client.force_login(cast.recruiter)
    response = _api(client, app, {"outcome": "hired", "start_date": "2026-01-01"})
    assert response.status_code == 400
    assert "start_date" in response.json()["errors"]
    assert _api(client, app, {"outcome": "perhaps"}).status_code == 422
    placed = application_at(cast, "placed", student=cast.classmate, with_cv=False)
    response = _api(client, placed, {"outcome": "not_hired"})
    assert response.status_code == 409
    assert _state(app) == ("", [], 0)


def test_api_detail_shows_the_outcome_to_the_student_read_only(client, cast):
    app = _completed(cast)
    application_record_hire(actor=cast.recruiter, application=app, outcome="not_hired")
    client.force_login(cast.student)
    url = reverse("api:application_detail", kwargs={"application_id": app.public_id})
    data = client.get(url).json()
    assert data["hire"]["outcome"] == "not_hired"
    assert data["can_record_hire"] is False


# --- personal data ----------------------------------------------------------------------------
def test_export_and_erasure_cover_the_outcome(cast):
    app = _completed(cast)
    application_record_hire(
        actor=cast.recruiter,
        application=app,
        outcome="hired",
        start_date=dt.date(2026, 9, 1),
        job_title="Data analyst",
        note="Permanent contract",
    )
    [item] = export_personal_data(cast.student)["applications"]
    [record] = item["outcome_after_placement"]
    assert (record["outcome"], record["start_date"], record["job_title"], record["note"]) == (
        "hired",
        "2026-09-01",
        "Data analyst",
        "Permanent contract",
    )
    erasers()["applications"](cast.student)
    record = HireRecord.objects.get(application=app)
    assert (record.outcome, record.start_date, record.job_title, record.note) == (
        "hired",
        dt.date(2026, 9, 1),
        "",
        "",
    )
    app.refresh_from_db()
    assert app.hire_outcome == "hired"  # the funnel stays true


@pytest.mark.parametrize("field", ["note", "job_title"])
def test_api_refuses_nul_characters_without_saving(client, cast, field):
    # PostgreSQL cannot store NUL in text: before the API refused it, this was a 500 there.
    app = _completed(cast)
    client.force_login(cast.recruiter)
    payload = {"outcome": "hired", "start_date": "2026-09-01", field: "a\x00b"}
    response = _api(client, app, payload)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert _state(app) == ("", [], 0)


def test_detail_page_queries_do_not_grow_with_the_hire_history(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    app = _completed(cast)
    client.force_login(cast.coordinator)
    page = reverse("applications:detail", args=[app.public_id])
    api = reverse("api:application_detail", kwargs={"application_id": app.public_id})

    def counts():
        result = []
        for url in (page, api):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    application_record_hire(actor=cast.recruiter, application=app, outcome="not_hired")
    before = counts()
    for day in range(1, 5):  # recorded by different people: each row shows its actor
        application_record_hire(
            actor=(cast.recruiter, cast.coordinator)[day % 2],
            application=app,
            outcome="hired",
            start_date=dt.date(2026, 9, day),
        )
    assert counts() == before
