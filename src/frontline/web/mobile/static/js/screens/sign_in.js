// The enrolment and sign-in screens: the device is bound to its worker with a one-time code, then
// the worker signs in with the password on it.

import * as db from "../db.js";
import { t } from "../i18n.js";
import * as pin from "../pin.js";
import { busy, button, describe, field, h, message } from "../ui.js";

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
