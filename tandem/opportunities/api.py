"""REST endpoints for opportunities (mounted at /api/v1/opportunities by tandem.api.main)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["opportunities"])
