"""Who may do what when a team shares the app: roles, the allowlist that gives them, and what each role may do.

The app signs people in (Streamlit's `st.login` with an OIDC provider) and this module decides what a signed-in
e-mail may do. It never imports streamlit: the app reads the allowlist from `secrets.toml` and passes the table in.

The allowlist is a table of role -> e-mails, as in `secrets.toml`::

    [gmv_roles]
    modeller = ["ana@example.com"]
    planner = ["ben@example.com", "chandra@example.com"]
    viewer = ["*@example.com"]          # anyone at example.com may look
    # or: file = "/etc/gmv/roles.toml"  # a file holding the same three keys

An exact e-mail wins over a `*@domain` pattern; e-mails compare without regard to case. Someone listed under two
roles (or a domain under two roles) is an error naming both, not a silent choice.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = [
    "Role",
    "Action",
    "PERMISSIONS",
    "LOCAL_ROLE",
    "ROLES_FILE_KEY",
    "Allowlist",
    "can",
    "parse_allowlist",
    "load_allowlist",
    "allowlist_from_secrets",
    "is_local_address",
]


class Role(StrEnum):
    """What a signed-in person is allowed to be, from least to most."""

    VIEWER = "viewer"  # sees everything, changes nothing shared
    PLANNER = "planner"  # also saves and edits scenarios in the shared library
    MODELLER = "modeller"  # also retrains and chooses the model version everyone opens


class Action(StrEnum):
    """Something the app lets a role do (or not)."""

    VIEW = "view"
    SAVE_SCENARIOS = "save_scenarios"
    RETRAIN = "retrain"
    CHOOSE_DEFAULT_VERSION = "choose_default_version"
    UPLOAD = "upload"  # send files to the server (data, results, plans): viewers look and do not upload


PERMISSIONS: Mapping[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.VIEW}),
    Role.PLANNER: frozenset({Action.VIEW, Action.SAVE_SCENARIOS, Action.UPLOAD}),
    Role.MODELLER: frozenset(Action),
}
LOCAL_ROLE = Role.MODELLER  # without sign-in the app serves this machine only, and its one user may do everything
ROLES_FILE_KEY = "file"  # `[gmv_roles] file = "..."`: the allowlist lives in that TOML file instead
DOMAIN_PREFIX = "*@"


def _choice(value: Any, kind: type[Enum], what: str) -> Any:
    """`value` as a member of `kind`; an unknown value raises ValueError listing the valid ones."""
    try:
        return kind(value)
    except ValueError:
        valid = [m.value for m in kind]
        raise ValueError(f"unknown {what} {value!r}; valid: {valid}") from None


def can(role: Role | str | None, action: Action | str) -> bool:
    """Whether `role` may do `action`. No role (signed in but not on the allowlist) may do nothing; an unknown
    action or role raises ValueError listing the valid ones, so a typo in the app cannot silently deny or allow."""
    wanted = _choice(action, Action, "action")
    if role is None:
        return False
    return wanted in PERMISSIONS[_choice(role, Role, "role")]


@dataclass(frozen=True)
class Allowlist:
    """Who has which role.

    Attributes:
        emails: exact e-mail (lower case) -> role.
        domains: domain (lower case, no `@`) -> role, from `*@domain` entries.
    """

    emails: Mapping[str, Role] = field(default_factory=dict)
    domains: Mapping[str, Role] = field(default_factory=dict)

    def role_for(self, email: str | None) -> Role | None:
        """The role of `email`: its own entry, else its domain's, else None (not allowed in)."""
        if not email or "@" not in email:
            return None
        email = email.strip().lower()
        if email in self.emails:
            return self.emails[email]
        return self.domains.get(email.rsplit("@", 1)[1])

    def __len__(self) -> int:
        return len(self.emails) + len(self.domains)


def _entries(value: Any, role: Role, source: str) -> list[str]:
    """The e-mails listed under `role`: a list of strings (or one string)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputError(source, f'\'{role.value}\' must be a list of e-mails such as ["ana@example.com", "*@example.com"]')
    return [i.strip().lower() for i in items]


def _key(entry: str, role: Role, source: str) -> tuple[str, str]:
    """('email' or 'domain', the key) for one allowlist entry; anything else is an error naming it."""
    domain = entry.removeprefix(DOMAIN_PREFIX)
    if entry.startswith(DOMAIN_PREFIX) and "." in domain and not any(c in domain for c in "@* "):
        return "domain", domain
    if "*" not in entry and entry.count("@") == 1 and all(entry.split("@")):
        return "email", entry
    raise InputError(source, f"'{role.value}': {entry!r} is neither an e-mail nor a '*@domain' pattern")


def _add(found: dict[str, Role], key: str, role: Role, source: str) -> None:
    if found.get(key, role) != role:
        raise InputError(source, f"{key!r} is listed as both {found[key].value} and {role.value}; keep one")
    found[key] = role


def parse_allowlist(table: Mapping[str, Any], source: str = "secrets.toml [gmv_roles]") -> Allowlist:
    """The allowlist in `table` (role -> e-mails, see the module docstring). Errors name `source`, the role and
    the entry; an unknown role lists the valid ones. A `file` key is for `allowlist_from_secrets`, not here."""
    emails: dict[str, Role] = {}
    domains: dict[str, Role] = {}
    for name, value in table.items():
        try:
            role = Role(str(name).strip().lower())
        except ValueError:
            raise InputError(source, f"unknown role {name!r}; valid: {[r.value for r in Role]}") from None
        for entry in _entries(value, role, source):
            kind, key = _key(entry, role, source)
            _add(emails if kind == "email" else domains, key, role, source)
    return Allowlist(emails, domains)


def load_allowlist(path: Path | str) -> Allowlist:
    """The allowlist in the TOML file `path` (the same role -> e-mails keys, at the top level)."""
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read the roles file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    return parse_allowlist(table, source=str(path))


def allowlist_from_secrets(table: Mapping[str, Any] | None) -> Allowlist:
    """The allowlist from the `[gmv_roles]` table of secrets.toml: inline, or in the file its `file` key names.
    No table gives an empty allowlist: everyone who signs in is asked to see their admin."""
    if not table:
        return Allowlist()
    table = dict(table)
    if ROLES_FILE_KEY in table:
        if len(table) > 1:
            raise InputError("secrets.toml [gmv_roles]", f"either '{ROLES_FILE_KEY}' or roles, not both")
        return load_allowlist(str(table[ROLES_FILE_KEY]))
    return parse_allowlist(table)


def is_local_address(address: str | None) -> bool:
    """Whether a server bound to `address` is reachable from this machine only: a loopback address, or a Unix socket
    (`unix://...`, for a proxy on the same machine). No address means every interface, as Streamlit binds then."""
    if not address:
        return False
    if address.strip().lower() == "localhost" or address.startswith("unix://"):
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False
