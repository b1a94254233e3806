"""Messaging pages: the inbox, a conversation, starting one about an object, reporting abuse,
and an institution's setting of who may start conversations with its students."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.models import signed_in_user
from tandem.core.view_errors import form_page
from tandem.organizations.models import Organization
from tandem.organizations.services import organization_student_messaging_set

from . import selectors, services
from .data import get_subject_type
from .forms import MessageForm, ReportForm, StartForm, StudentMessagingForm
from .models import Conversation, Message
from .permissions import can_set_student_messaging, can_start_conversation


def _conversation_or_404(request: HttpRequest, public_id: UUID) -> Conversation:
    found = selectors.conversation_get(request.user, public_id)
    if found is None:
        raise Http404
    return found


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "messaging/inbox.html",
        {"conversations": selectors.conversations_for(request.user)[:200]},
    )


@login_required
def conversation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conv = _conversation_or_404(request, public_id)
    spec, obj = selectors.subject_of(conv)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":

        def sent(_message: Message) -> HttpResponse:
            return redirect("messaging:conversation", public_id=conv.public_id)

        return form_page(
            request,
            form,
            lambda d: services.message_send(
                actor=signed_in_user(request),
                conversation=conv,
                body=d["body"],
                attachment=d.get("attachment"),
            ),
            template="messaging/conversation.html",
            context=_conversation_context(conv, spec, obj),
            success=sent,
        )
    return render(
        request,
        "messaging/conversation.html",
        {**_conversation_context(conv, spec, obj), "form": form},
    )


def _conversation_context(conv: Conversation, spec: Any, obj: Any) -> dict[str, Any]:
    return {
        "conversation": conv,
        "subject_label": spec.label,
        "subject_link": spec.link(obj) if obj is not None else "",
        "subject_title": spec.title(obj) if obj is not None else "",
        "participants": selectors.participants_of(conv),
        "message_list": selectors.messages_of(conv),
        "report_form": ReportForm(),
    }


@login_required
@require_POST
def mark_read(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conv = _conversation_or_404(request, public_id)
    services.conversation_mark_read(actor=signed_in_user(request), conversation=conv)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204)
    return redirect("messaging:conversation", public_id=conv.public_id)


@login_required
def start(request: HttpRequest, subject_type: str, subject_id: str) -> HttpResponse:
    """Start a conversation about an object, with some of the people who belong to it."""
    try:
        spec = get_subject_type(subject_type)
    except ValueError:
        raise Http404 from None
    obj = spec.resolve(subject_id)
    if obj is None or not can_start_conversation(request.user, spec, obj):
        raise Http404
    User = get_user_model()
    people = list(User.objects.filter(pk__in=spec.members(obj) - {request.user.pk}))
    form = StartForm(request.POST or None, request.FILES or None, people=people)

    def started(conv: Conversation) -> HttpResponse:
        return redirect("messaging:conversation", public_id=conv.public_id)

    return form_page(
        request,
        form,
        lambda d: services.conversation_start(
            actor=signed_in_user(request),
            subject_type=spec.key,
            subject_id=subject_id,
            title=d["title"],
            body=d["body"],
            participants=[form.people[k] for k in d["participants"]],
            attachment=d.get("attachment"),
        ),
        template="messaging/start.html",
        context={
            "subject_label": spec.label,
            "subject_title": spec.title(obj),
            "subject_link": spec.link(obj),
        },
        success=started,
    )


@login_required
@require_POST
def report(request: HttpRequest, public_id: UUID, message_id: UUID) -> HttpResponse:
    conv = _conversation_or_404(request, public_id)
    message = conv.messages.filter(public_id=message_id).first()
    if message is None:
        raise Http404
    form = ReportForm(request.POST)
    if form.is_valid():
        services.message_report(
            actor=signed_in_user(request), message=message, reason=form.cleaned_data["reason"]
        )
        flash.success(request, _("Thank you. The institution's coordinators have been told."))
    else:
        flash.error(request, _("Say what is wrong with this message."))
    return redirect("messaging:conversation", public_id=conv.public_id)


@login_required
@require_GET
def attachment(request: HttpRequest, public_id: UUID, message_id: UUID) -> FileResponse:
    """A message's attachment, only to the conversation's participants."""
    conv = _conversation_or_404(request, public_id)
    message = conv.messages.filter(public_id=message_id).exclude(attachment="").first()
    if message is None:
        raise Http404
    try:
        handle = message.attachment.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing.") from None
    extension = message.attachment.name.rsplit(".", 1)[-1] if "." in message.attachment.name else ""
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"attachment.{extension}" if extension else "attachment",
        content_type=message.attachment_type or "application/octet-stream",
    )


@login_required
def student_messaging(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """An institution's coordinators choose who may start conversations with its students."""
    organization = Organization.objects.filter(public_id=public_id).first()
    if organization is None:
        raise Http404
    if not can_set_student_messaging(request.user, organization):
        raise PermissionDenied(_("Only the institution's coordinators choose this."))
    form = StudentMessagingForm(
        request.POST or None, initial={"student_messaging": organization.student_messaging}
    )

    def saved(_org: Organization) -> HttpResponse:
        flash.success(request, _("Saved."))
        return redirect("messaging:student_messaging", public_id=organization.public_id)

    return form_page(
        request,
        form,
        lambda d: organization_student_messaging_set(
            actor=signed_in_user(request), organization=organization, policy=d["student_messaging"]
        ),
        template="messaging/student_messaging.html",
        context={"organization": organization},
        success=saved,
    )
