"""The README's usage example runs, as written."""

from __future__ import annotations

import re

from conftest import BINDING


def test_readme_example_runs(capsys) -> None:  # type: ignore[no-untyped-def]
    text = (BINDING / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "the README has no python example"
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i}", "exec"), {"__name__": "readme"})
    assert "INC-1" in capsys.readouterr().out


def test_docstring_examples_run() -> None:
    import doctest

    import slaledger

    failures, tried = doctest.testmod(slaledger)
    assert tried > 0 and failures == 0
