from django.urls import path

from . import views, views_gap, views_jobs

app_name = "curricula"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="program_create"),
    path("programs/<uuid:public_id>/", views.program_detail, name="program"),
    path("programs/<uuid:public_id>/edit/", views.program_edit, name="program_edit"),
    path("programs/<uuid:public_id>/delete/", views.program_delete, name="program_delete"),
    path("programs/<uuid:public_id>/courses/new/", views.course_create, name="course_create"),
    path("courses/<uuid:public_id>/", views.course_detail, name="course"),
    path("courses/<uuid:public_id>/edit/", views.course_edit, name="course_edit"),
    path("courses/<uuid:public_id>/delete/", views.course_delete, name="course_delete"),
    path("courses/<uuid:public_id>/outcomes/", views.outcome_create, name="outcome_create"),
    path("outcomes/<uuid:public_id>/edit/", views.outcome_edit, name="outcome_edit"),
    path("outcomes/<uuid:public_id>/delete/", views.outcome_delete, name="outcome_delete"),
    path("outcomes/<uuid:public_id>/suggest/", views.outcome_suggest, name="outcome_suggest"),
    path("outcomes/<uuid:public_id>/skills/", views.mapping_add, name="mapping_add"),
    path("mappings/<uuid:public_id>/decide/", views.mapping_decide, name="mapping_decide"),
    path("courses/<uuid:public_id>/endorse/", views.course_endorse, name="course_endorse"),
    path("outcomes/<uuid:public_id>/comments/", views.outcome_comment, name="outcome_comment"),
    path("outcomes/<uuid:public_id>/propose/", views.skill_propose, name="skill_propose"),
    path("proposals/<uuid:public_id>/decide/", views.proposal_decide, name="proposal_decide"),
    path("programs/<uuid:public_id>/gap/", views_gap.gap_report, name="gap"),
    path("programs/<uuid:public_id>/gap/skill/", views_gap.gap_skill, name="gap_skill"),
    path("imports/", views_gap.import_list, name="imports"),
    path("imports/<uuid:public_id>/", views_gap.import_detail, name="import"),
    path("imports/<uuid:public_id>/delete/", views_gap.import_delete, name="import_delete"),
    path("extraction-jobs/", views_jobs.extraction_job_list, name="extraction_jobs"),
    path("extraction-jobs/start/", views_jobs.extraction_job_start, name="extraction_job_start"),
    path(
        "extraction-jobs/<uuid:public_id>/", views_jobs.extraction_job_detail, name="extraction_job"
    ),
    path(
        "extraction-jobs/<uuid:public_id>/cancel/",
        views_jobs.extraction_job_cancel,
        name="extraction_job_cancel",
    ),
]
