"""The demo world (see :mod:`.build`): what it is made of (:mod:`.specs`), how it is built
through the services (:mod:`.build`, and :mod:`.pipeline` for its applications)."""

from .build import Summary, build_demo_world
from .pipeline import People, build_applications
from .specs import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    INSTITUTIONS,
    OPEN_STAGES,
    OPPORTUNITY_TEMPLATES,
    PARTNERS,
    PARTNERSHIPS,
    REFERENCE_OFFSET_DAYS,
    STAGE_PATH,
    STAGE_WEIGHTS,
    STATEMENTS,
)

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "INSTITUTIONS",
    "OPEN_STAGES",
    "OPPORTUNITY_TEMPLATES",
    "PARTNERS",
    "PARTNERSHIPS",
    "REFERENCE_OFFSET_DAYS",
    "STAGE_PATH",
    "STAGE_WEIGHTS",
    "STATEMENTS",
    "People",
    "Summary",
    "build_applications",
    "build_demo_world",
]
