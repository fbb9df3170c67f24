// The task list: by grid, soonest due first, the overdue marked; and the small pieces the task
// screen shares with it.

import * as clock from "../clock.js";
import * as db from "../db.js";
import * as outbox from "../forms/outbox.js";
import { formsMarker } from "../forms/taskforms.js";
import { formatDate, formatTime, has, language, parseDate, t } from "../i18n.js";
import { busy, button, h } from "../ui.js";

export const LIVE = new Set(["open", "assigned", "in_progress"]);
const DAY_MS = 86_400_000;

export function today() {
  const now = new Date(clock.now());
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** Days a live task is overdue (0: due today or later, or not live). */
export function overdueDays(task, day = today()) {
  const due = parseDate(task.due_on);
  if (!due || !LIVE.has(task.status)) return 0;
  return Math.max(0, Math.round((day - due) / DAY_MS));
}

export function scenarioName(task) {
  const english = language() === "en" && task.scenario_name_en;
  return english || task.scenario_name || task.scenario || "";
}

export function gridLabel(task) {
  return task.grid_name || task.grid || t("common.none");
}

export function statusBadge(status) {
  const key = `status.${status}`;
  return h("span", { class: `badge status-${status}` }, has(key) ? t(key) : status);
}

export function overdueBadge(days) {
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
