"""The test OIDC provider follows the standard, so that the browser test's sign-in proves something: Authlib's own
client completes the code flow with PKCE and verifies the ID token; wrong secrets, verifiers, replayed codes and
unregistered redirect URIs are refused as RFC 6749 says."""

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from .oidc_provider import OIDCProvider, SignInUser

REDIRECT = "http://127.0.0.1:8501/oauth2callback"
ANA = SignInUser("ana@example.com", "Ana")


@pytest.fixture
def provider():
    with OIDCProvider("gmv", "s3cret", [REDIRECT], ANA) as running:
        yield running


def _authorize(provider, client, verifier, **extra):
    """The redirect back to the client after /authorize (no browser: the provider approves at once)."""
    url, _state = client.create_authorization_url(
        provider.metadata()["authorization_endpoint"], nonce="n-1", code_verifier=verifier, **extra
    )
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return response.headers["Location"]


def _client(secret="s3cret"):
    return OAuth2Session("gmv", secret, scope="openid email profile", redirect_uri=REDIRECT, code_challenge_method="S256")


def test_authlib_completes_the_code_flow_and_verifies_the_id_token(provider):
    meta = requests.get(provider.metadata_url, timeout=10).json()
    assert meta["issuer"] == provider.issuer and meta["code_challenge_methods_supported"] == ["S256"]
    client, verifier = _client(), generate_token(48)
    back = _authorize(provider, client, verifier)
    assert back.startswith(REDIRECT + "?code=") and "state=" in back
    token = client.fetch_token(meta["token_endpoint"], authorization_response=back, code_verifier=verifier)
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["id_token"], keys).claims
    assert claims["iss"] == provider.issuer and claims["aud"] == "gmv" and claims["nonce"] == "n-1"
    assert claims["email"] == "ana@example.com" and claims["name"] == "Ana" and claims["exp"] > claims["iat"]
    assert client.get(meta["userinfo_endpoint"], timeout=10).json()["email"] == "ana@example.com"


def test_a_code_is_single_use_and_bound_to_its_verifier_and_client(provider):
    token_url = provider.metadata()["token_endpoint"]
    client, verifier = _client(), generate_token(48)
    back = _authorize(provider, client, verifier)
    with pytest.raises(OAuthError, match="invalid_client"):
        _client("wrong").fetch_token(token_url, authorization_response=back, code_verifier=verifier)
    with pytest.raises(OAuthError, match="PKCE verification failed"):
        client.fetch_token(token_url, authorization_response=back, code_verifier=generate_token(48))
    with pytest.raises(OAuthError, match="invalid_grant"):  # the failed attempt used the code up
        client.fetch_token(token_url, authorization_response=back, code_verifier=verifier)


def test_an_unregistered_redirect_is_refused_without_redirecting(provider):
    client = OAuth2Session("gmv", "s3cret", scope="openid", redirect_uri="http://evil.example/cb")
    url, _ = client.create_authorization_url(provider.metadata()["authorization_endpoint"])
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 400 and "Location" not in response.headers


def test_logout_returns_to_a_registered_address_only(provider):
    logout = provider.metadata()["end_session_endpoint"]
    back = requests.get(logout, params={"post_logout_redirect_uri": REDIRECT, "state": "s"}, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"] == REDIRECT + "?state=s"
    assert (
        requests.get(
            logout, params={"post_logout_redirect_uri": "http://evil.example/"}, allow_redirects=False, timeout=10
        ).status_code
        == 200
    )
