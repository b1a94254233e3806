"""The ``tandem`` command: thin wrappers that parse, call and print.

    tandem demo [--seed N] [--serve]   build the demo world (and serve it)
    tandem serve [--host H --port P]    serve the web app: gunicorn, several processes
                 [--workers N --threads T]  (and a task worker per queue)
    tandem worker [--queue Q]           run a background task worker (default: all queues)
    tandem manage <django command …>    any Django management command
    tandem match …                      the matching engine (see docs/matching.md)
    tandem skills …                     skills taxonomy and extraction (see docs/skills.md)
    tandem roster import …              OneRoster CSV import (see docs/accounts.md)
    tandem invite import FILE --organization SLUG [--dry-run]
                                        invite people from a CSV file (docs/accounts.md)

Exit status: 0 success, 2 bad input (with a message naming the record or line).
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from collections.abc import Sequence


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    from tandem.core.catalogues import compile_catalogues

    # The .mo files are not committed: a clean clone (or a pull that changed a .po file)
    # gets them here, before any command or server reads them.
    compile_catalogues()

    django.setup()


def _manage(argv: Sequence[str]) -> int:
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tandem manage", *argv])
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from tandem.skills.services import esco_load

    print("Loading the ESCO skills taxonomy (from the installed data packages)…", flush=True)
    print(esco_load().summary(), flush=True)
    print("Building the demo world…", flush=True)
    call_command("load_demo", seed=args.seed, reset=args.reset)
    if args.serve:
        if "TANDEM_LOG_LEVEL" not in os.environ:
            # The workers it starts inherit this: the demo's queued e-mails and match runs
            # would otherwise push the logins off the screen with one INFO line per task.
            os.environ["TANDEM_LOG_LEVEL"] = "WARNING"
            logging.getLogger().setLevel(logging.WARNING)
            print(
                "The server and its workers log only warnings here "
                "(TANDEM_LOG_LEVEL=INFO shows every task).",
                flush=True,
            )
        folder = _mail_folder()
        if folder:
            print(f"E-mails the demo sends are saved as files in {folder}", flush=True)
        return _serve(
            args.host, args.port, with_worker=True, log_level=os.environ["TANDEM_LOG_LEVEL"]
        )
    return 0


def _mail_folder() -> str:
    """Where e-mails go when they are saved as files (the default backend), else ""."""
    from django.conf import settings

    if not settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return ""
    return str(settings.EMAIL_FILE_PATH)


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stop the worker ``tandem serve`` started: a first signal lets it finish its task, a
    second one ends the task (db_worker's own rule), and a worker still there is killed."""
    for _ in range(2):
        worker.terminate()
        try:
            worker.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            pass
    worker.kill()
    worker.wait()


def waitress_proxy_options(
    *, behind_tls_proxy: bool, trusted_proxy_hops: int, trusted_proxy_address: str
) -> dict[str, object]:
    """The waitress options that make it honour the reverse proxy's headers (waitress
    serves only where gunicorn cannot run, i.e. Windows; decision 0006).

    Waitress removes ``X-Forwarded-*`` from any peer it is not told to trust, so without
    these, ``TANDEM_BEHIND_TLS_PROXY`` never saw ``X-Forwarded-Proto: https`` (HTTPS
    redirect loop, no HSTS) and ``TANDEM_TRUSTED_PROXY_HOPS`` never saw ``X-Forwarded-For``
    (every visitor shared the proxy's address for sign-in throttling). Only requests from
    ``trusted_proxy_address`` (``*`` = any peer) keep them; waitress then sets the scheme and
    ``REMOTE_ADDR`` from the last ``trusted_proxy_hops`` entries, the same rule
    ``tandem.accounts.login.client_ip`` applies under any other WSGI server.
    """
    headers = set()
    if behind_tls_proxy:
        headers.add("x-forwarded-proto")
    if trusted_proxy_hops > 0:
        headers.add("x-forwarded-for")
    if not headers:
        return {}
    return {
        "trusted_proxy": trusted_proxy_address,
        "trusted_proxy_count": max(trusted_proxy_hops, 1),
        "trusted_proxy_headers": headers,
        "clear_untrusted_proxy_headers": True,
    }


def _serve(
    host: str,
    port: int,
    *,
    with_worker: bool,
    workers: int | None = None,
    threads: int | None = None,
    log_level: str | None = None,
) -> int:
    _django_setup()
    import signal

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from tandem.config import server
    from tandem.config.wsgi import application

    call_command("migrate", interactive=False, verbosity=0)
    # The gunicorn workers fork from this process: none may inherit its database connection.
    connections.close_all()
    use_gunicorn = server.gunicorn_available()
    processes = workers or settings.SERVER_WORKERS
    threads = threads or settings.SERVER_THREADS
    task_workers = []
    if with_worker:
        # One worker per queue: e-mail never waits behind a batch extraction (decision 0004).
        task_workers = [
            subprocess.Popen([sys.executable, "-m", "tandem.cli", "worker", "--queue", queue])  # noqa: S603
            for queue in QUEUES
        ]
    master = os.getpid()

    def _on_sigterm(signum: int, frame: object) -> None:
        # SIGTERM (kill, systemd, docker stop) would end the process without running the
        # `finally` below, leaving the worker running alone; make it an orderly exit.
        # (Once gunicorn runs, its master handles SIGTERM: it stops its workers, then exits.)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _on_sigterm)
    if use_gunicorn:
        how = f"{processes} processes × {threads} threads"
    else:
        how = "one process × 8 threads (waitress: gunicorn needs a Unix)"
    print(f"Tandem is serving on http://{host}:{port}/  ({how}; Ctrl+C to stop)", flush=True)
    try:
        if use_gunicorn:
            server.run_gunicorn(
                server.ForwardedHeadersGuard(application, settings.TRUSTED_PROXY_ADDRESS),
                server.gunicorn_options(
                    bind=[f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
                    workers=processes,
                    threads=threads,
                    trusted_proxy_address=settings.TRUSTED_PROXY_ADDRESS,
                    log_level=log_level or settings.LOG_LEVEL,
                    keepalive=settings.SERVER_KEEPALIVE,
                ),
            )
        else:
            from waitress import serve

            serve(
                application,
                host=host,
                port=port,
                threads=8,
                ident="tandem",
                **waitress_proxy_options(
                    behind_tls_proxy=settings.SECURE_PROXY_SSL_HEADER is not None,
                    trusted_proxy_hops=settings.TRUSTED_PROXY_HOPS,
                    trusted_proxy_address=settings.TRUSTED_PROXY_ADDRESS,
                ),
            )
    finally:
        # Gunicorn's workers are forks of this process and leave through here too: only the
        # process that started the task workers stops them.
        if os.getpid() == master:
            for task_worker in task_workers:
                _stop_worker(task_worker)
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    return _serve(
        args.host,
        args.port,
        with_worker=not args.no_worker,
        workers=args.workers,
        threads=args.threads,
    )


QUEUES = ("default", "extraction")  # as TASK_QUEUES in the settings; default first


def worker_command(task_backend: str, queues: Sequence[str] = QUEUES) -> list[str]:
    """The management command ``tandem worker`` runs for the configured task backend.

    Never with the autoreloader (django-tasks' ``db_worker`` reloads on code changes when
    TANDEM_DEBUG is on): a reload kills the task it is running, and an extraction job
    then waits for its lease to expire before a worker resumes it. An RQ worker takes
    from its queues in the order given, so ``default`` (e-mail) comes first.
    """
    if task_backend == "rq":
        # django-tasks' job class: the default one cannot call a django-tasks task.
        return ["rqworker", "--job-class", "django_tasks_rq.backend.Job", *queues]
    return ["db_worker", "--queue-name", ",".join(queues), "--interval", "1", "--no-reload"]


def _cmd_worker(args: argparse.Namespace) -> int:
    _django_setup()
    from django.conf import settings

    from tandem.core.worker import start_sweeper

    # Resume jobs whose worker died: now, and periodically while this worker runs.
    start_sweeper(settings.WORKER_SWEEP_SECONDS)
    return _manage(worker_command(settings.TASK_BACKEND, args.queue or QUEUES))


def _cmd_invite_import(args: argparse.Namespace) -> int:
    """Invite the people of a CSV file to an organization, all or none: every bad line is
    reported as ``FILE:LINE: message`` on stderr with exit status 2, and nothing is sent."""
    _django_setup()
    from tandem.core.errors import DomainError
    from tandem.organizations import bulk_invitations
    from tandem.organizations.models import Organization

    name = args.file
    try:
        with open(name, "rb") as handle:
            content = handle.read()
    except OSError as exc:
        print(f"{name}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    organization = Organization.objects.filter(slug=args.organization).first()
    if organization is None:
        print(f"{name}: no organization with the slug {args.organization!r}", file=sys.stderr)
        return 2
    try:
        plan = bulk_invitations.invitations_plan_csv(
            actor=None, organization=organization, content=content
        )
        if not plan.ok:
            for line, message in plan.errors:
                print(f"{name}:{line}: {message}", file=sys.stderr)
            return 2
        if args.dry_run:
            print(f"{len(plan.lines)} invitation(s) would be sent to {organization.slug}.")
            return 0
        sent = bulk_invitations.invitations_bulk_send(
            actor=None, organization=organization, plan=plan, source="cli"
        )
    except DomainError as exc:
        import re

        for message in exc.fields.get("file") or [exc.message]:
            found = re.match(r"Line (\d+): (.*)", message, re.DOTALL)
            where = f"{name}:{found.group(1)}" if found else f"{name}:1"
            print(f"{where}: {found.group(2) if found else message}", file=sys.stderr)
        return 2
    print(f"{len(sent)} invitation(s) sent to {organization.slug}.")
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of 1 or more, not {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tandem", description="Tandem command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the deterministic demo world")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--reset", action="store_true", help="delete existing demo data first")
    demo.add_argument("--serve", action="store_true", help="serve the demo afterwards")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=_cmd_demo)

    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-worker", action="store_true", help="do not start a task worker")
    serve.add_argument(
        "--workers",
        type=_positive,
        help="server processes (default: TANDEM_WORKERS, else 2 × cores + 1, at most 8)",
    )
    serve.add_argument(
        "--threads",
        type=_positive,
        help="threads per server process (default: TANDEM_THREADS, else 4)",
    )
    serve.set_defaults(func=_cmd_serve)

    worker = sub.add_parser("worker", help="run a background task worker")
    worker.add_argument(
        "--queue",
        action="append",
        choices=QUEUES,
        help="serve only this queue (repeatable; default: all, default first)",
    )
    worker.set_defaults(func=_cmd_worker)

    sub.add_parser("manage", help="run a Django management command", add_help=False)

    invite = sub.add_parser("invite", help="invitations to organizations")
    invite_sub = invite.add_subparsers(dest="invite_command", required=True)
    invite_import = invite_sub.add_parser(
        "import", help="invite people from a CSV file (email, role[, program, year_of_study …])"
    )
    invite_import.add_argument("file", help="the CSV file")
    invite_import.add_argument("--organization", required=True, help="the organization's slug")
    invite_import.add_argument(
        "--dry-run", action="store_true", help="check the file and send nothing"
    )
    invite_import.set_defaults(func=_cmd_invite_import)

    # The engines' command lines import no Django; `match` and `skills` stay fast to start.
    from tandem.matching import cli as match_cli
    from tandem.rosters import cli as roster_cli
    from tandem.skills import cli as skills_cli

    match_cli.add_parser(sub)
    skills_cli.add_parser(sub)
    roster_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        return _manage(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
