"""Site-wide views that belong to no domain app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

FAVICON = "tandem/favicon.svg"


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for whatever the page links: a redirect to the
    SVG icon that ``base.html`` links (served by WhiteNoise), rather than a 404 on every
    first visit. Temporary (302), cached for a day, so that moving the icon stays possible."""
    response = redirect(static(FAVICON))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
