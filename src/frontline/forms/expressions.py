"""Form expressions: the XPath 1.0 subset XLSForm authors write, parsed once to a tree.

The grammar, from loosest to tightest binding::

    or  →  and  →  = !=  →  < <= > >=  →  + -  →  * div mod  →  unary -  →  primary

A primary is a string ('..' or ".."), a number (``12``, ``1.5``, ``.5``), ``${name}``, ``.``
(the current question's value, in constraints), a parenthesised expression or a call of one of
``FUNCTIONS``. Everything else XPath has (paths, ``/``, ``|``, predicates, variables) is refused
with a message saying what to write instead. ``frontline.forms.evaluation`` evaluates the tree;
the app's JavaScript evaluator follows the same rules (docs/forms.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontline.forms.patterns import Pattern, PatternError, compile_pattern

MAX_LENGTH = 2_000
MAX_DEPTH = 48

FUNCTIONS: dict[str, tuple[int, int | None]] = {
    # name: (fewest arguments, most arguments or None for any number)
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "boolean": (1, 1),
    "number": (1, 1),
    "string": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "concat": (1, None),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "ends-with": (2, 2),
    "substr": (2, 3),
    "string-length": (1, 1),
    "normalize-space": (1, 1),
    "regex": (2, 2),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "if": (3, 3),
    "coalesce": (2, 2),
    "today": (0, 0),
    "date": (1, 1),
    "count": (1, 1),
    "sum": (1, 1),
}
AGGREGATES = frozenset({"count", "sum"})
"""Functions over the instances of a repeat: their one argument is a ``${name}``."""

OPERATORS = ("or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod")


class ExpressionError(ValueError):
    """An expression that cannot be parsed; ``position`` is the offending character's index."""

    def __init__(self, message_zh: str, message_en: str, position: int) -> None:
        super().__init__(f"{message_zh} {message_en} (at character {position + 1})")
        self.message_zh = message_zh
        self.message_en = message_en
        self.position = position


# The tree. Nodes are small immutable records; the evaluator dispatches on their class.


@dataclass(frozen=True)
class Literal:
    value: str | float


@dataclass(frozen=True)
class Ref:
    name: str
    position: int


@dataclass(frozen=True)
class Current:
    position: int


@dataclass(frozen=True)
class Negate:
    operand: Tree


@dataclass(frozen=True)
class Binary:
    operator: str
    left: Tree
    right: Tree


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple[Tree, ...]
    position: int
    pattern: Pattern | None = None
    """The compiled pattern of a ``regex`` call (its second argument is a literal)."""


Tree = Literal | Ref | Current | Negate | Binary | Call


@dataclass(frozen=True)
class Reference:
    """A ``${name}`` in an expression, and the aggregate function it is the argument of."""

    name: str
    position: int
    aggregate: str | None


@dataclass(frozen=True)
class Expression:
    """A parsed expression: the author's text and its tree."""

    text: str
    tree: Tree
    references: tuple[Reference, ...]
    uses_current: bool

    @property
    def names(self) -> frozenset[str]:
        return frozenset(r.name for r in self.references)


def parse(text: str) -> Expression:
    """Parse ``text``; ``ExpressionError`` names what is wrong and where."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"表达式过长（超过 {MAX_LENGTH} 个字符）",
            f"the expression is longer than {MAX_LENGTH} characters",
            MAX_LENGTH,
        )
    if not text.strip():
        raise ExpressionError("表达式为空", "the expression is empty", 0)
    parser = _Parser(text, _tokens(text))
    tree = parser.expression()
    parser.expect_end()
    references: list[Reference] = []
    uses_current = _collect(tree, None, references)
    return Expression(text, tree, tuple(references), uses_current)


def _collect(tree: Tree, aggregate: str | None, into: list[Reference]) -> bool:
    """Gather the references of ``tree``; true when it uses ``.``."""
    if isinstance(tree, Ref):
        into.append(Reference(tree.name, tree.position, aggregate))
        return False
    if isinstance(tree, Current):
        return True
    if isinstance(tree, Negate):
        return _collect(tree.operand, None, into)
    if isinstance(tree, Binary):
        left = _collect(tree.left, None, into)
        return _collect(tree.right, None, into) or left
    if isinstance(tree, Call):
        inner = tree.function if tree.function in AGGREGATES else None
        found = [_collect(argument, inner, into) for argument in tree.arguments]
        return any(found)
    return False


# Tokens: (kind, text, position). Kinds: str, num, ref, dot, op, name, "(", ")", ",", end.

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<num>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
  | (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\})
  | (?P<dot>\.(?!\.))
  | (?P<op>!=|<=|>=|=|<|>|\+|-|\*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)
_WORD_OPERATORS = frozenset({"and", "or", "div", "mod"})


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _unexpected_character(text, position)
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "punct":
            kind = value
        if kind != "space":
            tokens.append(_Token(kind, value, position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _unexpected_character(text: str, position: int) -> ExpressionError:
    char = text[position]
    if text.startswith("${", position):
        return ExpressionError(
            "引用格式不对：应为 ${题目名称}，名称由字母、数字和下划线组成",
            "a reference is written ${name}, the name made of letters, digits and underscores",
            position,
        )
    if char in "'\"":
        return ExpressionError(
            f"字符串缺少结束的引号 {char}",
            f"the string has no closing {char}",
            position,
        )
    if text.startswith("..", position) or char in "/[]@|$":
        return ExpressionError(
            f"不支持 XPath 路径和“{char}”：请用 ${{题目名称}} 引用题目",
            f"XPath paths and '{char}' are not supported: refer to a question as ${{name}}",
            position,
        )
    return ExpressionError(f"无法识别的字符“{char}”", f"unexpected character '{char}'", position)


class _Parser:
    """Recursive descent over the token list, one method per precedence level."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def operator_is(self, *operators: str) -> bool:
        token = self.token
        if token.kind == "op":
            return token.text in operators
        return token.kind == "name" and token.text in operators and token.text in _WORD_OPERATORS

    def expect_end(self) -> None:
        token = self.token
        if token.kind != "end":
            raise self.unexpected(token)

    def expression(self) -> Tree:
        return self.binary_level(0)

    _LEVELS: tuple[tuple[str, ...], ...] = (
        ("or",),
        ("and",),
        ("=", "!="),
        ("<", "<=", ">", ">="),
        ("+", "-"),
        ("*", "div", "mod"),
    )

    def binary_level(self, level: int) -> Tree:
        if level == len(self._LEVELS):
            return self.unary()
        operators = self._LEVELS[level]
        left = self.binary_level(level + 1)
        while self.operator_is(*operators):
            operator = self.advance().text
            right = self.binary_level(level + 1)
            left = Binary(operator, left, right)
        return left

    def unary(self) -> Tree:
        if self.operator_is("-"):
            position = self.advance().position
            with _Deeper(self, position):
                return Negate(self.unary())
        return self.primary()

    def primary(self) -> Tree:
        token = self.advance()
        if token.kind == "str":
            return Literal(token.text[1:-1])
        if token.kind == "num":
            return Literal(float(token.text))
        if token.kind == "ref":
            return Ref(token.text[2:-1], token.position)
        if token.kind == "dot":
            return Current(token.position)
        if token.kind == "(":
            with _Deeper(self, token.position):
                inner = self.expression()
            self.close(token)
            return inner
        if token.kind == "name" and self.token.kind == "(":
            return self.call(token)
        raise self.unexpected(token)

    def call(self, name: _Token) -> Call:
        function = name.text
        if function not in FUNCTIONS:
            raise ExpressionError(
                f"不支持的函数 {function}()",
                f"unknown function {function}() (see docs/forms.md for the supported ones)",
                name.position,
            )
        opening = self.advance()
        arguments: list[Tree] = []
        with _Deeper(self, opening.position):
            if self.token.kind != ")":
                arguments.append(self.expression())
                while self.token.kind == ",":
                    self.advance()
                    arguments.append(self.expression())
        self.close(opening)
        fewest, most = FUNCTIONS[function]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            wanted = _arity_text(fewest, most)
            raise ExpressionError(
                f"函数 {function}() 需要 {wanted} 个参数，这里有 {len(arguments)} 个",
                f"{function}() takes {wanted} arguments, not {len(arguments)}",
                name.position,
            )
        return _checked_call(function, tuple(arguments), name.position)

    def close(self, opening: _Token) -> None:
        token = self.advance()
        if token.kind != ")":
            if token.kind == "end":
                raise ExpressionError(
                    "括号没有闭合：缺少“)”", "a '(' is never closed", opening.position
                )
            raise self.unexpected(token)

    def unexpected(self, token: _Token) -> ExpressionError:
        if token.kind == "end":
            return ExpressionError(
                "表达式不完整：结尾缺少内容", "the expression ends too early", token.position
            )
        if token.kind == "name":
            if token.text in ("true", "false"):
                return ExpressionError(
                    f"布尔值写作 {token.text}()",
                    f"write {token.text}() with brackets",
                    token.position,
                )
            if token.text in _WORD_OPERATORS:
                return ExpressionError(
                    f"运算符 {token.text} 前后都需要值",
                    f"the operator {token.text} needs a value on each side",
                    token.position,
                )
            return ExpressionError(
                f"无法识别“{token.text}”：引用题目请写 ${{{token.text}}}，文字请加引号",
                f"'{token.text}' is not understood: write ${{{token.text}}} for a question, "
                "or quote text",
                token.position,
            )
        return ExpressionError(
            f"此处不应出现“{token.text}”", f"unexpected '{token.text}'", token.position
        )


def _arity_text(fewest: int, most: int | None) -> str:
    if most is None:
        return f"{fewest}+"
    return str(fewest) if fewest == most else f"{fewest}–{most}"


class _Deeper:
    """Counts nesting so that a pathological expression is refused, not a stack overflow."""

    def __init__(self, parser: _Parser, position: int) -> None:
        self.parser = parser
        self.position = position

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > MAX_DEPTH:
            raise ExpressionError(
                f"表达式嵌套过深（超过 {MAX_DEPTH} 层）",
                f"the expression nests deeper than {MAX_DEPTH} levels",
                self.position,
            )

    def __exit__(self, *_: object) -> None:
        self.parser.depth -= 1


def _checked_call(function: str, arguments: tuple[Tree, ...], position: int) -> Call:
    """A call whose arguments obey the function's own rules (literal patterns, references)."""
    if function in AGGREGATES and not isinstance(arguments[0], Ref):
        raise ExpressionError(
            f"{function}() 的参数应为一个题目引用，如 {function}(${{成员}})",
            f"the argument of {function}() is a reference, e.g. {function}(${{members}})",
            position,
        )
    if function != "regex":
        return Call(function, arguments, position)
    pattern = arguments[1]
    if not isinstance(pattern, Literal) or not isinstance(pattern.value, str):
        raise ExpressionError(
            "regex() 的第二个参数应为用引号括起的正则表达式",
            "the second argument of regex() is a quoted pattern",
            position,
        )
    try:
        compiled = compile_pattern(pattern.value)
    except PatternError as error:
        raise ExpressionError(
            f"正则表达式不可用：{error.message_zh}",
            f"the pattern cannot be used: {error.message_en}",
            position,
        ) from None
    return Call(function, arguments, position, compiled)
