"""The sign-in page's SSO buttons post to Tandem, which redirects to the identity provider;
browsers hold such a redirect to the page's CSP ``form-action``. A page that renders the
buttons lists the providers' origins on the request; this middleware (placed after
``csp.middleware.CSPMiddleware``, so its response step runs first) adds them to the
response's ``form-action`` and nothing else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

FORM_ACTION_ATTR = "_sso_form_action_origins"


class SsoFormActionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origins = getattr(request, FORM_ACTION_ATTR, None)
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = sorted({*update.get("form-action", []), *origins})
            response._csp_update = update  # type: ignore[attr-defined]
        return response
