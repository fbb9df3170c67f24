// Small DOM helpers. Text always goes in as text nodes: nothing from the server or the store
// is ever parsed as HTML.

import { t } from "./i18n.js";

/** An element: `h("button", {class: "primary", onclick: go}, "Start")`. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "value") element.value = value;
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else if (child instanceof Node) element.appendChild(child);
    else element.appendChild(document.createTextNode(String(child)));
  }
}

/** A button that submits nothing: `button(label, {class: "primary", onclick})`. */
export function button(label, props = {}) {
  return h("button", { type: "button", ...props }, label);
}

/** A labelled input: the label above, a hint below. */
export function field({ id, label, hint = null, ...input }) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("input", { id, name: id, ...input }),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
  );
}

/** A message box: kind "error", "warn", "notice" or "success". */
export function message(text, kind = "notice") {
  if (!text) return null;
  const role = kind === "error" || kind === "warn" ? "alert" : "status";
  return h("p", { class: `message ${kind}`, role }, text);
}

/** The text of an error for the reader. */
export function describe(error) {
  if (error?.name === "OfflineError") return t("error.network");
  if (error?.name === "ApiError") return error.message;
  return t("error.unexpected", { detail: error?.message || String(error) });
}

/** Disable `button` while `work()` runs; resolves with its result. */
export async function busy(button, work) {
  const label = button ? button.textContent : "";
  if (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t("common.working");
  }
  try {
    return await work();
  } finally {
    if (button?.isConnected) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = label;
    }
  }
}
