"""The compliance rule in plain Python: which requirements apply to a placement and whether
each is in order on a given day. Used by the start gate, the placement page and the board."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class State(enum.Enum):
    MISSING = "missing"
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    VERIFIED = "verified"

    @property
    def label(self) -> str:
        return str(_STATE_LABELS[self])


_STATE_LABELS = {
    State.MISSING: _("missing"),
    State.SUBMITTED: _("not verified yet"),
    State.REJECTED: _("rejected"),
    State.EXPIRED: _("expired"),
    State.VERIFIED: _("verified"),
}


@dataclass(frozen=True)
class RequirementRow:
    id: int
    institution_id: int
    partner_id: int | None
    site_id: int | None
    opportunity_type: str
    kind: str = ""


#: The clearance kind that applies only to placements of minors.
GUARDIAN_CONSENT = "guardian_consent"
ADULT_AGE = 18


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def adult_on(born: dt.date) -> dt.date:
    """The day a person born on ``born`` turns 18 (born on 29 February: 1 March), the first
    day :func:`is_minor` is false."""
    try:
        return born.replace(year=born.year + ADULT_AGE)
    except ValueError:
        return dt.date(born.year + ADULT_AGE, 3, 1)


def is_minor(born: dt.date | None, day: dt.date) -> bool:
    """Under 18 on ``day`` (unknown date of birth: not known to be a minor)."""
    return born is not None and age_on(born, day) < ADULT_AGE


@dataclass(frozen=True)
class ClearanceRow:
    status: str
    expires_on: dt.date | None
    decided_at: dt.datetime | None


def applies(
    req: RequirementRow,
    *,
    institution_id: int,
    host_id: int,
    site_id: int | None,
    type_: str,
    minor: bool = False,
) -> bool:
    """Whether a requirement applies to a placement of this institution, host, site, type;
    a guardian-consent requirement only to the placement of a student under 18 on its start
    day (``minor``)."""
    return (
        req.institution_id == institution_id
        and (req.kind != GUARDIAN_CONSENT or minor)
        and (req.partner_id is None or req.partner_id == host_id)
        and (req.site_id is None or req.site_id == site_id)
        and (not req.opportunity_type or req.opportunity_type == type_)
    )


def state_on(clearance: ClearanceRow | None, day: dt.date) -> State:
    """The state of a clearance record on ``day`` (None: nothing recorded yet)."""
    if clearance is None:
        return State.MISSING
    if clearance.status == "rejected":
        return State.REJECTED
    if clearance.status != "verified":
        return State.SUBMITTED
    if clearance.expires_on is not None and clearance.expires_on < day:
        return State.EXPIRED
    return State.VERIFIED


def start_day(planned: dt.date | None, today: dt.date) -> dt.date:
    """The day a placement's clearances must hold: its planned start, or today if that has
    passed (a clearance that expired since must be renewed)."""
    return max(planned, today) if planned else today
