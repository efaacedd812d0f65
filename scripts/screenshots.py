"""Take the README's screenshots: a throw-away server with demo data, driven in chromium.

Usage: python scripts/screenshots.py OUTPUT_FOLDER
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.chromium import launch_chromium

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_in(page: Page, base: str, service: str, login_id: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("[name=service_name]", service)
    page.fill("[name=username]", login_id)
    page.fill("[name=password]", "demo1234!")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def main(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="sangdam-shots-"))
    env = {**os.environ, "SANGDAM_DATA_DIR": str(data), "DEBUG": "true"}
    env.pop("DATABASE_URL", None)
    sangdam = [sys.executable, "-m", "sangdam.cli"]
    subprocess.run([*sangdam, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*sangdam, "demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*sangdam, "serve", "--port", str(port), "--no-worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1360, "height": 820})

            def shot(name: str, path: str | None = None, *, full_page: bool = False) -> None:
                if path:
                    page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(output / f"{name}.png"), full_page=full_page)

            shot("login", "/login/")
            for login_id in ("agent1", "agent2", "buyer1"):
                log_in(page, base, "demo", login_id)
                log_out(page)
            page.goto(f"{base}/login/")
            page.fill("[name=service_name]", "demo")
            page.fill("[name=username]", "agent2")
            page.fill("[name=password]", "wrong-password1")
            page.click("button[type=submit]")
            log_in(page, base, "demo", "admin")
            shot("admin-overview", "/manage/")
            shot("accounts", "/manage/accounts/")
            page.goto(base + "/manage/accounts/new/")
            page.fill("[name=username]", "agent3")
            page.fill("[name=name]", "최상담")
            shot("account-issue")
            shot("login-history", "/manage/login-history/")
            shot("work-history", "/manage/work-history/")
            shot("access-control", "/manage/access/")
            page.get_by_test_id("language-switch").get_by_role("button", name="English").click()
            shot("accounts-english", "/manage/accounts/")
            page.get_by_test_id("language-switch").get_by_role("button", name="한국어").click()
            log_out(page)
            log_in(page, base, "demo", "agent1")
            shot("agent-home")
            shot("crm-customers", "/crm/customers/?text=%EA%B9%80")
            page.get_by_test_id("customer-table").locator("a").first.click()
            shot("crm-customer-window")
            shot("crm-ticket-new", "/crm/tickets/new/")
            shot("crm-queues", "/crm/queues/?tab=mine")
            page.get_by_test_id("ticket-table").locator("a").first.click()
            shot("crm-ticket")
            shot("crm-incomplete", "/crm/incomplete/?ignore_period=on")
            shot("crm-recalls", "/crm/recalls/")
            shot("crm-upload", "/crm/upload/")
            page.goto(base + "/messaging/compose/")
            page.get_by_test_id("tab-residents").click()
            page.get_by_test_id("apartment-select").select_option("래미안 센트럴")
            page.wait_for_load_state("networkidle")
            page.get_by_test_id("block-select").select_option("101동")
            page.get_by_test_id("add-residents").click()
            page.get_by_test_id("template-select").select_option(label="정기 점검 안내")
            page.get_by_test_id("title").fill("점검 안내")
            page.get_by_test_id("preview-button").click()
            page.get_by_test_id("preview").wait_for()
            page.evaluate("window.scrollTo(0, 0)")
            shot("sms-compose", full_page=True)
            log_out(page)
            log_in(page, base, "demo", "admin")
            shot("crm-history", "/crm/history/")
            shot("crm-types", "/crm/types/")
            shot("crm-extensions", "/crm/extensions/")
            shot("sms-history", "/messaging/history/")
            page.locator("a[href*='/messaging/jobs/']").first.click()
            shot("sms-job")
            shot("sms-scheduled", "/messaging/scheduled/")
            shot("sms-templates", "/messaging/templates/")
            shot("sms-opt-outs", "/messaging/opt-outs/")
            shot("sms-settings", "/messaging/settings/")
            log_out(page)
            log_in(page, base, "demo", "seller1")
            shot("participant-mypage")
            page.set_viewport_size({"width": 390, "height": 760})
            shot("participant-mypage-mobile")
            page.set_viewport_size({"width": 1360, "height": 820})
            shot("fair-mypage", "/mypage/")
            shot("fair-availability", "/mypage/availability/")
            shot("fair-counterparts", "/mypage/counterparts/")
            shot("fair-requests", "/mypage/requests/")
            log_out(page)
            log_in(page, base, "demo", "organizer")
            page.goto(base + "/organizer/")
            page.get_by_test_id("event-table").locator("a").first.click()
            page.wait_for_load_state("networkidle")
            event = page.url.rstrip("/")
            shot("fair-scheduling", event.removeprefix(base) + "/scheduling/")
            page.goto(event + "/matching/")
            waiting = page.get_by_test_id("matching-waiting").locator("a")
            if waiting.count():
                waiting.first.click()
            shot("fair-matching")
            shot("fair-import", event.removeprefix(base) + "/import/")
            page.goto(event + "/")
            page.get_by_test_id("publish").click()
            page.get_by_test_id("confirm-publish").click()
            shot("fair-event")
            log_out(page)
            log_in(page, base, "demo", "seller1")
            shot("fair-results", "/mypage/results/")
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
