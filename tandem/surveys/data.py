"""What other apps use of surveys' rules, without Django: the small-cell suppression that
keeps answers of fewer than ``DEFAULT_THRESHOLD`` people from being shown (analytics reuses
it for its own tables, mentoring for its satisfaction ratings). The rule lives in
:mod:`tandem.surveys.suppression`."""

from __future__ import annotations

from .suppression import DEFAULT_THRESHOLD, suppress_counts, suppress_shared_margins

__all__ = ["DEFAULT_THRESHOLD", "suppress_counts", "suppress_shared_margins"]
