"""Reads of opportunities, always scoped to the viewer (see ``permissions`` for the rules)."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from tandem.core.fulltext import WINDOW as SEARCH_WINDOW
from tandem.core.fulltext import FullTextIndex, match_q, ranked_matches
from tandem.core.listing_cache import CachedListing, cached_ids
from tandem.organizations.models import Organization
from tandem.organizations.permissions import (
    coordinator_institution_ids,
    is_platform_admin,
    membership_rows,
    partner_staff_org_ids,
    staff_institution_ids,
)

from .models import (
    ApprovalStatus,
    Opportunity,
    OpportunityApproval,
    OpportunityStatus,
    normalize_program,
)
from .permissions import student_memberships

# A posting is "awaiting" a coordinator while its approval is pending and it is still live.
DECIDABLE_STATES = (OpportunityStatus.AWAITING_APPROVAL, OpportunityStatus.PUBLISHED)


def _year_fits(year: int | None) -> Q:
    """Postings whose year-of-study bounds admit ``year`` (a bound excludes an unknown year)."""
    if year is None:
        return Q(min_year_of_study__isnull=True, max_year_of_study__isnull=True)
    return (Q(min_year_of_study__isnull=True) | Q(min_year_of_study__lte=year)) & (
        Q(max_year_of_study__isnull=True) | Q(max_year_of_study__gte=year)
    )


def _program_fits(program: str | None) -> Q:
    """Postings open to every program, or listing ``program`` (compared normalized)."""
    every = Q(eligible_programs_key="")
    name = normalize_program(program or "")
    if not name:
        return every
    # Both sides are case-folded, so SQLite's ASCII-insensitive LIKE is still exact.
    return every | Q(eligible_programs_key__contains=f"\n{name}\n")


def student_visible_q(viewer: Any) -> Q | None:
    """The condition on ``Opportunity`` for postings a student may see and apply to:
    published, deadline not passed, approved by one of their institutions, and eligible by
    that membership's program and year. None when the viewer has no student membership.

    The same rule as :func:`~.permissions.can_apply_to_opportunity`, as one query: no
    posting is loaded to decide."""
    memberships = student_memberships(viewer)
    if not memberships:
        return None
    by_institution: dict[int, list[tuple[str, int | None]]] = {}
    for inst_id, program, year in memberships:
        by_institution.setdefault(inst_id, []).append((program, year))
    per_institution = [
        Q(
            Exists(
                OpportunityApproval.objects.filter(
                    opportunity=OuterRef("pk"),
                    institution_id=inst_id,
                    status=ApprovalStatus.APPROVED,
                )
            )
        )
        & reduce(or_, [_program_fits(p) & _year_fits(y) for p, y in dict.fromkeys(rows)])
        for inst_id, rows in by_institution.items()
    ]
    # "No deadline, or not passed" written as NOT (passed): the same rows, but SQLite's
    # planner cannot answer it with the (status, deadline) index — with the OR it did, and then
    # sorted every visible posting for the list (newest first) instead of walking the
    # (status, created) index; so that index can serve the home page (closing_soonest).
    return (
        Q(status=OpportunityStatus.PUBLISHED)
        & ~Q(application_deadline__lte=timezone.now())
        & reduce(or_, per_institution)
    )


def student_visible_opportunities(viewer: Any) -> QuerySet[Opportunity]:
    """Postings a student may see and apply to (see :func:`student_visible_q`), unordered.
    The one selector behind the list page, the API and the profile's "For you"."""
    condition = student_visible_q(viewer)
    if condition is None:
        return Opportunity.objects.none()
    return Opportunity.objects.filter(condition)


def _visible_conditions(viewer: Any) -> list[Q] | None:
    """The rule of :func:`opportunities_visible_to` as conditions any one of which lets
    ``viewer`` see a posting; ``None`` for every posting (platform admins), ``[]`` for none."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return []
    if is_platform_admin(viewer):
        return None
    conditions: list[Q] = []
    partner_ids = partner_staff_org_ids(viewer)
    if partner_ids:
        conditions.append(Q(host_id__in=partner_ids))
    staff_ids = staff_institution_ids(viewer)
    if staff_ids:
        conditions.append(Q(host_id__in=staff_ids))
        targeted = OpportunityApproval.objects.filter(institution_id__in=staff_ids).values(
            "opportunity_id"
        )
        conditions.append(Q(pk__in=targeted) & ~Q(status=OpportunityStatus.DRAFT))
    student = student_visible_q(viewer)
    if student is not None:
        conditions.append(student)
    return conditions


def opportunities_visible_to(viewer: Any) -> QuerySet[Opportunity]:
    """Every posting ``viewer`` may see. Fails closed: anonymous or unaffiliated → none.

    - platform admins: all;
    - partner staff: every posting of their own organizations (drafts included);
    - coordinators and educators: postings submitted to their institutions (not drafts), and
      every posting their institution hosts;
    - students: see :func:`student_visible_q`.
    """
    return _visible(_visible_conditions(viewer))


def _visible(conditions: list[Q] | None) -> QuerySet[Opportunity]:
    if conditions is None:
        return Opportunity.objects.all()
    if not conditions:
        return Opportunity.objects.none()
    return Opportunity.objects.filter(reduce(or_, conditions))


def _parts(conditions: list[Q] | None) -> list[QuerySet[Opportunity]]:
    if conditions is None:
        return [Opportunity.objects.all()]
    return [Opportunity.objects.filter(c) for c in conditions]


def opportunities_visible_parts(viewer: Any) -> list[QuerySet[Opportunity]]:
    """The postings of :func:`opportunities_visible_to` as a few querysets whose union is
    exactly those postings (one a condition of the rule: the same conditions, not OR-ed).

    For a search that finds the newest matches of each part and keeps the newest of them
    all (``tandem.core.fulltext.ranked_matches``, docs/decisions/0021): without the OR,
    PostgreSQL answers a coordinator's "submitted to my institution" as a semi-join on the
    approvals' ``opportunity_id`` index, probing only the postings it walks, where the OR
    made it hash every approval of the institution (100,000 at the big world's scale) on
    every query."""
    return _parts(_visible_conditions(viewer))


def closing_soonest(viewer: Any, limit: int) -> list[Opportunity]:
    """The student's home: at most ``limit`` visible postings still open, the soonest
    deadline first, then those without a deadline (newest first), with their host.

    Their ids cached per visibility scope; when not cached, two queries on the (status,
    application_deadline) index (migrations 0003 and 0004), each stopping after ``limit``
    rows — not a sort of every visible posting by deadline (530 ms of CPU on SQLite at
    100,000 postings)."""
    from .apps import LISTING

    visible = opportunities_visible_to(viewer).select_related("host")

    def ids() -> list[int]:
        soonest = list(
            visible.filter(application_deadline__gt=timezone.now())
            .order_by("application_deadline", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if len(soonest) < limit:
            soonest += list(
                visible.filter(application_deadline__isnull=True)
                .order_by("-created_at", "-pk")
                .values_list("pk", flat=True)[: limit - len(soonest)]
            )
        return soonest

    # The ids cached per visibility scope until a posting changes (``core.listing_cache``);
    # the rows read again through the visibility query (a deadline just passed drops out).
    wanted = cached_ids(LISTING, ("closing-soonest", list_scope(viewer), limit), ids)
    still_open = Q(application_deadline__gt=timezone.now()) | Q(application_deadline__isnull=True)
    rows = {o.pk: o for o in visible.filter(still_open, pk__in=wanted)}
    return [rows[pk] for pk in wanted if pk in rows]


def opportunity_list(
    viewer: Any,
    *,
    q: str = "",
    type: str = "",
    work_mode: str = "",
    sector: str = "",
    status: str = "",
    host: str = "",
) -> QuerySet[Opportunity]:
    """The opportunity list page and API: visible postings, filtered, newest first, with
    host and site loaded."""
    qs = opportunities_visible_to(viewer).select_related("host", "site")
    if q:
        qs = qs.filter(_search_q(q))
    if type:
        qs = qs.filter(type=type)
    if work_mode:
        qs = qs.filter(work_mode=work_mode)
    if sector:
        qs = qs.filter(host__sector=sector)
    if status:
        qs = qs.filter(status=status)
    if host:
        qs = qs.filter(host__public_id=host)
    return qs.order_by("-created_at", "-pk")


def list_scope(viewer: Any) -> tuple[Any, ...]:
    """What decides which postings ``viewer`` may see (:func:`opportunities_visible_to`):
    their memberships (organization, role, kind, program, year) and whether they are a
    platform admin. Viewers with the same scope see the same postings."""
    rows = sorted(
        (m.organization_id, m.role, m.organization_kind, m.program, m.year_of_study)
        for m in membership_rows(viewer)
    )
    return (is_platform_admin(viewer), tuple(rows))


def opportunity_listing(viewer: Any, **filters: str) -> CachedListing:
    """:func:`opportunity_list` (same filters) for the list page and the API: its capped
    count and page ids cached per viewer scope and filters until a posting, an approval or an
    organization changes (at most a minute, ``core.listing_cache``); each page's rows read
    through the visibility query again."""
    from .apps import LISTING

    scope = (list_scope(viewer), sorted((k, v) for k, v in filters.items() if v))
    return CachedListing(opportunity_list(viewer, **filters), name=LISTING, scope=scope)


def student_visible_listing(viewer: Any) -> CachedListing:
    """:func:`student_visible_opportunities` with its capped count cached like
    :func:`opportunity_listing` (for lists built on it: the student's "For you")."""
    from .apps import LISTING

    scope = ("student-visible", list_scope(viewer))
    return CachedListing(student_visible_opportunities(viewer), name=LISTING, scope=scope)


#: A search term matching more host organizations than this filters by a subquery instead.
SEARCH_HOSTS_LIMIT = 200


#: The postings' full-text index (migration 0004; docs/decisions/0012-platform-search.md).
SEARCH_INDEX = FullTextIndex(
    Opportunity._meta.db_table,
    (("title", "A"), ("skills_wanted", "B"), ("description", "C"), ("location", "D")),
)


def _search_q(term: str) -> Q:
    """Postings whose title, description, skills wanted, location or host's name contains
    ``term`` (case-insensitive).

    PostgreSQL: each column of the posting has a trigram index (migration 0003), so the
    condition is an OR of indexed ``LIKE '%term%'`` and ``host_id IN (…)``, which PostgreSQL
    answers with a bitmap OR of indexes instead of reading every posting and its host.
    SQLite has no such index: there the posting's columns are matched through the full-text
    index (words starting with what was typed: ``pyth`` finds "Python", ``ytho`` does not),
    one lookup instead of reading every posting's text. The host names are looked up first
    on both (one small query)."""
    host_ids = list(
        Organization.objects.filter(name__icontains=term).values_list("pk", flat=True)[
            : SEARCH_HOSTS_LIMIT + 1
        ]
    )
    hosts = (
        Q(host_id__in=host_ids)
        if len(host_ids) <= SEARCH_HOSTS_LIMIT
        else Q(host__name__icontains=term)
    )
    if connection.vendor == "sqlite":
        return match_q(SEARCH_INDEX, term) | hosts
    return (
        Q(title__icontains=term)
        | Q(description__icontains=term)
        | Q(skills_wanted__icontains=term)
        | Q(location__icontains=term)
        | hosts
    )


def opportunity_search(viewer: Any, text: str) -> QuerySet[Opportunity]:
    """Postings ``viewer`` may see (:func:`opportunities_visible_to`) matching ``text`` in
    the full-text index, best match first (``search_rank``), host loaded."""
    conditions = _visible_conditions(viewer)
    visible = _visible(conditions).select_related("host")
    return ranked_matches(
        visible, SEARCH_INDEX, text, parts=_parts(conditions), window=SEARCH_WINDOW
    )


def opportunity_get(viewer: Any, public_id: Any) -> Opportunity | None:
    """One posting by public id if the viewer may see it, else None (the caller answers 404)."""
    from .permissions import can_view_opportunity

    opp = (
        Opportunity.objects.select_related("host", "site", "partnership", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if opp is None or not can_view_opportunity(viewer, opp):
        return None
    return opp


def pending_approvals_for(viewer: Any) -> QuerySet[OpportunityApproval]:
    """The coordinator's approval queue: one row per (posting, institution) still pending,
    for institutions the viewer coordinates. Oldest first. ``deadline_passed`` marks rows
    whose application deadline is over: they are approved only with a new deadline."""
    inst_ids = coordinator_institution_ids(viewer)
    if not inst_ids:
        return OpportunityApproval.objects.none()
    return (
        OpportunityApproval.objects.filter(
            institution_id__in=inst_ids,
            status=ApprovalStatus.PENDING,
            opportunity__status__in=DECIDABLE_STATES,
        )
        .annotate(
            deadline_passed=ExpressionWrapper(
                Q(opportunity__application_deadline__lte=timezone.now()),
                output_field=BooleanField(),
            )
        )
        .select_related("opportunity__host", "opportunity__site", "institution")
        .order_by("created_at", "pk")
    )


def pending_approvals_listing(viewer: Any) -> CachedListing:
    """:func:`pending_approvals_for` for the queue's page: its capped count and page ids
    cached per set of institutions until a posting, an approval or an organization changes
    (``core.listing_cache``); each page's rows read through the queue's query again (a
    decision made a moment ago drops its row at once)."""
    from .apps import LISTING

    scope = ("approvals", sorted(coordinator_institution_ids(viewer)))
    return CachedListing(pending_approvals_for(viewer), name=LISTING, scope=scope)


def awaiting_approval_for(viewer: Any) -> QuerySet[Opportunity]:
    """Postings waiting for a decision by one of the viewer's institutions (coordinator
    dashboard). Oldest submission first."""
    inst_ids = coordinator_institution_ids(viewer)
    if not inst_ids:
        return Opportunity.objects.none()
    pending = OpportunityApproval.objects.filter(
        institution_id__in=inst_ids, status=ApprovalStatus.PENDING
    ).values("opportunity_id")
    return Opportunity.objects.filter(pk__in=pending, status__in=DECIDABLE_STATES).order_by(
        "created_at", "pk"
    )


def approvals_of(opportunity: Opportunity) -> QuerySet[OpportunityApproval]:
    return opportunity.approvals.select_related("institution", "decided_by").order_by(
        "institution__name"
    )


def approval_counts(opportunity: Opportunity) -> dict[str, int]:
    rows = opportunity.approvals.order_by().values_list("status").annotate(n=Count("id"))
    return {status: n for status, n in rows}
