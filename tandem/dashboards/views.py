"""One dashboard per role, assembled from each app's selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.accounts.models import signed_in_user

from .selectors import dashboard_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    board = dashboard_for(signed_in_user(request))
    return render(request, "dashboards/home.html", {"board": board, **board.data})


@login_required
def patterns(request: HttpRequest) -> HttpResponse:
    """The pattern library: every shared component, as the pages use it (docs/development/
    patterns.md). Open to anyone signed in: it shows no data, only sample text."""
    return render(request, "dashboards/patterns.html")
