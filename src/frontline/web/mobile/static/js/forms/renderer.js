// A form on screen: one block per question, group, repeat and repeat instance, built once
// from the definition and the draft, then updated in place as the worker types (relevance,
// required marks, errors, the pre-filled notes) — the inputs are never rebuilt under the
// worker's fingers. Only adding or removing a repeat instance rebuilds that repeat's list.
//
// Every block has the id `q-<path>` and its input `in-<path>` (paths as the server names them:
// `phone`, `household[0].member_name`). Values go into the draft's raw answers as typed; the
// controller (forms/screen.js) evaluates and calls `update`.

import { t } from "../i18n.js";
import { button, h } from "../ui.js";
import { MAX_REPEATS, MAX_TEXT, newInstance } from "./answers.js";
import { appearances, choicesOf, labelText, pathOf } from "./definition.js";
import { geopointControl, photoControl } from "./fields.js";

/**
 * The form's blocks. `options`: {form, draft ({raw, prefilled}), lang, today, readOnly,
 * changed(path, {touched, photo, structure}), processPhoto(file), photoUrl(sha256)}.
 * Answers {element, update(state, view), focus(path)}; `view` is {touched: Set, showAll,
 * server: Map path → message}.
 */
export function renderForm(options) {
  const blocks = new Map();
  const context = { ...options, blocks };
  const element = h("div", { class: "form-body" });
  for (const node of options.form.document.children) {
    const block = nodeBlock(context, node, options.draft.raw, null);
    if (block) element.append(block);
  }
  const update = (state, view) => draw(context, state, view);
  return { element, update, focus: (path) => focusPath(blocks, path) };
}

function nodeBlock(context, node, slot, instance) {
  if (node.kind === "group") return groupBlock(context, node, slot, instance);
  if (node.kind === "repeat") return repeatBlock(context, node, slot);
  if (node.type === "calculate") return null; // computed, never shown
  return questionBlock(context, node, slot, instance);
}

function groupBlock(context, group, slot, instance) {
  const path = pathOf(group.name, instance);
  const label = labelText(group.label, context.lang);
  const element = h(
    "section",
    { class: "group", id: `q-${path}`, "data-path": path },
    label ? h("h2", {}, label) : null,
    ...group.children.map((child) => nodeBlock(context, child, slot, instance)),
  );
  context.blocks.set(path, { kind: "group", element });
  return element;
}

// ---- questions ----------------------------------------------------------------------------

function questionBlock(context, question, slot, instance) {
  const path = pathOf(question.name, instance);
  const id = `in-${path}`;
  const lang = context.lang;
  const label = labelText(question.label, lang);
  const hint = labelText(question.hint, lang);
  const ids = { hint: `hint-${path}`, error: `err-${path}`, bound: `bound-${path}` };
  const described = [hint && ids.hint, question.bind && ids.bound, ids.error].filter(Boolean);
  if (question.type === "note") {
    const element = h(
      "div",
      { class: "q note", id: `q-${path}`, "data-path": path },
      h("p", {}, label),
      hint ? h("p", { class: "hint", id: ids.hint }, hint) : null,
    );
    context.blocks.set(path, { kind: "note", element });
    return element;
  }
  const readOnly = context.readOnly || question.read_only;
  const changed = (extra = {}) => context.changed(path, extra);
  const control = controlOf(context, question, {
    slot,
    name: question.name,
    id,
    path,
    readOnly,
    described: described.join(" "),
    changed,
  });
  const mark = h(
    "span",
    { class: "req" },
    "*",
    h("span", { class: "visually-hidden" }, t("form.required_mark")),
  );
  const heading = [label, mark];
  const grouped = control.grouped; // radios and checkboxes: a fieldset with its legend
  const boundNote = question.bind && !instance ? h("p", { class: "bound", id: ids.bound }) : null;
  const error = h("p", { class: "q-error", id: ids.error, hidden: true });
  const element = h(
    grouped ? "fieldset" : "div",
    {
      class: `q q-${question.type}${readOnly ? " read-only" : ""}`,
      id: `q-${path}`,
      "data-path": path,
    },
    grouped
      ? h("legend", { class: "q-label" }, ...heading)
      : h("label", { class: "q-label", for: id }, ...heading),
    boundNote,
    hint ? h("p", { class: "hint", id: ids.hint }, hint) : null,
    control.element,
    error,
  );
  context.blocks.set(path, {
    kind: "question",
    element,
    question,
    slot,
    mark,
    error,
    bound: boundNote,
    inputs: control.inputs,
    focus: control.focus,
  });
  return element;
}

function controlOf(context, question, field) {
  const type = question.type;
  if (type === "select_one" || type === "select_multiple") {
    return choiceControl(context, question, field);
  }
  if (type === "geopoint") return geopointControl(field);
  if (type === "photo") return photoControl(context, field);
  return inputControl(question, field);
}

function inputControl(question, { slot, name, id, readOnly, described, changed }) {
  const looks = appearances(question);
  const props = {
    id,
    name: id,
    autocomplete: "off",
    readonly: readOnly,
    "aria-describedby": described,
    value: slot[name] ?? "",
  };
  let input;
  if (question.type === "text" && looks.has("multiline")) {
    input = h("textarea", { ...props, rows: "3", maxlength: String(MAX_TEXT) });
  } else if (question.type === "text") {
    const numeric = looks.has("numbers") ? { inputmode: "numeric" } : {};
    input = h("input", { ...props, type: "text", maxlength: String(MAX_TEXT), ...numeric });
  } else if (question.type === "date") {
    input = h("input", { ...props, type: "date" });
  } else {
    // Text, not type=number: the box keeps what was typed, so "12a" is shown as an error
    // instead of silently becoming nothing.
    const mode = question.type === "integer" ? "numeric" : "decimal";
    input = h("input", { ...props, type: "text", inputmode: mode, enterkeyhint: "next" });
  }
  input.addEventListener("input", () => {
    slot[name] = input.value;
    changed();
  });
  input.addEventListener("change", () => changed({ touched: true }));
  return { element: input, inputs: [input], focus: () => input };
}

function choiceControl(context, question, { slot, name, id, readOnly, described, changed }) {
  const multiple = question.type === "select_multiple";
  const looks = appearances(question);
  const choices = choicesOf(context.form, question);
  const label = (choice) => labelText(choice.label, context.lang);
  if (!multiple && looks.has("minimal")) {
    const select = h(
      "select",
      { id, name: id, disabled: readOnly, "aria-describedby": described },
      h("option", { value: "" }, t("form.choose")),
      ...choices.map((choice) => h("option", { value: choice.name }, label(choice))),
    );
    select.value = slot[name] ?? "";
    select.addEventListener("change", () => {
      slot[name] = select.value;
      changed({ touched: true });
    });
    return { element: select, inputs: [select], focus: () => select };
  }
  const row = ["horizontal", "horizontal-compact", "likert"].some((look) => looks.has(look));
  const inputs = choices.map((choice, index) => {
    const picked = multiple
      ? Array.isArray(slot[name]) && slot[name].includes(choice.name)
      : slot[name] === choice.name;
    return h("input", {
      type: multiple ? "checkbox" : "radio",
      id: index === 0 ? id : `${id}-${index}`,
      name: id,
      value: choice.name,
      checked: picked,
      disabled: readOnly,
      "aria-describedby": described,
    });
  });
  // Clearing an answer is for questions that may stay unanswered.
  const optional = !multiple && !readOnly && question.required !== true;
  const clear = optional ? button(t("form.clear_choice"), { class: "link clear" }) : null;
  const showClear = () => {
    if (clear) clear.hidden = !slot[name];
  };
  const read = () => {
    const checked = inputs.filter((input) => input.checked).map((input) => input.value);
    slot[name] = multiple ? checked : (checked[0] ?? "");
    showClear();
    changed({ touched: true });
  };
  for (const input of inputs) input.addEventListener("change", read);
  clear?.addEventListener("click", () => {
    for (const input of inputs) input.checked = false;
    read();
  });
  showClear();
  const element = h(
    "div",
    { class: `options${row ? " row" : ""}` },
    ...inputs.map((input, index) =>
      h("label", { class: "option" }, input, h("span", {}, label(choices[index]))),
    ),
    clear,
  );
  const focus = () => inputs.find((input) => input.checked) || inputs[0];
  return { element, inputs, grouped: true, focus };
}

// ---- the repeat ---------------------------------------------------------------------------

function repeatBlock(context, repeat, raw) {
  const path = repeat.name;
  if (!Array.isArray(raw[path])) raw[path] = [];
  const fixed = repeat.repeat_count != null;
  const list = h("div", { class: "instances" });
  const count = h("p", { class: "hint" });
  const error = h("p", { class: "q-error", id: `err-${path}`, hidden: true });
  const add = button(`＋ ${t("form.repeat.add")}`, { class: "secondary add", id: `add-${path}` });
  add.hidden = fixed || context.readOnly;
  const rebuild = (focusIndex = null) => {
    for (const key of [...context.blocks.keys()]) {
      if (key.startsWith(`${path}[`)) context.blocks.delete(key);
    }
    const items = raw[path];
    list.replaceChildren(
      ...items.map((item, index) => instanceBlock(context, repeat, item, index, remove)),
    );
    count.textContent = items.length
      ? t("form.repeat.count", { count: items.length })
      : t("form.repeat.empty");
    add.disabled = items.length >= MAX_REPEATS;
    if (focusIndex !== null) {
      const first = list.children[focusIndex]?.querySelector("input, textarea, select");
      first?.focus();
    }
  };
  const remove = (index) => {
    raw[path].splice(index, 1);
    rebuild();
    context.changed(path, { structure: true, touched: true });
  };
  add.addEventListener("click", () => {
    const index = raw[path].length;
    raw[path].push(newInstance(context.form, repeat, raw, context.today, index));
    rebuild(index);
    context.changed(path, { structure: true });
  });
  rebuild();
  const element = h(
    "section",
    { class: "repeat", id: `q-${path}`, "data-path": path },
    h("h2", {}, labelText(repeat.label, context.lang)),
    count,
    list,
    add,
    error,
  );
  context.blocks.set(path, { kind: "repeat", element, error, add });
  return element;
}

function instanceBlock(context, repeat, item, index, remove) {
  const instance = { repeat: repeat.name, index };
  const path = `${repeat.name}[${index}]`;
  let removal = null;
  if (repeat.repeat_count == null && !context.readOnly) {
    removal = button(t("form.repeat.remove"), { class: "link danger-link remove" });
    let armed = null;
    removal.addEventListener("click", () => {
      if (armed) {
        clearTimeout(armed);
        remove(index);
        return;
      }
      // Two taps: a thumb brushing the button does not throw away what was entered.
      removal.textContent = t("form.repeat.remove_confirm");
      armed = setTimeout(() => {
        armed = null;
        removal.textContent = t("form.repeat.remove");
      }, 4000);
    });
  }
  const element = h(
    "div",
    { class: "instance", id: `q-${path}`, "data-path": path },
    h(
      "div",
      { class: "instance-head" },
      h("h3", {}, t("form.repeat.instance", { number: index + 1 })),
      removal,
    ),
    ...repeat.children.map((child) => nodeBlock(context, child, item, instance)),
  );
  context.blocks.set(path, { kind: "instance", element });
  return element;
}

// ---- updates ------------------------------------------------------------------------------

function sameValue(a, b) {
  return String(a ?? "").trim() === String(b ?? "").trim();
}

function draw(context, state, view) {
  const lang = context.lang;
  const firstError = new Map();
  for (const error of state.errors) {
    if (!firstError.has(error.path)) firstError.set(error.path, error);
  }
  const say = (error) => error[lang] || error.zh;
  for (const [path, block] of context.blocks) {
    block.element.hidden = state.shown.get(path) === false;
    if (block.kind === "question") {
      const local = firstError.get(path);
      const mine = local && (view.showAll || view.touched.has(path)) ? say(local) : null;
      const text = mine || view.server.get(path) || null;
      block.error.textContent = text || "";
      block.error.hidden = !text;
      block.element.classList.toggle("has-error", Boolean(text));
      for (const input of block.inputs) input.setAttribute("aria-invalid", text ? "true" : "false");
      block.mark.hidden = !state.required.has(path);
      if (block.bound) drawBound(context, block);
    } else if (block.kind === "repeat") {
      const local = firstError.get(path);
      const text = (local && view.showAll ? say(local) : null) || view.server.get(path);
      block.error.textContent = text || "";
      block.error.hidden = !text;
    }
  }
}

function drawBound(context, block) {
  const name = block.question.name;
  const prefilled = context.draft.prefilled?.[name];
  if (prefilled === undefined) {
    block.bound.hidden = true;
    return;
  }
  block.bound.hidden = false;
  if (sameValue(block.slot[name], prefilled)) {
    block.bound.classList.remove("changed");
    block.bound.replaceChildren(
      h("span", { class: "badge from-records" }, t("form.bound.kept")),
      " ",
      t("form.bound.review"),
    );
  } else {
    block.bound.classList.add("changed");
    block.bound.replaceChildren(
      h("span", { class: "badge changed" }, t("form.bound.changed_badge")),
      " ",
      t("form.bound.changed", { value: prefilled }),
    );
  }
}

function focusPath(blocks, path) {
  const block = blocks.get(path);
  if (!block) return false;
  block.element.scrollIntoView({ block: "center" });
  const target =
    block.focus?.() || block.add || block.element.querySelector("input, textarea, select, button");
  target?.focus({ preventScroll: true });
  return true;
}
