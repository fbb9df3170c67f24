from __future__ import annotations

import subprocess
import sys

import frontline.names


def test_public_api_is_exported() -> None:
    for name in frontline.names.__all__:
        assert getattr(frontline.names, name) is not None


def test_import_loads_no_data() -> None:
    script = (
        "import frontline.names as n\n"
        "from frontline.names import generator, given_names, homophones, minority, surnames\n"
        "loaders = [surnames.surname_table, given_names.given_chars, given_names.whole_given_names,"
        " minority.minority_table, homophones.homophone_table]\n"
        "print(sum(f.cache_info().currsize for f in loaders))\n"
    )
    command = [sys.executable, "-c", script]
    out = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "0"
