"""Server side: pre-receive (all refs of a push together) and update (one ref).

git runs them in the bare repository with ``<old> <new> <ref>`` lines on stdin
(pre-receive) or as arguments (update); a non-zero exit rejects the push, and
what they print reaches the pusher prefixed ``remote:``. The pushed objects are
still in quarantine (``repo.inspect.open_repository`` sees them).

The policy: ``--config`` (a hook argument) or BRANCHFLOW_CONFIG, else ``--preset``,
else the policy committed on the default branch as it is before this push (a
push cannot loosen the rules it is judged by), else Git Flow. A push that
changes the default branch's policy must leave it loadable (BF002).
"""

from __future__ import annotations

import os
import sys

import pygit2

from branchflow.checks.violation import Violation, blocking, judge, violation
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, ConfigError, RepoError
from branchflow.hooks.push import RefUpdate, is_zero, judge_push
from branchflow.hooks.session import RepoSession
from branchflow.policy.committed import load_committed_policy
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.load import load_policy
from branchflow.repo.committed import commit_files, default_branch_tip
from branchflow.repo.inspect import open_repository
from branchflow.repo.state import decode, locate
from branchflow.report import note, print_violations, shown


def parse_receive_lines(raw: bytes) -> tuple[list[RefUpdate], list[str]]:
    """``<old> <new> <ref>`` lines; anything else is reported, never trusted."""
    updates, bad = [], []
    for line in decode(raw).splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and all(_is_id(p) for p in parts[:2]) and parts[2]:
            updates.append(RefUpdate("", parts[1], parts[2], parts[0]))
        elif line.strip():
            bad.append(line)
    return updates, bad


def _is_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def server_policy(
    repo: pygit2.Repository, config: str | None, preset: str | None
) -> CompiledPolicy:
    """The policy named on the server, else the one committed on the default branch."""
    if config or preset or os.environ.get("BRANCHFLOW_CONFIG"):
        return load_policy(None, config=config, preset=preset).policy
    tip = default_branch_tip(repo)
    files = commit_files(repo, tip, repo.head.shorthand) if tip else None
    if files is None:
        return load_policy(None).policy
    return load_committed_policy(files).policy


def _pushed_policy(repo: pygit2.Repository, updates: list[RefUpdate]) -> list[Violation]:
    """BF002: a push must not leave the default branch with a policy that does not load."""
    try:
        default = repo.references["HEAD"].target
    except (KeyError, pygit2.GitError):
        return []
    out = []
    for update in updates:
        if update.remote_ref != default or is_zero(update.new):
            continue
        files = commit_files(repo, update.new, update.new[:12])
        try:
            if files is not None:
                load_committed_policy(files)
        except (ConfigError, RepoError) as exc:
            out.append(
                violation(
                    "BF002",
                    update.remote_ref.removeprefix("refs/heads/"),
                    f"the policy this push puts on the default branch does not load: {exc}",
                    hint="fix the policy file and push again",
                )
            )
    return out


def judge_received(
    config: str | None, preset: str | None, updates: list[RefUpdate], bad: list[str]
) -> int:
    location = locate()
    if location is None:
        raise RepoError("not inside a git repository")
    repo = open_repository(location)
    policy = server_policy(repo, config, preset)
    session = RepoSession(location, policy, repo)
    out: list[Violation] = [
        violation("BF001", shown(line[:80]), "a line of the push is not '<old> <new> <ref>'")
        for line in bad
    ]
    readable = []
    for update in updates:
        if is_zero(update.new) or _readable(repo, update.new):
            readable.append(update)
        else:
            out.append(
                violation(
                    "BF001",
                    update.remote_ref,
                    f"the pushed object {update.new[:12]} is not in the repository",
                )
            )
    out += _pushed_policy(repo, readable)
    out += judge_push(session, readable, None, platform_merge=platform_merge())
    out = judge(policy, out)
    print_violations(out)
    if blocking(out):
        refs = len({v.ref for v in out if v.severity == "error"})
        note(f"push rejected: {refs} ref(s) break {policy.label}; nothing was updated")
        return EXIT_VIOLATION
    return EXIT_OK


def platform_merge() -> bool:
    """Whether the hosting platform itself is writing (merging a pull request): GitLab marks
    its web-side writes GL_PROTOCOL=web, Gitea and Forgejo name the pull request."""
    return os.environ.get("GL_PROTOCOL") == "web" or bool(os.environ.get("GITEA_PR_ID"))


def _readable(repo: pygit2.Repository, object_id: str) -> bool:
    try:
        repo[object_id]
    except (KeyError, ValueError):
        return False
    return True


def run_pre_receive(config: str | None, preset: str | None) -> int:
    updates, bad = parse_receive_lines(sys.stdin.buffer.read())
    return judge_received(config, preset, updates, bad)


def run_update(config: str | None, preset: str | None, ref: str, old: str, new: str) -> int:
    if not (_is_id(old) and _is_id(new)):
        return judge_received(config, preset, [], [f"{old} {new} {ref}"])
    return judge_received(config, preset, [RefUpdate("", new, ref, old)], [])
