"""Screenshots of every demo role's home page and of the pattern library, at desktop and
phone widths, in each language.

Against a running demo server (``tandem demo`` then ``tandem serve --port 8765``):

    python scripts/screenshots.py http://127.0.0.1:8765

signs in as each demo login (see README.md) with Playwright driving Debian's chromium
(``/usr/bin/chromium``, or ``TANDEM_CHROMIUM``), the browser asking for the language, and
saves the home page, full length, at 1280 and 390 CSS pixels wide to
``docs/screenshots/home-<role>-<desktop|phone>-<lang>.png``, and the pattern library (as the
admin) to ``docs/screenshots/patterns-<desktop|phone>-<lang>.png``.
Options: ``--roles student,mentor`` for some roles only, ``--langs en-gb,fr`` for some
languages only, ``--no-patterns``, ``--out DIR`` for another folder. Images are saved as
8-bit palette PNGs when Pillow is installed (a tenth of the size), else as Chromium wrote them.
Exit status 0 when every page was saved, 1 when a sign-in or page failed (named on stderr).
"""

from __future__ import annotations

import argparse
import io
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
LANGS = {"en-gb": "en-GB", "fr": "fr-FR", "es": "es-ES"}
DOMAIN = "demo.tandem.test"
PASSWORD = "tandem-demo-2026"  # noqa: S105 - the demo's published password
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
ROOT = Path(__file__).resolve().parent.parent
#: A full-length page is cut at this height (CSS pixels) so that an image stays small.
MAX_HEIGHT = 3200


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="base URL of a running demo server, e.g. http://127.0.0.1:8765")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated demo roles")
    parser.add_argument("--langs", default=",".join(LANGS), help="comma-separated languages")
    parser.add_argument("--no-patterns", action="store_true", help="skip the pattern library")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="output folder")
    parser.add_argument(
        "--chromium", default=os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args(argv)
    args.url = args.url.rstrip("/")
    args.roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    args.langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]
    unknown = sorted(set(args.roles) - set(ROLES))
    if unknown:
        parser.error(f"unknown role(s): {', '.join(unknown)}; choose from {', '.join(ROLES)}")
    unknown = sorted(set(args.langs) - set(LANGS))
    if unknown:
        parser.error(f"unknown language(s): {', '.join(unknown)}; choose from {', '.join(LANGS)}")
    return args


def save_png(data: bytes, target: Path) -> None:
    """Write ``data`` (a PNG) to ``target``, quantized to 256 colours when Pillow is there."""
    try:
        from PIL import Image
    except ImportError:
        target.write_bytes(data)
        return
    image = Image.open(io.BytesIO(data)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(target, format="PNG", optimize=True)


def shoot(page: object, target: Path) -> None:
    """A full-length screenshot of ``page``, cut at :data:`MAX_HEIGHT`."""
    height = page.evaluate("document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)}
    data = page.screenshot(full_page=True, clip=clip)  # type: ignore[attr-defined]
    save_png(data, target)


def sign_in(page: object, url: str, role: str) -> None:
    """Sign in through the form, by field type rather than label (labels are translated)."""
    page.goto(f"{url}/accounts/login/")  # type: ignore[attr-defined]
    page.locator("input[type=email]").fill(f"{role}@{DOMAIN}")  # type: ignore[attr-defined]
    page.locator("input[type=password]").fill(PASSWORD)  # type: ignore[attr-defined]
    page.locator("main form:has(input[type=password]) button[type=submit]").first.click()  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    if "/accounts/login" in page.url:  # type: ignore[attr-defined]
        raise RuntimeError("still on the sign-in page")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    jobs = [(role, "/", f"home-{role}") for role in args.roles]
    if not args.no_patterns:
        jobs.append(("admin", "/patterns/", "patterns"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=args.chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            for lang in args.langs:
                for role, path, stem in jobs:
                    for kind, (width, height) in WIDTHS.items():
                        context = browser.new_context(
                            viewport={"width": width, "height": height},
                            device_scale_factor=1,
                            is_mobile=kind == "phone",
                            has_touch=kind == "phone",
                            locale=LANGS[lang],
                            reduced_motion="reduce",
                        )
                        page = context.new_page()
                        try:
                            sign_in(page, args.url, role)
                            page.goto(f"{args.url}{path}")
                            page.wait_for_load_state("networkidle")
                            target = out / f"{stem}-{kind}-{lang}.png"
                            shoot(page, target)
                            print(f"saved {target} ({target.stat().st_size // 1024} KB)")
                        except Exception as exc:  # report every page, then fail
                            failures.append(f"{stem} ({kind}, {lang}): {exc}")
                        finally:
                            context.close()
        finally:
            browser.close()
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
