"""Sign-in and roles through streamlit.testing.v1.AppTest: `AppTest.secrets` stands in for secrets.toml and
`AppTest.user` for what the OIDC provider said (tests/e2e/test_browser_auth.py signs in through a real provider).
"""

import shutil

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from gmvplanner.service import retraining
from gmvplanner.service.shared_version import default_file

from ..helpers import ROOT

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "gmv",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES = {"modeller": ["mo@example.com"], "planner": ["pat@example.com"], "viewer": ["*@example.com"]}


@pytest.fixture
def artifacts(trained_mmm, tmp_path, monkeypatch):
    """A private copy of the trained artifacts with one more version beside it (a copy: no retrain needed)."""
    base = tmp_path / "artifacts"
    shutil.copytree(trained_mmm, base)
    shutil.copytree(trained_mmm, retraining.versions_dir(base) / "20260101-000000-000000")
    monkeypatch.setenv("GMV_ARTIFACTS", str(base))
    return base


def _app(user=None, roles=ROLES, page=None):
    """One session; `user` None: no sign-in configured (local use). Otherwise signed in with this e-mail."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if user is not None:
        at.secrets["auth"] = AUTH
        if roles is not None:
            at.secrets["gmv_roles"] = roles
        at.user = {"is_logged_in": bool(user), "email": user or "", "name": (user or "").split("@")[0].title()}
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _keys(at):
    return {b.key for b in at.button} | {b.key for b in at.sidebar.button}


def _pick_retrained(at):
    """Switch the session to the retrained version (listed first): the one the team does not open yet."""
    at.sidebar.selectbox[0].set_value(at.sidebar.selectbox[0].options[0]).run()
    assert not at.exception, at.exception
    return at


def test_local_use_has_every_role_and_no_sign_in_line(artifacts):
    at = _pick_retrained(_app(page="app_pages/data_retrain.py"))
    assert "retrain" in _keys(at) and "make_default_version" in _keys(at)
    assert not any("Signed in as" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize(
    ("email", "role", "retrain", "choose"),
    [
        ("vic@example.com", "viewer", False, False),
        ("pat@example.com", "planner", False, False),
        ("mo@example.com", "modeller", True, True),
    ],
)
def test_each_role_sees_the_retrain_button_only_when_it_may(artifacts, email, role, retrain, choose):
    at = _pick_retrained(_app(email, page="app_pages/data_retrain.py"))
    assert any(c.value == f"Signed in as {email.split('@')[0].title()} ({role})" for c in at.sidebar.caption)
    assert "sign_out" in _keys(at)
    assert ("retrain" in _keys(at)) is retrain
    assert ("make_default_version" in _keys(at)) is choose
    notes = [i.value for i in at.info if i.value.startswith("Retraining is for modellers")]
    assert notes == (
        [] if retrain else [f"Retraining is for modellers; you are signed in as a {role}. Ask your admin if you need it."]
    )
    assert any(i.value.startswith("Upload at least an orders file") for i in at.info) is retrain  # no upload hint
    assert bool(_uploaders(at)) is (role != "viewer")  # viewers look; they send no files
    assert any(i.value.startswith("Uploading files is for planners and modellers") for i in at.info) is (role == "viewer")


def _uploaders(at):
    return [u.key for u in at.get("file_uploader")]


def test_viewers_see_no_upload_boxes_on_experiments(artifacts):
    at = _app("vic@example.com", page="app_pages/experiments.py")
    assert _uploaders(at) == []
    assert "exp_results_upload" in _uploaders(_app("pat@example.com", page="app_pages/experiments.py"))


@pytest.mark.parametrize(("email", "offered"), [("pat@example.com", False), ("mo@example.com", True)])
def test_the_experiments_retrain_is_offered_to_modellers_only(artifacts, email, offered):
    at = _app(email, page="app_pages/experiments.py")
    results = ROOT / "data" / "example_lift_tests.csv"  # any results make the page offer the retrain
    at.file_uploader(key="exp_results_upload").set_value((results.name, results.read_bytes(), "text/csv")).run()
    assert not at.exception, at.exception
    assert ("exp_retrain" in _keys(at)) is offered
    assert any(i.value.startswith("Retraining with these results is for modellers") for i in at.info) is not offered


def test_not_signed_in_sees_only_the_sign_in_page(artifacts):
    at = _app(user="")
    assert [b.key for b in at.button] == ["sign_in"]
    assert at.title[0].value == "GMV Planner" and not at.header and not at.sidebar.selectbox


def test_signed_in_but_not_listed_is_asked_to_see_the_admin(artifacts):
    at = _app("stranger@elsewhere.org")
    assert "stranger@elsewhere.org" in at.warning[0].value and "Ask your admin" in at.warning[0].value
    assert [b.key for b in at.button] == ["sign_out"] and not at.header
    assert "Ask your admin" in _app("mo@example.com", roles=None).warning[0].value  # no allowlist: nobody is in


def test_a_bad_allowlist_is_named_not_a_traceback(artifacts):
    at = _app("mo@example.com", roles={"admin": ["mo@example.com"]})
    assert "unknown role 'admin'; valid: ['viewer', 'planner', 'modeller']" in at.error[0].value


def test_a_modeller_chooses_the_version_new_sessions_open(artifacts):
    at = _app("mo@example.com")
    assert at.sidebar.selectbox[0].value.startswith("original")  # no choice yet: sessions open the original
    assert "New sessions open this version." in [c.value for c in at.sidebar.caption]
    _pick_retrained(at)
    assert "New sessions open this version." not in [c.value for c in at.sidebar.caption]
    at.sidebar.button(key="make_default_version").click().run()
    assert default_file(artifacts).read_text(encoding="utf-8").strip() == "20260101-000000-000000"
    assert "New sessions open this version." in [c.value for c in at.sidebar.caption]
    newcomer = _app("vic@example.com")
    assert newcomer.sidebar.selectbox[0].value.startswith("retrained")
    assert "New sessions open this version." in [c.value for c in newcomer.sidebar.caption]
    shutil.rmtree(retraining.versions_dir(artifacts) / "20260101-000000-000000")  # pruned: back to the original
    assert not _app("vic@example.com").sidebar.selectbox  # one version left, no picker


@pytest.fixture
def served_on_every_interface():
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_without_sign_in_a_server_beyond_loopback_refuses(artifacts, served_on_every_interface, monkeypatch):
    at = _app()
    assert "listens on 0.0.0.0, but sign-in is not configured" in at.error[0].value
    assert not at.header and not at.button
    monkeypatch.setenv("GMV_OPEN_WITHOUT_SIGN_IN", "1")
    at = _app(page="app_pages/data_retrain.py")
    assert "anyone who can reach this server may do everything" in at.sidebar.warning[0].value
    assert "retrain" in _keys(at)


def test_only_planners_and_modellers_save_to_the_library_and_the_author_is_the_signed_in_email(artifacts, tmp_path, monkeypatch):
    from gmvplanner.library import open_library

    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    monkeypatch.setenv("GMV_DATABASE_URL", url)
    viewer = _app("vi@example.com", page="app_pages/scenario_planner.py")
    assert "save_scenario" not in _keys(viewer) and "library_duplicate" not in _keys(viewer)
    assert any("saving needs the planner role" in c.value for c in viewer.caption)
    planner = _app("pat@example.com", page="app_pages/scenario_planner.py")
    planner.text_input(key="scenario_name").set_value("Pat's plan").run()
    planner.button(key="save_scenario").click().run()
    assert not planner.error, [e.value for e in planner.error]
    assert open_library(url).scenario("Pat's plan").author == "pat@example.com"
    viewer.run()  # the viewer sees it, can open it, cannot change it
    assert "library_open" in _keys(viewer) and "library_delete" not in _keys(viewer)
