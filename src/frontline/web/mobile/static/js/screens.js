// The screens. Each is an async function of the app controller (see main.js) answering
// {body, actions, tab, cleanup?}: `body` fills the page, `actions` the bar at the bottom
// (primary actions within the thumb's reach), `tab` the bottom navigation's current entry
// (null: no navigation, as on the enrol, sign-in and PIN screens).

import * as api from "./api.js";
import * as clock from "./clock.js";
import * as db from "./db.js";
import * as dpop from "./dpop.js";
import * as outbox from "./forms/outbox.js";
import { formsMarker, formsSection } from "./forms/taskforms.js";
import { formatDate, formatTime, has, language, parseDate, t } from "./i18n.js";
import * as pin from "./pin.js";
import { busy, button, describe, field, h, message } from "./ui.js";
import * as vault from "./vault.js";

const LIVE = new Set(["open", "assigned", "in_progress"]);
const DAY_MS = 86_400_000;

function guessDeviceName() {
  const agent = navigator.userAgent;
  const system = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /HarmonyOS/.test(agent)
        ? "HarmonyOS"
        : navigator.userAgentData?.platform || "Web";
  const browser = /HuaweiBrowser/.test(agent)
    ? "Huawei Browser"
    : /Edg\//.test(agent)
      ? "Edge"
      : /Firefox\//.test(agent)
        ? "Firefox"
        : /Chrome\//.test(agent)
          ? "Chrome"
          : /Safari\//.test(agent)
            ? "Safari"
            : "Browser";
  return `${system} · ${browser}`;
}

// ---- enrol, sign in ---------------------------------------------------------------------

export async function enrolScreen(app) {
  const flash = app.takeFlash();
  const form = h(
    "form",
    { id: "enrol-form", class: "form", novalidate: true },
    field({
      id: "code",
      label: t("enrol.code"),
      value: app.pendingCode || "",
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
      enterkeyhint: "go",
      required: true,
    }),
    field({
      id: "device-name",
      label: t("enrol.name"),
      hint: t("enrol.name_hint"),
      value: guessDeviceName(),
      maxlength: "80",
      autocomplete: "off",
    }),
  );
  const status = h("div", { class: "status-slot" });
  const submit = h(
    "button",
    { type: "submit", form: "enrol-form", class: "primary" },
    t("enrol.submit"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // The server ignores case, spaces and dashes in a code; so does the app.
    const code = form.elements.code.value.toUpperCase().replace(/[^0-9A-Z]/g, "");
    const name = form.elements["device-name"].value.trim() || guessDeviceName();
    if (!code) {
      status.replaceChildren(message(t("enrol.code_missing"), "error"));
      form.elements.code.focus();
      return;
    }
    status.replaceChildren();
    try {
      await busy(submit, () => app.enrol(code, name));
    } catch (error) {
      status.replaceChildren(message(describe(error), "error"));
    }
  });
  return {
    body: h(
      "section",
      { class: "screen" },
      h("h1", {}, t("enrol.title")),
      flash ? message(t(flash.key), flash.kind) : null,
      h("p", { class: "lead" }, t("enrol.intro")),
      form,
      status,
    ),
    actions: [submit],
    tab: null,
  };
}

export async function signInScreen(app) {
  const flash = app.takeFlash();
  const user = await db.getState("user");
  // Locked by the administrator: only the password opens the phone again; no way around it.
  const adminLock = (await pin.lockState())?.why === "command";
  const lockNote = message(t("signin.locked_by_admin"), "warn");
  lockNote.id = "admin-lock";
  const form = h(
    "form",
    { id: "sign-in-form", class: "form", novalidate: true },
    field({
      id: "username",
      label: t("signin.username"),
      value: user?.username || "",
      autocomplete: "username",
      autocapitalize: "none",
      spellcheck: "false",
      required: true,
    }),
    field({
      id: "password",
      label: t("signin.password"),
      type: "password",
      autocomplete: "current-password",
      enterkeyhint: "go",
      required: true,
    }),
  );
  const status = h("div", { class: "status-slot" });
  const submit = h(
    "button",
    { type: "submit", form: "sign-in-form", class: "primary" },
    t("signin.submit"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    if (!username || !password) {
      status.replaceChildren(message(t("signin.missing"), "error"));
      return;
    }
    status.replaceChildren();
    try {
      await busy(submit, () => app.signIn(username, password));
    } catch (error) {
      form.elements.password.value = "";
      status.replaceChildren(message(describe(error), "error"));
    }
  });
  const actions = [submit];
  if (app.signInOptional && !adminLock) {
    actions.push(
      button(t("common.cancel"), { class: "secondary", onclick: () => app.cancelSignIn() }),
    );
  }
  return {
    body: h(
      "section",
      { class: "screen" },
      h("h1", {}, t(adminLock ? "signin.locked_title" : "signin.title")),
      flash ? message(t(flash.key), flash.kind) : null,
      adminLock ? lockNote : null,
      navigator.onLine ? null : message(t("signin.offline"), "notice"),
      h("p", { class: "lead" }, t(adminLock ? "signin.locked_intro" : "signin.intro")),
      form,
      status,
    ),
    actions,
    tab: null,
  };
}

// ---- PIN ----------------------------------------------------------------------------------

/** A PIN pad: six dots and twelve large keys; digits from a keyboard work too. */
function pinPad(onSubmit) {
  let digits = "";
  let checking = false; // keys wait while a PIN is checked
  const dots = h("div", { class: "pin-dots", role: "img" });
  const draw = () => {
    dots.replaceChildren(
      ...Array.from({ length: 6 }, (_, i) =>
        h("span", { class: i < digits.length ? "dot on" : "dot" }),
      ),
    );
    dots.setAttribute("aria-label", `${digits.length} / 6`);
  };
  const press = async (key) => {
    if (checking) return;
    if (/^[0-9]$/.test(key) && digits.length < 6) digits += key;
    else if (key === "del") digits = digits.slice(0, -1);
    else if (key === "ok" && digits.length >= 4) {
      const entered = digits;
      digits = "";
      draw();
      checking = true;
      try {
        await onSubmit(entered);
      } finally {
        checking = false;
      }
      return;
    }
    draw();
  };
  const key = (value, label, extra = {}) =>
    button(label, { class: "key", "data-key": value, onclick: () => press(value), ...extra });
  const digit = (d) => key(d, d, { "aria-label": t("pin.digit", { digit: d }) });
  const pad = h(
    "div",
    { class: "pin-pad" },
    ..."123456789".split("").map(digit),
    key("del", "⌫", { "aria-label": t("pin.delete"), class: "key muted" }),
    digit("0"),
    key("ok", t("pin.ok"), { class: "key ok" }),
  );
  const onKey = (event) => {
    if (/^[0-9]$/.test(event.key)) press(event.key);
    else if (event.key === "Backspace") press("del");
    else if (event.key === "Enter") press("ok");
    else return;
    event.preventDefault();
  };
  document.addEventListener("keydown", onKey);
  draw();
  return { dots, pad, cleanup: () => document.removeEventListener("keydown", onKey) };
}

export async function setPinScreen(app) {
  let first = null;
  const title = h("h1", {}, t("pin.set_title"));
  const intro = h("p", { class: "lead" }, t("pin.set_intro"));
  const status = h("div", { class: "status-slot" });
  const { dots, pad, cleanup } = pinPad(async (entered) => {
    if (!pin.PIN_PATTERN.test(entered)) {
      status.replaceChildren(message(t("pin.invalid"), "error"));
      return;
    }
    if (first === null) {
      first = entered;
      title.textContent = t("pin.confirm_title");
      status.replaceChildren();
      return;
    }
    if (entered !== first) {
      first = null;
      title.textContent = t("pin.set_title");
      status.replaceChildren(message(t("pin.mismatch"), "error"));
      return;
    }
    await app.setPin(entered);
  });
  return {
    body: h("section", { class: "screen pin" }, title, intro, dots, status),
    actions: [pad],
    tab: null,
    cleanup,
  };
}

export async function lockScreen(app) {
  const status = h("div", { class: "status-slot" });
  const { dots, pad, cleanup } = pinPad(async (entered) => {
    status.replaceChildren(message(t("common.working"), "notice"));
    const result = await app.unlock(entered);
    if (result.ok) return;
    const text = result.left <= 5 ? t("pin.wrong_left", { left: result.left }) : t("pin.wrong");
    status.replaceChildren(message(text, "error"));
  });
  const forgot = button(t("pin.forgot"), { class: "link", onclick: () => app.forgotPin() });
  return {
    body: h(
      "section",
      { class: "screen pin" },
      h("h1", {}, t("pin.lock_title")),
      h("p", { class: "lead" }, t("pin.lock_intro")),
      dots,
      status,
      forgot,
    ),
    actions: [pad],
    tab: null,
    cleanup,
  };
}

// ---- tasks --------------------------------------------------------------------------------

function today() {
  const now = new Date(clock.now());
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** Days a live task is overdue (0: due today or later, or not live). */
export function overdueDays(task, day = today()) {
  const due = parseDate(task.due_on);
  if (!due || !LIVE.has(task.status)) return 0;
  return Math.max(0, Math.round((day - due) / DAY_MS));
}

function scenarioName(task) {
  const english = language() === "en" && task.scenario_name_en;
  return english || task.scenario_name || task.scenario || "";
}

function gridLabel(task) {
  return task.grid_name || task.grid || t("common.none");
}

function statusBadge(status) {
  const key = `status.${status}`;
  return h("span", { class: `badge status-${status}` }, has(key) ? t(key) : status);
}

function overdueBadge(days) {
  return h("span", { class: "badge overdue" }, t("tasks.overdue", { days }));
}

function dueLine(task, day) {
  const late = overdueDays(task, day);
  const due = parseDate(task.due_on);
  const parts = [h("span", { class: "due" }, t("tasks.due", { date: formatDate(task.due_on) }))];
  if (late > 0) parts.push(overdueBadge(late));
  else if (due && LIVE.has(task.status) && due.getTime() === day.getTime()) {
    parts.push(h("span", { class: "badge today" }, t("tasks.due_today")));
  }
  return h("p", { class: "task-due" }, ...parts);
}

function sortTasks(tasks) {
  return [...tasks].sort((a, b) => {
    const liveA = LIVE.has(a.status) ? 0 : 1;
    const liveB = LIVE.has(b.status) ? 0 : 1;
    if (liveA !== liveB) return liveA - liveB;
    const byDue = String(a.due_on).localeCompare(String(b.due_on));
    return byDue || a.reference.localeCompare(b.reference);
  });
}

function taskCard(task, held, day, forms = null) {
  const late = overdueDays(task, day) > 0;
  return h(
    "li",
    {},
    h(
      "a",
      {
        class: `task-card${late ? " is-overdue" : ""}${LIVE.has(task.status) ? "" : " is-closed"}`,
        href: `#/task/${encodeURIComponent(task.reference)}`,
        "data-reference": task.reference,
      },
      h(
        "span",
        { class: "task-head" },
        h("strong", {}, scenarioName(task)),
        statusBadge(task.status),
      ),
      dueLine(task, day),
      h(
        "span",
        { class: "task-meta" },
        h("span", {}, task.reference),
        LIVE.has(task.status) && task.status !== "open"
          ? h(
              "span",
              { class: held ? "held" : "not-held" },
              held ? t("tasks.held") : t("tasks.not_held"),
            )
          : null,
        task.pending ? h("span", { class: "pending" }, t("tasks.pending")) : null,
        forms ? h("span", { class: `pending forms-${forms}` }, t(`form.marker.${forms}`)) : null,
      ),
    ),
  );
}

export async function tasksScreen(app) {
  const [tasks, records, lastSync, queued] = await Promise.all([
    db.all("tasks"),
    db.all("packages"),
    db.getState("last_sync_at", 0),
    outbox.list(),
  ]);
  const held = new Set(records.map((record) => record.task_ref));
  const forms = (reference) => formsMarker(queued.filter((item) => item.task_ref === reference));
  const day = today();
  const labels = new Map(tasks.map((task) => [task.grid, gridLabel(task)]));
  const grids = [...labels.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  if (app.grid && !grids.some(([code]) => code === app.grid)) app.grid = null;
  const shown = sortTasks(app.grid ? tasks.filter((task) => task.grid === app.grid) : tasks);
  const live = shown.filter((task) => LIVE.has(task.status));
  const overdue = live.filter((task) => overdueDays(task, day) > 0).length;

  const chips =
    grids.length > 1
      ? h(
          "div",
          { class: "chips", role: "group", "aria-label": t("task.grid") },
          button(t("tasks.all_grids"), {
            class: "chip",
            "aria-pressed": String(!app.grid),
            onclick: () => app.filterGrid(null),
          }),
          ...grids.map(([code, label]) =>
            button(label, {
              class: "chip",
              "data-grid": code,
              "aria-pressed": String(app.grid === code),
              onclick: () => app.filterGrid(code),
            }),
          ),
        )
      : null;

  const card = (task) => taskCard(task, held.has(task.reference), day, forms(task.reference));
  // Forms of tasks no longer listed (completed, given to another worker) still wait here.
  const listed = new Set(tasks.map((task) => task.reference));
  const waiting = new Set(queued.map((item) => item.task_ref));
  const others = [...waiting].filter((reference) => !listed.has(reference));
  const otherForms = others.length
    ? h(
        "section",
        { class: "card other-forms" },
        h("h2", {}, t("form.other_tasks")),
        h(
          "ul",
          { class: "plain" },
          ...others.map((reference) =>
            h(
              "li",
              {},
              h("a", { href: `#/task/${encodeURIComponent(reference)}` }, reference),
              " ",
              h("span", { class: "pending" }, t(`form.marker.${forms(reference)}`)),
            ),
          ),
        ),
      )
    : null;
  const cards = (some) => h("ul", { class: "tasks" }, ...some.map(card));
  let list;
  if (!shown.length) list = h("p", { class: "empty" }, t("tasks.empty"));
  else if (app.grid || grids.length <= 1) list = cards(shown);
  else {
    list = grids.map(([code, label]) => {
      const inGrid = shown.filter((task) => task.grid === code);
      return h(
        "section",
        { class: "grid-group", "data-grid": code },
        h("h2", {}, t("tasks.grid", { grid: label })),
        cards(inGrid),
      );
    });
  }
  const sync = button(t("tasks.sync"), { class: "primary", id: "sync" });
  sync.addEventListener("click", () => busy(sync, () => app.sync({ manual: true })));
  return {
    body: h(
      "section",
      { class: "screen" },
      h("h1", {}, t("tasks.title")),
      h(
        "p",
        { class: "meta" },
        t("tasks.count", { count: live.length, overdue }),
        " · ",
        lastSync ? t("tasks.synced", { time: formatTime(lastSync) }) : t("tasks.never_synced"),
      ),
      chips,
      list,
      otherForms,
    ),
    actions: [sync],
    tab: "tasks",
  };
}

// ---- one task -----------------------------------------------------------------------------

function fieldLabel(item) {
  if (language() === "en") {
    if (item.label_en) return item.label_en;
    const words = String(item.name).replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return item.label_zh || item.label_en || item.name;
}

function fieldValue(value) {
  if (value === null || value === undefined || value === "") return t("common.none");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

async function openedPackage(reference) {
  const record = await vault.packageRecordOf(reference);
  if (!record) return { record: null, content: null };
  try {
    return { record, content: await vault.openPackage(record) };
  } catch {
    return { record, content: null };
  }
}

function subjectSection(task, record, content) {
  if (!content) {
    const why = LIVE.has(task.status) ? t("task.no_package") : t("task.purged");
    return h(
      "section",
      { class: "card subject" },
      h("h2", {}, t("task.subject")),
      message(why, "notice"),
    );
  }
  const rows = content.fields.map((item) => {
    const maskKey = `task.mask.${item.mask}`;
    const maskText = item.mask && item.mask !== "full" && has(maskKey) ? t(maskKey) : "";
    return [
      h("dt", {}, fieldLabel(item)),
      h(
        "dd",
        { "data-field": item.name },
        h("span", { class: "value" }, fieldValue(item.value)),
        maskText ? h("span", { class: "mask" }, maskText) : null,
      ),
    ];
  });
  const expires = Date.parse(record.expires_at);
  return h(
    "section",
    { class: "card subject" },
    h("h2", {}, t("task.subject")),
    h("dl", { class: "fields" }, ...rows.flat()),
    h("p", { class: "meta" }, t("task.expires", { time: formatTime(expires) })),
  );
}

export async function taskScreen(app, reference) {
  const task = await db.get("tasks", reference);
  const back = h("a", { class: "button secondary", href: "#/tasks" }, t("common.back"));
  if (!task) {
    // Its forms may still wait to be sent, or need the worker's decision.
    const gone = { reference, status: "gone" };
    return {
      body: h(
        "section",
        { class: "screen task" },
        h("a", { class: "back", href: "#/tasks" }, `‹ ${t("common.back")}`),
        h("h1", {}, t("task.title", { reference })),
        message(t("task.gone"), "notice"),
        await formsSection(app, gone, null),
      ),
      actions: [back],
      tab: "tasks",
    };
  }
  const day = today();
  const draft = app.drafts.get(reference);
  const { record, content } = await openedPackage(reference);
  const formDrafts = await outbox.draftsOf(reference);
  const status = h("div", { class: "status-slot" });
  const actions = [];
  let form = null;
  if (task.status === "assigned") {
    const start = button(t("task.start"), { class: "primary", id: "start" });
    start.addEventListener("click", async () => {
      try {
        await busy(start, () => app.step(reference, "start"));
      } catch (error) {
        status.replaceChildren(message(describe(error), "error"));
      }
    });
    actions.push(start);
  } else if (task.status === "in_progress" && !draft) {
    const complete = button(t("task.complete"), { class: "primary", id: "complete" });
    complete.addEventListener("click", () => app.openDraft(reference));
    actions.push(complete);
  } else if (task.status === "in_progress") {
    const text = h("textarea", {
      id: "outcome",
      name: "outcome",
      rows: "3",
      maxlength: "2000",
      "aria-describedby": "outcome-hint",
    });
    text.value = draft.text;
    text.addEventListener("input", () => {
      draft.text = text.value;
    });
    const presets = t("task.outcome_presets").split("|");
    form = h(
      "form",
      { id: "outcome-form", class: "card form", novalidate: true },
      h("label", { for: "outcome" }, t("task.outcome")),
      h(
        "div",
        { class: "chips" },
        ...presets.map((preset) =>
          h(
            "button",
            {
              type: "button",
              class: "chip",
              onclick: () => {
                text.value = text.value ? `${text.value}；${preset}` : preset;
                draft.text = text.value;
                text.focus();
              },
            },
            preset,
          ),
        ),
      ),
      text,
      h("p", { class: "hint", id: "outcome-hint" }, t("task.outcome_hint")),
      formDrafts.length ? message(t("form.complete_drops_draft"), "warn") : null,
    );
    const submit = h(
      "button",
      { type: "submit", form: "outcome-form", class: "primary", id: "submit-outcome" },
      t("task.submit_complete"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const outcome = text.value.trim();
      if (!outcome) {
        status.replaceChildren(message(t("task.outcome_missing"), "error"));
        text.focus();
        return;
      }
      try {
        await busy(submit, () => app.step(reference, "complete", outcome));
      } catch (error) {
        status.replaceChildren(message(describe(error), "error"));
      }
    });
    const cancel = button(t("common.cancel"), {
      class: "secondary",
      onclick: () => app.closeDraft(reference),
    });
    actions.push(submit, cancel);
  }
  // The way back is at the top (and in the tabs); the bar keeps the one step to take, or the
  // way back when there is none.
  if (!actions.length) actions.push(back);
  const late = overdueDays(task, day);
  return {
    body: h(
      "section",
      { class: "screen task" },
      h("a", { class: "back", href: "#/tasks" }, `‹ ${t("common.back")}`),
      h("h1", {}, scenarioName(task)),
      h("p", { class: "meta" }, t("task.title", { reference: task.reference })),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("task.status")),
        h(
          "dd",
          {},
          statusBadge(task.status),
          task.pending ? h("span", { class: "pending" }, t("tasks.pending")) : null,
        ),
        h("dt", {}, t("task.due")),
        h(
          "dd",
          {},
          formatDate(task.due_on),
          late > 0 ? overdueBadge(late) : null,
        ),
        h("dt", {}, t("task.grid")),
        h("dd", {}, gridLabel(task)),
      ),
      task.outcome
        ? h("p", { class: "outcome" }, t("task.done_outcome", { outcome: task.outcome }))
        : null,
      form,
      status,
      await formsSection(app, task, content),
      subjectSection(task, record, content),
    ),
    actions,
    tab: "tasks",
  };
}

// ---- settings -----------------------------------------------------------------------------

export async function settingsScreen(app) {
  const [device, keys, lastCheckIn, counts, policy, signedIn] = await Promise.all([
    db.getState("device"),
    dpop.deviceKeys(),
    db.getState("last_check_in_at", 0),
    db.counts(),
    app.policy(),
    api.hasSession(),
  ]);
  const print = keys ? (await dpop.thumbprint(await dpop.publicJwk(keys))).slice(0, 16) : "—";
  const user = await db.getState("user");
  const who = user ? [user.display_name, user.username && `(${user.username})`] : [];
  const rows = [
    [t("settings.device_id"), device?.device_id || t("common.none")],
    [t("settings.thumbprint"), print],
    [t("settings.user"), who.filter(Boolean).join(" ") || t("common.none")],
    [t("settings.last_check_in"), formatTime(lastCheckIn)],
    [t("settings.packages"), String(counts.packages)],
    [
      t("settings.policy"),
      t("settings.policy_text", {
        idle: policy.idle_lock_minutes,
        grace: policy.offline_grace_hours,
      }),
    ],
    [t("settings.version"), app.version],
  ];
  const wipeArea = h("div", { class: "danger-zone" });
  const wipe = button(t("settings.wipe"), { class: "danger", id: "wipe" });
  wipe.addEventListener("click", () => {
    const confirm = button(t("common.confirm"), { class: "danger", id: "wipe-confirm" });
    confirm.addEventListener("click", () => busy(confirm, () => app.wipe()));
    wipeArea.replaceChildren(
      message(t("settings.wipe_confirm"), "error"),
      h(
        "div",
        { class: "row" },
        button(t("common.cancel"), {
          class: "secondary",
          onclick: () => app.render({ force: true }),
        }),
        confirm,
      ),
    );
  });
  wipeArea.append(wipe);
  const actions = [];
  if (await pin.isSet()) {
    actions.push(
      button(t("settings.lock_now"), {
        class: "primary",
        id: "lock-now",
        onclick: () => app.lockNow(),
      }),
    );
  }
  if (!signedIn || app.needsSignIn) {
    actions.push(
      button(t("settings.sign_in"), { class: "secondary", onclick: () => app.askSignIn() }),
    );
  }
  return {
    body: h(
      "section",
      { class: "screen" },
      h("h1", {}, t("settings.title")),
      h(
        "section",
        { class: "card" },
        h("h2", {}, t("settings.device")),
        h(
          "dl",
          { class: "stacked" },
          ...rows.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]),
        ),
      ),
      wipeArea,
    ),
    actions,
    tab: "settings",
  };
}
