"""Web pages for match rounds and mentor programs.

One round page serves every role: coordinators get the controls and the review (statistics,
chart and table), students their rank list (accessible up/down buttons, HTMX partial), host
staff their rankings. Rounds outside the viewer's scope answer 404.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import User, signed_in_user
from tandem.core.errors import DomainError
from tandem.core.forms import add_domain_error
from tandem.core.htmx import is_htmx
from tandem.core.view_errors import attempt, describe_domain_error, form_page, submit
from tandem.organizations.models import Membership, Organization
from tandem.organizations.permissions import coordinator_institution_ids

from . import selectors, services
from .forms import (
    AddParticipantForm,
    ApplyForm,
    DecisionForm,
    MentorProfileForm,
    NominateForm,
    ProfileForm,
    ProgramCreateForm,
    ProgramSettingsForm,
    RankActionForm,
    RoundForm,
    RunForm,
)
from .models import (
    ApplicationStatus,
    MatchRound,
    MenteeProfile,
    MentorProfile,
    MentorProgram,
    ProgramStatus,
    RoundStatus,
)
from .permissions import (
    application_window_open,
    can_create_program,
    can_create_round,
    can_manage_program,
    can_manage_round,
    can_rank_as_partner,
    can_rank_as_student,
    can_respond_to_nomination,
    can_view_own_result,
    is_eligible_for,
    program_application_kinds,
)


def _coordinator_institutions(user: User | AnonymousUser) -> QuerySet[Organization]:
    return Organization.objects.filter(
        pk__in=coordinator_institution_ids(user), kind="institution"
    ).order_by("name")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Rounds and mentor programs the viewer takes part in."""
    return render(
        request,
        "matching/index.html",
        {
            "rounds": selectors.round_list(request.user)[:100],
            "programs": selectors.program_list(request.user)[:100],
            "can_create_round": can_create_round(request.user),
            "can_create_program": can_create_program(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    if not can_create_round(request.user):
        raise PermissionDenied
    institutions = _coordinator_institutions(request.user)
    opportunities = selectors.eligible_round_opportunities_any(institutions)
    form = RoundForm(request.POST or None, institutions=institutions, opportunities=opportunities)

    def created(match_round: MatchRound) -> HttpResponse:
        messages.success(request, _("Round created as a draft. Open it for ranking when ready."))
        return redirect("matching:round_detail", public_id=match_round.public_id)

    return form_page(
        request,
        form,
        lambda data: services.round_create(
            actor=request.user,
            institution=data["institution"],
            title=data["title"],
            description=data["description"],
            opportunities=list(data["opportunities"]),
            student_deadline=data["student_deadline"],
            partner_deadline=data["partner_deadline"],
            seed=data["seed"],
            proposing=data["proposing"],
        ),
        template="matching/round_form.html",
        success=created,
    )


def _round_context(request: HttpRequest, match_round: MatchRound, **extra: Any) -> dict[str, Any]:
    user = request.user
    manager = can_manage_round(user, match_round)
    ctx: dict[str, Any] = {
        "round": match_round,
        "opportunities": list(selectors.round_opportunities(match_round)),
        "is_manager": manager,
        "is_student": can_rank_as_student(user, match_round),
        "is_partner": can_rank_as_partner(user, match_round),
        "student_editable": services.student_can_edit(match_round),
        "partner_editable": services.partner_can_edit(match_round),
        "stats": match_round.stats or {},
        **extra,
    }
    if manager and match_round.status in (RoundStatus.MATCHED, RoundStatus.PUBLISHED):
        ctx["results"] = list(selectors.round_results(match_round))
        ctx["chart"] = selectors.round_chart(match_round)
    if ctx["is_student"]:
        ranked = selectors.student_rank_list(match_round, user)
        ranked_ids = {o.pk for o in ranked}
        ctx["ranked"] = ranked
        ctx["unranked"] = [
            o
            for o in ctx["opportunities"]
            if o.pk not in ranked_ids and is_eligible_for(user, match_round, o)
        ]
        if can_view_own_result(user, match_round):
            result = selectors.student_result(match_round, user)
            ctx["my_result"] = result
            ctx["my_explanation"] = (
                selectors.explanation_view(result, match_round) if result else None
            )
    if ctx["is_partner"]:
        ctx["queues"] = selectors.partner_queues(user, match_round)
    return ctx


@login_required
@require_GET
def round_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    match_round = selectors.round_get(request.user, public_id)
    return render(request, "matching/round_detail.html", _round_context(request, match_round))


STEPS = {
    "open": (services.round_open, _("The round is open for ranking.")),
    "close": (services.round_close_ranking, _("Ranking is closed.")),
    "run": (
        services.round_run,
        _("The match is running; this page shows the result when it is done."),
    ),
    "publish": (
        services.round_publish,
        _("The result is published: students and hosts are being notified."),
    ),
    "cancel": (services.round_cancel, _("The round is cancelled.")),
}


@login_required
@require_POST
def round_step(request: HttpRequest, public_id: UUID, step: str) -> HttpResponse:
    """Coordinator controls: open, close ranking, run, publish, cancel."""
    match_round = selectors.round_get(request.user, public_id)
    if step not in STEPS:
        return HttpResponse(_("Unknown step."), status=400)
    if not can_manage_round(request.user, match_round):
        raise PermissionDenied
    service, done = STEPS[step]
    outcome = attempt(lambda: service(actor=request.user, match_round=match_round))
    if (exc := outcome.error) is not None:
        messages.error(request, exc.message)
        ctx = _round_context(request, selectors.round_get(request.user, public_id))
        status = describe_domain_error(exc).status
        return render(request, "matching/round_detail.html", ctx, status=status)
    messages.success(request, done)
    return redirect("matching:round_detail", public_id=match_round.public_id)


@login_required
@require_POST
def round_rank(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A student adds, removes or moves one entry of their rank list."""
    match_round = selectors.round_get(request.user, public_id)
    if not can_rank_as_student(request.user, match_round):
        raise PermissionDenied
    form = RankActionForm(request.POST)
    error = ""
    status = 200
    if not form.is_valid():
        error, status = _("Choose an opportunity and an action."), 400
    else:
        by_id = {o.public_id: o for o in selectors.round_opportunities(match_round)}
        opp = by_id.get(form.cleaned_data["opportunity"])
        action = form.cleaned_data["action"]
        current = selectors.student_rank_list(match_round, request.user)

        def rank() -> None:
            if opp is None:
                raise DomainError(_("Only opportunities of this round can be ranked."))
            if action == "add":
                new = [*current, opp] if opp not in current else current
                services.student_ranking_set(
                    actor=request.user, match_round=match_round, opportunities=new
                )
            elif action == "remove":
                services.student_ranking_set(
                    actor=request.user,
                    match_round=match_round,
                    opportunities=[o for o in current if o.pk != opp.pk],
                )
            else:
                services.student_ranking_move(
                    actor=request.user, match_round=match_round, opportunity=opp, direction=action
                )

        outcome = attempt(rank)
        if outcome.error is not None:
            answer = describe_domain_error(outcome.error)
            error, status = answer.message, answer.status
    if is_htmx(request):
        ctx = _round_context(request, match_round, rank_error=error)
        return render(request, "matching/round_detail.html#rank-list", ctx, status=status)
    if error:
        messages.error(request, error)
        ctx = _round_context(request, match_round, rank_error=error)
        return render(request, "matching/round_detail.html", ctx, status=status)
    return redirect("matching:round_detail", public_id=match_round.public_id)


@login_required
@require_POST
def round_partner_rank(request: HttpRequest, public_id: UUID, opportunity_id: UUID) -> HttpResponse:
    """Host staff rank the students who ranked one opportunity: a number per student (1 =
    best; blank = not acceptable)."""
    match_round = selectors.round_get(request.user, public_id)
    if not can_rank_as_partner(request.user, match_round):
        raise PermissionDenied
    queue = next(
        (
            q
            for q in selectors.partner_queues(request.user, match_round)
            if q.opportunity.public_id == opportunity_id
        ),
        None,
    )
    if queue is None:
        raise PermissionDenied
    entries: list[tuple[int, Any]] = []
    error, status = "", 400
    for student in queue.applicants:
        raw = request.POST.get(f"rank-{student.public_id}", "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
            error = _("Ranks are whole numbers from 1.")
            break
        entries.append((int(raw), student))
    if not error and len({n for n, _s in entries}) != len(entries):
        error = _("Give each student a different rank.")
    if not error:
        outcome = attempt(
            lambda: services.partner_ranking_set(
                actor=request.user,
                match_round=match_round,
                opportunity=queue.opportunity,
                students=[s for _n, s in sorted(entries, key=lambda e: e[0])],
            )
        )
        if outcome.error is not None:
            answer = describe_domain_error(outcome.error)
            error, status = answer.message, answer.status
    if error:
        messages.error(request, error)
        ctx = _round_context(request, match_round)
        return render(request, "matching/round_detail.html", ctx, status=status)
    messages.success(request, _("Ranking saved for “%(t)s”.") % {"t": queue.opportunity.title})
    return redirect("matching:round_detail", public_id=match_round.public_id)


# --- Mentor programs ----------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    if not can_create_program(request.user):
        raise PermissionDenied
    form = ProgramCreateForm(
        request.POST or None, institutions=_coordinator_institutions(request.user)
    )
    return form_page(
        request,
        form,
        lambda d: services.program_create(
            actor=request.user,
            institution=d["institution"],
            title=d["title"],
            description=d["description"],
            draft=d["draft"],
            **form.settings_data(),
        ),
        template="matching/program_form.html",
        success=lambda program: redirect("matching:program_detail", public_id=program.public_id),
    )


def _own_profile(user: User, program: MentorProgram) -> MentorProfile | MenteeProfile | None:
    mentee = program.mentees.filter(student=user).first()
    if mentee is not None:
        return mentee
    return program.mentors.filter(membership__user=user, membership__is_active=True).first()


def _profile_form(profile: MentorProfile | MenteeProfile, data: Any = None) -> ProfileForm:
    initial = {
        k: ", ".join(getattr(profile, k))
        for k in ("skills", "interests", "goals", "availability", "languages")
    }
    if isinstance(profile, MentorProfile):
        initial["capacity"] = profile.capacity  # type: ignore[assignment]
        return MentorProfileForm(data, initial=initial)
    return ProfileForm(data, initial=initial)


def _program_context(request: HttpRequest, program: MentorProgram, **extra: Any) -> dict[str, Any]:
    manager = can_manage_program(request.user, program)
    profile = _own_profile(signed_in_user(request), program)
    ctx: dict[str, Any] = {
        "program": program,
        "is_manager": manager,
        "profile": profile,
        "profile_form": extra.pop("profile_form", None)
        or (_profile_form(profile) if profile else None),
        **extra,
    }
    ctx["application"] = selectors.own_application(request.user, program)
    ctx["can_apply"] = (
        ctx["application"] is None
        and profile is None
        and bool(program_application_kinds(request.user, program))
        and application_window_open(program)
    )
    nomination = ctx["application"]
    if nomination is not None and can_respond_to_nomination(request.user, nomination):
        ctx["nomination_form"] = extra.pop("nomination_form", None) or ApplyForm(
            kinds=[nomination.kind],
            initial={"capacity": nomination.capacity},
            default_capacity=nomination.capacity or program.default_capacity,
        )
    if manager:
        ctx["actions"] = services.allowed_actions(program)
        ctx["run_form"] = extra.pop("run_form", None) or RunForm(
            initial=RunForm.initial_for(program)
        )
        ctx["unmatchable"] = selectors.program_unmatchable(program)
        ctx["pending_count"] = selectors.program_applications(
            program, status=ApplicationStatus.PENDING
        ).count()
        ctx["nominate_form"] = NominateForm()
        ctx["mentors"] = list(selectors.program_mentors(program))
        ctx["mentees"] = list(selectors.program_mentees(program))
        ctx["pairs"] = list(selectors.program_pairs(program))
        ctx["unpaired_reasons"] = selectors.program_unpaired_reasons(program)
        ctx["add_form"] = extra.get("add_form") or AddParticipantForm()
        ctx["mentor_choices"] = selectors.eligible_mentor_memberships(program)[:200]
        ctx["mentee_choices"] = selectors.eligible_mentee_memberships(program)[:500]
    elif program.status == "published":
        ctx["pairs"] = list(selectors.program_pairs(program, request.user))
    return ctx


@login_required
@require_GET
def program_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    program = selectors.program_get(request.user, public_id)
    return render(request, "matching/program_detail.html", _program_context(request, program))


@login_required
@require_POST
def program_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    program = selectors.program_get(request.user, public_id)
    if not can_manage_program(request.user, program):
        raise PermissionDenied
    form = AddParticipantForm(request.POST)

    def add() -> None:
        if not form.is_valid():
            raise DomainError(_("Choose a person to add."))
        membership = Membership.objects.filter(public_id=form.cleaned_data["membership"]).first()
        if membership is None:
            raise DomainError(_("Choose a person to add."))
        if form.cleaned_data["kind"] == "mentor":
            services.mentor_add(
                actor=request.user,
                program=program,
                membership=membership,
                capacity=form.cleaned_data["capacity"] or 1,
            )
        else:
            services.mentee_add(actor=request.user, program=program, student=membership.user)

    outcome = attempt(add)
    if (exc := outcome.error) is not None:
        messages.error(request, exc.message)
        ctx = _program_context(request, program)
        status = describe_domain_error(exc).status
        return render(request, "matching/program_detail.html", ctx, status=status)
    messages.success(request, _("Added."))
    return redirect("matching:program_detail", public_id=program.public_id)


@login_required
@require_POST
def program_profile(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A participant saves their own profile."""
    program = selectors.program_get(request.user, public_id)
    profile = _own_profile(signed_in_user(request), program)
    if profile is None:
        raise PermissionDenied
    form = _profile_form(profile, request.POST)

    def save(cleaned: dict[str, Any]) -> None:
        data: dict[str, Any] = form.profile_data()
        if isinstance(profile, MentorProfile):
            data["capacity"] = cleaned["capacity"]
        services.profile_update(actor=request.user, profile=profile, data=data)

    if submit(form, save).ok:
        messages.success(request, _("Profile saved."))
        return redirect("matching:program_detail", public_id=program.public_id)
    ctx = _program_context(request, program, profile_form=form)
    return render(request, "matching/program_detail.html", ctx, status=400)


def _open_step(*, actor: Any, program: MentorProgram) -> MentorProgram:
    return services.program_transition(actor=actor, program=program, action="open")


def _close_step(*, actor: Any, program: MentorProgram) -> MentorProgram:
    return services.program_transition(actor=actor, program=program, action="close")


PROGRAM_STEPS = {
    "open": (_open_step, _("The program accepts applications.")),
    "run": (services.program_run, _("Pairs are being computed.")),
    "publish": (services.program_publish, _("Pairs published: everyone is being notified.")),
    "close": (_close_step, _("The program is closed.")),
}


@login_required
@require_POST
def program_step(request: HttpRequest, public_id: UUID, step: str) -> HttpResponse:
    program = selectors.program_get(request.user, public_id)
    if step not in PROGRAM_STEPS:
        return HttpResponse(_("Unknown step."), status=400)
    if not can_manage_program(request.user, program):
        raise PermissionDenied
    service, done = PROGRAM_STEPS[step]
    run_form = None
    if step == "run" and request.POST.get("constraints"):
        run_form = RunForm(request.POST)
        if not run_form.is_valid():
            ctx = _program_context(request, program, run_form=run_form)
            return render(request, "matching/program_detail.html", ctx, status=400)
        constraints = run_form.constraints()
        outcome = attempt(
            lambda: services.program_run(
                actor=request.user, program=program, constraints=constraints
            )
        )
    else:
        outcome = attempt(lambda: service(actor=request.user, program=program))
    if (exc := outcome.error) is not None:
        messages.error(request, exc.message)
        if run_form is not None:
            add_domain_error(run_form, exc)
        ctx = _program_context(
            request, selectors.program_get(request.user, public_id), run_form=run_form
        )
        status = describe_domain_error(exc).status
        return render(request, "matching/program_detail.html", ctx, status=status)
    messages.success(request, done)
    return redirect("matching:program_detail", public_id=program.public_id)


# --- Mentor programs: intake ----------------------------------------------------------------
@login_required
@require_GET
def programs_open(request: HttpRequest) -> HttpResponse:
    """Mentoring programs open to you: those you may apply to, and your applications."""
    return render(
        request,
        "matching/programs_open.html",
        {"entries": selectors.programs_open_to(request.user)},
    )


def _apply_program(request: HttpRequest, public_id: UUID) -> tuple[MentorProgram, list[str]]:
    program = selectors.program_get(request.user, public_id)
    kinds = program_application_kinds(request.user, program)
    if not kinds:
        raise PermissionDenied
    return program, kinds


def _prefill(user: User) -> dict[str, Any]:
    """The applicant's skills as their skills profile holds them (ESCO labels)."""
    return {"skills": ", ".join(selectors.profile_skill_labels(user))}


@login_required
@require_http_methods(["GET", "POST"])
def program_apply(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The application form (eligible people only; the service refuses the rest)."""
    program, kinds = _apply_program(request, public_id)
    form = ApplyForm(
        request.POST or None,
        kinds=kinds,
        default_capacity=program.default_capacity,
        initial=_prefill(signed_in_user(request)),
    )
    context = {
        "program": program,
        "application": selectors.own_application(request.user, program),
        "window_open": application_window_open(program),
    }
    return form_page(
        request,
        form,
        lambda d: services.application_submit(
            actor=request.user,
            program=program,
            kind=d.get("kind") or None,
            data=form.application_data(),
        ),
        template="matching/program_apply.html",
        context=context,
        success=lambda _a: _applied(request, program),
    )


def _applied(request: HttpRequest, program: MentorProgram) -> HttpResponse:
    messages.success(request, _("Application sent: the coordinator will approve or decline it."))
    return redirect("matching:program_detail", public_id=program.public_id)


def _managed_program(request: HttpRequest, public_id: UUID) -> MentorProgram:
    program = selectors.program_get(request.user, public_id)
    if not can_manage_program(request.user, program):
        raise PermissionDenied
    return program


@login_required
@require_GET
def program_applications(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The coordinator's queue of applications and nominations."""
    program = _managed_program(request, public_id)
    status = request.GET.get("status") or ""
    if status not in ApplicationStatus.values:
        status = ""
    return render(
        request,
        "matching/program_applications.html",
        {
            "program": program,
            "applications": list(selectors.program_applications(program, status=status or None)),
            "status": status,
            "statuses": ApplicationStatus.choices,
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def program_application_decide(
    request: HttpRequest, public_id: UUID, application_id: UUID
) -> HttpResponse:
    program = _managed_program(request, public_id)
    application = selectors.program_application_get(request.user, program, application_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline."))
        return redirect("matching:program_applications", public_id=program.public_id)
    approve = form.cleaned_data["decision"] == "approve"
    outcome = attempt(
        lambda: services.application_decide(
            actor=request.user,
            application=application,
            approve=approve,
            reason=form.cleaned_data["reason"],
        )
    )
    if (exc := outcome.error) is not None:
        messages.error(request, exc.message)
    elif approve:
        messages.success(
            request,
            _("%(name)s is approved and enters the matching.")
            % {"name": application.user.full_name},
        )
    else:
        messages.success(request, _("%(name)s is declined.") % {"name": application.user.full_name})
    return redirect("matching:program_applications", public_id=program.public_id)


@login_required
@require_POST
def program_nominate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    program = _managed_program(request, public_id)
    form = NominateForm(request.POST)

    def nominate() -> None:
        if not form.is_valid():
            raise DomainError(_("Choose a person to nominate."))
        membership = Membership.objects.filter(public_id=form.cleaned_data["membership"]).first()
        if membership is None:
            raise DomainError(_("Choose a person to nominate."))
        services.nomination_create(
            actor=request.user,
            program=program,
            membership=membership,
            kind=form.cleaned_data["kind"],
            capacity=form.cleaned_data["capacity"],
        )

    outcome = attempt(nominate)
    if (exc := outcome.error) is not None:
        messages.error(request, exc.message)
        ctx = _program_context(request, program)
        return render(
            request, "matching/program_detail.html", ctx, status=describe_domain_error(exc).status
        )
    messages.success(request, _("Nominated: they are asked to accept."))
    return redirect("matching:program_detail", public_id=program.public_id)


@login_required
@require_POST
def program_nomination_respond(
    request: HttpRequest, public_id: UUID, application_id: UUID
) -> HttpResponse:
    """The nominee accepts (with their profile) or declines."""
    program = selectors.program_get(request.user, public_id)
    application = selectors.program_application_get(request.user, program, application_id)
    if not can_respond_to_nomination(request.user, application):
        raise PermissionDenied
    accept = request.POST.get("answer") == "accept"
    form = ApplyForm(
        request.POST,
        kinds=[application.kind],
        default_capacity=application.capacity or program.default_capacity,
    )
    if accept:
        outcome = submit(
            form,
            lambda _d: services.nomination_respond(
                actor=request.user,
                application=application,
                accept=True,
                data=form.application_data(),
            ),
        )
    else:
        outcome = attempt(
            lambda: services.nomination_respond(
                actor=request.user, application=application, accept=False
            )
        )
    if not outcome.ok:
        if outcome.error is not None and not accept:
            messages.error(request, outcome.error.message)
        ctx = _program_context(request, program, nomination_form=form)
        status = describe_domain_error(outcome.error).status if outcome.error else 400
        return render(request, "matching/program_detail.html", ctx, status=status)
    messages.success(request, _("Welcome to the program.") if accept else _("Nomination declined."))
    return redirect("matching:program_detail", public_id=program.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def program_settings(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Goals, eligibility, application window and default capacity."""
    program = _managed_program(request, public_id)
    initial = {
        "goals": program.goals,
        "mentee_programmes": ", ".join(program.mentee_programmes),
        "mentee_min_year": program.mentee_min_year,
        "mentee_max_year": program.mentee_max_year,
        "mentor_source": program.mentor_source,
        "opens_at": program.opens_at,
        "closes_at": program.closes_at,
        "default_capacity": program.default_capacity,
    }
    form = ProgramSettingsForm(request.POST or None, initial=initial)

    def done(_p: MentorProgram) -> HttpResponse:
        messages.success(request, _("Settings saved."))
        return redirect("matching:program_detail", public_id=program.public_id)

    return form_page(
        request,
        form,
        lambda _d: services.program_settings_update(
            actor=request.user, program=program, data=form.settings_data()
        ),
        template="matching/program_settings.html",
        context={"program": program, "editable": program.status != ProgramStatus.PUBLISHED},
        success=done,
    )
