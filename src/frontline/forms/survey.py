"""The survey sheet, row by row, into the definition's tree of questions, groups and a repeat.

Each row is checked on its own here — its type, name, the columns its type may use, labels in
Chinese, literal values — and its expressions are parsed; what needs the whole form (which
names exist, where they sit, cycles, bindings) is checked afterwards by
``frontline.forms.references`` and ``frontline.forms.bindings`` from the ``Site`` records this
module leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from frontline.forms.definition import (
    Group,
    Label,
    Node,
    Question,
    Repeat,
    default_is_expression,
)
from frontline.forms.errors import FormProblem
from frontline.forms.expressions import ExpressionError, parse
from frontline.forms.sheets import Row, Sheet
from frontline.forms.subset import (
    APPEARANCES,
    BEGIN,
    COLUMNS,
    END,
    NAME,
    NO,
    SELECT_TYPES,
    SIMPLE_TYPES,
    YES,
    literal_fits,
)
from frontline.forms.values import MAX_REPEATS


@dataclass(frozen=True)
class Site:
    """An expression as written: its cell, the node it belongs to, and what it decides."""

    row: int
    column: str
    text: str
    node: str
    role: str
    """relevant, constraint, calculation, required or default."""
    repeat: str | None
    """The repeat whose instance the expression is evaluated in (None: outside any)."""


@dataclass(frozen=True)
class Binding:
    """A ``golden_field`` cell: the question, where it sits, the field it names."""

    row: int
    column: str
    question: Question
    repeat: str | None


@dataclass
class _Frame:
    kind: str
    row: Row | None
    children: list[Node] = field(default_factory=list)


@dataclass
class SurveyResult:
    children: tuple[Node, ...]
    sites: list[Site]
    bindings: list[Binding]
    rows: dict[str, int]
    """The row of each name, for problems found later."""


class SurveyReader:
    """Builds the tree and the side records from one survey sheet."""

    def __init__(
        self, sheet: Sheet, choices: Mapping[str, list[str]], problems: list[FormProblem]
    ) -> None:
        self.sheet = sheet
        self.choices = choices
        self.problems = problems
        self.sites: list[Site] = []
        self.bindings: list[Binding] = []
        self.rows: dict[str, int] = {}
        self.stack = [_Frame("root", None)]
        self.question_rows = 0

    def problem(self, row: int | None, base: str | None, zh: str, en: str) -> None:
        self.problems.append(FormProblem(self.sheet.name, row, self.header(base), zh, en))

    def header(self, base: str | None) -> str | None:
        """The header the author wrote for a column (its Chinese one, if translatable)."""
        if base is None:
            return None
        for language in (None, "zh", "en"):
            column = self.sheet.column(base, language)
            if column is not None:
                return column.header
        return base

    def read(self) -> SurveyResult:
        if self.sheet.column("type") is None:
            self.problem(1, None, "survey 表缺少 type 列", "the survey sheet has no type column")
        for row in self.sheet.rows:
            self.row(row)
        for frame in self.stack[1:]:
            assert frame.row is not None  # noqa: S101 - only the root frame has no row
            self.problem(
                frame.row.number,
                "type",
                f"begin {frame.kind} 没有对应的 end {frame.kind}",
                f"begin {frame.kind} has no matching end {frame.kind}",
            )
        children = tuple(self.stack[0].children)
        if not self.question_rows:
            self.problem(None, None, "表单中没有题目", "the form has no questions")
        return SurveyResult(children, self.sites, self.bindings, self.rows)

    @property
    def repeat(self) -> str | None:
        for frame in self.stack:
            if frame.kind == "repeat" and frame.row is not None:
                return self.sheet.cell(frame.row, "name")
        return None

    def row(self, row: Row) -> None:
        type_text = " ".join((self.sheet.cell(row, "type") or "").split())
        if not type_text:
            self.problem(row.number, "type", "这一行缺少题型（type）", "the row has no type")
            return
        lowered = type_text.lower()
        if lowered in END:
            self.columns(row, "end", type_text)
            self.end(row, END[lowered])
        elif lowered in BEGIN:
            self.begin(row, BEGIN[lowered], type_text)
        else:
            self.question_rows += 1
            question_type, choices = self.question_type(row, type_text)
            if question_type is not None:
                self.question(row, question_type, choices, type_text)

    def question_type(self, row: Row, type_text: str) -> tuple[str | None, str | None]:
        words = type_text.split(" ")
        base = words[0].lower()
        if base in SIMPLE_TYPES and len(words) == 1:
            return SIMPLE_TYPES[base], None
        if base in SELECT_TYPES and len(words) == 2:
            list_name = words[1]
            if list_name not in self.choices:
                self.problem(
                    row.number,
                    "type",
                    f"choices 表中没有选项列表 {list_name}",
                    f"the choices sheet has no list {list_name}",
                )
                return None, None
            return base, list_name
        if base in SELECT_TYPES and words[-1] == "or_other":
            zh, en = "不支持 or_other", "or_other is not supported"
        else:
            zh = (
                f"不支持的题型“{type_text}”。支持：text、integer、decimal、date、select_one 列表、"
                "select_multiple 列表、note、calculate、geopoint、image、begin/end group、"
                "begin/end repeat"
            )
            en = (
                f"type '{type_text}' is not supported; supported: text, integer, decimal, date, "
                "select_one <list>, select_multiple <list>, note, calculate, geopoint, image, "
                "begin/end group, begin/end repeat"
            )
        self.problem(row.number, "type", zh, en)
        return None, None

    def columns(self, row: Row, kind: str, type_text: str) -> None:
        allowed = COLUMNS[kind]
        for column in self.sheet.filled(row):
            if column.base not in allowed:
                self.problems.append(
                    FormProblem(
                        self.sheet.name,
                        row.number,
                        column.header,
                        f"“{type_text}”这一行不使用 {column.header} 列",
                        f"a '{type_text}' row takes no {column.header}",
                    )
                )

    def name(self, row: Row) -> str | None:
        name = self.sheet.cell(row, "name")
        if name is None:
            self.problem(row.number, "name", "缺少名称（name）", "the row has no name")
            return None
        if not NAME.fullmatch(name):
            self.problem(
                row.number,
                "name",
                f"名称“{name[:40]}”不可用：应以字母或下划线开头，只含英文字母、数字和下划线，"
                "最长 64 个字符",
                f"the name '{name[:40]}' must start with a letter or underscore and hold only "
                "letters, digits and underscores (at most 64)",
            )
            return None
        if name in self.rows:
            self.problem(
                row.number,
                "name",
                f"名称 {name} 已在第 {self.rows[name]} 行使用，名称在整张表单中不能重复",
                f"the name {name} is already used on row {self.rows[name]}; names are unique "
                "in the whole form",
            )
            return None
        self.rows[name] = row.number
        return name

    def begin(self, row: Row, kind: str, type_text: str) -> None:
        self.columns(row, kind, type_text)
        if kind == "repeat" and any(frame.kind == "repeat" for frame in self.stack):
            self.problem(
                row.number,
                "type",
                "重复组不能嵌套：表单只支持一层重复组",
                "repeats cannot nest: a form has one level of repeat",
            )
        self.name(row)
        self.stack.append(_Frame(kind, row))

    def end(self, row: Row, kind: str) -> None:
        frame = self.stack[-1]
        if frame.kind != kind:
            self.problem(
                row.number,
                "type",
                f"end {kind} 前没有对应的 begin {kind}",
                f"end {kind} without a matching begin {kind}",
            )
            return
        self.stack.pop()
        begin = frame.row
        assert begin is not None  # noqa: S101 - the root frame is never popped
        name = self.sheet.cell(begin, "name")
        if name is None or not NAME.fullmatch(name):
            return
        relevant = self.expression(begin, "relevant", name, self.repeat, kind)
        label = self.label(begin, required=kind == "repeat")
        children = tuple(frame.children)
        if kind == "group":
            node: Node = Group(name, label, relevant, children, begin.number)
        else:
            node = Repeat(
                name,
                label or {"zh": name},
                relevant,
                self.repeat_count(begin),
                children,
                begin.number,
            )
        self.stack[-1].children.append(node)

    def label(self, row: Row, *, required: bool, base: str = "label") -> Label | None:
        texts = self.sheet.texts(row, base)
        if any("${" in text for text in texts.values()):
            self.problem(
                row.number,
                base,
                f"{_BASE_ZH[base]}只显示文字，不支持 ${{…}} 引用答案",
                f"a {base.replace('_', ' ')} shows text only: ${{…}} is not supported in it",
            )
        if "zh" in texts:
            return texts
        if texts or required:
            self.problem(
                row.number,
                base,
                f"缺少中文{_BASE_ZH[base]}（{base}::中文 或 {base}）",
                f"the Chinese {base.replace('_', ' ')} is missing ({base}::中文 or {base})",
            )
        return None

    def repeat_count(self, row: Row) -> int | None:
        text = self.sheet.cell(row, "repeat_count")
        if text is None:
            return None
        if not text.isdigit() or not 1 <= int(text) <= MAX_REPEATS:
            self.problem(
                row.number,
                "repeat_count",
                f"repeat_count 应为 1 到 {MAX_REPEATS} 的整数",
                f"repeat_count is a whole number from 1 to {MAX_REPEATS}",
            )
            return None
        return int(text)

    def expression(
        self, row: Row, base: str, node: str, repeat: str | None, kind: str
    ) -> str | None:
        text = self.sheet.cell(row, base)
        if text is None or base not in COLUMNS[kind]:
            return None
        header = self.header(base) or base
        try:
            parse(text)
        except ExpressionError as error:
            self.problems.append(
                FormProblem(
                    self.sheet.name,
                    row.number,
                    header,
                    f"表达式有误（第 {error.position + 1} 个字符）：{error.message_zh}",
                    f"expression error at character {error.position + 1}: {error.message_en}",
                )
            )
            return text
        self.sites.append(Site(row.number, header, text, node, base, repeat))
        return text

    def question(self, row: Row, question_type: str, choices: str | None, type_text: str) -> None:
        self.columns(row, question_type, type_text)
        name = self.name(row)
        if name is None:
            return
        repeat = self.repeat
        allowed = COLUMNS[question_type]
        label = self.label(row, required=True) or {"zh": name}
        if question_type == "calculate" and self.sheet.cell(row, "calculation") is None:
            self.problem(
                row.number,
                "calculation",
                "calculate 题需要计算公式（calculation）",
                "a calculate needs a calculation",
            )
        question = Question(
            name=name,
            type=question_type,
            label=label,
            row=row.number,
            hint=self.label(row, required=False, base="hint"),
            required=self.required(row, name, repeat, question_type),
            required_message=self.label(row, required=False, base="required_message"),
            constraint=self.expression(row, "constraint", name, repeat, question_type),
            constraint_message=self.label(row, required=False, base="constraint_message"),
            relevant=self.expression(row, "relevant", name, repeat, question_type),
            calculation=self.expression(row, "calculation", name, repeat, question_type),
            default=self.default(row, question_type, choices, name, repeat),
            read_only=self.yes_no(row, "read_only") if "read_only" in allowed else False,
            choices=choices,
            appearance=self.appearance(row, question_type) if "appearance" in allowed else None,
            bind=self.sheet.cell(row, "golden_field") if "golden_field" in allowed else None,
        )
        if question.bind is not None:
            header = self.header("golden_field") or "golden_field"
            self.bindings.append(Binding(row.number, header, question, repeat))
        self.stack[-1].children.append(question)

    def yes_no(self, row: Row, base: str) -> bool:
        text = self.sheet.cell(row, base)
        if text is None or text.lower() in NO:
            return False
        if text.lower() in YES:
            return True
        self.problem(row.number, base, f"{base} 应为 yes 或 no", f"{base} is yes or no")
        return False

    def required(self, row: Row, name: str, repeat: str | None, kind: str) -> bool | str:
        text = self.sheet.cell(row, "required")
        if text is None or text.lower() in NO or "required" not in COLUMNS[kind]:
            return False
        if text.lower() in YES:
            return True
        return self.expression(row, "required", name, repeat, kind) or False

    def appearance(self, row: Row, question_type: str) -> str | None:
        text = self.sheet.cell(row, "appearance")
        if text is None:
            return None
        allowed = APPEARANCES.get(question_type, frozenset())
        unknown = [word for word in text.split() if word not in allowed]
        if unknown:
            shown = "、".join(sorted(allowed)) or "无"
            self.problem(
                row.number,
                "appearance",
                f"{question_type} 题不支持外观 {' '.join(unknown)}；可用：{shown}",
                f"appearance {' '.join(unknown)} is not supported for {question_type}; "
                f"allowed: {', '.join(sorted(allowed)) or 'none'}",
            )
        return " ".join(text.split())

    def default(
        self,
        row: Row,
        question_type: str,
        choices: str | None,
        name: str,
        repeat: str | None,
    ) -> str | None:
        text = self.sheet.cell(row, "default")
        if text is None or "default" not in COLUMNS[question_type]:
            return None
        if default_is_expression(text):
            return self.expression(row, "default", name, repeat, question_type)
        if not literal_fits(text, question_type, self.choices.get(choices or "", [])):
            self.problem(
                row.number,
                "default",
                f"默认值“{text[:40]}”不是 {question_type} 题的有效答案",
                f"the default '{text[:40]}' is not a valid {question_type} answer",
            )
        return text


_BASE_ZH = {
    "label": "标签",
    "hint": "提示",
    "required_message": "必填提示",
    "constraint_message": "约束提示",
}
