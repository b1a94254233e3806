"""Web pages for surveys: list, builder, preview, invitations, results, answering.

Surveys outside the viewer's scope answer 404; a visible survey the viewer may not change
answers 403. Answer pages never lose input: on any refusal the answers are shown again with
a clear message and a 4xx status.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import signed_in_user
from tandem.core.errors import DomainError
from tandem.core.exports import table_response
from tandem.core.htmx import is_htmx
from tandem.core.view_errors import attempt, describe_domain_error, submit

from . import result_tables, selectors, services
from .forms import (
    InviteForm,
    QuestionEditForm,
    QuestionForm,
    SectionForm,
    SurveyForm,
    TemplateForm,
    answer_data,
)
from .models import Survey, SurveyInvitation, SurveyVersion
from .permissions import (
    can_manage_survey,
    can_read_individual_responses,
    survey_institutions_qs,
)


def _managed(request: HttpRequest, public_id: uuid.UUID) -> Survey:
    survey = selectors.survey_detail(request.user, public_id)
    if not can_manage_survey(request.user, survey):
        raise PermissionDenied
    return survey


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    institutions = survey_institutions_qs(request.user)
    return render(
        request,
        "surveys/list.html",
        {
            "surveys": selectors.survey_list(request.user),
            "pending": selectors.pending_invitations_for(request.user),
            "can_create": institutions.exists(),
            "template_form": TemplateForm(institutions=institutions),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    institutions = survey_institutions_qs(request.user)
    if not institutions.exists():
        raise PermissionDenied
    form = SurveyForm(request.POST or None, institutions=institutions)
    if request.method == "POST":
        outcome = submit(form, lambda d: services.survey_create(actor=signed_in_user(request), **d))
        if outcome.value is not None:
            return redirect("surveys:detail", public_id=outcome.value.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "surveys/form.html", {"form": form}, status=status)


@login_required
@require_POST
def survey_from_template(request: HttpRequest) -> HttpResponse:
    institutions = survey_institutions_qs(request.user)
    if not institutions.exists():
        raise PermissionDenied
    form = TemplateForm(request.POST, institutions=institutions)
    if not form.is_valid():
        messages.error(request, _("Choose an institution and a template."))
        return redirect("surveys:list")
    # A refusal leaves the view: the middleware answers 403 (or 400 with the message).
    survey = services.survey_from_template(
        actor=signed_in_user(request),
        institution=form.cleaned_data["institution"],
        template_key=form.cleaned_data["template"],
    )
    return redirect("surveys:detail", public_id=survey.public_id)


def _builder_with_error(
    request: HttpRequest, survey: Survey, exc: DomainError | None
) -> HttpResponse:
    """The builder page again, the service's refusal as a message, with its status."""
    status = 400
    if exc is not None:
        messages.error(request, exc.message)
        status = describe_domain_error(exc).status
    return render(request, "surveys/detail.html", _builder_context(request, survey), status=status)


def _builder_context(request: HttpRequest, survey: Survey, **extra: Any) -> dict[str, Any]:
    draft = services.draft_version(survey)
    published = services.latest_published_version(survey)
    shown: SurveyVersion | None = draft or published
    tree = selectors.version_tree(shown) if shown else []
    questions = [q for _s, qs in tree for q in qs]
    manage = can_manage_survey(request.user, survey)
    return {
        "survey": survey,
        "version": shown,
        "draft": draft,
        "published": published,
        "tree": tree,
        "can_manage": manage,
        "question_form": QuestionForm(sections=[s for s, _q in tree], earlier=questions),
        "section_form": SectionForm(),
        "invite_form": InviteForm(),
        "invitations": selectors.invitations_for(request.user, survey)[:50],
        "versions": survey.versions.order_by("-number"),
        **extra,
    }


@login_required
@require_GET
def survey_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = selectors.survey_detail(request.user, public_id)
    return render(request, "surveys/detail.html", _builder_context(request, survey))


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = _managed(request, public_id)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST":
        outcome = submit(
            form,
            lambda d: services.survey_update(
                actor=signed_in_user(request), survey=Survey.objects.get(pk=survey.pk), **d
            ),
        )
        if outcome.ok:
            return redirect("surveys:detail", public_id=survey.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "surveys/form.html", {"form": form, "survey": survey}, status=status)


@login_required
@require_POST
def question_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = _managed(request, public_id)
    version = services.draft_version(survey) or services.latest_published_version(survey)
    assert version is not None
    tree = selectors.version_tree(version)
    form = QuestionForm(
        request.POST, sections=[s for s, _q in tree], earlier=[q for _s, qs in tree for q in qs]
    )
    outcome = submit(
        form,
        lambda _d: services.question_add(
            actor=signed_in_user(request), survey=survey, **form.service_kwargs()
        ),
    )
    status = 200 if outcome.ok else 400
    if status == 200 and not is_htmx(request):
        messages.success(request, _("Question added to the draft."))
        return redirect("surveys:detail", public_id=survey.public_id)
    context = _builder_context(request, survey)
    if status != 200:
        context["question_form"] = form
    template = "surveys/detail.html#builder" if is_htmx(request) else "surveys/detail.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, public_id: uuid.UUID, key: str) -> HttpResponse:
    survey = _managed(request, public_id)
    version = services.draft_version(survey) or services.latest_published_version(survey)
    question = version.questions.filter(key=key).first() if version else None
    if question is None:
        raise Http404
    form = QuestionEditForm(request.POST or None, question=question)
    if request.method == "POST":
        outcome = submit(
            form,
            lambda _d: services.question_update(
                actor=signed_in_user(request), survey=survey, key=key, **form.service_kwargs()
            ),
        )
        if outcome.ok:
            messages.success(request, _("Question changed in the draft."))
            return redirect("surveys:detail", public_id=survey.public_id)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "surveys/question_edit.html",
        {"form": form, "survey": survey, "question": question},
        status=status,
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, public_id: uuid.UUID, key: str) -> HttpResponse:
    survey = _managed(request, public_id)
    outcome = attempt(
        lambda: services.question_delete(actor=signed_in_user(request), survey=survey, key=key)
    )
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
    if is_htmx(request):
        return render(request, "surveys/detail.html#builder", _builder_context(request, survey))
    return redirect("surveys:detail", public_id=survey.public_id)


@login_required
@require_POST
def section_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = _managed(request, public_id)
    form = SectionForm(request.POST)
    if form.is_valid():
        services.section_add(
            actor=signed_in_user(request), survey=survey, title=form.cleaned_data["title"]
        )
    else:
        messages.error(request, _("Give the section a title."))
    return redirect("surveys:detail", public_id=survey.public_id)


@login_required
@require_POST
def survey_publish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = _managed(request, public_id)
    outcome = attempt(lambda: services.survey_publish(actor=signed_in_user(request), survey=survey))
    if outcome.error is not None or outcome.value is None:
        return _builder_with_error(request, survey, outcome.error)
    messages.success(
        request, _("Version %(n)s published; the survey is open.") % {"n": outcome.value.number}
    )
    return redirect("surveys:detail", public_id=survey.public_id)


@login_required
@require_POST
def survey_close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = _managed(request, public_id)
    outcome = attempt(lambda: services.survey_close(actor=signed_in_user(request), survey=survey))
    if outcome.error is not None:
        return _builder_with_error(request, survey, outcome.error)
    messages.success(request, _("The survey is closed."))
    return redirect("surveys:detail", public_id=survey.public_id)


@login_required
@require_POST
def survey_invite(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = _managed(request, public_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "surveys/detail.html",
            _builder_context(request, survey, invite_form=form),
            status=400,
        )
    sent, problems = 0, []

    def invite(email: str, name: str) -> Callable[[], object]:
        return lambda: services.invitation_create(
            actor=signed_in_user(request), survey=survey, email=email, name=name
        )

    for name, address in form.cleaned_data["recipients"]:
        outcome = attempt(invite(address, name))
        if outcome.error is not None:
            problems.append(f"{address}: {outcome.error.message}")
        else:
            sent += 1
    if sent:
        messages.success(request, _("%(n)s invitations sent.") % {"n": sent})
    for problem in problems:
        messages.error(request, problem)
    if problems and not sent:
        return render(request, "surveys/detail.html", _builder_context(request, survey), status=409)
    return redirect("surveys:detail", public_id=survey.public_id)


@login_required
@require_GET
def survey_preview(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = selectors.survey_detail(request.user, public_id)
    version = services.draft_version(survey) or services.latest_published_version(survey)
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "tree": selectors.version_tree(version) if version else [],
            "preview": True,
            "values": {},
            "errors": {},
        },
    )


@login_required
@require_GET
def survey_results(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    survey = selectors.survey_detail(request.user, public_id)
    results = selectors.survey_results(request.user, survey)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": results,
            "summary": result_tables.summary_table(results),
            "exportable": {
                q.key for q in results.questions if result_tables.question_table(results, q)
            },
            "can_read_responses": can_read_individual_responses(request.user, survey),
        },
    )


@login_required
@require_GET
def survey_responses(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Individual responses of a survey that is not anonymous (owner's coordinators)."""
    survey = selectors.survey_detail(request.user, public_id)
    if not can_read_individual_responses(request.user, survey):
        raise PermissionDenied
    page_obj = Paginator(selectors.individual_responses(request.user, survey), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "surveys/responses.html",
        {"survey": survey, "page_obj": page_obj, "responses": page_obj.object_list},
    )


@login_required
@require_GET
def survey_results_export(request: HttpRequest, public_id: uuid.UUID, fmt: str) -> HttpResponse:
    """The results page's summary (answers, averages, NPS per question) as CSV or Excel."""
    survey = selectors.survey_detail(request.user, public_id)
    results = selectors.survey_results(request.user, survey)
    name = f"survey-results-{timezone.localdate().isoformat()}"
    return table_response(result_tables.summary_table(results), fmt, name)


@login_required
@require_GET
def survey_question_export(
    request: HttpRequest, public_id: uuid.UUID, key: str, fmt: str
) -> HttpResponse:
    """The table beside one question on the results page as CSV or Excel: the same
    suppression, and free text only for viewers who read it on the page (404 otherwise)."""
    survey = selectors.survey_detail(request.user, public_id)
    results = selectors.survey_results(request.user, survey)
    result = next((q for q in results.questions if q.key == key), None)
    table = None if result is None else result_tables.question_table(results, result)
    if table is None:
        raise Http404
    name = f"survey-results-{key}-{timezone.localdate().isoformat()}"
    return table_response(table, fmt, name)


# --- Answering ---------------------------------------------------------------------------------
def _answer(
    request: HttpRequest, invitation: SurveyInvitation, *, by_link: bool, action: str
) -> HttpResponse:
    survey = invitation.survey
    tree = selectors.version_tree(invitation.version)
    questions = [q for _s, qs in tree for q in qs]
    context: dict[str, Any] = {
        "survey": survey,
        "invitation": invitation,
        "tree": tree,
        "action": action,
        "values": {},
        "errors": {},
        "started": services.started_stamp(),
        "extra_skills": invitation.skills or [],
    }
    if invitation.responded_at is not None:
        return render(
            request,
            "surveys/answered.html",
            {"survey": survey, "again": True},
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "GET":
        if not survey.is_accepting():
            context["problem"] = _("This survey is closed and no longer takes answers.")
            context["closed"] = True
            return render(request, "surveys/answer.html", context, status=410)
        return render(request, "surveys/answer.html", context)
    data = answer_data(questions, request.POST, invitation.skills or [])
    context["values"] = data
    context["started"] = request.POST.get("started", context["started"])
    outcome = attempt(
        lambda: services.response_submit(
            actor=request.user,
            invitation=invitation,
            data=data,
            by_link=by_link,
            started_at=services.started_from_stamp(request.POST.get("started")),
        )
    )
    if (exc := outcome.error) is not None:
        if exc.code == "already_answered":
            return render(
                request, "surveys/answered.html", {"survey": survey, "again": True}, status=409
            )
        answer = describe_domain_error(exc)
        context["problem"] = answer.message
        context["errors"] = answer.fields
        return render(request, "surveys/answer.html", context, status=answer.status)
    return render(request, "surveys/answered.html", {"survey": survey, "again": False})


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    invitation = selectors.invitation_for_user(request.user, public_id)
    return _answer(request, invitation, by_link=False, action=request.path)


@require_http_methods(["GET", "POST"])
def answer_link(request: HttpRequest, token: str) -> HttpResponse:
    """For people without an account: the signed link is the only credential."""
    try:
        invitation = services.invitation_from_token(token)
    except DomainError as exc:
        status = 410 if exc.code == "expired" else 400
        return render(request, "surveys/link_problem.html", {"message": exc.message}, status=status)
    if invitation.user_id is not None:
        # Links are issued only to external people; a user's invitation is answered signed in.
        raise Http404
    return _answer(request, invitation, by_link=True, action=request.path)
