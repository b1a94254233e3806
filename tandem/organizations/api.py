"""REST endpoints for organizations (mounted at /api/v1/organizations)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["organizations"])
