"""A team around one real server: each member's clone, the git commands they type, and the
check that nothing anyone committed or pushed was lost on the way."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import BRANCHFLOW, git, run_branchflow
from tests.framework import install_framework

# pushed ref flags of `git push --porcelain` that leave the ref at what was pushed:
# fast-forward, forced, new, up to date
_LANDED = (" ", "+", "*", "=")


def findings(text: str) -> list[tuple[str, str]]:
    """(ref, rule id) of every `branchflow: <ref>: <RULE-ID> ...` line, `remote: ` or not."""
    found = []
    for raw in text.splitlines():
        line = raw.removeprefix("remote: ")
        if not line.startswith("branchflow: "):
            continue
        ref, _, rest = line[len("branchflow: ") :].partition(": ")
        rule = rest.split(" ", 1)[0]
        if rule.startswith("BF"):
            found.append((ref, rule))
    return found


def rules_for(text: str, ref: str) -> set[str]:
    return {rule for found_ref, rule in findings(text) if found_ref == ref}


class Team:
    """Members clone ``url`` (the server ``server``) on first use; every push goes through
    :meth:`push`, which remembers what landed, so :meth:`assert_nothing_lost` can check it."""

    def __init__(self, root: Path, server: Path, url: str, *, pre_commit_home: Path) -> None:
        self.root = root
        self.server = server
        self.url = url
        self.pre_commit_home = pre_commit_home
        self.clones: dict[str, Path] = {}
        self.pushed: dict[str, set[str]] = {}

    # --- members -------------------------------------------------------------------------

    def environment(self, name: str) -> dict[str, str]:
        """What ``name``'s commands run with: their own name, so their commits can be told
        apart, and the session's pre-commit store (for carol's framework)."""
        email = f"{name}@team.example"
        return {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "PRE_COMMIT_HOME": str(self.pre_commit_home / "store"),
            "PIP_CACHE_DIR": str(self.pre_commit_home / "pip-cache"),
        }

    def join(
        self, name: str, *, framework: bool = False, hooks: bool = True, url: str | None = None
    ) -> Path:
        """``name``'s clone (of ``url``, else the team's URL) with `branchflow install --hook
        all`; with ``framework``, the real `pre-commit install` first (branchflow then chains
        pre-commit's hooks); without ``hooks``, none at all."""
        if name in self.clones:
            return self.clones[name]
        path = self.root / name
        done = self.run(self.root, "git", "clone", "-q", url or self.url, str(path), who=name)
        assert done.returncode == 0, done.stderr
        self.clones[name] = path
        if framework:
            install_framework(path, build=False)
        if hooks:
            installed = run_branchflow(path, "install", "--hook", "all")
            assert installed.returncode == 0, installed.stderr
        return path

    def run(self, cwd: Path, *args: str, who: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args),
            cwd=cwd,
            capture_output=True,
            text=True,
            env={**os.environ, **self.environment(who), **env},
            check=False,
        )

    def git(
        self, name: str, *args: str, cwd: Path | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """A git command ``name`` types in their clone (or in ``cwd``, a worktree of it)."""
        return self.run(cwd or self.clones[name], "git", *args, who=name, **env)

    def ok(self, name: str, *args: str, cwd: Path | None = None) -> str:
        """A git command that must succeed (setting the scene, not the behaviour under test)."""
        done = self.git(name, *args, cwd=cwd)
        assert done.returncode == 0, f"{name}: git {' '.join(args)}\n{done.stdout}{done.stderr}"
        return done.stdout

    def commit(
        self, name: str, message: str, *, cwd: Path | None = None, no_verify: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """A new file named after the message, committed with the hooks (unless
        ``no_verify``)."""
        where = cwd or self.clones[name]
        filename = "".join(c if c.isalnum() else "-" for c in f"{name}-{message}") + ".txt"
        (where / filename).write_text(f"{message}\n")
        self.ok(name, "add", filename, cwd=where)
        return self.git(
            name, "commit", "-m", message, *(["--no-verify"] if no_verify else []), cwd=where
        )

    def push(
        self, name: str, *args: str, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`git push ARGS` (``--porcelain`` added, to learn which refs landed)."""
        where = cwd or self.clones[name]
        done = self.git(name, "push", "--porcelain", *args, cwd=where)
        for line in done.stdout.splitlines():
            flag, _, rest = line.partition("\t")
            source = rest.split("\t", 1)[0].split(":", 1)[0]
            if flag in _LANDED and source:
                commit = self.git(name, "rev-parse", "--verify", f"{source}^{{commit}}", cwd=where)
                if commit.returncode == 0:
                    self.pushed.setdefault(name, set()).add(commit.stdout.strip())
        return done

    def branchflow(self, name: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(self.clones[name], BRANCHFLOW, *args, who=name)

    def audit(self, name: str) -> list[dict[str, object]]:
        """The findings of `branchflow audit --format json` in ``name``'s clone (after a fetch);
        no topic branch is stale: the tests' commit dates are fixed."""
        self.ok(name, "fetch", "-q", "origin")
        done = self.branchflow(name, "audit", "--format", "json", "--stale-days", "100000")
        assert done.returncode in (0, 1), done.stderr
        data = json.loads(done.stdout)
        violations: list[dict[str, object]] = data["violations"]
        return violations

    # --- the server ------------------------------------------------------------------------

    def on_server(self, branch: str) -> str:
        """The commit the server's branch points at; "" when there is no such branch."""
        ref = f"refs/heads/{branch}"
        return git(self.server, "rev-parse", "--verify", "-q", ref, check=False).stdout.strip()

    def land_as_platform(self, name: str, branch: str) -> None:
        """The hosting platform writes ``branch`` of ``name``'s clone into its repository
        itself (its merge button): no push, so no hook runs."""
        source = self.clones[name]
        git(self.server, "fetch", "-q", str(source), f"+refs/heads/{branch}:refs/heads/{branch}")
        tip = self.ok(name, "rev-parse", branch).strip()
        self.pushed.setdefault(name, set()).add(tip)

    # --- nothing lost ----------------------------------------------------------------------

    def assert_nothing_lost(self) -> None:
        """Every commit a member pushed is still on a server branch, and every commit a member
        made (reachable from any of their reflogs) is still on one of their local branches."""
        on_server = set(git(self.server, "rev-list", "--branches").stdout.split())
        for name, commits in sorted(self.pushed.items()):
            gone = sorted(commits - on_server)
            assert not gone, f"{name} pushed {gone}, which no server branch holds any more"
        for name, path in sorted(self.clones.items()):
            author = f"--author=<{name}@team.example>"
            made = set(git(path, "rev-list", "--reflog", "--all", author).stdout.split())
            held = set(git(path, "rev-list", "--branches", author).stdout.split())
            gone = sorted(made - held)
            assert not gone, f"{name}'s commits {gone} are on none of {name}'s branches"


def start_feature(team: Team, name: str, branch: str) -> None:
    """``name`` cuts ``branch`` from develop the usual way (`git switch develop`, `git switch
    -c`), commits and pushes it, through their hooks."""
    team.join(name)
    team.ok(name, "switch", "develop")
    team.ok(name, "switch", "-c", branch)
    done = team.commit(name, f"first step of {branch}")
    assert done.returncode == 0, done.stderr
    done = team.push(name, "-u", "origin", branch)
    assert done.returncode == 0, done.stderr
    team.assert_nothing_lost()
