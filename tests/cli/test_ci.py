"""`branchflow ci` in each provider's environment, on clones shaped like CI checkouts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ci_providers import PROVIDERS, ci_checkout, run_ci, run_ci_env
from tests.conftest import PROJECT_ROOT, commit, git, run_branchflow, seed_origin

SHALLOW_FIX = {
    "github": "with actions/checkout, set `fetch-depth: 0`",
    "gitlab": "set the job's `variables: GIT_DEPTH: 0`",
    "bitbucket": "set `clone: depth: full` in bitbucket-pipelines.yml",
    "azure": "add `- checkout: self` with `fetchDepth: 0` to the pipeline",
    "jenkins": "turn off the shallow clone in the job's checkout (CloneOption shallow: false)",
}


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A hosting server's repository: main, develop and a few pull request branches."""
    bare = tmp_path / "origin.git"
    work = tmp_path / "author"
    seed_origin(bare, work)
    for name, base in [
        ("feature/login", "develop"),
        ("hotfix/wrong-base", "develop"),
        ("Feature/Bad_Name", "develop"),
        ("release/v1.0.0", "develop"),
    ]:
        git(work, "switch", "-q", "-c", name, base)
        commit(work, f"work on {name}")
        git(work, "push", "-q", "origin", name)
    return bare


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_each_provider(provider: str, origin: Path, tmp_path: Path) -> None:
    good = run_ci(
        ci_checkout(origin, tmp_path / "good", "feature/login"),
        provider,
        "feature/login",
        "develop",
    )
    assert good.returncode == 0, good.stderr
    assert f"branchflow: {provider}: feature/login -> develop: ok" in good.stderr

    wrong_target = run_ci(tmp_path / "good", provider, "feature/login", "main")
    assert wrong_target.returncode == 1
    assert (
        "branchflow: main: BF202 merge-source: merging feature/login (a feature branch) into "
        "main is not allowed"
    ) in wrong_target.stderr
    assert "hint: change the pull request's target branch to develop" in wrong_target.stderr

    bad_base = run_ci(
        ci_checkout(origin, tmp_path / "base", "hotfix/wrong-base"),
        provider,
        "hotfix/wrong-base",
        "main",
    )
    assert bad_base.returncode == 1
    assert "BF301 branch-base: hotfix/wrong-base was created from develop" in bad_base.stderr

    bad_name = run_ci(
        ci_checkout(origin, tmp_path / "name", "Feature/Bad_Name"),
        provider,
        "Feature/Bad_Name",
        "develop",
    )
    assert bad_name.returncode == 1
    assert "BF101 branch-name" in bad_name.stderr


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_shallow_clone_says_how_to_fix_it(provider: str, origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(
        origin, tmp_path / "shallow", "feature/login", "--depth", "1", "--no-single-branch"
    )
    done = run_ci(repo, provider, "feature/login", "develop")
    assert (
        f"this {provider} clone is shallow, so a branch's base cannot be told; to fix: "
        f"{SHALLOW_FIX[provider]}" in done.stderr
    )
    assert "BF302 base-unknown (warning)" in done.stderr
    assert done.returncode == 0  # a warning by default


def test_github_annotations(origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(origin, tmp_path / "c", "feature/login")
    done = run_ci(repo, "github", "feature/login", "main")
    assert done.stdout.startswith(
        "::error title=branchflow BF202 merge-source::main: merging feature/login"
    )
    assert "%0Ahint: change the pull request's target branch to develop" in done.stdout


def test_json_and_sarif(origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(origin, tmp_path / "c", "feature/login")
    data = json.loads(run_ci(repo, "gitlab", "feature/login", "main", "--format", "json").stdout)
    assert data["provider"] == "gitlab"
    assert (data["source"], data["target"]) == ("feature/login", "main")
    assert [v["rule"] for v in data["violations"]] == ["BF202"]
    assert data["summary"] == {"errors": 1, "warnings": 0}
    sarif = json.loads(run_ci(repo, "gitlab", "feature/login", "main", "--format", "sarif").stdout)
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "branchflow"
    [result] = run["results"]
    assert result["ruleId"] == "BF202"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "BF202"
    assert result["level"] == "error"
    assert result["locations"][0]["logicalLocations"][0]["name"] == "main"


def test_command_line_source_and_target(origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(origin, tmp_path / "c", "release/v1.0.0")
    done = run_branchflow(repo, "ci", "--source", "release/v1.0.0", "--target", "main")
    assert done.returncode == 0, done.stderr
    done = run_branchflow(repo, "ci")
    assert done.returncode == 2
    assert "no CI system detected" in done.stderr


STRICT = 'extends: gitflow\nbranches:\n  feature:\n    pattern: "feature/{ticket}-{slug}"\n'
LOOSE = "extends: gitflow\nbranches:\n  feature:\n    into: [develop, main]\n"


def publish(author: Path, branch: str, files: dict[str, str], message: str) -> None:
    """Commit these files on ``branch`` of the author's clone (created from develop when
    new) and push it to origin."""
    exists = git(author, "rev-parse", "--verify", "-q", f"refs/heads/{branch}", check=False)
    if exists.returncode == 0:
        git(author, "switch", "-q", branch)
    else:
        git(author, "switch", "-q", "-c", branch, "develop")
    for name, text in files.items():
        (author / name).parent.mkdir(parents=True, exist_ok=True)
        (author / name).write_text(text)
        git(author, "add", name)
    git(author, "commit", "-q", "--no-verify", "--allow-empty", "-m", message)
    git(author, "push", "-q", "origin", branch)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_target_branchs_committed_policy_judges(
    provider: str, origin: Path, tmp_path: Path
) -> None:
    # feature/login left develop before develop asked for a ticket in feature names.
    publish(tmp_path / "author", "develop", {".branchflow.yaml": STRICT}, "tickets in names")
    repo = ci_checkout(origin, tmp_path / "c", "feature/login")
    done = run_ci(repo, provider, "feature/login", "develop")
    assert done.returncode == 1, done.stderr
    assert "branchflow: policy: .branchflow.yaml on origin/develop" in done.stderr
    assert (
        "branchflow: feature/login: BF101 branch-name: matches no branch type of "
        "origin/develop:.branchflow.yaml extends preset 'gitflow'" in done.stderr
    )
    assert (
        "branchflow: note: the policy in this checkout differs from origin/develop's "
        "(this checkout has no policy file, origin/develop has .branchflow.yaml); a new "
        "policy takes effect after the merge and is not used to judge this pull request"
    ) in done.stderr


def test_json_names_the_policy_source(origin: Path, tmp_path: Path) -> None:
    publish(tmp_path / "author", "develop", {".branchflow.yaml": STRICT}, "tickets in names")
    develop = git(origin, "rev-parse", "develop").stdout.strip()
    repo = ci_checkout(origin, tmp_path / "c", "feature/login")
    data = json.loads(run_ci(repo, "github", "feature/login", "develop", "--format", "json").stdout)
    assert data["policy"] == "origin/develop:.branchflow.yaml extends preset 'gitflow'"
    assert data["policy_source"] == {
        "kind": "target branch",
        "revision": "origin/develop",
        "commit": develop,
        "file": ".branchflow.yaml",
        "checkout_differs": [".branchflow.yaml"],
    }
    assert [v["rule"] for v in data["violations"]] == ["BF101"]


def test_a_pull_request_cannot_loosen_the_policy_that_judges_it(
    origin: Path, tmp_path: Path
) -> None:
    publish(tmp_path / "author", "feature/ship-it", {".branchflow.yaml": LOOSE}, "let me in")
    repo = ci_checkout(origin, tmp_path / "c", "feature/ship-it")
    done = run_ci(repo, "github", "feature/ship-it", "main")
    assert done.returncode == 1, done.stderr
    assert "branchflow: policy: preset 'gitflow' (origin/main has no policy file)" in done.stderr
    assert (
        "BF202 merge-source: merging feature/ship-it (a feature branch) into main is not "
        "allowed" in done.stderr
    )
    assert (
        "the policy in this checkout differs from origin/main's (this checkout has "
        ".branchflow.yaml, origin/main has no policy file); "
        "a new policy takes effect after the merge and is not used to judge this pull request"
    ) in done.stderr
    # Once the loosening is on main itself, it is the policy.
    publish(tmp_path / "author", "main", {".branchflow.yaml": LOOSE}, "admin: loosen")
    git(repo, "fetch", "-q", "origin")
    done = run_ci(repo, "github", "feature/ship-it", "main")
    assert done.returncode == 0, done.stderr
    assert "branchflow: policy: .branchflow.yaml on origin/main" in done.stderr
    assert "differs" not in done.stderr


def test_explicit_policy_still_wins(origin: Path, tmp_path: Path) -> None:
    publish(tmp_path / "author", "develop", {".branchflow.yaml": STRICT}, "tickets in names")
    repo = ci_checkout(origin, tmp_path / "c", "feature/login")
    done = run_ci(repo, "gitlab", "feature/login", "develop", "--preset", "gitflow")
    assert done.returncode == 0, done.stderr
    assert "branchflow: policy: preset 'gitflow' (--preset)" in done.stderr


def test_local_target_then_the_providers_target_commit(origin: Path, tmp_path: Path) -> None:
    publish(tmp_path / "author", "develop", {".branchflow.yaml": STRICT}, "tickets in names")
    # Only the source branch is cloned; develop arrives under a name CI tools do not use.
    repo = tmp_path / "single"
    git(
        tmp_path,
        "clone",
        "-q",
        "--single-branch",
        "--branch",
        "feature/login",
        f"file://{origin}",
        str(repo),
    )
    git(repo, "fetch", "-q", "origin", "+refs/heads/develop:refs/ci/target")
    develop = git(repo, "rev-parse", "refs/ci/target").stdout.strip()
    gitlab = {**PROVIDERS["gitlab"]("feature/login", "develop")}
    done = run_ci_env(repo, gitlab)
    assert done.returncode == 2
    assert (
        "branchflow: error: the target branch develop is not in this clone (neither "
        "origin/develop nor develop), so the policy it holds cannot be read"
    ) in done.stderr
    gitlab["CI_MERGE_REQUEST_TARGET_BRANCH_SHA"] = develop
    done = run_ci_env(repo, gitlab)
    assert done.returncode == 1, done.stderr
    assert f"branchflow: policy: .branchflow.yaml on {develop[:12]}" in done.stderr
    git(repo, "branch", "develop", "refs/ci/target")
    done = run_branchflow(repo, "ci", "--source", "feature/login", "--target", "develop")
    assert "branchflow: policy: .branchflow.yaml on develop" in done.stderr
    assert "BF101 branch-name" in done.stderr


@pytest.mark.parametrize(
    "extends", ["/etc/passwd", "../../etc/passwd", "{outside}", "../outside.yaml"]
)
def test_a_committed_policy_reads_nothing_outside_its_commit(
    origin: Path, tmp_path: Path, extends: str
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("extends: gitflow\n")  # loads fine: reading it would be the bug
    value = extends.replace("{outside}", str(outside))
    policy = {".branchflow.yaml": f"extends: {value}\n"}
    publish(tmp_path / "author", "develop", policy, "policy from elsewhere")
    git(tmp_path / "author", "switch", "-q", "-c", "feature/later", "develop")
    commit(tmp_path / "author", "later")
    git(tmp_path / "author", "push", "-q", "origin", "feature/later")
    repo = ci_checkout(origin, tmp_path / "c", "feature/later")
    done = run_ci(repo, "github", "feature/later", "develop")
    assert done.returncode == 2, done.stderr
    assert f"branchflow: error: origin/develop:.branchflow.yaml: extends: {value!r} " in done.stderr
    assert "a committed policy extends only a preset or a file of its own commit" in done.stderr
    assert "Traceback" not in done.stderr
    assert "root:" not in done.stderr


def test_an_ml_team_feature_documents_its_experiment(origin: Path, tmp_path: Path) -> None:
    author = tmp_path / "author"
    publish(author, "develop", {".branchflow.yaml": "extends: ml-team\n"}, "the team's policy")
    publish(author, "feature/lr-sweep", {"train.py": "lr = 0.1\n"}, "sweep the learning rate")
    publish(author, "feature/documented", {"experiments/lr.md": "lr 0.1 wins\n"}, "write-up")
    bare = run_ci(
        ci_checkout(origin, tmp_path / "a", "feature/lr-sweep"),
        "azure",
        "feature/lr-sweep",
        "develop",
    )
    assert bare.returncode == 0, bare.stderr  # a warning in ml-team
    assert (
        "branchflow: feature/lr-sweep: BF601 experiment-docs (warning): feature/lr-sweep "
        "changes none of experiments/**, docs/experiments/**, EXPERIMENTS.md"
    ) in bare.stderr
    assert "hint: commit a write-up on the branch, e.g. experiments/lr-sweep.md" in bare.stderr
    documented = run_ci(
        ci_checkout(origin, tmp_path / "b", "feature/documented"),
        "azure",
        "feature/documented",
        "develop",
    )
    assert documented.returncode == 0, documented.stderr
    assert "BF601" not in documented.stderr


TAG_BUILDS = {
    "github": lambda tag: {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_REF": f"refs/tags/{tag}",
        "GITHUB_REF_NAME": tag,
    },
    "gitlab": lambda tag: {"GITLAB_CI": "true", "CI_COMMIT_TAG": tag, "CI_COMMIT_REF_NAME": tag},
    "bitbucket": lambda tag: {"BITBUCKET_BUILD_NUMBER": "3", "BITBUCKET_TAG": tag},
    "azure": lambda tag: {
        "TF_BUILD": "True",
        "BUILD_SOURCEBRANCH": f"refs/tags/{tag}",
        "BUILD_SOURCEBRANCHNAME": tag,
    },
    "jenkins": lambda tag: {
        "JENKINS_URL": "http://jenkins.example/",
        "TAG_NAME": tag,
        "BRANCH_NAME": tag,
    },
}


@pytest.mark.parametrize("provider", sorted(TAG_BUILDS))
def test_a_tag_build_is_named_and_judged(provider: str, origin: Path, tmp_path: Path) -> None:
    author = tmp_path / "author"
    git(author, "switch", "-q", "main")
    git(author, "tag", "v1.2.0")
    git(author, "tag", "1.2")
    git(author, "push", "-q", "origin", "v1.2.0", "1.2")
    repo = tmp_path / "c"
    git(tmp_path, "clone", "-q", f"file://{origin}", str(repo))
    git(repo, "checkout", "-q", "--detach", "v1.2.0")
    good = run_ci_env(repo, TAG_BUILDS[provider]("v1.2.0"))
    assert good.returncode == 0, good.stderr
    assert f"branchflow: {provider}: tag v1.2.0: ok under preset 'gitflow'" in good.stderr
    bad = run_ci_env(repo, TAG_BUILDS[provider]("1.2"))
    assert bad.returncode == 1, bad.stderr
    assert "branchflow: 1.2: BF501 tag-name: the tag matches no tag template" in bad.stderr
    assert "BF503" not in bad.stderr


def assert_located(repo: Path, sarif_text: str) -> list[str]:
    """Every result names a file of the repository as its physical location; their URIs."""
    results = json.loads(sarif_text)["runs"][0]["results"]
    assert results
    uris = []
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert (repo / uri).is_file(), uri
        uris.append(uri)
    return uris


def test_sarif_results_name_a_file_of_the_repository(origin: Path, tmp_path: Path) -> None:
    repo = ci_checkout(origin, tmp_path / "c", "feature/login")
    done = run_ci(repo, "gitlab", "feature/login", "main", "--format", "sarif")
    assert set(assert_located(repo, done.stdout)) == {"README.md"}
    # A pull request's own policy file does not judge it: the target's does.
    publish(tmp_path / "author", "feature/policy", {".branchflow.yaml": STRICT}, "policy")
    repo = ci_checkout(origin, tmp_path / "p", "feature/policy")
    done = run_ci(repo, "gitlab", "feature/policy", "main", "--format", "sarif")
    assert set(assert_located(repo, done.stdout)) == {"README.md"}
    publish(tmp_path / "author", "develop", {".branchflow.yaml": STRICT}, "policy")
    publish(tmp_path / "author", "feature/sloppy", {"login.py": "x = 1\n"}, "no ticket")
    repo = ci_checkout(origin, tmp_path / "d", "feature/sloppy")
    done = run_ci(repo, "gitlab", "feature/sloppy", "develop", "--format", "sarif")
    assert set(assert_located(repo, done.stdout)) == {".branchflow.yaml"}


def test_sarif_without_any_usual_file(tmp_path: Path) -> None:
    repo = tmp_path / "bare-bones"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    (repo / "src").mkdir()
    (repo / "src" / "model.py").write_text("print(1)\n")
    git(repo, "add", "src/model.py")
    git(repo, "commit", "-q", "-m", "model")
    git(repo, "switch", "-q", "-c", "develop")
    git(repo, "switch", "-q", "-c", "feature/x")
    done = run_branchflow(
        repo, "ci", "--source", "feature/x", "--target", "main", "--format", "sarif"
    )
    assert done.returncode == 1, done.stderr
    assert set(assert_located(repo, done.stdout)) == {"src/model.py"}


@pytest.fixture(scope="session")
def action_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment, as a CI runner's Python is, for the install steps."""
    venv = tmp_path_factory.mktemp("ci-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv / "bin"


def run_steps(
    commands: list[str], cwd: Path, env: dict[str, str], bin_dir: Path
) -> subprocess.CompletedProcess[str]:
    script = "set -e\n" + "\n".join(commands)
    full = {**os.environ, **env, "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"}
    for key in ("VIRTUAL_ENV", "PYTHONPATH"):
        full.pop(key, None)
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, check=False
    )


@pytest.mark.e2e
def test_github_action_steps(
    origin: Path, tmp_path: Path, project_snapshot: Path, action_venv: Path
) -> None:
    action = yaml.safe_load((PROJECT_ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = []
    for step in action["runs"]["steps"]:
        steps.append(step["run"].replace("${{ github.action_path }}", str(project_snapshot)))
    env = {
        **PROVIDERS["github"]("feature/login", "main"),
        "BRANCHFLOW_INPUT_CONFIG": "",
        "BRANCHFLOW_INPUT_PRESET": "",
        "BRANCHFLOW_INPUT_FORMAT": "text",
    }
    repo = ci_checkout(origin, tmp_path / "gh", "feature/login")
    done = run_steps(steps, repo, env, action_venv)
    assert done.returncode == 1, done.stderr
    assert "::error title=branchflow BF202 merge-source::main" in done.stdout
    env.update(PROVIDERS["github"]("feature/login", "develop"))
    assert run_steps(steps[1:], repo, env, action_venv).returncode == 0


@pytest.mark.e2e
def test_gitlab_template_job(
    origin: Path, tmp_path: Path, project_snapshot: Path, action_venv: Path
) -> None:
    job = yaml.safe_load((PROJECT_ROOT / "templates" / "branchflow.gitlab-ci.yml").read_text())[
        "branchflow"
    ]
    assert job["variables"]["GIT_DEPTH"] == "0"
    commands = job["before_script"] + job["script"]
    env = {
        **job["variables"],
        "BRANCHFLOW_PACKAGE": str(project_snapshot),
        **PROVIDERS["gitlab"]("Feature/Bad_Name", "develop"),
    }
    repo = ci_checkout(origin, tmp_path / "gl", "Feature/Bad_Name")
    done = run_steps(commands, repo, env, action_venv)
    assert done.returncode == 1
    assert "BF101 branch-name" in done.stderr
    env["BRANCHFLOW_ARGS"] = "--format json"
    done = run_steps(job["script"], repo, env, action_venv)
    assert json.loads(done.stdout)["violations"][0]["rule"] == "BF101"


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_a_pull_request_from_a_fork(provider: str, origin: Path, tmp_path: Path) -> None:
    """A fork's branch is named as its owner pleases; it may go where forks.into says."""
    repo = ci_checkout(origin, tmp_path / "c", "Feature/Bad_Name")
    event = tmp_path / "event.json"
    fork = {"full_name": "dave/project"}
    ours = {"full_name": "team/project"}

    def variables(target: str) -> dict[str, str]:
        found = PROVIDERS[provider]("patch-1", target)
        if provider == "github":
            event.write_text(
                json.dumps(
                    {
                        "pull_request": {
                            "head": {"sha": "0" * 40, "repo": fork},
                            "base": {"sha": "0" * 40, "repo": ours},
                        }
                    }
                )
            )
            found["GITHUB_EVENT_PATH"] = str(event)
        else:
            found["CI_MERGE_REQUEST_SOURCE_PROJECT_PATH"] = "dave/project"
            found["CI_MERGE_REQUEST_PROJECT_PATH"] = "team/project"
        return found

    done = run_ci_env(repo, variables("develop"))
    assert done.returncode == 0, done.stderr
    assert "dave/project:patch-1 (a fork) -> develop: ok" in done.stderr
    done = run_ci_env(repo, variables("main"))
    assert done.returncode == 1, done.stderr
    assert "BF202" in done.stderr
    assert "from a fork" in done.stderr
    assert "BF101" not in done.stderr
