// The two questions that are more than a box: a location (the phone's position, or typed in
// by hand when there is no fix indoors) and a photo (the camera, made small by photos.js).
// Each answers {element, inputs, focus} for the renderer and writes into the draft's raw
// answers: {latitude, longitude, accuracy} and {attachment, content_type}.

import { t } from "../i18n.js";
import { button, h } from "../ui.js";

const POSITION = { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 };

function degrees(value) {
  const number = typeof value === "number" ? value : Number(value);
  return Number.isFinite(number) ? number.toFixed(6) : String(value ?? "");
}

/** A location: a large "record the location" button, its reading, and a manual fallback. */
export function geopointControl({ slot, name, id, readOnly, described, changed }) {
  const reading = h("p", { class: "geo-value", id: `${id}-value`, "aria-live": "polite" });
  const latitude = h("input", {
    id: `${id}-latitude`,
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    readonly: readOnly,
  });
  const longitude = h("input", {
    id: `${id}-longitude`,
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    readonly: readOnly,
  });
  const manual = h(
    "div",
    { class: "geo-manual", hidden: true },
    h("label", { for: latitude.id }, t("form.geo.latitude")),
    latitude,
    h("label", { for: longitude.id }, t("form.geo.longitude")),
    longitude,
  );
  const show = () => {
    const value = slot[name];
    const has = value && `${value.latitude ?? ""}${value.longitude ?? ""}` !== "";
    if (!has) {
      reading.textContent = t("form.geo.none");
      return;
    }
    const where = t("form.geo.value", {
      latitude: degrees(value.latitude),
      longitude: degrees(value.longitude),
    });
    const metres = Number(value.accuracy);
    const accuracy =
      value.accuracy != null && Number.isFinite(metres)
        ? ` · ${t("form.geo.accuracy", { metres: Math.round(metres) })}`
        : "";
    reading.textContent = where + accuracy;
  };
  const locate = button(t("form.geo.locate"), {
    class: "secondary locate",
    id,
    disabled: readOnly,
    "aria-describedby": `${id}-value ${described}`,
  });
  locate.addEventListener("click", () => {
    if (!navigator.geolocation) {
      reading.textContent = t("form.geo.failed", { detail: t("form.geo.unsupported") });
      return;
    }
    reading.textContent = t("form.geo.locating");
    locate.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        locate.disabled = false;
        const { latitude: lat, longitude: lon, accuracy } = position.coords;
        slot[name] = {
          latitude: lat,
          longitude: lon,
          accuracy: Number.isFinite(accuracy) ? Math.round(accuracy * 10) / 10 : null,
        };
        latitude.value = degrees(lat);
        longitude.value = degrees(lon);
        show();
        changed({ touched: true });
      },
      (error) => {
        locate.disabled = false;
        const detail = error.code === 1 ? t("form.geo.denied") : t("form.geo.no_fix");
        reading.textContent = t("form.geo.failed", { detail });
        manual.hidden = readOnly;
      },
      POSITION,
    );
  });
  const typed = () => {
    const accuracy = null; // typed by hand: no accuracy to report
    slot[name] = { latitude: latitude.value, longitude: longitude.value, accuracy };
    show();
    changed();
  };
  for (const input of [latitude, longitude]) {
    input.addEventListener("input", typed);
    input.addEventListener("change", () => changed({ touched: true }));
  }
  const value = slot[name];
  if (value) {
    latitude.value = degrees(value.latitude);
    longitude.value = degrees(value.longitude);
  }
  const toggle = button(t("form.geo.manual"), { class: "link", hidden: readOnly });
  toggle.addEventListener("click", () => {
    manual.hidden = !manual.hidden;
    if (!manual.hidden) latitude.focus();
  });
  show();
  const element = h("div", { class: "geo" }, locate, reading, toggle, manual);
  return { element, inputs: [locate, latitude, longitude], focus: () => locate };
}

/**
 * A photo: the camera (capture=environment: the back camera, straight away), the picture
 * shown small, taken again or removed. `context.processPhoto(file)` makes it small and names
 * it ({attachment, content_type, url}); `context.photoUrl(sha256)` shows a kept one.
 */
export function photoControl(context, { slot, name, id, readOnly, described, changed }) {
  const input = h("input", {
    type: "file",
    accept: "image/*",
    capture: "environment",
    id,
    class: "visually-hidden",
    disabled: readOnly,
    "aria-describedby": described,
  });
  const take = h("label", { for: id, class: "button secondary take" }, t("form.photo.take"));
  const preview = h("img", { class: "photo-preview", alt: t("form.photo.alt"), hidden: true });
  const status = h("p", { class: "hint", "aria-live": "polite" });
  const remove = button(t("form.photo.remove"), { class: "link danger-link", hidden: true });
  const show = async () => {
    const value = slot[name];
    const has = Boolean(value?.attachment);
    remove.hidden = !has || readOnly;
    take.hidden = readOnly;
    take.textContent = has ? t("form.photo.again") : t("form.photo.take");
    if (!has) {
      preview.hidden = true;
      preview.removeAttribute("src");
      return;
    }
    const url = await context.photoUrl(value.attachment);
    if (url && slot[name]?.attachment === value.attachment) {
      preview.src = url;
      preview.hidden = false;
    }
  };
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    status.textContent = t("form.photo.working");
    try {
      const taken = await context.processPhoto(file);
      slot[name] = { attachment: taken.attachment, content_type: taken.content_type };
      status.textContent = "";
      preview.src = taken.url;
      preview.hidden = false;
      changed({ touched: true, photo: taken });
      show();
    } catch (error) {
      status.textContent = t("form.photo.failed", { detail: error?.message || String(error) });
    }
  });
  remove.addEventListener("click", () => {
    slot[name] = null;
    show();
    changed({ touched: true });
  });
  show();
  const buttons = h("div", { class: "row" }, take, remove);
  const element = h("div", { class: "photo" }, preview, buttons, status, input);
  return { element, inputs: [input], focus: () => input };
}
