"""What a form's expressions refer to: names that exist, used where they mean something, and
no circles.

- ``${name}`` names a question of the form (not a group); a repeat is only counted
  (``count(${members})``); a question inside a repeat is, outside that repeat, only counted or
  summed (``sum(${members_income})``) — inside it, it means the same instance's answer.
- ``.`` is the answer being checked, so it belongs in a constraint only.
- A relevant or a calculation may not depend on itself, through other questions or through
  the group around it: the app and the server settle relevance and calculates by repeating
  until nothing changes, which a circle would never reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontline.forms.definition import Node
from frontline.forms.errors import FormProblem
from frontline.forms.expressions import parse
from frontline.forms.survey import Site


@dataclass(frozen=True)
class _Placed:
    node: Node
    repeat: str | None
    parent: str | None


def check_references(
    children: tuple[Node, ...], sites: list[Site], sheet: str, problems: list[FormProblem]
) -> None:
    """Add a problem for every reference that does not hold (see the module's docstring)."""
    placed = _place(children)
    edges: dict[str, list[tuple[str, Site | None]]] = {name: [] for name in placed}
    for name, where in placed.items():
        if where.parent is not None:
            edges[name].append((where.parent, None))
    for site in sites:
        expression = parse(site.text)

        def problem(zh: str, en: str, site: Site = site) -> None:
            problems.append(FormProblem(sheet, site.row, site.column, zh, en))

        if expression.uses_current and site.role != "constraint":
            problem(
                "“.”表示本题的答案，只能用在 constraint 中；其他地方请写 ${题目名称}",
                "'.' is the answer being checked and belongs in a constraint only; "
                "elsewhere write ${name}",
            )
        for reference in expression.references:
            target = placed.get(reference.name)
            if target is None:
                problem(
                    f"表单中没有名为 {reference.name} 的题目",
                    f"no question is named {reference.name}",
                )
                continue
            message = _misuse(target, reference.name, reference.aggregate, site.repeat)
            if message is not None:
                problem(*message)
            elif site.role in ("relevant", "calculation"):
                edges[site.node].append((reference.name, site))
    _check_cycles(edges, placed, sheet, problems)


def _place(children: tuple[Node, ...]) -> dict[str, _Placed]:
    found: dict[str, _Placed] = {}

    def walk(nodes: tuple[Node, ...], repeat: str | None, parent: str | None) -> None:
        for node in nodes:
            found[node.name] = _Placed(node, repeat, parent)
            if node.kind == "group":
                walk(node.children, repeat, node.name)
            elif node.kind == "repeat":
                walk(node.children, node.name, node.name)

    walk(children, None, None)
    return found


def _misuse(
    target: _Placed, name: str, aggregate: str | None, here: str | None
) -> tuple[str, str] | None:
    """Why ``${name}`` cannot be used this way, or None when it can."""
    node = target.node
    if node.kind == "group":
        return (
            f"{name} 是分组，不是题目，不能在表达式中引用",
            f"{name} is a group, not a question: it has no value to refer to",
        )
    if node.kind == "repeat":
        if aggregate == "count":
            return None
        return (
            f"重复组 {name} 只能计数：count(${{{name}}})",
            f"the repeat {name} can only be counted: count(${{{name}}})",
        )
    if target.repeat is None:
        if aggregate is None:
            return None
        return (
            f"{aggregate}() 用于重复组或其中的题目，{name} 不在重复组中",
            f"{aggregate}() takes a repeat or a question in one; {name} is in none",
        )
    if aggregate == "sum" and node.type not in ("integer", "decimal", "calculate"):
        return (
            f"sum() 只能对数字题求和，{name} 是 {node.type} 题",
            f"sum() adds numbers; {name} is a {node.type} question",
        )
    if target.repeat == here or aggregate is not None:
        return None
    return (
        f"{name} 在重复组 {target.repeat} 中；在重复组之外只能写 count(${{{name}}}) 或 "
        f"sum(${{{name}}})",
        f"{name} is inside the repeat {target.repeat}; outside it, use count(${{{name}}}) "
        f"or sum(${{{name}}})",
    )


def _check_cycles(
    edges: dict[str, list[tuple[str, Site | None]]],
    placed: dict[str, _Placed],
    sheet: str,
    problems: list[FormProblem],
) -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        if start in state:
            continue
        path: list[str] = [start]
        entered_by: list[Site | None] = [None]
        state[start] = 1
        stack = [iter(edges[start])]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                entered_by.pop()
                stack.pop()
                continue
            target, site = step
            if state.get(target) == 1:
                first = path.index(target)
                circle = [*path[first:], target]
                sites = [site, *entered_by[first + 1 :]]
                shown = next((s for s in sites if s is not None), None)
                _report_cycle(circle, shown, placed[path[-1]], sheet, problems)
            elif target not in state:
                state[target] = 1
                path.append(target)
                entered_by.append(site)
                stack.append(iter(edges[target]))


def _report_cycle(
    circle: list[str],
    site: Site | None,
    source: _Placed,
    sheet: str,
    problems: list[FormProblem],
) -> None:
    shown = " → ".join(circle)
    row = site.row if site is not None else source.node.row
    column = site.column if site is not None else None
    problems.append(
        FormProblem(
            sheet,
            row,
            column,
            f"循环引用：{shown}。relevant 和 calculation 不能（经由其他题目或所在分组）依赖自身",
            f"circular reference: {shown}; a relevant or calculation cannot depend on itself "
            "(through other questions or its group)",
        )
    )
