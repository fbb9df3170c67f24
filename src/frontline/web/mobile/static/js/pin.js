// The unlock PIN and the lock.
//
// The PIN itself is never stored: only a verifier, PBKDF2-SHA-256 over the PIN with a random
// salt, and the salt. The PIN opens the app when it locked itself, left idle for the policy's
// `idle_lock_minutes` or on demand; an administrator's lock command is opened only by signing
// in again with the password. Too many wrong PINs in a row wipe the phone's data.

import * as clock from "./clock.js";
import * as db from "./db.js";

export const PIN_PATTERN = /^[0-9]{4,6}$/;
export const MAX_FAILURES = 10;
const ITERATIONS = 310_000;
const encoder = new TextEncoder();
let lastActiveMs = 0;
let lastSavedMs = 0;

async function derive(pin, salt, iterations) {
  const material = await crypto.subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    256,
  );
  return new Uint8Array(bits);
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a[i] ^ b[i];
  return difference === 0;
}

export async function isSet() {
  return (await db.getState("pin")) != null;
}

/** Set the PIN (4–6 digits): keeps its verifier, never the PIN. */
export async function setPin(pin) {
  if (!PIN_PATTERN.test(pin)) throw new RangeError("PIN must be 4 to 6 digits");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const verifier = await derive(pin, salt, ITERATIONS);
  await db.setState("pin", { salt, verifier, iterations: ITERATIONS, algorithm: "PBKDF2-SHA-256" });
  await db.setState("pin_failures", 0);
}

/**
 * Check `pin`: {ok: true} unlocks; otherwise {ok: false, left} — tries left before the wipe
 * (0: the caller wipes).
 */
export async function verify(pin) {
  const stored = await db.getState("pin");
  if (!stored) return { ok: false, left: 0 };
  const candidate = await derive(String(pin), stored.salt, stored.iterations);
  if (PIN_PATTERN.test(String(pin)) && sameBytes(candidate, stored.verifier)) {
    await db.setState("pin_failures", 0);
    return { ok: true, left: MAX_FAILURES };
  }
  const failures = (await db.getState("pin_failures", 0)) + 1;
  await db.setState("pin_failures", failures);
  return { ok: false, left: Math.max(0, MAX_FAILURES - failures) };
}

/** Lock the app; `why` is "idle", "manual" or "command" (the administrator's: the password
 * opens it, not the PIN). */
export function lock(why = "manual") {
  return db.setState("locked", { why, at: clock.now() });
}

export async function unlock() {
  await db.removeState("locked");
  await touch(true);
}

/** Whether the app is locked: {why, at} or null. */
export function lockState() {
  return db.getState("locked");
}

/** The reader did something: the idle timer starts again (saved at most every 15 s). */
export async function touch(force = false) {
  lastActiveMs = clock.now();
  if (force || lastActiveMs - lastSavedMs > 15_000) {
    lastSavedMs = lastActiveMs;
    await db.setState("last_active_at", lastActiveMs);
  }
}

/** Whether the app has been idle longer than `idleMinutes` (from memory, else the store). */
export async function idleTooLong(idleMinutes, nowMs = clock.now()) {
  if (!lastActiveMs) lastActiveMs = (await db.getState("last_active_at", 0)) || 0;
  return nowMs - lastActiveMs >= idleMinutes * 60_000;
}

/** For tests and a wipe: forget the idle timer. */
export function resetIdle() {
  lastActiveMs = 0;
  lastSavedMs = 0;
}
