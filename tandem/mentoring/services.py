"""Every write about a published mentor pair: goals, the session log, scheduling (with the
iCalendar invitations sent through notifications), rematch requests, ending a pair, closing
reflections, the program's quiet setting, the "gone quiet" nudges, and the personal-data
export and erasure of all of it.

Services re-check who acts (members work in their own active pair; coordinators of the
program's institution close pairs), validate every field (a :class:`DomainError` naming the
field), and refuse any change to an ended pair apart from its members' reflections.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.core.links import absolute_url
from tandem.matching.models import MentorPair, MentorProgram
from tandem.notifications.services import notify
from tandem.organizations.models import Membership, Role

from .models import (
    DEFAULT_CHECKIN_WEEKS,
    DEFAULT_QUIET_DAYS,
    SESSION_MAX_MINUTES,
    SESSION_MIN_MINUTES,
    GoalStatus,
    PairEnding,
    PairGoal,
    PairSession,
    ProgramSettings,
    Reflection,
    RematchRequest,
    RematchStatus,
    SessionStatus,
)
from .permissions import (
    can_close_pair,
    can_view_program_health,
    can_work_in_pair,
    is_pair_member,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User

    #: Services act for a signed-in person (views and endpoints require sign-in).
    Actor = User

KIND_SESSION_PROPOSED = "mentoring.session_proposed"
KIND_SESSION_CHANGED = "mentoring.session_changed"
KIND_REMATCH = "mentoring.rematch_requested"
KIND_PAIR_ENDED = "mentoring.pair_ended"
KIND_QUIET = "mentoring.pair_quiet"
KIND_QUIET_COORDINATOR = "mentoring.pair_quiet_coordinator"

TITLE_MAX = 200
TOPICS_MAX = 500
NOTES_MAX = 10000
REASON_MAX = 2000
PLACE_MAX = 300
#: How far ahead a session may be scheduled, and how far back one may be logged.
SCHEDULE_AHEAD_DAYS = 366
LOG_BACK_DAYS = 366 * 2


# --- Helpers --------------------------------------------------------------------------------
def _invalid(field: str, message: str) -> DomainError:
    return DomainError(_("Please correct the errors below."), fields={field: [message]})


def _pair_ended(pair: MentorPair) -> bool:
    return PairEnding.objects.filter(pair_id=pair.pk).exists()


def _require_member_of_active_pair(actor: Actor, pair: MentorPair) -> None:
    if not can_work_in_pair(actor, pair):
        raise PermissionDeniedError(_("Only the pair's mentor and mentee can do this."))
    if _pair_ended(pair):
        raise ConflictError(_("This pair has ended: its workspace is read-only."), code="ended")


def _other_member_id(actor: Actor, pair: MentorPair) -> int:
    mentee_id = pair.mentee.student_id
    return pair.mentor.membership.user_id if actor.pk == mentee_id else mentee_id


def coordinator_ids(program: MentorProgram) -> list[int]:
    return list(
        Membership.objects.filter(
            organization_id=program.institution_id, role=Role.COORDINATOR, is_active=True
        ).values_list("user_id", flat=True)
    )


def _pair_link(pair: MentorPair) -> str:
    return reverse("mentoring:pair", args=[pair.public_id])


def _clean_text(value: str | None, field: str, *, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _invalid(field, _("This field is required."))
    if len(text) > limit:
        raise _invalid(field, _("At most %(n)d characters.") % {"n": limit})
    return text


def _clean_minutes(minutes: Any) -> int:
    try:
        value = int(minutes)
    except (TypeError, ValueError):
        raise _invalid("minutes", _("Enter a whole number of minutes.")) from None
    if not SESSION_MIN_MINUTES <= value <= SESSION_MAX_MINUTES:
        raise _invalid(
            "minutes",
            _("A session lasts %(lo)d to %(hi)d minutes.")
            % {"lo": SESSION_MIN_MINUTES, "hi": SESSION_MAX_MINUTES},
        )
    return value


def _clean_when(value: Any, *, future: bool) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise _invalid("starts_at", _("Enter a date and time."))
    now = timezone.now()
    if future:
        if value <= now:
            raise _invalid("starts_at", _("Choose a time in the future."))
        if value > now + dt.timedelta(days=SCHEDULE_AHEAD_DAYS):
            raise _invalid("starts_at", _("Schedule at most a year ahead."))
    else:
        if value > now + dt.timedelta(minutes=5):
            raise _invalid("starts_at", _("Log sessions that took place (schedule the next one)."))
        if value < now - dt.timedelta(days=LOG_BACK_DAYS):
            raise _invalid("starts_at", _("That is more than two years ago."))
    return value


def _clean_video_link(value: str | None) -> str:
    link = _clean_text(value, "video_link", limit=500)
    if link:
        parts = urlsplit(link)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise _invalid("video_link", _("Enter a full web address (https://…)."))
    return link


def _clean_progress(value: Any) -> int:
    try:
        progress = int(value)
    except (TypeError, ValueError):
        raise _invalid("progress", _("Enter a whole number from 0 to 100.")) from None
    if not 0 <= progress <= 100:
        raise _invalid("progress", _("Enter a whole number from 0 to 100."))
    return progress


def _clean_goal_status(value: Any) -> str:
    if value not in GoalStatus.values:
        raise _invalid("status", _("Choose a status from the list."))
    return str(value)


# --- Goals ----------------------------------------------------------------------------------
@transaction.atomic
def goal_create(
    *,
    actor: Actor,
    pair: MentorPair,
    title: str,
    target_date: dt.date | None = None,
    progress: int = 0,
) -> PairGoal:
    """Either member adds a shared goal to their active pair."""
    _require_member_of_active_pair(actor, pair)
    clean_title = _clean_text(title, "title", limit=TITLE_MAX, required=True)
    clean_progress = _clean_progress(progress)
    return PairGoal.objects.create(
        pair=pair,
        title=clean_title,
        target_date=target_date,
        progress=clean_progress,
        status=GoalStatus.ACHIEVED if clean_progress == 100 else GoalStatus.ACTIVE,
        updated_by=actor,
    )


@transaction.atomic
def goal_update(*, actor: Actor, goal: PairGoal, data: dict[str, Any]) -> PairGoal:
    """Either member updates a goal's title, target date, progress (0–100) or status; who
    updated it last is kept."""
    pair = goal.pair
    _require_member_of_active_pair(actor, pair)
    fields: dict[str, Any] = {}
    if "title" in data:
        fields["title"] = _clean_text(data["title"], "title", limit=TITLE_MAX, required=True)
    if "target_date" in data:
        if data["target_date"] is not None and not isinstance(data["target_date"], dt.date):
            raise _invalid("target_date", _("Enter a date."))
        fields["target_date"] = data["target_date"]
    if "progress" in data and data["progress"] is not None:
        fields["progress"] = _clean_progress(data["progress"])
    if data.get("status"):
        fields["status"] = _clean_goal_status(data["status"])
    elif fields.get("progress") == 100:
        fields["status"] = GoalStatus.ACHIEVED
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.updated_by = actor
    goal.save()
    return goal


@transaction.atomic
def goal_delete(*, actor: Actor, goal: PairGoal) -> None:
    """Either member removes a goal of their active pair."""
    _require_member_of_active_pair(actor, goal.pair)
    goal.delete()


# --- Sessions -------------------------------------------------------------------------------
@transaction.atomic
def session_log(
    *,
    actor: Actor,
    pair: MentorPair,
    starts_at: dt.datetime,
    minutes: int,
    topics: str = "",
    notes: str = "",
    shared_with_coordinator: bool = False,
    session: PairSession | None = None,
) -> PairSession:
    """A member logs a session that took place: when, how long (5–600 minutes), topics and
    notes (private to the pair unless shared with the coordinator). Logging a scheduled
    session marks it held."""
    _require_member_of_active_pair(actor, pair)
    fields = {
        "starts_at": _clean_when(starts_at, future=False),
        "minutes": _clean_minutes(minutes),
        "topics": _clean_text(topics, "topics", limit=TOPICS_MAX),
        "notes": _clean_text(notes, "notes", limit=NOTES_MAX),
        "shared_with_coordinator": bool(shared_with_coordinator),
        "status": SessionStatus.HELD,
    }
    if session is not None:
        if session.pair_id != pair.pk or session.status != SessionStatus.SCHEDULED:
            raise ConflictError(_("Only a scheduled session of this pair can be logged."))
        for name, value in fields.items():
            setattr(session, name, value)
        session.save()
        return session
    return PairSession.objects.create(pair=pair, created_by=actor, **fields)


def _ics_url(session: PairSession) -> str:
    return absolute_url(reverse("mentoring:session_ics", args=[session.public_id]))


@transaction.atomic
def session_schedule(
    *,
    actor: Actor,
    pair: MentorPair,
    starts_at: dt.datetime,
    minutes: int,
    place: str = "",
    video_link: str = "",
    topics: str = "",
    deliver_email: bool = True,
) -> PairSession:
    """A member proposes the next session (start, length, a place or a video link); the other
    member is notified, with the iCalendar invitation (METHOD:REQUEST) to download
    (``deliver_email=False``: in-app only, for the demo world)."""
    _require_member_of_active_pair(actor, pair)
    when = _clean_when(starts_at, future=True)
    length = _clean_minutes(minutes)
    clean_place = _clean_text(place, "place", limit=PLACE_MAX)
    link = _clean_video_link(video_link)
    if not clean_place and not link:
        raise _invalid("place", _("Give a place or a video link."))
    session = PairSession.objects.create(
        pair=pair,
        status=SessionStatus.SCHEDULED,
        starts_at=when,
        minutes=length,
        place=clean_place,
        video_link=link,
        topics=_clean_text(topics, "topics", limit=TOPICS_MAX),
        created_by=actor,
    )
    notify(
        recipients=[_other_member_id(actor, pair)],
        kind=KIND_SESSION_PROPOSED,
        title=gettext_lazy("%(name)s proposes a mentoring session on %(when)s"),
        body=gettext_lazy("Add it to your calendar: %(ics)s"),
        params={
            "name": actor.full_name,
            "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M %Z"),
            "ics": _ics_url(session),
        },
        link=_pair_link(pair),
        subject=session,
        dedupe_key=f"{session.public_id}:0",
        data={"ics": reverse("mentoring:session_ics", args=[session.public_id])},
        deliver_email=deliver_email,
    )
    return session


def _scheduled(session: PairSession) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise ConflictError(_("Only a scheduled session can be changed."), code="bad_status")


@transaction.atomic
def session_reschedule(
    *,
    actor: Actor,
    session: PairSession,
    starts_at: dt.datetime,
    minutes: int | None = None,
    place: str | None = None,
    video_link: str | None = None,
) -> PairSession:
    """Move a scheduled session; the invitation's SEQUENCE goes up and the other member gets
    the updated invitation."""
    pair = session.pair
    _require_member_of_active_pair(actor, pair)
    locked = PairSession.objects.select_for_update().get(pk=session.pk)
    _scheduled(locked)
    locked.starts_at = _clean_when(starts_at, future=True)
    if minutes is not None:
        locked.minutes = _clean_minutes(minutes)
    if place is not None:
        locked.place = _clean_text(place, "place", limit=PLACE_MAX)
    if video_link is not None:
        locked.video_link = _clean_video_link(video_link)
    if not locked.place and not locked.video_link:
        raise _invalid("place", _("Give a place or a video link."))
    locked.sequence += 1
    locked.save()
    _notify_change(actor, locked, cancelled=False)
    return locked


@transaction.atomic
def session_cancel(*, actor: Actor, session: PairSession) -> PairSession:
    """Call off a scheduled session; the other member gets METHOD:CANCEL."""
    pair = session.pair
    _require_member_of_active_pair(actor, pair)
    locked = PairSession.objects.select_for_update().get(pk=session.pk)
    _scheduled(locked)
    locked.status = SessionStatus.CANCELLED
    locked.sequence += 1
    locked.save()
    _notify_change(actor, locked, cancelled=True)
    return locked


def _notify_change(actor: Actor, session: PairSession, *, cancelled: bool) -> None:
    pair = session.pair
    notify(
        recipients=[_other_member_id(actor, pair)],
        kind=KIND_SESSION_CHANGED,
        title=gettext_lazy("%(name)s cancelled the mentoring session of %(when)s")
        if cancelled
        else gettext_lazy("%(name)s moved your mentoring session to %(when)s"),
        body=gettext_lazy("Update your calendar: %(ics)s"),
        params={
            "name": actor.full_name,
            "when": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M %Z"),
            "ics": _ics_url(session),
        },
        link=_pair_link(pair),
        subject=session,
        dedupe_key=f"{session.public_id}:{session.sequence}",
        data={"ics": reverse("mentoring:session_ics", args=[session.public_id])},
    )


# --- Rematch requests and the end of a pair -------------------------------------------------
@transaction.atomic
def rematch_request_create(*, actor: Actor, pair: MentorPair, reason: str) -> RematchRequest:
    """A member asks the coordinators for a rematch. The reason is not shown to the other
    member; the coordinators are notified (without the reason)."""
    _require_member_of_active_pair(actor, pair)
    text = _clean_text(reason, "reason", limit=REASON_MAX, required=True)
    if RematchRequest.objects.filter(
        pair=pair, requested_by=actor, status=RematchStatus.OPEN
    ).exists():
        raise ConflictError(_("You already asked for a rematch; the coordinator will answer."))
    request = RematchRequest.objects.create(pair=pair, requested_by=actor, reason=text)
    program = pair.program
    notify(
        recipients=coordinator_ids(program),
        kind=KIND_REMATCH,
        title=gettext_lazy("A rematch is requested in “%(program)s”"),
        params={"program": program.title},
        link=_pair_link(pair),
        subject=request,
        dedupe_key=str(request.public_id),
    )
    audit_record(
        actor=actor,
        action="mentoring.rematch_requested",
        target=pair,
        organizations=[program.institution_id],
        changes={"request": str(request.public_id)},
    )
    return request


@transaction.atomic
def pair_close(*, actor: Actor, pair: MentorPair, reason: str) -> PairEnding:
    """A coordinator ends a pair (with a reason, shown to both members); its open rematch
    requests are closed and its scheduled sessions cancelled. The pair is read-only from
    then on; its members may write their closing reflection."""
    if not can_close_pair(actor, pair):
        raise PermissionDeniedError(_("Only the program's coordinators can end a pair."))
    text = _clean_text(reason, "reason", limit=REASON_MAX, required=True)
    locked = MentorPair.objects.select_for_update().get(pk=pair.pk)
    if PairEnding.objects.filter(pair=locked).exists():
        raise ConflictError(_("This pair has already ended."), code="ended")
    ending = PairEnding.objects.create(pair=locked, reason=text, ended_by=actor)
    now = timezone.now()
    RematchRequest.objects.filter(pair=locked, status=RematchStatus.OPEN).update(
        status=RematchStatus.CLOSED, closed_at=now, updated_at=now
    )
    PairSession.objects.filter(pair=locked, status=SessionStatus.SCHEDULED).update(
        status=SessionStatus.CANCELLED, updated_at=now
    )
    notify(
        recipients=[pair.mentee.student_id, pair.mentor.membership.user_id],
        kind=KIND_PAIR_ENDED,
        title=gettext_lazy("Your mentoring pair in “%(program)s” has ended"),
        body=gettext_lazy("Please write your closing reflection."),
        params={"program": pair.program.title},
        link=_pair_link(pair),
        subject=ending,
        dedupe_key=str(pair.public_id),
    )
    audit_record(
        actor=actor,
        action="mentoring.pair_ended",
        target=locked,
        organizations=[pair.program.institution_id],
        changes={"reason": text[:200]},
    )
    return ending


@transaction.atomic
def program_pairs_end(*, actor: Actor, program: MentorProgram, reason: str = "") -> int:
    """A coordinator ends the program's mentoring: every active pair ends (reflections
    open). Returns how many pairs ended."""
    if not can_view_program_health(actor, program):
        raise PermissionDeniedError(_("Only the program's coordinators can end its pairs."))
    if program.status != "published":
        raise ConflictError(_("Only a published program's pairs can end."), code="bad_status")
    text = _clean_text(reason, "reason", limit=REASON_MAX) or _("The program has ended.")
    pairs = list(
        MentorPair.objects.filter(program=program, ending__isnull=True).select_related(
            "program", "mentee", "mentor__membership"
        )
    )
    for pair in pairs:
        pair_close(actor=actor, pair=pair, reason=text)
    return len(pairs)


@transaction.atomic
def reflection_submit(
    *, actor: Actor, pair: MentorPair, rating: int, went_well: str = ""
) -> Reflection:
    """A member writes (or rewrites) their closing reflection once the pair has ended."""
    if not (pair.program.status == "published" and is_pair_member(actor, pair)):
        raise PermissionDeniedError(_("Only the pair's mentor and mentee can do this."))
    if not _pair_ended(pair):
        raise ConflictError(_("Reflections open when the pair ends."), code="not_ended")
    try:
        value = int(rating)
    except (TypeError, ValueError):
        raise _invalid("rating", _("Choose a rating from 1 to 5.")) from None
    if not 1 <= value <= 5:
        raise _invalid("rating", _("Choose a rating from 1 to 5."))
    text = _clean_text(went_well, "went_well", limit=5000)
    reflection, _created = Reflection.objects.update_or_create(
        pair=pair, author=actor, defaults={"rating": value, "went_well": text}
    )
    return reflection


@transaction.atomic
def program_settings_set(
    *,
    actor: Actor,
    program: MentorProgram,
    quiet_days: int,
    checkin_weeks: int | None = None,
) -> ProgramSettings:
    """A coordinator sets after how many days without a session a pair counts as quiet, and
    how many weeks apart the check-in surveys go out (0: none; None keeps the current)."""
    if not can_view_program_health(actor, program):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))
    try:
        days = int(quiet_days)
    except (TypeError, ValueError):
        raise _invalid("quiet_days", _("Enter a number of days from 3 to 365.")) from None
    if not 3 <= days <= 365:
        raise _invalid("quiet_days", _("Enter a number of days from 3 to 365."))
    defaults: dict[str, int] = {"quiet_days": days}
    if checkin_weeks is not None:
        try:
            weeks = int(checkin_weeks)
        except (TypeError, ValueError):
            raise _invalid("checkin_weeks", _("Enter a number of weeks from 0 to 26.")) from None
        if not 0 <= weeks <= 26:
            raise _invalid("checkin_weeks", _("Enter a number of weeks from 0 to 26."))
        defaults["checkin_weeks"] = weeks
    settings_row, _created = ProgramSettings.objects.update_or_create(
        program=program, defaults=defaults
    )
    audit_record(
        actor=actor,
        action="mentoring.settings_changed",
        target=program,
        organizations=[program.institution_id],
        changes=dict(defaults),
    )
    return settings_row


# --- Check-in surveys -------------------------------------------------------------------------
#: The surveys library's check-ins (tandem/surveys/library/placements.py), one per side.
CHECKIN_TEMPLATES = {"mentor": "mentor_checkin", "mentee": "mentee_checkin"}


def send_checkins(*, today: dt.date | None = None) -> int:
    """Send the check-in surveys that are due: every ``checkin_weeks`` weeks after a program's
    pairs were published, each member of each pair that has not ended is invited to their
    side's check-in (the institution's copy of the library template). The invitation's
    trigger key names the pair, the period and the side, so a second run in the same period
    sends nothing. Returns the invitations made."""
    from tandem.surveys import services as surveys_services
    from tandem.surveys.selectors import invitation_sent_for

    day = today or timezone.localdate()
    made = 0
    programs = MentorProgram.objects.filter(status="published", published_at__isnull=False)
    weeks_of = dict(ProgramSettings.objects.values_list("program_id", "checkin_weeks"))
    for program in programs.select_related("institution"):
        weeks = weeks_of.get(program.pk, DEFAULT_CHECKIN_WEEKS)
        if not weeks:
            continue
        period = (day - timezone.localdate(program.published_at)).days // (7 * weeks)
        if period < 1:
            continue
        pairs = (
            MentorPair.objects.filter(program=program, ending__isnull=True)
            .select_related("mentee__student", "mentor__membership__user")
            .order_by("pk")
        )
        surveys: dict[str, Any] = {}
        for pair in pairs:
            people = {
                "mentor": pair.mentor.membership.user,
                "mentee": pair.mentee.student,
            }
            for side, person in people.items():
                if person is None or not person.is_active:
                    continue
                key = f"mentoring-checkin:{pair.public_id}:{period}:{side}"
                if side not in surveys:
                    survey = surveys_services.survey_from_template(
                        actor=None,
                        institution=program.institution,
                        template_key=CHECKIN_TEMPLATES[side],
                        publish=True,
                    )
                    surveys[side] = survey if survey.is_accepting() else None
                survey = surveys[side]
                if survey is None or invitation_sent_for(survey, key):
                    continue
                with transaction.atomic():
                    surveys_services.invitation_create(
                        actor=None,
                        survey=survey,
                        user=person,
                        trigger_key=key,
                        subject_label=program.title,
                    )
                made += 1
    return made


# --- The "gone quiet" nudge -----------------------------------------------------------------
@transaction.atomic
def nudge_quiet_pairs(*, now: dt.datetime | None = None, deliver_email: bool = True) -> int:
    """Tell both members of every active published pair with no session for the program's
    N days (default 21) that their pair has gone quiet, and the coordinators too after 2×N
    days. Once per quiet spell: the dedupe key carries the pair and its last session (or the
    publication, when none), so a new session starts a new spell. Returns the notifications
    written."""
    from .selectors import quiet_pair_rows

    moment = now or timezone.now()
    written = 0
    coordinators: dict[int, list[int]] = {}
    for row in quiet_pair_rows(MentorPair.objects.all(), now=moment):
        pair = row.pair
        spell = f"{pair.public_id}:{row.since.isoformat()}"
        written += notify(
            recipients=[pair.mentee.student_id, pair.mentor.membership.user_id],
            kind=KIND_QUIET,
            title=gettext_lazy("Your mentoring pair has had no session for %(days)s days"),
            body=gettext_lazy("Schedule your next session from the pair's page."),
            params={"days": row.days},
            link=_pair_link(pair),
            subject=pair,
            dedupe_key=spell,
            deliver_email=deliver_email,
        )
        if row.escalate:
            program = pair.program
            if program.pk not in coordinators:
                coordinators[program.pk] = coordinator_ids(program)
            written += notify(
                recipients=coordinators[program.pk],
                kind=KIND_QUIET_COORDINATOR,
                title=gettext_lazy(
                    "%(mentee)s and %(mentor)s (%(program)s) have had no session for %(days)s days"
                ),
                params={
                    "mentee": pair.mentee.student.full_name,
                    "mentor": pair.mentor.membership.user.full_name,
                    "program": program.title,
                    "days": row.days,
                },
                link=_pair_link(pair),
                subject=pair,
                dedupe_key=spell,
                deliver_email=deliver_email,
            )
    return written


def quiet_days_default() -> int:
    return DEFAULT_QUIET_DAYS


# --- Personal data --------------------------------------------------------------------------
def _member_pairs(user: User) -> Q:
    return Q(pair__mentee__student=user) | Q(pair__mentor__membership__user=user)


def mentoring_personal_data_export(user: User) -> dict[str, Any]:
    """Everything this app holds about ``user``: their pairs' goals and sessions (with
    notes), pair endings, their own rematch requests and reflections."""
    goals = [
        {
            "program": g.pair.program.title,
            "goal": g.title,
            "target_date": g.target_date,
            "progress": g.progress,
            "status": g.status,
        }
        for g in PairGoal.objects.filter(_member_pairs(user)).select_related("pair__program")
    ]
    sessions = [
        {
            "program": s.pair.program.title,
            "status": s.status,
            "starts_at": s.starts_at,
            "minutes": s.minutes,
            "topics": s.topics,
            "notes": s.notes,
            "shared_with_coordinator": s.shared_with_coordinator,
            "place": s.place,
            "video_link": s.video_link,
        }
        for s in PairSession.objects.filter(_member_pairs(user)).select_related("pair__program")
    ]
    endings = [
        {"program": e.pair.program.title, "reason": e.reason, "ended_at": e.created_at}
        for e in PairEnding.objects.filter(_member_pairs(user)).select_related("pair__program")
    ]
    rematch = [
        {
            "program": r.pair.program.title,
            "reason": r.reason,
            "status": r.status,
            "requested_at": r.created_at,
        }
        for r in RematchRequest.objects.filter(requested_by=user).select_related("pair__program")
    ]
    reflections = [
        {"program": r.pair.program.title, "rating": r.rating, "went_well": r.went_well}
        for r in Reflection.objects.filter(author=user).select_related("pair__program")
    ]
    return {
        "goals": goals,
        "sessions": sessions,
        "pair_endings": endings,
        "rematch_requests": rematch,
        "reflections": reflections,
    }


@transaction.atomic
def mentoring_personal_data_erase(user: User) -> None:
    """Delete the user's reflections and rematch requests and their pairs' goals; blank the
    topics, notes, places and links of their pairs' sessions and the reasons their pairs
    ended. Session dates and lengths stay (without content) so that program statistics
    remain true."""
    Reflection.objects.filter(author=user).delete()
    RematchRequest.objects.filter(requested_by=user).delete()
    PairGoal.objects.filter(_member_pairs(user)).delete()
    PairSession.objects.filter(_member_pairs(user)).update(
        topics="", notes="", place="", video_link=""
    )
    PairEnding.objects.filter(_member_pairs(user)).update(reason="")
