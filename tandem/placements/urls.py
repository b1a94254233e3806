from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("", views.board, name="board"),
    path("requirements/", views.requirements, name="requirements"),
    path("hours/review/", views.hours_review, name="hours_review"),
    path("hours/report/", views.hours_report, name="hours_report"),
    path("evidence/<uuid:clearance_id>/", views.evidence_download, name="evidence"),
    path("<uuid:public_id>/", views.placement, name="placement"),
    path("<uuid:public_id>/terms/", views.terms, name="terms"),
    path("<uuid:public_id>/hours/", views.hours_log, name="hours_log"),
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
