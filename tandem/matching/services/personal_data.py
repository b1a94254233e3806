"""Export and erasure of the personal data the matching app holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from ..models import (
    MatchResult,
    MenteeProfile,
    MentorPair,
    MentorProfile,
    PartnerRanking,
    ProgramApplication,
    StudentRanking,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User


# --- Personal data ------------------------------------------------------------------------
def matching_personal_data_export(user: User) -> dict[str, Any]:
    """Everything the matching app holds about ``user``: rank lists, results with their
    explanations, mentor/mentee profiles, applications to mentor programs and pairs."""
    lists: dict[str, list[str]] = {}
    for r in (
        StudentRanking.objects.filter(student=user)
        .select_related("round", "opportunity")
        .order_by("round_id", "position")
    ):
        lists.setdefault(r.round.title, []).append(r.opportunity.title)
    results = [
        {
            "round": res.round.title,
            "placement": res.opportunity.title if res.opportunity else None,
            "rank": res.rank,
            "explanation": res.explanation,
        }
        for res in MatchResult.objects.filter(student=user).select_related("round", "opportunity")
    ]
    profile_fields = ("skills", "interests", "goals", "availability", "languages")
    profiles = [
        {"program": p.program.title, "as": "mentee", **{f: getattr(p, f) for f in profile_fields}}
        for p in MenteeProfile.objects.filter(student=user).select_related("program")
    ] + [
        {
            "program": p.program.title,
            "as": "mentor",
            "capacity": p.capacity,
            **{f: getattr(p, f) for f in profile_fields},
        }
        for p in MentorProfile.objects.filter(membership__user=user).select_related("program")
    ]
    pairs = [
        {
            "program": p.program.title,
            "mentor": p.mentor.membership.user.full_name,
            "mentee": p.mentee.student.full_name,
            "score": p.score,
            "reasons": p.reasons,
        }
        for p in MentorPair.objects.filter(
            Q(mentee__student=user) | Q(mentor__membership__user=user)
        ).select_related("program", "mentor__membership__user", "mentee__student")
    ]
    applications = [
        {
            "program": a.program.title,
            "as": a.kind,
            "status": a.status,
            "nominated": a.nominated_by_id is not None,
            "capacity": a.capacity,
            "reason": a.decision_reason,
            "applied_at": a.created_at.isoformat(),
            "decided_at": a.decided_at.isoformat() if a.decided_at else None,
            **{f: getattr(a, f) for f in profile_fields},
        }
        for a in ProgramApplication.objects.filter(user=user).select_related("program")
    ]
    return {
        "rank_lists": lists,
        "results": results,
        "profiles": profiles,
        "pairs": pairs,
        "mentor_program_applications": applications,
    }


@transaction.atomic
def matching_personal_data_erase(user: User) -> None:
    """Delete the user's rank lists and hosts' rankings of them, blank explanations, profiles,
    applications (profile and decision reason) and pair reasons. Results stay (placement and
    rank) so that round statistics remain true; placements themselves are applications,
    erased by that app."""
    StudentRanking.objects.filter(student=user).delete()
    PartnerRanking.objects.filter(student=user).delete()
    MatchResult.objects.filter(student=user).update(explanation={})
    blank: dict[str, list[str]] = {
        "skills": [],
        "interests": [],
        "goals": [],
        "availability": [],
        "languages": [],
    }
    MenteeProfile.objects.filter(student=user).update(**blank)
    MentorProfile.objects.filter(membership__user=user).update(**blank)
    ProgramApplication.objects.filter(user=user).update(**blank, decision_reason="")
    MentorPair.objects.filter(Q(mentee__student=user) | Q(mentor__membership__user=user)).update(
        reasons=[]
    )
