"""Display helpers for opportunities: money always shown with its currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tandem.core.fragments import cached_fragments

from ..models import PayPeriod

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """``1,450.00 GBP``: two decimals, grouped for the active language, ISO code after."""
    if amount is None:
        return ""
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}"


@register.simple_tag
def pay(opportunity: Any) -> str:
    """The pay line of a posting, e.g. ``1,450.00 GBP per month``, or “Unpaid”."""
    if opportunity.pay_amount is None:
        return _("Unpaid")
    text = money(opportunity.pay_amount, opportunity.pay_currency)
    if opportunity.pay_period in PayPeriod.values:
        text = f"{text} {PayPeriod(opportunity.pay_period).label}"
    return text


_BADGE_CLASSES = {
    "published": "badge badge-ok",
    "awaiting_approval": "badge badge-warn",
    "closed": "badge badge-bad",
    "filled": "badge badge-bad",
}


@register.simple_tag
def status_badge(opportunity: Any) -> str:
    """The posting's status as a badge coloured by state (a tag, not an included template:
    it is drawn on every row of the lists)."""
    return format_html(
        '<span class="{}">{}</span>',
        _BADGE_CLASSES.get(opportunity.status, "badge"),
        opportunity.get_status_display(),
    )


@register.simple_tag
def opportunity_cards(opportunities: Any) -> list[Any]:
    """The list's card of each posting, from the fragment cache (``core.fragments``): a card
    shows only the posting and its host, the same for every viewer, so it is keyed by the
    posting and its host, each with its ``updated_at`` (an edit of either renders it again)."""
    return cached_fragments(
        "opportunity-card",
        list(opportunities),
        key=lambda o: (
            f"{o.pk}:{o.updated_at.timestamp()}:{o.host_id}:{o.host.updated_at.timestamp()}"
        ),
        render=lambda o: render_to_string("opportunities/includes/card.html", {"opportunity": o}),
    )


# Where the CSRF token goes in a cached row of the approval queue (it is the viewer's).
_CSRF = "\x00csrf\x00"


def _approval_key(a: Any) -> str:
    parts = (a, a.opportunity, a.opportunity.host, a.institution)
    stamps = ":".join(f"{p.pk}-{p.updated_at.timestamp()}" for p in parts)
    return f"{stamps}:{int(bool(a.deadline_passed))}"


@register.simple_tag(takes_context=True)
def approval_rows(context: Any, approvals: Any) -> list[SafeString]:
    """The approval queue's row of each pending approval, from the fragment cache
    (``core.fragments``): a row shows the approval, its posting, host and institution and
    whether the deadline has passed — the same for every coordinator who may decide it —, so
    it is keyed by each of those with its ``updated_at``. The form's CSRF token is the
    viewer's: put in on every request."""
    rows = list(approvals)
    html = cached_fragments(
        "approval-row",
        rows,
        key=_approval_key,
        render=lambda a: render_to_string(
            "opportunities/includes/approval_row.html", {"a": a, "csrf_placeholder": _CSRF}
        ),
    )
    token = str(conditional_escape(str(context.get("csrf_token", ""))))
    return [mark_safe(h.replace(_CSRF, token)) for h in html]  # noqa: S308
