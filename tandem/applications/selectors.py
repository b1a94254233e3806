"""Reads of applications. Every selector takes the viewer and returns only what they may see."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from tandem.core.listing_cache import CachedListing, cached_ids, cached_value
from tandem.opportunities.models import Opportunity
from tandem.opportunities.permissions import apply_institution_ids
from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import org_ids

from .models import SEAT_HOLDING_STAGES, Application, HireRecord, Stage, StageChange
from .permissions import applications_scope, restrict_applications
from .stage_counts import cached_counts


def applications_for(viewer: Any) -> QuerySet[Application]:
    """Students: their own. Partner staff: applications to their organization's postings.
    Coordinators and educators: applications from their institution's students. Admins: all.
    """
    qs = Application.objects.select_related("opportunity__host", "institution", "student")
    return restrict_applications(viewer, qs)


def application_list(
    viewer: Any,
    *,
    stage: str | None = None,
    opportunity_id: uuid.UUID | str | None = None,
    opportunity_title: str | None = None,
    search: str | None = None,
) -> QuerySet[Application]:
    """:func:`applications_for`, filtered by stage, opportunity (public id, or a part of its
    title) and free text."""
    _rows, qs = _filtered(viewer, stage, opportunity_id, opportunity_title, search)
    return qs


def application_listing(
    viewer: Any,
    *,
    stage: str | None = None,
    opportunity_id: uuid.UUID | str | None = None,
    opportunity_title: str | None = None,
    search: str | None = None,
) -> CachedListing:
    """:func:`application_list` (same filters) for the list page: its capped count and page
    ids cached per viewer scope and filters until an application (or a posting, an
    organization, an applicant's name: what the search matches) changes, for at most a minute
    (``core.listing_cache``). A page's rows are read again through the viewer's visibility
    and the stage and opportunity filters — not the search's subqueries, whose answer the
    cached ids hold."""
    from .apps import LISTING

    rows, qs = _filtered(viewer, stage, opportunity_id, opportunity_title, search)
    filters = {
        "stage": stage or "",
        "opportunity": str(opportunity_id or ""),
        "title": (opportunity_title or "").strip()[:100],
        "q": (search or "").strip()[:100],
    }
    scope = (applications_scope(viewer), sorted(filters.items()))
    return CachedListing(qs, name=LISTING, scope=scope, rows=rows)


def _filtered(
    viewer: Any,
    stage: str | None,
    opportunity_id: uuid.UUID | str | None,
    opportunity_title: str | None,
    search: str | None,
) -> tuple[QuerySet[Application], QuerySet[Application]]:
    """(the visible applications with the cheap filters — stage, opportunity —, the same with
    the text filters too), both ordered for the list."""
    qs = applications_for(viewer)
    if stage:
        qs = qs.filter(stage=stage)
    if opportunity_id:
        try:
            qs = qs.filter(opportunity__public_id=uuid.UUID(str(opportunity_id)))
        except ValueError:
            qs = qs.none()
    rows = qs
    if opportunity_title and (title := opportunity_title.strip()[:100]):
        qs = qs.filter(opportunity__title__icontains=title)
    if search and (term := search.strip()[:100]):
        # Each part is a subquery on its own table (the opportunity's title has a trigram
        # index on PostgreSQL), not a condition on four joined tables per application.
        qs = qs.filter(
            Q(opportunity__in=Opportunity.objects.filter(title__icontains=term).values("pk"))
            | Q(opportunity__in=Opportunity.objects.filter(host__name__icontains=term).values("pk"))
            | Q(student__in=get_user_model().objects.filter(full_name__icontains=term).values("pk"))
            | Q(institution__in=Organization.objects.filter(name__icontains=term).values("pk"))
        )
    return _for_list(rows), _for_list(qs)


def _for_list(qs: QuerySet[Application]) -> QuerySet[Application]:
    # The page's rows are sorted without joining every posting (100,000 of them, hashed to
    # sort 25 rows): their postings and hosts are loaded for those rows only.
    return (
        qs.select_related(None)
        .select_related("institution", "student")
        .prefetch_related(Prefetch("opportunity", Opportunity.objects.select_related("host")))
        .order_by("-created_at", "-id")
    )


def application_detail(viewer: Any, public_id: uuid.UUID | str) -> Application:
    """One application the viewer may see; ``Http404`` otherwise (existence does not leak)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404("No such application.") from None
    application = applications_for(viewer).filter(public_id=key).first()
    if application is None:
        raise Http404("No such application.")
    return application


def stage_history(application: Application) -> QuerySet[StageChange]:
    return application.stage_changes.select_related("actor").order_by("created_at", "id")


def hire_history(application: Application) -> QuerySet[HireRecord]:
    """Every recording of the placement's outcome, oldest first (the last one is current)."""
    return application.hire_records.select_related("actor").order_by("created_at", "id")


def current_hire_record(application: Application) -> HireRecord | None:
    """The latest recording of the application's outcome (``None``: not recorded yet)."""
    return application.hire_records.select_related("actor").order_by("-created_at", "-id").first()


def stage_counts_for(viewer: Any) -> dict[str, int]:
    """Number of applications per stage among those the viewer may see: one grouped query,
    cached per viewer scope until an application changes (see :mod:`.stage_counts`)."""

    def count() -> dict[str, int]:
        counts = dict.fromkeys(Stage.values, 0)
        rows = applications_for(viewer).order_by().values("stage").annotate(n=Count("id"))
        for row in rows:
            counts[row["stage"]] = row["n"]
        return counts

    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return dict.fromkeys(Stage.values, 0)
    return cached_counts(applications_scope(viewer), count)


def received_for(viewer: Any, host_ids: list[int], *, limit: int) -> list[Application]:
    """The ``limit`` newest applications the viewer may see to postings of ``host_ids`` (a
    recruiter's home), with posting and student: their ids cached per scope until an
    application changes (``core.listing_cache``), the rows read through the visibility."""
    from .apps import LISTING

    received = applications_for(viewer).filter(opportunity__host_id__in=host_ids)

    def ids() -> list[int]:
        return list(received.order_by("-created_at", "-id").values_list("pk", flat=True)[:limit])

    scope = ("received", applications_scope(viewer), sorted(host_ids), limit)
    wanted = cached_ids(LISTING, scope, ids)
    if not wanted:
        return []
    rows = applications_for(viewer).select_related("opportunity", "student").in_bulk(wanted)
    return [rows[pk] for pk in wanted if pk in rows]


def received_stage_counts(viewer: Any, host_ids: list[int]) -> dict[str, int]:
    """Number of applications per stage among those the viewer may see to postings of
    ``host_ids``: cached per scope until an application changes, like
    :func:`stage_counts_for`."""

    def count() -> dict[str, int]:
        counts = dict.fromkeys(Stage.values, 0)
        received = applications_for(viewer).filter(opportunity__host_id__in=host_ids)
        for stage, n in received.order_by().values_list("stage").annotate(n=Count("id")):
            counts[stage] = n
        return counts

    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return dict.fromkeys(Stage.values, 0)
    return cached_counts(("received", applications_scope(viewer), sorted(host_ids)), count)


def opportunities_with_applications_for(viewer: Any) -> QuerySet[Opportunity]:
    """Opportunities that have at least one application the viewer may see (list filters)."""
    ids = applications_for(viewer).order_by().values("opportunity_id")
    return Opportunity.objects.filter(pk__in=ids).order_by("title")


#: At most this many opportunities are suggested while typing in the list's filter.
OPPORTUNITY_SUGGESTIONS = 20


def opportunity_suggestions_for(
    viewer: Any, term: str, *, limit: int = OPPORTUNITY_SUGGESTIONS
) -> list[Opportunity]:
    """The first ``limit`` opportunities (by title) with an application the viewer may see
    whose title contains ``term`` (case-insensitive); none for a blank term."""
    term = term.strip()[:100]
    if not term:
        return []
    from .apps import LISTING

    def ids() -> list[int]:
        # EXISTS per matching title (trigram-indexed on PostgreSQL), not IN over every
        # visible application.
        seen = applications_for(viewer).filter(opportunity=OuterRef("pk"))
        qs = Opportunity.objects.filter(Exists(seen), title__icontains=term)
        return list(qs.order_by("title", "pk").values_list("pk", flat=True)[:limit])

    # Cached per viewer scope and term until an application or a posting changes (typing
    # sends the same few prefixes again and again); the postings themselves read fresh.
    scope = ("suggestions", applications_scope(viewer), term, limit)
    wanted = cached_ids(LISTING, scope, ids)
    if not wanted:
        return []
    by_pk = Opportunity.objects.select_related("host").in_bulk(wanted)
    return [by_pk[pk] for pk in wanted if pk in by_pk]


def opportunity_with_applications_for(
    viewer: Any, public_id: uuid.UUID | str
) -> Opportunity | None:
    """One opportunity with an application the viewer may see (``None`` otherwise)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return opportunities_with_applications_for(viewer).filter(public_id=key).first()


def apply_institutions_for(student: Any, opportunity: Opportunity) -> QuerySet[Organization]:
    """Institutions through which ``student`` may apply: they study there, it approved the
    opportunity, and they meet its criteria (status and deadline are checked elsewhere)."""
    ids = apply_institution_ids(student, opportunity)
    if not ids:
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=ids).order_by("name")


def seats_taken(opportunity: Opportunity | int) -> int:
    """Applications holding one of the opportunity's seats (accepted, placed, completed)."""
    opp_id = opportunity if isinstance(opportunity, int) else opportunity.pk
    return Application.objects.filter(
        opportunity_id=opp_id, stage__in=list(SEAT_HOLDING_STAGES)
    ).count()


def placements_for_partnership(partnership_id: int) -> int:
    """Seat-holding applications over all opportunities of a partnership (its KPI value)."""
    return Application.objects.filter(
        opportunity__partnership_id=partnership_id, stage__in=list(SEAT_HOLDING_STAGES)
    ).count()


#: A finished placement stays on the supervisor's list for its hire outcome this long.
HIRE_OUTCOME_LIST_DAYS = 365


def supervised_placements(viewer: Any, today: date) -> QuerySet[Application]:
    """The placements a workplace supervisor looks after: the interns on placement now (or
    whose placement has ended but is not yet marked completed) at the partner organizations
    where ``viewer`` is a supervisor, and the placements completed there in the last year
    whose hire outcome is not recorded yet. Recruiters, other organizations' supervisors and
    institution staff get nothing here (their lists are elsewhere)."""
    host_ids = org_ids(viewer, [Role.SUPERVISOR])
    if not host_ids:
        return Application.objects.none()
    since = today - timedelta(days=HIRE_OUTCOME_LIST_DAYS)
    qs = applications_for(viewer).filter(opportunity__host_id__in=host_ids)
    return qs.filter(
        Q(stage=Stage.PLACED)
        | Q(stage=Stage.COMPLETED, hire_outcome="", stage_changed_at__date__gte=since)
    ).order_by("stage", "opportunity__end_date", "student__full_name", "pk")


def unplaced_students_summary(viewer: Any, limit: int) -> tuple[int, list[Any]]:
    """:func:`unplaced_students_for`'s count and its first ``limit`` people, for the
    coordinator's home: the count and the ids cached per institutions until an application, a
    membership or a person's name or activity changes (``apps.UNPLACED``; 0.25 s in SQLite at
    10,000 students otherwise); the people read fresh by id."""
    from .apps import UNPLACED

    institution_ids = org_ids(viewer, [Role.COORDINATOR])
    if not institution_ids:
        return 0, []
    unplaced = unplaced_students_for(viewer)

    def compute() -> tuple[int, list[int]]:
        return unplaced.count(), list(unplaced.values_list("pk", flat=True)[:limit])

    count, ids = cached_value(UNPLACED, ("unplaced", sorted(institution_ids), limit), compute)
    people = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids, is_active=True)}
    return count, [people[pk] for pk in ids if pk in people]


def unplaced_students_for(viewer: Any) -> QuerySet[Any]:
    """Active students of the institutions where ``viewer`` coordinates who hold no seat
    (no application accepted, on placement or completed): the coordinator's home counts them
    and lists the first few. Empty for anyone who coordinates nowhere."""
    institution_ids = org_ids(viewer, [Role.COORDINATOR])
    if not institution_ids:
        return get_user_model().objects.none()
    seated = Application.objects.filter(
        student=OuterRef("pk"),
        institution_id__in=institution_ids,
        stage__in=SEAT_HOLDING_STAGES,
    )
    users = get_user_model().objects
    # A semi-join on the student memberships (``IN``), not a join with DISTINCT: a student of
    # two of the viewer's institutions is one row, and the count needs no sort of every
    # student (0.5 s on SQLite at 10,000 students, as a DISTINCT).
    students = users.filter(
        memberships__organization_id__in=institution_ids,
        memberships__role=Role.STUDENT,
        memberships__is_active=True,
    ).values("pk")
    return (
        users.filter(pk__in=students, is_active=True)
        .exclude(Exists(seated))
        .order_by("full_name", "pk")
    )
