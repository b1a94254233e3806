"""Abstract base models shared by every app. No domain models live here."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

#: (field, language) → {value: label}: the choice labels ``get_FOO_display`` answers with.
_CHOICE_LABELS: dict[tuple[int, str | None], dict[Any, Any]] = {}


class TimeStampedModel(models.Model):
    """Creation and last-change timestamps (UTC).

    Also ``get_FOO_display`` without its per-call cost: Django rebuilds a dictionary of the
    field's choices on every call (hashing each lazily translated label, so translating each
    one): 4 ms of CPU per list page of 20 postings. Here the labels are kept per field and
    language (choices are fixed when the class is defined)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Any) -> Any:
        key = (id(field), get_language())
        labels = _CHOICE_LABELS.get(key)
        if labels is None:
            labels = {
                make_hashable(value): force_str(label, strings_only=True)
                for value, label in field.flatchoices
            }
            _CHOICE_LABELS[key] = labels
        value = getattr(self, field.attname)
        found = labels.get(make_hashable(value), _MISSING)
        return force_str(value, strings_only=True) if found is _MISSING else found


_MISSING = object()


class PublicModel(TimeStampedModel):
    """A model whose URLs and API ids use a random UUID that cannot be enumerated."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
