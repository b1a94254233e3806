"""Batch skill extraction jobs: who may start and view them (pages and services), bad input,
the institution posted by public id, bounded list queries, personal data export and erase."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.core.errors import PermissionDeniedError
from tandem.curricula import services_jobs
from tandem.curricula.models import ExtractionJob, JobStatus, OutcomeSkill
from tandem.curricula.services import curricula_personal_data_erase, curricula_personal_data_export
from tandem.organizations.models import Role
from tests.curricula_jobs_support import (
    ALLOWED,
    WHO,
    _start,
    _user,
    world,  # noqa: F401 (a fixture)
)
from tests.factories import InstitutionFactory, member

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client, world):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    for url in (
        reverse("curricula:extraction_jobs"),
        reverse("curricula:extraction_job", args=[job.public_id]),
    ):
        assert client.get(url).status_code == 302
    response = _start(client, {"scope": "outcomes", "program": world["program"].public_id})
    assert response.status_code == 302 and "login" in response["Location"]
    assert ExtractionJob.objects.count() == 1


@pytest.mark.parametrize("who", WHO)
def test_start_matrix(client, world, who):  # noqa: F811
    client.force_login(_user(world, who))
    response = _start(client, {"scope": "outcomes", "program": world["program"].public_id})
    if who in ALLOWED:
        assert response.status_code == 302
        assert ExtractionJob.objects.get().status == "done"
        return
    # Staff of another institution cannot see the program (404); everyone else without a
    # staff role is refused outright (403). Nothing is queued, nothing is suggested.
    assert response.status_code == (404 if who == "other-educator" else 403)
    assert ExtractionJob.objects.count() == 0
    assert OutcomeSkill.objects.count() == 2
    institution_wide = _start(
        client, {"scope": "outcomes", "institution": world["school"].public_id}
    )
    assert institution_wide.status_code in (400, 403)
    assert ExtractionJob.objects.count() == 0


@pytest.mark.parametrize("who", WHO)
def test_view_matrix(client, world, who):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    client.force_login(_user(world, who))
    listing = client.get(reverse("curricula:extraction_jobs"))
    detail = client.get(reverse("curricula:extraction_job", args=[job.public_id]))
    if who in ALLOWED:
        assert listing.status_code == 200 and str(job.public_id) in listing.text
        assert detail.status_code == 200
    elif who == "other-educator":
        assert listing.status_code == 200 and str(job.public_id) not in listing.text
        assert detail.status_code == 404
    else:
        assert listing.status_code == 403 and detail.status_code == 404


def test_list_queries_do_not_grow_with_jobs(client, world, django_assert_max_num_queries):  # noqa: F811
    educator = world["educator"]
    client.force_login(educator)
    client.get(reverse("curricula:extraction_jobs"))
    for _ in range(2):
        for scope, kwargs in (
            ("outcomes", {"program": world["program"]}),
            ("outcomes", {"institution": world["school"]}),
            ("opportunities", {"institution": world["school"]}),
        ):
            job = services_jobs.extraction_job_start(actor=educator, scope=scope, **kwargs)
            ExtractionJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("curricula:extraction_jobs"))
    assert response.status_code == 200 and response.text.count("<tr>") == 7


def test_bad_input_is_a_4xx_with_a_message(client, world):  # noqa: F811
    client.force_login(world["educator"])
    bad_scope = _start(client, {"scope": "everything"})
    assert bad_scope.status_code == 400 and "scope" in bad_scope.text
    no_institution = _start(client, {"scope": "opportunities"})
    assert no_institution.status_code == 400 and "Choose the institution" in no_institution.text
    no_import = _start(client, {"scope": "import"})
    assert no_import.status_code == 400 and "import to extract again" in no_import.text
    assert client.get(reverse("curricula:extraction_job_start")).status_code == 405
    assert ExtractionJob.objects.count() == 0


def test_institution_is_posted_by_public_id_never_by_database_id(client, world):  # noqa: F811
    school = world["school"]
    client.force_login(world["educator"])
    # The jobs page and the gap page's button both name the institution by its public id.
    page = client.get(reverse("curricula:extraction_jobs"))
    assert f'value="{school.public_id}"' in page.text
    assert f'<option value="{school.pk}"' not in page.text
    gap = client.get(reverse("curricula:gap", args=[world["program"].public_id]))
    assert f'name="institution" value="{school.public_id}"' in gap.text
    # A numeric database id is refused with a message on the field; nothing is queued.
    numeric = _start(client, {"scope": "outcomes", "institution": school.pk})
    assert numeric.status_code == 400
    form = numeric.context["form"]
    assert list(form.errors) == ["institution"]
    assert "is not a valid UUID" in form.errors["institution"][0]
    assert 'aria-invalid="true"' in numeric.text and "is not a valid UUID" in numeric.text
    assert ExtractionJob.objects.count() == 0
    by_public_id = _start(client, {"scope": "outcomes", "institution": str(school.public_id)})
    assert by_public_id.status_code == 302
    assert ExtractionJob.objects.get().institution == school


def test_service_refuses_other_institutions(world):  # noqa: F811
    other = member(InstitutionFactory(), Role.COORDINATOR)
    with pytest.raises(PermissionDeniedError):
        services_jobs.extraction_job_start(actor=other, scope="outcomes", program=world["program"])
    assert ExtractionJob.objects.count() == 0


def test_personal_data_export_and_erase(world):  # noqa: F811
    educator = world["educator"]
    job = services_jobs.extraction_job_start(
        actor=educator, scope="outcomes", program=world["program"]
    )
    exported = curricula_personal_data_export(educator)["extraction_jobs"]
    assert exported == [
        {"scope": "outcomes", "institution": world["school"].name, "created_at": job.created_at}
    ]
    curricula_personal_data_erase(educator)
    job.refresh_from_db()
    assert job.requested_by is None
