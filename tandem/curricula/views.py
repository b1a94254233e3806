"""Curriculum pages: programs, courses, outcomes and their ESCO skill mappings.

A program the viewer may not read answers 404; one they may read but not change answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.models import signed_in_user
from tandem.core.htmx import is_htmx_partial
from tandem.core.view_errors import form_page, submit
from tandem.skills.selectors import concept_by_esco_id, concept_search
from tandem.skills.services import REQUEST_MODE, job_mode

from . import selectors, services
from .forms import (
    AddSkillForm,
    CommentForm,
    CourseForm,
    DecisionForm,
    EndorseForm,
    OutcomeForm,
    ProgramForm,
    ProposalDecisionForm,
    ProposeSkillForm,
    SkillSearchForm,
)
from .models import Course, LearningOutcome, Program
from .permissions import (
    can_codevelop_program,
    can_comment_program,
    can_edit_program,
    can_view_gap,
    co_developer_orgs,
    creatable_institutions,
)

PER_PAGE = 20
SEARCH_RESULTS = 15


def _require_edit(request: HttpRequest, program: Program) -> None:
    if not can_edit_program(request.user, program):
        raise PermissionDenied(_("Only the institution's educators and coordinators edit this."))


# --- Programs -------------------------------------------------------------------------------
@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.program_list(request.user, q=q), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "curricula/program_list.html",
        {
            "page_obj": page,
            "q": q,
            "querystring_without_page": f"q={q}&" if q else "",
            "can_create": creatable_institutions(request.user).exists(),
        },
    )


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    institutions = creatable_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied(_("Only educators and coordinators create programs."))
    form = ProgramForm(
        request.POST if request.method == "POST" else None, institutions=institutions
    )

    def created(program: Program) -> HttpResponse:
        messages.success(request, _("Program created. Add its courses next."))
        return redirect("curricula:program", public_id=program.public_id)

    return form_page(
        request,
        form,
        lambda data: services.program_create(
            actor=signed_in_user(request),
            institution=data["institution"],
            title=data["title"],
            code=data["code"],
            description=data["description"],
        ),
        template="curricula/form.html",
        context={"heading": _("New program"), "cancel": "curricula:list"},
        success=created,
    )


@login_required
def program_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    program = selectors.program_get_or_404(request.user, public_id)
    return render(
        request,
        "curricula/program_detail.html",
        {
            "program": program,
            "courses": selectors.courses_of(program),
            "can_edit": can_edit_program(request.user, program),
            "can_view_gap": can_view_gap(request.user, program),
            "batch_mode": job_mode(),
        },
    )


@login_required
def program_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    program = selectors.program_get_or_404(request.user, public_id)
    _require_edit(request, program)
    initial = {"title": program.title, "code": program.code, "description": program.description}
    form = ProgramForm(request.POST if request.method == "POST" else None, initial=initial)

    def saved(_result: object) -> HttpResponse:
        messages.success(request, _("Changes saved."))
        return redirect("curricula:program", public_id=program.public_id)

    return form_page(
        request,
        form,
        lambda d: services.program_update(actor=signed_in_user(request), program=program, **d),
        template="curricula/form.html",
        context={"heading": _("Edit program"), "back": program},
        success=saved,
    )


@login_required
@require_POST
def program_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    program = selectors.program_get_or_404(request.user, public_id)
    _require_edit(request, program)
    services.program_delete(actor=signed_in_user(request), program=program)
    messages.success(request, _("Program deleted."))
    return redirect("curricula:list")


# --- Courses --------------------------------------------------------------------------------
@login_required
def course_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    program = selectors.program_get_or_404(request.user, public_id)
    _require_edit(request, program)
    form = CourseForm(request.POST if request.method == "POST" else None)

    def created(course: Course) -> HttpResponse:
        messages.success(request, _("Course added. Write its learning outcomes next."))
        return redirect("curricula:course", public_id=course.public_id)

    return form_page(
        request,
        form,
        lambda d: services.course_create(actor=signed_in_user(request), program=program, **d),
        template="curricula/form.html",
        context={"heading": _("New course"), "back": program},
        success=created,
    )


def _course_context(request: HttpRequest, course: Course, **extra: Any) -> dict[str, Any]:
    user = request.user
    program = course.program
    partner_orgs = co_developer_orgs(user, program)
    endorsements = list(selectors.endorsements_of(course))
    return {
        "course": course,
        "program": program,
        "outcomes": selectors.outcomes_with_mappings(course),
        "can_edit": can_edit_program(user, program),
        "can_codevelop": bool(partner_orgs),
        "can_comment": can_comment_program(user, program),
        "can_endorse": bool(partner_orgs - {e.organization_id for e in endorsements}),
        "endorsements": endorsements,
        "history": selectors.course_history(course),
        "comment_form": CommentForm(),
        "endorse_form": EndorseForm(),
        "mode": REQUEST_MODE,
        "outcome_form": extra.pop("outcome_form", None) or OutcomeForm(),
        **extra,
    }


@login_required
def course_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = selectors.course_get_or_404(request.user, public_id)
    return render(request, "curricula/course_detail.html", _course_context(request, course))


@login_required
def course_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = selectors.course_get_or_404(request.user, public_id)
    _require_edit(request, course.program)
    initial = {"title": course.title, "code": course.code, "description": course.description}
    form = CourseForm(request.POST if request.method == "POST" else None, initial=initial)

    def saved(_result: object) -> HttpResponse:
        messages.success(request, _("Changes saved."))
        return redirect("curricula:course", public_id=course.public_id)

    return form_page(
        request,
        form,
        lambda d: services.course_update(actor=signed_in_user(request), course=course, **d),
        template="curricula/form.html",
        context={"heading": _("Edit course"), "back_course": course},
        success=saved,
    )


@login_required
@require_POST
def course_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = selectors.course_get_or_404(request.user, public_id)
    _require_edit(request, course.program)
    program = course.program
    services.course_delete(actor=signed_in_user(request), course=course)
    messages.success(request, _("Course deleted."))
    return redirect("curricula:program", public_id=program.public_id)


# --- Outcomes and mappings ------------------------------------------------------------------
@login_required
@require_POST
def outcome_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = selectors.course_get_or_404(request.user, public_id)
    _require_edit(request, course.program)
    form = OutcomeForm(request.POST)
    if submit(
        form,
        lambda d: services.outcome_create(
            actor=signed_in_user(request), course=course, text=d["text"]
        ),
    ).ok:
        messages.success(request, _("Outcome added with the skills the extractor suggests."))
        return redirect("curricula:course", public_id=course.public_id)
    return render(
        request,
        "curricula/course_detail.html",
        _course_context(request, course, outcome_form=form),
        status=422,
    )


@login_required
def outcome_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    outcome = selectors.outcome_get_or_404(request.user, public_id)
    course = outcome.course
    _require_edit(request, course.program)
    form = OutcomeForm(
        request.POST if request.method == "POST" else None, initial={"text": outcome.text}
    )

    def saved(_result: object) -> HttpResponse:
        messages.success(request, _("Outcome saved."))
        return redirect("curricula:course", public_id=course.public_id)

    return form_page(
        request,
        form,
        lambda d: services.outcome_update(
            actor=signed_in_user(request), outcome=outcome, text=d["text"]
        ),
        template="curricula/form.html",
        context={"heading": _("Edit outcome"), "back_course": course},
        success=saved,
    )


@login_required
@require_POST
def outcome_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    outcome = selectors.outcome_get_or_404(request.user, public_id)
    course = outcome.course
    _require_edit(request, course.program)
    services.outcome_delete(actor=signed_in_user(request), outcome=outcome)
    messages.success(request, _("Outcome deleted."))
    return redirect("curricula:course", public_id=course.public_id)


@login_required
@require_POST
def outcome_suggest(request: HttpRequest, public_id: Any) -> HttpResponse:
    outcome = selectors.outcome_get_or_404(request.user, public_id)
    _require_edit(request, outcome.course.program)
    added = services.outcome_suggest_skills(actor=signed_in_user(request), outcome=outcome)
    messages.info(
        request,
        _("%(n)d new suggestion(s).") % {"n": added} if added else _("No new suggestions."),
    )
    return redirect("curricula:course", public_id=outcome.course.public_id)


def _render_outcome(request: HttpRequest, outcome: LearningOutcome, **extra: Any) -> HttpResponse:
    """The outcome's panel (HTMX) or a redirect to the course page."""
    if not is_htmx_partial(request):
        return redirect("curricula:course", public_id=outcome.course.public_id)
    fresh = selectors.outcomes_with_mappings(outcome.course).get(pk=outcome.pk)
    return render(
        request,
        "curricula/course_detail.html#outcome",
        {
            "outcome": fresh,
            "course": outcome.course,
            "can_edit": True,
            "can_comment": True,
            "comment_form": CommentForm(),
            **extra,
        },
    )


@login_required
@require_POST
def mapping_decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    mapping = selectors.mapping_get(request.user, public_id)
    if mapping is None:
        raise Http404
    _require_edit(request, mapping.outcome.course.program)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose confirm or reject."), status=400)
    services.mapping_decide(
        actor=signed_in_user(request), mapping=mapping, status=form.cleaned_data["status"]
    )
    return _render_outcome(request, mapping.outcome)


@login_required
def mapping_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Search the taxonomy (GET) and link the chosen skill to the outcome (POST)."""
    outcome = selectors.outcome_get_or_404(request.user, public_id)
    _require_edit(request, outcome.course.program)
    if request.method == "POST":
        form = AddSkillForm(request.POST)
        concept = concept_by_esco_id(form.cleaned_data["concept"] if form.is_valid() else None)
        if concept is None:
            return HttpResponse(_("Unknown ESCO concept."), status=400)
        # A refusal (a conflict: already linked) is answered by the middleware.
        services.mapping_add(actor=signed_in_user(request), outcome=outcome, concept=concept)
        messages.success(request, _("Skill linked."))
        return _render_outcome(request, outcome)
    search = SkillSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    results = list(concept_search(viewer=request.user, query=q)[:SEARCH_RESULTS]) if q else []
    template = "curricula/add_skill.html"
    if is_htmx_partial(request):
        template += "#results"
    return render(
        request,
        template,
        {"outcome": outcome, "course": outcome.course, "form": search, "q": q, "results": results},
    )


# --- Co-development -------------------------------------------------------------------------
# A service's refusal (a conflict: endorsed already, decided already) leaves these views and
# the middleware answers with its status and message (tandem.core.view_errors).


@login_required
@require_POST
def outcome_comment(request: HttpRequest, public_id: Any) -> HttpResponse:
    outcome = selectors.outcome_get_or_404(request.user, public_id)
    if not can_comment_program(request.user, outcome.course.program):
        raise PermissionDenied(_("Only curriculum partners and staff comment here."))
    form = CommentForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Write a comment of at most 4000 characters."), status=400)
    services.outcome_comment(
        actor=signed_in_user(request), outcome=outcome, body=form.cleaned_data["body"]
    )
    messages.success(request, _("Comment posted."))
    return redirect("curricula:course", public_id=outcome.course.public_id)


@login_required
def skill_propose(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Search the taxonomy (GET) and propose the chosen skill for the outcome (POST)."""
    outcome = selectors.outcome_get_or_404(request.user, public_id)
    if not can_codevelop_program(request.user, outcome.course.program):
        raise PermissionDenied(_("Only partners in a curriculum partnership propose skills."))
    if request.method == "POST":
        form = ProposeSkillForm(request.POST)
        concept = concept_by_esco_id(form.cleaned_data["concept"] if form.is_valid() else None)
        if concept is None:
            return HttpResponse(_("Unknown ESCO concept."), status=400)
        services.skill_propose(
            actor=signed_in_user(request),
            outcome=outcome,
            concept=concept,
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Skill proposed. The educators will decide."))
        return redirect("curricula:course", public_id=outcome.course.public_id)
    search = SkillSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    results = list(concept_search(viewer=request.user, query=q)[:SEARCH_RESULTS]) if q else []
    template = "curricula/add_skill.html"
    if is_htmx_partial(request):
        template += "#results"
    return render(
        request,
        template,
        {
            "outcome": outcome,
            "course": outcome.course,
            "form": search,
            "q": q,
            "results": results,
            "propose": True,
        },
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    proposal = selectors.proposal_get(request.user, public_id)
    if proposal is None:
        raise Http404
    course = proposal.outcome.course
    _require_edit(request, course.program)
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose accept or decline."), status=400)
    services.proposal_decide(
        actor=signed_in_user(request),
        proposal=proposal,
        accept=form.cleaned_data["decision"] == "accept",
    )
    messages.success(request, _("Decision recorded."))
    return redirect("curricula:course", public_id=course.public_id)


@login_required
@require_POST
def course_endorse(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = selectors.course_get_or_404(request.user, public_id)
    if not can_codevelop_program(request.user, course.program):
        raise PermissionDenied(_("Only partners in a curriculum partnership endorse."))
    form = EndorseForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("The note has at most 4000 characters."), status=400)
    services.course_endorse(
        actor=signed_in_user(request), course=course, note=form.cleaned_data["note"]
    )
    messages.success(request, _("Thank you: the course is endorsed."))
    return redirect("curricula:course", public_id=course.public_id)
