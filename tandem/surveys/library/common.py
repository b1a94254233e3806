"""The building blocks of the ready templates: the question tuple and shared wordings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop as N_

AGREE = N_("How far do you agree: ")
Q = tuple[str, str, str, bool, dict[str, Any]]


def q(key: str, type: str, text: str, required: bool = True, **extra: Any) -> Q:
    return (key, type, text, required, extra)


TRANSFERABLE_SKILLS = [
    "communicate with others",
    "work in teams",
    "solve problems",
    "manage time",
    "show initiative",
    "adapt to change",
    "apply digital skills",
    "think critically",
]

YES_NO = [("yes", N_("Yes")), ("no", N_("No"))]
