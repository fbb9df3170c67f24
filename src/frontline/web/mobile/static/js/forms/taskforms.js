// A task's forms, on the task's screen: a button per form of its package ("填写走访记录"), and
// where each stands — a draft kept, finished and waiting to sync ("待同步"), sent back for
// correction ("需要修改"), refused with the server's message, or accepted by the server.

import { formatTime, language, t } from "../i18n.js";
import { button, h } from "../ui.js";
import { labelText } from "./definition.js";
import * as outbox from "./outbox.js";
import { formRoute } from "./screen.js";

const LIVE = new Set(["assigned", "in_progress"]);

async function titleOf(record) {
  try {
    return (await outbox.open(record)).title;
  } catch {
    return null;
  }
}

async function detailOf(record) {
  try {
    return (await outbox.open(record)).message;
  } catch {
    return null;
  }
}

/** Two taps delete a refused submission (the worker's own decision, never a silent drop). */
function discardButton(app, record) {
  const remove = button(t("form.discard_refused"), { class: "link danger-link" });
  let armed = false;
  remove.addEventListener("click", () => {
    if (armed) {
      app.discardSubmission(record.client_id);
      return;
    }
    armed = true;
    remove.textContent = t("form.discard_refused_confirm");
  });
  return remove;
}

async function entry(app, task, formId, { definition, records, draft, sent }) {
  const lang = language();
  const title =
    labelText(definition?.title, lang) ||
    labelText(await (records[0] ? titleOf(records[0]) : null), lang) ||
    formId;
  const lines = [];
  const actions = [];
  const back = records.find((record) => record.state !== "pending");
  for (const record of records) {
    const state = record.state;
    const badge = h("span", { class: `badge form-${state}` }, t(`form.state.${state}`));
    let detail = t("form.state.pending_detail");
    if (state === "correction") detail = t("form.state.correction_detail");
    if (state === "refused") detail = (await detailOf(record)) || "";
    const where = { class: "form-state", "data-client": record.client_id };
    lines.push(h("p", where, badge, " ", detail));
  }
  if (draft && !back) {
    const badge = h("span", { class: "badge form-draft" }, t("form.state.draft"));
    lines.push(h("p", { class: "form-state" }, badge, " ", formatTime(draft.updated_at)));
  }
  if (sent.length) {
    const latest = sent.map((item) => Date.parse(item.received_at) || 0).sort().at(-1);
    const badge = h("span", { class: "badge form-sent" }, t("form.state.sent"));
    lines.push(h("p", { class: "form-state" }, badge, " ", formatTime(latest)));
  }
  const href = formRoute(task.reference, formId);
  if (back) {
    actions.push(h("a", { class: "button primary", href, "data-form": formId }, t("form.correct")));
    if (back.state === "refused") actions.push(discardButton(app, back));
  } else if (definition && LIVE.has(task.status)) {
    const started = Boolean(draft);
    const again = records.length || sent.length;
    const label = started ? "form.continue" : again ? "form.again" : "form.fill";
    const kind = again && !started ? "secondary" : "primary";
    const text = t(label, { title });
    actions.push(h("a", { class: `button ${kind}`, href, "data-form": formId }, text));
  }
  return h(
    "div",
    { class: "form-entry", "data-form-id": formId },
    h("h3", {}, title),
    ...lines,
    ...actions,
  );
}

/** The forms section of a task's screen (null when the task has none). `content` is the
 * task's opened package, or null when it is not on the phone. */
export async function formsSection(app, task, content) {
  const reference = task.reference;
  const [records, drafts, sent] = await Promise.all([
    outbox.list(reference),
    outbox.draftsOf(reference),
    outbox.sentOf(reference),
  ]);
  const definitions = content?.forms || [];
  const ids = [
    ...new Set([
      ...definitions.map((item) => item.form_id),
      ...records.map((item) => item.form_id),
      ...sent.map((item) => item.form_id),
    ]),
  ];
  if (!ids.length) return null;
  const entries = [];
  for (const formId of ids) {
    entries.push(
      await entry(app, task, formId, {
        definition: definitions.find((item) => item.form_id === formId) || null,
        records: records.filter((item) => item.form_id === formId),
        draft: drafts.find((item) => item.form_id === formId) || null,
        sent: sent.filter((item) => item.form_id === formId),
      }),
    );
  }
  return h(
    "section",
    { class: "card forms", id: "task-forms" },
    h("h2", {}, t("form.section")),
    ...entries,
  );
}

/** What the task list shows of a task's forms: "pending", "correction", "refused" or null. */
export function formsMarker(records) {
  for (const state of ["correction", "refused", "pending"]) {
    if (records.some((record) => record.state === state)) return state;
  }
  return null;
}
