"""regex() patterns: one meaning in Python and JavaScript, and nothing that can hang."""

from __future__ import annotations

import pytest

from frontline.forms.patterns import PatternError, compile_pattern


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^1[3-9][0-9]{9}$", "13812345678", True),
        ("^1[3-9][0-9]{9}$", "13812345678\n", False),  # $ is the very end, as in JavaScript
        ("^a.c$", "a\nc", False),
        ("^a.c$", "a\rc", False),  # JavaScript's . stops at \r too
        ("^a.c$", "a中c", True),
        ("^\\d+$", "123", True),
        ("^\\d+$", "１２３", False),  # full-width digits are not \d in JavaScript
        ("^\\w+$", "名字", False),
        ("^a\\sb$", "a\u3000b", True),  # the ideographic space is \s in JavaScript
        ("^a\\Sb$", "a\u3000b", False),
        ("^[\\s,]+$", " ,\u00a0", True),
        ("^[\\u4e00-\\u9fa5]{2,4}$", "张三丰", True),
        ("^\\x41$", "A", True),
        ("^(?:ab)+$", "abab", True),
        ("^a(?=b)", "ab", True),
        ("^a(?!b)", "ab", False),
        ("\\bcat\\b", "a cat here", True),
        ("^a{2}\\{$", "aa{", True),
        ("^a{$", "a{", True),
        ("^\\$5$", "$5", True),
        ("[.]", "a.b", True),
        ("^(\\d{3}-)?\\d{8}$", "010-12345678", True),
        ("^(ab|cd){1,3}$", "abcd", True),
        ("^[^\\]]$", "]", False),
    ],
)
def test_patterns_match_as_javascript_does(pattern: str, text: str, matches: bool) -> None:
    assert compile_pattern(pattern).search(text) is matches


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?<=a)b", "look-behind"),
        ("(?<!a)b", "look-behind"),
        ("(a)\\1", "backreference"),
        ("(?<n>a)\\k<n>", "named group"),
        ("(?P<n>a)", "named group"),
        ("(?i)abc", "inline flags"),
        ("(?#note)a", "inline flags"),
        ("(?>a)", "inline flags"),
        ("a*+", "possessive"),
        ("a{,3}", "{0,n}"),
        ("(a+)+$", "may not itself repeat"),
        ("(a|aa)*$", "may not itself repeat"),
        ("((ab)*c){2,}", "may not itself repeat"),
        ("[]a]", "starting with ']'"),
        ("[a[b]", "unescaped '[b'"),
        ("[a&&b]", "unescaped '&&'"),
        ("\\p{Han}", "the escape \\p"),
        ("\\Aab", "the escape \\A"),
        ("ab\\Z", "the escape \\Z"),
        ("\\u{4e00}", "4 hexadecimal digits"),
        ("\\x4", "2 hexadecimal digits"),
        ("\\01", "octal"),
        ("[\\S]", "\\S inside brackets"),
        ("abc\\", "ends with a backslash"),
        ("(ab", "invalid"),
        ("ab)", "without its '('"),
        ("[ab", "never closed"),
        ("a**", "invalid"),
        ("x" * 201, "longer than"),
    ],
)
def test_patterns_outside_the_common_subset_are_refused(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError) as raised:
        compile_pattern(pattern)
    assert reason in raised.value.message_en
    assert raised.value.message_zh


def test_bounded_repetition_of_a_group_is_allowed() -> None:
    assert compile_pattern("^(a+){1,3}$").search("aaa")
    assert compile_pattern("^(a|b)?c$").search("bc")
