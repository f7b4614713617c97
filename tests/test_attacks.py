"""Every attack of the hostile-input and failing-machine suite (tests/support/attacks.py), each
against real loopback servers, a real SQLite file and real `python -m dumon` processes.

The slow ones (parsing 200,000 crafted openers, 30 pages of 9.5 MB) run with `-m slow`;
`bench/attack_bench.py` runs them all and prints the figures.
"""

from __future__ import annotations

import pytest

from support.attacks import ATTACKS, Lab, Skipped


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=[pytest.mark.slow] if attack.slow else [], id=name)
        for name, attack in ATTACKS.items()
    ],
)
def test_attack(name, tmp_path):
    with Lab(tmp_path) as lab:
        try:
            verdict = ATTACKS[name].run(lab)
        except Skipped as reason:
            pytest.skip(str(reason))
    assert verdict.passed, verdict.detail
