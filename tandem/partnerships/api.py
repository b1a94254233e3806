"""REST endpoints for partnerships (mounted at /api/v1/partnerships by tandem.api.main)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["partnerships"])
