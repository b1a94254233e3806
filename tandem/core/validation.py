"""One validation layer: the rules written on the model fields (``max_length``, validators,
choices, ``blank``) and its constraints, checked once through Django and reported as our
:class:`~tandem.core.errors.DomainError` with messages per field.

Uniqueness is left to the database (``validate_unique=False``): a check-then-insert races, so
services insert inside :func:`conflict_on_integrity` and the constraint decides.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from .errors import ConflictError, DomainError


def validated(instance: models.Model, *, exclude: Collection[str] | None = None) -> None:
    """Check ``instance`` against its fields' rules (``blank``, ``max_length``, validators,
    choices) and its check constraints; raise :class:`DomainError` (400) with the messages of
    each field that breaks one.

    Uniqueness (``unique`` fields and ``UniqueConstraint``) is not checked here: the database
    decides it when the row is written (see :func:`conflict_on_integrity`). Pass the foreign
    keys the service has already resolved in ``exclude`` to spare a query each."""
    skip = set(exclude or ())
    errors: dict[str, list[str]] = {}
    try:
        instance.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _collect(errors, exc)
    skip |= set(errors) - {"__all__"}  # as Django does: constraints only on valid fields
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue  # uniqueness is the database's (see above)
        try:
            constraint.validate(type(instance), instance, exclude=skip)  # type: ignore[attr-defined]
        except ValidationError as exc:
            _collect(errors, exc)
    if errors:
        first = next(iter(errors.values()))
        raise DomainError(first[0], fields=errors)


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for field, messages in exc.update_error_dict({}).items():
        key = "__all__" if field == NON_FIELD_ERRORS else field
        errors.setdefault(key, []).extend(str(m) for m in ValidationError(messages).messages)


@contextmanager
def conflict_on_integrity(message: str, *, field: str | None = None) -> Iterator[None]:
    """Run the block in a savepoint; a violated database constraint (a concurrent insert of
    the same row) becomes a :class:`ConflictError` (409) carrying ``message``."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ConflictError(message, fields={field: [message]} if field else None) from exc
