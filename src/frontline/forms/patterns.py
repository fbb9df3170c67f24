"""The patterns ``regex()`` accepts: what Python's ``re`` and JavaScript's ``RegExp`` read alike.

A constraint runs on the phone (JavaScript) and again on the server (Python); a pattern the
two engines read differently would let an answer pass on one and fail on the other. So a
pattern is checked at upload against a common subset and translated where the engines differ
on the same text (``.``, ``$`` and ``\\s``). Constructs that make matching slow without bound
(a repeated group that itself repeats or alternates) are refused too, since the server matches
answers from the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PATTERN_LENGTH = 200

# JavaScript's \s: ASCII whitespace plus the Unicode spaces (the ideographic space among them).
_JS_SPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
_JS_DOT = "[^\\n\\r\\u2028\\u2029]"
_PLAIN_ESCAPES = frozenset("dDwWbBtnrfv")
_QUANTIFIER = re.compile(r"\{(\d+)(,(\d*))?\}")


class PatternError(ValueError):
    """A pattern outside the common subset, with a bilingual reason."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class Pattern:
    """A checked pattern: the author's text and its compiled Python form."""

    source: str
    compiled: re.Pattern[str]

    def search(self, text: str) -> bool:
        """True when the pattern matches somewhere in ``text`` (as RegExp.test does)."""
        return self.compiled.search(text) is not None


def compile_pattern(source: str) -> Pattern:
    """Check ``source`` against the common subset and compile it; ``PatternError`` if not."""
    if len(source) > MAX_PATTERN_LENGTH:
        raise PatternError(
            f"正则表达式过长（超过 {MAX_PATTERN_LENGTH} 个字符）",
            f"the pattern is longer than {MAX_PATTERN_LENGTH} characters",
        )
    translated = _Translator(source).run()
    try:
        compiled = re.compile(translated, re.ASCII)
    except re.error as error:
        raise PatternError(f"正则表达式有误：{error}", f"the pattern is invalid: {error}") from None
    return Pattern(source, compiled)


def _refuse(what_zh: str, what_en: str) -> PatternError:
    return PatternError(f"不支持{what_zh}", f"{what_en} is not supported")


@dataclass
class _Group:
    risky: bool = False
    """Contains an unbounded repetition or an alternation."""


class _Translator:
    """One pass over the pattern: refuse what differs, rewrite what is spelled differently."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.i = 0
        self.out: list[str] = []
        self.groups: list[_Group] = [_Group()]
        self.last_group: _Group | None = None
        """The group just closed, while the next token may quantify it."""

    def run(self) -> str:
        source = self.source
        while self.i < len(source):
            char = source[self.i]
            closed, self.last_group = self.last_group, None
            if char == "\\":
                self.out.append(self.escape(in_class=False))
            elif char == "[":
                self.character_class()
            elif char == "(":
                self.open_group()
            elif char == ")":
                self.close_group()
            elif char == "|":
                self.groups[-1].risky = True
                self.out.append(char)
                self.i += 1
            elif char in "*+?{":
                self.quantifier(closed)
            elif char == ".":
                self.out.append(_JS_DOT)
                self.i += 1
            elif char == "$":
                self.out.append("\\Z")
                self.i += 1
            else:
                self.out.append(char)
                self.i += 1
        return "".join(self.out)

    def escape(self, *, in_class: bool) -> str:
        source = self.source
        if self.i + 1 >= len(source):
            raise PatternError("正则表达式以“\\”结尾", "the pattern ends with a backslash")
        char = source[self.i + 1]
        self.i += 2
        if char in "123456789" or char == "k":
            raise _refuse("反向引用（\\1、\\k）", "a backreference (\\1, \\k)")
        if char == "0":
            if self.i < len(source) and source[self.i].isdigit():
                raise _refuse("八进制转义", "an octal escape")
            return "\\0"
        if char == "s":
            return _JS_SPACE if in_class else f"[{_JS_SPACE}]"
        if char == "S":
            if in_class:
                raise _refuse("在方括号内使用 \\S", "\\S inside brackets")
            return f"[^{_JS_SPACE}]"
        if char in _PLAIN_ESCAPES:
            return "\\" + char
        if char in "xu":
            digits = 2 if char == "x" else 4
            code = source[self.i : self.i + digits]
            if len(code) != digits or not all(c in "0123456789abcdefABCDEF" for c in code):
                raise PatternError(
                    f"\\{char} 后应有 {digits} 位十六进制数字",
                    f"\\{char} takes exactly {digits} hexadecimal digits",
                )
            self.i += digits
            return f"\\{char}{code}"
        if char.isalnum() or char == "_":
            raise _refuse(f"转义 \\{char}", f"the escape \\{char}")
        return "\\" + char

    def character_class(self) -> None:
        source = self.source
        start = self.i
        self.i += 1
        parts = ["["]
        if source.startswith("^", self.i):
            parts.append("^")
            self.i += 1
        if source.startswith("]", self.i):
            raise _refuse("以“]”开头的字符集（请写 \\]）", "a set starting with ']' (write \\])")
        while True:
            if self.i >= len(source):
                raise PatternError("方括号没有闭合", f"the '[' at {start + 1} is never closed")
            char = source[self.i]
            if char == "]":
                parts.append("]")
                self.i += 1
                break
            if char == "\\":
                parts.append(self.escape(in_class=True))
                continue
            if char == "[" or source.startswith(("&&", "||", "--", "~~"), self.i):
                raise _refuse(
                    f"方括号内未转义的“{source[self.i : self.i + 2]}”（请加 \\）",
                    f"an unescaped '{source[self.i : self.i + 2]}' inside brackets (escape it)",
                )
            parts.append(char)
            self.i += 1
        self.out.append("".join(parts))

    def open_group(self) -> None:
        source = self.source
        if source.startswith("(?", self.i):
            kind = source[self.i : self.i + 3]
            if kind not in ("(?:", "(?=", "(?!"):
                if source.startswith(("(?<=", "(?<!"), self.i):
                    raise _refuse("后行断言 (?<= (?<!", "look-behind (?<= (?<!")
                if source.startswith(("(?P", "(?<"), self.i):
                    raise _refuse("命名分组", "a named group")
                raise _refuse(f"“{kind}”（内联标志等）", f"'{kind}' (inline flags and the like)")
            self.out.append(kind)
            self.i += 3
        else:
            self.out.append("(")
            self.i += 1
        self.groups.append(_Group())

    def close_group(self) -> None:
        if len(self.groups) == 1:
            raise PatternError("多余的“)”", "a ')' without its '('")
        group = self.groups.pop()
        if group.risky:
            self.groups[-1].risky = True
        self.out.append(")")
        self.i += 1
        self.last_group = group

    def quantifier(self, quantified: _Group | None) -> None:
        source = self.source
        char = source[self.i]
        if char == "{":
            match = _QUANTIFIER.match(source, self.i)
            if match is None:
                if source.startswith("{,", self.i):
                    raise _refuse("“{,n}”（请写 {0,n}）", "'{,n}' (write {0,n})")
                self.out.append("\\{")
                self.i += 1
                return
            unbounded = match.group(2) is not None and not match.group(3)
            text = match.group()
            self.i = match.end()
        else:
            unbounded = char != "?"
            text = char
            self.i += 1
        if source.startswith("?", self.i):
            text += "?"
            self.i += 1
        if source.startswith("+", self.i):
            raise _refuse("占有量词（如 a*+）", "a possessive quantifier (a*+)")
        if unbounded:
            if quantified is not None and quantified.risky:
                raise PatternError(
                    "不支持对含有重复或“|”的分组再重复（如 (a+)+、(a|b)*），这会使匹配极慢；"
                    "请改写，例如用字符集 [ab]+",
                    "a repeated group may not itself repeat or alternate ((a+)+, (a|b)*): "
                    "matching could take forever; rewrite it, e.g. with a set [ab]+",
                )
            self.groups[-1].risky = True
        self.out.append(text)
