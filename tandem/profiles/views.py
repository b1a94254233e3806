"""Profile pages: the student's own profile and recommendations, the read-only profile for the
institution's staff, and the recording of course completions.

Pages only students have answer 403 to anyone else; a student profile the viewer may not see
answers 404, so that its existence does not leak.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.models import signed_in_user
from tandem.core.htmx import is_htmx_partial
from tandem.core.pagination import CappedPaginator
from tandem.core.view_errors import attempt, describe_domain_error, submit
from tandem.skills.selectors import concept_by_esco_id, concept_search

from . import selectors, services
from .forms import CompletionForm, CompletionImportForm, ConceptForm, CvForm, SkillSearchForm
from .models import CourseCompletion
from .permissions import can_edit_profile, can_record_completion, recording_institution_ids

PER_PAGE = 25
SEARCH_RESULTS = 15


def _require_student(request: HttpRequest) -> None:
    if not can_edit_profile(request.user, request.user):
        raise PermissionDenied(_("Only students have a skill profile."))


def _profile_page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    profile = selectors.profile_for(request.user, signed_in_user(request))
    return render(
        request,
        "profiles/profile.html",
        {
            "profile": profile,
            "own": True,
            "cv_form": extra.pop("cv_form", None) or CvForm(),
            "search_form": SkillSearchForm(),
            **extra,
        },
        status=status,
    )


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    _require_student(request)
    return _profile_page(request)


@login_required
def student_profile(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A student's profile, read-only, for the staff of the student's institution."""
    student = selectors.student_get_or_404(request.user, public_id)
    if student.pk == request.user.pk:
        return redirect("profiles:mine")
    profile = selectors.profile_for(request.user, student)
    return render(request, "profiles/profile.html", {"profile": profile, "own": False})


@login_required
@require_POST
def cv_upload(request: HttpRequest) -> HttpResponse:
    _require_student(request)
    form = CvForm(request.POST, request.FILES)

    def extract(data: dict[str, Any]) -> int:
        cv = data.get("cv")
        return services.profile_cv_extract(
            actor=request.user,
            student=signed_in_user(request),
            text=data.get("text") or "",
            pdf=cv.read() if cv else None,
        )

    outcome = submit(form, extract)
    if outcome.ok:
        messages.success(
            request,
            _("%(n)d skill(s) found in your CV. Remove any that are wrong.") % {"n": outcome.value},
        )
        return redirect("profiles:mine")
    return _profile_page(request, cv_form=form, status=422)


@login_required
@require_POST
def cv_clear(request: HttpRequest) -> HttpResponse:
    _require_student(request)
    services.profile_cv_clear(actor=request.user, student=signed_in_user(request))
    messages.success(request, _("The skills from your CV are gone."))
    return redirect("profiles:mine")


@login_required
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    _require_student(request)
    result = services.profile_rebuild(actor=request.user, student=signed_in_user(request))
    messages.info(
        request,
        _("Profile refreshed: %(a)d added, %(r)d removed.")
        % {"a": result.added, "r": result.removed},
    )
    return redirect("profiles:mine")


@login_required
def skill_add(request: HttpRequest) -> HttpResponse:
    """Search ESCO (GET, HTMX results) and add the chosen skill to the profile (POST)."""
    _require_student(request)
    if request.method == "POST":
        form = ConceptForm(request.POST)
        concept = concept_by_esco_id(form.cleaned_data["concept"] if form.is_valid() else None)
        if concept is None:
            return HttpResponse(_("Unknown ESCO concept."), status=400)
        outcome = attempt(
            lambda: services.profile_skill_add(
                actor=request.user,
                student=signed_in_user(request),
                concept=concept,
            )
        )
        if outcome.error is not None:
            answer = describe_domain_error(outcome.error)
            return HttpResponse(answer.message, status=answer.status)
        messages.success(
            request, _("“%(s)s” added to your profile.") % {"s": concept.preferred_label}
        )
        return redirect("profiles:mine")
    search = SkillSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    results = list(concept_search(viewer=request.user, query=q)[:SEARCH_RESULTS]) if q else []
    template = "profiles/add_skill.html" + ("#results" if is_htmx_partial(request) else "")
    return render(request, template, {"form": search, "q": q, "results": results})


@login_required
@require_POST
def skill_remove(request: HttpRequest, esco_id: Any) -> HttpResponse:
    _require_student(request)
    concept = concept_by_esco_id(esco_id)
    if concept is None:
        raise Http404
    services.profile_skill_remove(
        actor=request.user, student=signed_in_user(request), concept=concept
    )
    messages.success(
        request, _("“%(s)s” removed from your profile.") % {"s": concept.preferred_label}
    )
    return redirect("profiles:mine")


@login_required
def recommendations(request: HttpRequest) -> HttpResponse:
    """Opportunities for you: visible opportunities ranked by the fit of your skills."""
    _require_student(request)
    recs = selectors.recommendations_for(request.user)
    # Counted up to a cap, like every list: not a count of every visible opportunity.
    page = CappedPaginator(recs, PER_PAGE).get_page(request.GET.get("page"))
    has_skills = bool(getattr(recs, "held", None))
    return render(
        request,
        "profiles/recommendations.html",
        {"page_obj": page, "has_skills": has_skills, "querystring_without_page": ""},
    )


# --- Completions (staff) --------------------------------------------------------------------
def _require_recorder(request: HttpRequest) -> None:
    if not recording_institution_ids(request.user):
        raise PermissionDenied(_("Only educators and coordinators record course completions."))


def _completions_page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.completions_recorded_for(request.user, q=q), PER_PAGE).get_page(
        request.GET.get("page")
    )
    institutions = selectors.recording_institutions(request.user)
    return render(
        request,
        "profiles/completions.html",
        {
            "page_obj": page,
            "q": q,
            "querystring_without_page": f"q={q}&" if q else "",
            # The page is also rendered at the import's address (after a POST): its search
            # and pages must lead back to the list, not to a POST-only URL.
            "page_base": reverse("profiles:completions"),
            "form": extra.pop("form", None)
            or CompletionForm(
                students=selectors.recordable_students(request.user),
                courses=selectors.recordable_courses(request.user),
            ),
            "import_form": extra.pop("import_form", None)
            or CompletionImportForm(institutions=institutions),
            **extra,
        },
        status=status,
    )


@login_required
def completions(request: HttpRequest) -> HttpResponse:
    """Recent completions of the viewer's institutions, and the form to record one."""
    _require_recorder(request)
    if request.method != "POST":
        return _completions_page(request)
    form = CompletionForm(
        request.POST,
        students=selectors.recordable_students(request.user),
        courses=selectors.recordable_courses(request.user),
    )
    outcome = submit(
        form,
        lambda data: services.course_completion_record(
            actor=request.user,
            student=data["student"],
            course=data["course"],
            completed_on=data["completed_on"],
            grade=data["grade"],
        ),
    )
    if outcome.ok:
        messages.success(request, _("Completion recorded."))
        return redirect("profiles:completions")
    return _completions_page(request, form=form, status=422)


@login_required
@require_POST
def completions_import(request: HttpRequest) -> HttpResponse:
    _require_recorder(request)
    institutions = selectors.recording_institutions(request.user)
    form = CompletionImportForm(request.POST, request.FILES, institutions=institutions)
    result = submit(
        form,
        lambda d: services.course_completions_import(
            actor=request.user, institution=d["institution"], content=d["file"].read()
        ),
    ).value
    if result is None:
        return _completions_page(request, import_form=form, status=422)
    messages.success(
        request,
        _("%(c)d completion(s) recorded, %(s)d already recorded.")
        % {"c": result.created, "s": result.skipped},
    )
    if not result.errors:
        return redirect("profiles:completions")
    return _completions_page(request, import_errors=result.errors)


@login_required
@require_POST
def completion_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    completion = (
        CourseCompletion.objects.select_related("student", "course")
        .filter(public_id=public_id, institution_id__in=recording_institution_ids(request.user))
        .first()
    )
    if completion is None or not can_record_completion(request.user, completion.institution_id):
        raise Http404
    services.course_completion_delete(actor=request.user, completion=completion)
    messages.success(request, _("Completion removed."))
    return redirect("profiles:completions")
