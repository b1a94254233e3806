"""Pages of a mentoring pair (its workspace) and of a program's health.

A pair outside the viewer's scope answers 404; a coordinator posting what only members may
do (or a member what only coordinators may do) gets 403. Forms that fail come back on the
workspace with their field messages (status 400).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.models import signed_in_user
from tandem.core.view_errors import submit
from tandem.matching.models import MentorPair

from . import selectors, services
from .forms import (
    CloseForm,
    GoalForm,
    GoalUpdateForm,
    RematchForm,
    RescheduleForm,
    ScheduleForm,
    SessionLogForm,
    SettingsForm,
)
from .forms import ReflectionForm as ReflectionFormClass
from .ics import session_ics
from .permissions import can_close_pair, can_work_in_pair, is_pair_coordinator, is_pair_member

WORKSPACE = "mentoring/pair.html"


def _workspace(
    request: HttpRequest, pair: MentorPair, *, status: int = 200, **forms: Any
) -> HttpResponse:
    ws = selectors.workspace(request.user, pair)
    ctx: dict[str, Any] = {
        "ws": ws,
        "pair": pair,
        "can_close": can_close_pair(request.user, pair) and ws.ending is None,
        "goal_form": forms.get("goal_form") or GoalForm(auto_id="goal_%s"),
        "log_form": forms.get("log_form") or SessionLogForm(auto_id="log_%s"),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(auto_id="next_%s"),
        "rematch_form": forms.get("rematch_form") or RematchForm(auto_id="rematch_%s"),
        "close_form": forms.get("close_form") or CloseForm(prefix="close"),
        "reflection_form": forms.get("reflection_form")
        or ReflectionFormClass(
            auto_id="reflection_%s",
            initial={"rating": ws.reflection.rating, "went_well": ws.reflection.went_well}
            if ws.reflection
            else None,
        ),
        "goal_status_choices": GoalUpdateForm.base_fields["status"].choices,  # type: ignore[attr-defined]
    }
    return render(request, WORKSPACE, ctx, status=status)


def _back(pair: MentorPair, anchor: str = "") -> HttpResponse:
    response = redirect("mentoring:pair", public_id=pair.public_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@require_GET
def pair_list(request: HttpRequest) -> HttpResponse:
    """The viewer's pairs (members) and the pairs of the programs they coordinate."""
    pairs = list(selectors.pairs_for(request.user)[:500])
    coordinated = {p.program.pk: p.program for p in pairs if is_pair_coordinator(request.user, p)}
    return render(
        request,
        "mentoring/pairs.html",
        {"pairs": pairs, "coordinated_programs": sorted(coordinated.values(), key=str)},
    )


@login_required
@require_GET
def pair_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _workspace(request, selectors.pair_get(request.user, public_id))


def _member_pair(request: HttpRequest, public_id: UUID) -> MentorPair:
    pair = selectors.pair_get(request.user, public_id)
    if not can_work_in_pair(request.user, pair):
        raise PermissionDenied
    return pair


@login_required
@require_POST
def goal_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pair = _member_pair(request, public_id)
    form = GoalForm(request.POST, auto_id="goal_%s")
    outcome = submit(
        form,
        lambda c: services.goal_create(
            actor=signed_in_user(request),
            pair=pair,
            title=c["title"],
            target_date=c["target_date"],
            progress=c["progress"] or 0,
        ),
    )
    if outcome.ok:
        messages.success(request, _("Goal added."))
        return _back(pair, "goals-h")
    return _workspace(request, pair, status=400, goal_form=form)


@login_required
@require_POST
def goal_update(request: HttpRequest, public_id: UUID) -> HttpResponse:
    goal = selectors.goal_get(request.user, public_id)
    if not can_work_in_pair(request.user, goal.pair):
        raise PermissionDenied
    form = GoalUpdateForm(request.POST)
    outcome = submit(
        form,
        lambda c: services.goal_update(actor=signed_in_user(request), goal=goal, data=c),
    )
    if outcome.ok:
        messages.success(request, _("Goal updated."))
        return _back(goal.pair, "goals-h")
    messages.error(request, _("The goal was not updated: progress is 0 to 100."))
    return _workspace(request, goal.pair, status=400)


@login_required
@require_POST
def goal_delete(request: HttpRequest, public_id: UUID) -> HttpResponse:
    goal = selectors.goal_get(request.user, public_id)
    if not can_work_in_pair(request.user, goal.pair):
        raise PermissionDenied
    pair = goal.pair
    services.goal_delete(actor=signed_in_user(request), goal=goal)
    messages.success(request, _("Goal removed."))
    return _back(pair, "goals-h")


@login_required
@require_POST
def session_log(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pair = _member_pair(request, public_id)
    form = SessionLogForm(request.POST, auto_id="log_%s")
    outcome = submit(
        form, lambda c: services.session_log(actor=signed_in_user(request), pair=pair, **c)
    )
    if outcome.ok:
        messages.success(request, _("Session logged."))
        return _back(pair, "sessions-h")
    return _workspace(request, pair, status=400, log_form=form)


@login_required
@require_POST
def session_schedule(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pair = _member_pair(request, public_id)
    form = ScheduleForm(request.POST, auto_id="next_%s")
    outcome = submit(
        form, lambda c: services.session_schedule(actor=signed_in_user(request), pair=pair, **c)
    )
    if outcome.ok:
        messages.success(request, _("Session proposed: your mentoring partner is notified."))
        return _back(pair, "next-h")
    return _workspace(request, pair, status=400, schedule_form=form)


def _member_session(request: HttpRequest, public_id: UUID) -> Any:
    session = selectors.session_get(request.user, public_id)
    if not can_work_in_pair(request.user, session.pair):
        raise PermissionDenied
    return session


@login_required
@require_POST
def session_reschedule(request: HttpRequest, public_id: UUID) -> HttpResponse:
    session = _member_session(request, public_id)
    form = RescheduleForm(request.POST)
    outcome = submit(
        form,
        lambda c: services.session_reschedule(actor=signed_in_user(request), session=session, **c),
    )
    if outcome.ok:
        messages.success(request, _("Session moved: your mentoring partner is notified."))
        return _back(session.pair, "next-h")
    messages.error(request, _("The session was not moved."))
    for name, errors in form.errors.items():
        for error in errors:
            messages.error(
                request, f"{form.fields[name].label if name in form.fields else ''}: {error}"
            )
    return _workspace(request, session.pair, status=400)


@login_required
@require_POST
def session_cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    session = _member_session(request, public_id)
    services.session_cancel(actor=signed_in_user(request), session=session)
    messages.success(request, _("Session cancelled: your mentoring partner is notified."))
    return _back(session.pair, "next-h")


@login_required
@require_GET
def session_invitation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The session's ``.ics`` invitation (the pair's members)."""
    session = selectors.session_get(request.user, public_id)
    if not is_pair_member(request.user, session.pair):
        raise PermissionDenied
    response = HttpResponse(session_ics(session, session.pair), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="mentoring-{session.public_id}.ics"'
    return response


@login_required
@require_POST
def rematch_request(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pair = _member_pair(request, public_id)
    form = RematchForm(request.POST, auto_id="rematch_%s")
    outcome = submit(
        form,
        lambda c: services.rematch_request_create(
            actor=signed_in_user(request), pair=pair, reason=c["reason"]
        ),
    )
    if outcome.ok:
        messages.success(request, _("Your request was sent to the coordinators."))
        return _back(pair, "rematch-h")
    return _workspace(request, pair, status=400, rematch_form=form)


@login_required
@require_POST
def pair_close(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pair = selectors.pair_get(request.user, public_id)
    if not can_close_pair(request.user, pair):
        raise PermissionDenied
    form = CloseForm(request.POST, prefix="close")
    outcome = submit(
        form,
        lambda c: services.pair_close(actor=signed_in_user(request), pair=pair, reason=c["reason"]),
    )
    if outcome.ok:
        messages.success(request, _("The pair has ended; both members are asked to reflect."))
        return _back(pair)
    return _workspace(request, pair, status=400, close_form=form)


@login_required
@require_POST
def reflection(request: HttpRequest, public_id: UUID) -> HttpResponse:
    pair = selectors.pair_get(request.user, public_id)
    if not is_pair_member(request.user, pair):
        raise PermissionDenied
    form = ReflectionFormClass(request.POST, auto_id="reflection_%s")
    outcome = submit(
        form,
        lambda c: services.reflection_submit(
            actor=signed_in_user(request), pair=pair, rating=c["rating"], went_well=c["went_well"]
        ),
    )
    if outcome.ok:
        messages.success(request, _("Thank you for your reflection."))
        return _back(pair, "reflection-h")
    return _workspace(request, pair, status=400, reflection_form=form)


# --- Program health -------------------------------------------------------------------------
def _health(request: HttpRequest, program: Any, *, status: int = 200, **extra: Any) -> HttpResponse:
    health = selectors.program_health(program)
    ctx = {
        "program": program,
        "health": health,
        "settings_form": extra.get("settings_form")
        or SettingsForm(
            initial={"quiet_days": health.quiet_days, "checkin_weeks": health.checkin_weeks}
        ),
    }
    return render(request, "mentoring/health.html", ctx, status=status)


@login_required
@require_GET
def program_health(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The coordinator's health page of a mentor program."""
    return _health(request, selectors.program_health_get(request.user, public_id))


@login_required
@require_POST
def program_settings(request: HttpRequest, public_id: UUID) -> HttpResponse:
    program = selectors.program_health_get(request.user, public_id)
    form = SettingsForm(request.POST)
    outcome = submit(
        form,
        lambda c: services.program_settings_set(
            actor=signed_in_user(request),
            program=program,
            quiet_days=c["quiet_days"],
            checkin_weeks=c["checkin_weeks"],
        ),
    )
    if outcome.ok:
        messages.success(request, _("Saved."))
        return redirect("mentoring:program_health", public_id=program.public_id)
    return _health(request, program, status=400, settings_form=form)


@login_required
@require_POST
def program_end(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """End every active pair of the program (reflections open)."""
    program = selectors.program_health_get(request.user, public_id)
    n = services.program_pairs_end(actor=signed_in_user(request), program=program)
    messages.success(
        request, _("%(n)d pairs ended; their members are asked to reflect.") % {"n": n}
    )
    return redirect("mentoring:program_health", public_id=program.public_id)
