"""Every write of the sso app: connections (platform admins), and the just-in-time
provisioning of the people who sign in through them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.validation import conflict_on_integrity
from tandem.organizations.models import (
    INSTITUTION_ROLES,
    PARTNER_ROLES,
    Membership,
    Organization,
    Role,
)
from tandem.organizations.services import membership_add

from .mapping import mapped_roles
from .models import Protocol, SsoConnection
from .permissions import can_manage_sso

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.accounts.types import Actor

CONNECTION_FIELDS = (
    "slug",
    "name",
    "protocol",
    "is_enabled",
    "trust_email",
    "role_rules",
    "default_role",
    "issuer_url",
    "client_id",
    "client_secret",
    "idp_metadata_url",
    "idp_metadata_xml",
    "idp_entity_id",
    "idp_sso_url",
    "idp_x509cert",
    "sp_entity_id",
)
SECRET_FIELDS = frozenset({"client_secret"})
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


def _require_admin(actor: Actor | None) -> None:
    if not can_manage_sso(actor):
        raise PermissionDeniedError()


def _reject_unknown(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - set(CONNECTION_FIELDS))
    if unknown:
        raise DomainError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)},
            fields={name: [_("This field cannot be set.")] for name in unknown},
        )


def _allowed_roles(organization: Organization) -> frozenset[str]:
    return INSTITUTION_ROLES if organization.is_institution else PARTNER_ROLES


def _check_url(value: str, field: str, errors: dict[str, list[str]]) -> None:
    if not value:
        return
    try:
        URLValidator(schemes=["https", "http"])(value)
    except DjangoValidationError:
        errors.setdefault(field, []).append(_("Enter a valid http(s) address."))


def _validate_rules(connection: SsoConnection, errors: dict[str, list[str]]) -> None:
    allowed = _allowed_roles(connection.organization)
    rules = connection.role_rules
    if not isinstance(rules, list):
        errors["role_rules"] = [_("The role mapping must be a list of rules.")]
        return
    for n, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or not all(
            isinstance(rule.get(k), str) and str(rule[k]).strip()
            for k in ("attribute", "value", "role")
        ):
            errors.setdefault("role_rules", []).append(
                _("Rule %(n)s needs an attribute, a value and a role.") % {"n": n}
            )
            continue
        if set(rule) - {"attribute", "value", "role"}:
            errors.setdefault("role_rules", []).append(_("Rule %(n)s has unknown keys.") % {"n": n})
        if rule["role"] not in allowed:
            errors.setdefault("role_rules", []).append(
                _("Rule %(n)s: %(role)s is not a role in this kind of organization.")
                % {"n": n, "role": rule["role"]}
            )
    if connection.default_role and connection.default_role not in allowed:
        errors["default_role"] = [_("This role does not exist in this kind of organization.")]


def _validate(connection: SsoConnection) -> None:
    errors: dict[str, list[str]] = {}
    if not _SLUG.fullmatch(connection.slug or ""):
        errors["slug"] = [_("Use lower-case letters, digits and hyphens (at most 50).")]
    if not (connection.name or "").strip():
        errors["name"] = [_("This field is required.")]
    if connection.protocol not in Protocol.values:
        errors["protocol"] = [_("Choose OpenID Connect or SAML 2.0.")]
    for field in ("issuer_url", "idp_metadata_url", "idp_sso_url"):
        _check_url(getattr(connection, field), field, errors)
    if connection.protocol == Protocol.OIDC:
        for field in ("issuer_url", "client_id"):
            if not getattr(connection, field):
                errors.setdefault(field, []).append(_("Required for OpenID Connect."))
    elif connection.protocol == Protocol.SAML:
        has_metadata = bool(connection.idp_metadata_url or connection.idp_metadata_xml)
        has_manual = bool(
            connection.idp_entity_id and connection.idp_sso_url and connection.idp_x509cert
        )
        if not (has_metadata or has_manual):
            errors["idp_metadata_url"] = [
                _(
                    "Give the IdP's metadata (address or XML), or its entity id, "
                    "single sign-on URL and signing certificate."
                )
            ]
        if connection.idp_metadata_xml and "EntityDescriptor" not in connection.idp_metadata_xml:
            errors["idp_metadata_xml"] = [_("This is not SAML metadata (no EntityDescriptor).")]
        if connection.idp_x509cert and "BEGIN CERTIFICATE" not in connection.idp_x509cert:
            errors["idp_x509cert"] = [_("Paste the certificate in PEM form.")]
    for model_field in SsoConnection._meta.concrete_fields:
        value = getattr(connection, model_field.attname)
        limit = getattr(model_field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            errors.setdefault(model_field.name, []).append(
                _("At most %(limit)d characters.") % {"limit": limit}
            )
    _validate_rules(connection, errors)
    if errors:
        raise DomainError(_("The connection is not valid."), fields=errors)


def _save(connection: SsoConnection) -> None:
    with conflict_on_integrity(_("This short name is already taken."), field="slug"):
        connection.save()


def _changes(before: dict[str, Any], connection: SsoConnection) -> dict[str, Any]:
    """What changed, for the audit trail; secrets only as "changed"."""
    changes: dict[str, Any] = {}
    for field in CONNECTION_FIELDS:
        new = getattr(connection, field)
        if before.get(field) != new:
            changes[field] = "(changed)" if field in SECRET_FIELDS else new
    return changes


@transaction.atomic
def sso_connection_create(
    *, actor: Actor | None, organization: Organization, **fields: Any
) -> SsoConnection:
    _require_admin(actor)
    _reject_unknown(fields)
    connection = SsoConnection(organization=organization, **fields)
    _validate(connection)
    _save(connection)
    audit_record(
        actor=actor,
        action="sso_connection.create",
        target=connection,
        organizations=[organization],
        changes=_changes({}, connection),
    )
    return connection


@transaction.atomic
def sso_connection_update(
    *, actor: Actor | None, connection: SsoConnection, **fields: Any
) -> SsoConnection:
    """Change a connection. An empty ``client_secret`` keeps the stored one (the secret is
    never shown back, so a form cannot resend it)."""
    _require_admin(actor)
    _reject_unknown(fields)
    if not fields.get("client_secret"):
        fields.pop("client_secret", None)
    before = {f: getattr(connection, f) for f in CONNECTION_FIELDS}
    for name, value in fields.items():
        setattr(connection, name, value)
    _validate(connection)
    _save(connection)
    changes = _changes(before, connection)
    if changes:
        audit_record(
            actor=actor,
            action="sso_connection.update",
            target=connection,
            organizations=[connection.organization],
            changes=changes,
        )
    return connection


@transaction.atomic
def sso_connection_delete(*, actor: Actor | None, connection: SsoConnection) -> None:
    _require_admin(actor)
    audit_record(
        actor=actor,
        action="sso_connection.delete",
        target=connection,
        organizations=[connection.organization],
        changes={"slug": connection.slug, "name": connection.name},
    )
    connection.delete()


def roles_for(connection: SsoConnection, attributes: dict[str, list[str]]) -> list[str]:
    allowed = _allowed_roles(connection.organization)
    roles = mapped_roles(connection.rules(), attributes, connection.default_role)
    return [r for r in roles if r in allowed and r in Role.values]


@transaction.atomic
def sso_provision(
    *, connection: SsoConnection, user: User, attributes: dict[str, list[str]]
) -> list[Membership]:
    """Just-in-time provisioning: give ``user`` each role the connection's mapping yields in
    its organization. Adds and reactivates, never removes (a role the IdP stops asserting
    stays until a coordinator removes it). Returns the memberships granted now."""
    granted: list[Membership] = []
    organization = connection.organization
    for role in roles_for(connection, attributes):
        active = Membership.objects.filter(
            user=user, organization=organization, role=role, is_active=True
        ).exists()
        if not active:
            granted.append(
                membership_add(actor=None, organization=organization, user=user, role=role)
            )
    if granted:
        audit_record(
            actor=None,
            action="sso.provision",
            target=connection,
            organizations=[organization],
            changes={"roles": [m.role for m in granted]},
        )
    return granted


def sso_personal_data_export(user: Any) -> list[dict[str, Any]]:
    from allauth.socialaccount.models import SocialAccount

    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "date_joined": account.date_joined,
            "last_login": account.last_login,
            "claims": account.extra_data,
        }
        for account in SocialAccount.objects.filter(user=user).order_by("pk")
    ]


def sso_personal_data_erase(user: Any) -> None:
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.filter(user=user).delete()
