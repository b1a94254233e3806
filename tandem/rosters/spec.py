"""The OneRoster vocabulary this importer knows (columns, roles, org types) and the frozen rows
the parser (:mod:`tandem.rosters.parse`) turns an export into.

OneRoster facts this relies on (IMS Global OneRoster 1.1 and 1.2 CSV binding):
- ``manifest.csv`` has ``propertyName,value`` rows; ``oneroster.version`` is ``1.1`` or
  ``1.2``; ``file.<name>`` is ``bulk``, ``delta`` or ``absent``.
- In a bulk file ``status`` and ``dateLastModified`` may be empty (empty means active); in a
  delta file a record with ``status=tobedeleted`` ends. Booleans are ``true``/``false``.
- 1.1 ``users.csv`` carries ``role`` (administrator, aide, guardian, parent, proctor,
  relative, student, teacher) and ``orgSourcedIds`` (comma separated); 1.2 moves roles to
  ``roles.csv`` (``userSourcedId``, ``roleType`` primary/secondary, ``role``,
  ``orgSourcedId``) and adds ``primaryOrgSourcedId``, ``userMasterIdentifier`` and the
  1.2 roles counselor, districtAdministrator, principal, siteAdministrator,
  systemAdministrator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.organizations.models import Role

from .reader import Problem

COMMON = ("sourcedId", "status", "dateLastModified")
ORG_COLUMNS = (*COMMON, "name", "type", "identifier", "parentSourcedId", "metadata")
SESSION_COLUMNS = (
    *COMMON,
    "title",
    "type",
    "startDate",
    "endDate",
    "parentSourcedId",
    "schoolYear",
)
COURSE_COLUMNS = (
    *COMMON,
    "schoolYearSourcedId",
    "title",
    "courseCode",
    "grades",
    "orgSourcedId",
    "subjects",
    "subjectCodes",
)
CLASS_COLUMNS = (
    *COMMON,
    "title",
    "grades",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
)
USER_COLUMNS = (
    *COMMON,
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
)
ROLE_COLUMNS = (
    *COMMON,
    "userSourcedId",
    "roleType",
    "role",
    "beginDate",
    "endDate",
    "orgSourcedId",
    "userProfileSourcedId",
)
ENROLLMENT_COLUMNS = (
    *COMMON,
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
)

ORG_TYPES = {"department", "school", "district", "local", "state", "national"}
# OneRoster role → Tandem role; roles Tandem has no use for map to None (skipped, warned).
USER_ROLES: dict[str, str | None] = {
    "student": Role.STUDENT,
    "teacher": Role.EDUCATOR,
    "administrator": Role.COORDINATOR,
    "districtadministrator": Role.COORDINATOR,
    "siteadministrator": Role.COORDINATOR,
    "systemadministrator": Role.COORDINATOR,
    "principal": Role.COORDINATOR,
    "aide": None,
    "counselor": None,
    "guardian": None,
    "parent": None,
    "proctor": None,
    "relative": None,
}
ENROLLMENT_ROLES = {"student", "teacher", "administrator", "proctor"}
ROLE_PRIORITY: dict[str, int] = {Role.COORDINATOR: 0, Role.EDUCATOR: 1, Role.STUDENT: 2}


@dataclass(frozen=True)
class OrgRow:
    line: int
    sourced_id: str
    active: bool
    name: str
    type: str


@dataclass(frozen=True)
class CourseRow:
    line: int
    sourced_id: str
    active: bool
    title: str
    code: str


@dataclass(frozen=True)
class ClassRow:
    line: int
    sourced_id: str
    active: bool
    title: str
    code: str
    course: str
    school: str


@dataclass(frozen=True)
class UserRow:
    """``role`` is the Tandem role, or ``""`` for a OneRoster role Tandem does not use."""

    line: int
    sourced_id: str
    active: bool
    role: str
    full_name: str
    email: str


@dataclass(frozen=True)
class EnrollmentRow:
    line: int
    sourced_id: str
    active: bool
    class_id: str
    user_id: str
    role: str


@dataclass
class Roster:
    """A parsed export. ``bulk[name]`` says whether a file lists every record (then records
    absent from it end); a file that is absent or ``delta`` ends only what it says."""

    version: str = "1.1"
    bulk: dict[str, bool] = field(default_factory=dict)
    orgs: list[OrgRow] = field(default_factory=list)
    courses: list[CourseRow] = field(default_factory=list)
    classes: list[ClassRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    enrollments: list[EnrollmentRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
