"""Who is pushing: the ``{pusher}`` of a branch type such as ``users/{pusher}/{slug}``.

On a server, the hosting software authenticates the pusher and says who it is in the
hook's environment; the client cannot set these (gitolite takes the name from the SSH
key, a web server from its login), so they are read in this order and the first one set
decides:

    GL_USER            gitolite
    REMOTE_USER        git http-backend behind a web server's authentication
    GL_USERNAME        GitLab
    GITEA_PUSHER_NAME  Gitea, Forgejo

In a clone, the pusher is ``git config branchflow.user``, else the local part of
``git config user.email``: a convenience that warns early, never the authority.

A name is spelled as ``{pusher}`` spells it by taking the part after a ``DOMAIN\\``
and before an ``@``, lowercased (``Jane.Doe@example.com`` -> ``jane.doe``), and nothing
else: a name that is not then letters and digits joined by single ``.``, ``_`` or ``-``
(``bob_``, ``bob smith``, ``jürgen``) has no spelling, so two logins never come to share
one by losing characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from branchflow.facts import Pusher
from branchflow.policy.template import BUILTIN_PLACEHOLDERS

SERVER_VARIABLES = ("GL_USER", "REMOTE_USER", "GL_USERNAME", "GITEA_PUSHER_NAME")
LOCAL_SETTINGS = ("branchflow.user", "user.email")

_SPELLED = re.compile(BUILTIN_PLACEHOLDERS["pusher"].regex)


def pusher_slug(name: str) -> str | None:
    """``name`` as ``{pusher}`` spells it; None when it has no spelling."""
    slug = name.strip().rpartition("\\")[2].partition("@")[0].lower()
    return slug if slug.isascii() and _SPELLED.fullmatch(slug) else None


def server_pusher(environ: Mapping[str, str]) -> Pusher:
    """The pusher the hosting software names, or an unknown one (an anonymous protocol:
    ``git daemon``, ``file://``)."""
    for variable in SERVER_VARIABLES:
        name = environ.get(variable, "")
        if name.strip():
            return Pusher(pusher_slug(name), variable, True, name)
    return Pusher(None, " or ".join(SERVER_VARIABLES), True)


def local_pusher(setting: Callable[[str], str | None]) -> Pusher:
    """Who this clone's user is: ``setting`` reads a git configuration value."""
    for key in LOCAL_SETTINGS:
        name = setting(key) or ""
        if name.strip():
            return Pusher(pusher_slug(name), f"git config {key}", False, name)
    return Pusher(None, " or ".join(f"git config {k}" for k in LOCAL_SETTINGS), False)
