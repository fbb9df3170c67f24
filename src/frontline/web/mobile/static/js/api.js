// Every call to the server, in one place (the contract is docs/devices.md).
//
// Each request carries a DPoP proof made by the device key; signed-in calls send
// `Authorization: DPoP <access token>` with a proof bound to that token (`ath`). The access
// token is refreshed before it expires, and once more when the server answers 401. Errors are
// RFC 9457 problem details; a problem whose type ends in `device-revoked` calls the handler set
// with `onRevoked` (the app wipes itself) before it is thrown.
//
// The server's bodies are read through the `read…` functions at the end of this module: if a
// field name changes when the server lands, it changes there.

import * as clock from "./clock.js";
import * as db from "./db.js";
import * as dpop from "./dpop.js";
import { acceptLanguage } from "./i18n.js";
import * as vault from "./vault.js";

export const PATHS = {
  enrol: "/api/v1/device/enrol",
  signIn: "/api/v1/device/sign-in",
  refresh: "/api/v1/device/refresh",
  checkIn: "/api/v1/device/check-in",
  commandDone: (id) => `/api/v1/device/commands/${encodeURIComponent(id)}/done`,
  tasks: "/api/v1/device/tasks",
  taskPackage: (ref) => `/api/v1/device/tasks/${encodeURIComponent(ref)}/package`,
  packages: "/api/v1/device/packages",
  receipts: "/api/v1/device/receipts",
  start: (ref) => `/api/v1/tasks/${encodeURIComponent(ref)}/start`,
  complete: (ref) => `/api/v1/tasks/${encodeURIComponent(ref)}/complete`,
  submissions: "/api/v1/device/submissions",
  submissionBatch: "/api/v1/device/submissions/batch",
};

const TOKENS = "tokens";
const SIGN_IN_NEEDED = "sign_in_needed";
const EARLY_REFRESH_MS = 30_000;

/** The server refused: `status` and the problem details object (`type`, `title`, `detail`). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem || {};
    this.type = String(this.problem.type || "");
    this.revoked = isRevoked(this.problem);
    /** Worth trying again later (the server is busy or failing), not a refusal. */
    this.transient = status >= 500 || status === 429;
  }
}

/** The network is unreachable (or the server did not answer). */
export class OfflineError extends Error {
  constructor() {
    super("offline");
    this.name = "OfflineError";
  }
}

/** No usable tokens: the worker must sign in (online) before the next signed-in call. */
export class SignInRequired extends Error {
  constructor() {
    super("sign-in required");
    this.name = "SignInRequired";
  }
}

/** A problem saying this device may no longer hold data: revoked (reported lost), or wiped
 * by an administrator. Either way the app wipes itself. */
export function isRevoked(problem) {
  return /device-(revoked|wiped)$/.test(String(problem?.type || ""));
}

let revokedHandler = async () => {};
let dpopNonce = null;
let refreshing = null;

/** What to do when the server says this device is revoked (the app: wipe everything). */
export function onRevoked(handler) {
  revokedHandler = handler;
}

// ---- tokens -------------------------------------------------------------------------------

/** The stored token pair {access_token, refresh_token, access_expires_ms, refresh_expires_ms}. */
export function tokens() {
  return vault.getSecret(TOKENS);
}

export async function hasSession() {
  return (await db.get("state", TOKENS)) != null;
}

async function keepTokens(body) {
  const pair = readTokens(body);
  await vault.putSecret(TOKENS, pair);
  await db.removeState(SIGN_IN_NEEDED);
  return pair;
}

/** Drop the tokens (the server ended the device's sessions): only the password brings them
 * back. The encrypted data stays. */
export async function forgetSession() {
  await db.removeState(TOKENS);
  await db.removeState(SIGN_IN_NEEDED);
}

/** Whether the tokens were refused: the worker must sign in again to sync. */
export async function signInNeeded() {
  return Boolean(await db.getState(SIGN_IN_NEEDED));
}

/** A fresh access token: refreshed first when it is about to expire. */
async function accessToken() {
  const pair = await tokens();
  if (!pair) throw new SignInRequired();
  if (pair.access_expires_ms - EARLY_REFRESH_MS > clock.serverNow()) return pair.access_token;
  return (await refreshTokens(pair.access_token)).access_token;
}

/**
 * Exchange the refresh token for a new pair. A refresh token works once, so only one refresh
 * runs at a time — in this page and, where the browser has Web Locks, across its tabs — and
 * a refresh that finds the pair already renewed (by another tab) returns that.
 */
export function refreshTokens(staleAccessToken = null) {
  if (!refreshing) {
    const run = async () => {
      const pair = await tokens();
      if (!pair || (await db.getState(SIGN_IN_NEEDED))) throw new SignInRequired();
      if (staleAccessToken && pair.access_token !== staleAccessToken) return pair;
      if (pair.refresh_expires_ms <= clock.serverNow()) throw new SignInRequired();
      let body;
      try {
        body = await call("POST", PATHS.refresh, {
          body: { refresh_token: pair.refresh_token },
          auth: false,
        });
      } catch (error) {
        if (error instanceof ApiError && !error.revoked && [401, 403].includes(error.status)) {
          // The tokens are dead, but the phone keeps working offline on its PIN until the
          // worker signs in again.
          await db.setState(SIGN_IN_NEEDED, true);
          throw new SignInRequired();
        }
        throw error;
      }
      return keepTokens(body);
    };
    const locked = navigator.locks
      ? navigator.locks.request("frontline-token-refresh", run)
      : run();
    refreshing = locked.finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

// ---- requests -----------------------------------------------------------------------------

async function problemOf(response) {
  try {
    const body = await response.json();
    return body && typeof body === "object" ? body : {};
  } catch {
    return {};
  }
}

/**
 * `method` `path` with a DPoP proof; signed in unless `auth` is false. Resolves with the JSON
 * body (null for an empty one); rejects with ApiError, OfflineError or SignInRequired.
 */
export async function call(method, path, { body, auth = true, retried = false } = {}) {
  const url = new URL(path, location.origin).href;
  const token = auth ? await accessToken() : null;
  const headers = {
    Accept: "application/json",
    "Accept-Language": acceptLanguage(),
    DPoP: await dpop.proof({ method, url, accessToken: token, nonce: dpopNonce }),
  };
  if (token) headers.Authorization = `DPoP ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit", // the console's cookies have no business here
      redirect: "error",
    });
  } catch {
    throw new OfflineError();
  }
  const offsetBefore = clock.offset();
  clock.learn(response);
  const clockMoved = Math.abs(clock.offset() - offsetBefore) > 5000;
  const nonce = response.headers.get("DPoP-Nonce");
  if (nonce) dpopNonce = nonce;
  if (response.ok) {
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
  const problem = await problemOf(response);
  const error = new ApiError(response.status, problem);
  if (error.revoked) {
    await revokedHandler(error);
    throw error;
  }
  if (!retried) {
    const wantsNonce =
      Boolean(nonce) &&
      (problem.error === "use_dpop_nonce" ||
        /use_dpop_nonce/.test(response.headers.get("WWW-Authenticate") || ""));
    // Try once more after a new nonce, a proof refused for the time (the clock is now
    // corrected from this answer's Date header), or a signed-in call's 401 (a token that
    // just expired: refreshed first). Never a password refused: that would count twice.
    if (wantsNonce || (response.status === 401 && clockMoved)) {
      return call(method, path, { body, auth, retried: true });
    }
    if (response.status === 401 && auth) {
      await refreshTokens(token);
      return call(method, path, { body, auth, retried: true });
    }
  } else if (response.status === 401 && auth) {
    // Refused with fresh tokens: the session is over (signed out, or the device locked out).
    await db.setState(SIGN_IN_NEEDED, true);
    throw new SignInRequired();
  }
  throw error;
}

// ---- the device API -----------------------------------------------------------------------

/** Register this device's public key with an enrolment code. */
export async function enrol({ code, name, platform, appVersion }) {
  const keys = await dpop.deviceKeys();
  const body = await call("POST", PATHS.enrol, {
    body: {
      code,
      public_key: await dpop.publicJwk(keys),
      name,
      platform,
      app_version: appVersion,
    },
    auth: false,
  });
  return readEnrolment(body);
}

/** Sign in with a password on this enrolled device; keeps the DPoP-bound tokens. */
export async function signIn(username, password) {
  const body = await call("POST", PATHS.signIn, { body: { username, password }, auth: false });
  await keepTokens(body);
  return { device_id: body.device_id ?? null, display_name: body.display_name ?? null };
}

/** Report posture; answers {policy, commands, purge}. */
export async function checkIn(posture) {
  return readCheckIn(await call("POST", PATHS.checkIn, { body: posture }));
}

export function commandDone(id) {
  return call("POST", PATHS.commandDone(id), { body: {} });
}

export async function tasks() {
  return readTasks(await call("GET", PATHS.tasks));
}

export async function taskPackage(reference) {
  return readPackage(await call("POST", PATHS.taskPackage(reference), { body: {} }), reference);
}

/**
 * Fetch the packages of tasks (1 to 50 references, each once) in one request. The server takes
 * each as if it were fetched alone; one result per reference, in order: {task, status,
 * package, problem} — `package` (as `taskPackage` resolves) for a 2xx status, else `problem`,
 * the problem details it would get alone. Rejects as `taskPackage` does when the request as a
 * whole fails.
 */
export async function taskPackages(references) {
  const answer = await call("POST", PATHS.packages, { body: { tasks: references } });
  return readPackageResults(answer, references);
}

export function sendReceipts(receipts) {
  return call("POST", PATHS.receipts, { body: { receipts } });
}

export async function startTask(reference) {
  return readTask(await call("POST", PATHS.start(reference)));
}

export async function completeTask(reference, outcome) {
  return readTask(await call("POST", PATHS.complete(reference), { body: { outcome } }));
}

/**
 * Send a finished form ({client_id, task, form_id, form_version, answers, attachments: [{sha256,
 * content_type, data}], completed_at}). The server stores a client_id once: sent again (an
 * answer lost on the way), it answers 200 with `duplicate`. Rejects with ApiError: 422 with
 * `problem.errors` [{path, code, message}], 409 (submission-conflict, task-cancelled,
 * form-outdated).
 */
export async function postSubmission(body) {
  return readSubmission(await call("POST", PATHS.submissions, { body }));
}

/**
 * Send finished forms without photos together (1 to 50 bodies as `postSubmission` takes them,
 * `attachments` empty). The server takes each as it would alone; one result per body, in
 * order: {client_id, status, submission, problem} — `submission` (as `postSubmission`
 * resolves) for a 2xx status, else `problem`, the problem details it would get alone. Rejects
 * as `postSubmission` does when the request as a whole fails.
 */
export async function postSubmissions(bodies) {
  const answer = await call("POST", PATHS.submissionBatch, { body: { submissions: bodies } });
  return readSubmissionResults(answer, bodies);
}

// ---- the server's bodies ------------------------------------------------------------------

const REASONS = new Set([
  "completed",
  "cancelled",
  "expired",
  "grace",
  "wiped",
  "reassigned",
  "replaced",
]);

function ms(value, fallback) {
  const parsed = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? fallback : parsed;
}

/** Tokens (`/sign-in`, `/refresh`): `access_expires_at` or `expires_in` tells the expiry. */
export function readTokens(body) {
  const now = clock.serverNow();
  const expiresIn = Number(body.expires_in) > 0 ? Number(body.expires_in) * 1000 : 5 * 60_000;
  return {
    access_token: String(body.access_token),
    refresh_token: String(body.refresh_token),
    access_expires_ms: ms(body.access_expires_at, now + expiresIn),
    refresh_expires_ms: ms(body.refresh_expires_at, now + 8 * 3600_000),
  };
}

/** The enrolment answer: the device's id, its worker, and the policy. */
export function readEnrolment(body) {
  const device = body?.device && typeof body.device === "object" ? body.device : body || {};
  return {
    device_id: String(device.device_id ?? device.id ?? ""),
    thumbprint: device.thumbprint ?? null,
    username: body?.username ?? null,
    display_name: body?.display_name ?? null,
    policy: body?.policy ? readPolicy(body.policy) : null,
  };
}

/** The device policy; missing values fall back to cautious defaults. */
export function readPolicy(policy) {
  const number = (value, fallback) => (Number(value) > 0 ? Number(value) : fallback);
  return {
    idle_lock_minutes: number(policy?.idle_lock_minutes, 5),
    offline_grace_hours: number(policy?.offline_grace_hours, 24),
    max_retention_hours: number(policy?.max_retention_hours, 168),
    check_in_minutes: number(policy?.check_in_minutes ?? policy?.check_in_interval_minutes, 5),
  };
}

/**
 * The check-in answer: {policy, commands: [{id, kind}], purge: [{package_id?, task_ref?,
 * reason}], server_time_ms}.
 */
export function readCheckIn(body) {
  const commands = (body?.commands || [])
    .map((command) => ({
      id: String(command.id ?? command.command_id ?? ""),
      kind: String(command.kind ?? command.type ?? command.command ?? "").toLowerCase(),
    }))
    .filter((command) => command.id && command.kind);
  const purge = (body?.purge || [])
    .map((item) => {
      if (typeof item === "string" || typeof item === "number") {
        return { package_id: String(item), task_ref: null, reason: "reassigned" };
      }
      const reason = REASONS.has(item.reason) ? item.reason : "reassigned";
      const id = item.package_id ?? item.id;
      return {
        package_id: id == null ? null : String(id),
        task_ref: item.task ?? item.task_ref ?? item.reference ?? null,
        reason,
      };
    })
    .filter((item) => item.package_id || item.task_ref);
  const serverTime = ms(body?.server_time, null);
  return { policy: readPolicy(body?.policy), commands, purge, server_time_ms: serverTime };
}

/** One task (no personal data). */
export function readTask(item) {
  return {
    reference: String(item.reference ?? item.task ?? item.id),
    status: String(item.status || "assigned"),
    due_on: item.due_on ?? null,
    grid: String(item.grid_code ?? item.grid ?? ""),
    grid_name: item.grid_name ?? null,
    scenario: item.scenario_key ?? item.scenario ?? null,
    scenario_name: item.scenario_name ?? null,
    scenario_name_en: item.scenario_name_en ?? null,
    subject_type: item.subject_type ?? null,
    subject_id: item.subject_id ?? null,
    outcome: item.outcome ?? null,
    updated_at: item.updated_at ?? null,
  };
}

/** A submission accepted: {submission_id, client_id, duplicate, received_at}. */
export function readSubmission(body) {
  return {
    submission_id: body?.submission_id == null ? null : String(body.submission_id),
    client_id: body?.client_id ?? null,
    duplicate: Boolean(body?.duplicate),
    received_at: body?.received_at ?? null,
  };
}

/**
 * A batch's results, one per body sent, matched by client_id. A body the answer says nothing
 * about (or nothing readable) gets a 502: the server failed on it, so it is tried again later
 * rather than taken as stored or refused.
 */
export function readSubmissionResults(body, sent) {
  const results = new Map();
  for (const item of Array.isArray(body?.results) ? body.results : []) {
    const clientId = item && typeof item === "object" ? String(item.client_id ?? "") : "";
    if (clientId && !results.has(clientId)) results.set(clientId, item);
  }
  return sent.map((submission) => {
    const clientId = String(submission.client_id);
    const item = results.get(clientId);
    const given = Number(item?.status);
    const status = Number.isInteger(given) && given >= 100 && given < 600 ? given : 502;
    const ok = status >= 200 && status < 300;
    const problem = item?.problem && typeof item.problem === "object" ? item.problem : {};
    return {
      client_id: clientId,
      status,
      submission: ok ? readSubmission(item.submission) : null,
      problem: ok ? null : problem,
    };
  });
}

/**
 * A batch of packages' results, one per task asked for, matched by task. A task the answer
 * says nothing about (or nothing readable), or whose package cannot be read, gets a 502 and
 * no package: failed, as if the server had failed on it alone, and the others still count.
 */
export function readPackageResults(body, asked) {
  const results = new Map();
  for (const item of Array.isArray(body?.results) ? body.results : []) {
    const task = item && typeof item === "object" ? String(item.task ?? "") : "";
    if (task && !results.has(task)) results.set(task, item);
  }
  return asked.map((reference) => {
    const task = String(reference);
    const item = results.get(task);
    const given = Number(item?.status);
    let status = Number.isInteger(given) && given >= 100 && given < 600 ? given : 502;
    let problem = item?.problem && typeof item.problem === "object" ? item.problem : {};
    let received = null;
    if (status >= 200 && status < 300) {
      try {
        received = readPackage(item.package, task);
        problem = null;
      } catch (error) {
        // This one is malformed: failed, not the others.
        status = 502;
        problem = { title: "unreadable package", status, detail: String(error?.message) };
      }
    }
    return { task, status, package: received, problem };
  });
}

/** The task list: a list, or a page with `items` (or `tasks`). */
export function readTasks(body) {
  const items = Array.isArray(body) ? body : body?.items || body?.tasks || [];
  return items.map(readTask);
}

/**
 * A package: its id, task, expiry and content. The content keeps what the app shows — the
 * scenario, the subject's reference and its fields as the server gave them (label, mask and
 * value verbatim: a masked value stays masked) — and the task's forms (`forms`: definition
 * documents, pre-filled from the fields delivered unmasked). The server sends the subject read of
 * docs/access.md in `read` ({subject, scenario, fields: [{name, label_zh, mask, value}]});
 * a scenario field list {name, label_zh, label_en, mask} with the values by name is read too.
 */
export function readPackage(body, reference) {
  const read = body?.read ?? body?.subject;
  const record = read && typeof read === "object" ? read : {};
  const scenario = body?.scenario ?? record.scenario ?? null;
  const values = body?.values ?? record.values ?? null;
  let listed = body?.fields ?? record.fields ?? null;
  if (!Array.isArray(listed) && Array.isArray(scenario?.fields)) {
    listed = scenario.fields.map((declared) => ({
      ...declared,
      value: values ? values[declared.name] : null,
    }));
  }
  if (!Array.isArray(listed) && values && typeof values === "object") {
    const masks = body?.masks ?? record.masks ?? {};
    listed = Object.entries(values).map(([name, value]) => ({ name, value, mask: masks[name] }));
  }
  const fields = (listed || []).map((item) => ({
    name: String(item.name),
    label_zh: item.label_zh ?? item.label ?? null,
    label_en: item.label_en ?? null,
    mask: item.mask ?? "full",
    value: item.value ?? null,
  }));
  const expires = body?.expires_at;
  if (!expires || Number.isNaN(Date.parse(expires))) throw new Error("package without expiry");
  const id = body.package_id ?? body.id;
  if (id === undefined || id === null) throw new Error("package without id");
  const subject = record.type || record.id ? { type: record.type, id: record.id } : null;
  return {
    package_id: String(id),
    task_ref: String(body.task_reference ?? body.task ?? body.task_ref ?? reference),
    expires_at: String(expires),
    content: {
      scenario: scenario
        ? {
            key: scenario.key,
            version: scenario.version,
            name: scenario.name,
            name_en: scenario.name_en,
          }
        : null,
      subject: record.subject ?? subject ?? body.subject_ref ?? null,
      fields,
      forms: readForms(body?.forms),
      issued_at: body.issued_at ?? body.read_at ?? record.read_at ?? null,
    },
  };
}

/** The form definitions of a package (docs/forms.md): those with an id, a version and
 * questions; anything else is left out rather than shown half-understood. */
export function readForms(forms) {
  if (!Array.isArray(forms)) return [];
  return forms.filter(
    (form) =>
      form &&
      typeof form.form_id === "string" &&
      typeof form.version === "string" &&
      Array.isArray(form.children) &&
      form.title &&
      typeof form.title.zh === "string",
  );
}
