"""The widget's weight and speed: gzipped sizes, and the time from the loader's first line to the
button on screen, measured in Debian's Chromium against a real gateway process.

Two page loads per round: a first visit (the loader fetches the channel's config before it can
draw the button) and a return visit (the last config is in localStorage, the button is drawn at
once while a fresh config is fetched).
"""

from __future__ import annotations

import gzip
import secrets
import statistics
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from tests.browser.conftest import CHROMIUM
from tests.system.gateway_cluster import gateway_settings
from tests.system.services import ServiceProcess

from .common import BenchEnv, Table

DESCRIPTION = "widget loader size (gzip) and script-to-button time in Chromium"
STATIC = Path(__file__).resolve().parents[2] / "services/gateway/src/parley_gateway/static"
FILES = ("widget/loader.js", "widget/chat.js", "widget/connection.js", "widget/dom.js")
FILES_CSS = ("widget/widget.css",)


def _sizes() -> Table:
    table = Table("Widget files", ["file", "bytes", "gzip -9 bytes"])
    total = 0
    for name in (*FILES, *FILES_CSS):
        raw = (STATIC / name).read_bytes()
        packed = len(gzip.compress(raw, 9))
        total += packed if name != "widget/loader.js" else 0
        table.rows.append([name, str(len(raw)), str(packed)])
    table.notes.append(
        "The loader is all a page pays for up front (budget: 20 KB gzipped); the chat module "
        f"and its CSS ({total} bytes gzipped) load on the first click or when a chat resumes."
    )
    return table


async def _timings(url: str, rounds: int) -> Table:
    first: list[float] = []
    again: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
        )
        try:
            for _ in range(rounds):
                context = await browser.new_context()
                page = await context.new_page()
                for samples in (first, again):
                    await page.goto(url)
                    await page.wait_for_selector("#parley-widget[data-shown-ms]", state="attached")
                    shown = await page.get_attribute("#parley-widget", "data-shown-ms")
                    samples.append(float(shown or "nan"))
                await context.close()
        finally:
            await browser.close()
    table = Table(
        "Loader: script start to button shown (ms, Chromium headless)",
        ["visit", "rounds", "median", "min", "max"],
    )
    for label, samples in (("first (config fetched)", first), ("return (config cached)", again)):
        table.rows.append(
            [
                label,
                str(len(samples)),
                f"{statistics.median(samples):.1f}",
                f"{min(samples):.1f}",
                f"{max(samples):.1f}",
            ]
        )
    table.notes.append("Measured by the loader itself (performance.now at its first line).")
    return table


async def run(env: BenchEnv) -> str:
    sizes = _sizes()
    with tempfile.TemporaryDirectory() as logs:
        gateway = ServiceProcess("gateway", env.rabbitmq_url, env.mongodb_url, Path(logs))
        gateway.env.update(
            {
                f"PARLEY_GATEWAY_{k.upper()}": v
                for k, v in gateway_settings(secrets.token_urlsafe(32)).items()
            }
        )
        env.progress("web: starting a gateway")
        gateway.start()
        try:
            env.progress("web: timing the loader in Chromium")
            timings = await _timings(f"{gateway.url}/demo/", 3 if env.quick else 10)
        finally:
            gateway.stop()
    return "\n\n".join([sizes.render(), timings.render()])
