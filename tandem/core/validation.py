"""One validation layer: the rules live on the models, services ask the model.

Field rules (``max_length``, ``choices``, ``validators``, decimal digits, ``blank``) sit on the
model fields; rules across fields sit in the model's ``clean()`` or a ``CheckConstraint`` with
field messages; the database constraints are the last word. A service builds (or changes) an
instance and calls::

    validated(instance, exclude=["partnership"])

which runs Django's field and model validation and the model's check constraints, and turns a
``ValidationError`` into our :class:`~tandem.core.errors.DomainError` with per-field messages
(HTTP 400 in the API, form errors on pages). Uniqueness is not checked here (a
check-then-insert races); the insert runs inside :func:`conflict_on_integrity`, which turns
the database's ``IntegrityError`` into a :class:`~tandem.core.errors.ConflictError` (409)::

    with conflict_on_integrity(_("This person is already a contact."), field="user"):
        contact.save()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ConflictError, DomainError

M = TypeVar("M", bound=models.Model)

#: The key of messages that belong to no single field (Django's ``__all__``).
GENERAL = NON_FIELD_ERRORS


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for name, messages in exc.update_error_dict({}).items():
        errors.setdefault(name, []).extend(str(m) for m in ValidationError(messages).messages)


def domain_error(exc: ValidationError, message: str | None = None) -> DomainError:
    """``exc`` as a :class:`DomainError` whose ``fields`` map each field to its messages."""
    fields: dict[str, list[str]] = {}
    _collect(fields, exc)
    return _as_domain_error(fields, message)


def _as_domain_error(fields: dict[str, list[str]], message: str | None) -> DomainError:
    if message is None:
        messages = [m for ms in fields.values() for m in ms]
        message = messages[0] if len(messages) == 1 else _("Check the highlighted fields.")
    return DomainError(message, fields=fields)


def validated(
    instance: M, *, exclude: Iterable[str] | None = None, message: str | None = None
) -> M:
    """Run the model's field validators, ``clean()`` and check constraints on ``instance``
    (fields named in ``exclude`` are skipped, and so are foreign keys: the service passes
    objects it has already looked up), or raise :class:`DomainError` with the field messages.

    Cleaned values are written back (``" 12.5"`` becomes ``Decimal("12.5")``). Unique
    constraints are left to the database: save inside :func:`conflict_on_integrity`.
    Returns ``instance`` so that a service can write ``validated(Model(...)).save()``.
    """
    skipped = set(exclude or ()) | {f.name for f in instance._meta.fields if f.is_relation}
    errors: dict[str, list[str]] = {}
    try:
        instance.full_clean(exclude=skipped, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _collect(errors, exc)
    skipped |= set(errors) - {GENERAL}  # as Django does: constraints only on valid fields
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue  # uniqueness is the database's (see above)
        try:
            constraint.validate(type(instance), instance, exclude=skipped)  # type: ignore[attr-defined]
        except ValidationError as exc:
            _collect(errors, exc)
    if errors:
        raise _as_domain_error(errors, message)
    return instance


@contextmanager
def conflict_on_integrity(message: str, *, field: str | None = None) -> Iterator[None]:
    """Run the block in a savepoint; when the database refuses it (a unique or check
    constraint, typically a concurrent request that got there first) raise
    :class:`ConflictError` with ``message`` (on ``field`` when given) instead of a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ConflictError(message, fields={field: [message]} if field else None) from exc


def validate_positive(value: Decimal | int | None) -> None:
    """A field validator: the number must be greater than zero."""
    if value is not None and value <= 0:
        raise ValidationError(gettext_lazy("Enter a number greater than zero."), code="min_value")
