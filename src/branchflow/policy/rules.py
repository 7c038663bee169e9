"""Every rule branchflow enforces, with a stable id, a kebab-case name and a default severity.

Ids never change meaning; a retired rule's id is not reused. A policy sets a
rule to ``error``, ``warn`` or ``off`` by id or name, for the whole policy
(``rules:``) or, for rules about a branch type, per type (``branches.<type>.rules``).
The README's rule table is ``branchflow rules``.
"""

from __future__ import annotations

from typing import NamedTuple

SEVERITIES = ("error", "warn", "off")


class Rule(NamedTuple):
    id: str
    name: str
    summary: str
    default: str = "error"
    per_type: bool = True  # may a branch type override its severity?


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "BF001",
            "push-input",
            "a push names refs and objects a server can read",
            per_type=False,
        ),
        Rule(
            "BF002",
            "policy-file",
            "a policy pushed to the default branch loads without errors",
            per_type=False,
        ),
        Rule(
            "BF101",
            "branch-name",
            "a branch name matches a branch type of the policy",
            per_type=False,
        ),
        Rule("BF102", "ref-format", "a branch name is one git itself accepts", per_type=False),
        Rule(
            "BF103",
            "branch-owner",
            "a branch whose name holds {pusher} is pushed only by the person it names",
        ),
        Rule("BF201", "protected-commit", "no direct commits on a protected branch"),
        Rule("BF202", "merge-source", "a branch is merged only into the types its edges allow"),
        Rule("BF203", "fast-forward-merge", "merges into a protected branch make a merge commit"),
        Rule(
            "BF204", "pull-request-only", "no local pushes to a branch protected by pull requests"
        ),
        Rule(
            "BF205",
            "merge-content",
            "a merge into a protected branch carries what it merged, no changes of its own",
        ),
        Rule(
            "BF206",
            "merged-branch",
            "on the server, a branch a merge names is there (or in the push) and holds what it "
            "merged",
        ),
        Rule(
            "BF207",
            "merge-unnamed",
            "a merge in a protected branch's history says which branch it merged",
            "warn",
        ),
        Rule("BF301", "branch-base", "a branch is created from a type its 'from' edges allow"),
        Rule("BF302", "base-unknown", "where a branch was created from can be told", "warn"),
        Rule("BF401", "protected-delete", "long-lived and protected branches are not deleted"),
        Rule("BF402", "force-push", "protected branches are never rewritten by a force push"),
        Rule("BF501", "tag-name", "a tag name matches the policy's tag template", per_type=False),
        Rule(
            "BF502",
            "tag-version",
            "a release tag's version equals its release branch's version, or is one of the "
            "release line's (release/1.4: v1.4.2)",
            per_type=False,
        ),
        Rule(
            "BF503",
            "tag-branch",
            "a tag points at a commit of a branch type tags are allowed on",
            per_type=False,
        ),
        Rule(
            "BF504",
            "release-untagged",
            "a release that reached a tagged branch type carries its version's tag (found by "
            "`audit`: a push may bring the tag after the merge)",
            per_type=False,
        ),
        Rule(
            "BF505",
            "tag-moved",
            "a release tag, once the server has it, is neither moved nor deleted, and no "
            "version is released twice",
            per_type=False,
        ),
        Rule(
            "BF601",
            "experiment-docs",
            "a branch changes its 'documented_in' files before it is merged or pushed",
        ),
        Rule("BF701", "stale-branch", "a topic branch does not lie idle for long", "warn"),
    )
}
_BY_NAME = {rule.name: rule for rule in RULES.values()}


def find_rule(key: str) -> Rule | None:
    """A rule by id (BF201) or name (protected-commit)."""
    return RULES.get(key.upper()) or _BY_NAME.get(key)
