"""The real problems in the histories of ../shared/corpus, checked by hand against each
project's log: what their maintainers would call a slip from their own Git Flow once the
policy speaks their naming (``release/0.4``, tags ``0.4``, ``feature/add_rename_command``)
and lets develop take the version bumps and fixes its maintainers commit there.

Each entry: (rule, the branch or tag, the branch whose history holds it, the commit).
"""

from __future__ import annotations

# Topic branches merged into develop without a type prefix, made before (or beside) the
# project's own feature/ and release/ naming: nine in nvie/gitflow.
_UNPREFIXED = (
    ("BF101", "chad3814-develop", "develop", "447808fa70c3"),
    ("BF101", "zerotao-patch", "develop", "b3e89fe50b81"),
    ("BF101", "review", "develop", "bd4a1f121fde"),
    ("BF101", "release-0.1", "develop", "3e970a0beae0"),  # the first release, release-0.1
    ("BF101", "make-feature-work", "develop", "788227b4ffbf"),
    ("BF101", "ensure-clean-env", "develop", "ab4b80d5b327"),
    ("BF101", "tag-releases", "develop", "7d0a4096f7ac"),
    ("BF101", "cleanup", "develop", "e17663f88739"),
)

REAL_PROBLEMS: dict[str, set[tuple[str, str, str, str]]] = {
    "nvie-gitflow": {
        *_UNPREFIXED,
        ("BF101", "debian-installer", "develop", "ab7fda21f100"),
        ("BF101", "release-0.1", "master", "2a40e6abadbb"),  # ... merged into master too
        # "Be git-describe friendly.": a merge whose message hides what it merged
        ("BF207", "develop", "develop", "aa93d2346f84"),
        # master's merge of release/0.2 has no tag: 0.2 marks develop's merge of it instead
        ("BF504", "release/0.2", "master", "097459c5c543"),
    },
    "gitflow-avh": {
        *_UNPREFIXED,  # the fork keeps nvie's early history
        # names a type prefix does not take: a '#' in the name, a contributor's prefix
        ("BF101", "feature/pull_request_#87", "develop", "2da44550a86c"),
        ("BF101", "feature/fix_feature_track_#101", "develop", "c931313331b8"),
        ("BF101", "baby-gnu-feature/in-place-release", "develop", "0738b5969bcf"),
        ("BF101", "sinbad/feature/fix_default_behaviour", "develop", "ee28376e6008"),
        # a merge of 8588f2027270 whose message names no branch
        ("BF207", "develop", "develop", "c2802061818d"),
        # master never got a merge of its own: it was moved onto develop's history
        ("BF203", "master", "master", "d409eff2896b"),
    },
}
