"""Real repositories for each preset, and the small steps a user takes in them.

A preset's repository is a fresh clone of a bare ``origin`` that holds the preset's
long-lived branches and a committed ``.branchflow.yaml`` (``extends: <preset>``), with
every native hook installed: what a developer has after ``git clone`` and ``branchflow
install --hook all``. Each preset's is built once per session and copied for each test
(copying is cheap; git and the hooks are not).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

from branchflow.policy.compiled import BranchRule, CompiledPolicy
from branchflow.policy.load import build_policy
from tests.conftest import commit, git, run_branchflow


class Seeded(NamedTuple):
    """A long-lived branch of the team's repository."""

    name: str
    parent: str | None  # the branch it was cut from (None: the first one)
    own_commit: bool = False  # whether it holds a commit its parent does not


class BadName(NamedTuple):
    """A name a user types that matches no type."""

    name: str
    start: str  # where they cut that branch from
    good: str  # a well-named branch of the kind they meant, cut there too


class Merge(NamedTuple):
    source: str  # the branch merged
    start: str | None  # where it is cut from (None: it is a seeded branch)
    into: str  # the protected branch it is merged into


class Flow(NamedTuple):
    """A preset, and the branches a team using it has (in the order they were made)."""

    preset: str
    seed: tuple[Seeded, ...]
    bad_name: BadName | None
    allowed_merge: Merge | None  # a merge a push may bring to a protected branch
    refused_merge: Merge | None  # one the policy refuses

    @property
    def default_branch(self) -> str:
        return self.seed[0].name

    @property
    def policy(self) -> CompiledPolicy:
        return preset_policy(self.preset)

    def rule(self, type_name: str) -> BranchRule:
        found = self.policy.rule(type_name)
        assert found is not None, type_name
        return found

    def type_of(self, name: str) -> str | None:
        found = self.policy.classify(name)
        return found.rule.name if found is not None and found.rule is not None else None

    def branch_of(self, type_name: str) -> str:
        """The seeded branch of a type."""
        return next(b.name for b in self.seed if self.type_of(b.name) == type_name)

    def topic_types(self) -> list[BranchRule]:
        """Short-lived types with ``from`` edges, in policy order."""
        return [r for r in self.policy.branches if r.from_ and not r.long_lived]

    def right_base(self, rule: BranchRule) -> str:
        """The seeded branch a ``rule`` branch is cut from."""
        return self.branch_of(rule.from_[0])


FLOWS = (
    Flow(
        "conventional",
        (Seeded("main", None), Seeded("develop", "main", True)),
        BadName("Feature/My_Thing", "main", "feature/login"),
        Merge("feature/login", "main", "main"),
        Merge("develop", None, "main"),
    ),
    Flow(
        "gitflow",
        (Seeded("main", None), Seeded("develop", "main", True), Seeded("support/1.x", "main")),
        BadName("Feature/My_Thing", "develop", "feature/login"),
        Merge("release/v1.2.0", "develop", "main"),
        Merge("feature/login", "develop", "main"),
    ),
    Flow(
        "github-flow",
        (Seeded("main", None),),
        BadName("My_Thing", "main", "add-login-form"),
        None,  # main takes pull requests only: a push never merges
        None,  # every branch may be merged into main
    ),
    Flow(
        "gitlab-flow",
        (
            Seeded("main", None),
            Seeded("pre-production", "main"),
            Seeded("production", "pre-production"),
            Seeded("16-5-stable", "main", True),
        ),
        BadName("My_Thing", "main", "add-login-form"),
        Merge("fix/header-overlap", "main", "main"),
        Merge("production", None, "main"),
    ),
    Flow(
        "ml-team",
        (Seeded("main", None), Seeded("develop", "main", True), Seeded("test", "develop")),
        BadName("Feature/My_Thing", "develop", "feature/login"),
        None,  # every protected branch takes pull requests only: a push never merges
        Merge("feature/login", "develop", "main"),
    ),
    Flow(
        "solo",
        (Seeded("dev", None), Seeded("test", "dev"), Seeded("prod", "test")),
        None,  # dev, test and prod are all the names there are, and all are taken
        Merge("dev", None, "test"),
        Merge("dev", None, "prod"),
    ),
    Flow(
        "trunk",
        (Seeded("main", None), Seeded("release/1.4", "main", True)),
        BadName("My_Thing", "main", "add-login-form"),
        Merge("fix/header-overlap", "main", "main"),
        Merge("release/1.4", None, "main"),
    ),
)
FLOW = {flow.preset: flow for flow in FLOWS}


@functools.cache
def preset_policy(preset: str) -> CompiledPolicy:
    return build_policy(None, preset=preset)[0]


# --- building ------------------------------------------------------------------------------

NO_HOOKS = ("-c", "core.hooksPath=/dev/null")


def quiet(repo: Path, *args: str) -> None:
    """A git command that sets the scene, run without branchflow's hooks (it is not what is
    being judged)."""
    git(repo, *NO_HOOKS, *args)


def seed_origin_for(flow: Flow, root: Path) -> Path:
    """A bare origin holding the flow's branches, and its policy file on every one."""
    bare = root / "origin.git"
    git(root, "init", "-q", "--bare", "-b", flow.default_branch, str(bare))
    seeder = root / "seeder"
    git(root, "clone", "-q", str(bare), str(seeder))
    (seeder / ".branchflow.yaml").write_text(f"extends: {flow.preset}\n")
    (seeder / "README.md").write_text("The project.\n")
    quiet(seeder, "add", ".branchflow.yaml", "README.md")
    quiet(seeder, "commit", "-q", "-m", "initial")
    for branch in flow.seed[1:]:
        quiet(seeder, "switch", "-q", "-c", branch.name, str(branch.parent))
        if branch.own_commit:
            commit(seeder, f"{branch.name} starts", filename=branch.name.replace("/", "-"))
    quiet(seeder, "push", "-q", "origin", *(b.name for b in flow.seed))
    shutil.rmtree(seeder)
    return bare


def build_template(flow: Flow, root: Path) -> Path:
    """``root/origin.git`` and ``root/work``, its clone with every hook installed."""
    root.mkdir(parents=True)
    bare = seed_origin_for(flow, root)
    work = root / "work"
    git(root, "clone", "-q", str(bare), str(work))
    done = run_branchflow(work, "install", "--hook", "all")
    assert done.returncode == 0, done.stderr
    return work


def copy_template(template: Path, dest: Path) -> Path:
    """A copy of a template's origin and clone at ``dest`` (emptied first); returns the
    clone."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(template.parent, dest, symlinks=True)
    work = dest / template.name
    git(work, "remote", "set-url", "origin", str(dest / "origin.git"))
    return work


class PresetPlace(NamedTuple):
    """Where a preset's cases run, one after another: its template, the one place every
    case's copy goes, and branchflow's cache as it is once the policy was first loaded
    there (it is keyed by the place; a case starts from it, with no verdicts of another)."""

    template: Path
    place: Path
    cache: Path


def prepare_place(flow: Flow, root: Path) -> PresetPlace:
    template = build_template(flow, root / "template")
    place, cache = root / "case", root / "cache"
    work = copy_template(template, place)
    loaded = run_branchflow(work, "check", env={"XDG_CACHE_HOME": str(cache)})
    assert loaded.returncode == 0, loaded.stderr
    return PresetPlace(template, place, cache)


def fresh_copy(prepared: PresetPlace, cache_home: Path) -> Path:
    """The preset's repository as built, and its loaded policy in ``cache_home``."""
    work = copy_template(prepared.template, prepared.place)
    shutil.rmtree(cache_home, ignore_errors=True)
    shutil.copytree(prepared.cache, cache_home)
    return work


# --- what a user does ---------------------------------------------------------------------


def hooked(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A git command through branchflow's hooks, as the user types it."""
    return git(repo, *args, check=False)


def start_point(repo: Path, branch: str) -> str:
    """How a user names a branch to start from: itself when local, else origin's copy."""
    return branch if rev(repo, f"refs/heads/{branch}") else f"origin/{branch}"


def on(repo: Path, branch: str) -> None:
    """Check the branch out (a local copy of origin's, the first time)."""
    quiet(repo, "switch", "-q", branch)


def cut(repo: Path, name: str, start: str | None, *, commits: int = 1, by: str = "") -> str:
    """A branch ``name`` cut from ``start`` (None: it exists), with commits of its own made
    with --no-verify (``by`` someone else: other commits, though made at the same time);
    returns its tip."""
    if start is None:
        on(repo, name)
    else:
        quiet(repo, "switch", "-q", "-c", name, start_point(repo, start))
    for n in range(commits):
        label = f"{by or name} work {n + 1}"
        commit(repo, label, filename=f"{label.replace('/', '-').replace(' ', '-')}.txt")
    return rev(repo, name)


def stage(repo: Path, name: str) -> str:
    """A change staged for the next commit: a new file, and a line added to README.md (a
    file every branch has); returns the new file's path."""
    path = f"{name.replace('/', '-')}.txt"
    (repo / path).write_text(f"{name}\n")
    with open(repo / "README.md", "a") as readme:
        readme.write(f"{name}\n")
    git(repo, "add", path, "README.md")
    return path


# --- what the repository holds -------------------------------------------------------------


def rev(repo: Path, what: str) -> str:
    return git(repo, "rev-parse", "--verify", "--quiet", what, check=False).stdout.strip()


def current_branch(repo: Path) -> str:
    return git(repo, "branch", "--show-current").stdout.strip()


def local_branches(repo: Path) -> set[str]:
    return set(git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").stdout.split())


def subjects(repo: Path, spec: str) -> set[str]:
    """The summaries of the commits in ``spec`` (a revision range)."""
    return set(git(repo, "log", "--format=%s", spec).stdout.splitlines())


def remote_tip(repo: Path, branch: str) -> str:
    listed = git(repo, "ls-remote", "origin", f"refs/heads/{branch}").stdout.split()
    return listed[0] if listed else ""


def tags(repo: Path) -> set[str]:
    return set(git(repo, "tag").stdout.split())


def committed_whole(repo: Path) -> list[str]:
    """The files HEAD's commit changed; the change ``stage`` made must be all in it, and
    nothing of it left behind."""
    files = git(repo, "show", "--format=", "--name-only", "HEAD").stdout.split()
    assert "README.md" in files
    assert git(repo, "status", "--porcelain", "--untracked-files=no").stdout == ""
    return files
