"""Background work goes through the real database queue and a separate worker process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tandem.applications.models import Application
from tandem.applications.services import application_move
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    PartnerFactory,
    UserFactory,
    published_opportunity,
)

# slow: starts a `tandem worker` process.
pytestmark = pytest.mark.slow


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_stage_change_mail_is_queued_then_sent_by_the_worker_process(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    college = InstitutionFactory()
    company = PartnerFactory()
    recruiter = UserFactory(email="recruiter@example.org")
    MembershipFactory(user=recruiter, organization=company, role="recruiter")
    student = UserFactory(email="queued.student@example.org")
    MembershipFactory(user=student, organization=college, role="student")
    opportunity = published_opportunity(company, [college], title="Lab technician placement")
    application = Application.objects.create(
        opportunity=opportunity, student=student, institution=college, statement="Hello"
    )

    application_move(actor=recruiter, application=application, to_stage="under_review")

    # Nothing is sent in the request: the task waits in the queue table.
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    # The stage change's notification e-mail goes through the one delivery path.
    assert queued.task_path == "tandem.notifications.tasks.deliver_emails"

    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": _database_url(),
        "TANDEM_DATA_DIR": str(tmp_path),
        "TANDEM_TASK_BACKEND": "database",
        "TANDEM_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    worker = subprocess.run(
        [
            sys.executable,
            "-m",
            "tandem.cli",
            "manage",
            "db_worker",
            "--batch",
            "--no-startup-delay",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    # The console backend printed the real message the worker sent to the student.
    assert "To: queued.student@example.org" in worker.stdout
    assert "Lab technician placement" in worker.stdout
