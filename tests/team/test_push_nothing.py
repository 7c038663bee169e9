"""carol uses the pre-commit framework and, on top of it, `branchflow install --hook all`
(pre-commit's hooks run first, as `<hook>.branchflow-chained`). She pushes when there is
nothing to send, as everyone does: git still runs pre-push, with no refs; the push succeeds."""

from __future__ import annotations

import pytest

from tests.team.team import Team

pytestmark = pytest.mark.e2e


def test_pushing_nothing_through_the_chained_framework(team: Team) -> None:
    carol = team.join("carol", framework=True)
    hooks = carol / ".git" / "hooks"
    chained = hooks / "pre-push.branchflow-chained"
    assert "pre-commit" in chained.read_text()  # the framework's hook, kept and run first
    assert "branchflow-native-hook: pre-push" in (hooks / "pre-push").read_text()

    team.ok("carol", "switch", "develop")
    for args in (("push",), ("push", "origin", "develop"), ("push", "origin", "main:main")):
        done = team.git("carol", *args)
        said = done.stdout + done.stderr
        assert done.returncode == 0, f"git {' '.join(args)} with nothing to send:\n{said}"
        assert "Everything up-to-date" in said
        assert "Traceback" not in said
        assert "unexpected error" not in said
    team.assert_nothing_lost()
