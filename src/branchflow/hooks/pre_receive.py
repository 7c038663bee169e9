"""Server side: pre-receive (all refs of a push together) and update (one ref).

git runs them in the bare repository with ``<old> <new> <ref>`` lines on stdin
(pre-receive) or as arguments (update); a non-zero exit rejects the whole push
(pre-receive) or that one ref (update), and what they print reaches the pusher
prefixed ``remote:``. The pushed objects are still in quarantine
(``repo.lookup.open_repository`` sees them).

The policy: ``--config`` (a hook argument) or BRANCHFLOW_CONFIG, else ``--preset``,
else the policy committed on the default branch as it is before this push (a
push cannot loosen the rules it is judged by), else Git Flow. A push that
changes the default branch's policy must leave it loadable (BF002).
"""

from __future__ import annotations

import os
import sys

from branchflow.checks.hints import words
from branchflow.checks.violation import Violation, blocking, violation, with_severities
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, ConfigError, RepoError
from branchflow.facts import RefUpdate
from branchflow.hooks.identity import server_pusher
from branchflow.hooks.push import judge_push
from branchflow.hooks.quick_receive import RULING_FALLBACKS, parse_receive_lines
from branchflow.policy import cache
from branchflow.policy.committed import Inputs, load_committed_policy
from branchflow.policy.compiled import CompiledPolicy
from branchflow.policy.load import load_policy
from branchflow.repo.objects import Repository
from branchflow.repo.state import is_object_id, is_zero, locate
from branchflow.report import note, print_violations, shown

# Violations a push is told in full; the rest are counted by rule.
SHOWN = 100


def _is_id(text: str) -> bool:
    return is_object_id(text)


FALLBACK_BRANCHES = RULING_FALLBACKS


def _head(repo: Repository) -> str:
    return repo.head_ref() or "refs/heads/main"


def _ruling_candidates(head: str) -> tuple[str, ...]:
    return (head, *(f"refs/heads/{b}" for b in FALLBACK_BRANCHES if f"refs/heads/{b}" != head))


def policy_branch(repo: Repository, updates: list[RefUpdate]) -> tuple[str | None, str]:
    """The branch whose committed policy judges this push, and its commit: the default
    branch (HEAD) as it is before the push; where HEAD names a branch that does not exist,
    main, then master. Where none of them exists yet, nothing rules, and the first of them
    this push creates brings the policy it is judged by. (None, ref) when there is none."""
    head = _head(repo)
    candidates = _ruling_candidates(head)
    for ref in candidates:
        commit = repo.commit_of_ref(ref)
        if commit is not None:
            return commit, ref
    pushed = {u.remote_ref: u.new for u in updates if not is_zero(u.new)}
    for ref in candidates:
        if ref in pushed:
            return pushed[ref], ref
    return None, head


def server_policy(
    repo: Repository, config: str | None, preset: str | None, updates: list[RefUpdate]
) -> tuple[CompiledPolicy, str, str | None]:
    """The policy named on the server, else the one committed on the branch that rules
    (``policy_branch``); where it came from, when that needs saying (else ""); and the ref
    of this push that brings it, when nothing ruled before (else None)."""
    if config or preset or os.environ.get("BRANCHFLOW_CONFIG"):
        return load_policy(None, config=config, preset=preset).policy, "", None
    tip, ref = policy_branch(repo, updates)
    branch = ref.removeprefix("refs/heads/")
    files = repo.files(tip, branch) if tip else None
    brought = tip is not None and tip == next((u.new for u in updates if u.remote_ref == ref), None)
    try:
        committed = load_committed_policy(files) if files is not None else None
    except (ConfigError, RepoError) as exc:
        if not brought:
            return _last_loaded(repo, ref, branch, exc)
        committed = None  # the policy this push brings does not load: BF002 refuses it
    if committed is not None and not brought:
        _remember(repo, ref, committed.policy, f"{branch} at {(tip or '')[:12]}")
    if committed is None or committed.file is None:
        policy = committed.policy if committed is not None else load_policy(None).policy
        setting_up = ref if brought else None
        if tip is not None and _is_head(repo, ref) and not brought:
            _rules(repo, ref, tip, policy, "", inputs=committed.inputs if committed else ())
            return policy, "", None  # the documented default, on the default branch
        where = (
            f"no policy is committed on {branch}"
            if tip
            else f"neither the default branch nor {' or '.join(FALLBACK_BRANCHES)} exists yet"
        )
        return policy, f"{where}; judged by {policy.label}", setting_up
    said = ""
    if brought:
        said = f"no policy rules here yet: judged by the policy this push brings on {branch}"
    elif not _is_head(repo, ref):
        said = f"the default branch does not exist: judged by the policy committed on {branch}"
    if not brought and tip is not None:
        _rules(repo, ref, tip, committed.policy, said, inputs=committed.inputs)
    return committed.policy, said, ref if brought else None


def _rules(
    repo: Repository,
    ref: str,
    tip: str,
    policy: CompiledPolicy,
    said: str,
    *,
    inputs: Inputs,
) -> None:
    """Leave the ruling policy where the quick path (``quick_receive``) finds it: keyed by
    all it depends on, so it is never stale; with the files of the commit it was read from
    (found or not), so that a push leaving them as they are can carry it along."""
    key = cache.ruling_key(repo.place, _head(repo), ref, tip)
    if cache.lookup(key) is None:
        files = tuple(path for path, _ in inputs)
        cache.store(cache.CacheEntry(key, (), policy.to_data(), (said,), {}, files=files))


def _last_loaded(
    repo: Repository, ref: str, branch: str, problem: Exception
) -> tuple[CompiledPolicy, str, str | None]:
    """While the policy committed on the ruling branch does not load, the last one that
    loaded from it here rules (else the default), so that no push, and so no repair, is
    refused for a policy nobody can load (BF002 keeps a push from breaking it)."""
    entry = cache.lookup(cache.last_loaded_key(repo.place, ref))
    policy = CompiledPolicy.from_cache(entry.policy) if entry is not None else None
    if entry is not None and policy is not None and entry.warnings:
        source = f"the last policy that loaded from {entry.warnings[0]}"
    else:
        policy = None
    if policy is None:
        policy = load_policy(None).policy
        source = f"the default, {policy.label}"
    said = (
        f"the policy committed on {branch} does not load; until a push repairs it, pushes "
        f"are judged by {source}:\n  {problem}"
    )
    return policy, said, None


def _remember(repo: Repository, ref: str, policy: CompiledPolicy, where: str) -> None:
    key = cache.last_loaded_key(repo.place, ref)
    data = policy.to_data()
    entry = cache.lookup(key)
    if entry is None or entry.policy != data or entry.warnings != (where,):
        cache.store(cache.CacheEntry(key, (), data, (where,), {}))


def _is_head(repo: Repository, ref: str) -> bool:
    return repo.head_ref() == ref


def _pushed_policy(
    repo: Repository, updates: list[RefUpdate], ruling: CompiledPolicy, ref: str
) -> list[Violation]:
    """BF002: a push must not leave the branch whose policy rules (``ref``) with a policy
    that does not load; nor create the default branch (HEAD) while another one rules with a
    policy of its own, which would then judge every later push."""
    head = _head(repo)
    out = []
    for update in updates:
        creates_head = update.remote_ref == head != ref and is_zero(update.old)
        if update.remote_ref not in (ref, head) or is_zero(update.new):
            continue
        if update.remote_ref != ref and not creates_head:
            continue
        branch = update.remote_ref.removeprefix("refs/heads/")
        files = repo.files(update.new, update.new[:12])
        try:
            pushed = (
                load_committed_policy(files, remember=False).policy if files is not None else None
            )
        except (ConfigError, RepoError) as exc:
            first, *rest = str(exc).split("\n")
            out.append(
                violation(
                    "BF002",
                    branch,
                    f"the policy this push puts on the default branch does not load: {first}",
                    details=tuple(line.strip() for line in rest if line.strip()),
                    hint=words("fix the policy file and push again"),
                )
            )
            continue
        if creates_head and (pushed is None or pushed.to_data()[1:] != ruling.to_data()[1:]):
            ruler = ref.removeprefix("refs/heads/")
            out.append(
                violation(
                    "BF002",
                    branch,
                    f"{branch} is the default branch (HEAD): creating it would put its policy "
                    f"in charge of every later push, and it differs from {ruler}'s, which "
                    "rules now",
                    hint=words(
                        f"create {branch} with {ruler}'s policy, or have an administrator point "
                        f"HEAD at {ruler}: git symbolic-ref HEAD refs/heads/{ruler}"
                    ),
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
    # A hosting user without a writable home (a web server's) keeps the cache beside the
    # repository it owns: loading the policy anew costs each push about 300 ms.
    cache.fallback_dir = os.path.join(location.common_dir, "branchflow-cache")
    repo = Repository(location)
    policy, said, brought = server_policy(repo, config, preset, updates)
    if said:
        note(said)
    if brought is not None and not _on_a_platform():
        _warn_pull_request_only(policy)
    session = repo.session(policy)
    session.pusher_remote = "origin"  # hints name the server's branches as the pusher does
    out: list[Violation] = [
        violation("BF001", shown(line[:80]), "a line of the push is not '<old> <new> <ref>'")
        for line in bad
    ]
    readable = []
    for update in updates:
        if update.remote_ref.startswith("refs/remotes/") and not is_zero(update.new):
            out.append(
                violation(
                    "BF001",
                    update.remote_ref,
                    "a server's repository keeps branches under refs/heads/ and tags under "
                    "refs/tags/; refs/remotes/ belongs to clones",
                    hint=words("push branches under refs/heads/: git push origin <branch>"),
                )
            )
        elif update.remote_ref.startswith("refs/replace/") and not is_zero(update.new):
            out.append(
                violation(
                    "BF001",
                    update.remote_ref,
                    "a replace ref makes git show other content in place of a commit (on the "
                    "server, in mirrors and archives) without any branch changing; branchflow "
                    "judges branches, so none is taken",
                )
            )
        elif is_zero(update.new) or repo.readable(update.new):
            readable.append(update)
        else:
            out.append(
                violation(
                    "BF001",
                    update.remote_ref,
                    f"the pushed object {update.new[:12]} "
                    + (
                        "cannot be read: it is malformed"
                        if repo.stored(update.new)
                        else "is not in the repository"
                    ),
                )
            )
    named = bool(config or preset or os.environ.get("BRANCHFLOW_CONFIG"))
    if not named:  # a policy named on the server rules whatever is committed
        out += _pushed_policy(repo, readable, policy, policy_branch(repo, updates)[1])
    pusher = server_pusher(os.environ) if policy.names_pusher else None
    out += judge_push(
        session,
        readable,
        None,
        platform_merge=platform_merge(),
        setting_up=brought,
        pusher=pusher,
    )
    out = with_severities(policy, out)
    print_violations(out, limit=SHOWN)
    return out, policy.label


def _on_a_platform() -> bool:
    """Whether a hosting platform runs the hook (it sets its variables on every push):
    GitLab (GL_ID, GL_PROTOCOL, ...), Gitea and Forgejo (GITEA_*)."""
    # gitolite sets GL_USER and GL_REPO too, and has no pull requests: GitLab's own names.
    gitlab = ("GL_ID", "GL_PROTOCOL", "GL_USERNAME", "GL_REPOSITORY")
    return any(key in os.environ for key in gitlab) or any(
        key.startswith("GITEA_") for key in os.environ
    )


def _warn_pull_request_only(policy: CompiledPolicy) -> None:
    """Setting up a repository on a plain git server with branches that take changes only
    through pull requests: nothing can ever change them here; say so while it is cheap."""
    only = [r.name for r in policy.branches if r.protection == "pull-request"]
    if only:
        note(
            f"{', '.join(only)} branches take changes only through pull requests, and this "
            "server shows no hosting platform to merge them: no push will change them once "
            "they exist. On a plain git server give them protected: merges (README, A new "
            "repository, with a team)"
        )


def platform_merge() -> bool:
    """Whether the hosting platform itself is writing (merging a pull request): GitLab marks
    its web-side writes GL_PROTOCOL=web, Gitea and Forgejo name the pull request."""
    return os.environ.get("GL_PROTOCOL") == "web" or bool(os.environ.get("GITEA_PR_ID"))


def run_pre_receive(config: str | None, preset: str | None, raw: bytes | None = None) -> int:
    """``raw``: the push's lines, when already read (by the quick path)."""
    updates, bad = parse_receive_lines(sys.stdin.buffer.read() if raw is None else raw)
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
