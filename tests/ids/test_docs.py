"""The Python examples in docs/identifiers.md run and print what the document says."""

import doctest
import re
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "identifiers.md"


def test_the_examples_in_the_identifiers_doc_run() -> None:
    blocks = re.findall(r"```pycon\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) >= 8
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(blocks), {}, DOC.name, str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} example(s) in {DOC.name} failed; see above"
    assert runner.tries > 20
