"""Every checkable sentence about torch in the notebooks' prose runs against torch.

A prose cell of ``solutions/x*_*.ipynb`` lists the claims its sentences make in
``metadata.workbook.claims``, one record per claim::

    {"given": "X = torch.arange(12, dtype=torch.float32).reshape(3, 4)",  # optional set-up
     "run": "X[:, :2].view(6)",                 # the expression the sentence is about
     "raises": "RuntimeError",                  # the type torch raises ...
     "words": "view size is not compatible"}    # ... and words of its message
    {"run": "torch.ones(3).expand(1, 3).stride()", "gives": "(3, 1)"}   # or the repr of the result

``quote`` lists the words of the sentence that the claim checks; without it
they are the run expression and the stated result (``gives``, or ``raises``
and ``words``). Each quote must be in the cell's English text, and a quote
that the English shows as code (inside backticks) must be in its Chinese text
too. So an edit of the prose that drops a checked statement fails here, and so
does a claim that torch does not hold.
"""

import math
import re
import warnings
from fractions import Fraction

import nbformat
import numpy as np
import pytest
import torch

from workbook import check as task_check
from workbook.release import translation
from workbook_fixtures import REPO

SOURCES = translation.source_notebooks(REPO)
# Notebook reading (introduction, torch cells, side by side) beside the tasks'
# own time: the figure behind "10 to 12 hours, reading included".
READING_MINUTES = 15


def _claims():
    found = []
    for path in SOURCES:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for claim in cell.get("metadata", {}).get("workbook", {}).get("claims", []):
                found.append(pytest.param(cell, claim, id=f"{path.stem}:{index}:{claim['run']}"))
    return found


CLAIMS = _claims()


def _flat(text):
    return " ".join(text.split())


def _quotes(claim):
    if "quote" in claim:
        return claim["quote"]
    stated = [claim["gives"]] if "gives" in claim else [claim["raises"]] + [claim["words"]] * ("words" in claim)
    return [claim["run"]] + stated


def _outcome(claim):
    """``("gives", repr)`` or ``("raises", type name, message)`` of the claim's expression in torch."""
    space = {"torch": torch, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(claim.get("given", ""), space)
        try:
            return ("gives", repr(eval(claim["run"], space)))
        except Exception as error:  # the claim may be about any error torch raises
            return ("raises", type(error).__name__, str(error))


def test_the_notebooks_make_dozens_of_claims():
    assert len(CLAIMS) >= 100


@pytest.mark.parametrize("cell, claim", CLAIMS)
def test_torch_does_what_the_prose_says(cell, claim):
    outcome = _outcome(claim)
    if "gives" in claim:
        assert outcome == ("gives", claim["gives"])
    else:
        assert outcome[:2] == ("raises", claim["raises"]), outcome
        assert claim.get("words", "") in outcome[2]


@pytest.mark.parametrize("cell, claim", CLAIMS)
def test_the_prose_states_the_claim_in_both_editions(cell, claim):
    english, chinese = translation.cell_text(cell), translation.translation(cell)["source"]
    code = re.findall(r"`([^`]+)`", english)
    for quote in _quotes(claim):
        assert _flat(quote) in _flat(english), f"the English text no longer says {quote!r}"
        if any(quote in span for span in code):
            assert quote in chinese, f"the Chinese text does not say {quote!r}"


def _linspace_as_told(start, end, steps, dtype):
    """x.8's rule: up from start for i < steps // 2, down from end after, one rounding each."""
    first, last = torch.tensor(start, dtype=dtype).item(), torch.tensor(end, dtype=dtype).item()
    if steps == 1:
        return [first]
    if dtype.is_floating_point:
        kind = np.float32 if dtype == torch.float32 else np.float64
        step = float((kind(last) - kind(first)) / kind(steps - 1))
        finish = lambda exact: float(kind(float(exact)))
    else:
        step = (float(last) - float(first)) / (steps - 1)
        finish = lambda exact: math.trunc(float(exact))
    return [finish(Fraction(first) + Fraction(step) * i) if i < steps // 2
            else finish(Fraction(last) - Fraction(step) * (steps - 1 - i)) for i in range(steps)]


def _prose(name, heading):
    path = next(p for p in SOURCES if p.name == name)
    return next(_flat(c.source) for c in nbformat.read(path, as_version=4).cells
                if c.cell_type == "markdown" and c.source.startswith(heading))


def test_linspace_computes_its_values_as_x8_says():
    text = _prose("x8_help.ipynb", "### linspace")
    for formula in ["`start + step * i`", "`end - step * (steps - 1 - i)`", "`i < steps // 2`", "toward zero"]:
        assert formula in text
    grid = [(s, e, n) for s in range(-12, 13, 3) for e in range(-12, 13, 2) for n in range(1, 12)]
    for dtype in (torch.int64, torch.int32):
        for start, end, steps in grid:
            told = _linspace_as_told(start, end, steps, dtype)
            assert torch.linspace(start, end, steps, dtype=dtype).tolist() == told
    rng = np.random.default_rng(0)
    for dtype in (torch.float32, torch.float64):
        for start, end, steps in zip(rng.uniform(-50, 50, 300), rng.uniform(-50, 50, 300), rng.integers(2, 40, 300)):
            told = _linspace_as_told(float(start), float(end), int(steps), dtype)
            assert torch.linspace(float(start), float(end), int(steps), dtype=dtype).tolist() == told


def _task_minutes():
    minutes = {}
    for path in SOURCES:
        cells = nbformat.read(path, as_version=4).cells
        times = [re.search(r"^\*Time:\* about (\d+) minutes", c.source, re.M) for c in cells
                 if c.cell_type == "markdown" and c.source.startswith("### Task ")]
        minutes[path.name[:2]] = sum(int(found.group(1)) for found in times)
    return minutes


def test_the_time_estimates_add_up_to_what_x1_says():
    text = _prose("x1_creating.ipynb", "## Your turn")
    assert "about 10 to 12 hours" in text and "x.2, the longest, about 2½ hours" in text
    minutes = _task_minutes()
    total = sum(minutes.values()) + READING_MINUTES * len(minutes)
    assert 10 * 60 <= total <= 12 * 60, total
    assert max(minutes, key=minutes.get) == "x2"
    assert abs(minutes["x2"] + READING_MINUTES - 150) <= 10, minutes["x2"]


def test_requirements_point_to_a_readme_section_that_exists():
    comment = next(line for line in (REPO / "requirements.txt").read_text().splitlines() if "README.md" in line)
    section = re.search(r'README\.md, "([^"]+)"', comment).group(1)
    assert f"### {section}\n" in (REPO / "README.md").read_text()


def test_make_check_help_names_every_section(capsys):
    with pytest.raises(SystemExit):
        task_check.main(["--help"])
    assert f"(1 to {len(SOURCES)})" in _flat(capsys.readouterr().out)
