"""Background jobs of the skills app (django-tasks)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def refresh_opportunity_skills(opportunity_ids: list[int]) -> int:
    """Extract and store the skills of opportunities whose text changed (lexical mode; see
    ``services.opportunities.opportunity_skills_refresh``). Returns how many changed."""
    from tandem.skills.services.opportunities import opportunity_skills_refresh

    changed = opportunity_skills_refresh(opportunity_ids=opportunity_ids)
    logger.info("opportunity skills: %s of %s refreshed", changed, len(opportunity_ids))
    return changed


@task(queue_name="extraction")
def run_skill_extraction(extraction_id: int) -> str:
    """Run one queued "try the extractor" request in a semantic mode (see
    ``services.on_demand``)."""
    from tandem.skills.services.on_demand import skill_extraction_run

    return skill_extraction_run(extraction_id)
