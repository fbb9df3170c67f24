// The form screen (#/task/T00000042/form/elderly_visit_record): a task's form, filled in
// offline. The form comes with the task's package; a form sent back by the server (422) or
// refused reopens from the outbox, with the server's messages next to the questions.
//
// What the worker enters is a draft, sealed in IndexedDB a moment after each change and when
// the screen is left: leaving and coming back loses nothing. Submitting checks the whole form
// (a summary at the top links to each question to correct); a form without errors goes to the
// outbox with a fresh client_id, the draft with it, and the app returns to the task.

import * as clock from "../clock.js";
import * as db from "../db.js";
import { language, t } from "../i18n.js";
import { button, h, message } from "../ui.js";
import * as vault from "../vault.js";
import { blankAnswers, evaluateForm } from "./answers.js";
import { indexForm, labelText } from "./definition.js";
import * as outbox from "./outbox.js";
import { dataUrl, takePhoto } from "./photos.js";
import { renderForm } from "./renderer.js";

const SAVE_AFTER_MS = 400;

/** Today on this phone, "YYYY-MM-DD" (the app's clock: never earlier than a time seen). */
export function today() {
  const now = new Date(clock.now());
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** `ms` as ISO 8601 with this phone's offset: 2026-11-30T09:41:07+08:00. */
export function isoWithOffset(ms) {
  const moment = new Date(ms);
  const offset = -moment.getTimezoneOffset();
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** The route of a task's form. */
export function formRoute(reference, formId) {
  return `#/task/${encodeURIComponent(reference)}/form/${encodeURIComponent(formId)}`;
}

/** The decrypted content of a task's package, or null. */
export async function packageContent(reference) {
  const record = await vault.packageRecordOf(reference);
  if (!record) return null;
  try {
    return await vault.openPackage(record);
  } catch {
    return null;
  }
}

/** The subject's values a form may pre-fill: only those the package holds unmasked. */
export function goldenValues(content) {
  const values = {};
  for (const field of content?.fields || []) {
    if (field.mask === "full" && field.value !== null && field.value !== undefined) {
      values[field.name] = field.value;
    }
  }
  return values;
}

/** The server's per-field errors as path → message. */
function serverErrors(errors) {
  const found = new Map();
  for (const error of errors || []) {
    const text = (language() === "en" && error.message_en) || error.message || error.message_zh;
    if (error.path !== undefined && text && !found.has(error.path)) found.set(error.path, text);
  }
  return found;
}

function photoPaths(answers, found = []) {
  for (const value of Object.values(answers)) {
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item === "object") photoPaths(item, found);
    } else if (value && typeof value === "object" && typeof value.attachment === "string") {
      found.push({ sha256: value.attachment, content_type: value.content_type });
    }
  }
  return found;
}

function taskRoute(reference) {
  return `#/task/${encodeURIComponent(reference)}`;
}

function unavailable(reference) {
  const back = h("a", { class: "button secondary", href: taskRoute(reference) }, t("form.back"));
  return {
    body: h(
      "section",
      { class: "screen" },
      h("h1", {}, t("form.title")),
      message(t("form.unavailable"), "notice"),
    ),
    actions: [back],
    tab: "tasks",
  };
}

/** Where a form is opened from: the package's definition, or the outbox's record it corrects. */
async function sources(reference, formId) {
  const content = await packageContent(reference);
  const kept = (await outbox.list(reference)).find(
    (record) => record.form_id === formId && record.state !== "pending",
  );
  let opened = null;
  if (kept) {
    try {
      opened = await outbox.open(kept);
    } catch {
      opened = null;
    }
  }
  // A newer version of the form in the package wins (the server may have refused the old one).
  const definition =
    (content?.forms || []).find((item) => item.form_id === formId) || opened?.definition || null;
  return { content, kept: opened ? kept : null, opened, definition };
}

/** The form screen of `formId` for task `reference`. */
export async function formScreen(app, reference, formId) {
  const key = outbox.draftId(reference, formId);
  const { content, kept, opened, definition } = await sources(reference, formId);
  if (!definition) return unavailable(reference);
  const form = indexForm(definition);
  const day = today();
  let draft = app.formDrafts.get(key) || (await outbox.loadDraft(reference, formId));
  if (!draft && opened) {
    draft = {
      task_ref: reference,
      form_id: formId,
      raw: structuredClone(opened.raw),
      prefilled: opened.prefilled || {},
      replaces: kept.client_id,
      touched: [],
      started_at: clock.now(),
    };
  }
  if (!draft) {
    const { raw, prefilled } = blankAnswers(form, goldenValues(content), day);
    draft = { task_ref: reference, form_id: formId, raw, prefilled, replaces: null, touched: [] };
    draft.started_at = clock.now();
  }
  app.formDrafts.set(key, draft);
  const lang = language();
  const correcting = Boolean(draft.replaces && kept?.client_id === draft.replaces);
  const view = {
    touched: new Set(draft.touched || []),
    showAll: Boolean(draft.show_all),
    server: correcting ? serverErrors(opened.errors) : new Map(),
  };
  let closed = false;
  let dirty = false;
  let timer = null;
  let saving = Promise.resolve();
  const save = (photos = []) => {
    clearTimeout(timer);
    timer = null;
    if (closed) return saving;
    dirty = false;
    draft.touched = [...view.touched];
    saving = saving
      .then(() => outbox.saveDraft(draft, photos))
      .catch((error) => console.warn("draft not saved", error?.name));
    return saving;
  };
  const summary = h("div", { class: "summary", id: "form-summary", tabindex: "-1", hidden: true });
  let serverNote = null;
  if (correcting) {
    const text = view.server.size ? t("form.server_summary") : opened.message;
    serverNote = text ? message(text, "warn") : null;
  }
  let state = evaluateForm(form, draft.raw, day);
  const renderer = renderForm({
    form,
    draft,
    lang,
    today: day,
    readOnly: false,
    processPhoto: async (file) => {
      const taken = await takePhoto(file);
      return { ...taken, attachment: taken.sha256, url: dataUrl(taken.bytes, taken.content_type) };
    },
    photoUrl: async (sha256) => {
      const found = await outbox.photo(sha256);
      return found ? dataUrl(found.bytes, found.content_type) : null;
    },
    changed: (path, extra = {}) => {
      if (extra.structure) {
        for (const name of [...view.touched]) {
          if (name.startsWith(`${path}[`)) view.touched.delete(name);
        }
      }
      if (extra.touched) view.touched.add(path);
      view.server.delete(path); // the worker has seen it and acted on it
      state = evaluateForm(form, draft.raw, day);
      renderer.update(state, view);
      if (!summary.hidden) drawSummary();
      dirty = true;
      if (extra.photo) {
        const { sha256, content_type: type, bytes } = extra.photo;
        save([{ sha256, content_type: type, bytes }]); // at once: the photo and its user together
      } else {
        clearTimeout(timer);
        timer = setTimeout(save, SAVE_AFTER_MS);
      }
    },
  });
  const drawSummary = () => {
    const local = view.showAll ? state.errors : [];
    const paths = new Set(local.map((error) => error.path));
    const items = local.map((error) => ({
      path: error.path,
      text: `${error.place[lang] || error.place.zh}：${error[lang] || error.zh}`,
    }));
    for (const [path, text] of view.server) if (!paths.has(path)) items.push({ path, text });
    summary.hidden = !items.length;
    if (!items.length) return;
    summary.replaceChildren(
      h("p", { class: "summary-title" }, t("form.summary", { count: items.length })),
      h(
        "ul",
        {},
        ...items.map((item) =>
          h(
            "li",
            {},
            button(item.text, {
              class: "link",
              "data-path": item.path,
              onclick: () => renderer.focus(item.path),
            }),
          ),
        ),
      ),
    );
  };
  renderer.update(state, view);
  drawSummary();

  const submit = button(t("form.submit"), { class: "primary", id: "form-submit" });
  submit.addEventListener("click", async () => {
    state = evaluateForm(form, draft.raw, day);
    view.showAll = true;
    draft.show_all = true;
    renderer.update(state, view);
    drawSummary();
    if (state.errors.length || view.server.size) {
      summary.scrollIntoView({ block: "start" });
      summary.focus({ preventScroll: true });
      return;
    }
    submit.disabled = true;
    clearTimeout(timer);
    closed = true;
    await saving;
    const body = {
      client_id: crypto.randomUUID(),
      task: reference,
      form_id: form.id,
      form_version: form.version,
      answers: state.answers,
      attachments: photoPaths(state.answers),
      completed_at: isoWithOffset(clock.now()),
    };
    const reopen = {
      raw: draft.raw,
      prefilled: draft.prefilled,
      definition,
      title: definition.title,
    };
    try {
      await outbox.queue(body, reopen, draft.replaces || null);
    } catch (error) {
      closed = false;
      submit.disabled = false;
      summary.hidden = false;
      summary.replaceChildren(message(t("error.unexpected", { detail: error.message }), "error"));
      return;
    }
    app.formDrafts.delete(key);
    await app.formQueued(reference);
  });

  const discardZone = h("div", { class: "danger-zone" });
  const discard = button(t("form.discard_draft"), {
    class: "link danger-link",
    id: "form-discard",
  });
  discard.addEventListener("click", () => {
    const confirm = button(t("common.confirm"), { class: "danger", id: "form-discard-confirm" });
    confirm.addEventListener("click", async () => {
      closed = true;
      clearTimeout(timer);
      await saving;
      await outbox.discardDraft(reference, formId);
      app.formDrafts.delete(key);
      location.hash = taskRoute(reference);
    });
    discardZone.replaceChildren(
      message(t("form.discard_draft_confirm"), "error"),
      h(
        "div",
        { class: "row" },
        button(t("common.cancel"), {
          class: "secondary",
          onclick: () => discardZone.replaceChildren(discard),
        }),
        confirm,
      ),
    );
  });
  discardZone.append(discard);

  const flush = () => {
    if (document.visibilityState === "hidden" && dirty) save();
  };
  document.addEventListener("visibilitychange", flush);
  return {
    body: h(
      "section",
      { class: "screen form-screen", "data-form": form.id },
      h("a", { class: "back", href: taskRoute(reference) }, `‹ ${t("form.back")}`),
      h("h1", {}, labelText(definition.title, lang)),
      h("p", { class: "meta" }, t("task.title", { reference }), " · ", t("form.saved_note")),
      serverNote,
      summary,
      renderer.element,
      discardZone,
    ),
    actions: [submit],
    tab: null,
    cleanup: () => {
      document.removeEventListener("visibilitychange", flush);
      if (dirty && !closed) save();
      closed = true;
    },
  };
}
