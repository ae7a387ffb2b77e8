import time
import pytest
from playwright.sync_api import expect
from tests.e2e.test_foundation_journey import teacher_signs_in
from tests.e2e.netcut import NetworkCut
import os
pytestmark = pytest.mark.e2e

def test_offline_probe(live_url, new_page):
    net = NetworkCut(int(live_url.rsplit(":", 1)[1]))
    page = new_page()
    teacher_signs_in(page, net.url)
    page.goto(f"{net.url}/classes/live-check/")
    expect(page.locator("[data-connection-state]")).to_have_attribute("data-connection-state", "open")
    order = os.environ.get("ORDER", "offline-first")
    def st():
        return page.evaluate("() => navigator.onLine"), page.locator("[data-connection-state]").get_attribute("data-connection-state")
    if order == "offline-first":
        page.context.set_offline(True)
        net.cut()
    else:
        net.cut()
        page.context.set_offline(True)
    t0 = time.monotonic()
    for _ in range(10):
        time.sleep(0.3)
        print(round(time.monotonic()-t0,1), st())
    page.get_by_role("button", name="테스트 메시지 보내기").click()
    print('pending', page.locator("[data-echo-pending]").inner_text())
    net.restore()
    page.context.set_offline(False)
    t0 = time.monotonic()
    for _ in range(10):
        time.sleep(0.3)
        print(round(time.monotonic()-t0,1), st(), page.locator("[data-echo-pending]").inner_text())
    net.close()
