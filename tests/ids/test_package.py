import subprocess
import sys

import frontline.ids


def test_importing_the_package_loads_no_data() -> None:
    code = (
        "import frontline.ids, frontline.ids.sql, frontline.ids.arrays\n"
        "from frontline.ids.divisions import load_divisions\n"
        "from frontline.ids.statistical import load_statistical\n"
        "from frontline.ids.registration import registration_types\n"
        "print(load_divisions.cache_info().currsize, load_statistical.cache_info().currsize,"
        " registration_types.cache_info().currsize)"
    )
    result = subprocess.run(  # noqa: S603 - runs this interpreter on a constant script
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["0", "0", "0"]


def test_public_names_are_exported() -> None:
    for name in frontline.ids.__all__:
        assert hasattr(frontline.ids, name), name
    assert frontline.ids.parse_resident_id("11010519491231002X").is_valid
    assert frontline.ids.parse_credit_code("91110000600037341L").is_valid
