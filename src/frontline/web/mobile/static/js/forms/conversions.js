// XPath's three conversions — string(), number(), boolean() — as the forms use them.
//
// A value in an expression is text, a number (an IEEE double) or a boolean; dates are text in
// ISO form. The rules are docs/forms.md "Values and conversions", the same as the server's
// (frontline.forms.conversions), to the letter:
//   number → text: String(n) (−0 is "0");
//   text → number: XPath spaces at the ends dropped, then -?digits[.digits] or -?.digits, or a
//   real day YYYY-MM-DD as its count of days since 1970-01-01; anything else is NaN;
//   boolean → 1 or 0, "true" or "false"; text is true when not empty, a number when neither
//   0 nor NaN.

export const XPATH_SPACE = " \t\r\n";
const NUMBER = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const DAY_MS = 86_400_000;

/** `text` without XPath's spaces (space, tab, CR, LF) at either end — no other spaces. */
export function strip(text) {
  let start = 0;
  let end = text.length;
  while (start < end && XPATH_SPACE.includes(text[start])) start += 1;
  while (end > start && XPATH_SPACE.includes(text[end - 1])) end -= 1;
  return text.slice(start, end);
}

/** A number as text, as JavaScript's String(n) writes it (the server writes it the same). */
export function numberText(number) {
  return String(number);
}

/** string(value). */
export function toText(value) {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return numberText(value);
  return value;
}

/** number(value): NaN for text that is neither a plain number nor a real ISO day. */
export function toNumber(value) {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  const text = strip(value);
  if (NUMBER.test(text)) return Number(text);
  const days = dayNumber(text);
  return days === null ? NaN : days;
}

/** boolean(value). */
export function toBoolean(value) {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return !(value === 0 || Number.isNaN(value));
  return value !== "";
}

/** The days since 1970-01-01 of a real day written `YYYY-MM-DD` (years 1–9999), or null. */
export function dayNumber(text) {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const moment = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  moment.setUTCFullYear(year, month - 1, day);
  if (moment.getUTCDate() !== day || moment.getUTCMonth() !== month - 1) return null;
  return Math.round(moment.getTime() / DAY_MS);
}

/** Whether `text` is a real day written `YYYY-MM-DD`. */
export function isDate(text) {
  return typeof text === "string" && dayNumber(text) !== null;
}

/** The ISO day `days` after 1970-01-01 (rounded down), or '' outside the years 1–9999. */
export function dateFromDays(days) {
  if (!Number.isFinite(days)) return "";
  const whole = Math.floor(days);
  if (Math.abs(whole) > 100_000_000) return ""; // past any Date
  const moment = new Date(whole * DAY_MS);
  const year = moment.getUTCFullYear();
  if (year < 1 || year > 9999) return "";
  const pad = (n, size) => String(n).padStart(size, "0");
  return `${pad(year, 4)}-${pad(moment.getUTCMonth() + 1, 2)}-${pad(moment.getUTCDate(), 2)}`;
}
