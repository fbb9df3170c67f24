// The settings screen: the device, its keys and policy, what it holds, language and sign-out.

import * as api from "../api.js";
import * as db from "../db.js";
import * as dpop from "../dpop.js";
import { formatTime, t } from "../i18n.js";
import * as pin from "../pin.js";
import { busy, button, h, message } from "../ui.js";

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
