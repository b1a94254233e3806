from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("connections/", views.connection_list, name="connection_list"),
    path("connections/new/", views.connection_create, name="connection_create"),
    path("connections/<uuid:public_id>/", views.connection_edit, name="connection_edit"),
    path(
        "connections/<uuid:public_id>/delete/",
        views.connection_delete,
        name="connection_delete",
    ),
]
