from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("", views.my_profile, name="mine"),
    path("opportunities/", views.recommendations, name="opportunities"),
    path("cv/", views.cv_upload, name="cv"),
    path("cv/clear/", views.cv_clear, name="cv_clear"),
    path("rebuild/", views.rebuild, name="rebuild"),
    path("skills/add/", views.skill_add, name="skill_add"),
    path("skills/<uuid:esco_id>/remove/", views.skill_remove, name="skill_remove"),
    path("students/<uuid:public_id>/", views.student_profile, name="student"),
    path("completions/", views.completions, name="completions"),
    path("completions/import/", views.completions_import, name="completions_import"),
    path("completions/<uuid:public_id>/delete/", views.completion_delete, name="completion_delete"),
]
