// Forms on the phone: drafts, the outbox of finished forms, and their photos — all sealed with
// the vault's key (AES-GCM, non-extractable), each record bound to its clear fields.
//
// In the clear stay only what the screens and the sync need without opening anything: task
// reference, form id, times, the outbox state, and the SHA-256 digests of the photos a record
// uses (so that photos nobody uses any more are deleted in the same transaction that dropped
// their last user). Answers, pre-filled values, the server's messages and photos are sealed.
//
// A submission waits in the outbox from the moment the worker submits until the server has
// it: "pending" (sent at each sync, oldest first, always with the same client_id and body;
// after a server error it waits `next_attempt_at`), "correction" (the server answered 422: the
// worker corrects it, which queues a new one with a new client_id), or "refused" (409 or
// another refusal: kept, with the server's message, until the worker deletes it). Accepted, it
// leaves the outbox and a line without answers goes to `sent`. A package's purge deletes the
// task's drafts (they hold the package's values), never its submissions; a wipe deletes all.

import * as db from "../db.js";
import * as vault from "../vault.js";

const BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
const DIGEST = /^[0-9a-f]{64}$/;

const draftContext = (record) => `draft\n${record.id}\n${record.task_ref}\n${record.form_id}`;
const submissionContext = (record) =>
  `submission\n${record.client_id}\n${record.task_ref}\n${record.form_id}`;
const attachmentContext = (sha256) => `attachment\n${sha256}`;

/** The id of the draft of form `formId` for task `taskRef`. */
export function draftId(taskRef, formId) {
  return `${taskRef}\n${formId}`;
}

/** The digests of the photos in raw or typed answers. */
export function photosIn(answers) {
  const found = new Set();
  const visit = (value) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      if (typeof value.attachment === "string" && DIGEST.test(value.attachment)) {
        found.add(value.attachment);
      } else Object.values(value).forEach(visit);
    }
  };
  visit(answers);
  return [...found];
}

/** In transaction `t` (over drafts, submissions, attachments): delete photos no draft and no
 * submission uses. */
export async function collectPhotos(t) {
  const used = new Set();
  for (const store of ["drafts", "submissions"]) {
    for (const record of await db.done(t.objectStore(store).getAll())) {
      for (const digest of record.attachments || []) used.add(digest);
    }
  }
  const photos = t.objectStore("attachments");
  for (const digest of await db.done(photos.getAllKeys())) {
    if (!used.has(digest)) await db.done(photos.delete(digest));
  }
}

/** In transaction `t` (over drafts, submissions, attachments): delete the drafts of tasks
 * `taskRefs` and the photos only they used. */
export async function dropDrafts(t, taskRefs) {
  const drafts = t.objectStore("drafts");
  let dropped = 0;
  for (const taskRef of taskRefs) {
    for (const key of await db.done(drafts.index("task_ref").getAllKeys(taskRef))) {
      await db.done(drafts.delete(key));
      dropped += 1;
    }
  }
  if (dropped) await collectPhotos(t);
  return dropped;
}

// ---- photos -------------------------------------------------------------------------------

async function sealedPhoto(photo) {
  const sealed = await vault.sealBytes(photo.bytes, attachmentContext(photo.sha256));
  return { sha256: photo.sha256, content_type: photo.content_type, ...sealed };
}

/** A kept photo's bytes and type: {bytes, content_type}, or null. */
export async function photo(sha256) {
  const record = await db.get("attachments", sha256);
  if (!record) return null;
  const bytes = await vault.unsealBytes(record, attachmentContext(sha256));
  return { bytes, content_type: record.content_type };
}

// ---- drafts -------------------------------------------------------------------------------

/**
 * Keep `draft` ({task_ref, form_id, raw, replaces, …}) sealed; with `photos` ([{sha256,
 * content_type, bytes}]) just taken, in the same transaction, and photos no longer used
 * deleted. A draft whose package was purged meanwhile (and that corrects no submission) is
 * not written back: the purge took it. Answers whether it was kept.
 */
export async function saveDraft(draft, photos = []) {
  const record = {
    id: draftId(draft.task_ref, draft.form_id),
    task_ref: draft.task_ref,
    form_id: draft.form_id,
    updated_at: Date.now(),
    attachments: photosIn(draft.raw),
  };
  const sealed = await vault.seal(draft, draftContext(record));
  const kept = await Promise.all(photos.map(sealedPhoto));
  const stores = ["packages", "drafts", "submissions", "attachments"];
  return db.tx(stores, "readwrite", async (t) => {
    const owner = draft.replaces
      ? await db.done(t.objectStore("submissions").getKey(draft.replaces))
      : await db.done(t.objectStore("packages").index("task_ref").getKey(draft.task_ref));
    if (owner === undefined) return false;
    for (const item of kept) await db.done(t.objectStore("attachments").put(item));
    await db.done(t.objectStore("drafts").put({ ...record, ...sealed }));
    await collectPhotos(t); // a photo taken again, or removed, goes at once
    return true;
  });
}

/** The draft of a task's form, or null (also when it cannot be opened). */
export async function loadDraft(taskRef, formId) {
  const record = await db.get("drafts", draftId(taskRef, formId));
  if (!record) return null;
  try {
    return await vault.unseal(record, draftContext(record));
  } catch {
    return null;
  }
}

/** The drafts of a task (clear fields only). */
export function draftsOf(taskRef) {
  return db.tx(["drafts"], "readonly", (t) =>
    db.done(t.objectStore("drafts").index("task_ref").getAll(taskRef)),
  );
}

/** Delete a draft, and the photos only it used. */
export function discardDraft(taskRef, formId) {
  return db.tx(["drafts", "submissions", "attachments"], "readwrite", async (t) => {
    await db.done(t.objectStore("drafts").delete(draftId(taskRef, formId)));
    await collectPhotos(t);
  });
}

// ---- the outbox ---------------------------------------------------------------------------

/**
 * Queue a finished form: `body` is what is sent ({client_id, task, form_id, form_version,
 * answers, attachments: [{sha256, content_type}], completed_at}); `kept` what reopens it
 * ({raw, prefilled, definition, title}). The draft goes in the same transaction, and so does
 * the submission it corrects (`replaces`, a client_id). `queuedAt` orders it among the task
 * steps waiting to be sent.
 */
export async function queue(body, kept, replaces = null, queuedAt = Date.now()) {
  const record = {
    client_id: body.client_id,
    task_ref: body.task,
    form_id: body.form_id,
    queued_at: queuedAt,
    state: "pending",
    attempts: 0,
    next_attempt_at: 0,
    attachments: photosIn(body.answers),
  };
  const content = { body, ...kept, errors: [], message: null };
  const sealed = await vault.seal(content, submissionContext(record));
  await db.tx(["drafts", "submissions", "attachments"], "readwrite", async (t) => {
    const missing = [];
    for (const digest of record.attachments) {
      if (!(await db.done(t.objectStore("attachments").getKey(digest)))) missing.push(digest);
    }
    if (missing.length) throw new Error("a photo of the form is missing");
    await db.done(t.objectStore("submissions").add({ ...record, ...sealed }));
    if (replaces) await db.done(t.objectStore("submissions").delete(replaces));
    await db.done(t.objectStore("drafts").delete(draftId(body.task, body.form_id)));
    await collectPhotos(t);
  });
  return record;
}

/** The outbox (clear fields), oldest first; only a task's when `taskRef` is given. */
export async function list(taskRef = null) {
  const records = taskRef
    ? await db.tx(["submissions"], "readonly", (t) =>
        db.done(t.objectStore("submissions").index("task_ref").getAll(taskRef)),
      )
    : await db.all("submissions");
  return records.sort((a, b) => a.queued_at - b.queued_at);
}

/** Pending submissions whose time has come, oldest first. */
export async function due(nowMs = Date.now()) {
  return (await list()).filter((r) => r.state === "pending" && r.next_attempt_at <= nowMs);
}

/** The sealed part of a submission: {body, raw, prefilled, definition, title, errors, message}. */
export function open(record) {
  return vault.unseal(record, submissionContext(record));
}

function base64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** What to send for a submission: its body with each photo's data (base64). */
export async function payload(record) {
  const { body } = await open(record);
  const attachments = [];
  for (const item of body.attachments) {
    const found = await photo(item.sha256);
    if (!found) throw new Error("a photo of the form is missing");
    attachments.push({ ...item, data: base64(found.bytes) });
  }
  return { ...body, attachments };
}

/** The server has it (201, or 200 for a retry it had already stored): out of the outbox. */
export function accepted(record, answer) {
  return db.tx(["drafts", "submissions", "attachments", "sent"], "readwrite", async (t) => {
    await db.done(t.objectStore("submissions").delete(record.client_id));
    await db.done(
      t.objectStore("sent").put({
        client_id: record.client_id,
        task_ref: record.task_ref,
        form_id: record.form_id,
        submission_id: answer?.submission_id ?? null,
        received_at: answer?.received_at ?? new Date().toISOString(),
      }),
    );
    await collectPhotos(t);
  });
}

async function update(record, changes, sealedChanges = null) {
  let sealed = {};
  if (sealedChanges) {
    let content = null;
    try {
      content = await open(record);
    } catch {
      content = null; // unreadable: its state changes all the same
    }
    if (content) {
      sealed = await vault.seal({ ...content, ...sealedChanges }, submissionContext(record));
    }
  }
  await db.tx(["submissions"], "readwrite", async (t) => {
    const store = t.objectStore("submissions");
    const current = await db.done(store.get(record.client_id));
    if (current) await db.done(store.put({ ...current, ...changes, ...sealed }));
  });
}

/** The server failed (5xx, 429): try again later, waiting longer each time. */
export function backOff(record, nowMs = Date.now()) {
  const attempts = (record.attempts || 0) + 1;
  const wait = BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)];
  return update(record, { attempts, next_attempt_at: nowMs + wait });
}

/** The server answered 422: the worker corrects the form; `errors` [{path, code, message}]. */
export function needsCorrection(record, errors, message) {
  return update(record, { state: "correction" }, { errors, message });
}

/** The server refused it for good (409 …): kept with its message until the worker decides. */
export function refused(record, message, type) {
  return update(record, { state: "refused" }, { errors: [], message, type });
}

/** Delete a submission the worker gave up (after the server refused it). */
export function discard(clientId) {
  return db.tx(["drafts", "submissions", "attachments"], "readwrite", async (t) => {
    await db.done(t.objectStore("submissions").delete(clientId));
    await collectPhotos(t);
  });
}

/** The forms of a task the server accepted (no answers). */
export function sentOf(taskRef) {
  return db.tx(["sent"], "readonly", (t) =>
    db.done(t.objectStore("sent").index("task_ref").getAll(taskRef)),
  );
}

/** Forget the accepted forms of tasks no longer on the list. */
export function forgetSent(liveRefs) {
  return db.tx(["sent"], "readwrite", async (t) => {
    const store = t.objectStore("sent");
    for (const record of await db.done(store.getAll())) {
      if (!liveRefs.has(record.task_ref)) await db.done(store.delete(record.client_id));
    }
  });
}
