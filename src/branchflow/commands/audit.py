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
import os
import sys
import threading
import time

from branchflow.checks.base import check_base
from branchflow.checks.names import check_branch_name
from branchflow.checks.scan import (
    HistoryScan,
    check_stale,
    surely_fine_regex,
)
from branchflow.checks.tags import check_tag, version_of
from branchflow.checks.violation import Violation, blocking, with_severities
from branchflow.commands.audit_baseline import load_baseline, new_since, write_baseline
from branchflow.commands.audit_lines import LineReader
from branchflow.commands.audit_summary import PolicySource, summarise, text_report
from branchflow.commands.context import command_context, inside, policy_file, report_file
from branchflow.errors import EXIT_OK, EXIT_VIOLATION, RepoError, UsageError
from branchflow.facts import BranchTip, MergeSource
from branchflow.formats import to_json, to_sarif
from branchflow.policy.branches import Branches
from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.repo.evidence import reflog_evidence
from branchflow.repo.gitcmd import is_ancestor
from branchflow.repo.history_index import HistoryIndex
from branchflow.repo.history_log import first_parent_log, marked_commits
from branchflow.repo.refs import read_snapshot
from branchflow.repo.state import RepoLocation
from branchflow.report import note


class Progress:
    """A one-line progress indicator on stderr, only when a person is watching. Each part of
    the work (the histories, the branches) reports under its own key, from its own thread;
    the line shows them all."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = 0.0
        self.parts: dict[str, str] = {}

    def __call__(self, what: str, part: str = "") -> None:
        if not self.enabled:
            return
        self.parts[part] = what
        now = time.monotonic()
        if now - self.last > 0.1:
            self.last = now
            shown = ", ".join(self.parts[key] for key in sorted(self.parts))
            sys.stderr.write(f"\r\x1b[Kbranchflow audit: {shown}")
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


GITLAB_MARK = "^See merge request "


class Auditor:
    """The audit of one repository. Everything it reads comes from git's plumbing: the refs
    from ``for-each-ref``, the history from ``rev-list`` and ``log`` jobs that all start at
    once and run beside the checks (pygit2 is never loaded)."""

    def __init__(
        self,
        location: RepoLocation,
        policy: CompiledPolicy,
        since: int,
        stale_days: int,
        progress: Progress,
        *,
        fold: bool = True,
    ) -> None:
        self.location = location
        self.fold = fold  # runs of surely fine merges read as one (off: each line alone)
        self.policy = policy
        self.since = since
        self.stale_days = stale_days
        self.progress = progress
        self.cwd = location.work_tree or location.git_dir
        snapshot = read_snapshot(location)
        if snapshot.shallow:
            note(
                "this clone is shallow: history below its cut is not audited, and findings "
                "at the cut may be wrong (`git fetch --unshallow` gives the whole history)"
            )
        self.shallow = snapshot.shallow
        self.remotes = snapshot.remotes
        self.known = Branches(policy, snapshot.tips, snapshot.owners)
        self.chosen = self._one_tip_per_name()
        # The longest jobs first: the first-parent history of each protected branch, then
        # the walks of the history index. Tags and dates are still being read meanwhile.
        self.logs = {
            name: first_parent_log(self.cwd, tip.target)
            for name, tip in self.chosen.items()
            if self.known.is_protected(name) or self.known.is_long_lived(name)
        }
        # Squash commits that only their body marks (GitLab's "See merge request g/p!12"),
        # looked for by git itself, and only where a squashed pull request may land.
        self.squash_jobs = {
            name: marked_commits(self.cwd, self.chosen[name].target, GITLAB_MARK)
            for name in self.logs
            if "squash" in getattr(self.known.type_of(name), "merge_methods", ())
        }
        self.tags = snapshot.tags
        self.index = HistoryIndex(
            self.cwd,
            snapshot.tips,
            self.known.is_long_lived,
            also=self.tags.values(),
            shallow=snapshot.shallow,
        )
        self.times = snapshot.times
        self.by_commit: dict[str, list[str]] = {}
        for tip in snapshot.tips:
            self.by_commit.setdefault(tip.target, []).append(tip.name)
        self.tag_at: dict[str, str] = {}
        for tag, commit_id in sorted(self.tags.items(), reverse=True):
            self.tag_at[commit_id] = tag  # the first name, when several tags mark one commit
        self.commits_seen: set[str] = set()  # each commit once, on however many branches
        self.merged_at: dict[str, list[str]] = {}  # on tagged lines: merge -> branches merged

    def _one_tip_per_name(self) -> dict[str, BranchTip]:
        """One tip per branch name: the local branch, else a remote-tracking one; for a
        protected branch, the remote-tracking one when the local copy is behind it (a clone
        that fetched but has not pulled still audits the shared history)."""
        chosen: dict[str, BranchTip] = {}
        for tip in sorted(self.known.tips, key=lambda t: t.remote is not None):
            here = chosen.setdefault(tip.name, tip)
            newer = here.remote is None and tip.remote is not None and here.target != tip.target
            if (
                newer
                and self.known.is_protected(tip.name)
                and self._behind(here.target, tip.target)
            ):
                chosen[tip.name] = tip
        return chosen

    def _behind(self, local: str, remote: str) -> bool:
        return is_ancestor(self.cwd, local, remote)

    def run(self) -> list[Violation]:
        # The protected histories are read on this thread while git writes them; the
        # branches are checked on another, which runs whenever this one waits for git.
        per_branch: list[tuple[str, list[Violation]]] = []
        failed: list[BaseException] = []

        def on_the_side() -> None:
            try:
                per_branch.extend(self._check_branches())
            except BaseException as exc:  # raised again below, on the main thread
                failed.append(exc)

        worker = threading.Thread(target=on_the_side, daemon=True)
        worker.start()
        # The shortest histories first: they are read while git still writes the longest.
        lines = self.index.first_parent
        order = sorted(self.logs, key=lambda name: (len(lines.get(name, ())), name))
        scanned = {name: self._history(name) for name in order}
        history: dict[str, list[Violation]] = {}
        for name in sorted(scanned):  # releases merged in several lines, in name order
            history[name], merged_at = scanned[name]
            for commit_id, names in merged_at.items():
                self.merged_at.setdefault(commit_id, []).extend(names)
        worker.join()
        if failed:
            raise failed[0]
        out: list[Violation] = []
        for name, found in per_branch:
            out += found
            out += history.get(name, [])
        out += self._check_tags()
        return out

    def _check_tags(self) -> list[Violation]:
        """Each tag since ``--since``: its name (BF501), its version against the release it
        marks (BF502), and that a branch of a type tags go on holds it (BF503)."""
        tags = self.policy.tags
        if tags is None:
            return []
        out: list[Violation] = []
        # Where tags point is judged only against branches this clone has: in a clone of
        # develop alone, every release tag would be "on no main".
        where = tags.on and any(
            (r := self.known.type_of(tip.name)) is not None and r.name in tags.on
            for tip in self.known.tips
        )
        if tags.on and not where:
            note(
                f"no {' or '.join(tags.on)} branch in this clone: where tags point is not "
                "checked (fetch it, or run the audit in a full clone)"
            )
        for tag, commit_id in sorted(self.tags.items()):
            if self.times.get(commit_id, 0) < self.since:
                continue
            holders = self.index.names_containing(commit_id) if where else []
            on_types = {r.name for n in holders if (r := self.known.type_of(n)) is not None}
            releases = [
                *self.merged_at.get(commit_id, ()),
                *(n for n in self.by_commit.get(commit_id, ()) if self._versioned(n)),
            ]
            found = check_tag(
                self.policy, tag, commit_id, on_types=on_types, releases=releases, refs=self.known
            )
            if not where:
                found = [v for v in found if v.rule.id != "BF503"]
            out += [v._replace(subject=tag, on="tags") for v in found]
        return out

    def _versioned(self, name: str) -> bool:
        found = self.policy.classify(name)
        return found is not None and found.rule is not None and version_of(found.groups) is not None

    def _check_branches(self) -> list[tuple[str, list[Violation]]]:
        """Each branch's name, base and age, checked; in name order."""
        out = []
        now = int(time.time())
        for n, (name, tip) in enumerate(sorted(self.chosen.items())):
            self.progress(f"branches {n + 1}/{len(self.chosen)}", "branches")
            when = self.times.get(tip.target, 0)
            if when < self.since:
                continue
            match, found = check_branch_name(self.policy, name, remote=tip.remote, refs=self.known)
            if found and found[0].rule.id == "BF101" and self._unrelated(name, tip):
                match, found = check_branch_name(self.policy, name, unrelated=True)
            found = [v._replace(details=()) for v in found]  # the allowed list, once, below
            if match is not None and match.rule is not None:
                rule = match.rule
                if rule.from_ and not rule.long_lived:
                    found += self._base(name, tip, rule)
                found += check_stale(name, rule, when, now, self.stale_days, remote=tip.remote)
            out.append((name, found))
        return out

    def _base(self, name: str, tip: BranchTip, rule: BranchRule) -> list[Violation]:
        evidence = None
        if tip.remote is None:
            evidence = reflog_evidence(
                self.location, name, tip.target, self.remotes, self.index.is_ancestor
            )
        if evidence is None:
            evidence = self.index.evidence(name, tip.target)
        return check_base(self.policy, name, rule, evidence, self.known)

    def _unrelated(self, name: str, tip: BranchTip) -> bool:
        """Whether the branch shares no history with the others (a site, a wiki)."""
        return self.index.evidence(name, tip.target).source == "none"

    def _history(self, name: str) -> tuple[list[Violation], dict[str, list[str]]]:
        """Read the protected branch's first-parent history as git writes it, and check it:
        the findings, and on a tagged line, the branches each merge brought."""
        self.progress(f"history of {name}", "history")
        rule = self.known.type_of(name)
        assert rule is not None
        tags = self.policy.tags
        scan = HistoryScan(
            self.policy,
            name,
            rule,
            self._tag_versions() if tags is not None and rule.name in tags.on else None,
            self.known,
        )
        job = self.logs[name]
        reader = LineReader(
            scan,
            surely_fine=surely_fine_regex(self.policy, rule) if scan.tagged is None else None,
            fold=self.fold,
            others=[(n, line) for n, line in self.index.first_parent.items() if n != name],
            seen=self.commits_seen,
            since=self.since,
            remotes=self.remotes,
            tips=self.by_commit,
            body_marked=self._body_marked(name),
            source_of=self._source_of,
            with_holders=lambda source: self._with_holders(source, name),
        )
        reader.read(job.pieces())
        if not job.finish():
            raise RepoError(f"cannot read the history of {name}: {job.error}")
        return scan.finish(), scan.merged_at

    def _body_marked(self, name: str) -> set[str]:
        job = self.squash_jobs.get(name)
        if job is None:
            return set()
        return set((job.result() or b"").decode("ascii", "replace").split())

    def _tag_versions(self) -> dict[str, set[str]]:
        """The versions the tags on each commit carry (a tag of no template: its digits)."""
        versions: dict[str, set[str]] = {}
        for tag, commit_id in self.tags.items():
            found = self.policy.classify_tag(tag)
            version = version_of(found[1]) if found is not None else None
            versions.setdefault(commit_id, set()).add(version or tag.lstrip("vV"))
        return versions

    def _source_of(self, commit_id: str) -> MergeSource:
        names = self.by_commit.get(commit_id)
        if names:
            return MergeSource(sorted(names)[0], "branch")
        tag = self.tag_at.get(commit_id)
        return MergeSource(tag, "tag") if tag else MergeSource(commit_id, "commit")

    def _with_holders(self, source: MergeSource, into: str) -> MergeSource:
        """A merged tag, with the long-lived branches other than ``into`` that hold it."""
        if source.kind != "tag" or source.name not in self.tags:
            return source
        holders = self.index.names_containing(self.tags[source.name])
        return source._replace(on=tuple(n for n in holders if n != into))


def run(args: argparse.Namespace) -> int:
    context = command_context(args)
    if context.location is None:
        raise RepoError("not inside a git repository")
    policy = context.loaded.policy
    stale = policy.stale_after_days if args.stale_days is None else args.stale_days
    progress = Progress()
    started = time.perf_counter()
    auditor = Auditor(context.location, policy, _since(args.since), stale, progress)
    violations = with_severities(policy, auditor.run())
    progress.done()
    known = 0
    if args.update_baseline and not args.baseline:
        raise UsageError("--update-baseline: name the baseline file with --baseline FILE")
    if args.baseline:
        baseline = load_baseline(args.baseline)
        if baseline is None or args.update_baseline:
            write_baseline(args.baseline, violations, policy.label)
            note(
                f"recorded {len(violations)} finding(s) in {args.baseline}; from now on only "
                "new ones are reported"
            )
            known, violations = len(violations), []  # the report says so, in any format
        else:
            fresh = [f for v in violations if (f := new_since(baseline, v)) is not None]
            known = len(violations) - len(fresh)
            violations = fresh
    branches = len(auditor.chosen)
    summary = summarise(
        policy,
        violations,
        _policy_source(context.root, args),
        sorted({t.name for t in auditor.known.tips}),
    )
    context_data: dict[str, object] = {
        "policy": policy.label,
        "branches": branches,
        "commits": len(auditor.commits_seen),
        "known_in_baseline": known,
        "shallow": auditor.shallow,
    }
    if args.format == "json":
        from branchflow.commands.observed import flows_of

        flows = [f._asdict() for f in flows_of(context.location, policy)]
        print(to_json(violations, {**context_data, "audit": {**summary.to_data(), "flows": flows}}))
    elif args.format == "sarif":
        file = report_file(context.root, policy_file(context.root, args))
        print(to_sarif(violations, file, {"audit": summary.to_data()}))
    else:
        errors = sum(1 for v in violations if v.severity == "error")
        ending = (
            f"audit: {errors} error(s), {len(violations) - errors} warning(s) in "
            f"{_counted(branches, 'branch', 'branches')} and "
            f"{_counted(len(auditor.commits_seen), 'commit', 'commits')} of long-lived "
            f"history ({time.perf_counter() - started:.1f}s)"
        )
        if known:
            ending += f"; {known} known finding(s) in the baseline not shown"
        for line in text_report(summary, violations, args.every, ending, _rerun(args)):
            print(line)
    return EXIT_VIOLATION if blocking(violations) else EXIT_OK


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _rerun(args: argparse.Namespace) -> str:
    """This audit as a command, with ``--all``: where every folded finding is."""
    import shlex

    words = ["branchflow"]
    for option, value in (("--config", args.config), ("--preset", args.preset)):
        if value:
            words += [option, value]
    words.append("audit")
    for option, value in (
        ("--since", args.since),
        ("--stale-days", args.stale_days),
        ("--baseline", args.baseline),
    ):
        if value is not None and value != "":
            words += [option, str(value)]
    return " ".join(shlex.quote(w) for w in [*words, "--all"])


def _policy_source(root: str, args: argparse.Namespace) -> PolicySource:
    from branchflow.policy.discover import discover

    env_config = os.environ.get("BRANCHFLOW_CONFIG") or None
    found = discover(root, config=args.config, preset=args.preset, env_config=env_config)
    if found.path is None or found.pyproject:
        return PolicySource(found.preset, None if found.path is None else "", "")
    return PolicySource(None, os.path.abspath(found.path), inside(root, found.path) or found.path)
