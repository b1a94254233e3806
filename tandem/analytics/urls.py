from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path(
        "partnerships/<uuid:public_id>/health/",
        views.partnership_health,
        name="partnership_health",
    ),
]
