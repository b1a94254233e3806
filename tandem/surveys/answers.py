"""Checking a questionnaire's definition and a respondent's answers (no database writes).

Conditional questions are evaluated here, on the server: a question whose condition is not
met is neither required nor stored, whatever the browser sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .models import CHOICE_TYPES, SCALE_BOUNDS, Question, QuestionType

TEXT_MAX_CHARS = 5000
LIMIT = Decimal("1e10")  # numbers are stored with 12 digits, 2 after the point
SKILL_SCALE = (1, 5)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _as_int(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ValueError
    number = int(str(value).strip())
    if not low <= number <= high:
        raise ValueError
    return number


def condition_met(condition: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """``{"question": key, "op": "equals"|"in", "values": [...]}`` against cleaned answers."""
    if not condition:
        return True
    given = answers.get(str(condition.get("question", "")))
    if given is None:
        return False
    wanted = {str(v) for v in condition.get("values", [])}
    given_values = {str(v) for v in given} if isinstance(given, list) else {str(given)}
    if condition.get("op") == "equals":
        return given_values == wanted
    return bool(given_values & wanted)


def clean_answer(
    question: Question, raw: Any, extra_skills: Sequence[str] = ()
) -> tuple[Any, Decimal | None]:
    """The stored value and numeric copy of one non-blank answer; ValueError if invalid."""
    kind = question.type
    if kind in SCALE_BOUNDS:
        low, high = SCALE_BOUNDS[kind]  # type: ignore[index]
        point = _as_int(raw, low, high)
        return point, Decimal(point)
    if kind == QuestionType.SINGLE:
        value = str(raw)
        if value not in question.option_values:
            raise ValueError
        return value, None
    if kind == QuestionType.MULTIPLE:
        values = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
        allowed = question.option_values
        if any(v not in allowed for v in values) or len(set(values)) != len(values):
            raise ValueError
        return sorted(values, key=allowed.index), None
    if kind == QuestionType.NUMBER:
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation as exc:
            raise ValueError from exc
        if not number.is_finite() or abs(number) >= LIMIT:
            raise ValueError
        if question.min_value is not None and number < question.min_value:
            raise ValueError
        if question.max_value is not None and number > question.max_value:
            raise ValueError
        number = number.quantize(Decimal("0.01"))
        return str(number), number
    if kind == QuestionType.TEXT:
        if not isinstance(raw, str):
            raise ValueError
        text = raw.strip()
        if len(text) > TEXT_MAX_CHARS:
            raise ValueError
        return text, None
    if kind == QuestionType.SKILLS:
        if not isinstance(raw, Mapping):
            raise ValueError
        ratings: dict[str, int] = {}
        for skill, rating in raw.items():
            if skill not in question.skills and skill not in extra_skills:
                raise ValueError
            if _blank(rating):
                continue
            ratings[str(skill)] = _as_int(rating, *SKILL_SCALE)
        if not ratings:
            raise ValueError
        return ratings, None
    raise ValueError


def error_for(question: Question) -> str:
    kind = question.type
    if kind in SCALE_BOUNDS:
        low, high = SCALE_BOUNDS[kind]  # type: ignore[index]
        return _("Choose a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    if kind in CHOICE_TYPES:
        return _("Choose from the options listed.")
    if kind == QuestionType.NUMBER:
        bounds = []
        if question.min_value is not None:
            bounds.append(_("at least %(min)s") % {"min": question.min_value})
        if question.max_value is not None:
            bounds.append(_("at most %(max)s") % {"max": question.max_value})
        return _("Enter a number") + (" " + _(" and ").join(bounds) if bounds else "") + "."
    if kind == QuestionType.TEXT:
        return _("Keep the answer under %(n)s characters.") % {"n": TEXT_MAX_CHARS}
    return _("Rate at least one skill from the list, from 1 to 5.")


def skills_for(question: Question, extra_skills: Sequence[str] = ()) -> list[str]:
    """The skills a skills question asks about: its own, then the invitation's extra ones."""
    return list(question.skills) + [s for s in extra_skills if s not in question.skills]


def clean_answers(
    questions: Sequence[Question], data: Mapping[str, Any], extra_skills: Sequence[str] = ()
) -> tuple[dict[str, tuple[Question, Any, Decimal | None]], dict[str, list[str]]]:
    """Cleaned answers by question key, and errors by question key."""
    cleaned: dict[str, tuple[Question, Any, Decimal | None]] = {}
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:  # in display order: conditions refer to earlier questions
        if not condition_met(question.condition, values):
            continue
        raw = data.get(question.key)
        if isinstance(raw, Mapping) and question.type == QuestionType.SKILLS:
            blank = all(_blank(v) for v in raw.values())
        else:
            blank = _blank(raw) or (isinstance(raw, str) and not raw.strip())
        if blank:
            if question.required:
                errors[question.key] = [_("This question needs an answer.")]
            continue
        try:
            value, number = clean_answer(question, raw, extra_skills)
        except (ValueError, TypeError):
            errors[question.key] = [error_for(question)]
            continue
        cleaned[question.key] = (question, value, number)
        values[question.key] = value
    return cleaned, errors


def definition_errors(
    *,
    key: str,
    type: str,
    options: Iterable[Mapping[str, Any]],
    min_value: Decimal | None,
    max_value: Decimal | None,
    skills: Sequence[str],
    condition: Mapping[str, Any],
    earlier: Mapping[str, Question],
) -> dict[str, list[str]]:
    """What is wrong with a question definition, by field."""
    errors: dict[str, list[str]] = {}
    options = list(options)
    if type not in QuestionType.values:
        errors["type"] = [_("Choose a question type.")]
    if type in CHOICE_TYPES:
        values = [str(o.get("value", "")).strip() for o in options]
        if len(values) < 2 or any(not v for v in values):
            errors["options"] = [_("Give at least two options.")]
        elif len(set(values)) != len(values):
            errors["options"] = [_("Options must differ.")]
    if (
        type == QuestionType.NUMBER
        and min_value is not None
        and max_value is not None
        and min_value > max_value
    ):
        errors["max_value"] = [_("The maximum must not be below the minimum.")]
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if bound is not None and (not Decimal(bound).is_finite() or abs(Decimal(bound)) >= LIMIT):
            errors[name] = [_("Use a number below ten billion.")]
    if type == QuestionType.SKILLS and not [s for s in skills if s.strip()]:
        errors["skills"] = [_("List at least one skill.")]
    if condition:
        other = earlier.get(str(condition.get("question", "")))
        if other is None or other.key == key:
            errors["condition"] = [_("A condition must refer to an earlier question.")]
        elif condition.get("op") not in ("equals", "in") or not condition.get("values"):
            errors["condition"] = [_("Give the answer values that show this question.")]
    return errors
