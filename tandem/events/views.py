"""Web pages for events: list, detail, register and cancel, create and edit, manage, check-in,
the private calendar feed, speaking requests and speaker profiles.

Events outside the viewer's scope answer 404; a visible event the viewer may not manage
answers 403.
"""

from __future__ import annotations

import uuid
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import signed_in_user
from tandem.core.links import absolute_url
from tandem.core.view_errors import attempt, form_page, submit
from tandem.organizations.models import Organization
from tandem.partnerships.models import Partnership
from tandem.skills.models import SkillConcept

from . import ics, selectors, services
from .forms import (
    CancelEventForm,
    CheckInForm,
    EventForm,
    SpeakerAddForm,
    SpeakerAnswerForm,
    SpeakerProfileForm,
    SpeakerRequestForm,
    SpeakerSearchForm,
    initial_from,
)
from .models import Event, EventStatus, RegistrationStatus
from .permissions import (
    can_answer_speaker_request,
    can_manage_event,
    can_register_for_event,
    conversation_members,
    organiser_institution_ids,
)


def _organiser_institutions(request: HttpRequest) -> Any:
    return Organization.objects.filter(
        pk__in=organiser_institution_ids(request.user), kind="institution"
    ).order_by("name")


def _partnerships_of(institution_ids: Any) -> Any:
    return Partnership.objects.filter(institutions__in=institution_ids).distinct().order_by("title")


def _managed(request: HttpRequest, public_id: uuid.UUID) -> Event:
    event = selectors.event_get_or_404(request.user, public_id)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    return event


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    past = request.GET.get("when") == "past"
    return render(
        request,
        "events/list.html",
        {
            "events": selectors.events_for(request.user, upcoming=not past)[:100],
            "past": past,
            "mine": selectors.my_registrations(request.user).filter(
                event__ends_at__gte=timezone.now()
            ),
            "can_create": _organiser_institutions(request).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    institutions = _organiser_institutions(request)
    if not institutions.exists():
        raise PermissionDenied
    form = EventForm(
        request.POST or None,
        institutions=institutions,
        partnerships=_partnerships_of(institutions),
    )
    return form_page(
        request,
        form,
        lambda d: services.event_create(actor=signed_in_user(request), **d),
        template="events/form.html",
        context={"creating": True},
        success=lambda e: redirect("events:detail", e.public_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = _managed(request, public_id)
    form = EventForm(
        request.POST or None,
        initial=initial_from(event),
        institutions=Organization.objects.filter(pk=event.institution_id),
        partnerships=_partnerships_of([event.institution_id]),
        editing=True,
    )
    return form_page(
        request,
        form,
        lambda d: services.event_update(actor=signed_in_user(request), event=event, **d),
        template="events/form.html",
        context={"event": event},
        success=lambda e: redirect("events:detail", e.public_id),
    )


def _qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


@login_required
@require_GET
def event_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = selectors.event_get_or_404(request.user, public_id)
    registration = selectors.registration_of(request.user, event)
    context: dict[str, Any] = {
        "event": event,
        "registration": registration,
        "counts": selectors.event_counts(event),
        "can_manage": can_manage_event(request.user, event),
        "can_register": can_register_for_event(request.user, event)
        and event.ends_at > timezone.now(),
        "cancel_form": CancelEventForm(),
        "can_converse": event.status != EventStatus.DRAFT
        and not getattr(request.user, "is_platform_admin", False)
        and request.user.pk in conversation_members(event),
    }
    if registration is not None:
        context["position"] = selectors.waitlist_position(registration)
        if registration.status == RegistrationStatus.CONFIRMED:
            token = services.checkin_token(registration)
            context["checkin_code"] = token
            context["checkin_qr"] = _qr_data_uri(token)
            now = timezone.now()
            context["self_checkin_open"] = (
                event.is_virtual
                and event.status == EventStatus.PUBLISHED
                and event.starts_at - services.SELF_CHECKIN_EARLY <= now <= event.ends_at
                and registration.checked_in_at is None
            )
    return render(request, "events/detail.html", context)


@login_required
@require_POST
def event_publish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = _managed(request, public_id)
    outcome = attempt(lambda: services.event_publish(actor=signed_in_user(request), event=event))
    if outcome.error:
        messages.error(request, outcome.error.message)
    else:
        messages.success(request, _("The event is published."))
    return redirect("events:detail", event.public_id)


@login_required
@require_POST
def event_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = _managed(request, public_id)
    form = CancelEventForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.event_cancel(
            actor=signed_in_user(request), event=event, reason=d["reason"]
        ),
    )
    if outcome.error:
        messages.error(request, outcome.error.message)
    elif outcome.ok:
        messages.success(request, _("The event is cancelled; everyone registered is told."))
    return redirect("events:detail", event.public_id)


@login_required
@require_POST
def register(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = selectors.event_get_or_404(request.user, public_id)
    # A refusal (registered twice, closed, not for you) leaves the view: the 409/403 page
    # with its message.
    registration = services.registration_create(actor=signed_in_user(request), event=event)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("You have a place."))
    else:
        messages.info(request, _("The event is full: you are on the waiting list."))
    return redirect("events:detail", event.public_id)


@login_required
@require_POST
def unregister(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = selectors.event_get_or_404(request.user, public_id)
    registration = selectors.registration_of(request.user, event)
    if registration is None:
        raise Http404
    outcome = attempt(
        lambda: services.registration_cancel(
            actor=signed_in_user(request), registration=registration
        )
    )
    if outcome.error:
        messages.error(request, outcome.error.message)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", event.public_id)


@login_required
@require_POST
def self_check_in(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = selectors.event_get_or_404(request.user, public_id)
    outcome = attempt(
        lambda: services.registration_self_check_in(actor=signed_in_user(request), event=event)
    )
    if outcome.error:
        messages.error(request, outcome.error.message)
    else:
        messages.success(request, _("You are checked in. Enjoy the event."))
    return redirect("events:detail", event.public_id)


@login_required
@require_GET
def event_ics(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = selectors.event_get_or_404(request.user, public_id)
    response = HttpResponse(
        ics.calendar_bytes([event]), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.public_id}.ics"'
    return response


@login_required
@require_GET
def manage(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = _managed(request, public_id)
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "counts": selectors.event_counts(event),
            "registrations": selectors.registrations_for_manager(event),
            "speaker_form": SpeakerAddForm(candidates=selectors.speaker_candidates(event)),
        },
    )


@login_required
@require_POST
def speaker_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = _managed(request, public_id)
    form = SpeakerAddForm(request.POST, candidates=selectors.speaker_candidates(event))
    outcome = submit(
        form,
        lambda d: services.event_speaker_add(
            actor=signed_in_user(request), event=event, membership=d["membership"], topic=d["topic"]
        ),
    )
    if outcome.ok:
        messages.success(request, _("Speaker added."))
    else:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors) or _("Choose a speaker."))
    return redirect("events:manage", event.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    event = _managed(request, public_id)
    form = CheckInForm(request.POST or None)
    checked: Any = None
    status = 200
    if request.method == "POST":
        outcome = submit(
            form,
            lambda d: services.registration_check_in(
                actor=signed_in_user(request), event=event, token=d["token"]
            ),
        )
        if outcome.ok:
            checked = outcome.value
            form = CheckInForm()
        else:
            status = 422 if outcome.invalid or outcome.error is None else outcome.error.status
            if status == 403:
                raise PermissionDenied
    return render(
        request,
        "events/check_in.html",
        {"event": event, "form": form, "checked": checked, "counts": selectors.event_counts(event)},
        status=status,
    )


# --- calendar feed -------------------------------------------------------------------------
@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    feed = selectors.feed_of(request.user)
    url = absolute_url(reverse("events:feed", args=[feed.token])) if feed else ""
    return render(request, "events/calendar.html", {"feed": feed, "feed_url": url})


@login_required
@require_POST
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    if selectors.feed_of(request.user) is None:
        services.calendar_feed_get_or_create(actor=signed_in_user(request))
        messages.success(request, _("Your calendar link is ready."))
    else:
        services.calendar_feed_regenerate(actor=signed_in_user(request))
        messages.success(request, _("A new calendar link is ready; the old one no longer works."))
    return redirect("events:calendar")


@login_required
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_revoke(actor=signed_in_user(request))
    messages.success(request, _("Your calendar link is turned off."))
    return redirect("events:calendar")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: whoever holds the secret URL (a calendar app) reads it."""
    found = selectors.feed_by_token(token)
    if found is None:
        raise Http404
    body = ics.calendar_bytes(selectors.calendar_events_of(found.user), name=_("Tandem events"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- speakers ------------------------------------------------------------------------------
@login_required
@require_GET
def speaker_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/speaker_requests.html",
        {
            "requests": selectors.speaker_requests_for(request.user)[:200],
            "can_request": _organiser_institutions(request).exists(),
            "partner_memberships": selectors.partner_memberships_of(request.user),
            "answer_form": SpeakerAnswerForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def speaker_request_new(request: HttpRequest) -> HttpResponse:
    institutions = _organiser_institutions(request)
    if not institutions.exists():
        raise PermissionDenied
    if request.method == "POST":
        form: Any = SpeakerRequestForm(request.POST, institutions=institutions)
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            suggestions = selectors.speaker_suggestions(
                request.user, institution=d["institution"], topic=d["topic"], limit=50
            )
            chosen = next((s for s in suggestions if s.membership.public_id == d["speaker"]), None)
            if chosen is None:
                form.add_error(None, _("Choose one of the suggested speakers."))
            else:
                outcome = submit(
                    form,
                    lambda data: services.speaker_request_create(
                        actor=signed_in_user(request),
                        institution=data["institution"],
                        speaker=chosen.membership,
                        topic=data["topic"],
                        class_name=data["class_name"],
                        preferred_date=data["preferred_date"],
                        message=data["message"],
                        reasons=chosen.reasons,
                        skills=list(
                            SkillConcept.objects.filter(preferred_label__in=chosen.matched)
                        ),
                    ),
                )
                if outcome.ok:
                    messages.success(request, _("Your request is sent."))
                    return redirect("events:speaker_requests")
        return render(
            request,
            "events/speaker_request_new.html",
            {"form": form, "suggestions": [], "searched": False},
            status=status,
        )
    search = SpeakerSearchForm(request.GET or None, institutions=institutions)
    found: list[Any] = []
    searched = False
    if request.GET and search.is_valid():
        searched = True
        found = selectors.speaker_suggestions(
            request.user,
            institution=search.cleaned_data["institution"],
            topic=search.cleaned_data["topic"],
        )
    return render(
        request,
        "events/speaker_request_new.html",
        {"form": search, "suggestions": found, "searched": searched},
    )


@login_required
@require_POST
def speaker_request_answer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    speaker_request = selectors.speaker_request_get_or_404(request.user, public_id)
    if not can_answer_speaker_request(request.user, speaker_request):
        raise PermissionDenied
    form = SpeakerAnswerForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.speaker_request_respond(
            actor=signed_in_user(request),
            request=speaker_request,
            accept=d["decision"] == "accept",
            note=d["note"],
        ),
    )
    if outcome.error:
        messages.error(request, outcome.error.message)
    elif outcome.ok:
        messages.success(request, _("Your answer is sent."))
    else:
        messages.error(request, _("Choose accept or decline."))
    return redirect("events:speaker_requests")


@login_required
@require_http_methods(["GET", "POST"])
def speaker_profile(request: HttpRequest) -> HttpResponse:
    memberships = selectors.partner_memberships_of(request.user)
    if not memberships:
        raise PermissionDenied
    membership = memberships[0]
    profile = selectors.speaker_profile_of(membership)
    initial = {
        "topics": profile.topics if profile else "",
        "skills": "\n".join(c.preferred_label for c in profile.skills.all()) if profile else "",
        "available": profile.available if profile else True,
    }
    form = SpeakerProfileForm(request.POST or None, initial=initial)

    def save(d: dict[str, Any]) -> Any:
        labels = [line.strip() for line in d["skills"].splitlines() if line.strip()]
        concepts = list(SkillConcept.objects.filter(preferred_label__in=labels, is_current=True))
        unknown = sorted(set(labels) - {c.preferred_label for c in concepts})
        if unknown:
            from tandem.core.errors import DomainError

            msg = _("Not ESCO skills: %(s)s") % {"s": ", ".join(unknown)}
            raise DomainError(msg, fields={"skills": msg})
        return services.speaker_profile_set(
            actor=signed_in_user(request),
            membership=membership,
            skills=concepts,
            topics=d["topics"],
            available=d["available"],
        )

    def done(_profile: Any) -> HttpResponse:
        messages.success(request, _("Your speaker profile is saved."))
        return redirect("events:speaker_profile")

    return form_page(
        request,
        form,
        save,
        template="events/speaker_profile.html",
        context={"membership": membership},
        success=done,
    )
