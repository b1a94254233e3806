from django.apps import AppConfig


class CurriculaConfig(AppConfig):
    name = "tandem.curricula"
    label = "curricula"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import curricula_personal_data_erase, curricula_personal_data_export

        register(
            "curricula",
            export=curricula_personal_data_export,
            erase=curricula_personal_data_erase,
        )
        from tandem.core.worker import worker_sweep

        worker_sweep.connect(_resume_lost_extraction_jobs, dispatch_uid="curricula-jobs")


def _resume_lost_extraction_jobs(**kwargs: object) -> None:
    """Each worker, when it starts and periodically: resume jobs whose worker died."""
    from .services_jobs import extraction_job_reclaim

    extraction_job_reclaim()
