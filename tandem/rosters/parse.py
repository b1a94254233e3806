"""A OneRoster 1.1 or 1.2 CSV export, checked and turned into frozen rows (the vocabulary and
the rows are in :mod:`tandem.rosters.spec`)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _

from .reader import KNOWN_FILES, Problem, Table, read_table
from .spec import (
    CLASS_COLUMNS,
    COURSE_COLUMNS,
    ENROLLMENT_COLUMNS,
    ENROLLMENT_ROLES,
    ORG_COLUMNS,
    ORG_TYPES,
    ROLE_COLUMNS,
    ROLE_PRIORITY,
    SESSION_COLUMNS,
    USER_COLUMNS,
    USER_ROLES,
    ClassRow,
    CourseRow,
    EnrollmentRow,
    OrgRow,
    Roster,
    UserRow,
)


class _Anything(set[str]):
    """The ids of a file that could not be read: any reference to it passes."""

    def __contains__(self, item: object) -> bool:
        return True


class _Rows:
    """Shared cell checks for one table, appending problems with the file and line."""

    def __init__(self, table: Table, problems: list[Problem]) -> None:
        self.table, self.problems = table, problems
        self.seen: set[str] = set()

    def bad(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.table.name, line, message))

    def identity(self, line: int, row: dict[str, str]) -> tuple[str, bool] | None:
        """The row's sourcedId and whether it is active, after the common checks."""
        sourced_id = row.get("sourcedId", "")
        ok = True
        if not sourced_id:
            self.bad(line, _("sourcedId is empty"))
            ok = False
        elif sourced_id in self.seen:
            self.bad(line, _("duplicate sourcedId %(id)s") % {"id": sourced_id})
            ok = False
        self.seen.add(sourced_id)
        status = row.get("status", "").lower()
        if status not in ("", "active", "tobedeleted", "inactive"):
            self.bad(line, _("status must be active or tobedeleted, not %(v)r") % {"v": status})
            ok = False
        stamp = row.get("dateLastModified", "")
        if stamp and _datetime(stamp) is None:
            self.bad(line, _("dateLastModified is not an ISO 8601 date-time: %(v)r") % {"v": stamp})
            ok = False
        for column in ("beginDate", "endDate", "startDate"):
            value = row.get(column, "")
            if value and _date(value) is None:
                self.bad(
                    line, _("%(c)s is not a date (YYYY-MM-DD): %(v)r") % {"c": column, "v": value}
                )
                ok = False
        return (sourced_id, status in ("", "active")) if ok else None

    def boolean(self, line: int, row: dict[str, str], column: str) -> bool | None:
        value = row.get(column, "").lower()
        if value in ("", "true", "1", "yes"):
            return True
        if value in ("false", "0", "no"):
            return False
        self.bad(line, _("%(c)s must be true or false, not %(v)r") % {"c": column, "v": value})
        return None


def _datetime(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _manifest(files: dict[str, bytes], roster: Roster) -> None:
    content = files.get("manifest.csv")
    if content is None:
        roster.warnings.append(_("manifest.csv is missing: every file present is read as bulk."))
        roster.version = "1.2" if "roles.csv" in files else "1.1"
        for name in files:
            roster.bulk[name] = True
        return
    table = read_table(
        "manifest.csv",
        content,
        required=("propertyName", "value"),
        known=(),
        problems=roster.problems,
        warnings=roster.warnings,
    )
    if table is None:
        return
    props = {row["propertyName"].lower(): (line, row.get("value", "")) for line, row in table.rows}
    line, version = props.get("oneroster.version", (1, ""))
    if version.startswith("1.2"):
        roster.version = "1.2"
    elif version.startswith("1.1") or version == "":
        roster.version = "1.2" if not version and "roles.csv" in files else "1.1"
    else:
        roster.problems.append(
            Problem(
                "manifest.csv",
                line,
                _("oneroster.version must be 1.1 or 1.2, not %(v)r") % {"v": version},
            )
        )
    for key, (line, value) in props.items():
        if not key.startswith("file."):
            continue
        name = key[5:] + ".csv"
        canonical = next((n for n in files if n.lower() == name), None)
        mode = value.lower()
        if mode not in ("bulk", "delta", "absent"):
            roster.problems.append(
                Problem(
                    "manifest.csv",
                    line,
                    _("%(p)s must be bulk, delta or absent, not %(v)r") % {"p": key, "v": value},
                )
            )
        elif (
            mode != "absent"
            and canonical is None
            and name
            in {
                n.lower()
                for n in (
                    "orgs.csv",
                    "users.csv",
                    "classes.csv",
                    "courses.csv",
                    "enrollments.csv",
                    "roles.csv",
                )
            }
        ):
            roster.problems.append(
                Problem(
                    "manifest.csv",
                    line,
                    _("%(p)s is %(v)s but the file is missing") % {"p": key, "v": mode},
                )
            )
        elif canonical is not None:
            roster.bulk[canonical] = mode == "bulk"


def parse_roster(files: dict[str, bytes], *, known: dict[str, set[str]]) -> Roster:
    """Check and parse an export. ``known`` holds the sourcedIds already imported for the
    institution (``orgs``, ``courses``, ``classes``, ``users``) that delta files may name."""
    roster = Roster()
    _manifest(files, roster)
    tables: dict[str, Table | None] = {}
    required = {
        "orgs.csv": (("sourcedId", "name", "type"), ORG_COLUMNS),
        "academicSessions.csv": (
            ("sourcedId", "title", "type", "startDate", "endDate"),
            SESSION_COLUMNS,
        ),
        "courses.csv": (("sourcedId", "title"), COURSE_COLUMNS),
        "classes.csv": (
            ("sourcedId", "title", "courseSourcedId", "schoolSourcedId"),
            CLASS_COLUMNS,
        ),
        "users.csv": (
            (
                (
                    "sourcedId",
                    "enabledUser",
                    "orgSourcedIds",
                    "role",
                    "username",
                    "givenName",
                    "familyName",
                )
                if roster.version == "1.1"
                else ("sourcedId", "enabledUser", "username", "givenName", "familyName")
            ),
            USER_COLUMNS,
        ),
        "roles.csv": (
            ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
            ROLE_COLUMNS,
        ),
        "enrollments.csv": (
            ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
            ENROLLMENT_COLUMNS,
        ),
    }
    for name, (need, columns) in required.items():
        if name in files:
            tables[name] = read_table(
                name,
                files[name],
                required=need,
                known=columns,
                problems=roster.problems,
                warnings=roster.warnings,
            )
    for name in ("orgs.csv", "users.csv"):
        if name not in files and roster.bulk.get(name, True):
            roster.problems.append(Problem(name, 0, _("the file is missing")))
    if "academicSessions.csv" in tables and tables["academicSessions.csv"] is not None:
        rows = _Rows(tables["academicSessions.csv"], roster.problems)  # dates, status only
        for line, row in tables["academicSessions.csv"].rows:
            rows.identity(line, row)

    def ids(name: str, found: set[str], kind: str) -> set[str]:
        # A file refused above is not also blamed for the references of the others.
        if name in tables and tables[name] is None:
            return _Anything()
        return found | known.get(kind, set())

    org_ids = ids("orgs.csv", _orgs(tables.get("orgs.csv"), roster), "orgs")
    course_ids = ids("courses.csv", _courses(tables.get("courses.csv"), roster), "courses")
    class_ids = ids(
        "classes.csv", _classes(tables.get("classes.csv"), roster, org_ids, course_ids), "classes"
    )
    user_ids = ids(
        "users.csv",
        _users(tables.get("users.csv"), tables.get("roles.csv"), roster, org_ids),
        "users",
    )
    _enrollments(tables.get("enrollments.csv"), roster, org_ids, class_ids, user_ids)
    for name in list(roster.bulk):
        if tables.get(name, True) is None:
            roster.bulk.pop(name)
    order = {name: i for i, name in enumerate(KNOWN_FILES)}
    roster.problems.sort(key=lambda p: (order.get(p.file, 99), p.line))
    return roster


def _orgs(table: Table | None, roster: Roster) -> set[str]:
    if table is None:
        return set()
    rows = _Rows(table, roster.problems)
    for line, row in table.rows:
        ident = rows.identity(line, row)
        kind = row.get("type", "")
        if kind.lower() not in ORG_TYPES:
            rows.bad(
                line,
                _("type must be one of %(t)s, not %(v)r")
                % {"t": ", ".join(sorted(ORG_TYPES)), "v": kind},
            )
            continue
        if ident:
            roster.orgs.append(OrgRow(line, ident[0], ident[1], row.get("name", ""), kind.lower()))
    return rows.seen


def _courses(table: Table | None, roster: Roster) -> set[str]:
    if table is None:
        return set()
    rows = _Rows(table, roster.problems)
    for line, row in table.rows:
        ident = rows.identity(line, row)
        if ident:
            roster.courses.append(
                CourseRow(line, ident[0], ident[1], row.get("title", ""), row.get("courseCode", ""))
            )
    return rows.seen


def _classes(table: Table | None, roster: Roster, orgs: set[str], courses: set[str]) -> set[str]:
    if table is None:
        return set()
    rows = _Rows(table, roster.problems)
    for line, row in table.rows:
        ident = rows.identity(line, row)
        course, school = row.get("courseSourcedId", ""), row.get("schoolSourcedId", "")
        if course not in courses:
            rows.bad(line, _("courseSourcedId %(id)r is not in courses.csv") % {"id": course})
            continue
        if school not in orgs:
            rows.bad(line, _("schoolSourcedId %(id)r is not in orgs.csv") % {"id": school})
            continue
        if ident:
            roster.classes.append(
                ClassRow(
                    line,
                    ident[0],
                    ident[1],
                    row.get("title", ""),
                    row.get("classCode", ""),
                    course,
                    school,
                )
            )
    return rows.seen


def _role(value: str) -> tuple[bool, str]:
    """(valid, Tandem role or "") for a OneRoster user role; ``ext:`` roles are valid."""
    key = value.strip().lower()
    if key in USER_ROLES:
        return True, USER_ROLES[key] or ""
    return key.startswith("ext:"), ""


def _users(users: Table | None, roles: Table | None, roster: Roster, orgs: set[str]) -> set[str]:
    if users is None:
        return set()
    role_of = _roles_table(roles, roster, orgs)
    rows = _Rows(users, roster.problems)
    skipped = 0
    for line, row in users.rows:
        ident = rows.identity(line, row)
        enabled = rows.boolean(line, row, "enabledUser")
        bad_org = [o for o in _split(row.get("orgSourcedIds", "")) if o not in orgs]
        primary = row.get("primaryOrgSourcedId", "")
        if primary and primary not in orgs:
            bad_org.append(primary)
        for org in bad_org:
            rows.bad(line, _("org sourcedId %(id)r is not in orgs.csv") % {"id": org})
        role = ""
        if "role" in users.columns and row.get("role"):
            valid, role = _role(row["role"])
            if not valid:
                rows.bad(line, _("role %(v)r is not a OneRoster role") % {"v": row["role"]})
                continue
        elif roster.version == "1.1":
            rows.bad(line, _("role is empty"))
            continue
        elif ident:
            role = role_of.get(ident[0], "")
        if not ident or enabled is None or bad_org:
            continue
        if not role:
            skipped += 1
        given = row.get("preferredGivenName") or row.get("givenName", "")
        family = row.get("preferredFamilyName") or row.get("familyName", "")
        roster.users.append(
            UserRow(
                line,
                ident[0],
                ident[1] and enabled,
                role,
                f"{given} {family}".strip(),
                row.get("email", "").lower(),
            )
        )
    if skipped:
        roster.warnings.append(
            _(
                "users.csv: %(n)d users hold only roles Tandem does not use (guardian, parent, "
                "aide, …) and are skipped."
            )
            % {"n": skipped}
        )
    return rows.seen


def _roles_table(table: Table | None, roster: Roster, orgs: set[str]) -> dict[str, str]:
    """1.2 roles.csv: each user's Tandem role (primary first, then the most senior)."""
    if table is None:
        return {}
    rows = _Rows(table, roster.problems)
    best: dict[str, tuple[int, int, str]] = {}
    for line, row in table.rows:
        ident = rows.identity(line, row)
        valid, role = _role(row.get("role", ""))
        if not valid:
            rows.bad(line, _("role %(v)r is not a OneRoster role") % {"v": row.get("role")})
            continue
        org = row.get("orgSourcedId", "")
        if org not in orgs:
            rows.bad(line, _("orgSourcedId %(id)r is not in orgs.csv") % {"id": org})
            continue
        kind = row.get("roleType", "").lower()
        if kind not in ("primary", "secondary"):
            rows.bad(line, _("roleType must be primary or secondary, not %(v)r") % {"v": kind})
            continue
        if not ident or not ident[1] or not role:
            continue
        rank = (0 if kind == "primary" else 1, ROLE_PRIORITY[role], role)
        user = row.get("userSourcedId", "")
        if user not in best or rank < best[user]:
            best[user] = rank
    return {user: rank[2] for user, rank in best.items()}


def _enrollments(
    table: Table | None, roster: Roster, orgs: set[str], classes: set[str], users: set[str]
) -> None:
    if table is None:
        return
    rows = _Rows(table, roster.problems)
    for line, row in table.rows:
        ident = rows.identity(line, row)
        role = row.get("role", "").lower()
        refs = [
            ("classSourcedId", classes, "classes.csv"),
            ("userSourcedId", users, "users.csv"),
            ("schoolSourcedId", orgs, "orgs.csv"),
        ]
        ok = True
        for column, ids, where in refs:
            if row.get(column, "") not in ids:
                rows.bad(
                    line,
                    _("%(c)s %(id)r is not in %(f)s")
                    % {"c": column, "id": row.get(column, ""), "f": where},
                )
                ok = False
        if role not in ENROLLMENT_ROLES:
            rows.bad(
                line,
                _("role must be one of %(r)s, not %(v)r")
                % {"r": ", ".join(sorted(ENROLLMENT_ROLES)), "v": role},
            )
            ok = False
        if ident and ok:
            roster.enrollments.append(
                EnrollmentRow(
                    line, ident[0], ident[1], row["classSourcedId"], row["userSourcedId"], role
                )
            )


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]
