"""`branchflow audit` on a history made with real git commands, mistakes included."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BRANCHFLOW, commit, git, run_branchflow

OLD = "2020-01-01T00:00:00+00:00"


def merge(repo: Path, source: str, message: str | None = None, *, ff: bool = False) -> None:
    args = ["merge", "-q", "--no-verify"]
    args += ["--ff-only"] if ff else ["--no-ff", "-m", message or f"Merge branch '{source}'"]
    git(repo, *args, source)


@pytest.fixture
def history(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Git Flow repository with a few years of mostly good, sometimes bad, history."""
    git(repo, "branch", "develop")
    # good: features through develop, releases into main (tagged) and back
    git(repo, "switch", "-q", "-c", "feature/login", "develop")
    commit(repo, "login")
    git(repo, "switch", "-q", "develop")
    merge(repo, "feature/login", "Merge branch 'feature/login' into develop")
    git(repo, "switch", "-q", "-c", "release/v1.0.0", "develop")
    commit(repo, "bump 1.0.0")
    git(repo, "switch", "-q", "main")
    merge(repo, "release/v1.0.0")
    git(repo, "tag", "-a", "-m", "1.0.0", "1.0.0")  # as git flow release finish tags: no v
    git(repo, "switch", "-q", "develop")
    merge(repo, "1.0.0", "Merge tag '1.0.0' into develop")
    # good: a pull request merged on GitHub
    git(repo, "switch", "-q", "-c", "feature/search", "develop")
    commit(repo, "search")
    git(repo, "switch", "-q", "develop")
    merge(repo, "feature/search", "Merge pull request #12 from octo/feature/search\n\nSearch")
    # bad: a commit straight onto main
    git(repo, "switch", "-q", "main")
    commit(repo, "quick fix on main")
    # bad: a feature merged into main
    git(repo, "switch", "-q", "-c", "feature/shortcut", "develop")
    commit(repo, "shortcut")
    git(repo, "switch", "-q", "main")
    merge(repo, "feature/shortcut", "Merge branch 'feature/shortcut'")
    # bad: a release merged into main, never tagged
    git(repo, "switch", "-q", "-c", "release/v1.1.0", "develop")
    commit(repo, "bump 1.1.0")
    git(repo, "switch", "-q", "main")
    merge(repo, "release/v1.1.0")
    # bad: names, a base, a tag, an old branch
    git(repo, "branch", "Bad_Name", "develop")
    git(repo, "branch", "hotfix/from-develop", "develop")
    git(repo, "tag", "release-2", "main")
    git(repo, "switch", "-q", "-c", "feature/forgotten", "develop")
    monkeypatch.setenv("GIT_COMMITTER_DATE", OLD)
    commit(repo, "forgotten work")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-01T00:00:00+00:00")
    git(repo, "switch", "-q", "develop")
    return repo


def audit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Stale after 1000 days: the fixed commit dates of the tests are under a year old,
    OLD is older."""
    if "--stale-days" not in args:
        args = (*args, "--stale-days", "1000")
    return run_branchflow(repo, "audit", *args)


def rules_in(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    found = []
    for line in done.stdout.splitlines():
        if line.startswith("branchflow: "):
            ref, rest = line[len("branchflow: ") :].split(": ", 1)
            found.append((ref, rest.split(" ", 1)[0]))
    return sorted(found)


def test_audit_finds_what_is_wrong_and_only_that(history: Path) -> None:
    done = audit(history)
    assert done.returncode == 1
    assert rules_in(done) == [
        ("Bad_Name", "BF101"),
        ("feature/forgotten", "BF701"),
        ("hotfix/from-develop", "BF301"),
        ("main", "BF201"),
        ("main", "BF202"),
        ("release-2", "BF501"),
        ("release/v1.1.0", "BF504"),
    ]
    out = done.stdout
    assert "main: BF201 protected-commit: 1 commit(s) made directly on main" in out
    assert "newest: " in out
    assert "quick fix on main" in out
    assert "merging feature/shortcut (a feature branch) into main is not allowed" in out
    assert "release/v1.1.0: BF504 release-untagged: release/v1.1.0 reached main in" in out
    assert "but no tag of version 1.1.0 marks that merge or a later commit of main" in out
    assert "hotfix/from-develop was created from develop" in out
    assert "feature/forgotten: BF701 stale-branch (warning): no commit for" in out
    assert out.splitlines()[-1].startswith("audit: 6 error(s), 1 warning(s) in ")


def test_tags_are_read_where_they_point(repo: Path) -> None:
    """BF504 wants the release's tag on its merge (or later on main), not anywhere; BF502 and
    BF503 are found in the history as they are on push."""
    git(repo, "branch", "develop")
    for version, tag_at in (("1.0.0", "develop"), ("1.1.0", "main"), ("1.2.0", None)):
        git(repo, "switch", "-q", "-c", f"release/v{version}", "develop")
        commit(repo, f"bump {version}")
        git(repo, "switch", "-q", "main")
        merge(repo, f"release/v{version}")
        if tag_at == "develop":  # the release's version tagged, but on develop's line
            git(repo, "tag", f"v{version}", f"release/v{version}")
        elif tag_at == "main":
            git(repo, "tag", "v1.1.1", "main")  # the merge, tagged with another version
            git(repo, "tag", f"v{version}", "main")
        git(repo, "switch", "-q", "develop")
        merge(repo, f"release/v{version}", f"Merge branch 'release/v{version}' into develop")
    git(repo, "tag", "v1.2.0", "develop")  # 1.2.0's tag on a commit main never got
    git(repo, "switch", "-q", "-c", "feature/x", "develop")
    commit(repo, "x")
    git(repo, "tag", "v9.0.0", "feature/x")
    done = audit(repo, "--all")
    found = rules_in(done)
    assert ("release/v1.0.0", "BF504") in found
    assert ("release/v1.1.0", "BF504") not in found
    assert ("v1.1.1", "BF502") in found
    assert ("v9.0.0", "BF503") in found
    assert ("v1.2.0", "BF503") in found
    assert ("release/v1.2.0", "BF504") in found
    misplaced = next(line for line in done.stdout.splitlines() if "release/v1.0.0: BF504" in line)
    assert "its version 1.0.0 is tagged on " in misplaced  # on develop's line: not "untagged"


def test_an_untagged_release_is_told_the_policy_s_own_tag(repo: Path) -> None:
    """A policy fitted to a history of two-part versions (nvie/gitflow's release/0.3 and
    tag 0.3): the hint makes the tag 0.3, which its patterns take, not v0.3."""
    (repo / ".branchflow.yaml").write_text(
        "extends: gitflow\n"
        "branches:\n  release:\n    pattern: ['release/v{semver}', 'release/{version}']\n"
        "tags:\n  pattern: ['v{semver}', '{semver}', '{version}']\n"
    )
    git(repo, "add", ".branchflow.yaml")
    git(repo, "commit", "-q", "--no-verify", "-m", "policy")
    git(repo, "branch", "develop")
    git(repo, "switch", "-q", "-c", "release/0.3", "develop")
    commit(repo, "bump 0.3")
    git(repo, "switch", "-q", "main")
    merge(repo, "release/0.3")
    done = audit(repo, "--all")
    assert "hint: git tag 0.3 " in done.stdout, done.stdout


def test_a_clone_without_the_tagged_branch_says_so(repo: Path, tmp_path: Path) -> None:
    """In a clone of develop alone, release tags are on no main because there is no main
    here: the audit says that once, and does not tell anyone to delete the tags."""
    git(repo, "branch", "develop")
    git(repo, "switch", "-q", "-c", "release/v1.0.0", "develop")
    commit(repo, "bump 1.0.0")
    git(repo, "switch", "-q", "main")
    merge(repo, "release/v1.0.0")
    git(repo, "tag", "v1.0.0")
    git(repo, "switch", "-q", "develop")
    merge(repo, "release/v1.0.0", "Merge branch 'release/v1.0.0' into develop")
    one = tmp_path / "develop-only"
    git(tmp_path, "clone", "-q", "--single-branch", "-b", "develop", str(repo), str(one))
    done = audit(one)
    assert ("v1.0.0", "BF503") not in rules_in(done)
    assert "no main or support branch in this clone: where tags point is not checked" in (
        done.stderr
    )
    assert "tags point" not in audit(repo).stderr


def test_a_shallow_clone_is_said_to_be_one(history: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{history}", str(shallow))
    done = audit(shallow, "--format", "json")
    assert "this clone is shallow" in done.stderr
    assert json.loads(done.stdout)["shallow"] is True
    assert json.loads(audit(history, "--format", "json").stdout)["shallow"] is False


def test_fast_forwarded_release_is_named_as_such(repo: Path) -> None:
    git(repo, "branch", "develop")
    git(repo, "switch", "-q", "-c", "release/v2.0.0", "develop")
    commit(repo, "bump 2.0.0")
    git(repo, "switch", "-q", "main")
    merge(repo, "release/v2.0.0", ff=True)
    git(repo, "tag", "v2.0.0")
    done = audit(repo)
    assert rules_in(done) == [("main", "BF203")]
    assert "main was fast-forwarded to release/v2.0.0: 1 commit(s) landed without a merge" in (
        done.stdout
    )


def test_since_limits_the_report(history: Path) -> None:
    done = audit(history, "--since", "2025-06-01")
    assert ("feature/forgotten", "BF701") not in rules_in(done)
    assert ("main", "BF201") in rules_in(done)
    nothing = audit(history, "--since", "2030-01-01")
    assert (nothing.returncode, rules_in(nothing)) == (0, [])
    bad = audit(history, "--since", "yesterday")
    assert bad.returncode == 2
    assert "--since: expected a date as YYYY-MM-DD" in bad.stderr


def test_json_and_sarif(history: Path) -> None:
    data = json.loads(audit(history, "--format", "json").stdout)
    assert data["summary"] == {"errors": 6, "warnings": 1}
    assert data["branches"] == 10
    rules = {v["rule"] for v in data["violations"]}
    assert "BF504" in rules
    sarif = json.loads(audit(history, "--format", "sarif").stdout)
    assert len(sarif["runs"][0]["results"]) == 7


def sarif_uris(repo: Path) -> set[str]:
    """The physical location of every SARIF result, each checked to be a file of ``repo``."""
    results = json.loads(audit(repo, "--format", "sarif").stdout)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert results
    assert all((repo / uri).is_file() for uri in uris), uris
    return uris


def test_sarif_results_name_a_file_of_the_repository(history: Path) -> None:
    assert sarif_uris(history) == {"README.md"}
    (history / ".pre-commit-config.yaml").write_text("repos: []\n")
    assert sarif_uris(history) == {"README.md"}
    (history / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert sarif_uris(history) == {"pyproject.toml"}
    (history / ".branchflow.yml").write_text("extends: gitflow\n")
    assert sarif_uris(history) == {".branchflow.yml"}


def test_baseline_holds_a_team_only_to_new_findings(history: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    first = audit(history, "--baseline", str(baseline))
    assert first.returncode == 0
    assert "recorded 7 finding(s) in" in first.stderr
    recorded = json.loads(baseline.read_text())
    assert recorded["branchflow_baseline"] == 2
    assert len(recorded["fingerprints"]) >= 7  # one per commit of a run of direct commits
    again = audit(history, "--baseline", str(baseline))
    assert again.returncode == 0
    assert rules_in(again) == []
    assert "7 known finding(s) in the baseline not shown" in again.stdout
    git(history, "switch", "-q", "main")
    commit(history, "another direct commit")
    new = audit(history, "--baseline", str(baseline))
    assert new.returncode == 1
    assert rules_in(new) == [("main", "BF201")]  # the new run of direct commits only
    updated = audit(history, "--baseline", str(baseline), "--update-baseline")
    assert "recorded 8 finding(s)" in updated.stderr
    assert audit(history, "--baseline", str(baseline)).returncode == 0


def test_a_baseline_knows_a_run_by_its_commits(history: Path, tmp_path: Path) -> None:
    """One more direct commit on top of a known run is one new finding of one commit, not
    the run of all of them again."""
    git(history, "switch", "-q", "main")
    commit(history, "direct one")
    commit(history, "direct two")
    baseline = tmp_path / "baseline.json"
    audit(history, "--baseline", str(baseline))
    commit(history, "direct three")
    third = git(history, "rev-parse", "HEAD").stdout.strip()
    new = audit(history, "--baseline", str(baseline), "--format", "json")
    found = json.loads(new.stdout)["violations"]
    assert [(v["rule"], v["ref"]) for v in found] == [("BF201", "main")]
    assert found[0]["message"].startswith("1 commit(s) made directly on main")
    assert found[0]["details"][0] == f"new since the baseline: {third[:12]}"


def test_a_baseline_of_the_first_format_is_still_read(history: Path, tmp_path: Path) -> None:
    done = json.loads(audit(history, "--format", "json").stdout)["violations"]
    baseline = tmp_path / "baseline.json"
    baseline.write_text(
        json.dumps({"branchflow_baseline": 1, "fingerprints": [v["fingerprint"] for v in done]})
    )
    again = audit(history, "--baseline", str(baseline))
    assert again.returncode == 0
    assert rules_in(again) == []


def test_recording_a_baseline_reports_in_the_format_asked(history: Path, tmp_path: Path) -> None:
    """The first run of a baseline is an audit too: JSON readers get JSON (no finding new,
    every one known), not an empty output."""
    baseline = tmp_path / "baseline.json"
    first = audit(history, "--baseline", str(baseline), "--format", "json")
    assert first.returncode == 0
    data = json.loads(first.stdout)
    assert data["violations"] == []
    assert data["known_in_baseline"] == 7
    sarif = audit(history, "--baseline", str(baseline), "--update-baseline", "--format", "sarif")
    assert json.loads(sarif.stdout)["runs"][0]["results"] == []


def test_a_baseline_that_cannot_be_written(history: Path, tmp_path: Path) -> None:
    done = audit(history, "--baseline", str(tmp_path / "missing" / "baseline.json"))
    assert done.returncode == 2
    assert "cannot write the baseline" in done.stderr
    assert "internal error" not in done.stderr
    alone = audit(history, "--update-baseline")
    assert alone.returncode == 2
    assert "--baseline FILE" in alone.stderr


def test_broken_baseline_file(history: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text("{not json")
    done = audit(history, "--baseline", str(baseline))
    assert done.returncode == 2
    assert "not a branchflow baseline" in done.stderr


def test_stale_age_is_configurable(history: Path) -> None:
    assert ("feature/forgotten", "BF701") not in rules_in(audit(history, "--stale-days", "0"))
    (history / ".branchflow.yaml").write_text("extends: gitflow\nstale_after_days: 0\n")
    assert ("feature/forgotten", "BF701") not in rules_in(run_branchflow(history, "audit"))


def test_progress_only_on_a_terminal(history: Path) -> None:
    leader, follower = pty.openpty()
    done = subprocess.run(
        [BRANCHFLOW, "audit"],
        cwd=history,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=dict(os.environ),
        check=False,
    )
    os.close(follower)
    shown = os.read(leader, 65536).decode()
    os.close(leader)
    assert done.returncode == 1
    assert shown.startswith("\r\x1b[Kbranchflow audit: ")
    assert "branches 1/10" in shown or "history of develop" in shown
    assert "\r" not in audit(history).stderr


def test_a_merged_tag_held_only_by_the_branch_it_was_merged_into(
    repo: Path, tmp_path: Path
) -> None:
    """A clone of develop alone: the release commit is on develop only because its tag was
    merged into it; that merge is judged by the tag, not refused for it."""
    git(repo, "branch", "develop")
    git(repo, "switch", "-q", "-c", "release/v2.0.0", "develop")
    commit(repo, "bump 2.0.0")
    git(repo, "switch", "-q", "main")
    merge(repo, "release/v2.0.0")
    git(repo, "tag", "-a", "-m", "2.0.0", "v2.0.0")
    git(repo, "switch", "-q", "develop")
    merge(repo, "v2.0.0", "Merge tag 'v2.0.0' into develop")
    assert ("develop", "BF202") not in rules_in(audit(repo))
    clone = tmp_path / "develop-only"
    git(tmp_path, "clone", "-q", "--single-branch", "--branch", "develop", str(repo), str(clone))
    assert "v2.0.0" in git(clone, "tag").stdout.split()
    assert "origin/main" not in git(clone, "branch", "-r").stdout
    done = audit(clone)
    assert ("develop", "BF202") not in rules_in(done), done.stdout


def test_a_release_fast_forwarded_into_main_brings_develop_history_not_findings(
    repo: Path,
) -> None:
    """main fast-forwarded to a release: its first-parent line now runs down develop's, and
    develop's merges are not merges into main. One fast-forward is reported, nothing else."""
    git(repo, "branch", "develop")
    git(repo, "switch", "-q", "develop")
    for n, message in enumerate(
        ["Merge branch 'feature/f0' into develop", "Merge pull request #7 from team/feature/f1"]
    ):
        git(repo, "switch", "-q", "-c", f"feature/f{n}", "develop")
        commit(repo, f"f{n}")
        git(repo, "switch", "-q", "develop")
        merge(repo, f"feature/f{n}", message)
        git(repo, "branch", "-D", f"feature/f{n}")
    git(repo, "switch", "-q", "-c", "release/v1.0.0", "develop")
    commit(repo, "bump 1.0.0")
    git(repo, "switch", "-q", "main")
    merge(repo, "release/v1.0.0", ff=True)
    git(repo, "tag", "v1.0.0")
    git(repo, "switch", "-q", "develop")
    merge(repo, "release/v1.0.0", "Merge branch 'release/v1.0.0' into develop")
    git(repo, "branch", "-D", "release/v1.0.0")
    done = audit(repo)
    assert rules_in(done) == [("main", "BF203")], done.stdout
    assert "main was fast-forwarded: 1 commit(s) that branched from develop landed" in (done.stdout)


def test_tags_of_tags_are_checked_and_tags_of_blobs_left_alone(repo: Path) -> None:
    git(repo, "branch", "develop")
    git(repo, "tag", "-a", "-m", "release", "v1.0.0")
    git(repo, "-c", "advice.nestedTag=false", "tag", "-a", "-m", "again", "Release-1", "v1.0.0")
    (repo / "key.txt").write_text("key\n")
    blob = git(repo, "hash-object", "-w", "key.txt").stdout.strip()
    git(repo, "tag", "gpg-key", blob)
    done = audit(repo)
    assert rules_in(done) == [("Release-1", "BF501")], done.stdout


def test_a_ref_at_a_missing_object_is_a_clear_error(repo: Path) -> None:
    (repo / ".git" / "refs" / "heads" / "broken").write_text("1" * 40 + "\n")
    done = audit(repo)
    assert done.returncode == 2
    assert "cannot list the branches in" in done.stderr
    assert "missing object 1111111111111111111111111111111111111111 for refs/heads/broken" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


def test_a_local_copy_behind_the_remote_audits_the_shared_history(
    repo_with_develop: Path, tmp_path: Path
) -> None:
    """A clone that fetched but did not pull still audits what the server's develop holds."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo_with_develop), str(origin))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(clone, "switch", "-q", "develop")
    assert "straight onto develop" not in audit(clone).stdout
    commit(repo_with_develop, "straight onto develop")
    git(repo_with_develop, "push", "-q", str(origin), "develop")
    git(clone, "fetch", "-q")
    after = audit(clone)
    assert ("develop", "BF201") in rules_in(after)
    assert "straight onto develop" in after.stdout
