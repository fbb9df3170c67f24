// Answers: what the worker typed (the raw draft), typed and cleaned into a submission's
// answers, with relevance, calculates, required and constraints decided as the server
// decides them (frontline.forms.validation, docs/forms.md "How the expressions decide").
//
// The raw draft keeps inputs as typed — numbers as the text in the box, so that "12a" can be
// shown as a type error — in the answers' shape: a question's name, a repeat's name with a
// list of objects. Typed answers are the submission's: text (trimmed), integer, decimal,
// "YYYY-MM-DD", a choice name, a list of names, {latitude, longitude, accuracy},
// {attachment, content_type}. The submission holds only relevant answers, and the calculates.

import { isDate } from "./conversions.js";
import {
  choicesOf,
  defaultIsExpression,
  expression,
  pathOf,
  place,
} from "./definition.js";
import { context, evaluate, evaluateBoolean } from "./evaluation.js";

export const MAX_TEXT = 2000;
export const MAX_REPEATS = 100;
const MAX_INTEGER = Number.MAX_SAFE_INTEGER;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const DIGEST = /^[0-9a-f]{64}$/;

function problem(code, zh, en) {
  return { code, zh, en };
}

const WRONG = {
  integer: problem("type", "应为整数", "expected a whole number"),
  decimal: problem("type", "应为数字", "expected a number"),
  date: problem("type", "应为日期（如 2026-11-30）", "expected a date such as 2026-11-30"),
  text: problem("type", "不能含控制字符", "text without control characters"),
  size: problem("size", `不能超过 ${MAX_TEXT} 个字`, `at most ${MAX_TEXT} characters`),
  big: problem("range", "数值过大", "the number is too large"),
  choice: problem("choice", "不是可选的选项", "not one of the choices"),
  geopoint: problem("type", "请同时填写纬度和经度（数字）", "enter latitude and longitude as numbers"),
  range: problem(
    "range",
    "位置超出范围（纬度 −90～90，经度 −180～180）",
    "latitude is -90 to 90 and longitude -180 to 180",
  ),
};

/** Full-width digits, point and minus (a Chinese keyboard's) as ASCII; spaces dropped. */
export function plainNumber(text) {
  return String(text)
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, ".")
    .replace(/[－−]/g, "-")
    .replace(/\s+/g, "");
}

function number(raw, pattern) {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : NaN;
  const text = plainNumber(raw ?? "");
  if (text === "") return null;
  return pattern.test(text) ? Number(text) : NaN;
}

/** A raw value typed for its question: {value} (null: no answer) or {value: null, error}. */
export function typeAnswer(form, question, raw) {
  if (raw === undefined || raw === null) return { value: null };
  switch (question.type) {
    case "text": {
      const text = String(raw).trim();
      if (!text) return { value: null };
      if (text.length > MAX_TEXT) return { value: null, error: WRONG.size };
      if (CONTROL.test(text)) return { value: null, error: WRONG.text };
      return { value: text };
    }
    case "integer":
    case "decimal": {
      const found = number(raw, question.type === "integer" ? INTEGER : DECIMAL);
      if (found === null) return { value: null };
      if (Number.isNaN(found)) return { value: null, error: WRONG[question.type] };
      if (Math.abs(found) > MAX_INTEGER) return { value: null, error: WRONG.big };
      return { value: found };
    }
    case "date": {
      const text = String(raw).trim();
      if (!text) return { value: null };
      return isDate(text) ? { value: text } : { value: null, error: WRONG.date };
    }
    case "select_one": {
      if (raw === "") return { value: null };
      const known = choicesOf(form, question).some((choice) => choice.name === raw);
      return known ? { value: String(raw) } : { value: null, error: WRONG.choice };
    }
    case "select_multiple": {
      const names = new Set(choicesOf(form, question).map((choice) => choice.name));
      const picked = (Array.isArray(raw) ? raw : []).filter((name) => names.has(name));
      return { value: picked.length ? [...new Set(picked)] : null };
    }
    case "geopoint":
      return typeGeopoint(raw);
    case "photo": {
      const digest = String(raw.attachment || "");
      if (!DIGEST.test(digest)) return { value: null };
      return { value: { attachment: digest, content_type: String(raw.content_type) } };
    }
    default:
      return { value: null }; // notes and calculates have no answer of the worker's
  }
}

function typeGeopoint(raw) {
  const latitude = number(raw.latitude, DECIMAL);
  const longitude = number(raw.longitude, DECIMAL);
  const accuracy = number(raw.accuracy, DECIMAL);
  if (latitude === null && longitude === null) return { value: null };
  if ([latitude, longitude].some((part) => part === null || Number.isNaN(part))) {
    return { value: null, error: WRONG.geopoint };
  }
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    return { value: null, error: WRONG.range };
  }
  const ok = accuracy !== null && !Number.isNaN(accuracy) && accuracy >= 0;
  return { value: { latitude, longitude, accuracy: ok ? accuracy : null } };
}

// ---- the form as a whole ------------------------------------------------------------------

function expressionContext(form, values, today, extra = {}) {
  return context({ today, values, repeats: form.repeats, ...extra });
}

function holds(form, text, ctx, fallback) {
  const parsed = expression(form, text);
  return parsed ? evaluateBoolean(parsed, ctx) : fallback;
}

/** Whether `node` is relevant in `ctx` (a node without `relevant` always is). */
function relevant(form, node, ctx) {
  return node.relevant ? holds(form, node.relevant, ctx, true) : true;
}

/** A calculate's result as an answer: whole numbers as numbers, '' and non-finite as none. */
function calculated(value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  return value === "" ? null : value;
}

/** Every raw value typed: {typed, wrong: Map path → error}. */
function typeAll(form, raw) {
  const wrong = new Map();
  const typeInto = (children, source, out, instance) => {
    for (const node of children) {
      if (node.kind === "group") typeInto(node.children, source, out, instance);
      else if (node.kind === "repeat") {
        const items = Array.isArray(source[node.name]) ? source[node.name] : [];
        if (!items.length) continue;
        out[node.name] = items.map((item, index) => {
          const inner = {};
          typeInto(node.children, item || {}, inner, { repeat: node.name, index });
          return inner;
        });
      } else if (Object.hasOwn(source, node.name)) {
        const { value, error } = typeAnswer(form, node, source[node.name]);
        if (error) wrong.set(pathOf(node.name, instance), error);
        else if (value !== null) out[node.name] = value;
      }
    }
  };
  const typed = {};
  typeInto(form.document.children, raw || {}, typed, null);
  return { typed, wrong };
}

/** Relevance and calculates settled together, to a fixed point, as the server does: the
 * answers that count (non-relevant ones dropped, calculates computed). */
function settle(form, typed, today) {
  const prune = (children, source, ctx, out) => {
    for (const node of children) {
      if (!relevant(form, node, ctx)) continue;
      if (node.kind === "group") prune(node.children, source, ctx, out);
      else if (node.kind === "repeat") {
        const items = source[node.name];
        if (!Array.isArray(items) || !items.length) continue;
        out[node.name] = items.map((item, index) => {
          const inner = {};
          prune(node.children, item, { ...ctx, instance: { repeat: node.name, index } }, inner);
          return inner;
        });
      } else if (node.type === "calculate") {
        const parsed = node.calculation ? expression(form, node.calculation) : null;
        const value = parsed ? calculated(evaluate(parsed, ctx)) : null;
        if (value !== null) out[node.name] = value;
      } else if (Object.hasOwn(source, node.name)) {
        out[node.name] = source[node.name];
      }
    }
  };
  let state = typed;
  let before = JSON.stringify(state);
  for (let round = 0; round < form.parsed.size + form.byName.size + 2; round += 1) {
    const settled = {};
    prune(form.document.children, typed, expressionContext(form, state, today), settled);
    const after = JSON.stringify(settled);
    state = settled;
    if (after === before) break;
    before = after;
  }
  return state;
}

/**
 * The form evaluated on `raw` as of `today`: {answers (what a submission sends), shown (Map
 * path → whether that question, group, repeat or repeat instance is asked), required (Set of
 * the paths that must be answered now), errors: [{path, code, zh, en, place: {zh, en}}] in
 * the form's order}.
 */
export function evaluateForm(form, raw, today) {
  const { typed, wrong } = typeAll(form, raw);
  const answers = settle(form, typed, today);
  const shown = new Map();
  const required = new Set();
  const errors = [];
  const base = expressionContext(form, answers, today);
  const fail = (path, code, node, instance, text) => {
    errors.push({ path, code, zh: text.zh, en: text.en, place: place(form, node, instance) });
  };
  const message = (own, zh, en) => ({ zh: own?.zh || zh, en: own?.en || own?.zh || en });
  const check = (children, scope, ctx, instance, visible) => {
    for (const node of children) {
      const path = pathOf(node.name, instance);
      const asked = visible && relevant(form, node, ctx);
      shown.set(path, asked);
      if (node.kind === "group") {
        check(node.children, scope, ctx, instance, asked);
        continue;
      }
      if (node.kind === "repeat") {
        const rawItems = Array.isArray(raw?.[node.name]) ? raw[node.name] : [];
        const items = Array.isArray(scope[node.name]) ? scope[node.name] : [];
        const expected = node.repeat_count;
        if (asked && expected != null && items.length !== expected) {
          fail(node.name, "repeat_count", node, null, {
            zh: `应有 ${expected} 条，现有 ${items.length} 条`,
            en: `needs ${expected} instances, not ${items.length}`,
          });
        }
        rawItems.forEach((_, index) => {
          const here = { repeat: node.name, index };
          shown.set(`${node.name}[${index}]`, asked);
          check(node.children, items[index] || {}, { ...ctx, instance: here }, here, asked);
        });
        continue;
      }
      if (!asked || node.type === "note" || node.type === "calculate") continue;
      if (wrong.has(path)) {
        const error = wrong.get(path);
        fail(path, error.code, node, instance, error);
        continue;
      }
      const value = Object.hasOwn(scope, node.name) ? scope[node.name] : null;
      const needed =
        typeof node.required === "string"
          ? holds(form, node.required, ctx, false)
          : Boolean(node.required);
      if (needed) required.add(path);
      if (value === null) {
        if (needed) {
          const text = message(node.required_message, "必须填写", "an answer is required");
          fail(path, "required", node, instance, text);
        }
        continue;
      }
      if (!node.constraint) continue;
      if (!holds(form, node.constraint, { ...ctx, current: value }, true)) {
        const text = message(node.constraint_message, "答案不符合要求", "the answer is not allowed");
        fail(path, "constraint", node, instance, text);
      }
    }
  };
  check(form.document.children, answers, base, null, true);
  return { answers, shown, required, errors };
}

// ---- new drafts ---------------------------------------------------------------------------

/** A typed value back as the raw value an input holds. */
function rawOf(question, value) {
  if (value === null || value === undefined || typeof value === "boolean") return undefined;
  if (question.type === "select_multiple") {
    return Array.isArray(value) ? value : String(value).split(/\s+/).filter(Boolean);
  }
  if (question.type === "integer" || question.type === "decimal") return String(value);
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** A question's default, evaluated now when it is an expression (today(), …). */
function defaultOf(form, question, values, today, instance) {
  const text = question.default;
  if (text === null || text === undefined || text === "") return undefined;
  if (!defaultIsExpression(text)) return rawOf(question, text);
  const parsed = expression(form, text);
  if (!parsed) return undefined;
  const value = evaluate(parsed, expressionContext(form, values, today, { instance }));
  return value === "" ? undefined : rawOf(question, value);
}

/** The golden value of a bound question as its raw value, when it fits the question. */
function prefillOf(form, question, value) {
  if (value === null || value === undefined || typeof value === "object") return undefined;
  const text = String(value).trim();
  if (!text) return undefined;
  if (question.type === "date") {
    const day = text.slice(0, 10);
    return isDate(day) ? day : undefined;
  }
  if (question.type === "select_one") {
    return choicesOf(form, question).some((choice) => choice.name === text) ? text : undefined;
  }
  return question.type === "text" ? text : undefined;
}

/**
 * A new draft's raw answers: bound questions filled from `values` (field → value, only what
 * the package holds unmasked), then the defaults; the repeat gets `repeat_count` instances.
 * Answers {raw, prefilled: {question → raw value}}.
 */
export function blankAnswers(form, values, today) {
  const raw = {};
  const prefilled = {};
  const fill = (children, out, instance) => {
    for (const node of children) {
      if (node.kind === "group") fill(node.children, out, instance);
      else if (node.kind === "repeat") {
        out[node.name] = [];
        for (let index = 0; index < (node.repeat_count || 0); index += 1) {
          out[node.name].push(newInstance(form, node, raw, today, index));
        }
      } else if (node.type !== "note" && node.type !== "calculate") {
        const golden = node.bind && !instance ? values?.[node.bind.field] : undefined;
        const bound = prefillOf(form, node, golden);
        if (bound !== undefined) {
          out[node.name] = bound;
          prefilled[node.name] = bound;
          continue;
        }
        const { answers } = evaluateForm(form, raw, today);
        const value = defaultOf(form, node, answers, today, instance);
        if (value !== undefined) out[node.name] = value;
      }
    }
  };
  fill(form.document.children, raw, null);
  return { raw, prefilled };
}

/** The raw answers of a new instance of `repeat` (its questions' defaults). */
export function newInstance(form, repeat, raw, today, index) {
  const instance = { repeat: repeat.name, index };
  const item = {};
  const fill = (children) => {
    for (const node of children) {
      if (node.kind === "group") fill(node.children);
      else if (node.kind === "question" && node.type !== "note" && node.type !== "calculate") {
        const { answers } = evaluateForm(form, raw, today);
        const value = defaultOf(form, node, answers, today, instance);
        if (value !== undefined) item[node.name] = value;
      }
    }
  };
  fill(repeat.children);
  return item;
}
