"""Sign-in, password reset, and the account page with API tokens and personal data."""

from __future__ import annotations

import json
from typing import Any

from allauth.account import views as allauth_views
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes import views as mfa_recovery_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from tandem.core.view_errors import submit

from . import services
from .forms import EraseAccountForm, TokenForm
from .models import ApiToken, signed_in_user


class LoginView(allauth_views.LoginView):
    """allauth's sign-in (e-mail verification, MFA, passkeys) at /accounts/login/."""

    template_name = "account/login.html"


class LogoutView(allauth_views.LogoutView):
    """Sign-out by POST only (a GET answers 405: a link or an image cannot sign you out)."""

    http_method_names = ["post", "options"]


class RecoveryCodesView(mfa_recovery_views.ViewRecoveryCodesView):
    """allauth's recovery-codes page, without its write on GET: allauth notes when codes were
    first viewed (for ``MFA_RECOVERY_CODES_SHOW_ONCE``, which Tandem leaves off), an UPDATE
    on a read. Codes can be shown again until they are regenerated."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super(mfa_recovery_views.ViewRecoveryCodesView, self).get_context_data(**kwargs)
        codes = _unused_recovery_codes(self.request)
        context.update(
            {
                "unused_codes": codes,
                "can_view_codes": True,
                "can_download_codes": bool(codes),
                "total_count": mfa_settings.RECOVERY_CODE_COUNT,
                "MFA_RECOVERY_CODES_SHOW_ONCE": False,
                "can_generate_codes": True,
            }
        )
        return context


class RecoveryCodesDownloadView(mfa_recovery_views.DownloadRecoveryCodesView):
    """allauth's recovery-codes download (a text file), without the write on GET."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.unused_codes = _unused_recovery_codes(request)
        if not self.unused_codes:
            raise Http404
        return super(mfa_recovery_views.DownloadRecoveryCodesView, self).dispatch(
            request, *args, **kwargs
        )


def _unused_recovery_codes(request: HttpRequest) -> list[str]:
    from allauth.account.internal.flows.reauthentication import (
        raise_if_reauthentication_required,
    )
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    if authenticator is None:
        raise Http404
    raise_if_reauthentication_required(request, app="allauth.mfa")
    codes: list[str] = authenticator.wrap().get_unused_codes()
    return codes


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST":
        outcome = submit(
            form,
            lambda d: services.api_token_create(
                actor=signed_in_user(request),
                name=d["name"],
                expires_in_days=d["expires_in_days"],
            ),
        )
        if outcome.value is not None:
            _token, new_token = outcome.value
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=signed_in_user(request))
    status = 422 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    user = signed_in_user(request)
    token = get_object_or_404(ApiToken, public_id=token_id, user=user)
    services.api_token_revoke(actor=user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:account")


@login_required
def personal_data_export(request: HttpRequest) -> HttpResponse:
    """Everything Tandem holds about the signed-in person, as JSON (right of access)."""
    from .personal_data import export_personal_data

    data = export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, default=str), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="tandem-personal-data.json"'
    return response


@login_required
def account_erase(request: HttpRequest) -> HttpResponse:
    """Erase my account and personal data (right to erasure), after password confirmation."""
    data = request.POST if request.method == "POST" else None
    form = EraseAccountForm(data, user=request.user)
    user = signed_in_user(request)
    erased = request.method == "POST" and submit(
        form, lambda _d: services.user_erase(actor=user, user=user)
    )
    if erased and erased.ok:
        logout(request)
        messages.success(request, _("Your account and personal data have been erased."))
        return redirect("accounts:login")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/erase.html", {"form": form}, status=status)


def language_set(request: HttpRequest) -> HttpResponseBase:
    """The language switcher's target: Django's ``set_language`` (a cookie, then back to
    ``next``) and, for a signed-in person, their saved preference, which e-mails follow too."""
    response = set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(
            actor=signed_in_user(request), user=signed_in_user(request), language=language
        )
    return response
