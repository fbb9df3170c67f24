// A form definition document (the server's FormDefinition.to_document(), docs/forms.md) read
// once into what the app looks things up by: its nodes in order, the repeat's questions, the
// choice lists, and every expression parsed once.
//
// Document nodes: {kind: "question", name, type, label, hint, required, required_message,
// constraint, constraint_message, relevant, calculation, default, read_only, choices,
// appearance, bind: {field} | null} · {kind: "group", name, label, relevant, children} ·
// {kind: "repeat", name, label, relevant, repeat_count, children}. Labels are {zh, en?}.

import { ExpressionError, parse } from "./expressions.js";

/** The form `document`, indexed. */
export function indexForm(document) {
  const byName = new Map();
  const repeats = new Map();
  const walk = (children, repeat) => {
    for (const node of children || []) {
      byName.set(node.name, node);
      if (node.kind === "repeat") {
        repeats.set(node.name, new Set());
        walk(node.children, node);
      } else if (node.kind === "group") {
        walk(node.children, repeat);
      } else if (repeat) {
        repeats.get(repeat.name).add(node.name);
      }
    }
  };
  walk(document.children, null);
  const repeatOf = new Map();
  for (const [repeat, names] of repeats) for (const name of names) repeatOf.set(name, repeat);
  return {
    document,
    id: document.form_id,
    version: document.version,
    byName,
    repeats,
    repeatOf,
    parsed: new Map(),
  };
}

/** The parsed expression of `text` (parsed once per form), or null when it does not parse
 * (a document that never passed the server's upload checks: the server decides then). */
export function expression(form, text) {
  if (!form.parsed.has(text)) {
    try {
      form.parsed.set(text, parse(text));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      console.warn("form expression refused", form.id, error.en);
      form.parsed.set(text, null);
    }
  }
  return form.parsed.get(text);
}

/** The choices {name, label} of a select question. */
export function choicesOf(form, question) {
  return (question.choices && form.document.choices?.[question.choices]) || [];
}

/** Whether a default is an expression (a call or a reference) rather than a literal. */
export function defaultIsExpression(text) {
  return text.includes("(") || text.includes("${");
}

/** The names of a question's appearance. */
export function appearances(question) {
  return new Set(String(question.appearance || "").split(/\s+/).filter(Boolean));
}

/** Text of a label in `lang`, falling back to Chinese. */
export function labelText(label, lang) {
  if (!label) return "";
  return (lang === "en" && label.en) || label.zh || label.en || "";
}

/** The path of a question: `name`, or `repeat[index].name` inside the repeat. */
export function pathOf(name, instance = null) {
  return instance ? `${instance.repeat}[${instance.index}].${name}` : name;
}

/** Where a question sits, as the server names it in messages: 「家庭成员」第 2 条的「姓名」. */
export function place(form, node, instance = null) {
  const own = { zh: `「${labelText(node.label, "zh")}」`, en: `"${labelText(node.label, "en")}"` };
  if (!instance) return own;
  const number = instance.index + 1;
  if (node.kind === "repeat") return { zh: `${own.zh}第 ${number} 条`, en: `${own.en} #${number}` };
  const repeat = form.byName.get(instance.repeat);
  return {
    zh: `「${labelText(repeat.label, "zh")}」第 ${number} 条的${own.zh}`,
    en: `"${labelText(repeat.label, "en")}" #${number}, ${own.en}`,
  };
}
