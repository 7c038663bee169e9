"""The server's pre-receive hook, pushed to with the real git client over git:// and file://."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.conftest import commit, git, run_branchflow, run_unheard
from tests.server.conftest import clone, push, server_ref

ZERO = "0" * 40


def test_good_feature_push_is_accepted(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "-c", "feature/login", "develop")
    commit(client, "login")
    done = push(client, "feature/login")
    assert done.returncode == 0, done.stderr
    assert server_ref(server_repo, "refs/heads/feature/login")


def test_rejection_lists_every_bad_ref_as_remote_lines(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "main")
    commit(client, "straight onto main")
    before = server_ref(server_repo, "refs/heads/main")
    done = push(client, "main", "develop:refs/heads/Bad_Name", ":develop")
    assert done.returncode != 0
    err = done.stderr
    assert (
        "remote: branchflow: main: BF201 protected-commit: 1 commit(s) made directly on main, "
        "which is protected"
    ) in err
    assert "remote:   hint: git switch -c hotfix/my-change main" in err
    assert "remote: branchflow: Bad_Name: BF101 branch-name" in err
    assert "remote: branchflow: develop: BF401 protected-delete" in err
    assert "remote: branchflow: push rejected: 3 ref(s) break preset 'gitflow'" in err
    assert server_ref(server_repo, "refs/heads/main") == before  # nothing was updated
    assert not server_ref(server_repo, "refs/heads/Bad_Name")


def test_no_verify_does_not_help(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "main")
    commit(client, "sneaky")
    done = git(client, "push", "--no-verify", "origin", "main", check=False)
    assert done.returncode != 0
    assert "BF201 protected-commit" in done.stderr


def test_force_push_and_wrong_base_and_merge(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "develop")
    git(client, "reset", "-q", "--hard", "main")
    commit(client, "rewrite")
    done = git(client, "push", "--force", "origin", "develop", check=False)
    assert "remote: branchflow: develop: BF402 force-push" in done.stderr

    git(client, "fetch", "-q", "origin")
    git(client, "switch", "-q", "-c", "hotfix/wrong", "origin/develop")
    commit(client, "fix")
    done = push(client, "hotfix/wrong")
    assert done.returncode != 0
    assert (
        "BF301 branch-base: hotfix/wrong was created from develop; hotfix branches are "
        "created from main" in done.stderr
    )
    assert "evidence: graph: hotfix/wrong forks from develop" in done.stderr

    git(client, "switch", "-q", "-c", "feature/x", "origin/develop")
    commit(client, "x")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "feature/x")  # objects only in quarantine
    done = push(client, "main")
    assert done.returncode != 0
    assert "BF202 merge-source: merging feature/x (a feature branch) into main" in done.stderr


def test_release_flow_is_accepted(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "-c", "release/v1.0.0", "develop")
    commit(client, "bump")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.0.0")
    git(client, "tag", "v1.0.0")
    git(client, "switch", "-q", "develop")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.0.0")
    done = push(client, "release/v1.0.0", "main", "develop", "v1.0.0")
    assert done.returncode == 0, done.stderr


def test_release_tagged_as_the_git_flow_tools_tag_it(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "-c", "release/v1.0.0", "develop")
    commit(client, "bump")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.0.0")
    git(client, "tag", "1.1.0")
    done = push(client, "release/v1.0.0", "main", "1.1.0")
    assert done.returncode != 0
    assert (
        "remote: branchflow: 1.1.0: BF502 tag-version: the tag's version 1.1.0 differs from "
        "release/v1.0.0's 1.0.0"
    ) in done.stderr
    git(client, "tag", "-d", "1.1.0")
    git(client, "tag", "1.0.0")  # release/v1.0.0's version, as `git flow release finish` tags
    done = push(client, "release/v1.0.0", "main", "1.0.0")
    assert done.returncode == 0, done.stderr
    assert server_ref(server_repo, "refs/tags/1.0.0")


def released_on_main(client: Path, server: Path, version: str, *, pushed: bool = True) -> str:
    """release/v<version> from develop, merged into main and tagged there (and pushed, all
    three): the commit the release branch ends at, or with ``pushed`` the tag's on the
    server."""
    git(client, "switch", "-q", "-c", f"release/v{version}", "origin/develop")
    commit(client, f"bump to {version}")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", f"release/v{version}")
    git(client, "tag", f"v{version}")
    if not pushed:
        return git(client, "rev-parse", f"release/v{version}").stdout.strip()
    assert push(client, f"release/v{version}", "main", f"v{version}").returncode == 0
    return server_ref(server, f"refs/tags/v{version}")


def test_a_published_release_tag_stays_where_it_is(
    client: Path, server_repo: Path, tmp_path: Path
) -> None:
    """A teammate cannot move v1.0.0 to other work or delete it, even with --force and
    --no-verify."""
    released = released_on_main(client, server_repo, "1.0.0")

    other = clone(f"file://{server_repo}", tmp_path / "other")
    commit(other, "later work on develop")
    git(other, "tag", "-f", "v1.0.0", "HEAD")
    moved = push(other, "--force", "--no-verify", "v1.0.0")
    assert moved.returncode != 0
    assert (
        f"v1.0.0: BF505 tag-moved: the release tag is on the server at {released[:12]}; moving "
        "it to"
    ) in moved.stderr
    assert f"hint: git tag -f v1.0.0 {released}" in moved.stderr
    deleted = push(other, "--no-verify", "--delete", "v1.0.0")
    assert deleted.returncode != 0
    assert "BF505 tag-moved" in deleted.stderr
    assert "deleting it is refused" in deleted.stderr
    assert server_ref(server_repo, "refs/tags/v1.0.0") == released


def test_unreleased_work_cannot_become_a_release_through_another_line(
    client: Path, server_repo: Path
) -> None:
    """Tags may go on main and support lines: a second main made at develop's commit, or a
    support line cut from develop, would let develop's unreleased work be tagged."""
    git(client, "switch", "-q", "-c", "feature/a", "origin/develop")
    commit(client, "unreleased work")
    git(client, "switch", "-q", "develop")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "feature/a")
    assert push(client, "feature/a", "develop").returncode == 0
    master = push(client, "develop:refs/heads/master")
    assert master.returncode != 0
    assert "master: BF202 merge-source" in master.stderr
    support = push(client, "develop:refs/heads/support/9.x")
    assert support.returncode != 0
    assert (
        "support/9.x: BF301 branch-base: support/9.x was created from develop; support "
        "branches are created from main"
    ) in support.stderr
    assert server_ref(server_repo, "refs/heads/master") == ""
    assert server_ref(server_repo, "refs/heads/support/9.x") == ""
    # Where main is, both are what they claim to be.
    assert push(client, "origin/main:refs/heads/master").returncode == 0
    assert push(client, "origin/main:refs/heads/support/1.x").returncode == 0


def test_one_version_is_one_release(client: Path, server_repo: Path) -> None:
    """1.0.0 and v1.0.0+build.2 are v1.0.0's version: on another commit, a second release
    of it; on the same commit, another name for the one release."""
    released = released_on_main(client, server_repo, "1.0.0")
    for other in ("1.0.0", "v1.0.0+build.2"):
        git(client, "tag", other, "main~1")
        done = push(client, other)
        assert done.returncode != 0
        assert (
            f"{other}: BF505 tag-moved: version 1.0.0 is released already: v1.0.0 names it at "
            f"{released[:12]}; one version names one release"
        ) in done.stderr
        assert server_ref(server_repo, f"refs/tags/{other}") == ""
        git(client, "tag", "-d", other)
    git(client, "tag", "1.0.0", "main")  # the same release, spelt as git flow spells it
    assert push(client, "1.0.0").returncode == 0
    # Two spellings of a new version in one push, on two commits: two releases of it.
    git(client, "tag", "2.0.0", released_on_main(client, server_repo, "2.0.0", pushed=False))
    done = push(client, "release/v2.0.0", "main", "v2.0.0", "2.0.0")
    assert done.returncode != 0
    assert "BF505 tag-moved: version 2.0.0 is released already" in done.stderr
    assert server_ref(server_repo, "refs/tags/v2.0.0") == ""


def test_policy_committed_on_the_default_branch(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "-C", "main", "origin/main")
    (client / ".branchflow.yaml").write_text(
        "extends: gitflow\nbranches:\n  main:\n    protected: false\n"
    )
    git(client, "add", ".branchflow.yaml")
    git(client, "commit", "-q", "-m", "policy")
    done = push(client, "main")
    assert "BF201" in done.stderr  # judged by the policy before this push: main is protected
    # An administrator lands the policy on the server directly (a fetch runs no hook).
    git(server_repo, "fetch", "-q", str(client), "main:main")
    commit(client, "now allowed on main")
    done = push(client, "main")
    assert done.returncode == 0, done.stderr


def test_a_broken_policy_cannot_land_on_the_default_branch(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "-c", "release/v1.1.0", "develop")
    (client / ".branchflow.yaml").write_text("extends: gitflow\nbranchs: {}\n")
    git(client, "add", ".branchflow.yaml")
    git(client, "commit", "-q", "-m", "typo in policy")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0")
    done = push(client, "main")
    assert done.returncode != 0
    assert (
        "BF002 policy-file: the policy this push puts on the default branch does not load"
        in done.stderr
    )
    assert "unknown key 'branchs'; did you mean 'branches'?" in done.stderr


@pytest.mark.parametrize("extends", ["{outside}", "../../outside.yaml", "/etc/passwd"])
def test_a_pushed_policy_reads_nothing_outside_its_commit(
    client: Path, server_repo: Path, extends: str
) -> None:
    outside = server_repo.parent.parent / "outside.yaml"  # beside the server's folder
    outside.write_text("extends: gitflow\n")  # loads fine: reading it would be the bug
    value = extends.replace("{outside}", str(outside))
    git(client, "switch", "-q", "-c", "release/v1.1.0", "develop")
    (client / ".branchflow.yaml").write_text(f"extends: {value}\n")
    git(client, "add", ".branchflow.yaml")
    git(client, "commit", "-q", "-m", "policy from elsewhere")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0")
    done = push(client, "main")
    assert done.returncode != 0
    assert "BF002 policy-file: the policy this push puts on the default branch does not load" in (
        done.stderr
    )
    assert f":.branchflow.yaml: extends: {value!r} " in done.stderr
    assert "a committed policy extends only a preset or a file of its own commit" in done.stderr
    assert "root:" not in done.stderr


@pytest.mark.parametrize("target", ["{outside}", "../outside.yaml", "/etc/passwd", "loop"])
def test_a_pushed_policy_link_is_followed_only_inside_its_commit(
    client: Path, server_repo: Path, target: str
) -> None:
    outside = server_repo.parent / "outside.yaml"
    outside.write_text("extends: gitflow\n")  # loads fine: reading it would be the bug
    value = target.replace("{outside}", str(outside))
    git(client, "switch", "-q", "-c", "release/v1.1.0", "develop")
    (client / "loop").symlink_to(".branchflow.yaml")
    (client / ".branchflow.yaml").symlink_to(value)
    git(client, "add", "loop", ".branchflow.yaml")
    git(client, "commit", "-q", "-m", "policy linked elsewhere")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0")
    done = push(client, "release/v1.1.0", "main")
    assert done.returncode != 0
    assert "BF002 policy-file" in done.stderr
    assert ":.branchflow.yaml: " in done.stderr
    assert "commit the file itself" in done.stderr
    said = [line for line in done.stderr.splitlines() if line.startswith("remote:")]
    assert not [line for line in said if str(server_repo.parent) in line]


def test_a_pushed_policy_linked_inside_its_commit_rules(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "-c", "release/v1.1.0", "develop")
    (client / "policy").mkdir()
    (client / "policy" / "flow.yaml").write_text(
        "extends: gitflow\nbranches:\n  feature:\n    pattern: 'feat/{slug}'\n"
    )
    (client / ".branchflow.yaml").symlink_to("policy/flow.yaml")
    git(client, "add", "policy", ".branchflow.yaml")
    git(client, "commit", "-q", "-m", "policy in its folder")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0")
    assert push(client, "release/v1.1.0", "main").returncode == 0
    git(client, "switch", "-q", "-c", "feature/old-name", "origin/develop")
    commit(client, "old name")
    refused = push(client, "feature/old-name")
    assert refused.returncode != 0
    assert "BF101" in refused.stderr
    git(client, "switch", "-q", "-c", "feat/new-name", "origin/develop")
    commit(client, "new name")
    assert push(client, "feat/new-name").returncode == 0


def test_policy_from_the_server_environment(
    server_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "server-policy.yaml"
    policy.write_text("extends: trunk\n")
    monkeypatch.setenv("BRANCHFLOW_CONFIG", str(policy))
    client = clone(f"file://{server_repo}", tmp_path / "client")
    git(client, "switch", "-q", "-c", "feature/ABC-12-login", "develop")
    commit(client, "x")
    done = push(client, "feature/ABC-12-login")  # a Git Flow name; trunk's are lowercase
    assert done.returncode != 0
    assert f"matches no branch type of {policy} extends preset 'trunk'" in done.stderr


def test_non_utf8_branch_name(client: Path) -> None:
    subprocess.run(
        ["git", "switch", "-q", "-c", b"feature/caf\xe9", "develop"], cwd=client, check=True
    )
    commit(client, "cafe")
    done = subprocess.run(
        ["git", "push", "origin", b"feature/caf\xe9"],
        cwd=client,
        capture_output=True,
        check=False,
    )
    assert done.returncode != 0
    assert b"remote: branchflow: feature/caf\\xe9: BF101 branch-name" in done.stderr
    assert b"Traceback" not in done.stderr


def test_thousands_of_refs_in_one_push(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "-c", "feature/bulk", "develop")
    commit(client, "bulk")
    head = git(client, "rev-parse", "HEAD").stdout.strip()
    refs = "".join(f"create refs/heads/feature/bulk-{n:04d} {head}\n" for n in range(1500))
    refs += "".join(f"create refs/heads/Bulk_{n} {head}\n" for n in range(3))
    subprocess.run(["git", "update-ref", "--stdin"], cwd=client, input=refs, text=True, check=True)
    done = git(client, "push", "origin", "refs/heads/*:refs/heads/*", check=False)
    assert done.returncode != 0
    assert done.stderr.count("BF101 branch-name") == 3
    assert "push rejected: 3 ref(s)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not server_ref(server_repo, "refs/heads/feature/bulk-0000")


def test_a_branch_of_thousands_of_new_commits(client: Path, server_repo: Path) -> None:
    """A long-lived topic, an import: 3,000 new commits on a feature branch made at one
    second, pushed at once. Finding where it forks from develop costs a handful of
    merge-base walks, not one per commit (which ran past the time limit at 1,600)."""
    git(client, "switch", "-q", "-c", "feature/import", "develop")
    stream = "".join(
        f"commit refs/heads/feature/import\ncommitter A <a@example.com> 1700000000 +0000\n"
        f"data {len(f'c{n}')}\nc{n}\n" + ("from refs/heads/develop\n" if n == 0 else "") + "\n"
        for n in range(3000)
    )
    subprocess.run(
        ["git", "fast-import", "--quiet", "--force"],
        cwd=client,
        input=stream,
        text=True,
        check=True,
    )
    git(client, "reset", "-q", "--hard", "feature/import")
    done = push(client, "--no-verify", "feature/import")
    assert done.returncode == 0, done.stderr
    assert server_ref(server_repo, "refs/heads/feature/import")
    git(client, "switch", "-q", "-c", "hotfix/import", "feature/import")
    done = push(client, "--no-verify", "hotfix/import")  # and the same line misplaced
    assert done.returncode != 0
    assert "hotfix/import: BF301" in done.stderr


def run_hook_directly(server: Path, stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_DIR": "."}
    return subprocess.run(
        ["branchflow", *(args or ("pre-receive",))],
        cwd=server,
        input=stdin,
        capture_output=True,
        env=env,
        check=False,
    )


def test_hostile_input_gets_a_clean_verdict(server_repo: Path) -> None:
    missing = "1" * 40
    lines = (
        b"garbage line\n"
        + f"{ZERO} {missing} refs/heads/feature/ghost\n".encode()
        + f"{ZERO} {'2' * 40} refs/heads/a..b\n".encode()
    )
    done = run_hook_directly(server_repo, lines)
    assert done.returncode == 1
    err = done.stderr.decode()
    assert "BF001 push-input: a line of the push is not '<old> <new> <ref>'" in err
    assert "BF001 push-input: the pushed object 111111111111 is not in the repository" in err
    assert "Traceback" not in err
    empty = run_hook_directly(server_repo, b"")
    assert (empty.returncode, empty.stderr) == (0, b"")


def test_update_hook_judges_one_ref(server_repo: Path) -> None:
    develop = server_ref(server_repo, "refs/heads/develop")
    done = run_hook_directly(server_repo, b"", "update", "refs/heads/develop", develop, ZERO)
    assert done.returncode == 1
    assert b"BF401 protected-delete" in done.stderr
    done = run_hook_directly(server_repo, b"", "update", "refs/heads/feature/ok", ZERO, develop)
    assert done.returncode == 0, done.stderr


def test_concurrent_pushes_from_eight_clients(
    daemon_url: str, server_repo: Path, tmp_path: Path
) -> None:
    clients = [clone(daemon_url, tmp_path / f"client-{n}") for n in range(8)]
    expected = {}
    for n, repo in enumerate(clients):
        good = n % 2 == 0
        name = f"feature/work-{n}" if good else f"Work_{n}"
        git(repo, "switch", "-q", "-c", name, "develop")
        commit(repo, f"work {n}")
        expected[n] = (name, good)
    results: dict[int, subprocess.CompletedProcess[str]] = {}

    def run(n: int) -> None:
        results[n] = push(clients[n], expected[n][0])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for n, (name, good) in expected.items():
        done = results[n]
        assert (done.returncode == 0) is good, (name, done.stderr)
        assert bool(server_ref(server_repo, f"refs/heads/{name}")) is good
        if not good:
            assert f"remote: branchflow: {name}: BF101 branch-name" in done.stderr


def test_install_in_a_bare_repository_chains_an_existing_hook(server_repo: Path) -> None:
    run_branchflow(server_repo, "uninstall")
    hook = server_repo / "hooks" / "pre-receive"
    assert not hook.exists()
    hook.write_text("#!/bin/sh\ncat > /dev/null\nexit 0\n")
    hook.chmod(0o755)
    done = run_branchflow(server_repo, "install")
    assert "the hook that was there runs first" in done.stdout
    assert (server_repo / "hooks" / "pre-receive.branchflow-chained").exists()


def test_policy_given_as_a_hook_argument(server_repo: Path, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("extends: solo\n")
    develop = server_ref(server_repo, "refs/heads/develop")
    line = f"{ZERO} {develop} refs/heads/feature/x\n".encode()
    done = run_hook_directly(server_repo, line, "pre-receive", "--config", str(policy))
    assert done.returncode == 1
    assert f"matches no branch type of {policy} extends preset 'solo'".encode() in done.stderr
    assert run_hook_directly(server_repo, line).returncode == 0  # Git Flow by default
    bad = run_hook_directly(server_repo, line, "pre-receive", "extra")
    assert bad.returncode == 2
    assert b"pre-receive takes no arguments" in bad.stderr


def test_server_verdicts_stand_when_nobody_reads_them(server_repo: Path) -> None:
    develop = server_ref(server_repo, "refs/heads/develop")
    line = f"{ZERO} {develop} refs/heads/Bad_Name\n".encode()
    env = {"GIT_DIR": "."}
    calls = [
        (("pre-receive",), line, 1),
        (("update", "refs/heads/Bad_Name", ZERO, develop), b"", 1),
        (("pre-receive", "--config", "missing.yaml"), line, 2),  # an error refuses too
    ]
    for args, stdin, expected in calls:
        for closed in (("stderr",), ("stdout", "stderr")):
            done = run_unheard(
                server_repo, "branchflow", *args, stdin=stdin, closed=closed, env=env
            )
            assert done.returncode == expected, (args, closed)
        done = run_unheard(
            server_repo, "branchflow", *args, stdin=stdin, closed=("stdout",), env=env
        )
        assert done.returncode == expected, args
        assert b"branchflow: " in done.stderr
        assert b"Exception" not in done.stderr


def test_update_hook_refuses_only_its_own_ref(server_repo: Path, tmp_path: Path) -> None:
    """With the per-ref update hook instead of pre-receive, a push of a good and a bad ref
    lands the good one, and the refusal speaks only of the bad one."""
    run_branchflow(server_repo, "uninstall")
    installed = run_branchflow(server_repo, "install", "--hook", "update")
    assert installed.returncode == 0, installed.stderr
    assert not (server_repo / "hooks" / "pre-receive").exists()
    client = clone(f"file://{server_repo}", tmp_path / "client")
    git(client, "switch", "-q", "-c", "feature/good", "develop")
    commit(client, "good")
    git(client, "switch", "-q", "-c", "Bad_Name", "develop")
    commit(client, "bad")
    done = push(client, "feature/good", "Bad_Name")
    assert done.returncode != 0
    err = done.stderr
    assert "remote: branchflow: Bad_Name: BF101 branch-name" in err
    assert (
        "remote: branchflow: refs/heads/Bad_Name refused: it breaks preset 'gitflow'; "
        "the other refs of this push are judged on their own"
    ) in err
    assert "nothing was updated" not in err
    assert "push rejected" not in err
    assert server_ref(server_repo, "refs/heads/feature/good")
    assert not server_ref(server_repo, "refs/heads/Bad_Name")


def test_a_sync_merge_is_judged_by_what_it_merged(client: Path, server_repo: Path) -> None:
    """`Merge branch 'develop' of <url> into develop` is a sync when what it merged is already
    on the server's develop; the same message over commits the server has never had brings
    them in unjudged, and is refused."""
    git(client, "switch", "-q", "develop")
    before = server_ref(server_repo, "refs/heads/develop")
    git(client, "switch", "-q", "-c", "elsewhere", "develop")
    commit(client, "never reviewed")
    git(client, "switch", "-q", "develop")
    forged = git(
        client,
        "merge",
        "--no-ff",
        "--no-verify",
        "-m",
        "Merge branch 'develop' of https://example.com/team/app into develop",
        "elsewhere",
    )
    assert forged.returncode == 0
    done = push(client, "develop")
    assert done.returncode != 0
    assert "BF202 merge-source" in done.stderr
    assert "(a commit no branch points at)" in done.stderr
    assert server_ref(server_repo, "refs/heads/develop") == before

    git(client, "reset", "-q", "--hard", "origin/develop")
    other = clone(f"file://{server_repo}", client.parent / "other")
    for repo, name in ((other, "feature/theirs"), (client, "feature/ours")):
        git(repo, "switch", "-q", "-c", name, "develop")
        commit(repo, name)
        git(repo, "switch", "-q", "develop")
        git(repo, "merge", "-q", "--no-ff", "--no-edit", name)
    assert push(other, "feature/theirs", "develop").returncode == 0
    pulled = git(client, "pull", "-q", "--no-rebase", "--no-edit", "origin", "develop")
    assert pulled.returncode == 0, pulled.stderr
    message = git(client, "log", "-1", "--format=%s").stdout
    assert message.startswith("Merge branch 'develop' of ")
    done = push(client, "feature/ours", "develop")
    assert done.returncode == 0, done.stderr


def test_a_copy_pushed_under_another_name_does_not_block_the_branch(
    client: Path, server_repo: Path
) -> None:
    """A branch's base is judged when it is created (or rewritten): a backup of it pushed
    under another name, or a merge of develop into it, changes nothing of where it started."""
    git(client, "switch", "-q", "-c", "feature/victim", "develop")
    commit(client, "v1")
    assert push(client, "feature/victim").returncode == 0
    assert push(client, "feature/victim:refs/heads/feature/copy").returncode == 0
    commit(client, "v2")
    done = push(client, "feature/victim")
    assert done.returncode == 0, done.stderr
    git(client, "switch", "-q", "develop")
    git(client, "switch", "-q", "-c", "feature/other")
    commit(client, "other")
    git(client, "switch", "-q", "develop")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "feature/other")
    assert push(client, "develop", "feature/other").returncode == 0
    git(client, "switch", "-q", "feature/victim")
    git(client, "merge", "-q", "--no-edit", "develop")
    done = push(client, "feature/victim")
    assert done.returncode == 0, done.stderr


def test_a_contribution_pulled_from_another_repository(client: Path, server_repo: Path) -> None:
    """`git pull <their repository> patch-1` into develop: an outside contribution, whose
    branch is named as its owner pleases; it may go into develop (forks.into), not main."""
    fork = client.parent / "fork"
    git(client.parent, "clone", "-q", str(server_repo), str(fork))
    git(fork, "switch", "-q", "-c", "patch-1", "origin/develop")
    commit(fork, "their fix")
    git(client, "switch", "-q", "develop")
    pulled = git(client, "pull", "-q", "--no-rebase", "--no-ff", "--no-edit", str(fork), "patch-1")
    assert pulled.returncode == 0, pulled.stderr
    assert git(client, "log", "-1", "--format=%s").stdout.startswith("Merge branch 'patch-1' of ")
    done = push(client, "develop")
    assert done.returncode == 0, done.stderr
    git(client, "switch", "-q", "main")
    git(client, "pull", "-q", "--no-rebase", "--no-ff", "--no-edit", str(fork), "patch-1")
    done = push(client, "main")
    assert done.returncode != 0
    assert "from a fork" in done.stderr


def test_creating_the_missing_default_branch_cannot_change_the_rules(
    client: Path, server_repo: Path
) -> None:
    """HEAD names master, which does not exist: main's policy rules. Creating master with a
    looser policy would put that one in charge of every later push: refused (BF002)."""
    git(server_repo, "symbolic-ref", "HEAD", "refs/heads/master")
    git(client, "switch", "-q", "-c", "feature/loose", "develop")
    (client / ".branchflow.yaml").write_text(
        "extends: gitflow\nbranches:\n  develop: {protected: false}\n"
    )
    git(client, "add", ".branchflow.yaml")
    git(client, "commit", "-q", "-m", "loosen")
    assert push(client, "feature/loose").returncode == 0
    done = push(client, "feature/loose:refs/heads/master")
    assert done.returncode != 0
    assert "BF002" in done.stderr
    assert "git symbolic-ref HEAD refs/heads/main" in done.stderr
    assert not server_ref(server_repo, "refs/heads/master")
    git(client, "switch", "-q", "-c", "same", "origin/main")
    same = push(client, "same:refs/heads/master")  # main's own policy: nothing changes
    assert same.returncode == 0, same.stderr


def test_the_first_push_of_the_default_branch_brings_the_policy(tmp_path: Path) -> None:
    """A branch pushed before the default branch existed does not stop the default branch's
    first push from bringing the policy that judges it."""
    bare = tmp_path / "srv.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert run_branchflow(bare, "install").returncode == 0
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(bare), str(work))
    commit(work, "initial", filename="README.md")
    assert push(work, "HEAD:refs/heads/feature/early").returncode == 0
    (work / ".branchflow.yaml").write_text("extends: ml-team\n")
    git(work, "add", ".branchflow.yaml")
    git(work, "commit", "-q", "-m", "policy")
    done = push(work, "HEAD:refs/heads/main")
    assert done.returncode == 0, done.stderr
    assert "judged by the policy this push brings on main" in done.stderr
    # ml-team's main, develop and test take pull requests only: a plain server has none
    assert "main, develop, test branches take changes only through pull requests" in (done.stderr)
    assert "no push will change them once they exist" in done.stderr


def test_a_line_separator_inside_a_ref_name_is_part_of_the_name(
    client: Path, server_repo: Path
) -> None:
    """U+2028 is a line break to Python's splitlines but an ordinary character to git: the
    name judged is the whole name git will create."""
    name = "feature/ok\u2028"
    done = push(client, f"develop:refs/heads/{name}")
    assert done.returncode != 0
    assert "BF101" in done.stderr
    assert not server_ref(server_repo, f"refs/heads/{name}")


def _hint(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if "hint: " in line).split("hint: ", 1)[1]


def test_the_server_names_branches_as_a_fresh_clone_has_them(
    server_repo: Path, tmp_path: Path
) -> None:
    """A clone that never checked out develop has only origin/develop: the server's hint
    names the branches so, and it runs there as shown."""
    fresh = tmp_path / "fresh"
    git(tmp_path, "clone", "-q", f"file://{server_repo}", str(fresh))
    git(fresh, "switch", "-q", "-c", "hotfix/v1.0.1", "origin/develop")
    commit(fresh, "a fix, cut from the wrong branch")
    done = push(fresh, "HEAD")
    assert done.returncode != 0
    hint = _hint(done.stderr)
    assert "git rebase --onto origin/main origin/develop hotfix/v1.0.1" in hint, hint
    ran = subprocess.run(
        ["bash", "-c", hint], cwd=fresh, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    done = push(fresh, "HEAD")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("hosting", "warned"),
    [
        ({"GL_USER": "alice", "GL_REPO": "srv"}, True),  # gitolite: no pull requests
        ({"GL_ID": "user-1", "GL_PROTOCOL": "ssh", "GL_USERNAME": "alice"}, False),  # GitLab
    ],
)
def test_gitolite_is_not_taken_for_a_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hosting: dict[str, str], warned: bool
) -> None:
    """gitolite sets GL_USER and GL_REPO too; only GitLab's own variables say a platform
    with pull requests is behind the server."""
    for key, value in hosting.items():
        monkeypatch.setenv(key, value)
    bare = tmp_path / "srv.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert run_branchflow(bare, "install").returncode == 0
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(bare), str(work))
    (work / ".branchflow.yaml").write_text("extends: ml-team\n")
    git(work, "add", ".branchflow.yaml")
    git(work, "commit", "-q", "-m", "policy")
    done = push(work, "HEAD:refs/heads/main")
    assert done.returncode == 0, done.stderr
    assert ("no push will change them once they exist" in done.stderr) == warned
