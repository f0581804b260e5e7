"""Sign-in and roles in the app: who is using this session and what they may do (the rules are gmvplanner.service.access).

- With an `[auth]` section in `.streamlit/secrets.toml`, everyone signs in through that OIDC provider
  (Streamlit's `st.login`); their role comes from the `[gmv_roles]` allowlist. Someone signed in but not on it sees
  a plain "ask your admin" page and nothing else.
- Without it the app is local-only, as before: served on a loopback address, its single user has every role. Bound
  beyond loopback without sign-in, the app refuses to open (unless $GMV_OPEN_WITHOUT_SIGN_IN=1 says another layer,
  such as an authenticating proxy, guards it): a warning in the browser would reach the visitors, not whoever
  started the server, and anyone who can reach it could retrain and choose the version everyone opens.

`require_user()` runs in `app.py` before the navigation; pages ask `signed_in_user().can(...)` or `may(...)`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAuthError

from gmvplanner.errors import InputError
from gmvplanner.service import access, planner, shared_version
from gmvplanner.service.access import Action, Role

__all__ = [
    "User",
    "OPEN_ENV",
    "ROLES_SECTION",
    "sign_in_configured",
    "signed_in_user",
    "require_user",
    "can_save_scenarios",
    "can_upload",
    "may",
    "sidebar_user_ui",
    "default_version_ui",
]

OPEN_ENV = "GMV_OPEN_WITHOUT_SIGN_IN"  # "1": served beyond loopback without sign-in, on purpose (see the docstring)
ROLES_SECTION = "gmv_roles"  # the allowlist's table in secrets.toml (see gmvplanner.service.access)
LOG = logging.getLogger("gmvplanner.app")  # the refusal goes to the server's terminal too: its visitors cannot fix it
ROLE_NAMES = {Role.VIEWER: "viewers", Role.PLANNER: "planners", Role.MODELLER: "modellers"}


@dataclass(frozen=True)
class User:
    """Who uses this session.

    Attributes:
        name: as the provider gives it (else the e-mail); "" for local use.
        email: the signed-in e-mail; "" for local use.
        role: from the allowlist; None when signed in but not on it (or not signed in).
        signed_in: False for local use without sign-in (then the role is `access.LOCAL_ROLE`).
    """

    name: str
    email: str
    role: Role | None
    signed_in: bool

    def can(self, action: Action | str) -> bool:
        """Whether this user may do `action` ("view", "save_scenarios", "retrain", "choose_default_version")."""
        return access.can(self.role, action)


LOCAL_USER = User("", "", access.LOCAL_ROLE, signed_in=False)


def _secret_table(name: str) -> Mapping[str, Any] | None:
    """The `[name]` table of secrets.toml, or None (no such table, or no secrets file at all)."""
    try:
        table = st.secrets.get(name)
    except FileNotFoundError:  # no secrets.toml anywhere: Streamlit raises rather than return nothing
        return None
    return table if isinstance(table, Mapping) else None


def sign_in_configured() -> bool:
    """Whether secrets.toml has an `[auth]` section, i.e. the app is meant for a signed-in team."""
    return _secret_table("auth") is not None


def signed_in_user() -> User:
    """This session's user (no drawing). Raises InputError when the allowlist in secrets.toml is malformed."""
    if not sign_in_configured():
        return LOCAL_USER
    if not st.user.is_logged_in:
        return User("", "", None, signed_in=False)
    info = st.user.to_dict()
    email = str(info.get("email") or "")
    role = access.allowlist_from_secrets(_secret_table(ROLES_SECTION)).role_for(email)
    return User(str(info.get("name") or email), email, role, signed_in=True)


def can_save_scenarios() -> bool:
    """Whether this session may save and edit scenarios in the shared library (planners and modellers)."""
    return signed_in_user().can(Action.SAVE_SCENARIOS)


def can_upload() -> bool:
    """Whether this session may upload files (planners and modellers; viewers only look)."""
    return signed_in_user().can(Action.UPLOAD)


def may(action: Action, doing: str) -> bool:
    """True when this session's user may do `action`; otherwise a plain note saying who may (`doing`, e.g.
    "Retraining", starts the sentence) and False, so a page shows the note instead of the button."""
    user = signed_in_user()
    if user.can(action):
        return True
    allowed = [ROLE_NAMES[r] for r in Role if access.can(r, action)]
    st.info(
        f"{doing} is for {' and '.join(allowed)}; you are signed in as a {user.role.value if user.role else 'guest'}. "
        "Ask your admin if you need it."
    )
    return False


def _sign_in_page() -> None:
    st.title("GMV Planner")
    st.write("Sign in with your work account to open the planner.")
    if importlib.util.find_spec("authlib") is None:
        st.error("Sign-in is configured, but this server lacks the Authlib package: `pip install -r requirements.txt`.")
        return
    if st.button("Sign in", type="primary", key="sign_in"):
        try:
            st.login()
        except StreamlitAuthError as exc:
            st.error(f"Sign-in is not set up correctly in .streamlit/secrets.toml: {' '.join(str(exc).split())}")


def _sign_out_button(where: Any = st) -> None:
    if where.button("Sign out", type="tertiary", key="sign_out"):
        st.logout()


def _ask_admin_page(user: User) -> None:
    st.title("GMV Planner")
    st.warning(
        f"You are signed in as {user.email or 'an account without an e-mail'}, but that address is not on this "
        "planner's list of users. Ask your admin to add it (as a viewer, planner or modeller), then sign in again."
    )
    _sign_out_button()


def _local_user() -> User:
    """The single local user, or a page explaining why the app will not open (see the module docstring)."""
    address = st.get_option("server.address")
    if access.is_local_address(address):
        return LOCAL_USER
    if os.environ.get(OPEN_ENV) == "1":
        st.sidebar.warning(f"No sign-in: anyone who can reach this server may do everything ({OPEN_ENV}=1).")
        return LOCAL_USER
    message = (
        f"This server listens on {address or 'every network interface'}, but sign-in is not configured, so anyone "
        "who can reach it could retrain and change what the team opens. Configure sign-in in "
        '.streamlit/secrets.toml (README: "Sign-in and roles for a team"), or serve on 127.0.0.1 only '
        f"(`--server.address 127.0.0.1`), or set {OPEN_ENV}=1 if a proxy in front already signs people in."
    )
    LOG.warning("refused a visitor: %s", message)
    st.title("GMV Planner")
    st.error(message)
    st.stop()
    return LOCAL_USER  # not reached: st.stop ends the run


def require_user() -> User:
    """The session's user, allowed in; otherwise draws the sign-in, "ask your admin" or refusal page and stops the
    run. Call before the navigation, so nothing else is drawn (or trained) for someone not allowed in."""
    if not sign_in_configured():
        return _local_user()
    if not st.user.is_logged_in:
        _sign_in_page()
        st.stop()
    try:
        user = signed_in_user()
    except InputError as exc:
        st.error(f"The list of users in .streamlit/secrets.toml cannot be used: {exc}")
        _sign_out_button()
        st.stop()
    if user.role is None:
        _ask_admin_page(user)
        st.stop()
    return user


def sidebar_user_ui(user: User) -> None:
    """The sidebar line "Signed in as NAME (role)" and a Sign out button; nothing for local use."""
    if not user.signed_in or user.role is None:
        return
    st.sidebar.caption(f"Signed in as {user.name} ({user.role.value})")
    _sign_out_button(st.sidebar)


def default_version_ui(mine: Path) -> None:
    """Under the version picker: whether new sessions open this session's version, and for those who may choose,
    the button that makes it so (sessions already open keep theirs)."""
    base = planner.app_artifacts_dir()
    chosen = shared_version.default_version(base) or base
    if Path(mine).resolve() == chosen.resolve():
        st.sidebar.caption("New sessions open this version.")
        return
    if not signed_in_user().can(Action.CHOOSE_DEFAULT_VERSION):
        return
    if st.sidebar.button("Make this the version everyone opens", key="make_default_version"):
        shared_version.set_default_version(base, Path(mine))
        st.rerun()  # redrawn with the caption saying new sessions open it
