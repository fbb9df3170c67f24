from pathlib import Path

import pytest

from frontline.integrate.sources import SourceError, load_source, load_sources

EXAMPLES = Path(__file__).parents[3] / "examples" / "city" / "sources"

GOOD = """\
key: pensions
department: 人力资源和社会保障局
department_key: human_resources
entity: person
format: csv
location: pensions.csv
as_of: 2026-06-30
fields:
  id_number: GMSFHM
  name: {column: XM, priority: 20}
attributes:
  payment_status: FFZT
"""


def _write(tmp_path: Path, text: str, name: str = "source.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_source_loads_with_shorthand_fields(tmp_path: Path) -> None:
    spec = load_source(_write(tmp_path, GOOD))
    assert spec.fields["id_number"].column == "GMSFHM"
    assert spec.fields["id_number"].priority == 0
    assert spec.fields["name"].priority == 20
    assert spec.columns() == {"id_number": "GMSFHM", "name": "XM", "payment_status": "FFZT"}


def test_the_shipped_examples_all_load() -> None:
    specs = load_sources(EXAMPLES)
    assert len(specs) >= 11
    assert {s.entity for s in specs} == {"person", "enterprise"}
    assert len({s.key for s in specs}) == len(specs)


@pytest.mark.parametrize(
    ("change", "line", "key", "message"),
    [
        (("  name: {column: XM, priority: 20}", "  nmae: XM"), 10, "fields.nmae", "unknown field"),
        (("format: csv", "format: xls"), 5, "format", "Input should be"),
        (("entity: person", "entity: vehicle"), 4, "entity", "unknown entity type 'vehicle'"),
        (("as_of: 2026-06-30", "as_of: 2026-13-01"), 7, "as_of", "date"),
        (("location: pensions.csv", "locaton: pensions.csv"), 6, "locaton", "unknown key"),
        (("  id_number: GMSFHM\n", ""), 8, "fields", "identifier 'id_number' must be mapped"),
        (
            ("{column: XM, priority: 20}", "{column: XM, priority: 200}"),
            10,
            "fields.name.priority",
            "100",
        ),
        (
            ("  payment_status: FFZT\n", "  payment_status: FFZT\nparent_id: mother_id\n"),
            13,
            "parent_id",
            "'mother_id' is not an attribute",
        ),
        (
            ("{column: XM, priority: 20}", "{colum: XM}"),
            10,
            "fields.name.colum",
            "allowed here: column, priority",
        ),
    ],
)
def test_errors_name_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], line: int, key: str, message: str
) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(SourceError) as caught:
        load_source(path)
    error = caught.value
    assert (error.path, error.line, error.key) == (path, line, key)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: {key}: ")


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("entity: person", "entity: [person"))
    with pytest.raises(SourceError) as caught:
        load_source(path)
    assert caught.value.line is not None
    assert str(path) in str(caught.value)


def test_a_mapping_is_required(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="a mapping"):
        load_source(_write(tmp_path, "- just\n- a list\n"))


def test_duplicate_keys_across_files_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, "a.yaml")
    second = _write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(SourceError, match="also used by") as caught:
        load_sources(tmp_path)
    assert caught.value.path == second
    assert caught.value.line == 1


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no source files"):
        load_sources(tmp_path)
