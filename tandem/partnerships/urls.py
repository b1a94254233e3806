from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("new/", views.partnership_create, name="create"),
    path("<uuid:public_id>/", views.partnership_detail_view, name="detail"),
    path("<uuid:public_id>/edit/", views.partnership_edit, name="edit"),
    path("<uuid:public_id>/transition/", views.partnership_transition, name="transition"),
    path("<uuid:public_id>/objectives/", views.objective_create, name="objective_create"),
    path(
        "<uuid:public_id>/objectives/<uuid:objective_id>/kpis/",
        views.kpi_create,
        name="kpi_create",
    ),
    path(
        "<uuid:public_id>/kpis/<uuid:kpi_id>/measurements/",
        views.measurement_create,
        name="measurement_create",
    ),
    path("<uuid:public_id>/commitments/", views.commitment_create, name="commitment_create"),
    path(
        "<uuid:public_id>/commitments/<uuid:commitment_id>/deliveries/",
        views.delivery_create,
        name="delivery_create",
    ),
    path("<uuid:public_id>/contacts/", views.contact_create, name="contact_create"),
    path(
        "<uuid:public_id>/contacts/<uuid:contact_id>/delete/",
        views.contact_delete,
        name="contact_delete",
    ),
    path(
        "<uuid:public_id>/communication/",
        views.communication_create,
        name="communication_create",
    ),
    path("<uuid:public_id>/actions/", views.action_item_create, name="action_item_create"),
    path(
        "<uuid:public_id>/actions/<uuid:item_id>/toggle/",
        views.action_item_toggle,
        name="action_item_toggle",
    ),
    path("<uuid:public_id>/documents/", views.document_upload, name="document_upload"),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
]
