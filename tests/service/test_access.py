"""Roles and the allowlist: who may do what, and errors that name the bad entry."""

import pytest

from gmvplanner.errors import InputError
from gmvplanner.service.access import (
    Action,
    Allowlist,
    Role,
    allowlist_from_secrets,
    can,
    is_local_address,
    load_allowlist,
    parse_allowlist,
)

TEAM = {
    "modeller": ["Ana@Example.com"],
    "planner": ["ben@example.com", "chandra@partner.org"],
    "viewer": ["*@example.com"],
}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", {"view"}),
        ("planner", {"view", "save_scenarios", "upload"}),
        ("modeller", {"view", "save_scenarios", "retrain", "choose_default_version", "upload"}),
    ],
)
def test_each_role_may_do_exactly_its_actions(role, allowed):
    assert {a.value for a in Action if can(role, a)} == allowed
    assert {a.value for a in Action if can(Role(role), a.value)} == allowed


def test_no_role_may_do_nothing():
    assert not any(can(None, a) for a in Action)


def test_a_typo_in_an_action_or_role_is_an_error_listing_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown action 'retrian'; valid: \['view', 'save_scenarios', 'retrain'"):
        can("modeller", "retrian")
    with pytest.raises(ValueError, match=r"unknown role 'admin'; valid: \['viewer', 'planner', 'modeller'\]"):
        can("admin", "view")


def test_an_exact_email_wins_over_its_domain_and_case_does_not_matter():
    allow = parse_allowlist(TEAM)
    assert allow.role_for("ana@example.com") is Role.MODELLER
    assert allow.role_for(" BEN@example.COM ") is Role.PLANNER
    assert allow.role_for("dev@example.com") is Role.VIEWER  # the domain
    assert allow.role_for("chandra@partner.org") is Role.PLANNER
    assert allow.role_for("eve@partner.org") is None  # a listed address's domain is not a pattern
    assert allow.role_for("eve@evil.example.com") is None  # a subdomain is not the domain
    assert allow.role_for(None) is None and allow.role_for("") is None and allow.role_for("no-at-sign") is None
    assert len(allow) == 4


def test_one_string_instead_of_a_list_is_accepted():
    assert parse_allowlist({"viewer": "solo@example.com"}).role_for("solo@example.com") is Role.VIEWER


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"admin": ["a@b.com"]}, r"unknown role 'admin'; valid: \['viewer', 'planner', 'modeller'\]"),
        ({"viewer": ["a@b.com"], "planner": ["A@b.com"]}, r"'a@b.com' is listed as both viewer and planner; keep one"),
        ({"viewer": ["*@b.com"], "modeller": ["*@b.com"]}, r"'b.com' is listed as both viewer and modeller"),
        ({"viewer": ["ana"]}, r"'viewer': 'ana' is neither an e-mail nor a '\*@domain' pattern"),
        ({"viewer": ["*@*.com"]}, r"'\*@\*.com' is neither"),
        ({"viewer": ["a*@b.com"]}, r"'a\*@b.com' is neither"),
        ({"planner": [1, 2]}, r"'planner' must be a list of e-mails"),
    ],
)
def test_a_bad_allowlist_names_the_entry(table, message):
    with pytest.raises(InputError, match=message) as err:
        parse_allowlist(table)
    assert "secrets.toml [gmv_roles]" in str(err.value)


def test_the_allowlist_can_live_in_a_file_named_in_secrets(tmp_path):
    roles = tmp_path / "roles.toml"
    roles.write_text('modeller = ["ana@example.com"]\nviewer = ["*@example.com"]\n', encoding="utf-8")
    allow = allowlist_from_secrets({"file": str(roles)})
    assert allow.role_for("ana@example.com") is Role.MODELLER and allow.role_for("x@example.com") is Role.VIEWER
    assert load_allowlist(roles) == allow


def test_a_bad_roles_file_is_named(tmp_path):
    with pytest.raises(InputError, match="cannot read the roles file") as err:
        allowlist_from_secrets({"file": str(tmp_path / "missing.toml")})
    assert "missing.toml" in str(err.value)
    broken = tmp_path / "broken.toml"
    broken.write_text("modeller = [", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_allowlist(broken)
    with pytest.raises(InputError, match="either 'file' or roles, not both"):
        allowlist_from_secrets({"file": str(broken), "viewer": ["a@b.com"]})


def test_no_allowlist_lets_nobody_in():
    assert allowlist_from_secrets(None) == Allowlist()
    assert allowlist_from_secrets({}).role_for("ana@example.com") is None


@pytest.mark.parametrize(
    ("address", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.0.1.1", True),
        ("unix:///run/gmv.sock", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("planner.example.com", False),
        ("", False),
        (None, False),
    ],
)
def test_only_loopback_addresses_are_local(address, local):
    assert is_local_address(address) is local
