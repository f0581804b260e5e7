"""A small OpenID Connect provider for tests, on a loopback port: the authorization-code flow as a real provider
runs it, without the login form.

- `/.well-known/openid-configuration` (discovery), `/jwks` (the public RSA key), `/userinfo` (Bearer token).
- `/authorize` checks the client, the redirect URI, `response_type=code` and the `openid` scope, then approves
  `provider.user` at once (no form: tests set `provider.user` before each sign-in) and redirects back with a
  single-use code and the client's `state`.
- `/token` authenticates the client (HTTP Basic or form fields), checks the code, its redirect URI and the PKCE
  verifier (S256), and returns an access token and an RS256-signed ID token with the client's `nonce`.
- `/logout` (RP-initiated logout) redirects to `post_logout_redirect_uri` when it is one of the client's.

The ID token is signed with joserfc, the JOSE library Authlib itself uses since 1.6 (its own `authlib.jose` is
deprecated), with a key generated per provider. Everything the provider served is kept in `provider.requests`.

Run by hand: `python -m tests.e2e.oidc_provider REDIRECT_URI EMAIL` serves until Ctrl+C and prints the issuer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

__all__ = ["SignInUser", "OIDCProvider"]

CODE_SECONDS = 60  # an authorization code's life (RFC 6749 §4.1.2 recommends at most 10 minutes)
TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class SignInUser:
    """Who the provider signs in: the claims of the ID token and of /userinfo."""

    email: str
    name: str

    @property
    def claims(self) -> dict[str, Any]:
        sub = hashlib.sha256(self.email.encode()).hexdigest()[:16]
        return {"sub": sub, "email": self.email, "email_verified": True, "name": self.name}


@dataclass
class _Grant:
    user: SignInUser
    redirect_uri: str
    nonce: str | None
    challenge: str | None
    method: str | None
    expires: float


@dataclass
class OIDCProvider:
    """An OIDC provider for one client; use as a context manager (`with OIDCProvider(...) as provider:`)."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]
    user: SignInUser
    requests: list[str] = field(default_factory=list)
    issuer: str = ""

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(4), "use": "sig", "alg": "RS256"})
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, SignInUser] = {}
        self._lock = threading.Lock()

    # -- serving -----------------------------------------------------------------------------------------------

    def __enter__(self) -> OIDCProvider:
        provider = self

        class Handler(_Handler):
            oidc = provider

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    # -- the flow ----------------------------------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) for /authorize: a redirect with a code, or an error."""
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or redirect not in self.redirect_uris:
            return 400, {}, "unknown client or redirect_uri"  # never redirect to an unregistered address
        error = _authorize_error(query)
        if error:
            return 302, {"Location": _with_query(redirect, {"error": error, "state": query.get("state", "")})}, ""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                self.user,
                redirect,
                query.get("nonce"),
                query.get("code_challenge"),
                query.get("code_challenge_method"),
                time.time() + CODE_SECONDS,
            )
        params = {"code": code, "iss": self.issuer} | ({"state": query["state"]} if "state" in query else {})
        return 302, {"Location": _with_query(redirect, params)}, ""

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        """(status, JSON body) for /token: tokens for a valid code, else an RFC 6749 §5.2 error."""
        client_id, client_secret = _client_credentials(form, authorization)
        if client_id != self.client_id or not secrets.compare_digest(client_secret or "", self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # single use
        if grant is None or grant.expires < time.time() or grant.redirect_uri != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if grant.challenge and not _pkce_ok(grant, form.get("code_verifier")):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        access = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access] = grant.user
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "scope": "openid email profile",
            "id_token": self.id_token(grant),
        }

    def id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + TOKEN_SECONDS, "auth_time": now}
        claims |= grant.user.claims | ({"nonce": grant.nonce} if grant.nonce else {})
        return jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, claims, self.key)

    def userinfo(self, authorization: str | None) -> tuple[int, dict[str, Any]]:
        token = (authorization or "").removeprefix("Bearer ").strip()
        with self._lock:
            user = self._tokens.get(token)
        return (200, user.claims) if user else (401, {"error": "invalid_token"})

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        target = query.get("post_logout_redirect_uri")
        if target in self.redirect_uris:
            return 302, {"Location": _with_query(target, {"state": query["state"]} if "state" in query else {})}, ""
        return 200, {}, "Signed out."


def _authorize_error(query: dict[str, str]) -> str:
    if query.get("response_type") != "code":
        return "unsupported_response_type"
    if "openid" not in query.get("scope", "").split():
        return "invalid_scope"
    if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
        return "invalid_request"
    return ""


def _pkce_ok(grant: _Grant, verifier: str | None) -> bool:
    if not verifier:
        return False
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
    return secrets.compare_digest(digest, grant.challenge or "")


def _client_credentials(form: dict[str, str], authorization: str | None) -> tuple[str | None, str | None]:
    """client_secret_basic (RFC 6749 §2.3.1: form-urlencoded, then Basic) or client_secret_post."""
    if authorization and authorization.startswith("Basic "):
        decoded = base64.b64decode(authorization[6:]).decode()
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return form.get("client_id"), form.get("client_secret")


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(params)


def _single(values: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in values.items()}


class _Handler(BaseHTTPRequestHandler):
    oidc: OIDCProvider

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        self.oidc.requests.append(f"{self.command} {urlsplit(self.path).path}")

    def _send(self, status: int, body: str | dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        query = _single(parse_qs(parts.query))
        if parts.path == "/.well-known/openid-configuration":
            self._send(200, self.oidc.metadata())
        elif parts.path == "/jwks":
            self._send(200, {"keys": [self.oidc.key.as_dict(private=False)]})
        elif parts.path == "/authorize":
            status, headers, body = self.oidc.authorize(query)
            self._send(status, body, headers)
        elif parts.path == "/userinfo":
            self._send(*self.oidc.userinfo(self.headers.get("Authorization")))
        elif parts.path == "/logout":
            status, headers, body = self.oidc.logout(query)
            self._send(status, body, headers)
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        form = _single(parse_qs(self.rfile.read(length).decode()))
        if urlsplit(self.path).path == "/token":
            self._send(*self.oidc.token(form, self.headers.get("Authorization")))
        elif urlsplit(self.path).path == "/userinfo":
            self._send(*self.oidc.userinfo(self.headers.get("Authorization")))
        else:
            self._send(404, {"error": "not_found"})


def main(argv: list[str] | None = None) -> None:
    """Serve a provider for `REDIRECT_URI` that signs in `EMAIL` (client id `gmv`, secret `gmv-test-secret`)."""
    redirect, email = (argv if argv is not None else sys.argv[1:])[:2]
    with OIDCProvider("gmv", "gmv-test-secret", [redirect], SignInUser(email, email.split("@")[0].title())) as provider:
        print(f"issuer {provider.issuer}; server_metadata_url = {provider.metadata_url!r}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
