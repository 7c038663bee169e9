"""Server side: pre-receive (all refs of a push together) and update (one ref).

git runs them in the bare repository with ``<old> <new> <ref>`` lines on stdin
(pre-receive) or as arguments (update); a non-zero exit rejects the whole push
(pre-receive) or that one ref (update), and what they print reaches the pusher
prefixed ``remote:``. The pushed objects are still in quarantine
(``repo.inspect.open_repository`` sees them).

The policy: ``--config`` (a hook argument) or BRANCHFLOW_CONFIG, else ``--preset``,
else the policy committed on the default branch as it is before this push (a
push cannot loosen the rules it is judged by), else Git Flow. A push that
changes the default branch's policy must leave it loadable (BF002).
"""

from __future__ import annotations

import os
import sys
import zlib

import pygit2

from branchflow.checks.hints import words
from branchflow.checks.violation import Violation, blocking, judge, violation
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, ConfigError, RepoError
from branchflow.hooks.push import RefUpdate, is_zero, judge_push
from branchflow.hooks.session import RepoSession
from branchflow.policy import cache
from branchflow.policy.discover import PYPROJECT, ROOT_FILES
from branchflow.policy.load import LoadedPolicy, build_policy, load_policy
from branchflow.repo.committed import read_committed
from branchflow.repo.inspect import open_repository
from branchflow.repo.state import RepoLocation, decode, locate
from branchflow.report import note, print_violations, shown

MAX_EXTENDS = 10
POLICY_FILES = (*ROOT_FILES, PYPROJECT)


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


def materialize_policy(repo: pygit2.Repository, commit_id: str, root: str) -> bool:
    """Write the commit's policy files (and the files they extend) under ``root``, where
    discovery finds them; False when the commit has none."""
    found = {name: read_committed(repo, commit_id, name) for name in POLICY_FILES}
    os.makedirs(root, exist_ok=True)
    for name, data in found.items():
        path = os.path.join(root, name)
        if data is None:
            if os.path.exists(path):
                os.unlink(path)
        else:
            _write_if_changed(path, data)
    if not any(found.values()):
        return False
    from branchflow.policy.discover import discover  # YAML and TOML only when a policy is there
    from branchflow.policy.layers import extends_path, read_layer

    chosen = discover(root)
    if chosen.path is None:
        return True
    layer = read_layer(chosen.path, chosen.path, pyproject=chosen.pyproject)
    for _ in range(MAX_EXTENDS):
        target = extends_path(layer.data.get("extends"))
        relative = os.path.relpath(os.path.dirname(layer.path), root)
        name = os.path.normpath(os.path.join(relative, target)) if target else ""
        data = read_committed(repo, commit_id, name) if name and not name.startswith("..") else None
        if data is None:
            break
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write_if_changed(path, data)
        layer = read_layer(path, name)
    return True


def _write_if_changed(path: str, data: bytes) -> None:
    if cache.read_bytes(path) != data:
        with open(path, "wb") as f:
            f.write(data)


def _server_dir(location: RepoLocation, what: str) -> str:
    """A folder of the user's cache for this repository (never inside the repository); a
    fresh temporary one when the cache is turned off."""
    base = cache.cache_dir()
    if base is None:
        import tempfile

        return tempfile.mkdtemp(prefix=f"branchflow-{what}-")
    key = zlib.crc32(os.path.realpath(location.git_dir).encode("utf-8", "surrogateescape"))
    return os.path.join(base, "server", f"{key:08x}", what)


FALLBACK_BRANCHES = ("main", "master")


def policy_branch(repo: pygit2.Repository, updates: list[RefUpdate]) -> tuple[str | None, str]:
    """The branch whose committed policy judges this push, and its commit: the default
    branch (HEAD) as it is before the push; where HEAD names a branch that does not exist,
    main, then master. In an empty repository, the first push of that branch brings the
    policy it is judged by. (None, ref) when no such branch has a commit."""
    try:
        head = str(repo.references["HEAD"].target)
    except (KeyError, pygit2.GitError):
        head = "refs/heads/main"
    empty = not any(r.startswith("refs/heads/") for r in map(decode, repo.raw_listall_references()))
    pushed = {u.remote_ref: u.new for u in updates if not is_zero(u.new)}
    for ref in (head, *(f"refs/heads/{b}" for b in FALLBACK_BRANCHES if b != head[11:])):
        if empty and ref in pushed:
            return pushed[ref], ref
        try:
            return str(repo.references[ref].peel(pygit2.Commit).id), ref
        except (KeyError, ValueError, pygit2.GitError):
            continue
    return None, head


def server_policy(
    location: RepoLocation,
    repo: pygit2.Repository,
    config: str | None,
    preset: str | None,
    updates: list[RefUpdate],
) -> tuple[LoadedPolicy, str]:
    """The policy, and where it came from when that needs saying (else "")."""
    if config or preset or os.environ.get("BRANCHFLOW_CONFIG"):
        return load_policy(None, config=config, preset=preset), ""
    tip, ref = policy_branch(repo, updates)
    branch = ref.removeprefix("refs/heads/")
    root = _server_dir(location, "current")
    if tip is None or not materialize_policy(repo, tip, root):
        loaded = load_policy(None)
        if tip is not None and _is_head(repo, ref):
            return loaded, ""  # the documented default, on the default branch
        where = (
            f"no policy is committed on {branch}"
            if tip
            else f"neither the default branch nor {' or '.join(FALLBACK_BRANCHES)} exists yet"
        )
        return loaded, f"{where}; judged by {loaded.policy.label}"
    loaded = load_policy(root)
    said = ""
    if tip == next((u.new for u in updates if u.remote_ref == ref), None):
        said = f"the repository is empty: judged by the policy this push brings on {branch}"
    elif not _is_head(repo, ref):
        said = f"the default branch does not exist: judged by the policy committed on {branch}"
    return loaded, said


def _is_head(repo: pygit2.Repository, ref: str) -> bool:
    try:
        return str(repo.references["HEAD"].target) == ref
    except (KeyError, pygit2.GitError):
        return False


def _pushed_policy(
    location: RepoLocation, repo: pygit2.Repository, updates: list[RefUpdate], ref: str
) -> list[Violation]:
    """BF002: a push must not leave the branch whose policy rules (``ref``) with a policy
    that does not load."""
    out = []
    for update in updates:
        if update.remote_ref != ref or is_zero(update.new):
            continue
        root = _server_dir(location, "pushed")
        try:
            if materialize_policy(repo, update.new, root):
                build_policy(root)
        except ConfigError as exc:
            out.append(
                violation(
                    "BF002",
                    update.remote_ref.removeprefix("refs/heads/"),
                    f"the policy this push puts on the default branch does not load: {exc}",
                    hint=words("fix the policy file and push again"),
                )
            )
    return out


def judge_received(
    config: str | None, preset: str | None, updates: list[RefUpdate], bad: list[str]
) -> tuple[list[Violation], str]:
    """What is wrong with the received updates (printed), and the label of the policy."""
    location = locate()
    if location is None:
        raise RepoError("not inside a git repository")
    repo = open_repository(location)
    loaded, said = server_policy(location, repo, config, preset, updates)
    if said:
        note(said)
    session = RepoSession(location, loaded.policy, repo)
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
    out += _pushed_policy(location, repo, readable, policy_branch(repo, updates)[1])
    out += judge_push(session, readable, None, platform_merge=platform_merge())
    out = judge(loaded.policy, out)
    print_violations(out)
    return out, loaded.policy.label


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
    out, label = judge_received(config, preset, updates, bad)
    if not blocking(out):
        return EXIT_OK
    refs = len({v.ref for v in out if v.severity == "error"})
    note(f"push rejected: {refs} ref(s) break {label}; nothing was updated")
    return EXIT_VIOLATION


def run_update(config: str | None, preset: str | None, ref: str, old: str, new: str) -> int:
    """git runs it once per ref: a refusal refuses this ref only, and the other refs of the
    push are updated or refused by their own runs."""
    if _is_id(old) and _is_id(new):
        out, label = judge_received(config, preset, [RefUpdate("", new, ref, old)], [])
    else:
        out, label = judge_received(config, preset, [], [f"{old} {new} {ref}"])
    if not blocking(out):
        return EXIT_OK
    note(f"{ref} refused: it breaks {label}; the other refs of this push are judged on their own")
    return EXIT_VIOLATION
