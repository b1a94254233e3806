"""REST endpoints for applications (mounted at /api/v1/applications by tandem.api.main)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["applications"])
