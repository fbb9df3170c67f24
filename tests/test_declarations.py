import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

from frontline.declarations import (
    DeclarationError,
    KeyPathError,
    Location,
    allowed_keys,
    declaration_files,
    read_document,
    validate,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Part(_Model):
    column: str
    weight: int = 0


class Other(_Model):
    url: str


class Spec(_Model):
    key: str
    parts: dict[str, Part] = Field(default_factory=dict)
    steps: list[Part] = Field(default_factory=list)
    where: Part | Other | None = None
    schema_name: str | None = Field(default=None, alias="schema")
    limit: int = 1

    @model_validator(mode="after")
    def _consistent(self) -> "Spec":
        if "bad" in self.parts:
            raise KeyPathError(("parts", "bad", "column"), "a bad part")
        if self.limit == 13:
            raise ValueError("unlucky limit")
        return self


GOOD = """\
key: a
parts:
  first: {column: A}
  second:
    column: B
    weight: 2
steps:
  - column: C
  - {column: D}
where: {column: E}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str, **options: Any) -> DeclarationError:
    with pytest.raises(DeclarationError) as caught:
        validate(read_document(_write(tmp_path, text)), Spec, **options)
    return caught.value


def test_a_good_document(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    document = read_document(path)
    assert document.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    spec = validate(document, Spec)
    assert spec.parts["second"].weight == 2
    assert spec.steps[1].column == "D"
    assert document.line_of(("parts", "second", "weight")) == 6
    assert document.line_of(("steps", 1)) == 9
    assert document.line_of(("steps", 1, "column")) == 9
    assert document.line_of(("parts", "third", "column")) == 2  # as deep as the document goes
    assert document.line_of(()) == 1


def test_dates_stay_text(tmp_path: Path) -> None:
    assert read_document(_write(tmp_path, "key: 2026-06-30\n")).data == {"key": "2026-06-30"}


@pytest.mark.parametrize(
    ("change", "line", "key", "message"),
    [
        (("weight: 2", "wieght: 2"), 6, "parts.second.wieght", "allowed here: column, weight"),
        (("- column: C", "- colum: C"), 8, "steps.0.colum", "allowed here: column, weight"),
        (("{column: E}", "{column: E, url: x}"), 10, "where.Part.url",
         "allowed here: column, weight"),
        (("key: a", "key: a\nschema_nme: x"), 2, "schema_nme", "schema, limit"),
        (("weight: 2", "weight: two"), 6, "parts.second.weight", "integer"),
        (("first: {column: A}", "bad: {column: A}"), 3, "parts.bad.column", "a bad part"),
        (("key: a", "key: a\nlimit: 13"), 1, "", "unlucky limit"),
    ],
)  # fmt: skip
def test_errors_name_the_line_and_key(
    tmp_path: Path, change: tuple[str, str], line: int, key: str, message: str
) -> None:
    error = _error(tmp_path, GOOD.replace(*change))
    assert (error.line, error.key) == (line, key)
    assert message in error.message


def test_a_whole_model_problem_is_located_by_the_caller(tmp_path: Path) -> None:
    def locate(data: Mapping[str, Any]) -> tuple[Location, str]:
        return ("limit",), f"{data['limit']} is unlucky"

    error = _error(tmp_path, GOOD + "limit: 13\n", locate=locate)
    assert (error.line, error.key, error.message) == (11, "limit", "13 is unlucky")


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ("key: a\nkey: b\n", 2, "key", "repeated key (first on line 1)"),
        ("key: a\nparts:\n  x: {column: A, column: B}\n", 3, "parts.x.column", "repeated key"),
        ("key: [a\n", 2, "", "expected"),
        ("- a\n", 1, "", "mapping"),
        ("", 1, "", "mapping"),
    ],
)
def test_unusable_files(tmp_path: Path, text: str, line: int, key: str, message: str) -> None:
    error = _error(tmp_path, text)
    assert (error.line, error.key) == (line, key)
    assert message in error.message


def test_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("key: 民政局\n".encode("gbk"))
    with pytest.raises(DeclarationError, match="not UTF-8"):
        read_document(path)


def test_allowed_keys_follow_the_types() -> None:
    assert allowed_keys(Spec, ("x",)) == ["key", "parts", "steps", "where", "schema", "limit"]
    assert allowed_keys(Spec, ("parts", "any", "x")) == ["column", "weight"]
    assert allowed_keys(Spec, ("steps", 3, "x")) == ["column", "weight"]
    assert allowed_keys(Spec, ("where", "Other", "x")) == ["url"]
    assert allowed_keys(Spec, ("key", "x")) == []


def test_declaration_files(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "c.txt", "a.yaml"):
        (tmp_path / name).write_text("key: x\n", encoding="utf-8")
    assert [p.name for p in declaration_files(tmp_path, "spec")] == ["a.yaml", "b.yaml", "a.yml"]
    with pytest.raises(DeclarationError, match="no spec files"):
        declaration_files(tmp_path / "c.txt", "spec")
