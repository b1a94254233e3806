"""What an institution's OneRoster exports said, kept to match the next export against.

Each record is keyed by the institution and the OneRoster ``sourcedId`` (stable across
exports of one student information system), and points at the Tandem object it became: a
site, a curriculum course, a person's account. Nothing here is ever deleted by an import; a
record the export drops or marks ``tobedeleted`` becomes inactive.

Personal data: ``RosterUser`` (a person's id in the school's system and role) and
``RosterEnrollment`` (which class a person attends or teaches); exported and erased through
:mod:`tandem.rosters.personal_data`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel, TimeStampedModel


class RosterRecord(TimeStampedModel):
    institution = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    sourced_id = models.CharField(max_length=255)
    is_active = models.BooleanField(default=True)

    class Meta:
        abstract = True


class RosterOrg(RosterRecord):
    """A OneRoster org; a ``school`` becomes a site of the institution."""

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20)
    site = models.ForeignKey(
        "organizations.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "sourced_id"], name="roster_org_unique")
        ]


class RosterCourse(RosterRecord):
    """A OneRoster course, linked to the curriculum course with the same code, if any."""

    title = models.CharField(max_length=300)
    code = models.CharField(max_length=100, blank=True)
    course = models.ForeignKey(
        "curricula.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "sourced_id"], name="roster_course_unique"
            )
        ]


class RosterClass(RosterRecord):
    """A OneRoster class (a course taught to a group in a term), linked to a curriculum
    course by its class code or its course's code."""

    title = models.CharField(max_length=300)
    code = models.CharField(max_length=100, blank=True)
    roster_course = models.ForeignKey(
        RosterCourse, on_delete=models.SET_NULL, null=True, blank=True, related_name="classes"
    )
    course = models.ForeignKey(
        "curricula.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        "organizations.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "sourced_id"], name="roster_class_unique"
            )
        ]


class RosterUser(RosterRecord):
    """A person of the export and the account they were matched to (by sourcedId, then by
    e-mail) or given. ``role`` is the Tandem role of their membership.

    Personal data: the person's id in the school's system, linked to their account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_identities"
    )
    role = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "sourced_id"], name="roster_user_unique")
        ]
        indexes = [models.Index(fields=["user"], name="roster_user_user")]


class RosterEnrollment(RosterRecord):
    """A person's place in a class (``role`` as in OneRoster: student, teacher, …).

    Personal data: which class a person attends or teaches."""

    roster_class = models.ForeignKey(
        RosterClass, on_delete=models.CASCADE, related_name="enrollments"
    )
    roster_user = models.ForeignKey(
        RosterUser, on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "sourced_id"], name="roster_enrollment_unique"
            )
        ]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Refused")


class RosterImport(PublicModel):
    """One upload of an export from the page or the API: checked first (a dry run whose
    result is shown), imported when a coordinator confirms. The uploaded .zip is kept until
    then and cleared afterwards. ``result`` holds counts and warnings, ``problems`` the
    ``FILE:LINE: message`` lines of a refused file: no personal data beyond ids."""

    institution = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(editable=False)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    result = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    applied_result = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Roster import {self.public_id}"

    @property
    def is_working(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.APPLYING)
