"""core.changes: lower apps announce changes that upper apps (skills, profiles) subscribe to."""

from __future__ import annotations

import pytest

from tandem.core import changes


def test_unknown_topics_are_refused_on_both_sides():
    with pytest.raises(ValueError, match="unknown topic"):
        changes.subscribe("opportunities.renamed", lambda ids: None)
    with pytest.raises(ValueError, match="unknown topic"):
        changes.announce("opportunities.renamed", ids=[1])


def test_a_handler_gets_the_sorted_distinct_ids_once_and_nothing_for_none(monkeypatch):
    seen: list[list[int]] = []
    monkeypatch.setattr(changes, "_handlers", {changes.OPPORTUNITIES_CHANGED: []})

    def handler(ids: list[int]) -> None:
        seen.append(ids)

    changes.subscribe(changes.OPPORTUNITIES_CHANGED, handler)
    changes.subscribe(changes.OPPORTUNITIES_CHANGED, handler)  # idempotent
    changes.announce(changes.OPPORTUNITIES_CHANGED, ids=[3, 1, 3])
    changes.announce(changes.OPPORTUNITIES_CHANGED, ids=[])
    assert seen == [[1, 3]]


def test_the_apps_subscribe_when_django_starts():
    """skills keeps the opportunity skills index; profiles refresh on course skills and
    completed placements, and merge changed opportunities (and their re-extracted skills) into
    the stored "For you" rankings. Without these subscriptions the caches would silently go
    stale."""
    handlers = changes._handlers
    assert [h.__module__ for h in handlers[changes.OPPORTUNITIES_CHANGED]] == [
        "tandem.skills.apps",
        "tandem.profiles.apps",
    ]
    assert [h.__module__ for h in handlers[changes.OPPORTUNITY_SKILLS_CHANGED]] == [
        "tandem.profiles.apps"
    ]
    assert [h.__module__ for h in handlers[changes.COURSE_SKILLS_CHANGED]] == [
        "tandem.profiles.apps"
    ]
    assert [h.__module__ for h in handlers[changes.PLACEMENTS_COMPLETED]] == [
        "tandem.profiles.apps"
    ]
