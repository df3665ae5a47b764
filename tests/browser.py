"""Headless Chromium for the view tests and benchmarks: one place for its path and flags."""

from __future__ import annotations

import importlib.util
import shutil

# Debian's package; never a browser that Playwright downloads.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google's hosts at start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def unavailable_reason() -> str | None:
    """Why the browser checks cannot run here, or None when they can."""
    if shutil.which("chromium") is None:
        return "chromium is not installed (apt-get install chromium; `make browser` does it)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not importable (pip install playwright)"
    return None
