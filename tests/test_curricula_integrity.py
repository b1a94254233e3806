"""One validation layer in curricula: the model's field rules are checked once, uniqueness is
decided by the database (a concurrent duplicate is a 409 conflict, never a 500), erasure of
personal data is all or nothing, and the admin only reads."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from tandem.core.errors import ConflictError, DomainError
from tandem.curricula import services
from tandem.curricula.models import (
    Course,
    CourseEndorsement,
    ExtractionJob,
    LearningOutcome,
    OutcomeComment,
    OutcomeSkill,
    Program,
)
from tandem.organizations.models import Role
from tests.conftest import requires_postgres
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    ProgramFactory,
    UserFactory,
    member,
)


# --- Field rules and constraints through the services ----------------------------------------
@pytest.mark.django_db
def test_field_rules_are_the_models_and_reported_per_field():
    school = InstitutionFactory()
    educator = member(school, Role.EDUCATOR)
    with pytest.raises(DomainError) as exc:
        services.program_create(actor=educator, institution=school, title="  ")
    assert list(exc.value.fields) == ["title"]
    with pytest.raises(DomainError) as exc:
        services.program_create(actor=educator, institution=school, title="x" * 201)
    assert list(exc.value.fields) == ["title"]
    with pytest.raises(DomainError) as exc:
        services.program_create(actor=educator, institution=school, title="P", code="c" * 41)
    assert list(exc.value.fields) == ["code"]
    course = CourseFactory(program=ProgramFactory(institution=school))
    with pytest.raises(DomainError) as exc:
        services.outcome_create(
            actor=educator, course=course, text="x" * (services.MAX_OUTCOME_LENGTH + 1)
        )
    assert list(exc.value.fields) == ["text"]
    assert not LearningOutcome.objects.filter(course=course).exists()
    assert Program.objects.filter(institution=school).count() == 1


@pytest.mark.django_db
def test_a_duplicate_title_is_a_conflict_from_the_constraint_and_changes_nothing():
    school = InstitutionFactory()
    educator = member(school, Role.EDUCATOR)
    first = services.program_create(actor=educator, institution=school, title="Data BSc")
    with pytest.raises(ConflictError) as exc:
        services.program_create(actor=educator, institution=school, title=" Data BSc ")
    assert exc.value.status == 409 and list(exc.value.fields) == ["title"]
    other = services.program_create(actor=educator, institution=school, title="Other")
    with pytest.raises(ConflictError):
        services.program_update(actor=educator, program=other, title="Data BSc", code="X")
    assert (other.title, other.code) == ("Other", "")  # the caller's object is left as it was
    other.refresh_from_db()
    assert (other.title, other.code) == ("Other", "")
    services.course_create(actor=educator, program=first, title="Databases")
    with pytest.raises(ConflictError):
        services.course_create(actor=educator, program=first, title="Databases")
    assert Course.objects.filter(program=first).count() == 1
    # The transaction goes on after a conflict: the savepoint kept it usable.
    assert Program.objects.filter(institution=school).count() == 2


@pytest.mark.django_db
def test_a_second_endorsement_by_the_same_partner_is_a_conflict():
    from tests.factories import PartnerFactory, PartnershipFactory

    school, partner = InstitutionFactory(), PartnerFactory()
    p = PartnershipFactory(types=["curriculum"], status="active", institutions=[school])
    p.partners.set([partner])
    recruiter = member(partner, Role.RECRUITER)
    course = CourseFactory(program=ProgramFactory(institution=school))
    services.course_endorse(actor=recruiter, course=course, note="Relevant.")
    with pytest.raises(ConflictError):
        services.course_endorse(actor=recruiter, course=course)
    with pytest.raises(DomainError) as exc:
        services.course_endorse(
            actor=recruiter, course=CourseFactory(program=course.program), note="x" * 4001
        )
    assert list(exc.value.fields) == ["note"]
    assert CourseEndorsement.objects.count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_creating_the_same_program_get_one_row_and_one_conflict():
    """The first transaction inserts and holds its commit; the second's insert waits on the
    unique index and, once the first commits, fails: a ConflictError, not an IntegrityError
    (a check-then-insert would have seen no row and ended in a 500)."""
    school = InstitutionFactory()
    educator = member(school, Role.EDUCATOR)
    inserted, second_started = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                services.program_create(actor=educator, institution=school, title="Race")
                inserted.set()
                second_started.wait(5)
                threading.Event().wait(0.5)  # let the second reach the index lock
            outcomes["first"] = "ok"
        finally:
            connection.close()

    def second() -> None:
        try:
            inserted.wait(5)
            second_started.set()
            services.program_create(actor=educator, institution=school, title="Race")
            outcomes["second"] = "ok"
        except ConflictError:
            outcomes["second"] = "conflict"
        except Exception as exc:
            outcomes["second"] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert outcomes == {"first": "ok", "second": "conflict"}
    assert Program.objects.filter(institution=school, title="Race").count() == 1


# --- Personal data ------------------------------------------------------------------------------
BLOCK = {
    "sqlite": [
        "CREATE TRIGGER block_erase BEFORE UPDATE ON curricula_extractionjob "
        "BEGIN SELECT RAISE(ABORT, 'erase blocked'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION block_erase() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'erase blocked'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER block_erase BEFORE UPDATE ON curricula_extractionjob "
        "FOR EACH ROW EXECUTE FUNCTION block_erase()",
    ],
}


@pytest.mark.django_db
def test_erasure_that_fails_half_way_changes_nothing():
    """The last step (unlinking extraction jobs) fails in the database: the comments and
    mappings blanked before it are as they were."""
    school = InstitutionFactory()
    person = member(school, Role.EDUCATOR)
    outcome = LearningOutcomeFactory(
        course=CourseFactory(program=ProgramFactory(institution=school))
    )
    comment = OutcomeComment.objects.create(
        outcome=outcome, author=person, organization=school, body="Add SQL."
    )
    job = ExtractionJob.objects.create(
        institution=school, scope="outcomes", scope_key="outcomes:test", requested_by=person
    )
    with connection.cursor() as cursor:
        for sql in BLOCK[connection.vendor]:
            cursor.execute(sql)
    with pytest.raises(DatabaseError):
        services.curricula_personal_data_erase(person)
    comment.refresh_from_db()
    job.refresh_from_db()
    assert (comment.author_id, comment.body) == (person.pk, "Add SQL.")
    assert job.requested_by_id == person.pk


# --- Admin --------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("model", ["program", "course", "learningoutcome", "outcomeskill"])
def test_the_admin_lists_and_searches_but_does_not_write(client, model):
    from tests.factories import small_taxonomy

    concepts = small_taxonomy()
    outcome = LearningOutcomeFactory(text="Query data with SQL.")
    link = OutcomeSkill.objects.create(outcome=outcome, concept=concepts["SQL"], score=1.0)
    obj = {
        "program": outcome.course.program,
        "course": outcome.course,
        "learningoutcome": outcome,
        "outcomeskill": link,
    }[model]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    base = f"/admin/curricula/{model}/"
    assert client.get(base).status_code == 200
    assert client.get(base, {"q": "x"}).status_code == 200
    assert client.get(f"{base}{obj.pk}/change/").status_code == 200  # read-only view
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}add/", {}).status_code == 403
    assert client.post(f"{base}{obj.pk}/change/", {}).status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    before = (Program.objects.count(), Course.objects.count(), OutcomeSkill.objects.count())
    client.post(base, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert (Program.objects.count(), Course.objects.count(), OutcomeSkill.objects.count()) == before
