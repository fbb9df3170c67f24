// The encrypted store: task packages, secrets (tokens), and — through forms/outbox.js — form
// drafts, queued submissions and photos, sealed with AES-GCM 256.
//
// The key is made once per enrolment, non-extractable, and kept in IndexedDB as a CryptoKey:
// not even this app's own script can read it out, only ask the browser to use it. Each record
// gets a fresh random 96-bit IV. The record's clear fields are bound to its ciphertext as
// additional authenticated data, so changing a package's `expires_at` or task in the store
// makes it unreadable rather than longer-lived.
//
// A package record holds only: package_id, task_ref, expires_at, iv, ciphertext.

import * as db from "./db.js";

const VAULT_ID = "vault";
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let cachedKey = null;

/** The vault key, made (and stored) on first use when `create`. */
export async function vaultKey({ create = true } = {}) {
  if (cachedKey) return cachedKey;
  const stored = await db.get("keys", VAULT_ID);
  if (stored) {
    cachedKey = stored.key;
    return cachedKey;
  }
  if (!create) return null;
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
  await db.put("keys", { id: VAULT_ID, key });
  cachedKey = key;
  return key;
}

/** Forget the cached key (after a wipe, the database is gone too). */
export function forget() {
  cachedKey = null;
}

/** `bytes` (a Uint8Array: a photo) sealed under the vault key, bound to `context`. */
export async function sealBytes(bytes, context) {
  const key = await vaultKey();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context), tagLength: 128 },
    key,
    bytes,
  );
  return { iv, ciphertext: new Uint8Array(ciphertext) };
}

/** The bytes of a sealed `{iv, ciphertext}`, which must have been sealed with `context`. */
export async function unsealBytes(sealed, context) {
  const key = await vaultKey({ create: false });
  if (!key) throw new Error("no vault key");
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: sealed.iv, additionalData: encoder.encode(context), tagLength: 128 },
    key,
    sealed.ciphertext,
  );
  return new Uint8Array(plaintext);
}

/** `value` (JSON-able) sealed under the vault key, bound to `context`. */
export function seal(value, context) {
  return sealBytes(encoder.encode(JSON.stringify(value)), context);
}

/** The value of a sealed `{iv, ciphertext}`, which must have been sealed with `context`. */
export async function unseal(sealed, context) {
  return JSON.parse(decoder.decode(await unsealBytes(sealed, context)));
}

function packageContext(record) {
  return `package\n${record.package_id}\n${record.task_ref}\n${record.expires_at}`;
}

/** Store a package's `content` encrypted; only its id, task and expiry stay in the clear. */
export async function storePackage({ package_id, task_ref, expires_at, content }) {
  const record = { package_id: String(package_id), task_ref, expires_at: String(expires_at) };
  const sealed = await seal(content, packageContext(record));
  await db.put("packages", { ...record, iv: sealed.iv, ciphertext: sealed.ciphertext });
  return record;
}

/** A stored package's record (still sealed) for a task, or null. */
export function packageRecordOf(taskRef) {
  return db.tx(["packages"], "readonly", (t) =>
    db.done(t.objectStore("packages").index("task_ref").get(taskRef)),
  );
}

/** The decrypted content of a package record. */
export function openPackage(record) {
  return unseal(record, packageContext(record));
}

/** Keep a secret in the state store, sealed. */
export async function putSecret(name, value) {
  const sealed = await seal(value, `secret\n${name}`);
  await db.put("state", { key: name, iv: sealed.iv, ciphertext: sealed.ciphertext });
}

/** A secret from the state store, or null when there is none (or it cannot be opened). */
export async function getSecret(name) {
  const record = await db.get("state", name);
  if (!record || !record.ciphertext) return null;
  try {
    return await unseal(record, `secret\n${name}`);
  } catch {
    return null;
  }
}
