"""Password hashes (argon2id) and the password policy.

The default parameters are OWASP's recommendation for argon2id (19 MiB, 2 passes, 1 lane:
about 20 ms a hash here). Hashes carry their parameters, so when the deployment's
parameters change, a successful verification hands back a fresh hash to store.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024
"""Longer passwords are refused outright, so nobody can make the server hash a megabyte."""


@dataclass(frozen=True, slots=True)
class HashParameters:
    """argon2id cost parameters (memory in KiB)."""

    time_cost: int = 2
    memory_cost: int = 19_456
    parallelism: int = 1
    hash_len: int = 32
    salt_len: int = 16


OWASP = HashParameters()
"""OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1."""


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of checking a password against a stored hash."""

    valid: bool
    new_hash: str | None = None
    """A hash with the current parameters, to store in place of the old one (valid only)."""


@cache
def _hasher(parameters: HashParameters) -> PasswordHasher:
    return PasswordHasher(
        time_cost=parameters.time_cost,
        memory_cost=parameters.memory_cost,
        parallelism=parameters.parallelism,
        hash_len=parameters.hash_len,
        salt_len=parameters.salt_len,
        type=Type.ID,
    )


def hash_password(password: str, *, parameters: HashParameters = OWASP) -> str:
    """The argon2id PHC string of `password` (random salt)."""
    return _hasher(parameters).hash(password)


def verify_password(
    password_hash: str | None, password: str, *, parameters: HashParameters = OWASP
) -> Verification:
    """Check `password` against `password_hash` in constant time.

    A missing hash (no password set yet) is checked against a dummy hash, so it costs the
    same as a wrong password and tells nothing apart. When the password is right but the
    hash was made with other parameters, `new_hash` holds its replacement.
    """
    hasher = _hasher(parameters)
    if password_hash is None or len(password) > MAX_LENGTH:
        _verify_quietly(hasher, dummy_hash(parameters), password[:MAX_LENGTH])
        return Verification(valid=False)
    if not _verify_quietly(hasher, password_hash, password):
        return Verification(valid=False)
    if hasher.check_needs_rehash(password_hash):
        return Verification(valid=True, new_hash=hasher.hash(password))
    return Verification(valid=True)


def _verify_quietly(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash(parameters: HashParameters = OWASP) -> str:
    """A hash of a random password, to verify against when there is no account: equal work."""
    return _hasher(parameters).hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class PolicyViolation:
    """One rule a proposed password breaks, with a message in Chinese and in English."""

    code: str
    zh: str
    en: str


class WeakPasswordError(ValueError):
    """A proposed password breaks the policy; the message never contains the password."""

    def __init__(self, violations: list[PolicyViolation]) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{v.zh} ({v.en})" for v in violations))


TOO_SHORT = PolicyViolation(
    "too_short",
    f"密码至少需要 {MIN_LENGTH} 个字符",
    f"the password needs at least {MIN_LENGTH} characters",
)
TOO_LONG = PolicyViolation(
    "too_long",
    f"密码不能超过 {MAX_LENGTH} 个字符",
    f"the password may have at most {MAX_LENGTH} characters",
)
HAS_USERNAME = PolicyViolation(
    "username", "密码不能是用户名或包含用户名", "the password must not be or contain the username"
)
COMMON = PolicyViolation(
    "common",
    "这是常见密码，容易被猜中，请换一个",
    "this is a common password that is easily guessed; choose another",
)


def password_problems(password: str, *, username: str) -> list[PolicyViolation]:
    """The rules `password` breaks for the account `username` (empty when acceptable)."""
    problems: list[PolicyViolation] = []
    if len(password) < MIN_LENGTH:
        problems.append(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(TOO_LONG)
    folded = password.casefold()
    if username and username.casefold() in folded:
        problems.append(HAS_USERNAME)
    if folded in common_passwords():
        problems.append(COMMON)
    return problems


def check_password_policy(password: str, *, username: str) -> None:
    """Raise `WeakPasswordError` when `password` breaks the policy for the account `username`."""
    problems = password_problems(password, username=username)
    if problems:
        raise WeakPasswordError(problems)


@cache
def common_passwords() -> frozenset[str]:
    """Common passwords (case-folded) of policy length, packaged with Frontline."""
    text = resources.files("frontline.staff").joinpath("common_passwords.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))
