from __future__ import annotations

import doctest
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "names.md"


def test_examples_in_docs_run() -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(DOC.read_text("utf-8"), {}, "names.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.attempted >= 6
    assert results.failed == 0
