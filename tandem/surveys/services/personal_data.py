"""What surveys hold about a person: export and erasure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from ..models import SurveyInvitation, SurveyResponse

if TYPE_CHECKING:
    from tandem.accounts.models import User


def survey_personal_data_export(user: User) -> dict[str, Any]:
    return {
        "invitations": [
            {
                "survey": i.survey.title,
                "sent_at": i.sent_at,
                "responded_at": i.responded_at,
            }
            for i in SurveyInvitation.objects.filter(user=user).select_related("survey")
        ],
        "responses": [
            {
                "survey": r.survey.title,
                "submitted_on": r.submitted_on,
                "answers": {a.question.text: a.value for a in r.answers.select_related("question")},
            }
            for r in SurveyResponse.objects.filter(respondent=user).select_related("survey")
        ],
    }


@transaction.atomic
def survey_personal_data_erase(user: User) -> None:
    """Unlink responses from the person, blank their free text, delete their invitations.

    Scores stay (unlinked), so aggregates remain true."""
    for response in SurveyResponse.objects.filter(respondent=user):
        for answer in response.answers.select_related("question").filter(question__type="text"):
            answer.value = ""
            answer.save(update_fields=["value"])
    SurveyResponse.objects.filter(respondent=user).update(respondent=None, invitation=None)
    SurveyInvitation.objects.filter(user=user).delete()
