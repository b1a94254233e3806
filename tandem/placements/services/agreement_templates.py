"""Learning agreement templates: a coordinator's model of an institution's agreements — the
sections, standard texts, signing order and whether a placement may start before its
agreement is fully signed (docs/placements.md, ADR 0018)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.opportunities.models import OpportunityType
from tandem.organizations.models import Organization

from ..models import AgreementSection, AgreementTemplate, SignerRole
from ..permissions import can_manage_agreement_templates

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

TEXT_MAX = 5000


def _clean_template(
    *,
    name: str,
    opportunity_type: str,
    sections: Sequence[str],
    signing_order: Sequence[str],
    texts: Mapping[str, str],
) -> tuple[str, list[str], list[str]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the template a name.")]
    elif len(name) > 200:
        errors["name"] = [_("At most 200 characters.")]
    if opportunity_type and opportunity_type not in OpportunityType.values:
        errors["opportunity_type"] = [_("Choose a placement type.")]
    unknown = [s for s in sections if s not in AgreementSection.values]
    if unknown or not sections:
        errors["sections"] = [_("Choose at least one section from the list.")]
    order = list(signing_order)
    if not order:
        errors["signing_order"] = [_("Name at least one signer.")]
    elif any(r not in SignerRole.values for r in order):
        errors["signing_order"] = [_("Choose signers from the list of roles.")]
    elif len(set(order)) != len(order):
        errors["signing_order"] = [_("Each role signs once.")]
    for key, text in texts.items():
        if len(text or "") > TEXT_MAX:
            errors[key] = [_("At most %(n)d characters.") % {"n": TEXT_MAX}]
    if errors:
        raise DomainError(_("The template could not be saved."), fields=errors)
    ordered_sections = [s for s in AgreementSection.values if s in set(sections)]
    return name, ordered_sections, order


@transaction.atomic
def agreement_template_create(
    *,
    actor: Actor,
    institution: Organization,
    name: str,
    sections: Sequence[str],
    signing_order: Sequence[str],
    opportunity_type: str = "",
    insurance_text: str = "",
    stipend_text: str = "",
    minors_text: str = "",
    clauses: str = "",
    required_before_start: bool = False,
) -> AgreementTemplate:
    """A coordinator defines a learning agreement template for the institution (optionally
    for one placement type): its sections, standard texts and signing order."""
    if not can_manage_agreement_templates(actor, institution.pk):
        raise PermissionDeniedError()
    texts = {
        "insurance_text": insurance_text,
        "stipend_text": stipend_text,
        "minors_text": minors_text,
        "clauses": clauses,
    }
    name, ordered, order = _clean_template(
        name=name,
        opportunity_type=opportunity_type,
        sections=sections,
        signing_order=signing_order,
        texts=texts,
    )
    template = AgreementTemplate.objects.create(
        institution=institution,
        name=name,
        opportunity_type=opportunity_type,
        sections=ordered,
        signing_order=order,
        required_before_start=required_before_start,
        created_by=actor if actor.is_authenticated else None,
        **{k: (v or "").strip() for k, v in texts.items()},
    )
    audit_record(
        actor=actor,
        action="placements.agreement_template_created",
        target=template,
        organizations=[institution.pk],
        changes={"signing_order": order, "required_before_start": required_before_start},
    )
    return template


@transaction.atomic
def agreement_template_update(
    *,
    actor: Actor,
    template: AgreementTemplate,
    name: str,
    sections: Sequence[str],
    signing_order: Sequence[str],
    opportunity_type: str = "",
    insurance_text: str = "",
    stipend_text: str = "",
    minors_text: str = "",
    clauses: str = "",
    required_before_start: bool = False,
    is_active: bool = True,
) -> AgreementTemplate:
    """A coordinator changes a template. Agreements already prepared keep the content and
    signing order they were made with; new ones use the change."""
    if not can_manage_agreement_templates(actor, template.institution_id):
        raise PermissionDeniedError()
    texts = {
        "insurance_text": insurance_text,
        "stipend_text": stipend_text,
        "minors_text": minors_text,
        "clauses": clauses,
    }
    name, ordered, order = _clean_template(
        name=name,
        opportunity_type=opportunity_type,
        sections=sections,
        signing_order=signing_order,
        texts=texts,
    )
    locked = AgreementTemplate.objects.select_for_update().get(pk=template.pk)
    locked.name = name
    locked.opportunity_type = opportunity_type
    locked.sections = ordered
    locked.signing_order = order
    locked.required_before_start = required_before_start
    locked.is_active = is_active
    for k, v in texts.items():
        setattr(locked, k, (v or "").strip())
    locked.save()
    audit_record(
        actor=actor,
        action="placements.agreement_template_updated",
        target=locked,
        organizations=[locked.institution_id],
        changes={
            "signing_order": order,
            "required_before_start": required_before_start,
            "is_active": is_active,
        },
    )
    return locked
