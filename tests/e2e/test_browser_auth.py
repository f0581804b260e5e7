"""Sign-in gates retraining, in a real browser against a real `streamlit run app.py` and a real OIDC provider.

The provider (tests/e2e/oidc_provider.py) runs in this process on a loopback port; the app reads a secrets.toml
from a temporary folder (`streamlit run --secrets.files`) whose `[auth]` points at it. Chromium signs in through
the whole authorization-code flow (Streamlit's /auth/login -> the provider's /authorize -> /oauth2callback, where
Streamlit's Authlib client fetches the token and checks the RS256 ID token against /jwks), first as a viewer, then
as a modeller. Plain http is fine here: Authlib accepts http for loopback addresses (RFC 8252 §7.3).
"""

from __future__ import annotations

import pytest

from .app_server import CHROMIUM_FLAGS, free_port, running_app
from .oidc_provider import OIDCProvider, SignInUser
from .test_browser import CHROMIUM, SCREENSHOTS

CLIENT_ID, CLIENT_SECRET = "gmv-planner", "test-client-secret"
VIEWER = SignInUser("vic@example.com", "Vic Viewer")
MODELLER = SignInUser("mo@example.com", "Mo Modeller")
TIMEOUT_MS = 60_000


def secrets_toml(redirect_uri: str, metadata_url: str) -> str:
    """The secrets.toml a team would write (README, "Sign-in and roles for a team"), for this provider."""
    return f"""
[auth]
redirect_uri = "{redirect_uri}"
cookie_secret = "a-long-random-string-for-the-test-only"
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{metadata_url}"

[gmv_roles]
modeller = ["{MODELLER.email}"]
viewer = ["*@example.com"]
"""


@pytest.fixture
def signed_in_app(trained_mmm, tmp_path):
    """(app URL, provider): the app served with sign-in through a provider started here."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"
    with OIDCProvider(CLIENT_ID, CLIENT_SECRET, [redirect_uri], VIEWER) as provider:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(secrets_toml(redirect_uri, provider.metadata_url), encoding="utf-8")
        with running_app(trained_mmm, port=port, extra_args=["--secrets.files", str(secrets)]) as url:
            yield url, provider


def _sign_in(page, user: SignInUser, role: str) -> None:
    page.get_by_role("button", name="Sign in").click(timeout=TIMEOUT_MS)
    page.get_by_text(f"Signed in as {user.name} ({role})").wait_for(timeout=TIMEOUT_MS)


def _retrain_offered(page) -> bool:
    """Open Data & retrain and wait for the Retrain button, or the note that stands where it would be."""
    page.get_by_role("link", name="Data & retrain").click()
    button = page.get_by_role("button", name="Retrain", exact=True)
    button.or_(page.get_by_text("Retraining is for modellers")).wait_for(timeout=TIMEOUT_MS)
    return button.count() == 1


def test_sign_in_gates_retraining(signed_in_app, tmp_path):
    from playwright.sync_api import sync_playwright

    url, provider = signed_in_app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
            before_sign_in = page.get_by_role("link", name="Data & retrain").count()
            _sign_in(page, VIEWER, "viewer")
            viewer_offered = _retrain_offered(page)
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "data_retrain_as_viewer.png"))
            viewer_note = page.get_by_text("Retraining is for modellers; you are signed in as a viewer").count()

            page.get_by_role("button", name="Sign out").click()
            page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
            page.screenshot(path=str(SCREENSHOTS / "sign_in.png"))
            provider.user = MODELLER  # who the provider signs in next
            _sign_in(page, MODELLER, "modeller")
            modeller_offered = _retrain_offered(page)
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert before_sign_in == 0  # nothing but the sign-in page before signing in
    assert not viewer_offered and viewer_note == 1
    assert modeller_offered
    # the whole code flow ran twice against the provider, and the logout went through it
    for served in ("GET /.well-known/openid-configuration", "GET /authorize", "POST /token", "GET /jwks", "GET /logout"):
        assert served in provider.requests, provider.requests
    assert provider.requests.count("POST /token") == 2
