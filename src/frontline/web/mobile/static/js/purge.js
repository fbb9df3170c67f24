// The purge rules: task data leaves this phone when it is no longer needed, even offline.
//
// A package is deleted when its task is completed or cancelled (or no longer this worker's),
// when its `expires_at` passes, when the offline grace period (`offline_grace_hours` since the
// last successful check-in) runs out, and on a wipe. Every deletion queues a receipt
// {package_id, reason, deleted_at}, written in the same transaction as the deletion, which is
// sent to the server when online.
//
// With a package go the task's form drafts (they hold its values) and photos only they used —
// unless it was only replaced by a newer package of the same task. Finished forms waiting in
// the outbox stay: they are the worker's, and leave the phone when the server has them (or
// with a wipe, which deletes everything).

import * as clock from "./clock.js";
import * as db from "./db.js";
import * as dpop from "./dpop.js";
import { dropDrafts } from "./forms/outbox.js";
import * as pin from "./pin.js";
import * as vault from "./vault.js";

export const REASONS = [
  "completed",
  "cancelled",
  "expired",
  "grace",
  "wiped",
  "reassigned",
  "replaced",
];
const FINISHED = { done: "completed", cancelled: "cancelled" };
const HELD = new Set(["assigned", "in_progress"]);

/** The receipt for a package deleted at `atMs`. */
export function receipt(packageId, reason, atMs) {
  return { package_id: String(packageId), reason, deleted_at: new Date(atMs).toISOString() };
}

/**
 * Why `record` (a stored package) must go now, or null: `task` is its task in the store
 * (undefined when the task is gone), `graceEndsMs` when the offline grace period runs out.
 */
export function reasonFor(record, task, nowMs, graceEndsMs) {
  if (!(graceEndsMs > nowMs)) return "grace";
  const expires = Date.parse(record.expires_at);
  if (Number.isNaN(expires) || expires <= nowMs) return "expired";
  if (!task) return "reassigned";
  if (FINISHED[task.status]) return FINISHED[task.status];
  if (!HELD.has(task.status)) return "reassigned";
  return null;
}

/** Delete packages [{package_id, reason}] and queue their receipts, together; the tasks' form
 * drafts go with them. */
export function purge(items, atMs = clock.now()) {
  const stores = ["packages", "receipts", "drafts", "submissions", "attachments"];
  return db.tx(stores, "readwrite", async (t) => {
    const packages = t.objectStore("packages");
    const receipts = t.objectStore("receipts");
    const purged = [];
    for (const { package_id: id, reason } of items) {
      const record = await db.done(packages.get(String(id)));
      if (!record) continue;
      await db.done(packages.delete(String(id)));
      await db.done(receipts.put(receipt(id, reason, atMs)));
      purged.push({ package_id: String(id), reason, task_ref: record.task_ref });
    }
    const done = purged.filter((item) => item.reason !== "replaced");
    await dropDrafts(t, new Set(done.map((item) => item.task_ref)));
    return purged;
  });
}

/** When the offline grace period runs out (0: it has, or there never was a check-in). */
export async function graceEnds(policy) {
  const lastCheckIn = await db.getState("last_check_in_at", 0);
  return lastCheckIn ? lastCheckIn + policy.offline_grace_hours * 3600_000 : 0;
}

/** Apply the rules now (or as if at `nowMs`); the packages purged [{package_id, reason}]. */
export async function enforce(policy, nowMs = clock.now()) {
  const [records, tasks, ends] = await Promise.all([
    db.all("packages"),
    db.all("tasks"),
    graceEnds(policy),
  ]);
  const byRef = new Map(tasks.map((task) => [task.reference, task]));
  const due = [];
  for (const record of records) {
    const reason = reasonFor(record, byRef.get(record.task_ref), nowMs, ends);
    if (reason) due.push({ package_id: record.package_id, reason });
  }
  const purged = due.length ? await purge(due, nowMs) : [];
  await clock.save();
  return purged;
}

/**
 * Wipe the phone: purge every package (receipts queued), let `beforeDestroy` send what it can
 * (receipts, the wipe command's confirmation), then delete the database — keys, tokens,
 * tasks, everything — and the app's caches. Only the language choice is kept.
 */
export async function wipe({ reason = "wiped", beforeDestroy = null } = {}) {
  try {
    const records = await db.all("packages");
    await purge(records.map((record) => ({ package_id: record.package_id, reason })));
    if (beforeDestroy) await beforeDestroy();
  } catch {
    // Whatever failed, the data goes.
  }
  await db.destroy();
  vault.forget();
  dpop.forget();
  pin.resetIdle();
  if (globalThis.caches) {
    for (const name of await caches.keys()) await caches.delete(name);
  }
  try {
    sessionStorage.clear();
  } catch {
    // No storage.
  }
}
