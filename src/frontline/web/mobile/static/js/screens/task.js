// One task: its subject's fields as the package holds them (masked ones stay masked), its
// steps and its forms.

import * as db from "../db.js";
import * as outbox from "../forms/outbox.js";
import { formsSection } from "../forms/taskforms.js";
import { formatDate, formatTime, has, language, t } from "../i18n.js";
import { busy, button, describe, field, h, message } from "../ui.js";
import * as vault from "../vault.js";
import {
  gridLabel,
  LIVE,
  overdueBadge,
  overdueDays,
  scenarioName,
  statusBadge,
  today,
} from "./tasks.js";

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
