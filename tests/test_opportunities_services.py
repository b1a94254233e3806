"""Opportunity services: every transition (legal and illegal), validation, vetting on
approval, audit, and the eligibility and visibility rules of the selectors and permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities import services
from tandem.opportunities.models import Opportunity, OpportunityApproval
from tandem.opportunities.permissions import (
    can_apply_to_opportunity,
    can_decide_opportunity,
    can_edit_opportunity,
    can_view_opportunity,
    is_eligible,
)
from tandem.opportunities.selectors import awaiting_approval_for, opportunities_visible_to
from tandem.organizations.models import PartnerVetting, Role
from tests.factories import (
    OpportunityFactory,
    PartnershipFactory,
    SiteFactory,
    UserFactory,
    member,
    opportunity_cast,
    opportunity_fields,
    published_opportunity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return opportunity_cast()


def _approved(host, institutions, status="published", **kwargs):
    """A posting in ``status`` approved by each of ``institutions`` (built directly)."""
    opp = OpportunityFactory(host=host, status=status, **kwargs)
    for inst in institutions:
        OpportunityApproval.objects.create(opportunity=opp, institution=inst, status="approved")
    return opp


def _draft(cast, **overrides):
    return services.opportunity_create(
        actor=cast.recruiter, host=cast.host, **opportunity_fields(**overrides)
    )


def _published(cast, **overrides):
    opp = _draft(cast, **overrides)
    services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    services.opportunity_decide(
        actor=cast.coordinator, opportunity=opp, institution=cast.inst, approve=True
    )
    opp.refresh_from_db()
    return opp


# --- create / update -------------------------------------------------------------------------
def test_recruiter_creates_a_draft_and_it_is_audited(cast):
    opp = _draft(cast, eligible_programs=[" Computer  Science ", "computer science", ""])
    assert opp.status == "draft"
    assert opp.created_by == cast.recruiter
    assert opp.eligible_programs == ["Computer Science"]
    event = AuditEvent.objects.get(action="opportunity.create")
    assert set(event.organizations.values_list("pk", flat=True)) == {cast.host.pk}


@pytest.mark.parametrize(
    "who", ["supervisor", "mentor", "other_recruiter", "coordinator", "student", "outsider"]
)
def test_only_recruiters_of_the_host_create(cast, who):
    with pytest.raises(PermissionDeniedError):
        services.opportunity_create(
            actor=getattr(cast, who), host=cast.host, **opportunity_fields()
        )
    assert not Opportunity.objects.exists()


def test_institution_staff_create_projects_their_institution_hosts(cast):
    opp = services.opportunity_create(
        actor=cast.educator, host=cast.inst, **opportunity_fields(type="research")
    )
    assert opp.host == cast.inst
    with pytest.raises(PermissionDeniedError):
        services.opportunity_create(actor=cast.student, host=cast.inst, **opportunity_fields())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"seats": 0}, "seats"),
        ({"seats": -3}, "seats"),
        ({"seats": "many"}, "seats"),
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"type": "party"}, "type"),
        ({"work_mode": "moon"}, "work_mode"),
        ({"pay_currency": "XYZ"}, "pay_currency"),
        ({"pay_currency": "pounds"}, "pay_currency"),
        ({"pay_amount": Decimal("-1")}, "pay_amount"),
        ({"pay_period": ""}, "pay_period"),
        ({"hours_per_week": Decimal("0")}, "hours_per_week"),
        ({"hours_per_week": Decimal("120")}, "hours_per_week"),
        ({"min_year_of_study": 0}, "min_year_of_study"),
        ({"min_year_of_study": 3, "max_year_of_study": 2}, "max_year_of_study"),
        ({"eligible_programs": [1, 2]}, "eligible_programs"),
        ({"application_deadline": timezone.now() - dt.timedelta(days=1)}, "application_deadline"),
        ({"start_date": "not a date"}, "start_date"),
        ({"nonsense": 1}, "nonsense"),
    ],
)
def test_create_rejects_bad_input_with_field_messages(cast, overrides, field):
    with pytest.raises(DomainError) as exc:
        _draft(cast, **overrides)
    assert field in exc.value.fields
    assert not Opportunity.objects.exists()


def test_end_before_start_and_deadline_after_start_are_refused(cast):
    today = timezone.localdate()
    with pytest.raises(DomainError) as exc:
        _draft(
            cast, start_date=today + dt.timedelta(days=10), end_date=today + dt.timedelta(days=5)
        )
    assert "end_date" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        _draft(
            cast,
            start_date=today + dt.timedelta(days=10),
            application_deadline=timezone.now() + dt.timedelta(days=20),
        )
    assert "application_deadline" in exc.value.fields


def test_missing_required_fields_are_reported(cast):
    with pytest.raises(DomainError) as exc:
        services.opportunity_create(actor=cast.recruiter, host=cast.host, seats=1)
    assert {"title", "type", "description"} <= set(exc.value.fields)


def test_site_must_belong_to_host_and_partnership_include_it(cast):
    foreign_site = SiteFactory(organization=cast.other_partner)
    with pytest.raises(DomainError) as exc:
        _draft(cast, site=foreign_site)
    assert "site" in exc.value.fields
    foreign = PartnershipFactory(institutions=[cast.inst], partners=[cast.other_partner])
    with pytest.raises(DomainError) as exc:
        _draft(cast, partnership=foreign)
    assert "partnership" in exc.value.fields
    own = PartnershipFactory(institutions=[cast.inst], partners=[cast.host])
    opp = _draft(cast, site=SiteFactory(organization=cast.host), partnership=own)
    assert opp.partnership == own


def test_update_changes_fields_and_audits_the_difference(cast):
    opp = _draft(cast)
    services.opportunity_update(actor=cast.recruiter, opportunity=opp, seats=5, title="New")
    opp.refresh_from_db()
    assert (opp.seats, opp.title) == (5, "New")
    event = AuditEvent.objects.get(action="opportunity.update")
    assert event.changes["seats"] == [2, 5]


def test_update_by_other_org_is_refused_and_changes_nothing(cast):
    opp = _draft(cast)
    with pytest.raises(PermissionDeniedError):
        services.opportunity_update(actor=cast.other_recruiter, opportunity=opp, seats=9)
    opp.refresh_from_db()
    assert opp.seats == 2


def test_update_validates_like_create(cast):
    opp = _draft(cast)
    with pytest.raises(DomainError) as exc:
        services.opportunity_update(actor=cast.recruiter, opportunity=opp, seats=-1)
    assert "seats" in exc.value.fields
    opp.refresh_from_db()
    assert opp.seats == 2


# --- submit / decide -------------------------------------------------------------------------
def test_submit_moves_draft_to_awaiting_with_pending_approvals(cast):
    opp = _draft(cast)
    services.opportunity_submit(
        actor=cast.recruiter, opportunity=opp, institutions=[cast.inst, cast.other_inst]
    )
    assert opp.status == "awaiting_approval"
    assert set(opp.approvals.values_list("status", flat=True)) == {"pending"}
    event = AuditEvent.objects.get(action="opportunity.submit")
    assert set(event.organizations.values_list("pk", flat=True)) == {
        cast.host.pk,
        cast.inst.pk,
        cast.other_inst.pk,
    }


def test_submit_refuses_illegal_states_and_bad_targets(cast):
    opp = _draft(cast)
    with pytest.raises(DomainError) as exc:
        services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[])
    assert "institutions" in exc.value.fields
    with pytest.raises(DomainError):
        services.opportunity_submit(
            actor=cast.recruiter, opportunity=opp, institutions=[cast.other_partner]
        )
    services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    with pytest.raises(DomainError) as exc:
        services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    assert exc.value.code == "illegal_transition"
    with pytest.raises(PermissionDeniedError):
        services.opportunity_submit(
            actor=cast.coordinator, opportunity=_draft(cast), institutions=[cast.inst]
        )


def test_first_approval_publishes_and_approves_pending_partner_vetting(cast):
    opp = _draft(cast)
    services.opportunity_submit(
        actor=cast.recruiter, opportunity=opp, institutions=[cast.inst, cast.other_inst]
    )
    approval = services.opportunity_decide(
        actor=cast.coordinator, opportunity=opp, institution=cast.inst, approve=True, note="ok"
    )
    assert approval.status == "approved" and approval.decided_by == cast.coordinator
    opp.refresh_from_db()
    assert opp.status == "published"
    vetting = PartnerVetting.objects.get(institution=cast.inst, partner=cast.host)
    assert vetting.status == "approved"
    assert AuditEvent.objects.filter(action="partner_vetting.decide").count() == 1
    assert AuditEvent.objects.filter(action="opportunity.approve").count() == 1
    # The second institution may still decide on a published posting; status stays.
    services.opportunity_decide(
        actor=cast.other_coordinator,
        opportunity=opp,
        institution=cast.other_inst,
        approve=False,
    )
    opp.refresh_from_db()
    assert opp.status == "published"


def test_rejected_partner_cannot_be_approved(cast):
    PartnerVetting.objects.create(institution=cast.inst, partner=cast.host, status="rejected")
    opp = _draft(cast)
    services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    with pytest.raises(DomainError) as exc:
        services.opportunity_decide(
            actor=cast.coordinator, opportunity=opp, institution=cast.inst, approve=True
        )
    assert exc.value.code == "partner_rejected"
    opp.refresh_from_db()
    assert opp.status == "awaiting_approval"
    assert opp.approvals.get().status == "pending"


def test_all_rejections_return_to_draft_and_resubmit_resets(cast):
    opp = _draft(cast)
    services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    services.opportunity_decide(
        actor=cast.coordinator,
        opportunity=opp,
        institution=cast.inst,
        approve=False,
        note="Add pay details",
    )
    opp.refresh_from_db()
    assert opp.status == "draft"
    services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    assert opp.approvals.get().status == "pending"


def test_decide_rules(cast):
    opp = _draft(cast)
    services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    for actor in (
        cast.other_coordinator,
        cast.educator,
        cast.recruiter,
        cast.student,
        cast.outsider,
    ):
        with pytest.raises(PermissionDeniedError):
            services.opportunity_decide(
                actor=actor, opportunity=opp, institution=cast.inst, approve=True
            )
    # An institution the posting was not sent to cannot decide.
    with pytest.raises(PermissionDeniedError):
        services.opportunity_decide(
            actor=cast.other_coordinator,
            opportunity=opp,
            institution=cast.other_inst,
            approve=True,
        )
    services.opportunity_decide(
        actor=cast.coordinator, opportunity=opp, institution=cast.inst, approve=True
    )
    with pytest.raises(ConflictError):
        services.opportunity_decide(
            actor=cast.coordinator, opportunity=opp, institution=cast.inst, approve=False
        )


def test_decide_on_draft_or_closed_is_illegal(cast):
    opp = _published(cast)
    OpportunityApproval.objects.create(opportunity=opp, institution=cast.other_inst)
    services.opportunity_close(actor=cast.recruiter, opportunity=opp)
    with pytest.raises(DomainError) as exc:
        services.opportunity_decide(
            actor=cast.other_coordinator,
            opportunity=opp,
            institution=cast.other_inst,
            approve=True,
        )
    assert exc.value.code == "illegal_transition"


# --- close / reopen / filled -----------------------------------------------------------------
def test_lifecycle_close_reopen_fill(cast):
    opp = _published(cast)
    services.opportunity_close(actor=cast.recruiter, opportunity=opp)
    assert opp.status == "closed"
    services.opportunity_reopen(actor=cast.recruiter, opportunity=opp)
    assert opp.status == "published"
    services.opportunity_mark_filled(actor=None, opportunity=opp)
    assert opp.status == "filled"
    event = AuditEvent.objects.get(action="opportunity.fill")
    assert event.actor is None
    assert set(event.organizations.values_list("pk", flat=True)) == {cast.host.pk, cast.inst.pk}
    services.opportunity_reopen(actor=None, opportunity=opp)
    assert opp.status == "published"


@pytest.mark.parametrize(
    ("status", "service"),
    [
        ("draft", "opportunity_close"),
        ("closed", "opportunity_close"),
        ("filled", "opportunity_close"),
        ("draft", "opportunity_reopen"),
        ("published", "opportunity_reopen"),
        ("awaiting_approval", "opportunity_reopen"),
        ("draft", "opportunity_mark_filled"),
        ("awaiting_approval", "opportunity_mark_filled"),
        ("filled", "opportunity_mark_filled"),
    ],
)
def test_illegal_jumps_raise_and_change_nothing(cast, status, service):
    opp = _approved(cast.host, [cast.inst], status=status)
    with pytest.raises(DomainError) as exc:
        getattr(services, service)(actor=cast.recruiter, opportunity=opp)
    assert exc.value.code == "illegal_transition"
    opp.refresh_from_db()
    assert opp.status == status


def test_filled_posting_cannot_be_edited(cast):
    opp = _approved(cast.host, [cast.inst], status="filled")
    with pytest.raises(DomainError):
        services.opportunity_update(actor=cast.recruiter, opportunity=opp, seats=4)


def test_reopen_needs_a_future_deadline(cast):
    opp = _approved(
        cast.host,
        [cast.inst],
        status="closed",
        application_deadline=timezone.now() - dt.timedelta(hours=1),
    )
    with pytest.raises(DomainError) as exc:
        services.opportunity_reopen(actor=cast.recruiter, opportunity=opp)
    assert "application_deadline" in exc.value.fields


def test_close_and_reopen_refused_for_other_organizations(cast):
    opp = _published(cast)
    for actor in (cast.other_recruiter, cast.coordinator, cast.student):
        with pytest.raises(PermissionDeniedError):
            services.opportunity_close(actor=actor, opportunity=opp)
    opp.refresh_from_db()
    assert opp.status == "published"


def test_create_submit_decide_refuse_the_system_actor(cast):
    with pytest.raises(PermissionDeniedError):
        services.opportunity_create(actor=None, host=cast.host, **opportunity_fields())


# --- eligibility, visibility, permissions -----------------------------------------------------
def test_is_eligible_rules():
    kw = {"eligible_programs": ["Computer Science"], "min_year": 2, "max_year": 3}
    assert is_eligible(program="computer  science", year_of_study=2, **kw)
    assert not is_eligible(program="History", year_of_study=2, **kw)
    assert not is_eligible(program="Computer Science", year_of_study=1, **kw)
    assert not is_eligible(program="Computer Science", year_of_study=4, **kw)
    assert not is_eligible(program="Computer Science", year_of_study=None, **kw)
    assert is_eligible(
        eligible_programs=[], min_year=None, max_year=None, program="", year_of_study=None
    )


def test_student_visibility_and_apply(cast):
    visible = published_opportunity(cast.host, [cast.inst])
    other_inst_only = published_opportunity(cast.host, [cast.other_inst])
    wrong_program = published_opportunity(cast.host, [cast.inst], eligible_programs=["Nursing"])
    wrong_year = published_opportunity(cast.host, [cast.inst], min_year_of_study=3)
    right_program = published_opportunity(
        cast.host, [cast.inst], eligible_programs=["computer science"], max_year_of_study=2
    )
    past = published_opportunity(
        cast.host, [cast.inst], application_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    closed = _approved(cast.host, [cast.inst], status="closed")
    pending = OpportunityFactory(host=cast.host, status="published")
    OpportunityApproval.objects.create(opportunity=pending, institution=cast.inst)
    draft = OpportunityFactory(host=cast.host)

    seen = set(opportunities_visible_to(cast.student))
    assert seen == {visible, right_program}
    for opp in (visible, right_program):
        assert can_view_opportunity(cast.student, opp)
        assert can_apply_to_opportunity(cast.student, opp)
    for opp in (other_inst_only, wrong_program, wrong_year, past, closed, pending, draft):
        assert not can_apply_to_opportunity(cast.student, opp)
        assert not can_view_opportunity(cast.student, opp)
    # The other institution's student sees only what their institution approved.
    assert set(opportunities_visible_to(cast.other_student)) == {other_inst_only}
    assert not can_apply_to_opportunity(cast.other_student, visible)


def test_staff_visibility(cast):
    draft = OpportunityFactory(host=cast.host)
    sent = published_opportunity(cast.host, [cast.inst])
    elsewhere = published_opportunity(cast.other_partner, [cast.other_inst])
    hosted = OpportunityFactory(host=cast.inst)  # an institution-hosted draft
    sent_draft = OpportunityFactory(host=cast.other_partner)
    OpportunityApproval.objects.create(opportunity=sent_draft, institution=cast.inst)

    assert set(opportunities_visible_to(cast.recruiter)) == {draft, sent}
    assert set(opportunities_visible_to(cast.supervisor)) == {draft, sent}
    assert set(opportunities_visible_to(cast.coordinator)) == {sent, hosted}
    assert set(opportunities_visible_to(cast.educator)) == {sent, hosted}
    assert set(opportunities_visible_to(cast.other_recruiter)) == {elsewhere, sent_draft}
    assert set(opportunities_visible_to(cast.admin)) == {draft, sent, elsewhere, hosted, sent_draft}
    assert not opportunities_visible_to(cast.outsider).exists()
    assert not opportunities_visible_to(cast.mentor).exists()
    inactive = UserFactory(is_active=False)
    member(cast.host, Role.RECRUITER, user=inactive)
    assert not opportunities_visible_to(inactive).exists()


def test_permission_predicates(cast):
    opp = published_opportunity(cast.host, [cast.inst])
    assert can_edit_opportunity(cast.recruiter, opp)
    assert can_edit_opportunity(cast.admin, opp)
    assert not can_edit_opportunity(cast.supervisor, opp)
    assert not can_edit_opportunity(cast.coordinator, opp)
    assert can_decide_opportunity(cast.coordinator, opp, cast.inst)
    assert not can_decide_opportunity(cast.coordinator, opp, cast.other_inst)
    assert not can_decide_opportunity(cast.other_coordinator, opp, cast.other_inst)
    assert not can_decide_opportunity(cast.educator, opp, cast.inst)


def test_awaiting_approval_for_coordinator(cast):
    opp = _draft(cast)
    services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    assert list(awaiting_approval_for(cast.coordinator)) == [opp]
    assert not awaiting_approval_for(cast.other_coordinator).exists()
    assert not awaiting_approval_for(cast.educator).exists()
    services.opportunity_decide(
        actor=cast.coordinator, opportunity=opp, institution=cast.inst, approve=True
    )
    assert not awaiting_approval_for(cast.coordinator).exists()
