"""DPoP proofs and enrolment codes, without a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import ECKey, OctKey

from frontline.devices.enrolment import CODE_ALPHABET, CODE_LENGTH, format_code, normalise_code
from frontline.devices.proofs import ProofError, check_proof, key_thumbprint, token_hash

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
URL = "https://frontline.example/api/v1/device/check-in"
KEY = ECKey.generate_key("P-256")


def proof(header: dict[str, Any] | None = None, key: Any = KEY, **claims: Any) -> str:
    values = {"jti": "j1", "htm": "POST", "htu": URL, "iat": int(NOW.timestamp()), **claims}
    protected = {"typ": "dpop+jwt", "alg": "ES256", "jwk": KEY.as_dict(private=False)}
    protected.update(header or {})
    return jws.serialize_compact(protected, json.dumps(values), key)


def test_a_good_proof_names_its_key_by_thumbprint() -> None:
    checked = check_proof(proof(), method="post", url=URL + "?x=1", now=NOW)
    assert checked.thumbprint == KEY.thumbprint() == key_thumbprint(KEY.as_dict(private=False))
    assert checked.jti == "j1"


@pytest.mark.parametrize(
    ("made", "reason"),
    [
        (lambda: proof({"typ": "JWT"}), "type"),
        (lambda: proof({"jwk": KEY.as_dict(private=True)}), "key"),
        (lambda: proof({"jwk": {"kty": "RSA", "n": "x", "e": "AQAB"}}), "key"),
        (lambda: proof(key=ECKey.generate_key("P-256")), "signature"),
        (lambda: proof(htm="GET"), "method"),
        (lambda: proof(htu="https://frontline.example/api/v1/device/tasks"), "url"),
        (lambda: proof(iat=int((NOW - timedelta(minutes=2)).timestamp())), "time"),
        (lambda: proof(jti=""), "malformed"),
        (lambda: "a.b", "malformed"),
        (lambda: "", "missing"),
    ],
)
def test_a_bad_proof_is_refused_with_its_reason(made: Any, reason: str) -> None:
    with pytest.raises(ProofError) as refused:
        check_proof(made(), method="POST", url=URL, now=NOW)
    assert refused.value.reason == reason


def test_a_symmetric_algorithm_is_refused() -> None:
    secret = OctKey.generate_key(256)
    token = jws.serialize_compact({"typ": "dpop+jwt", "alg": "HS256"}, b"{}", secret)
    with pytest.raises(ProofError) as refused:
        check_proof(token, method="POST", url=URL, now=NOW)
    assert refused.value.reason == "algorithm"


def test_with_a_token_the_proof_must_carry_its_hash() -> None:
    token, other = "token-a", "token-b"
    made = proof(ath=token_hash(token))
    assert check_proof(made, method="POST", url=URL, now=NOW, access_token=token)
    with pytest.raises(ProofError):
        check_proof(made, method="POST", url=URL, now=NOW, access_token=other)
    with pytest.raises(ProofError):
        check_proof(proof(), method="POST", url=URL, now=NOW, access_token=token)


@given(st.text(alphabet=CODE_ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH))
def test_a_code_survives_being_formatted_and_typed_back_in_lower_case(code: str) -> None:
    shown = format_code(code)
    assert len(shown) == CODE_LENGTH + 2
    assert normalise_code(shown.lower().replace("-", " ")) == code
