// Talking to the server: check-in, commands, tasks, packages, queued steps and receipts.
//
// One sync round, when online: send queued receipts; check in (posture out; policy,
// commands and packages to purge in — a lock ends the round there: the password is needed);
// send queued task steps and finished forms, in the order they were made; fetch the task
// list; apply the purge rules; fetch the packages of assigned and in-progress tasks that are
// not on the phone; send the receipts of what was purged. A round stops quietly when the
// network goes away and resumes with the next one.
//
// The packages come up to PACKAGE_BATCH in one request (one proof, one round trip, where a
// morning's tasks would take one each); the server answers each task as if it were fetched
// alone, so a refused one (no longer open, no longer the worker's) does not hold back the
// others. It is asked for again at the next round, as is every package not on the phone.
//
// A finished form is sent with the same client_id and body every time until the server
// answers: 201, or 200 for one it already had (the answer to an earlier try was lost), takes
// it out of the outbox; a server error (5xx, 429) leaves it for later, waiting longer each
// time; 422 marks it for correction with the server's per-field errors; another refusal (409
// task-cancelled, form-outdated …) keeps it with the server's message. Never dropped unseen.
// Consecutive forms without photos go together, up to SUBMISSION_BATCH in one request (one
// proof, one round trip, where a backlog after a day offline would take one each); the
// server answers each as it would alone, and each answer is applied as a lone one's is. A
// form with photos still goes alone: a batch carries none.
//
// Events on `events`: "changed" (data on the phone changed: re-render), "locked" (by the
// administrator: the worker signs in again with the password), "wiped" (detail: the message
// key to show), "signin" (tokens are gone: sign in again), "notice" (detail: a message for
// the reader), "correction" (detail: {task_ref, form_id}: the server sent a form back).

import * as api from "./api.js";
import * as clock from "./clock.js";
import * as db from "./db.js";
import * as outbox from "./forms/outbox.js";
import { t } from "./i18n.js";
import * as pin from "./pin.js";
import * as purge from "./purge.js";
import * as vault from "./vault.js";

export const events = new EventTarget();
export const APP_VERSION =
  globalThis.document?.querySelector('meta[name="frontline-version"]')?.content || "dev";
/** The most finished forms sent in one request: as many as the server takes (its MAX_BATCH). */
export const SUBMISSION_BATCH = 50;
/** The most packages fetched in one request: as many as the server takes (its MAX_PACKAGES). */
export const PACKAGE_BATCH = 50;
const HELD = new Set(["assigned", "in_progress"]);
const TARGET = { start: "in_progress", complete: "done" };
let running = null;
let next = null;

function emit(type, detail = null) {
  events.dispatchEvent(new CustomEvent(type, { detail }));
}

/** The device policy in force (defaults until the first check-in). */
export async function policy() {
  return api.readPolicy(await db.getState("policy"));
}

/** What the check-in reports about this phone. */
export async function posture() {
  let usage = 0;
  try {
    usage = (await navigator.storage?.estimate?.())?.usage || 0;
  } catch {
    usage = 0;
  }
  const lastSync = await db.getState("last_sync_at", 0);
  return {
    app_version: APP_VERSION,
    last_sync_at: lastSync ? new Date(lastSync).toISOString() : null,
    packages_held: await db.count("packages"),
    // What a wipe would lose: finished forms and task steps the server does not have yet.
    forms_unsent: await db.count("submissions"),
    steps_unsent: await db.count("outbox"),
    storage_bytes: Math.round(usage),
    locked: Boolean(await pin.lockState()),
  };
}

function stops(error) {
  return (
    error instanceof api.OfflineError ||
    error instanceof api.SignInRequired ||
    (error instanceof api.ApiError && (error.transient || error.revoked))
  );
}

/**
 * One sync round: {ok} or {offline}, {signin}, {locked}, {wiped}. Only one runs at a time;
 * asked for while one runs, another follows it (once, however often it was asked for), so
 * what changed before the call is always part of the round it resolves with.
 */
export function syncNow() {
  if (!running) {
    running = round().finally(() => {
      running = null;
    });
    return running;
  }
  if (!next) {
    next = running
      .catch(() => null)
      .then(() => {
        next = null;
        return syncNow();
      });
  }
  return next;
}

/** Resolves once no sync round runs or waits. */
export async function settled() {
  while (running || next) {
    try {
      await (next || running);
    } catch {
      // Its caller heard about it.
    }
  }
}

async function round() {
  if (!(await api.hasSession())) return { signin: true };
  try {
    await sendReceipts();
    const checked = await checkIn();
    if (checked.wiped) return { wiped: true };
    if (checked.locked) {
      emit("changed");
      return { locked: true };
    }
    const refused = await flushOutbox();
    await syncTasks();
    await tellRefused(refused);
    await enforce();
    await fetchPackages();
    await sendReceipts();
    emit("changed");
    return { ok: true };
  } catch (error) {
    emit("changed");
    if (error instanceof api.SignInRequired) {
      emit("signin");
      return { signin: true };
    }
    if (error instanceof api.ApiError && error.revoked) return { wiped: true };
    if (stops(error)) return { offline: true };
    throw error;
  }
}

/** Check in: apply the policy, purge what the server lists, carry out its commands. */
export async function checkIn() {
  const answer = await api.checkIn(await posture());
  clock.adopt(answer.server_time_ms);
  await clock.trustServer();
  await db.setState("policy", answer.policy);
  await db.setState("last_check_in_at", clock.now());
  if (answer.purge.length) {
    const items = [];
    for (const item of answer.purge) {
      if (item.package_id) items.push({ package_id: item.package_id, reason: item.reason });
      else {
        const record = await vault.packageRecordOf(item.task_ref);
        if (record) items.push({ package_id: record.package_id, reason: item.reason });
      }
    }
    await purge.purge(items);
  }
  const wipe = answer.commands.find((command) => command.kind === "wipe");
  if (wipe) {
    await wipeNow({ message: "wipe.by_admin", commandId: wipe.id, online: true });
    return { wiped: true };
  }
  const locks = answer.commands.filter((item) => item.kind === "lock");
  if (locks.length) {
    await lockedByAdministrator(locks);
    return { wiped: false, locked: true };
  }
  return { wiped: false, locked: false };
}

/**
 * A lock command: the phone is locked until the worker signs in again with the password (the
 * PIN is not enough). The server ends the device's sessions as it answers the lock, so the
 * tokens go too; the data stays on the phone, encrypted, for after the sign-in.
 */
async function lockedByAdministrator(commands) {
  await pin.lock("command");
  for (const command of commands) {
    try {
      await api.commandDone(command.id);
    } catch {
      // Expected: the sessions ended with the answer; the server recorded the lock as done.
    }
  }
  await api.forgetSession();
  emit("locked");
}

/**
 * Wipe the phone (a wipe command, a revoked device, too many wrong PINs, the reader's choice):
 * receipts and the command's confirmation go first when `online`.
 */
export async function wipeNow({ message = "wipe.done", commandId = null, online = false } = {}) {
  await purge.wipe({
    reason: "wiped",
    beforeDestroy: online
      ? async () => {
          try {
            await sendReceipts();
          } catch {
            // Sent or not, the data goes.
          }
          if (commandId) await api.commandDone(commandId);
        }
      : null,
  });
  emit("wiped", message);
}

/** Send the queued deletion receipts (idempotent on the server), at most 200 at a time. */
export async function sendReceipts() {
  const receipts = (await db.all("receipts")).slice(0, 200);
  if (!receipts.length) return 0;
  try {
    await api.sendReceipts(
      receipts.map(({ package_id: id, reason, deleted_at: at }) => ({
        package_id: id,
        reason,
        deleted_at: at,
      })),
    );
  } catch (error) {
    // Refused for good (a body the server will never take): dropped rather than blocking
    // every sync after it. The server's inventory still ages the packages out by expiry.
    if (stops(error) || !(error instanceof api.ApiError)) throw error;
    console.warn("receipts refused", error.status, error.problem);
  }
  await db.tx(["receipts"], "readwrite", async (t) => {
    const store = t.objectStore("receipts");
    for (const item of receipts) await db.done(store.delete(item.package_id));
  });
  return receipts.length;
}

/**
 * Send the queued task steps and the finished forms whose time has come, in the order they
 * were made (a form filled in between "start" and "complete" goes between them); the steps
 * the server refused. Forms without photos wait in `batch` to go together, and go before
 * anything that must follow them: a form with photos, a step, the end of the queue.
 */
export async function flushOutbox() {
  const refused = [];
  const steps = (await db.all("outbox")).map((step) => ({ at: Date.parse(step.queued_at), step }));
  const forms = (await outbox.due(clock.now())).map((record) => ({ at: record.queued_at, record }));
  const queue = [...steps, ...forms].sort((a, b) => (a.at || 0) - (b.at || 0));
  let serverFailing = false;
  let batch = [];
  // Forms join the batch only while the server is not failing: it is sent without asking.
  const sendBatch = async () => {
    if (batch.length) serverFailing = await sendForms(batch);
    batch = [];
  };
  for (const { step, record } of queue) {
    if (record) {
      // The server failing on one form: the others wait for the next round.
      if (serverFailing) continue;
      const body = await payload(record);
      if (!body) continue;
      if (body.attachments.length) {
        await sendBatch(); // the forms made before it go first
        if (!serverFailing) serverFailing = await sendForm(record, body);
      } else {
        batch.push({ record, body });
        if (batch.length >= SUBMISSION_BATCH) await sendBatch();
      }
      continue;
    }
    await sendBatch(); // a step after forms follows them
    try {
      const task =
        step.kind === "start"
          ? await api.startTask(step.reference)
          : await api.completeTask(step.reference, step.outcome);
      await db.tx(["outbox", "tasks"], "readwrite", async (t) => {
        await db.done(t.objectStore("outbox").delete(step.id));
        const later = await db.done(t.objectStore("outbox").getAll());
        // Later steps of the same task keep its local status until they are sent too.
        if (!later.some((other) => other.reference === step.reference)) {
          await db.done(t.objectStore("tasks").put(task));
        }
      });
    } catch (error) {
      if (stops(error) || !(error instanceof api.ApiError)) throw error;
      // Refused for good (the task was reassigned, cancelled, already done…): drop the step;
      // the task list from the server tells what the task is now.
      await db.remove("outbox", step.id);
      refused.push({ step, detail: error.message });
    }
  }
  await sendBatch();
  return refused;
}

/** What to send for a finished form, or null when it cannot be read back (then marked). */
async function payload(record) {
  try {
    return await outbox.payload(record);
  } catch (error) {
    // Cannot be read back (a photo gone): kept, and shown, rather than retried for ever.
    await outbox.refused(record, t("form.unreadable", { detail: error?.message }), "unreadable");
    emit("changed");
    return null;
  }
}

/** Send one finished form alone; whether the server is failing (the form waits, backing off). */
async function sendForm(record, body) {
  let answer;
  try {
    answer = { submission: await api.postSubmission(body) };
  } catch (error) {
    answer = { error };
  }
  return settle(record, answer);
}

/**
 * Send finished forms without photos ([{record, body}], oldest first) together; a lone one
 * goes alone, as it always has (the same answer, without the batch's wrapping). Whether the
 * server is failing (on the request, or on one of them).
 */
async function sendForms(items) {
  if (items.length === 1) return sendForm(items[0].record, items[0].body);
  let answers;
  try {
    const results = await api.postSubmissions(items.map((item) => item.body));
    answers = results.map((result) =>
      result.submission
        ? { submission: result.submission }
        : { error: new api.ApiError(result.status, result.problem) },
    );
  } catch (error) {
    // The request as a whole failed: each form as if it had failed alone (a server error backs
    // them all off; the network gone or the device revoked ends the round at the first).
    answers = items.map(() => ({ error }));
  }
  let failing = false;
  for (const [index, { record }] of items.entries()) {
    if (await settle(record, answers[index])) failing = true;
  }
  return failing;
}

/**
 * Apply the server's answer for one form, sent alone or in a batch — {submission} when it
 * has it, else {error} — to the outbox; whether the server is failing (the form waits,
 * backing off).
 */
async function settle(record, { submission, error }) {
  if (!error) {
    await outbox.accepted(record, submission);
    emit("changed");
    return false;
  }
  if (!(error instanceof api.ApiError) || error.revoked) throw error;
  // A 404 or 405 without a problem type is a service without the route yet: try later.
  const routeMissing = [404, 405].includes(error.status) && !error.type;
  if (error.transient || routeMissing) {
    await outbox.backOff(record, clock.now());
    return true;
  }
  if (error.status === 422) {
    const errors = Array.isArray(error.problem.errors) ? error.problem.errors : [];
    await outbox.needsCorrection(record, errors, error.message);
    emit("notice", t("form.needs_correction_notice", { reference: record.task_ref }));
    emit("correction", { task_ref: record.task_ref, form_id: record.form_id });
  } else {
    await outbox.refused(record, error.message, error.type);
    const detail = error.message;
    emit("notice", t("form.refused_notice", { reference: record.task_ref, detail }));
  }
  emit("changed");
  return false;
}

async function tellRefused(refused) {
  for (const { step, detail } of refused) {
    const task = await db.get("tasks", step.reference);
    // A step whose answer was lost on the way was already made: nothing to tell.
    if (task && (task.status === TARGET[step.kind] || task.status === "done")) continue;
    emit("notice", t("task.step_refused", { reference: step.reference, detail }));
  }
}

/** Replace the stored task list with the server's (keeping local steps not yet sent). */
export async function syncTasks() {
  const fresh = await api.tasks();
  const pending = new Set((await db.all("outbox")).map((step) => step.reference));
  await db.tx(["tasks"], "readwrite", async (t) => {
    const store = t.objectStore("tasks");
    const old = new Map((await db.done(store.getAll())).map((task) => [task.reference, task]));
    await db.done(store.clear());
    for (const task of fresh) {
      const local = old.get(task.reference);
      if (local && pending.has(task.reference)) {
        await db.done(
          store.put({ ...task, status: local.status, outcome: local.outcome, pending: true }),
        );
      } else {
        await db.done(store.put(task));
      }
    }
  });
  await outbox.forgetSent(new Set(fresh.map((task) => task.reference)));
  await db.setState("last_sync_at", clock.now());
}

/**
 * Fetch and store (encrypted) the packages of held tasks not yet on the phone, up to
 * PACKAGE_BATCH in one request.
 */
export async function fetchPackages() {
  const tasks = (await db.all("tasks")).filter((task) => HELD.has(task.status) && !task.pending);
  const wanted = [];
  for (const task of tasks) {
    if (!(await vault.packageRecordOf(task.reference))) wanted.push(task.reference);
  }
  for (let first = 0; first < wanted.length; first += PACKAGE_BATCH) {
    let results;
    try {
      results = await api.taskPackages(wanted.slice(first, first + PACKAGE_BATCH));
    } catch (error) {
      if (stops(error)) throw error;
      // The request as a whole refused (or its answer unreadable): the rest wait for the
      // next round.
      console.warn("packages refused", error?.status, error?.problem);
      return;
    }
    for (const { package: received } of results) {
      // This task's package is refused (no longer open, …) or malformed: the others still come.
      if (!received || Date.parse(received.expires_at) <= clock.now()) continue;
      try {
        await vault.storePackage(received);
      } catch (error) {
        console.warn("package not stored", received.task_ref, error);
      }
    }
  }
}

/** Apply the purge rules now (or as if at `nowMs`). */
export async function enforce(nowMs = undefined) {
  const purged = await purge.enforce(await policy(), nowMs);
  if (purged.length) emit("changed");
  return purged;
}

/**
 * Start or complete a task: recorded on the phone at once (a completed task's package is
 * purged), sent now when online, else queued. Answers whether it was sent.
 */
export async function step(reference, kind, outcome = null) {
  const task = await db.get("tasks", reference);
  if (!task) throw new Error(`unknown task ${reference}`);
  const updated = {
    ...task,
    status: TARGET[kind],
    outcome: kind === "complete" ? outcome : task.outcome,
    pending: true,
  };
  await db.tx(["outbox", "tasks"], "readwrite", async (t) => {
    await db.done(
      t.objectStore("outbox").add({
        kind,
        reference,
        outcome: kind === "complete" ? outcome : null,
        queued_at: new Date(clock.now()).toISOString(),
      }),
    );
    await db.done(t.objectStore("tasks").put(updated));
  });
  if (kind === "complete") await enforce();
  emit("changed");
  let sent = false;
  if (navigator.onLine && (await api.hasSession())) {
    try {
      const refused = await flushOutbox();
      if (refused.length) await syncTasks();
      await tellRefused(refused);
      sent = !(await db.all("outbox")).some((queued) => queued.reference === reference);
      await sendReceipts();
    } catch (error) {
      if (!stops(error)) throw error;
    }
    emit("changed");
  }
  return sent;
}
