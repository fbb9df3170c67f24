"""The app's keys and encrypted store in real Chromium, with no server API at all: the vault's
round trip and its records, keys the page itself cannot read, DPoP proofs checked in Python,
the PIN verifier and the purge rules."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page

from frontline.web import mobile
from tests.mobile.fake_api import ProofError, b64url, thumbprint, verify_proof
from tests.web.test_browser import CHROMIUM, PHONE, browser, serving

__all__ = ["browser"]  # fixture used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
HOUR_MS = 3_600_000


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    app = FastAPI()
    app.include_router(mobile.router())
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser: Browser, base: str) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", service_workers="block")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(f"{base}/app/")
    opened.evaluate("frontline.ready")
    yield opened
    context.close()
    assert errors == []


def run(page: Page, body: str) -> Any:
    """`body` as an async function with the app's modules in scope."""
    return page.evaluate(
        f"""async () => {{
            const db = await import("/app/static/js/db.js");
            const vault = await import("/app/static/js/vault.js");
            const dpop = await import("/app/static/js/dpop.js");
            const pin = await import("/app/static/js/pin.js");
            const purge = await import("/app/static/js/purge.js");
            const api = await import("/app/static/js/api.js");
            const outbox = await import("/app/static/js/forms/outbox.js");
            {body}
        }}"""
    )


CONTENT = {"fields": [{"name": "name", "label_zh": "姓名", "mask": "full", "value": "李秀英"}]}


def test_the_vault_round_trip_and_its_records(page: Page) -> None:
    result = run(
        page,
        f"""
        const content = {json.dumps(CONTENT, ensure_ascii=False)};
        await vault.storePackage({{package_id: "PK1", task_ref: "T00000001",
                                  expires_at: "2030-01-01T00:00:00Z", content}});
        await vault.storePackage({{package_id: "PK2", task_ref: "T00000002",
                                  expires_at: "2030-01-01T00:00:00Z", content}});
        const raw = await db.get("packages", "PK1");
        const other = await db.get("packages", "PK2");
        const opened = await vault.openPackage(await vault.packageRecordOf("T00000001"));
        const key = await vault.vaultKey();
        let exported = "refused";
        try {{ await crypto.subtle.exportKey("raw", key); exported = "exported"; }} catch {{}}
        // A record whose clear fields were changed (a later expiry) no longer opens.
        let tampered = "refused";
        try {{
            await vault.openPackage({{...raw, expires_at: "2031-01-01T00:00:00Z"}});
            tampered = "opened";
        }} catch {{}}
        const stored = await db.get("keys", "vault");
        return {{
            keys: Object.keys(raw).sort(),
            iv: raw.iv.length,
            sameIv: raw.iv.every((b, i) => b === other.iv[i]),
            ciphertext: Array.from(raw.ciphertext),
            opened, exported, tampered,
            extractable: key.extractable,
            algorithm: [key.algorithm.name, key.algorithm.length],
            usages: key.usages.slice().sort(),
            storedIsKey: stored.key instanceof CryptoKey,
        }};
        """,
    )
    assert result["keys"] == ["ciphertext", "expires_at", "iv", "package_id", "task_ref"]
    assert result["iv"] == 12
    assert result["sameIv"] is False
    assert "李秀英".encode() not in bytes(result["ciphertext"])
    assert result["opened"] == CONTENT
    assert result["exported"] == "refused"
    assert result["tampered"] == "refused"
    assert result["extractable"] is False
    assert result["algorithm"] == ["AES-GCM", 256]
    assert result["usages"] == ["decrypt", "encrypt"]
    assert result["storedIsKey"] is True


def test_the_device_key_is_kept_and_cannot_be_read_out(page: Page) -> None:
    first = run(
        page,
        """
        const keys = await dpop.createDeviceKeys();
        let exported = "refused";
        try { await crypto.subtle.exportKey("jwk", keys.privateKey); exported = "exported"; }
        catch {}
        return {
            exported,
            extractable: keys.privateKey.extractable,
            curve: keys.privateKey.algorithm.namedCurve,
            jwk: await dpop.publicJwk(keys),
        };
        """,
    )
    assert first["exported"] == "refused"
    assert first["extractable"] is False
    assert first["curve"] == "P-256"
    assert set(first["jwk"]) == {"kty", "crv", "x", "y"}
    page.reload()
    page.evaluate("frontline.ready")
    again = run(page, "return dpop.publicJwk(await dpop.deviceKeys());")
    assert again == first["jwk"], "the same key after a reload, from IndexedDB"


def test_a_dpop_proof_verifies_in_python(page: Page, base: str) -> None:
    token = "an-access-token.with.dots"  # noqa: S105 - a made-up token
    url = f"{base}/api/v1/device/check-in?x=1#frag"
    result = run(
        page,
        f"""
        const keys = await dpop.createDeviceKeys();
        const jwk = await dpop.publicJwk(keys);
        return {{
            plain: await dpop.proof({{method: "post", url: "/api/v1/device/enrol"}}),
            bound: await dpop.proof({{method: "POST", url: {json.dumps(url)},
                                     accessToken: {json.dumps(token)}}}),
            nonce: await dpop.proof({{method: "GET", url: "/api/v1/device/tasks",
                                     nonce: "server-nonce"}}),
            thumbprint: await dpop.thumbprint(jwk),
            jwk,
        }};
        """,
    )
    seen: set[str] = set()
    plain = verify_proof(
        result["plain"], method="POST", url=f"{base}/api/v1/device/enrol", seen=seen
    )
    assert plain.header == {"typ": "dpop+jwt", "alg": "ES256", "jwk": result["jwk"]}
    assert set(plain.payload) == {"jti", "htm", "htu", "iat"}
    assert plain.thumbprint == result["thumbprint"] == thumbprint(result["jwk"])

    bound = verify_proof(
        result["bound"],
        method="POST",
        url=f"{base}/api/v1/device/check-in",  # no query, no fragment
        access_token=token,
        seen=seen,
    )
    assert bound.payload["ath"] == b64url(hashlib.sha256(token.encode()).digest())
    assert bound.payload["jti"] != plain.payload["jti"]

    nonce = verify_proof(result["nonce"], method="GET", url=f"{base}/api/v1/device/tasks")
    assert nonce.payload["nonce"] == "server-nonce"

    # The checks bite: a replay, another method, a tampered payload.
    with pytest.raises(ProofError, match="replayed"):
        verify_proof(result["plain"], method="POST", url=f"{base}/api/v1/device/enrol", seen=seen)
    with pytest.raises(ProofError, match="htm"):
        verify_proof(result["plain"], method="GET", url=f"{base}/api/v1/device/enrol")
    header, payload, signature = result["plain"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["htu"] = f"{base}/api/v1/device/sign-in"
    forged = b64url(json.dumps(claims).encode())
    with pytest.raises(ProofError, match="signature"):
        verify_proof(
            f"{header}.{forged}.{signature}", method="POST", url=f"{base}/api/v1/device/sign-in"
        )


def test_the_pin_is_kept_only_as_a_verifier(page: Page) -> None:
    result = run(
        page,
        """
        await pin.setPin("482913");
        const stored = await db.getState("pin");
        const wrong = await pin.verify("482914");
        const right = await pin.verify("482913");
        let invalid = "accepted";
        try { await pin.setPin("12ab"); } catch { invalid = "refused"; }
        return {
            fields: Object.keys(stored).sort(),
            salt: stored.salt.length,
            verifier: stored.verifier.length,
            iterations: stored.iterations,
            dump: JSON.stringify(await db.all("state")),
            wrong, right, invalid,
            failures: await db.getState("pin_failures"),
        };
        """,
    )
    assert result["fields"] == ["algorithm", "iterations", "salt", "verifier"]
    assert result["salt"] == 16
    assert result["verifier"] == 32
    assert result["iterations"] >= 100_000
    assert "482913" not in result["dump"]
    assert result["wrong"] == {"ok": False, "left": 9}
    assert result["right"]["ok"] is True
    assert result["failures"] == 0
    assert result["invalid"] == "refused"


def test_purge_rules_delete_records_and_queue_receipts(page: Page) -> None:
    now = 1_900_000_000_000
    result = run(
        page,
        f"""
        const now = {now};
        const later = new Date(now + {48 * HOUR_MS}).toISOString();
        const soon = new Date(now + {HOUR_MS}).toISOString();
        await db.setState("last_check_in_at", now);
        const tasks = [["T1", "in_progress"], ["T2", "done"], ["T3", "cancelled"],
                       ["T4", "assigned"], ["T6", "open"]];
        for (const [reference, status] of tasks) await db.put("tasks", {{reference, status}});
        const store = (id, ref, expires) => vault.storePackage(
            {{package_id: id, task_ref: ref, expires_at: expires, content: {{id}}}});
        await store("P1", "T1", later);
        await store("P2", "T2", later);
        await store("P3", "T3", later);
        await store("P4", "T4", soon);
        await store("P5", "T5", later);  // its task is gone: reassigned
        await store("P6", "T6", later);  // back to open: no longer this worker's
        const policy = api.readPolicy({{offline_grace_hours: 24}});
        const first = await purge.enforce(policy, now);
        const second = await purge.enforce(policy, now + {2 * HOUR_MS});
        const kept = (await db.all("packages")).map((p) => p.package_id);
        const third = await purge.enforce(policy, now + {25 * HOUR_MS});
        return {{
            first: first.map((p) => [p.package_id, p.reason]),
            second: second.map((p) => [p.package_id, p.reason]),
            third: third.map((p) => [p.package_id, p.reason]),
            kept,
            receipts: (await db.all("receipts")).map((r) => [r.package_id, r.reason, r.deleted_at]),
            left: (await db.all("packages")).length,
        }};
        """,
    )
    assert sorted(result["first"]) == [
        ["P2", "completed"],
        ["P3", "cancelled"],
        ["P5", "reassigned"],
        ["P6", "reassigned"],
    ]
    assert result["second"] == [["P4", "expired"]]
    assert result["kept"] == ["P1"]
    assert result["third"] == [["P1", "grace"]]
    assert result["left"] == 0
    receipts = {pid: (reason, at) for pid, reason, at in result["receipts"]}
    assert {pid: reason for pid, (reason, _) in receipts.items()} == {
        "P1": "grace", "P2": "completed", "P3": "cancelled", "P4": "expired",
        "P5": "reassigned", "P6": "reassigned",
    }  # fmt: skip
    assert receipts["P2"][1] == "2030-03-17T17:46:40.000Z"


def test_the_purge_timer_runs_through_the_test_hook(page: Page) -> None:
    run(
        page,
        f"""
        await db.setState("device", {{device_id: "D1"}});
        await db.setState("last_check_in_at", Date.now());
        await db.put("tasks", {{reference: "T1", status: "assigned"}});
        await vault.storePackage({{package_id: "P1", task_ref: "T1",
            expires_at: new Date(Date.now() + {HOUR_MS}).toISOString(), content: {{}}}});
        """,
    )
    assert page.evaluate("frontline.checkPurge()") == []
    purged = page.evaluate(f"frontline.checkPurge(Date.now() + {2 * HOUR_MS})")
    assert purged == [{"package_id": "P1", "reason": "expired", "task_ref": "T1"}]
    assert page.evaluate("frontline.counts()") == {
        "keys": 1, "state": page.evaluate("frontline.counts()")["state"], "tasks": 1,
        "packages": 0, "outbox": 0, "receipts": 1, "drafts": 0, "submissions": 0,
        "attachments": 0, "sent": 0,
    }  # fmt: skip


def test_a_wipe_leaves_nothing(page: Page) -> None:
    result = run(
        page,
        """
        await dpop.createDeviceKeys();
        await vault.storePackage({package_id: "P1", task_ref: "T1",
                                  expires_at: "2030-01-01T00:00:00Z", content: {}});
        await vault.putSecret("tokens", {access_token: "a", refresh_token: "r"});
        // A draft, a finished form waiting to be sent, and its photo: the wipe takes them too.
        const photo = {sha256: "ab".repeat(32), content_type: "image/jpeg",
                       bytes: new Uint8Array([1, 2, 3])};
        const answers = {photo: {attachment: photo.sha256, content_type: "image/jpeg"}};
        await outbox.saveDraft({task_ref: "T1", form_id: "f", raw: answers}, [photo]);
        await outbox.queue({client_id: "c1", task: "T1", form_id: "f", form_version: "1",
                            answers, attachments: [], completed_at: "2026-11-30T09:00:00+08:00"},
                           {raw: answers});
        const before = await db.counts();
        const cache = await caches.open("frontline-app-test");
        await cache.put("/app/x", new Response("x"));
        let receipts = null;
        await purge.wipe({beforeDestroy: async () => { receipts = await db.all("receipts"); }});
        return {
            before: [before.submissions, before.attachments],
            receipts: receipts.map((r) => [r.package_id, r.reason]),
            counts: await db.counts(),
            caches: await caches.keys(),
            device: await dpop.deviceKeys(),
        };
        """,
    )
    assert result["before"] == [1, 1]
    assert result["receipts"] == [["P1", "wiped"]]
    assert result["counts"] == {
        "keys": 0, "state": 0, "tasks": 0, "packages": 0, "outbox": 0, "receipts": 0,
        "drafts": 0, "submissions": 0, "attachments": 0, "sent": 0,
    }  # fmt: skip
    assert result["caches"] == []
    assert result["device"] is None


def test_server_bodies_are_read_in_one_place(page: Page) -> None:
    result = run(
        page,
        """
        return {
            checkIn: api.readCheckIn({
                policy: {idle_lock_minutes: 3, offline_grace_hours: 12},
                commands: [{id: 7, kind: "LOCK"}, {id: 8, type: "wipe"}, {kind: "lock"}],
                purge: ["PK1", {package_id: "PK2", reason: "cancelled"}, {task: "T9"},
                        {package_id: "PK3", reason: "nonsense"}],
            }),
            package: api.readPackage({
                package_id: "PK9", task: "T1", expires_at: "2030-01-01T00:00:00Z",
                scenario: {key: "visit", version: 2, name: "走访", name_en: "Visit",
                           fields: [{name: "name", label_zh: "姓名", mask: "mask"}]},
                values: {name: "王**"},
            }, "T1"),
            withForms: api.readPackage({
                package_id: "PK10", task: "T2", expires_at: "2030-01-01T00:00:00Z",
                read: {values: {phone: "13812345678", name: "王**"},
                       masks: {phone: "full", name: "mask"}},
                forms: [{form_id: "visit", version: "1", title: {zh: "走访"}, children: []},
                        {form_id: "broken"}, "nonsense"],
            }, "T2"),
            submission: api.readSubmission({submission_id: 12, client_id: "c", duplicate: true,
                                            received_at: "2026-11-30T01:00:00Z"}),
            // Matched to what was sent by client_id; one the answer leaves out: a 502.
            results: api.readSubmissionResults({results: [
                {client_id: "b", status: 422, submission: null,
                 problem: {type: "/problems/submission-invalid", status: 422,
                           errors: [{path: "phone", code: "constraint", message: "号码"}]}},
                {client_id: "a", status: 200, problem: null,
                 submission: {submission_id: 3, client_id: "a", duplicate: true,
                              received_at: "2026-11-30T01:00:00Z"}},
                {client_id: "d", status: "soon"}, {client_id: "e", status: "201"},
            ]}, [{client_id: "a"}, {client_id: "b"}, {client_id: "c"}, {client_id: "d"},
                {client_id: "e"}]),
            revoked: api.isRevoked({type: "/problems/device-revoked"}),
            notRevoked: api.isRevoked({type: "/problems/device-revoked-not"}),
        };
        """,
    )
    assert result["checkIn"] == {
        "policy": {
            "idle_lock_minutes": 3,
            "offline_grace_hours": 12,
            "max_retention_hours": 168,
            "check_in_minutes": 5,
        },
        "commands": [{"id": "7", "kind": "lock"}, {"id": "8", "kind": "wipe"}],
        "purge": [
            {"package_id": "PK1", "task_ref": None, "reason": "reassigned"},
            {"package_id": "PK2", "task_ref": None, "reason": "cancelled"},
            {"package_id": None, "task_ref": "T9", "reason": "reassigned"},
            {"package_id": "PK3", "task_ref": None, "reason": "reassigned"},
        ],
        "server_time_ms": None,
    }
    package = result["package"]
    assert package["package_id"] == "PK9"
    assert package["content"]["fields"] == [
        {"name": "name", "label_zh": "姓名", "label_en": None, "mask": "mask", "value": "王**"}
    ]
    assert package["content"]["forms"] == []
    with_forms = result["withForms"]["content"]
    assert [(f["name"], f["mask"]) for f in with_forms["fields"]] == [
        ("phone", "full"),
        ("name", "mask"),
    ]
    assert [form["form_id"] for form in with_forms["forms"]] == ["visit"]
    assert result["submission"] == {
        "submission_id": "12",
        "client_id": "c",
        "duplicate": True,
        "received_at": "2026-11-30T01:00:00Z",
    }
    a, b, c, d, e = result["results"]
    assert a == {
        "client_id": "a",
        "status": 200,
        "submission": {
            "submission_id": "3",
            "client_id": "a",
            "duplicate": True,
            "received_at": "2026-11-30T01:00:00Z",
        },
        "problem": None,
    }
    assert (b["status"], b["submission"]) == (422, None)
    assert b["problem"]["errors"] == [{"path": "phone", "code": "constraint", "message": "号码"}]
    assert c == {"client_id": "c", "status": 502, "submission": None, "problem": {}}
    assert (d["status"], d["submission"]) == (502, None)  # a status that is not a number
    assert (e["status"], e["problem"], e["submission"]["submission_id"]) == (201, None, None)
    assert result["revoked"] is True
    assert result["notRevoked"] is False
