"""One validation layer: the rules live on the models, services ask the model.

Field rules (``max_length``, ``choices``, ``validators``, decimal digits) sit on the model
fields; rules across fields sit in the model's ``clean()`` with field messages; the database
constraints are the last word. A service builds (or changes) an instance and calls::

    validated(instance, exclude=["partnership"])

which runs Django's field and model validation and turns a ``ValidationError`` into our
:class:`~tandem.core.errors.DomainError` with per-field messages (HTTP 400 in the API, form
errors on pages). Uniqueness is not checked here (a check-then-insert races); the insert runs
inside :func:`conflict_on_integrity`, which turns the database's ``IntegrityError`` into a
:class:`~tandem.core.errors.ConflictError` (HTTP 409)::

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


def domain_error(exc: ValidationError, message: str | None = None) -> DomainError:
    """``exc`` as a :class:`DomainError` whose ``fields`` map each field to its messages."""
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for m in ValidationError(errors).messages]
            for name, errors in exc.error_dict.items()
        }
    else:
        fields = {GENERAL: [str(m) for m in exc.messages]}
    if message is None:
        messages = [m for ms in fields.values() for m in ms]
        message = messages[0] if len(messages) == 1 else _("Check the highlighted fields.")
    return DomainError(message, fields=fields)


def validated(instance: M, *, exclude: Iterable[str] = (), message: str | None = None) -> M:
    """Run the model's field validators and ``clean()`` on ``instance`` (fields named in
    ``exclude`` are skipped, and so are foreign keys: the service passes objects it has
    already looked up), or raise :class:`DomainError` with the field messages.

    Cleaned values are written back (``" 12.5"`` becomes ``Decimal("12.5")``). Unique and
    check constraints are left to the database: save inside :func:`conflict_on_integrity`.
    Returns ``instance`` so that a service can write ``validated(Model(...)).save()``.
    """
    skipped = set(exclude) | {f.name for f in instance._meta.fields if f.is_relation}
    try:
        instance.full_clean(exclude=skipped, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise domain_error(exc, message) from None
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
        raise ConflictError(message, fields={field: message} if field else None) from exc


def validate_positive(value: Decimal | int | None) -> None:
    """A field validator: the number must be greater than zero."""
    if value is not None and value <= 0:
        raise ValidationError(gettext_lazy("Enter a number greater than zero."), code="min_value")
