"""Abstract base models shared by every app. No domain models live here."""

from __future__ import annotations

import uuid

from django.db import models


class TimeStampedModel(models.Model):
    """Creation and last-change timestamps (UTC)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """A model whose URLs and API ids use a random UUID that cannot be enumerated."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
