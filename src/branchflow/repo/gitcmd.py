"""Running git itself, outside any hook's environment, for what plumbing does fastest."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import threading
from collections.abc import Iterator
from typing import IO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from branchflow.errors import RepoError
from branchflow.repo.state import decode

# Variables git sets for hooks that would redirect a nested git command.
GIT_ENV = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_PREFIX")


def git_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in GIT_ENV}


def run_git(args: list[str], cwd: str) -> str | None:
    """Output of a git command run outside any hook environment, or None when it fails."""
    try:
        out = GitJob(args, cwd).result()
    except OSError:
        return None
    return None if out is None else decode(out).rstrip("\n")


def git_output(args: list[str], cwd: str, doing: str) -> str:
    """``run_git``, for when a failure is an error: RepoError saying what was being done
    (``doing``: "cannot ask git where the hooks are") and why, in git's words."""
    try:
        job = GitJob(args, cwd)
    except OSError as exc:
        raise RepoError(f"{doing}: cannot run git: {exc.strerror or exc}") from None
    out = job.result()
    if out is None:
        raise RepoError(f"{doing}: {job.error}")
    return decode(out).rstrip("\n")


def _widen(pipe: IO[bytes] | None) -> None:
    """Let git write up to a mebibyte ahead of the reader (Linux; elsewhere as it is). The
    reading thread needs the interpreter's lock, which the thread checking what it read
    holds for up to the switch interval (5 ms): with the usual 64 KiB, git spent most of a
    long history waiting for room in the pipe."""
    size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if pipe is None or size is None:
        return
    with contextlib.suppress(OSError):  # more than /proc/sys/fs/pipe-max-size allows
        fcntl.fcntl(pipe.fileno(), size, 1 << 20)


class GitJob:
    """``git ARGS`` running in the background while the caller works.

    A thread reads git's output as it comes, so git never waits on a full pipe whatever
    the caller is doing. ``result`` gives the whole output; with ``stream=True``,
    ``pieces`` gives it while git is still writing. Revisions for ``--stdin`` can be
    given as ``stdin``, in any number.
    """

    PIECE = 1 << 16

    def __init__(
        self, args: list[str], cwd: str, stdin: bytes | None = None, *, stream: bool = False
    ) -> None:
        self.proc = subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            env=git_env(),
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.args = args
        self._said = b""  # the end of what git wrote on stderr, for the error it gives
        self._err_reader = threading.Thread(target=self._drain_errors, daemon=True)
        self._err_reader.start()
        self._out = b""
        if stream:
            _widen(self.proc.stdout)
        self._pieces: queue.SimpleQueue[bytes] | None = queue.SimpleQueue() if stream else None
        self._ended = False  # the caller read the whole output
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        if stdin is not None:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(stdin)
                self.proc.stdin.close()
            except BrokenPipeError:
                pass  # git stopped early; its exit status says why

    def _drain(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        if self._pieces is None:
            self._out = stdout.read()
            return
        # What the pipe holds, in one call (each call waits for the interpreter's lock),
        # passed on in pieces of at least PIECE bytes, so no time goes on slivers.
        fd = stdout.fileno()
        held: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            held.append(chunk)
            size += len(chunk)
            if size >= self.PIECE:
                self._pieces.put(b"".join(held))
                held, size = [], 0
        if held:
            self._pieces.put(b"".join(held))
        self._pieces.put(b"")

    ERROR_BYTES = 4096  # the end of git's stderr kept: its last words say what failed

    def _drain_errors(self) -> None:
        stderr = self.proc.stderr
        assert stderr is not None
        while chunk := stderr.read(self.ERROR_BYTES):
            self._said = (self._said + chunk)[-self.ERROR_BYTES :]

    @property
    def error(self) -> str:
        """Why git failed, in its own words (its last lines on stderr), once it has ended:
        "git rev-list: fatal: bad object 1a2b…" (or its exit status when it said nothing)."""
        status = self.proc.wait()
        self._err_reader.join()
        lines = [line.strip() for line in decode(self._said).splitlines() if line.strip()]
        said = "; ".join(lines[-3:]) if lines else f"exit status {status}"
        return f"git {self.args[0] if self.args else ''}: {said}"

    def result(self) -> bytes | None:
        """The output, or None when git failed."""
        assert self._pieces is None, "a job started with stream=True is read with pieces()"
        self._reader.join()
        return self._out if self.proc.wait() == 0 else None

    def pieces(self) -> Iterator[str]:
        """The output as git writes it, in pieces that end at a line's end."""
        assert self._pieces is not None, "start the job with stream=True"
        rest = b""
        while chunk := self._pieces.get():
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1
            rest = chunk[cut:]
            if cut:
                yield chunk[:cut].decode("utf-8", "surrogateescape")
        if rest:
            yield rest.decode("utf-8", "surrogateescape")
        self._ended = True

    def finish(self) -> bool:
        """Whether git succeeded; if the caller stopped reading early, git is stopped (and
        that counts as success)."""
        if not self._ended and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            return True
        return self.proc.wait() == 0


def tracked_files(work_tree: str) -> list[str]:
    """Paths git tracks in the work tree, from its root, as ``git ls-files`` lists them."""
    listed = run_git(["ls-files", "-z", "--full-name"], work_tree)
    return [path for path in (listed or "").split("\0") if path]


def index_nearer(work_tree: str, commit: str) -> bool:
    """Whether the index differs from ``commit`` in fewer files than from HEAD (which does
    differ): git has put ``commit``'s files in place while HEAD stayed where it was."""
    to_new = run_git(["diff-index", "--cached", "--name-only", commit, "--"], work_tree)
    to_head = run_git(["diff-index", "--cached", "--name-only", "HEAD", "--"], work_tree)
    if to_new is None or to_head is None or not to_head.strip():
        return False
    return len(to_new.splitlines()) < len(to_head.splitlines())


def branches_at(cwd: str, commit: str) -> list[str]:
    """The local and remote-tracking branches at ``commit``, as git names them (develop,
    origin/feature/x); none when git cannot say."""
    listed = run_git(
        [
            "for-each-ref",
            "--points-at",
            commit,
            "--format=%(refname:short)",
            "refs/heads",
            "refs/remotes",
        ],
        cwd,
    )
    return [n for n in (listed or "").splitlines() if n and not n.endswith("/HEAD")]


def is_ancestor(cwd: str, commit: str, tip: str) -> bool:
    """Whether ``commit`` is ``tip`` or one of its ancestors (git merge-base --is-ancestor)."""
    return run_git(["merge-base", "--is-ancestor", commit, tip], cwd) is not None


def has_changes(work_tree: str) -> bool:
    """Whether the index or the work tree differs from HEAD (staged or unstaged work)."""
    return run_git(["diff-index", "--quiet", "HEAD", "--"], work_tree) is None


def create_branch(git_dir: str, work_tree: str | None, name: str, base: str) -> tuple[bool, str]:
    """Create ``name`` at ``base`` with no upstream, and switch to it where there is a work
    tree: (whether the branch now exists, what git said). The branch can exist although git
    failed: a post-checkout hook that fails makes ``git switch`` fail after switching."""
    if work_tree is None:
        command, cwd = ["branch", "--no-track", name, base], git_dir
    else:
        command, cwd = ["switch", "--no-track", "-c", name, base], work_tree
    done = subprocess.run(
        ["git", *command], cwd=cwd, env=git_env(), capture_output=True, text=True, check=False
    )
    said = (done.stderr.strip() or done.stdout.strip()) if done.returncode else ""
    if done.returncode == 0:
        return True, said
    exists = run_git(["rev-parse", "--verify", "--quiet", f"refs/heads/{name}"], cwd) is not None
    return exists, said


def narrow_remotes(cwd: str) -> list[str]:
    """Remotes this clone fetches only some branches of (``git clone --single-branch``, or
    ``--depth`` without ``--no-single-branch``): their other branches never arrive."""
    listed = run_git(["config", "--get-regexp", r"^remote\..*\.fetch$"], cwd) or ""
    specs: dict[str, list[str]] = {}
    for line in listed.splitlines():
        key, _, spec = line.partition(" ")
        specs.setdefault(key[len("remote.") : -len(".fetch")], []).append(spec)
    return sorted(r for r, found in specs.items() if not any("refs/heads/*" in s for s in found))


def merge_file(base: bytes, ours: bytes, theirs: bytes) -> bytes | None:
    """Git's three-way merge of one file's bytes, conflict markers and all (``git
    merge-file``), for text libgit2 cannot hand over undecoded; None when git fails."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="branchflow-merge-") as scratch:
        names = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = os.path.join(scratch, name)
            with open(path, "wb") as out:
                out.write(data)
            names.append(path)
        labels = ["-L", "ours", "-L", "base", "-L", "theirs"]
        try:
            done = subprocess.run(
                ["git", "merge-file", "-p", *labels, *names],
                cwd=scratch,
                env=git_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        except OSError:
            return None
    # Its exit status is the number of conflicts (capped at 127); negative is a failure.
    return done.stdout if 0 <= done.returncode < 128 else None
