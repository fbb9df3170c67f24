// Time as the app trusts it.
//
// A phone's clock may be wrong, or be turned back to keep data past its expiry. The app
// learns the server's clock from the `Date` header of each answer (an offset), and never lets
// its idea of now go backwards: `now()` is the latest of the corrected clock and the highest
// time it has seen (kept in IndexedDB). `serverNow()` is the corrected clock alone, for the
// `iat` of DPoP proofs and token expiry.

import * as db from "./db.js";

const SKEW_IGNORED_MS = 5000; // the Date header has one-second resolution, plus latency
let offsetMs = 0;
let highWaterMs = 0;
let loaded = false;

export async function load() {
  const saved = await db.getState("clock");
  if (saved) {
    offsetMs = Number(saved.offset_ms) || 0;
    highWaterMs = Number(saved.high_water_ms) || 0;
  }
  loaded = true;
}

export function save() {
  return db.setState("clock", { offset_ms: offsetMs, high_water_ms: highWaterMs });
}

/** Now by the server's clock, as far as the app knows it (milliseconds). */
export function serverNow() {
  return Date.now() + offsetMs;
}

/** Now, never earlier than a time already seen (milliseconds). */
export function now() {
  const corrected = serverNow();
  if (corrected > highWaterMs) highWaterMs = corrected;
  return highWaterMs;
}

/** Learn the server's clock from an answer's `Date` header. */
export function learn(response) {
  const header = response.headers.get("Date");
  const serverMs = header ? Date.parse(header) : NaN;
  if (Number.isNaN(serverMs)) return;
  const skew = serverMs - Date.now();
  offsetMs = Math.abs(skew) > SKEW_IGNORED_MS ? skew : 0;
}

/** Adopt the server's time (milliseconds) as it was just now, from a check-in's answer. */
export function adopt(serverMs) {
  if (!Number.isFinite(serverMs)) return;
  const skew = serverMs - Date.now();
  offsetMs = Math.abs(skew) > SKEW_IGNORED_MS ? skew : 0;
}

/** After a successful check-in the server's time is known: a high-water mark set by a clock
 * that once ran fast must not keep expiring data for ever. */
export async function trustServer() {
  highWaterMs = serverNow();
  await save();
}

/** For tests: forget what was learnt. */
export function reset() {
  offsetMs = 0;
  highWaterMs = 0;
  loaded = true;
}

export function isLoaded() {
  return loaded;
}

/** The learnt offset of the server's clock from this phone's (milliseconds). */
export function offset() {
  return offsetMs;
}
