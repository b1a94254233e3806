"""The language a signed-in person reads pages in: their saved choice, when they made one.

LocaleMiddleware picks the language from the switcher's cookie, else the browser's
Accept-Language. A person who chose a language with the switcher while signed in
(``preferred_language``) gets it on every device and browser; with no choice saved ("") the
LocaleMiddleware's pick stands.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation


class PreferredLanguageMiddleware:
    """After AuthenticationMiddleware (it reads ``request.user``) and LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            user = getattr(request, "user", None)
            preferred = getattr(user, "preferred_language", "") if user is not None else ""
        except DatabaseError:
            # The database is down (sessions and users live there): the view fails the same
            # way and the outage middleware answers 503; raised here it would be a bare 500.
            return self.get_response(request)
        if preferred and user is not None and user.is_authenticated:
            try:
                language = translation.get_supported_language_variant(preferred)
            except LookupError:
                language = ""
            if language and language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
