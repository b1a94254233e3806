"""Single sign-on connections: one organization's OpenID Connect or SAML 2.0 identity provider.

A platform admin configures each connection in the app; ``tandem.sso.adapter`` turns the
enabled ones into django-allauth apps (docs/decisions/0011-sso-per-organization.md).
No personal data: the people who sign in are allauth ``SocialAccount`` rows (exported and
erased by this app's registration, see ``apps.py``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.core.secretbox import EncryptedTextField
from tandem.organizations.models import Organization, Role


class Protocol(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


PROVIDER_ID_PREFIX = "sso-"


class SsoConnection(PublicModel):
    """An organization's identity provider, with the attribute → role mapping for its people.

    ``role_rules`` is a list of ``{"attribute": "...", "value": "...", "role": "..."}``: a
    person whose ``attribute`` (an OIDC claim such as ``groups``, or a SAML attribute by its
    friendly name or OID, such as ``eduPersonAffiliation``) holds ``value`` (shell-style
    wildcards allowed: ``*@staff.example.edu``) gets ``role`` in the organization.
    ``client_secret`` and ``sp_private_key`` are never shown back nor logged.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="sso_connections"
    )
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("button label"), max_length=120)
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    is_enabled = models.BooleanField(_("enabled"), default=False)
    trust_email = models.BooleanField(
        _("the identity provider's e-mail addresses are verified"), default=False
    )
    role_rules = models.JSONField(_("role mapping"), default=list, blank=True)
    default_role = models.CharField(
        _("role when no rule matches"), max_length=20, choices=Role.choices, blank=True
    )
    # OpenID Connect
    issuer_url = models.URLField(_("issuer (discovery) URL"), blank=True)
    client_id = models.CharField(_("client id"), max_length=255, blank=True)
    # Encrypted at rest with a key derived from SECRET_KEY (tandem.core.secretbox).
    client_secret = EncryptedTextField(_("client secret"), max_length=500, blank=True)
    # SAML 2.0
    idp_metadata_url = models.URLField(_("IdP metadata URL"), blank=True)
    idp_metadata_xml = models.TextField(_("IdP metadata (XML)"), blank=True)
    idp_entity_id = models.CharField(_("IdP entity id"), max_length=500, blank=True)
    idp_sso_url = models.URLField(_("IdP single sign-on URL"), blank=True)
    idp_x509cert = models.TextField(_("IdP signing certificate (PEM)"), blank=True)
    sp_entity_id = models.CharField(_("our entity id (SP)"), max_length=500, blank=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.CheckConstraint(
                name="sso_connection_protocol_valid",
                condition=models.Q(protocol__in=["oidc", "saml"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_protocol_display()})"

    @property
    def provider_id(self) -> str:
        """The allauth provider id: URLs are /auth/oidc/<provider_id>/… and
        /auth/saml/<provider_id>/…; the prefix keeps it clear of allauth's own provider ids."""
        return f"{PROVIDER_ID_PREFIX}{self.slug}"

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret)

    def rules(self) -> list[dict[str, Any]]:
        return [dict(r) for r in (self.role_rules or []) if isinstance(r, dict)]
