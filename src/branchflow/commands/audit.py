"""``branchflow audit``: where a repository stands against its policy.

Reported, for every local and remote-tracking branch and the first-parent
history of every protected branch: names that match no type, wrong bases,
merges of disallowed sources, commits made directly on protected branches
(fast-forwards named as such), topic branches idle past ``stale_after_days``,
releases that reached a tagged branch without their tag, and tags that break
the template. ``--since`` limits it to what happened after a date;
``--baseline FILE`` records today's findings once and reports only new ones
afterwards, so a team can adopt a policy without first rewriting its past.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

import pygit2

from branchflow.checks.base import check_base
from branchflow.checks.history import (
    HistoryCommit,
    check_history,
    check_release_tags,
    check_stale,
    check_tag_names,
)
from branchflow.checks.names import check_branch_name
from branchflow.checks.tags import version_of
from branchflow.checks.violation import Violation, blocking, judge
from branchflow.commands.context import command_context
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, ConfigError, RepoError, UsageError
from branchflow.formats import to_json, to_sarif
from branchflow.hooks.session import RepoSession
from branchflow.policy.compiled import BranchRule
from branchflow.repo.base import reflog_evidence
from branchflow.repo.history import commit_at
from branchflow.repo.history_index import HistoryIndex
from branchflow.repo.inspect import GIT_ENV, BranchTip
from branchflow.repo.merge_message import MergeSource, parse_merge_message
from branchflow.report import note, print_violations

BASELINE_FORMAT = 1


class Progress:
    """A one-line progress indicator on stderr, only when a person is watching."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, what: str) -> None:
        now = time.monotonic()
        if self.enabled and now - self.last > 0.1:
            self.last = now
            sys.stderr.write(f"\r\x1b[Kbranchflow audit: {what}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _since(text: str | None) -> int:
    if not text:
        return 0
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since: expected a date as YYYY-MM-DD, got {text!r}") from None
    return int(
        datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp()
    )


class Auditor:
    def __init__(self, session: RepoSession, since: int, stale_days: int, progress: Progress):
        self.session = session
        self.policy = session.policy
        self.repo = session.repo
        self.since = since
        self.stale_days = stale_days
        self.progress = progress
        cwd = session.location.work_tree or session.location.git_dir
        self.cwd = cwd
        self.index = HistoryIndex(self.repo, cwd, session.tips, session.is_long_lived, progress)
        self.tags = self._tags()
        self.by_commit: dict[str, list[str]] = {}
        for tip in session.tips:
            self.by_commit.setdefault(tip.target, []).append(tip.name)
        self.commits_seen = 0

    def _tags(self) -> dict[str, str]:
        """Tag name -> the commit it marks."""
        found = {}
        for raw in self.repo.raw_listall_references():
            if not raw.startswith(b"refs/tags/"):
                continue
            name = raw[len(b"refs/tags/") :].decode("utf-8", "surrogateescape")
            try:
                found[name] = str(self.repo.references[raw.decode()].peel(pygit2.Commit).id)
            except (KeyError, ValueError, UnicodeError, pygit2.GitError):
                continue
        return found

    def branches(self) -> dict[str, BranchTip]:
        """One tip per branch name: the local branch, else a remote-tracking one."""
        chosen: dict[str, BranchTip] = {}
        for tip in sorted(self.session.tips, key=lambda t: t.remote is not None):
            chosen.setdefault(tip.name, tip)
        return chosen

    def run(self) -> list[Violation]:
        out: list[Violation] = []
        branches = self.branches()
        now = int(time.time())
        for n, (name, tip) in enumerate(sorted(branches.items())):
            self.progress(f"branches {n + 1}/{len(branches)}")
            commit = commit_at(self.repo, tip.target)
            when = commit.commit_time if commit is not None else 0
            if when < self.since:
                continue
            match, found = check_branch_name(self.policy, name)
            out += [v._replace(details=()) for v in found]  # the allowed list, once, below
            if match is None or match.rule is None:
                continue
            rule = match.rule
            if rule.from_:
                out += self._base(name, tip, rule)
            out += check_stale(name, rule, when, now, self.stale_days)
            if rule.protection:
                out += self._history(name, tip, rule)
        tags = [t for t, c in self.tags.items() if self._time(c) >= self.since]
        out += check_tag_names(self.policy, sorted(tags))
        return out

    def _time(self, commit_id: str) -> int:
        commit = commit_at(self.repo, commit_id)
        return commit.commit_time if commit is not None else 0

    def _base(self, name: str, tip: BranchTip, rule: BranchRule) -> list[Violation]:
        evidence = None
        if tip.remote is None:
            evidence = reflog_evidence(
                self.repo, self.session.location, name, tip.target, self.session.remotes
            )
        if evidence is None:
            evidence = self.index.evidence(name, tip.target)
        existing = self.session.existing_names(rule.from_)
        return check_base(self.policy, name, rule, evidence, existing)

    def _history(self, name: str, tip: BranchTip, rule: BranchRule) -> list[Violation]:
        commits: list[HistoryCommit] = []
        for commit_id, parents, when, summary in first_parent_log(self.cwd, tip.target):
            if when < self.since:
                break
            self.commits_seen += 1
            if self.commits_seen % 1000 == 0:
                self.progress(f"history of {name}: {len(commits)} commits")
            if not parents:
                continue  # the repository's first commit lands somewhere
            sources: tuple[MergeSource, ...] = ()
            if len(parents) > 1:
                parsed = parse_merge_message(summary, self.session.remotes)
                sources = parsed or tuple(self._source_of(p) for p in parents[1:])
                sources = tuple(self._with_holders(s) for s in sources)
            other_tips = tuple(n for n in self.by_commit.get(commit_id, ()) if n != name)
            commits.append(
                HistoryCommit(commit_id, len(parents), summary, when, sources, other_tips)
            )
        out = check_history(self.policy, name, rule, commits)
        tags = self.policy.tags
        if tags is not None and rule.name in tags.on:
            versions = set()
            for tag in self.tags:
                found = self.policy.classify_tag(tag)
                version = version_of(found[1]) if found is not None else None
                versions.add(version or tag.lstrip("vV"))
            out += check_release_tags(self.policy, name, commits, versions)
        return out

    def _source_of(self, commit_id: str) -> MergeSource:
        names = self.by_commit.get(commit_id)
        if names:
            return MergeSource(sorted(names)[0], "branch")
        tag = next((t for t, c in self.tags.items() if c == commit_id), None)
        return MergeSource(tag, "tag") if tag else MergeSource(commit_id, "commit")

    def _with_holders(self, source: MergeSource) -> MergeSource:
        if source.kind != "tag" or source.name not in self.tags:
            return source
        return source._replace(on=tuple(self.index.names_containing(self.tags[source.name])))


def first_parent_log(cwd: str, tip: str) -> list[tuple[str, list[str], int, str]]:
    """(commit, parents, commit time, subject) down the first-parent line, newest first."""
    env = {k: v for k, v in os.environ.items() if k not in GIT_ENV}
    done = subprocess.run(
        ["git", "log", "--first-parent", "--format=%H %P%x09%ct%x09%s", tip, "--"],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
    )
    out = []
    for line in done.stdout.decode("utf-8", "surrogateescape").splitlines():
        ids, _, rest = line.partition("\t")
        when, _, summary = rest.partition("\t")
        commit_id, *parents = ids.split()
        out.append((commit_id, parents, int(when or 0), summary))
    return out


def load_baseline(path: str) -> set[str] | None:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a branchflow baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("branchflow_baseline") != BASELINE_FORMAT:
        raise ConfigError(f"{path}: not a branchflow baseline (written by `audit --baseline`)")
    return set(data.get("fingerprints", []))


def write_baseline(path: str, violations: list[Violation], label: str) -> None:
    data = {
        "branchflow_baseline": BASELINE_FORMAT,
        "policy": label,
        "written": datetime.date.today().isoformat(),
        "fingerprints": sorted({v.fingerprint for v in violations}),
    }
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def run(args: argparse.Namespace) -> int:
    context = command_context(args)
    if context.location is None:
        raise RepoError("not inside a git repository")
    policy = context.loaded.policy
    stale = policy.stale_after_days if args.stale_days is None else args.stale_days
    progress = Progress()
    started = time.perf_counter()
    session = RepoSession(context.location, policy)
    auditor = Auditor(session, _since(args.since), stale, progress)
    violations = judge(policy, auditor.run())
    progress.done()
    known = 0
    if args.baseline:
        baseline = load_baseline(args.baseline)
        if baseline is None or args.update_baseline:
            write_baseline(args.baseline, violations, policy.label)
            note(
                f"recorded {len(violations)} finding(s) in {args.baseline}; from now on only "
                "new ones are reported"
            )
            return EXIT_OK
        fresh = [v for v in violations if v.fingerprint not in baseline]
        known = len(violations) - len(fresh)
        violations = fresh
    branches = len(auditor.branches())
    context_data: dict[str, object] = {
        "policy": policy.label,
        "branches": branches,
        "commits": auditor.commits_seen,
        "known_in_baseline": known,
    }
    if args.format == "json":
        print(to_json(violations, context_data))
    elif args.format == "sarif":
        print(to_sarif(violations))
    else:
        print_violations(violations, sys.stdout)
        errors = sum(1 for v in violations if v.severity == "error")
        summary = (
            f"audit: {errors} error(s), {len(violations) - errors} warning(s) in {branches} "
            f"branches and {auditor.commits_seen} commits of protected history "
            f"({time.perf_counter() - started:.1f}s)"
        )
        if known:
            summary += f"; {known} known finding(s) in the baseline not shown"
        print(summary)
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK
