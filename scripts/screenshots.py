"""Screenshots of every demo role's home page, at desktop and phone widths.

Against a running demo server (``tandem demo`` then ``tandem serve --port 8765``):

    python scripts/screenshots.py http://127.0.0.1:8765

signs in as each demo login (see README.md) with Playwright driving Debian's chromium
(``/usr/bin/chromium``, or ``TANDEM_CHROMIUM``) and saves the home page, full length, at
1280 and 390 CSS pixels wide to ``docs/screenshots/home-<role>-{desktop,phone}.png``.
Options: ``--roles student,mentor`` for some roles only, ``--out DIR`` for another folder.
Exit status 0 when every page was saved, 1 when a sign-in or page failed (named on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROLES = (
    "admin",
    "student",
    "coordinator",
    "educator",
    "recruiter",
    "supervisor",
    "mentor",
    "funder",
)
DOMAIN = "demo.tandem.test"
PASSWORD = "tandem-demo-2026"  # noqa: S105 - the demo's published password
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="base URL of a running demo server, e.g. http://127.0.0.1:8765")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated demo roles")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="output folder")
    parser.add_argument(
        "--chromium", default=os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args(argv)
    args.url = args.url.rstrip("/")
    args.roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = sorted(set(args.roles) - set(ROLES))
    if unknown:
        parser.error(f"unknown role(s): {', '.join(unknown)}; choose from {', '.join(ROLES)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=args.chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            for role in args.roles:
                for kind, (width, height) in WIDTHS.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=1,
                        is_mobile=kind == "phone",
                        has_touch=kind == "phone",
                        locale="en-GB",
                        reduced_motion="reduce",
                    )
                    page = context.new_page()
                    try:
                        page.goto(f"{args.url}/accounts/login/")
                        page.get_by_label("E-mail").fill(f"{role}@{DOMAIN}")
                        page.get_by_label("Password").fill(PASSWORD)
                        page.get_by_role("button", name="Sign in").click()
                        page.wait_for_load_state("networkidle")
                        if "/accounts/login" in page.url:
                            raise RuntimeError("still on the sign-in page")
                        page.goto(f"{args.url}/")
                        page.wait_for_load_state("networkidle")
                        target = out / f"home-{role}-{kind}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(f"saved {target}")
                    except Exception as exc:  # report every page, then fail
                        failures.append(f"{role} ({kind}): {exc}")
                    finally:
                        context.close()
        finally:
            browser.close()
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
