"""Applying a checked roster to the database, in bulk (called by
:func:`tandem.rosters.services.roster_import` inside its transaction).

Each record of the export is matched to what the institution's earlier imports stored, by
sourcedId; people new to the roster are matched to an account by e-mail, else given one
without a password. Counts say per kind what was created, updated, unchanged or
deactivated. Nothing is deleted: a record the export marks ``tobedeleted`` or (in a bulk
file) leaves out becomes inactive, and a person's membership ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.services import users_create_without_password
from tandem.curricula.models import Course
from tandem.organizations.models import Membership, Organization, Site
from tandem.organizations.services import memberships_sync, site_create

from .models import RosterClass, RosterCourse, RosterEnrollment, RosterOrg, RosterUser
from .spec import Roster, UserRow

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class _Ticker:
    def __init__(self, roster: Roster, progress: Callable[[int, int], None] | None) -> None:
        self.total = sum(
            len(rows)
            for rows in (
                roster.orgs,
                roster.courses,
                roster.classes,
                roster.users,
                roster.enrollments,
            )
        )
        self.done, self.progress = 0, progress

    def __call__(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total)


def apply_roster(
    *,
    actor: Actor | None,
    institution: Organization,
    roster: Roster,
    warnings: list[str],
    progress: Callable[[int, int], None] | None,
) -> dict[str, Counts]:
    tick = _Ticker(roster, progress)
    tick(0)
    orgs, org_counts = _sync(
        RosterOrg,
        institution,
        roster.orgs,
        roster.bulk.get("orgs.csv", False),
        lambda r: {"name": r.name[:200], "type": r.type},
    )
    _school_sites(actor, institution, orgs)
    tick(len(roster.orgs))
    by_code = _curriculum_courses(institution)
    unmatched = []
    for row in roster.courses:
        if row.active and row.code.lower() not in by_code:
            unmatched.append(row)
    courses, _counts = _sync(
        RosterCourse,
        institution,
        roster.courses,
        roster.bulk.get("courses.csv", False),
        lambda r: {
            "title": r.title[:300],
            "code": r.code[:100],
            "course_id": by_code.get(r.code.lower()),
        },
    )
    for row in unmatched:
        warnings.append(
            _("courses.csv:%(line)d: course code %(code)r matches no curriculum course")
            % {"line": row.line, "code": row.code}
        )
    tick(len(roster.courses))

    def class_fields(r: Any) -> dict[str, Any]:
        course = courses.get(r.course)
        org = orgs.get(r.school)
        return {
            "title": r.title[:300],
            "code": r.code[:100],
            "roster_course_id": course.pk if course else None,
            "course_id": by_code.get(r.code.lower()) or (course.course_id if course else None),
            "site_id": org.site_id if org else None,
        }

    classes, class_counts = _sync(
        RosterClass,
        institution,
        roster.classes,
        roster.bulk.get("classes.csv", False),
        class_fields,
    )
    loose = sum(1 for c in classes.values() if c.is_active and c.course_id is None)
    if loose:
        warnings.append(
            _("classes.csv: %(n)d classes link to no curriculum course (no course code matches)")
            % {"n": loose}
        )
    tick(len(roster.classes))
    users, user_counts = _users(actor, institution, roster, warnings)
    tick(len(roster.users))

    def enrollment_fields(r: Any) -> dict[str, Any] | None:
        klass, person = classes.get(r.class_id), users.get(r.user_id)
        if klass is None or person is None:
            return None
        return {"roster_class_id": klass.pk, "roster_user_id": person.pk, "role": r.role}

    skipped: list[int] = []
    _e, enrollment_counts = _sync(
        RosterEnrollment,
        institution,
        roster.enrollments,
        roster.bulk.get("enrollments.csv", False),
        enrollment_fields,
        skipped=skipped,
    )
    if skipped:
        warnings.append(
            _("enrollments.csv: %(n)d enrollments of people or classes not imported are skipped")
            % {"n": len(skipped)}
        )
    tick(len(roster.enrollments))
    return {
        "orgs": org_counts,
        "users": user_counts,
        "classes": class_counts,
        "enrollments": enrollment_counts,
    }


def _sync(
    model: Any,
    institution: Organization,
    rows: Iterable[Any],
    bulk: bool,
    fields_of: Callable[[Any], dict[str, Any] | None],
    skipped: list[int] | None = None,
) -> tuple[dict[str, Any], Counts]:
    """Match rows to stored records by sourcedId; create, update, deactivate in bulk."""
    counts = Counts()
    existing: dict[str, Any] = {
        r.sourced_id: r for r in model.objects.filter(institution=institution)
    }
    now = timezone.now()
    new, changed, seen = [], [], set()
    names: set[str] = {"is_active", "updated_at"}
    for row in rows:
        seen.add(row.sourced_id)
        record = existing.get(row.sourced_id)
        if not row.active:
            if record is not None and record.is_active:
                record.is_active, record.updated_at = False, now
                changed.append(record)
                counts.deactivated += 1
            elif record is not None:
                counts.unchanged += 1
            continue
        values = fields_of(row)
        if values is None:  # its person or class is not (or no longer) imported
            if skipped is not None:
                skipped.append(row.line)
            if record is not None and record.is_active:
                record.is_active, record.updated_at = False, now
                changed.append(record)
                counts.deactivated += 1
            continue
        names.update(values)
        if record is None:
            new.append(model(institution=institution, sourced_id=row.sourced_id, **values))
            counts.created += 1
        elif record.is_active and all(getattr(record, k) == v for k, v in values.items()):
            counts.unchanged += 1
        else:
            for key, value in values.items():
                setattr(record, key, value)
            record.is_active, record.updated_at = True, now
            changed.append(record)
            counts.updated += 1
    if bulk:
        for sourced_id, record in existing.items():
            if sourced_id not in seen and record.is_active:
                record.is_active, record.updated_at = False, now
                changed.append(record)
                counts.deactivated += 1
    model.objects.bulk_create(new, batch_size=500)
    if changed:
        model.objects.bulk_update(changed, sorted(names), batch_size=500)
    for record in new:
        existing[record.sourced_id] = record
    if not all(r.pk for r in new):  # backends that return no ids on bulk insert
        ids = dict(
            model.objects.filter(
                institution=institution, sourced_id__in=[r.sourced_id for r in new]
            ).values_list("sourced_id", "pk")
        )
        for record in new:
            record.pk = ids[record.sourced_id]
    return existing, counts


def _school_sites(
    actor: Actor | None, institution: Organization, orgs: dict[str, RosterOrg]
) -> None:
    """Each active school org becomes a site of the institution (an existing site of the
    same name is reused)."""
    sites = {s.name.casefold(): s for s in Site.objects.filter(organization=institution)}
    linked = []
    for org in orgs.values():
        if org.type != "school" or not org.is_active or org.site_id is not None:
            continue
        site = sites.get(org.name.casefold())
        if site is None:
            site = site_create(
                actor=actor,
                organization=institution,
                name=org.name[:200],
                city=institution.city or institution.name[:100],
                country=institution.country,
            )
            sites[site.name.casefold()] = site
        org.site = site
        linked.append(org)
    if linked:
        RosterOrg.objects.bulk_update(linked, ["site"])


def _curriculum_courses(institution: Organization) -> dict[str, int]:
    """Curriculum course ids of the institution by lower-cased code."""
    return {
        code.lower(): pk
        for code, pk in Course.objects.filter(program__institution=institution)
        .exclude(code="")
        .order_by("-pk")
        .values_list("code", "pk")
    }


def _users(
    actor: Actor | None, institution: Organization, roster: Roster, warnings: list[str]
) -> tuple[dict[str, RosterUser], Counts]:
    counts = Counts()
    existing = {r.sourced_id: r for r in RosterUser.objects.filter(institution=institution)}
    active_memberships = set(
        Membership.objects.filter(organization=institution, is_active=True).values_list(
            "user_id", "role"
        )
    )
    now = timezone.now()
    changed: list[RosterUser] = []
    end: set[tuple[int, str]] = set()
    pending: list[UserRow] = []
    seen: set[str] = set()
    for row in roster.users:
        seen.add(row.sourced_id)
        record = existing.get(row.sourced_id)
        if record is None:
            if row.active and row.role:
                pending.append(row)
            continue
        if not row.active or not row.role:
            if record.is_active:
                record.is_active, record.updated_at = False, now
                changed.append(record)
                end.add((record.user_id, record.role))
                counts.deactivated += 1
            else:
                counts.unchanged += 1
            continue
        if (
            record.is_active
            and record.role == row.role
            and ((record.user_id, row.role) in active_memberships)
        ):
            counts.unchanged += 1
            continue
        if record.role != row.role:
            end.add((record.user_id, record.role))
        record.role, record.is_active, record.updated_at = row.role, True, now
        changed.append(record)
        counts.updated += 1
    if roster.bulk.get("users.csv", False):
        for sourced_id, record in existing.items():
            if sourced_id not in seen and record.is_active:
                record.is_active, record.updated_at = False, now
                changed.append(record)
                end.add((record.user_id, record.role))
                counts.deactivated += 1
    new = _new_identities(institution, pending, warnings)
    counts.created = len(new)
    RosterUser.objects.bulk_create(new, batch_size=500)
    if changed:
        RosterUser.objects.bulk_update(changed, ["role", "is_active", "updated_at"], batch_size=500)
    for record in new:
        existing[record.sourced_id] = record
    if not all(r.pk for r in new):
        ids = dict(
            RosterUser.objects.filter(
                institution=institution, sourced_id__in=[r.sourced_id for r in new]
            ).values_list("sourced_id", "pk")
        )
        for record in new:
            record.pk = ids[record.sourced_id]
    grant = {(r.user_id, r.role) for r in existing.values() if r.is_active}
    sync = memberships_sync(actor=actor, organization=institution, grant=grant, end=end)
    if sync.kept_last_coordinator:
        warnings.append(
            _(
                "The institution's last coordinator keeps their membership, "
                "though the roster ends it."
            )
        )
    return {k: v for k, v in existing.items() if v.is_active}, counts


def _new_identities(
    institution: Organization, rows: list[UserRow], warnings: list[str]
) -> list[RosterUser]:
    """Identities for people new to the roster: matched to an account by e-mail, or given
    one (no password, nothing sent). People without a valid address are skipped."""
    usable, no_email = [], 0
    for row in rows:
        try:
            validate_email(row.email)
        except ValidationError:
            no_email += 1
            continue
        usable.append(row)
    if no_email:
        warnings.append(
            _("users.csv: %(n)d people without a valid e-mail address are not imported")
            % {"n": no_email}
        )
    emails = {row.email for row in usable}
    accounts = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    fresh: dict[str, str] = {}
    for row in usable:
        if row.email not in accounts:
            fresh.setdefault(row.email, row.full_name[:200] or row.email)
    for user in users_create_without_password(people=list(fresh.items())):
        accounts[user.email] = user.pk
    return [
        RosterUser(
            institution=institution,
            sourced_id=row.sourced_id,
            user_id=accounts[row.email],
            role=row.role,
        )
        for row in usable
    ]
