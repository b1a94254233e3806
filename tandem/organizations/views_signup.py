"""The public partner sign-up (rate-limited per client address) and its e-mailed link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.services import client_address
from tandem.core.view_errors import attempt, submit

from . import partner_signup
from .forms import PartnerSignupForm
from .models import Organization


def _over_limit(request: HttpRequest) -> bool:
    """Counts sign-ups per client address per hour (``TANDEM_PARTNER_SIGNUPS_PER_HOUR``)."""
    key = f"partner-signup:{client_address(request) or 'unknown'}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > int(settings.PARTNER_SIGNUPS_PER_HOUR)


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and an organization profile, and ask institutions to vet it. The
    answer is the same whatever the address (nothing says whether it has an account)."""
    form = PartnerSignupForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "organizations/partner_signup.html", {"form": form})
    if _over_limit(request):
        form.add_error(None, _("Too many sign-ups from your network. Try again in an hour."))
        return render(request, "organizations/partner_signup.html", {"form": form}, status=429)
    outcome = submit(
        form,
        lambda d: partner_signup.partner_signup_start(
            email=d["email"],
            full_name=d["full_name"],
            password=d["password1"],
            name=d["name"],
            sector=d["sector"],
            website=d["website"],
            sites=d["sites"],
            institutions=list(d["institutions"]),
        ),
    )
    if outcome.value is None:
        return render(request, "organizations/partner_signup.html", {"form": form}, status=422)
    return render(request, "organizations/partner_signup_sent.html")


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: a page to confirm (GET writes nothing); confirming creates the
    account and organization and signs the person in."""
    found = partner_signup.signup_from_token(token)
    template = "organizations/partner_signup_verify.html"
    if found is None:
        return render(request, template, {"signup": None}, status=404)
    if request.method != "POST":
        return render(request, template, {"signup": found})
    outcome = attempt(lambda: partner_signup.partner_signup_complete(signup=found))
    if outcome.value is None:
        if outcome.error is not None:
            messages.error(request, outcome.error.message)
        return render(request, template, {"signup": found}, status=409)
    user, partner = outcome.value
    assert isinstance(user, User) and isinstance(partner, Organization)
    login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
    messages.success(
        request,
        _("Welcome! %(org)s is registered; the institutions you chose will review it.")
        % {"org": partner.name},
    )
    return redirect("organizations:detail", public_id=partner.public_id)
