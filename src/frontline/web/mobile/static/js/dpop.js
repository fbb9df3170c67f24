// The device key and DPoP proofs (RFC 9449).
//
// The key pair is ECDSA P-256, made with WebCrypto as non-extractable: the private key never
// leaves the browser's key store. Only the public key is exported, as a JWK of exactly
// {kty, crv, x, y}. The device is known to the server by that JWK's thumbprint (RFC 7638).
//
// A proof is a compact JWS:
//   header  {"typ": "dpop+jwt", "alg": "ES256", "jwk": {kty, crv, x, y}}
//   payload {"jti", "htm", "htu", "iat"} (+ "ath" with an access token, + "nonce" when the
//           server asked for one with a DPoP-Nonce header)
// WebCrypto's ECDSA signature is already the 64-byte r || s that JWS wants.

import * as clock from "./clock.js";
import * as db from "./db.js";

const DEVICE_ID = "device";
const encoder = new TextEncoder();
let cached = null;

/** base64url without padding, of bytes (Uint8Array or ArrayBuffer). */
export function b64url(bytes) {
  const array = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (let i = 0; i < array.length; i += 0x8000) {
    binary += String.fromCharCode(...array.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64urlJson(value) {
  return b64url(encoder.encode(JSON.stringify(value)));
}

async function sha256(text) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** The stored device key pair {privateKey, publicKey}, or null before enrolment. */
export async function deviceKeys() {
  if (cached) return cached;
  const stored = await db.get("keys", DEVICE_ID);
  if (!stored) return null;
  cached = { privateKey: stored.privateKey, publicKey: stored.publicKey };
  return cached;
}

/** Make and store a new non-extractable device key pair (replacing any earlier one). */
export async function createDeviceKeys() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
    "verify",
  ]);
  await db.put("keys", { id: DEVICE_ID, privateKey: pair.privateKey, publicKey: pair.publicKey });
  cached = { privateKey: pair.privateKey, publicKey: pair.publicKey };
  return cached;
}

/** Forget the cached pair (after a wipe). */
export function forget() {
  cached = null;
}

/** The public key as a minimal JWK {kty, crv, x, y}. */
export async function publicJwk(keys) {
  const full = await crypto.subtle.exportKey("jwk", keys.publicKey);
  return { kty: full.kty, crv: full.crv, x: full.x, y: full.y };
}

/** The JWK thumbprint (RFC 7638, SHA-256, base64url) of an EC public key. */
export async function thumbprint(jwk) {
  // The required members, in lexicographic order, without whitespace.
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  return b64url(await sha256(canonical));
}

/** `url` as a proof's `htu`: absolute, without query and fragment. */
export function htu(url) {
  const parsed = new URL(url, globalThis.location?.href);
  return `${parsed.origin}${parsed.pathname}`;
}

/** base64url(SHA-256(access token)), a proof's `ath`. */
export async function ath(accessToken) {
  return b64url(await sha256(accessToken));
}

/**
 * A DPoP proof for `method` `url`, made with `keys` (default: the device's); with
 * `accessToken`, bound to it by `ath`; with `nonce`, carrying the server's nonce.
 */
export async function proof({ method, url, accessToken = null, nonce = null, keys = null }) {
  const pair = keys || (await deviceKeys());
  if (!pair) throw new Error("no device key");
  const header = { typ: "dpop+jwt", alg: "ES256", jwk: await publicJwk(pair) };
  const payload = {
    jti: b64url(crypto.getRandomValues(new Uint8Array(18))),
    htm: method.toUpperCase(),
    htu: htu(url),
    iat: Math.floor(clock.serverNow() / 1000),
  };
  if (accessToken) payload.ath = await ath(accessToken);
  if (nonce) payload.nonce = nonce;
  const signingInput = `${b64urlJson(header)}.${b64urlJson(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    pair.privateKey,
    encoder.encode(signingInput),
  );
  return `${signingInput}.${b64url(signature)}`;
}
