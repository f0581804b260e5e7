"""Two app processes behind Debian's nginx (deploy/serve.sh, deploy/nginx.conf): both answer through the one
address, each browser stays on one process (its cookie), and a real browser's page works through the proxy (its
websocket is passed through)."""

import os
import urllib.request

import pytest

from .app_server import CHROMIUM_FLAGS, NGINX, running_servers
from .test_browser import CHROMIUM


@pytest.fixture(scope="module")
def proxy(trained_mmm, tmp_path_factory):
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed; CI must install Debian's nginx (scripts/test.sh does)")
        pytest.skip("Debian's nginx is not installed (apt-get install nginx)")
    library = os.environ.get("GMV_TEST_POSTGRES_URL") or f"sqlite:///{tmp_path_factory.mktemp('lib') / 'team.sqlite'}"
    with running_servers(trained_mmm, servers=2, env={"GMV_DATABASE_URL": library}) as url:
        yield url


def answer(url: str, cookie: str | None = None) -> tuple[str, str]:
    """(the process that answered, the gmv_server cookie the proxy set) for one request through the proxy."""
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"gmv_server={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"ok"
        cookies = [c for c in response.headers.get_all("Set-Cookie") if c.startswith("gmv_server=")]
        return response.headers["X-GMV-Server"], cookies[0].split(";")[0].split("=", 1)[1]


def test_both_processes_answer_through_the_proxy_and_a_browser_stays_on_its_own(proxy):
    first_visits = [answer(proxy) for _ in range(12)]  # new browsers: a random cookie each
    assert len({server for server, _ in first_visits}) == 2, first_visits
    for server, cookie in first_visits[:4]:
        assert {answer(proxy, cookie)[0] for _ in range(5)} == {server}  # every later request: the same process
        assert answer(proxy, cookie)[1] == cookie


def test_pages_work_through_the_proxy_on_both_processes(proxy):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    seen = set()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        for _ in range(8):  # new browsers until both processes have drawn a forecast through the proxy
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            response = page.goto(proxy)
            page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)  # the websocket works through nginx
            page.get_by_role("spinbutton", name="Weeks to predict").fill("6")
            page.get_by_role("button", name="Predict", exact=True).click()
            page.get_by_text("Over 6 week(s)").wait_for(timeout=60_000)
            assert not page.locator('[data-testid="stException"]').count()
            seen.add(response.headers["x-gmv-server"])
            context.close()
            if len(seen) == 2:
                break
        browser.close()
    assert len(seen) == 2, seen
