// The app: start-up, which screen to show, the timers that keep the rules, and the test hook.
//
// Gates come before everything: not enrolled → enrol; locked by the administrator, never
// signed in (or asked to) → sign in with the password; no PIN yet → set one; locked (idle, or
// on demand) → enter the PIN. Past the gates, the hash picks the screen:
// #/tasks (the default), #/task/T00000042, #/task/T00000042/form/elderly_visit_record (a
// form: redrawn only when asked to, never under the worker's fingers by a sync), #/settings.
//
// The purge rules and the idle lock are checked on start, every 20 seconds, and whenever the
// app comes back into view; a check-in runs on start, when the network comes back, and every
// `check_in_minutes` (5 unless the policy says otherwise) while online.
//
// Test hook for browser tests — `window.frontline`. It exposes no personal data and no key
// material, only what a test needs to observe and drive the app:
//   frontline.ready            a promise, resolved once the first screen is shown
//   frontline.version          the app version (the server's version + a digest of the app)
//   frontline.counts()         record counts of every IndexedDB store:
//                              {keys, state, tasks, packages, outbox, receipts, drafts,
//                              submissions, attachments, sent}
//   frontline.submissions()    the form outbox, oldest first, without answers:
//                              [{client_id, task_ref, form_id, state, attempts}]
//   frontline.checkPurge(ms?)  apply the purge rules now, or as if the time were `ms`;
//                              resolves with the purged [{package_id, reason, task_ref}]
//   frontline.tick(ms?)        one timer tick (purge rules, idle lock, check-in when due),
//                              optionally as if the time were `ms`
//   frontline.sync()           one sync round: {ok} | {offline} | {signin} | {locked} |
//                              {wiped} | {error}
//   frontline.settled()        resolves once no sync round runs or waits
//   frontline.screen()         the screen shown: enrol, signin, setpin, lock, tasks, task,
//                              form, settings (also `document.body.dataset.screen`)
// A test may also import any module itself: `await import("/app/static/js/vault.js")`.

import * as api from "./api.js";
import * as clock from "./clock.js";
import * as db from "./db.js";
import * as dpop from "./dpop.js";
import * as outbox from "./forms/outbox.js";
import { formRoute, formScreen } from "./forms/screen.js";
import { language, setLanguage, t } from "./i18n.js";
import * as pin from "./pin.js";
import * as screens from "./screens.js";
import * as sync from "./sync.js";
import { button, h, message } from "./ui.js";
import * as vault from "./vault.js";

const TICK_MS = 20_000;
const FORM_RETRY_MS = 60_000;
const GATES = ["enrol", "signin", "setpin", "lock"];
const root = {
  main: document.getElementById("main"),
  actions: document.getElementById("actions"),
  tabs: document.getElementById("tabs"),
  banner: document.getElementById("banner"),
  notice: document.getElementById("notice"),
  net: document.getElementById("net"),
  lang: document.getElementById("lang"),
  name: document.getElementById("app-name"),
};

const app = {
  version: sync.APP_VERSION,
  pendingCode: null,
  flash: null,
  grid: null,
  drafts: new Map(),
  formDrafts: new Map(),
  needsSignIn: false,
  forceSignIn: false,
  signInOptional: false,
  forgot: false,
  resetPin: false,
  current: { name: null, route: null, cleanup: null },

  takeFlash() {
    const flash = app.flash;
    app.flash = null;
    return flash;
  },
  policy: () => sync.policy(),
  render: (options) => render(options),

  async enrol(code, name) {
    const keys = (await dpop.deviceKeys()) || (await dpop.createDeviceKeys());
    await vault.vaultKey(); // the data key of this enrolment
    const answer = await api.enrol({ code, name, platform: platform(), appVersion: app.version });
    const thumbprint = await dpop.thumbprint(await dpop.publicJwk(keys));
    if (answer.username) {
      await db.setState("user", { username: answer.username, display_name: answer.display_name });
    }
    await db.setState("device", {
      device_id: answer.device_id,
      thumbprint: answer.thumbprint || thumbprint,
      name,
      enrolled_at: clock.now(),
    });
    if (answer.policy) await db.setState("policy", answer.policy);
    app.pendingCode = null;
    try {
      await navigator.storage?.persist?.(); // ask the browser not to evict the data
    } catch {
      // Not granted: the purge rules apply all the same.
    }
    app.flash = { key: "enrol.done", kind: "success" };
    await render({ force: true });
  },

  async signIn(username, password) {
    const signed = await api.signIn(username, password);
    await db.setState("user", { username, display_name: signed.display_name || null });
    app.needsSignIn = false;
    if (app.forgot) app.resetPin = true;
    app.forceSignIn = false;
    app.signInOptional = false;
    app.forgot = false;
    await pin.unlock(); // a password on the enrolled device is more than the PIN
    await render({ force: true });
    app.sync();
  },

  async setPin(value) {
    await pin.setPin(value);
    app.resetPin = false;
    await pin.unlock();
    await render({ force: true });
    app.sync();
  },

  async unlock(value) {
    const result = await pin.verify(value);
    if (result.ok) {
      await pin.unlock();
      await render({ force: true });
      app.sync();
    } else if (result.left <= 0) {
      await sync.wipeNow({ message: "wipe.pin", online: navigator.onLine });
    }
    return result;
  },

  forgotPin() {
    app.forceSignIn = true;
    app.signInOptional = true;
    app.forgot = true;
    render({ force: true });
  },

  askSignIn() {
    app.forceSignIn = true;
    app.signInOptional = true;
    render({ force: true });
  },

  cancelSignIn() {
    app.forceSignIn = false;
    app.signInOptional = false;
    app.forgot = false;
    render({ force: true });
  },

  async lockNow() {
    await pin.lock("manual");
    await render({ force: true });
  },

  wipe() {
    return sync.wipeNow({ message: "wipe.done", online: navigator.onLine });
  },

  async step(reference, kind, outcome = null) {
    const sent = await sync.step(reference, kind, outcome);
    if (kind === "complete") app.drafts.delete(reference);
    notify(sent ? t("task.sent") : t("task.queued"));
    await render({ force: true });
  },

  /** A form went to the outbox: back to its task, and sent at once when online. */
  async formQueued(reference) {
    notify(t("form.queued"));
    location.hash = `#/task/${encodeURIComponent(reference)}`;
    if (navigator.onLine) app.sync();
  },

  async discardSubmission(clientId) {
    await outbox.discard(clientId);
    await render({ force: true });
  },

  openDraft(reference) {
    app.drafts.set(reference, { text: "" });
    render({ force: true });
  },

  closeDraft(reference) {
    app.drafts.delete(reference);
    render({ force: true });
  },

  filterGrid(code) {
    app.grid = code;
    render({ force: true });
  },

  async sync({ manual = false } = {}) {
    let result;
    try {
      result = await sync.syncNow();
    } catch (error) {
      console.warn("sync failed", error);
      result = { error: String(error?.message || error) };
    }
    app.needsSignIn = await api.signInNeeded();
    if (manual) {
      if (result.ok) notify(t("tasks.sync_done"));
      else if (result.offline) notify(t("error.network"));
      else if (result.signin) notify(t("signin.again"));
      else if (result.error) notify(t("error.unexpected", { detail: result.error }));
    }
    return result;
  },
};

function platform() {
  return navigator.userAgentData?.platform || navigator.platform || "web";
}

// ---- screens ------------------------------------------------------------------------------

/** Whether an administrator's lock waits for the password (the PIN does not open it). */
async function lockedByAdministrator() {
  return (await pin.lockState())?.why === "command";
}

/** The gate in the way, or null. */
async function gate() {
  if (!(await db.getState("device")) || !(await dpop.deviceKeys())) return "enrol";
  if (app.forceSignIn || !(await api.hasSession())) return "signin";
  if (await lockedByAdministrator()) return "signin";
  if (app.resetPin || !(await pin.isSet())) return "setpin";
  if (await pin.lockState()) return "lock";
  return null;
}

let queue = Promise.resolve();

/** Show the right screen. A gate already shown is left alone (a PIN half typed stays) unless
 * `force`; other screens are redrawn in place. */
function render(options = {}) {
  queue = queue.then(() => draw(options)).catch(fatal);
  return queue;
}

async function draw({ force = false } = {}) {
  const gated = await gate();
  const route = gated ? null : location.hash || "#/tasks";
  if (gated && gated === app.current.name && !force) return;
  // A form being filled in keeps its inputs: a sync round does not redraw it.
  if (!gated && app.current.name === "form" && app.current.route === route && !force) return;
  let name;
  let screen;
  const task = route && /^#\/task\/([^/]+)$/.exec(route);
  const form = route && /^#\/task\/([^/]+)\/form\/([^/]+)$/.exec(route);
  if (gated === "enrol") [name, screen] = ["enrol", await screens.enrolScreen(app)];
  else if (gated === "signin") [name, screen] = ["signin", await screens.signInScreen(app)];
  else if (gated === "setpin") [name, screen] = ["setpin", await screens.setPinScreen(app)];
  else if (gated === "lock") [name, screen] = ["lock", await screens.lockScreen(app)];
  else if (task) {
    [name, screen] = ["task", await screens.taskScreen(app, decodeURIComponent(task[1]))];
  } else if (form) {
    const [reference, formId] = [decodeURIComponent(form[1]), decodeURIComponent(form[2])];
    [name, screen] = ["form", await formScreen(app, reference, formId)];
  }
  else if (route === "#/settings") [name, screen] = ["settings", await screens.settingsScreen(app)];
  else [name, screen] = ["tasks", await screens.tasksScreen(app)];
  show(name, route, screen);
}

function show(name, route, screen) {
  const same = app.current.name === name && app.current.route === route;
  const focused = document.activeElement;
  const focus = same && focused?.id ? { id: focused.id, start: focused.selectionStart } : null;
  const scroll = same ? window.scrollY : 0;
  app.current.cleanup?.();
  app.current = { name, route, cleanup: screen.cleanup || null };
  document.body.dataset.screen = name;
  if (GATES.includes(name)) hideNotice(); // a toast about the tasks has no place on a gate
  root.main.replaceChildren(screen.body);
  root.actions.replaceChildren(...(screen.actions || []));
  root.actions.hidden = !(screen.actions || []).length;
  drawTabs(screen.tab);
  drawBanner(name);
  if (same) {
    window.scrollTo(0, scroll);
    const again = focus && document.getElementById(focus.id);
    if (again) {
      again.focus();
      if (typeof focus.start === "number" && again.setSelectionRange) {
        again.setSelectionRange(focus.start, focus.start);
      }
    }
  } else {
    window.scrollTo(0, 0);
    root.main.querySelector("h1")?.setAttribute("tabindex", "-1");
    if (app.current.name !== null) root.main.querySelector("h1")?.focus({ preventScroll: true });
  }
}

function drawTabs(current) {
  root.tabs.hidden = !current;
  if (!current) return;
  root.tabs.replaceChildren(
    ...[
      ["tasks", "#/tasks", t("nav.tasks")],
      ["settings", "#/settings", t("nav.settings")],
    ].map(([tab, href, label]) =>
      h(
        "a",
        { href, class: "tab", "aria-current": tab === current ? "page" : null, "data-tab": tab },
        label,
      ),
    ),
  );
}

function drawBanner(name) {
  const gated = GATES.includes(name);
  const parts = [];
  if (!navigator.onLine && !gated) parts.push(message(t("net.offline_banner"), "notice"));
  if (app.needsSignIn && !gated) {
    parts.push(
      h(
        "div",
        { class: "message notice with-action" },
        h("span", {}, t("signin.again")),
        button(t("settings.sign_in"), {
          class: "secondary small",
          onclick: () => app.askSignIn(),
        }),
      ),
    );
  }
  root.banner.replaceChildren(...parts);
  root.banner.hidden = !parts.length;
}

function drawChrome() {
  root.name.textContent = t("app.name");
  root.lang.textContent = t("lang.switch");
  root.lang.setAttribute("aria-label", t("lang.switch_label"));
  root.lang.setAttribute("lang", language() === "en" ? "zh-CN" : "en");
  const online = navigator.onLine;
  root.net.textContent = online ? t("net.online") : t("net.offline");
  root.net.className = `net ${online ? "is-online" : "is-offline"}`;
  document.title = t("app.name");
}

let noticeTimer = null;

function notify(text) {
  if (!text) return;
  root.notice.replaceChildren(h("p", {}, text));
  root.notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(hideNotice, 6000);
}

function hideNotice() {
  clearTimeout(noticeTimer);
  root.notice.hidden = true;
  root.notice.replaceChildren();
}

function fatal(error) {
  console.error(error);
  const detail = error?.message || String(error);
  root.main.replaceChildren(message(t("error.unexpected", { detail }), "error"));
}

// ---- timers -------------------------------------------------------------------------------

let ticking = null;
let lastFormTry = 0;

/** Apply the purge rules and the idle lock; check in when one is due. */
function tick(nowMs = undefined) {
  if (!ticking) {
    ticking = (async () => {
      if (!(await db.getState("device"))) return;
      const policy = await sync.policy();
      await sync.enforce(nowMs);
      const at = nowMs ?? clock.now();
      if ((await gate()) === null && (await pin.idleTooLong(policy.idle_lock_minutes, at))) {
        await pin.lock("idle");
        await render();
      }
      if (navigator.onLine && (await api.hasSession()) && !(await api.signInNeeded())) {
        const last = await db.getState("last_check_in_at", 0);
        // Finished forms whose time has come do not wait for the next check-in.
        const formsDue = (await outbox.due(at)).length > 0 && at - lastFormTry >= FORM_RETRY_MS;
        if (formsDue) lastFormTry = at;
        if (!last || at - last >= policy.check_in_minutes * 60_000 || formsDue) await app.sync();
      }
    })()
      .catch((error) => console.warn("tick failed", error))
      .finally(() => {
        ticking = null;
      });
  }
  return ticking;
}

// ---- start --------------------------------------------------------------------------------

function supported() {
  return Boolean(globalThis.crypto?.subtle && globalThis.indexedDB && window.isSecureContext);
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" });
  } catch (error) {
    console.warn("service worker not registered", error);
  }
}

/** After a wipe (which empties the caches), ask the service worker to cache the app again. */
async function recache() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration("/app/");
    registration?.active?.postMessage({ type: "precache" });
  } catch {
    // Offline: the shell is cached again as it is fetched.
  }
}

function wire() {
  api.onRevoked((error) =>
    sync.wipeNow({
      message: /wiped$/.test(error.type) ? "wipe.by_admin" : "wipe.revoked",
      online: false,
    }),
  );
  sync.events.addEventListener("changed", () => render());
  sync.events.addEventListener("locked", () => {
    // The administrator's lock: straight to the password, no way back to the tasks.
    Object.assign(app, { needsSignIn: false, signInOptional: false, forgot: false });
    render({ force: true });
  });
  sync.events.addEventListener("signin", () => {
    app.needsSignIn = true;
    render();
  });
  sync.events.addEventListener("notice", (event) => notify(event.detail));
  sync.events.addEventListener("correction", (event) => {
    // Sent back while the worker looks at its task (just submitted it): open it again.
    const { task_ref: reference, form_id: formId } = event.detail;
    if (location.hash === `#/task/${encodeURIComponent(reference)}`) {
      location.hash = formRoute(reference, formId);
    }
  });
  sync.events.addEventListener("wiped", (event) => {
    Object.assign(app, {
      grid: null,
      needsSignIn: false,
      forceSignIn: false,
      signInOptional: false,
      forgot: false,
      resetPin: false,
    });
    app.drafts.clear();
    app.formDrafts.clear();
    app.flash = { key: event.detail || "wipe.done", kind: "error" };
    recache();
    render({ force: true });
  });
  window.addEventListener("hashchange", () => render({ force: true }));
  window.addEventListener("online", () => {
    drawChrome();
    render({ force: app.current.name !== "lock" && app.current.name !== "setpin" });
    tick();
    app.sync();
  });
  window.addEventListener("offline", () => {
    drawChrome();
    render();
    drawBanner(app.current.name);
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") tick();
  });
  for (const type of ["pointerdown", "keydown", "touchstart"]) {
    document.addEventListener(type, () => pin.touch(), { passive: true });
  }
  root.lang.addEventListener("click", () => {
    setLanguage(language() === "en" ? "zh" : "en");
    drawChrome();
    render({ force: true });
  });
  setInterval(() => tick(), TICK_MS);
}

function installTestHook(ready) {
  window.frontline = Object.freeze({
    ready,
    version: app.version,
    counts: () => db.counts(),
    submissions: async () =>
      (await outbox.list()).map((record) => ({
        client_id: record.client_id,
        task_ref: record.task_ref,
        form_id: record.form_id,
        state: record.state,
        attempts: record.attempts,
      })),
    checkPurge: async (ms) => {
      const purged = await sync.enforce(ms);
      await render();
      return purged;
    },
    tick: (ms) => tick(ms),
    sync: () => app.sync(),
    settled: () => sync.settled(),
    screen: () => app.current.name,
  });
}

async function start() {
  // An enrolment link (/app/?enrol=CODE): take the code, then drop it from the address bar
  // and the history. /app becomes /app/, the service worker's scope.
  const params = new URLSearchParams(location.search);
  app.pendingCode = params.get("enrol");
  if (location.search || location.pathname !== "/app/") {
    history.replaceState(null, "", `/app/${location.hash}`);
  }
  setLanguage(language());
  drawChrome();
  if (!supported()) {
    root.main.replaceChildren(message(t("error.not_supported"), "error"));
    return;
  }
  registerWorker();
  await clock.load();
  wire();
  if (app.pendingCode && (await db.getState("device"))) {
    app.pendingCode = null;
    app.flash = { key: "enrol.already", kind: "notice" };
  }
  app.needsSignIn = await api.signInNeeded();
  // Closed for longer than the idle time: locked when it opens again.
  const policy = await sync.policy();
  if ((await gate()) === null && (await pin.idleTooLong(policy.idle_lock_minutes))) {
    await pin.lock("idle");
  }
  await sync.enforce();
  await render();
  await pin.touch(true);
  tick();
}

const ready = start().catch(fatal);
installTestHook(ready);
