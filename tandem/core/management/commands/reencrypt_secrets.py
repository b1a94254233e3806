"""``tandem manage reencrypt_secrets``: after a rotation of SECRET_KEY (the old key kept in
SECRET_KEY_FALLBACKS), encrypt every stored secret again with the new key, so the old key can
then be dropped from the fallbacks."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tandem.core.secretbox import EncryptedTextField, SecretUnreadable


class Command(BaseCommand):
    help = "Encrypt every stored secret again with the current SECRET_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.name for f in fields]
            try:  # a few rows a model (connections), read whole before any write
                rows = list(model._default_manager.only("pk", *names))
            except SecretUnreadable as exc:
                raise CommandError(
                    f"{model._meta.label}: {exc}; put the previous key in "
                    "TANDEM_SECRET_KEY_FALLBACKS and run this again"
                ) from exc
            with transaction.atomic():
                for row in rows:
                    values = {name: getattr(row, name) for name in names}
                    model._default_manager.filter(pk=row.pk).update(**values)
                    total += 1
        self.stdout.write(f"{total} rows encrypted again with the current key.")
