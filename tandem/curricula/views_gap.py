"""Gap analysis pages (report, chart, table, drill-down, CSV) and posting imports."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.models import signed_in_user
from tandem.core import charts
from tandem.core.htmx import is_htmx_partial
from tandem.core.view_errors import attempt
from tandem.skills.services import job_mode

from . import gap, reports, selectors, services
from .forms import GapFilterForm, ImportForm
from .models import ImportStatus, Program
from .permissions import (
    can_start_extraction_job,
    can_view_gap,
    creatable_institutions,
    visible_imports,
)

DRILL_LIMIT = 200
CSV_TABLES = ("skills", "groups", "trend")


def _gap_program(request: HttpRequest, public_id: Any) -> Program:
    program = selectors.program_get(request.user, public_id)
    if program is None:
        raise Http404
    if not can_view_gap(request.user, program):
        raise PermissionDenied(_("The gap analysis is for staff and curriculum partners."))
    return program


def _run(request: HttpRequest, program: Program) -> tuple[GapFilterForm, reports.GapResult | None]:
    form = GapFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    filters = gap.Filters(
        sector=data.get("sector") or "",
        region=data.get("region") or "",
        occupation=data.get("occupation") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    result = reports.program_gap(
        program,
        filters=filters,
        source=data.get("source") or "all",
        level=int(data["level"]) if data.get("level") is not None else 1,
    )
    return form, result


@login_required
def gap_report(request: HttpRequest, public_id: Any) -> HttpResponse:
    program = _gap_program(request, public_id)
    form, result = _run(request, program)
    if result is None:
        return render(
            request,
            "curricula/gap.html",
            {"program": program, "form": form, "batch_mode": job_mode()},
            status=400,
        )
    if request.GET.get("export") == "csv":
        table = request.GET.get("table") or "skills"
        if table not in CSV_TABLES:
            return HttpResponse(
                _("Unknown table: choose skills, groups or trend."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return _csv(program, result.report, table)
    report = result.report
    top = report.demanded[:25]
    peak = max((r.demand for r in top), default=0.0) or 1.0
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("table", None)
    months = [m.month for m in report.trend]
    return render(
        request,
        "curricula/gap.html",
        {
            "program": program,
            "form": form,
            "report": report,
            "bars": [(r, round(100 * r.demand / peak, 1)) for r in top],
            "groups": [(g, round(100 * g.coverage)) for g in report.groups],
            "coverage_pct": round(100 * report.coverage),
            "querystring": query.urlencode(),
            "trend_coverage_chart": charts.line_chart(
                _("Share of skill mentions the program covers, by month (%)"),
                months,
                [round(100 * m.coverage, 1) for m in report.trend],
            ),
            "trend_postings_chart": charts.bar_chart(
                _("Postings by month"), months, [m.postings for m in report.trend]
            ),
            "batch_mode": job_mode(),
            "can_start_jobs": can_start_extraction_job(request.user, program.institution),
        },
    )


def _csv(program: Program, report: gap.GapReport, table: str) -> HttpResponse:
    """One table of the report as CSV: ``skills`` (default), ``groups`` (the roll-up at the
    report's level) or ``trend`` (by month)."""
    suffix = "" if table == "skills" else f"-{table}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gap-{program.public_id}{suffix}.csv"'
    writer = csv.writer(response)
    if table == "groups":
        writer.writerow(
            ["level", "code", "name", "placed", "demand", "covered", "coverage", "skills",
             "skills_taught"]
        )  # fmt: skip
        for g in report.groups:
            writer.writerow(
                [
                    report.level,
                    g.code,
                    g.name,
                    int(g.placed),
                    f"{g.demand:.4f}",
                    f"{g.covered:.4f}",
                    f"{g.coverage:.4f}",
                    g.skills,
                    g.skills_taught,
                ]
            )
        return response
    if table == "trend":
        writer.writerow(["month", "postings", "mentions", "covered_mentions", "coverage"])
        for m in report.trend:
            writer.writerow(
                [m.month, m.postings, m.mentions, m.covered_mentions, f"{m.coverage:.4f}"]
            )
        return response
    writer.writerow(["uri", "label", "postings", "demand", "share", "taught", "outcomes"])
    for r in report.demanded:
        writer.writerow(
            [
                r.uri,
                r.label,
                r.postings,
                f"{r.demand:.4f}",
                f"{r.share:.4f}",
                int(r.taught),
                len(r.outcome_ids),
            ]
        )
    for r in report.taught_not_demanded:
        writer.writerow([r.uri, r.label, 0, "0.0000", "0.0000", 1, len(r.outcome_ids)])
    return response


@login_required
def gap_skill(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Drill-down: the postings and outcomes behind one skill's numbers."""
    program = _gap_program(request, public_id)
    uri = request.GET.get("uri", "")
    _form, result = _run(request, program)
    if result is None:
        return HttpResponse(_("Invalid filters."), status=400)
    report = result.report
    row = next((r for r in report.demanded if r.uri == uri), None) or next(
        (r for r in report.taught_not_demanded if r.uri == uri), None
    )
    if row is None:
        raise Http404(_("No posting or outcome in this report has that skill."))
    postings = [result.postings[i] for i in row.posting_ids[:DRILL_LIMIT]]
    outcomes = [result.outcomes[o] for o in row.outcome_ids if o in result.outcomes]
    return render(
        request,
        "curricula/gap_skill.html",
        {
            "program": program,
            "row": row,
            "postings": postings,
            "outcomes": outcomes,
            "more": max(0, len(row.posting_ids) - DRILL_LIMIT),
        },
    )


# --- Imports --------------------------------------------------------------------------------
@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    institutions = creatable_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied(_("Only educators and coordinators import postings."))
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        institutions=institutions,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > services.MAX_UPLOAD_BYTES:
                form.add_error("file", _("The file is larger than 20 MB."))
            else:
                outcome = attempt(
                    lambda: services.posting_import_create(
                        actor=signed_in_user(request),
                        institution=form.cleaned_data["institution"],
                        filename=upload.name,
                        content=upload.read(),
                    )
                )
                if (exc := outcome.error) is not None:
                    # Every refusal of an upload is about the file: shown next to it.
                    for err in exc.fields.get("file", [exc.message]):
                        form.add_error("file", err)
                elif outcome.value is not None:
                    messages.success(request, _("Postings imported; extracting their skills."))
                    return redirect("curricula:import", public_id=outcome.value.public_id)
        status = 400
    imports = visible_imports(request.user).select_related("institution")[:50]
    return render(
        request, "curricula/imports.html", {"form": form, "imports": imports}, status=status
    )


@login_required
def import_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    batch = selectors.import_get_or_404(request.user, public_id)
    template = "curricula/import_detail.html"
    if is_htmx_partial(request):
        template += "#progress"
    running = batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    return render(request, template, {"batch": batch, "running": running})


@login_required
@require_POST
def import_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    batch = selectors.import_get_or_404(request.user, public_id)
    services.posting_import_delete(actor=signed_in_user(request), batch=batch)
    messages.success(request, _("Import deleted."))
    return redirect("curricula:imports")
