"""factory_boy factories for the domain, one module per area; every name is importable from
``tests.factories``. Passwords are all ``correct-horse-battery``."""

from tests.factories.applications import (
    MINIMAL_PDF,
    PNG_BYTES,
    ApplicationCast,
    application_at,
    application_cast,
    pdf_upload,
    png_upload,
)
from tests.factories.curricula import (
    SMALL_TAXONOMY,
    CourseFactory,
    LearningOutcomeFactory,
    OutcomeSkillFactory,
    ProgramFactory,
    small_taxonomy,
)
from tests.factories.events import EventCast, event_cast, event_fields, published_event
from tests.factories.matching import MatchRoundCast, match_round_cast
from tests.factories.opportunities import (
    ApplicationFactory,
    OpportunityCast,
    OpportunityFactory,
    PartnershipFactory,
    SiteFactory,
    opportunity_cast,
    opportunity_fields,
    published_opportunity,
)
from tests.factories.organizations import (
    PASSWORD,
    InstitutionFactory,
    MembershipFactory,
    PartnerFactory,
    UserFactory,
    member,
)
from tests.factories.surveys import VALID_ANSWERS, SurveyCast, survey_cast, survey_with_questions

__all__ = [
    "MINIMAL_PDF",
    "PASSWORD",
    "PNG_BYTES",
    "SMALL_TAXONOMY",
    "VALID_ANSWERS",
    "ApplicationCast",
    "ApplicationFactory",
    "CourseFactory",
    "EventCast",
    "InstitutionFactory",
    "LearningOutcomeFactory",
    "MatchRoundCast",
    "MembershipFactory",
    "OpportunityCast",
    "OpportunityFactory",
    "OutcomeSkillFactory",
    "PartnerFactory",
    "PartnershipFactory",
    "ProgramFactory",
    "SiteFactory",
    "SurveyCast",
    "UserFactory",
    "application_at",
    "application_cast",
    "event_cast",
    "event_fields",
    "match_round_cast",
    "member",
    "opportunity_cast",
    "opportunity_fields",
    "pdf_upload",
    "png_upload",
    "published_event",
    "published_opportunity",
    "small_taxonomy",
    "survey_cast",
    "survey_with_questions",
]
