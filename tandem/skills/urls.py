from django.urls import path

from . import views

app_name = "skills"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("concepts/<uuid:esco_id>/", views.concept, name="concept"),
    path("try/", views.try_extractor, name="try"),
]
