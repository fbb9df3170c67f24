import pytest
import typer
from typer.testing import CliRunner, Result

from frontline.cli import ids
from frontline.cli.app import build_app
from frontline.ids.resident import check_digit


def invoke(*args: str) -> Result:
    app = typer.Typer()
    ids.register(app)

    @app.callback()
    def main() -> None:
        """Keeps `ids` a sub-command even though it is the only one."""

    return CliRunner().invoke(app, ["ids", *args], env={"COLUMNS": "250"})


def test_the_app_has_the_ids_group() -> None:
    result = CliRunner().invoke(build_app(), ["ids", "--help"])
    assert result.exit_code == 0
    assert "check" in result.output
    assert "divisions" in result.output


def test_check_masks_resident_ids_by_default() -> None:
    result = invoke("check", "11010519491231002X")
    assert result.exit_code == 0, result.output
    assert "110105********002X" in result.output
    assert "11010519491231002X" not in result.output
    assert "1949" not in result.output
    assert "valid" in result.output
    assert "女 female" in result.output
    assert "北京市 朝阳区" in result.output


def test_unmask_shows_the_number_and_birth_date() -> None:
    result = invoke("check", "--unmask", "11010519491231002X")
    assert result.exit_code == 0
    assert "11010519491231002X" in result.output
    assert "1949-12-31" in result.output


def test_repairs_and_upgrades_are_listed() -> None:
    result = invoke("check", "１１０１０５１９４９１２３１００２ｘ", "110105491231002")
    assert result.exit_code == 0, result.output
    assert result.output.count("repaired") == 2
    assert "fullwidth_digits" in result.output
    assert "lowercase_x" in result.output
    assert "upgraded_15_to_18" in result.output


def test_an_invalid_value_exits_1_with_its_reason() -> None:
    result = invoke("check", "11010519491231002X", "110105194912310021")
    assert result.exit_code == 1
    assert "checksum" in result.output
    assert "110105194912310021" not in result.output


def test_valid_credit_codes_are_shown_in_full_and_invalid_values_masked() -> None:
    result = invoke("check", "91110000600037341L", "1101051949123100A2")
    assert result.exit_code == 1
    assert "91110000600037341L" in result.output
    assert "credit code" in result.output
    assert "工商/企业" in result.output
    assert "checksum" in result.output
    # A resident ID with a stray letter is taken for a credit code, but not revealed.
    assert "1101051949123100A2" not in result.output
    assert "110105********00A2" in result.output


def test_area_rule_option() -> None:
    number = "33010619500101001" + check_digit("33010619500101001")
    assert invoke("check", number).exit_code == 1
    result = invoke("check", "--area-rule", "since_birth", number)
    assert result.exit_code == 0, result.output
    assert "浙江省 杭州市 西湖区" in result.output


def test_divisions_shows_every_version_and_marks_the_year() -> None:
    result = invoke("divisions", "120110", "--year", "1990")
    assert result.exit_code == 0, result.output
    assert "东郊区" in result.output
    assert "东丽区" in result.output
    assert "← 1990" in result.output


def test_a_code_not_in_force_in_the_year_exits_1() -> None:
    result = invoke("divisions", "110103", "--year", "2015")
    assert result.exit_code == 1
    assert "崇文区" in result.output
    assert "not in force in 2015" in result.output


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("330106001001", "330106001000"),
        ("330106101200007", "网格 grid 7"),
    ],
)
def test_divisions_resolves_statistical_and_grid_codes(code: str, expected: str) -> None:
    result = invoke("divisions", code)
    assert result.exit_code == 0, result.output
    assert expected in result.output
    assert "西湖区" in result.output


@pytest.mark.parametrize("code", ["999999", "110105001001", "33010610120000x"])
def test_unknown_codes_exit_1(code: str) -> None:
    assert invoke("divisions", code).exit_code == 1
