"""Django's makemessages, also extracting ``N_("…")`` (our alias of ``gettext_noop``).

The ready survey templates (tandem/surveys/library) mark their text with ``N_`` and translate it
when an institution copies them; xgettext knows only Django's own keywords unless told.
See docs/development/translations.md for the one extraction command.
"""

from __future__ import annotations

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=N_"]
