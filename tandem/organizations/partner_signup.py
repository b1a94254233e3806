"""Partners sign up themselves: a company creates its account and organization profile on a
public page, proves its e-mail address through a link, and asks institutions to work with it.

1. :func:`partner_signup_start` (public, rate-limited per address by the view) records the
   request and e-mails a link to the signer's address. The answer is the same whether or not
   the address has an account (the e-mail itself says what to do), so the page finds out
   nothing about anyone.
2. :func:`partner_signup_complete`, from the link (which proves the mailbox), creates the
   account (the password chosen in step 1), the partner organization with its sites, the
   signer's recruiter membership (the partner's manager role) and a pending
   ``PartnerVetting`` per chosen institution; each institution's coordinators decide.

Scam signs are recorded as ``flags`` and shown on the coordinators' vetting page: an address
at a free-mail provider (``data/free_mail_domains.txt``), an address whose domain is not the
website's, an odd-looking domain (punycode, many digits or hyphens, a throw-away top-level
domain). Domain age is not checked (no registry lookup).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, partial
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.accounts.services import user_create
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError

from .models import (
    SIGNUP_DAYS,
    Organization,
    OrganizationKind,
    OrganizationType,
    PartnerSignup,
    PartnerVetting,
    Role,
    Site,
    VettingStatus,
)
from .services import _membership_grant

TOKEN_SALT = "tandem.organizations.partner_signup"  # noqa: S105 - a salt, not a secret
TOKEN_LENGTH = 64

FLAG_LABELS = {
    "free_mail": gettext_lazy("The address is at a free e-mail provider."),
    "domain_mismatch": gettext_lazy("The address's domain is not the website's domain."),
    "odd_domain": gettext_lazy("The domain looks unusual (punycode, many digits or hyphens)."),
    "throwaway_tld": gettext_lazy("The domain's top-level domain is often used for spam."),
}
THROWAWAY_TLDS = frozenset(
    {"xyz", "top", "click", "icu", "buzz", "rest", "monster", "cyou", "cfd", "sbs", "tk", "ml"}
)


@cache
def _free_mail() -> tuple[frozenset[str], frozenset[str]]:
    """Exact free-mail domains, and names matched under any top-level domain ("yahoo.*")."""
    text = files("tandem.organizations").joinpath("data/free_mail_domains.txt").read_text()
    entries = [ln.strip().lower() for ln in text.splitlines() if ln.strip()]
    entries = [e for e in entries if not e.startswith("#")]
    exact = frozenset(e for e in entries if not e.endswith(".*"))
    wild = frozenset(e[:-2] for e in entries if e.endswith(".*"))
    return exact, wild


def is_free_mail(domain: str) -> bool:
    exact, wild = _free_mail()
    domain = domain.lower()
    return domain in exact or domain.split(".", 1)[0] in wild


def website_domain(url: str) -> str:
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    return host.removeprefix("www.")


def scam_flags(email: str, website: str) -> list[str]:
    """The scam signs of a sign-up (codes of :data:`FLAG_LABELS`)."""
    domain = email.rsplit("@", 1)[-1].lower()
    site = website_domain(website)
    flags = []
    if is_free_mail(domain):
        flags.append("free_mail")
    same = domain == site or domain.endswith(f".{site}") or site.endswith(f".{domain}")
    if not site or not same:
        flags.append("domain_mismatch")
    labels = [label for d in {domain, site} if d for label in d.split(".")]
    if any(
        label.startswith("xn--") or sum(c.isdigit() for c in label) > 3 or label.count("-") > 2
        for label in labels
    ):
        flags.append("odd_domain")
    if any(d.rsplit(".", 1)[-1] in THROWAWAY_TLDS for d in {domain, site} if d):
        flags.append("throwaway_tld")
    return flags


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def signup_token(signup: PartnerSignup) -> str:
    return salted_hmac(
        TOKEN_SALT, f"{signup.public_id}:{signup.token_nonce}", algorithm="sha256"
    ).hexdigest()


def signup_from_token(raw: str) -> PartnerSignup | None:
    """The open (unverified, unexpired) sign-up a link names, else ``None``."""
    raw = (raw or "").strip()
    if len(raw) != TOKEN_LENGTH:
        return None
    return (
        PartnerSignup.objects.filter(
            token_hash=_hash(raw), verified_at__isnull=True, expires_at__gt=timezone.now()
        )
        .prefetch_related("institutions")
        .first()
    )


@dataclass(frozen=True)
class SiteLine:
    name: str
    city: str


def parse_sites(text: str) -> list[SiteLine]:
    """Sites typed one per line as "name, city" (a line without a comma is both)."""
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _sep, city = line.partition(",")
        name, city = name.strip(), city.strip() or name.strip()
        if len(name) > 200 or len(city) > 100:
            message = _("Site line %(n)d is too long.") % {"n": n}
            raise DomainError(message, fields={"sites": [message]})
        out.append(SiteLine(name, city))
    if len(out) > 20:
        raise DomainError(_("At most 20 sites."), fields={"sites": [_("At most 20 sites.")]})
    return out


@transaction.atomic
def partner_signup_start(
    *,
    email: str,
    full_name: str,
    password: str,
    name: str,
    sector: str,
    website: str,
    sites: str,
    institutions: list[Organization],
) -> PartnerSignup:
    """Record a sign-up and e-mail its link. The same whatever the address."""
    email = email.strip().lower()
    parse_sites(sites)
    chosen = [i for i in institutions if i.kind == OrganizationKind.INSTITUTION]
    if not chosen:
        message = _("Choose at least one institution.")
        raise DomainError(message, fields={"institutions": [message]})
    signup = PartnerSignup(
        email=email,
        full_name=full_name.strip(),
        password_hash=make_password(password),
        name=name.strip(),
        sector=sector,
        website=website.strip(),
        sites=sites.strip(),
        flags=scam_flags(email, website),
        expires_at=timezone.now() + timedelta(days=SIGNUP_DAYS),
        token_nonce=secrets.token_hex(32),
    )
    signup.token_hash = _hash(signup_token(signup))
    signup.save()
    signup.institutions.set(chosen)
    audit_record(
        actor=None,
        action="partner_signup.start",
        target=signup,
        organizations=chosen,
        changes={"flags": signup.flags},
    )
    from .tasks import send_partner_signup

    transaction.on_commit(partial(send_partner_signup.enqueue, signup_id=signup.pk))
    return signup


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "partner"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def partner_signup_complete(*, signup: PartnerSignup) -> tuple[User, Organization]:
    """The link was opened (the address is proven): create the account, the partner, its
    sites, the signer's recruiter membership and a pending vetting per institution."""
    locked = PartnerSignup.objects.select_for_update().get(pk=signup.pk)
    if locked.verified_at is not None or locked.expires_at <= timezone.now():
        raise ConflictError(_("This sign-up link is no longer valid."), code="closed")
    if User.objects.filter(email__iexact=locked.email).exists():
        raise ConflictError(
            _(
                "An account already uses this address: sign in, and ask a platform admin to "
                "register your organization."
            ),
            code="account_exists",
        )
    user = user_create(email=locked.email, full_name=locked.full_name, password=None)
    user.password = locked.password_hash
    user.save(update_fields=["password"])
    partner = Organization.objects.create(
        name=locked.name,
        slug=_unique_slug(locked.name),
        kind=OrganizationKind.PARTNER,
        type=OrganizationType.COMPANY,
        sector=locked.sector,
        website=locked.website,
    )
    for site in parse_sites(locked.sites):
        Site.objects.create(organization=partner, name=site.name, city=site.city)
    _membership_grant(actor=None, organization=partner, user=user, role=Role.RECRUITER)
    institutions = list(locked.institutions.all())
    for institution in institutions:
        PartnerVetting.objects.get_or_create(
            institution=institution, partner=partner, defaults={"status": VettingStatus.PENDING}
        )
    locked.verified_at = timezone.now()
    locked.partner, locked.user, locked.password_hash = partner, user, ""
    locked.save(update_fields=["verified_at", "partner", "user", "password_hash", "updated_at"])
    audit_record(
        actor=user,
        action="partner_signup.verify",
        target=partner,
        organizations=[partner, *institutions],
        changes={"flags": locked.flags, "institutions": len(institutions)},
    )
    return user, partner


def flag_labels(flags: Any) -> list[str]:
    return [str(FLAG_LABELS.get(code, code)) for code in (flags or [])]


# --- Personal data ---------------------------------------------------------------------------
def signups_personal_data_export(user: Any) -> list[dict[str, Any]]:
    qs = PartnerSignup.objects.filter(user=user) | PartnerSignup.objects.filter(
        email=(user.email or "").lower()
    )
    return [
        {
            "organization": s.name,
            "website": s.website,
            "created_at": s.created_at,
            "verified_at": s.verified_at,
        }
        for s in qs.distinct().order_by("created_at", "pk")
    ]


def signups_personal_data_erase(user: Any) -> None:
    PartnerSignup.objects.filter(email=(user.email or "").lower()).delete()
    PartnerSignup.objects.filter(user=user).delete()
