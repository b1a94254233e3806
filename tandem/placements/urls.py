from django.urls import path

from . import views, views_agreements, views_hours_link, views_visits

app_name = "placements"

urlpatterns = [
    path("", views.board, name="board"),
    path("requirements/", views.requirements, name="requirements"),
    path("hours/review/", views.hours_review, name="hours_review"),
    path("hours/report/", views.hours_report, name="hours_report"),
    path("evidence/<uuid:clearance_id>/", views.evidence_download, name="evidence"),
    path(
        "agreements/templates/",
        views_agreements.agreement_templates,
        name="agreement_templates",
    ),
    path(
        "agreements/templates/<uuid:template_id>/",
        views_agreements.agreement_template,
        name="agreement_template",
    ),
    path("agreements/to-sign/", views_agreements.agreements_to_sign, name="agreements_to_sign"),
    path("agreements/<uuid:public_id>/", views_agreements.agreement, name="agreement"),
    path(
        "agreements/<uuid:public_id>/edit/",
        views_agreements.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "agreements/<uuid:public_id>/send/",
        views_agreements.agreement_send,
        name="agreement_send",
    ),
    path(
        "agreements/<uuid:public_id>/sign/",
        views_agreements.agreement_sign,
        name="agreement_sign",
    ),
    path(
        "agreements/<uuid:public_id>/decline/",
        views_agreements.agreement_decline,
        name="agreement_decline",
    ),
    path(
        "agreements/<uuid:public_id>/amend/",
        views_agreements.agreement_amend,
        name="agreement_amend",
    ),
    path("agreements/<uuid:public_id>/pdf/", views_agreements.agreement_pdf, name="agreement_pdf"),
    path(
        "<uuid:public_id>/agreement/",
        views_agreements.agreement_create,
        name="agreement_create",
    ),
    path("incidents/", views_visits.incidents, name="incidents"),
    path("incidents/<uuid:public_id>/", views_visits.incident, name="incident"),
    path(
        "incidents/<uuid:public_id>/status/", views_visits.incident_status, name="incident_status"
    ),
    path(
        "incidents/<uuid:public_id>/evidence/",
        views_visits.incident_evidence,
        name="incident_evidence",
    ),
    path("visits/", views_visits.visits_home, name="visits_home"),
    path("visits/<uuid:visit_id>/record/", views_visits.visit_record, name="visit_record"),
    path("minors/", views_visits.minors, name="minors"),
    path(
        "diligence/<uuid:institution_id>/<uuid:partner_id>/",
        views_visits.diligence,
        name="diligence",
    ),
    path(
        "diligence/evidence/<uuid:item_id>/",
        views_visits.diligence_evidence,
        name="diligence_evidence",
    ),
    path("<uuid:public_id>/", views.placement, name="placement"),
    path("<uuid:public_id>/visits/", views_visits.visits, name="visits"),
    path("<uuid:public_id>/visits/schedule/", views_visits.visit_schedule, name="visit_schedule"),
    path("<uuid:public_id>/incidents/new/", views_visits.incident_report, name="incident_report"),
    path("<uuid:public_id>/terms/", views.terms, name="terms"),
    path("<uuid:public_id>/hours/", views.hours_log, name="hours_log"),
    path(
        "<uuid:public_id>/hours/link/",
        views_hours_link.hours_link_send,
        name="hours_link_send",
    ),
    path(
        "<uuid:public_id>/hours/approve/<str:token>/",
        views_hours_link.hours_link,
        name="hours_link",
    ),
    path(
        "<uuid:public_id>/clearances/<uuid:requirement_id>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "<uuid:public_id>/clearances/<uuid:requirement_id>/decide/",
        views.clearance_decide,
        name="clearance_decide",
    ),
]
