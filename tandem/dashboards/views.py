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
