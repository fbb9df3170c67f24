// Form expressions: the XPath 1.0 subset XLSForm authors write, parsed to a tree and
// evaluated (evaluation.js, re-exported here) as the worker types. The grammar and the
// meaning are docs/forms.md "## Expressions", the same as the server's
// (frontline.forms.expressions and .evaluation): both run tests/forms/expression_cases.json.
//
//   or → and → = != → < <= > >= → + - → * div mod → unary - → primary
//
// A primary is a string ('..' or ".."), a number (12, 1.5, .5), ${name}, `.`, a parenthesised
// expression or a call of one of FUNCTIONS.

export { answerValue, context, equal, evaluate, evaluateBoolean } from "./evaluation.js";

export const MAX_LENGTH = 2000;
export const MAX_DEPTH = 48;

/** name → [fewest arguments, most arguments or null for any number]. */
export const FUNCTIONS = {
  not: [1, 1],
  true: [0, 0],
  false: [0, 0],
  boolean: [1, 1],
  number: [1, 1],
  string: [1, 1],
  int: [1, 1],
  round: [1, 2],
  concat: [1, null],
  contains: [2, 2],
  "starts-with": [2, 2],
  "ends-with": [2, 2],
  substr: [2, 3],
  "string-length": [1, 1],
  "normalize-space": [1, 1],
  regex: [2, 2],
  selected: [2, 2],
  "count-selected": [1, 1],
  if: [3, 3],
  coalesce: [2, 2],
  today: [0, 0],
  date: [1, 1],
  count: [1, 1],
  sum: [1, 1],
};
const AGGREGATES = new Set(["count", "sum"]);
const WORD_OPERATORS = new Set(["and", "or", "div", "mod"]);
const LEVELS = [
  ["or"],
  ["and"],
  ["=", "!="],
  ["<", "<=", ">", ">="],
  ["+", "-"],
  ["*", "div", "mod"],
];

/** An expression that cannot be parsed: bilingual, with the offending character's index. */
export class ExpressionError extends Error {
  constructor(zh, en, position) {
    super(`${zh} ${en} (at character ${position + 1})`);
    this.name = "ExpressionError";
    this.zh = zh;
    this.en = en;
    this.position = position;
  }
}

// ---- tokens -------------------------------------------------------------------------------

const TOKEN = new RegExp(
  [
    "(?<space>[ \\t\\r\\n]+)",
    "(?<str>'[^']*'|\"[^\"]*\")",
    "(?<num>[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)",
    "(?<ref>\\$\\{[A-Za-z_][A-Za-z0-9_.\\-]*\\})",
    "(?<dot>\\.(?!\\.))",
    "(?<op>!=|<=|>=|=|<|>|\\+|-|\\*)",
    "(?<name>[A-Za-z_][A-Za-z0-9_\\-]*)",
    "(?<punct>[(),])",
  ].join("|"),
  "y",
);

function tokens(text) {
  const found = [];
  let position = 0;
  while (position < text.length) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(text);
    if (!match) throw unexpectedCharacter(text, position);
    const [kind, value] = Object.entries(match.groups).find(([, v]) => v !== undefined);
    if (kind !== "space") {
      found.push({ kind: kind === "punct" ? value : kind, text: value, position });
    }
    position = TOKEN.lastIndex;
  }
  found.push({ kind: "end", text: "", position: text.length });
  return found;
}

function unexpectedCharacter(text, position) {
  const char = text[position];
  if (text.startsWith("${", position)) {
    return new ExpressionError(
      "引用格式不对：应为 ${题目名称}，名称由字母、数字和下划线组成",
      "a reference is written ${name}, the name made of letters, digits and underscores",
      position,
    );
  }
  if (char === "'" || char === '"') {
    return new ExpressionError(`字符串缺少结束的引号 ${char}`, `the string has no closing ${char}`, position);
  }
  if (text.startsWith("..", position) || "/[]@|$".includes(char)) {
    return new ExpressionError(
      `不支持 XPath 路径和“${char}”：请用 \${题目名称} 引用题目`,
      `XPath paths and '${char}' are not supported: refer to a question as \${name}`,
      position,
    );
  }
  return new ExpressionError(`无法识别的字符“${char}”`, `unexpected character '${char}'`, position);
}

// ---- parser -------------------------------------------------------------------------------

/**
 * Parse `text` into {text, tree, uses_current}; throws ExpressionError naming what is wrong.
 * Tree nodes: {type: "literal", value} · {type: "ref", name} · {type: "current"} ·
 * {type: "negate", operand} · {type: "binary", operator, left, right} ·
 * {type: "call", name, args, pattern}.
 */
export function parse(text) {
  if (text.length > MAX_LENGTH) {
    throw new ExpressionError(
      `表达式过长（超过 ${MAX_LENGTH} 个字符）`,
      `the expression is longer than ${MAX_LENGTH} characters`,
      MAX_LENGTH,
    );
  }
  if (!text.trim()) throw new ExpressionError("表达式为空", "the expression is empty", 0);
  const parser = new Parser(tokens(text));
  const tree = parser.expression();
  parser.expectEnd();
  return { text, tree };
}

class Parser {
  constructor(list) {
    this.list = list;
    this.index = 0;
    this.depth = 0;
  }

  get token() {
    return this.list[this.index];
  }

  advance() {
    const token = this.list[this.index];
    this.index += 1;
    return token;
  }

  operatorIs(operators) {
    const token = this.token;
    if (token.kind === "op") return operators.includes(token.text);
    const word = token.kind === "name" && WORD_OPERATORS.has(token.text);
    return word && operators.includes(token.text);
  }

  expectEnd() {
    if (this.token.kind !== "end") throw this.unexpected(this.token);
  }

  expression() {
    return this.level(0);
  }

  level(depth) {
    if (depth === LEVELS.length) return this.unary();
    let left = this.level(depth + 1);
    while (this.operatorIs(LEVELS[depth])) {
      const operator = this.advance().text;
      left = { type: "binary", operator, left, right: this.level(depth + 1) };
    }
    return left;
  }

  deeper(position, work) {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) {
      throw new ExpressionError(
        `表达式嵌套过深（超过 ${MAX_DEPTH} 层）`,
        `the expression nests deeper than ${MAX_DEPTH} levels`,
        position,
      );
    }
    try {
      return work();
    } finally {
      this.depth -= 1;
    }
  }

  unary() {
    if (this.operatorIs(["-"])) {
      const position = this.advance().position;
      return this.deeper(position, () => ({ type: "negate", operand: this.unary() }));
    }
    return this.primary();
  }

  primary() {
    const token = this.advance();
    if (token.kind === "str") return { type: "literal", value: token.text.slice(1, -1) };
    if (token.kind === "num") return { type: "literal", value: Number(token.text) };
    if (token.kind === "ref") return { type: "ref", name: token.text.slice(2, -1) };
    if (token.kind === "dot") return { type: "current" };
    if (token.kind === "(") {
      const inner = this.deeper(token.position, () => this.expression());
      this.close(token);
      return inner;
    }
    if (token.kind === "name" && this.token.kind === "(") return this.call(token);
    throw this.unexpected(token);
  }

  call(nameToken) {
    const name = nameToken.text;
    if (!Object.hasOwn(FUNCTIONS, name)) {
      throw new ExpressionError(
        `不支持的函数 ${name}()`,
        `unknown function ${name}() (see docs/forms.md for the supported ones)`,
        nameToken.position,
      );
    }
    const opening = this.advance();
    const args = [];
    this.deeper(opening.position, () => {
      if (this.token.kind !== ")") {
        args.push(this.expression());
        while (this.token.kind === ",") {
          this.advance();
          args.push(this.expression());
        }
      }
    });
    this.close(opening);
    const [fewest, most] = FUNCTIONS[name];
    if (args.length < fewest || (most !== null && args.length > most)) {
      let wanted = fewest === most ? `${fewest}` : `${fewest}–${most}`;
      if (most === null) wanted = `${fewest}+`;
      throw new ExpressionError(
        `函数 ${name}() 需要 ${wanted} 个参数，这里有 ${args.length} 个`,
        `${name}() takes ${wanted} arguments, not ${args.length}`,
        nameToken.position,
      );
    }
    return checkedCall(name, args, nameToken.position);
  }

  close(opening) {
    const token = this.advance();
    if (token.kind === ")") return;
    if (token.kind === "end") {
      throw new ExpressionError("括号没有闭合：缺少“)”", "a '(' is never closed", opening.position);
    }
    throw this.unexpected(token);
  }

  unexpected(token) {
    const at = token.position;
    if (token.kind === "end") {
      return new ExpressionError("表达式不完整：结尾缺少内容", "the expression ends too early", at);
    }
    if (token.kind === "name") {
      const word = token.text;
      if (word === "true" || word === "false") {
        return new ExpressionError(`布尔值写作 ${word}()`, `write ${word}() with brackets`, at);
      }
      if (WORD_OPERATORS.has(word)) {
        return new ExpressionError(
          `运算符 ${word} 前后都需要值`,
          `the operator ${word} needs a value on each side`,
          at,
        );
      }
      return new ExpressionError(
        `无法识别“${word}”：引用题目请写 \${${word}}，文字请加引号`,
        `'${word}' is not understood: write \${${word}} for a question, or quote text`,
        at,
      );
    }
    return new ExpressionError(`此处不应出现“${token.text}”`, `unexpected '${token.text}'`, at);
  }
}

function checkedCall(name, args, position) {
  if (AGGREGATES.has(name) && args[0].type !== "ref") {
    throw new ExpressionError(
      `${name}() 的参数应为一个题目引用，如 ${name}(\${成员})`,
      `the argument of ${name}() is a reference, e.g. ${name}(\${members})`,
      position,
    );
  }
  if (name !== "regex") return { type: "call", name, args };
  const source = args[1];
  if (source.type !== "literal" || typeof source.value !== "string") {
    throw new ExpressionError(
      "regex() 的第二个参数应为用引号括起的正则表达式",
      "the second argument of regex() is a quoted pattern",
      position,
    );
  }
  let pattern;
  try {
    // No flags: the server accepts only patterns that JavaScript and Python read alike, and
    // translates its side (`.`, `$`, `\s`) to JavaScript's meaning without flags.
    pattern = new RegExp(source.value);
  } catch (error) {
    throw new ExpressionError(
      `正则表达式不可用：${error.message}`,
      `the pattern cannot be used: ${error.message}`,
      position,
    );
  }
  return { type: "call", name, args, pattern };
}
