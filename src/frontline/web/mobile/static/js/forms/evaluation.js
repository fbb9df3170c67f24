// Evaluating a parsed expression (expressions.js) against answers: the XPath subset's
// meaning, as docs/forms.md "## Expressions" and the server (frontline.forms.evaluation) have
// it. Evaluation never throws on answers: a wrong type becomes NaN or ''. today() comes from
// the context, never the clock, so a form checks the same way all day.

import {
  XPATH_SPACE,
  dateFromDays,
  dayNumber,
  numberText,
  strip,
  toBoolean,
  toNumber,
  toText,
} from "./conversions.js";

// ---- values -------------------------------------------------------------------------------

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function own(object, name) {
  return isObject(object) && Object.hasOwn(object, name) ? object[name] : undefined;
}

/**
 * An answer as an expression sees it (docs/forms.md "Answers in expressions"): numbers are
 * numbers; text, choices and dates text; a select_multiple its names joined by spaces; a
 * geopoint "lat lon 0 accuracy"; a photo its digest; no answer ''.
 */
export function answerValue(answer) {
  if (answer === null || answer === undefined) return "";
  if (typeof answer === "boolean" || typeof answer === "number" || typeof answer === "string") {
    return answer;
  }
  if (Array.isArray(answer)) return answer.filter((item) => typeof item === "string").join(" ");
  if (isObject(answer)) {
    if (Object.hasOwn(answer, "attachment")) {
      return typeof answer.attachment === "string" ? answer.attachment : "";
    }
    const accuracy = answer.accuracy ?? null;
    const parts = [answer.latitude, answer.longitude, 0, accuracy === null ? 0 : accuracy];
    if (parts.every((part) => typeof part === "number")) return parts.map(numberText).join(" ");
  }
  return "";
}

// ---- evaluation ---------------------------------------------------------------------------

/**
 * What an expression sees: `today` ("YYYY-MM-DD"), `values` (answers as a submission holds
 * them: a repeat's name with a list of objects), `current` (`.`), `repeats` (Map of a
 * repeat's name → Set of its questions' names) and `instance` ({repeat, index} or null: inside
 * that instance a question of the repeat means its sibling).
 */
export function context({
  today,
  values = {},
  current = null,
  repeats = new Map(),
  instance = null,
}) {
  const repeatOf = new Map();
  for (const [repeat, names] of repeats) for (const name of names) repeatOf.set(name, repeat);
  return { today, values, current, repeats, repeatOf, instance };
}

/** The value of a parsed `expression` in `ctx` (see context()). */
export function evaluate(expression, ctx) {
  return run(expression.tree, ctx);
}

/** boolean(value of `expression`). */
export function evaluateBoolean(expression, ctx) {
  return toBoolean(evaluate(expression, ctx));
}

function instancesOf(ctx, repeat) {
  const found = own(ctx.values, repeat);
  return Array.isArray(found) ? found.filter(isObject) : [];
}

function reference(ctx, name) {
  const repeat = ctx.repeatOf.get(name);
  if (repeat === undefined) {
    if (ctx.repeats.has(name)) return "";
    return answerValue(own(ctx.values, name));
  }
  const instances = instancesOf(ctx, repeat);
  if (ctx.instance && ctx.instance.repeat === repeat) {
    const index = ctx.instance.index;
    return index < instances.length ? answerValue(own(instances[index], name)) : "";
  }
  // Outside its repeat, a question's value is its first instance's (XPath's string value of
  // a node-set); upload allows it only inside count() and sum().
  return instances.length ? answerValue(own(instances[0], name)) : "";
}

function many(ctx, name) {
  if (ctx.repeats.has(name)) return instancesOf(ctx, name).map(() => "");
  const repeat = ctx.repeatOf.get(name);
  if (repeat === undefined) return [reference(ctx, name)];
  if (ctx.instance && ctx.instance.repeat === repeat) return [reference(ctx, name)];
  return instancesOf(ctx, repeat).map((item) => answerValue(own(item, name)));
}

function run(tree, ctx) {
  switch (tree.type) {
    case "literal":
      return tree.value;
    case "ref":
      return reference(ctx, tree.name);
    case "current":
      return answerValue(ctx.current);
    case "negate":
      return -toNumber(run(tree.operand, ctx));
    case "binary":
      return binary(tree, ctx);
    default:
      return call(tree, ctx);
  }
}

function binary(tree, ctx) {
  const operator = tree.operator;
  if (operator === "or") return toBoolean(run(tree.left, ctx)) || toBoolean(run(tree.right, ctx));
  if (operator === "and") return toBoolean(run(tree.left, ctx)) && toBoolean(run(tree.right, ctx));
  const left = run(tree.left, ctx);
  const right = run(tree.right, ctx);
  if (operator === "=") return equal(left, right);
  if (operator === "!=") return !equal(left, right);
  const a = toNumber(left);
  const b = toNumber(right);
  switch (operator) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "div":
      return a / b;
    default:
      return a % b; // mod: the remainder keeps the dividend's sign
  }
}

/** XPath's `=`: as booleans if either side is one, else as numbers if either is one, else text. */
export function equal(left, right) {
  if (typeof left === "boolean" || typeof right === "boolean") {
    return toBoolean(left) === toBoolean(right);
  }
  if (typeof left === "number" || typeof right === "number") {
    return toNumber(left) === toNumber(right);
  }
  return left === right;
}

function call(tree, ctx) {
  const { name, args } = tree;
  if (name === "if") return run(toBoolean(run(args[0], ctx)) ? args[1] : args[2], ctx);
  if (name === "coalesce") {
    const first = run(args[0], ctx);
    return toText(first) !== "" ? first : run(args[1], ctx);
  }
  if (name === "count") return many(ctx, args[0].name).length;
  if (name === "sum") {
    let total = 0;
    for (const value of many(ctx, args[0].name)) {
      if (toText(value) !== "") total += toNumber(value);
    }
    return total;
  }
  if (name === "regex") return tree.pattern.test(toText(run(args[0], ctx)));
  if (name === "today") return ctx.today;
  const values = args.map((argument) => run(argument, ctx));
  return FUNCTION_BODIES[name](values);
}

function words(value) {
  let text = toText(value);
  for (const space of XPATH_SPACE.slice(1)) text = text.split(space).join(" ");
  return text.split(" ").filter(Boolean);
}

/** round(x, digits): halves away from zero, on the number's shortest decimal form. */
function round(values) {
  const number = toNumber(values[0]);
  const digits = values.length > 1 ? toNumber(values[1]) : 0;
  if (Number.isNaN(digits)) return NaN;
  if (!Number.isFinite(number) || digits > 15) return number;
  const places = Math.trunc(Math.max(digits, -400));
  // The shortest digits that read back as the number: d.ddd × 10^exponent.
  const [mantissa, exponentText] = Math.abs(number).toExponential().split("e");
  const shortest = mantissa.replace(".", "");
  const keep = Number(exponentText) + 1 + places; // digits that stay
  if (keep >= shortest.length) return number;
  let kept = keep > 0 ? BigInt(shortest.slice(0, keep)) : 0n;
  if (keep >= 0 && shortest[keep] >= "5") kept += 1n;
  const sign = number < 0 || Object.is(number, -0) ? "-" : "";
  return Number(`${sign}${kept}e${-places}`);
}

function substr(values) {
  const characters = Array.from(toText(values[0]));
  const size = characters.length;
  const index = (value) => {
    const number = toNumber(value);
    if (Number.isNaN(number)) return 0;
    if (!Number.isFinite(number)) return number > 0 ? size : 0;
    return Math.min(Math.max(Math.trunc(number), 0), size);
  };
  const start = index(values[1]);
  const end = values.length > 2 ? index(values[2]) : size;
  return end > start ? characters.slice(start, end).join("") : "";
}

function toDate(values) {
  const value = values[0];
  if (typeof value === "boolean") return "";
  if (typeof value === "number") return dateFromDays(value);
  const text = strip(value);
  return dayNumber(text) === null ? "" : text;
}

const FUNCTION_BODIES = {
  not: (v) => !toBoolean(v[0]),
  true: () => true,
  false: () => false,
  boolean: (v) => toBoolean(v[0]),
  number: (v) => toNumber(v[0]),
  string: (v) => toText(v[0]),
  // `|| 0`: no −0 from int(-0.5), as on the server.
  int: (v) => {
    const number = toNumber(v[0]);
    return Number.isFinite(number) ? Math.trunc(number) || 0 : number;
  },
  round,
  concat: (v) => v.map(toText).join(""),
  contains: (v) => toText(v[0]).includes(toText(v[1])),
  "starts-with": (v) => toText(v[0]).startsWith(toText(v[1])),
  "ends-with": (v) => toText(v[0]).endsWith(toText(v[1])),
  substr,
  "string-length": (v) => Array.from(toText(v[0])).length,
  "normalize-space": (v) => words(v[0]).join(" "),
  selected: (v) => words(v[0]).includes(toText(v[1])),
  "count-selected": (v) => words(v[0]).length,
  date: toDate,
};
