"""Protection of the console's forms against cross-site request forgery.

Signed double submit: the browser holds a random seed in an HttpOnly, SameSite=Strict
cookie; every form carries the seed's HMAC under the app's secret key. Another site can
neither read the cookie nor compute the token, so a forged form fails the check.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CSRF_COOKIE = "frontline_csrf"
CSRF_FIELD = "csrf_token"


class CsrfGuard:
    """Makes and checks form tokens with one app's secret key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @staticmethod
    def new_seed() -> str:
        """A fresh random seed for the cookie."""
        return secrets.token_urlsafe(32)

    def token(self, seed: str) -> str:
        """The form token of `seed`."""
        return hmac.new(
            self._key, b"frontline-csrf\x00" + seed.encode(), hashlib.sha256
        ).hexdigest()

    def valid(self, seed: str | None, token: str | None) -> bool:
        """Whether a form's `token` matches the cookie's `seed` (compared in constant time)."""
        if not seed or not token:
            return False
        return hmac.compare_digest(self.token(seed), token)
