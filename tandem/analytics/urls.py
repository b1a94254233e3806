from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path(
        "institutions/<uuid:public_id>/",
        views.dashboard_view,
        {"kind": "institution"},
        name="institution",
    ),
    path(
        "institutions/<uuid:public_id>/programs/<str:program>/",
        views.dashboard_view,
        {"kind": "program"},
        name="program",
    ),
    path("partners/<uuid:public_id>/", views.dashboard_view, {"kind": "partner"}, name="partner"),
    path(
        "partnerships/<uuid:public_id>/",
        views.dashboard_view,
        {"kind": "partnership"},
        name="partnership",
    ),
    path(
        "institutions/<uuid:public_id>/export/<slug:table>.<slug:fmt>",
        views.dashboard_export,
        {"kind": "institution"},
        name="institution_export",
    ),
    path(
        "institutions/<uuid:public_id>/programs/<str:program>/export/<slug:table>.<slug:fmt>",
        views.dashboard_export,
        {"kind": "program"},
        name="program_export",
    ),
    path(
        "partners/<uuid:public_id>/export/<slug:table>.<slug:fmt>",
        views.dashboard_export,
        {"kind": "partner"},
        name="partner_export",
    ),
    path(
        "partnerships/<uuid:public_id>/export/<slug:table>.<slug:fmt>",
        views.dashboard_export,
        {"kind": "partnership"},
        name="partnership_export",
    ),
    path(
        "partnerships/<uuid:public_id>/review/",
        views.review_report,
        name="review",
    ),
    path(
        "partnerships/<uuid:public_id>/review.pdf",
        views.review_report_pdf,
        name="review_pdf",
    ),
    path(
        "partnerships/<uuid:public_id>/health/",
        views.partnership_health,
        name="partnership_health",
    ),
    path(
        "partnerships/<uuid:public_id>/review/export/<slug:table>.<slug:fmt>",
        views.review_report_export,
        name="review_export",
    ),
    path(
        "partnerships/<uuid:public_id>/health/export/<slug:table>.<slug:fmt>",
        views.partnership_health_export,
        name="partnership_health_export",
    ),
]
