// The app's IndexedDB database: promise wrappers and the stores.
//
// Stores (nothing holding personal data is kept in the clear):
//   keys      {id: "device", privateKey, publicKey}  the DPoP key pair (non-extractable)
//             {id: "vault", key}                      the AES-GCM key (non-extractable)
//   state     {key, value} or {key, iv, ciphertext}   settings, policy, timestamps; tokens sealed
//   tasks     {reference, status, due_on, grid, …}    the worker's tasks (no personal data)
//   packages  {package_id, task_ref, expires_at, iv, ciphertext}   subject data, sealed
//   outbox    {id, kind, reference, outcome, queued_at}            task steps waiting to be sent
//   receipts  {package_id, reason, deleted_at}                     deletion receipts to send
//   drafts    {id, task_ref, form_id, updated_at, attachments, iv, ciphertext}   unfinished
//             forms, sealed (forms/outbox.js)
//   submissions {client_id, task_ref, form_id, queued_at, state, attempts, next_attempt_at,
//             attachments, iv, ciphertext}                         finished forms until the
//             server has them, sealed
//   attachments {sha256, content_type, iv, ciphertext}             photos of drafts and
//             submissions, sealed
//   sent      {client_id, task_ref, form_id, submission_id, received_at}   forms the server
//             accepted (no answers), for the task screen

export const NAME = "frontline-app";
const VERSION = 2;
export const STORES = [
  "keys",
  "state",
  "tasks",
  "packages",
  "outbox",
  "receipts",
  "drafts",
  "submissions",
  "attachments",
  "sent",
];

let opening = null;

/** The open database (opened, and created or upgraded, on first use). */
export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = (event) => {
        const db = request.result;
        if (event.oldVersion < 1) {
          db.createObjectStore("keys", { keyPath: "id" });
          db.createObjectStore("state", { keyPath: "key" });
          db.createObjectStore("tasks", { keyPath: "reference" });
          const packages = db.createObjectStore("packages", { keyPath: "package_id" });
          packages.createIndex("task_ref", "task_ref");
          db.createObjectStore("outbox", { keyPath: "id", autoIncrement: true });
          db.createObjectStore("receipts", { keyPath: "package_id" });
        }
        if (event.oldVersion < 2) {
          // Field forms: kept by an app of version 1's data as well (an upgrade in place).
          db.createObjectStore("drafts", { keyPath: "id" }).createIndex("task_ref", "task_ref");
          const submissions = db.createObjectStore("submissions", { keyPath: "client_id" });
          submissions.createIndex("task_ref", "task_ref");
          db.createObjectStore("attachments", { keyPath: "sha256" });
          const sent = db.createObjectStore("sent", { keyPath: "client_id" });
          sent.createIndex("task_ref", "task_ref");
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab deleting or upgrading the database: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
      request.onblocked = () => {
        opening = null;
        reject(new Error("database blocked by another tab"));
      };
    });
  }
  return opening;
}

/** A promise of an IndexedDB request's result. */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Run `work(transaction)` in one transaction over `stores`; resolves with its result once the
 * transaction has committed. `work` may await only this transaction's requests (never crypto
 * or fetch): IndexedDB commits a transaction as soon as it has nothing left to do.
 */
export async function tx(stores, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(stores, mode);
    let result;
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error("transaction aborted"));
    Promise.resolve()
      .then(() => work(transaction))
      .then(
        (value) => {
          result = value;
        },
        (error) => {
          try {
            transaction.abort();
          } catch {
            // Already finished.
          }
          reject(error);
        },
      );
  });
}

export function get(store, key) {
  return tx([store], "readonly", (t) => done(t.objectStore(store).get(key)));
}

export function all(store) {
  return tx([store], "readonly", (t) => done(t.objectStore(store).getAll()));
}

export function count(store) {
  return tx([store], "readonly", (t) => done(t.objectStore(store).count()));
}

export function put(store, value) {
  return tx([store], "readwrite", (t) => done(t.objectStore(store).put(value)));
}

export function remove(store, key) {
  return tx([store], "readwrite", (t) => done(t.objectStore(store).delete(key)));
}

export function clear(store) {
  return tx([store], "readwrite", (t) => done(t.objectStore(store).clear()));
}

/** A plain state value (`fallback` when unset). */
export async function getState(key, fallback = null) {
  const record = await get("state", key);
  return record && "value" in record ? record.value : fallback;
}

export function setState(key, value) {
  return put("state", { key, value });
}

export function removeState(key) {
  return remove("state", key);
}

/** Record counts of every store (for the test hook and the settings screen). */
export function counts() {
  return tx(STORES, "readonly", async (t) => {
    const result = {};
    for (const store of STORES) result[store] = await done(t.objectStore(store).count());
    return result;
  });
}

/** Delete the whole database, keys included. */
export async function destroy() {
  if (opening) {
    try {
      (await opening).close();
    } catch {
      // It never opened.
    }
  }
  opening = null;
  await new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    // Another tab still has it open: it closes on `versionchange`, then this succeeds.
    request.onblocked = () => {};
  });
}
