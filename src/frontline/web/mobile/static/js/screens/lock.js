// The PIN screens: setting the app's PIN after signing in, and the lock screen it opens.

import { t } from "../i18n.js";
import * as pin from "../pin.js";
import { button, h, message } from "../ui.js";

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
