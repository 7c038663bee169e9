"""Real git hosting on 127.0.0.1, started and stopped by the tests: gitolite3 behind an
OpenSSH ``sshd`` of its own, and ``git http-backend`` as a CGI of lighttpd with basic
authentication. Each runs as its own unprivileged user, with branchflow's pre-receive
installed as its administrator would install it, from an installation that user can run.

Both need root (to make users and drop to them) and Debian's packages; as root, missing
packages are installed with apt-get (``.ci/run`` does it before the tests). Everything a
server needs lives in one directory other users can traverse (not pytest's ``tmp_path``,
which is private to the user running the tests), removed when the server stops.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PACKAGES = {  # the program each package brings: installed when it is missing
    "gitolite3": "/usr/bin/gitolite",
    "openssh-server": "/usr/sbin/sshd",
    "openssh-client": "/usr/bin/ssh",
    "lighttpd": "/usr/sbin/lighttpd",
    "openssl": "/usr/bin/openssl",
    "python3-venv": "",  # checked by ensurepip below
}
HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"
SYSTEM_PYTHON = "/usr/bin/python3"
DAEMON_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
USERS = {"alice": "alicepw", "bob": "bobpw"}  # pushers on both servers (and admin on gitolite)


class HostingUnavailable(RuntimeError):
    """The machine cannot run the servers (not root); the message says why."""


def run(argv: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        list(argv), capture_output=True, text=True, check=False, timeout=300, **kwargs
    )  # type: ignore[call-overload]
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done  # type: ignore[no-any-return]


def as_user(user: str, home: str, *argv: str, cwd: str | None = None) -> str:
    """Run ``argv`` as ``user`` with a clean environment, as a daemon would."""
    clean = ["env", "-i", f"HOME={home}", f"USER={user}", f"LOGNAME={user}", "PATH=/usr/bin:/bin"]
    # from "/" unless told: the tests' own directory may be private to the user running them
    return run(["runuser", "-u", user, "--", *clean, *argv], cwd=cwd or "/").stdout


def ensure_packages() -> None:
    if os.geteuid() != 0:
        raise HostingUnavailable("the hosting servers need root (to make their users)")
    missing = [pkg for pkg, path in PACKAGES.items() if path and not os.path.exists(path)]
    if run_ok([SYSTEM_PYTHON, "-c", "import ensurepip"]) is False:
        missing.append("python3-venv")
    if not os.path.exists(SYSTEM_PYTHON):
        missing.append("python3")
    if not missing:
        return
    # Keep apt from starting the system's own sshd and lighttpd on ports 22 and 80.
    policy = Path("/usr/sbin/policy-rc.d")
    made = not policy.exists()
    if made:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)
    finally:
        if made:
            policy.unlink()


def run_ok(argv: Sequence[str]) -> bool:
    try:
        return subprocess.run(list(argv), capture_output=True, check=False).returncode == 0
    except OSError:
        return False


def shared_dir(prefix: str) -> Path:
    """A new directory every user can traverse (its parents too)."""
    made = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    made.chmod(0o755)
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            if proc.poll() is not None:
                return False
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}: {log.read_text()[-1000:]}")


def stop_process(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


# --- branchflow, where the hosting user can run it ----------------------------------------


def hosted_installation(root: Path) -> Path:
    """branchflow installed in ``root`` for the system's Python, as a wheel would install it:
    the package with its presets and native hooks, and its dependencies copied from this
    test run's environment (same Python version), else fetched by pip. Returns the
    ``branchflow`` program."""
    venv = root / "venv"
    run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(venv)])
    version = run([str(venv / "bin" / "python"), "-c", "import sys; print(sys.version_info[:2])"])
    site = Path(
        run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ]
        ).stdout.strip()
    )
    if version.stdout.strip() == str(sys.version_info[:2]):
        for dist in _dependencies("branchflow"):
            for file in dist.files or ():
                source = Path(str(dist.locate_file(file)))
                if file.parts[0] in ("..", "") or not source.is_file():
                    continue  # console scripts and the like: written below
                target = site / file
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        package = site / "branchflow"
        shutil.rmtree(package, ignore_errors=True)
        shutil.copytree(PROJECT_ROOT / "src" / "branchflow", package)
        shutil.copytree(PROJECT_ROOT / "policy", package / "presets")
        shutil.copytree(PROJECT_ROOT / "hooks", package / "native_hooks")
        program = venv / "bin" / "branchflow"
        program.write_text(
            f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom branchflow.cli import console\n"
            "sys.exit(console())\n"
        )
        program.chmod(0o755)
        # byte-compiled as pip compiles a wheel's modules: the hosting user cannot write them
        run([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(package)])
    else:  # another Python: pip builds it as a user would
        run([str(venv / "bin" / "python"), "-m", "ensurepip", "-q"])
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(PROJECT_ROOT)])
        program = venv / "bin" / "branchflow"
    run(["chmod", "-R", "a+rX", str(root)])
    return program


def _dependencies(name: str) -> list[metadata.Distribution]:
    """``name``'s distribution and every one it needs at run time (not its extras)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [name]
    while todo:
        wanted = todo.pop().lower().replace("_", "-")
        if wanted in seen:
            continue
        try:
            dist = metadata.distribution(wanted)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency for another Python (tomli)
        seen[wanted] = dist
        for requirement in dist.requires or ():
            head, _, marker = requirement.partition(";")
            if "extra" in marker:
                continue
            named = re.match(r"[A-Za-z0-9._-]+", head.strip())
            if named:
                todo.append(named[0])
    return [d for n, d in seen.items() if n != name]


# --- the servers -------------------------------------------------------------------------


def seed(bare: Path, work: Path, *, policy: str | None = None) -> None:
    """``bare`` given main and develop (and a policy committed on main), by a fetch on the
    server's side: no hook runs, as when an administrator imports a repository."""
    run(["git", "init", "-q", "-b", "main", str(work)])

    def git(*args: str) -> None:
        run(
            [
                "git",
                "-C",
                str(work),
                "-c",
                "user.name=Seed",
                "-c",
                "user.email=seed@localhost",
                *args,
            ]
        )

    (work / "README.md").write_text("hello\n")
    if policy is not None:
        (work / ".branchflow.yaml").write_text(policy)
    git("add", "-A")
    git("commit", "-q", "-m", "initial")
    git("switch", "-q", "-c", "develop")
    (work / "develop.txt").write_text("develop\n")
    git("add", "-A")
    git("commit", "-q", "-m", "develop starts")


# A CGI gets what lighttpd gives it: no HOME, the web server's user (www-data, whose
# home is root's /var/www), the login as REMOTE_USER.
LIGHTTPD_CONF = """\
server.modules = ("mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi")
server.bind = "127.0.0.1"
server.port = {port}
server.document-root = "{root}/empty"
server.errorlog = "{root}/log/error.log"
server.username = "{user}"
server.groupname = "{user}"
server.max-request-size = 0
server.stream-request-body = 2
server.stream-response-body = 2
alias.url = ("/git" => "{backend}")
$HTTP["url"] =~ "^/git/" {{
    cgi.assign = ("" => "")
    setenv.set-environment = (
        "GIT_PROJECT_ROOT" => "{root}/repos",
        "GIT_HTTP_EXPORT_ALL" => ""
    )
    auth.backend = "htpasswd"
    auth.backend.htpasswd.userfile = "{root}/htpasswd"
    auth.require = ("" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
}}
"""


class Hosted:
    """One repository on a server: how each person reaches it, and the server's copy."""

    def __init__(self, server: Server, name: str, path: Path) -> None:
        self.server = server
        self.name = name
        self.path = path  # the bare repository on the server

    def url(self, who: str) -> str:
        return self.server.url(who, self.name)

    def env(self, who: str) -> dict[str, str]:
        """What a person's git needs in its environment to reach the server."""
        return self.server.client_env(who)

    def ref(self, ref: str) -> str:
        """What the server's repository has at ``ref`` ("" when nothing)."""
        done = subprocess.run(
            [
                "git",
                "-c",
                "safe.directory=*",
                "-C",
                str(self.path),
                "rev-parse",
                "--verify",
                "-q",
                ref,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip()

    def quarantines(self) -> list[str]:
        """git's quarantine directories left in the server's object store."""
        return sorted(p.name for p in (self.path / "objects").glob("incoming-*"))

    def set_head(self, branch: str) -> None:
        self.server.as_owner(
            "git", "-C", str(self.path), "symbolic-ref", "HEAD", f"refs/heads/{branch}"
        )


class Server:
    kind = ""
    owner = ""  # the unix user the server runs hooks as
    home = "/"

    def __init__(self, root: Path, branchflow: Path) -> None:
        self.root = root
        self.branchflow = branchflow
        self.count = 0

    def _listen(self, config: Path, text: Callable[[int], str], argv: list[str], log: Path) -> None:
        """Start the daemon ``argv`` + ``config``, written by ``text`` for a free port, until
        one listens (another process may take the port between the asking and the binding)."""
        for _ in range(5):
            self.port = free_port()
            config.write_text(text(self.port))
            self.proc = subprocess.Popen(
                [*argv, str(config)],
                stdin=subprocess.DEVNULL,
                env=DAEMON_ENV,  # a daemon's own, not this test run's
                stdout=log.open("ab"),
                stderr=subprocess.STDOUT,
            )
            if wait_for_port(self.port, self.proc, log):
                return
        raise RuntimeError(f"{argv[0]} did not start: {log.read_text()[-1000:]}")

    def as_owner(self, *argv: str, cwd: str | None = None) -> str:
        return as_user(self.owner, self.home, *argv, cwd=cwd)

    def url(self, who: str, name: str) -> str:
        raise NotImplementedError

    def left_in_tmp(self) -> list[str]:
        """What the server's user owns in /tmp."""
        uid = pwd.getpwnam(self.owner).pw_uid
        return sorted(p.name for p in Path("/tmp").iterdir() if p.lstat().st_uid == uid)

    def client_env(self, who: str) -> dict[str, str]:
        return {}

    def new_repository(self, *, policy: str | None = None) -> Hosted:
        raise NotImplementedError

    def _seeded(self, bare: Path, policy: str | None) -> None:
        work = self.root / "seeds" / bare.name
        work.parent.mkdir(exist_ok=True)
        seed(bare, work, policy=policy)
        run(["chown", "-R", self.owner, str(work)])  # git reads only its own user's repositories
        self.as_owner(
            "git", "-C", str(bare), "fetch", "-q", str(work), "main:main", "develop:develop"
        )
        shutil.rmtree(work)


class Gitolite(Server):
    """gitolite3 behind its own sshd; users admin, alice and bob by their keys. Repositories
    are gitolite's wild repositories ``hosted/<name>``, made by the first access, each with
    branchflow as its repo-specific pre-receive hook."""

    kind = "gitolite"

    def start(self) -> None:
        root = self.root
        self.owner = f"bfgl{os.getpid() % 100000}"
        self.home = str(root / "home")
        run(
            [
                "useradd",
                "--create-home",
                "--home-dir",
                self.home,
                "--shell",
                "/bin/sh",
                "--password",
                "*",
                "--user-group",
                self.owner,
            ]
        )
        keys = root / "keys"
        keys.mkdir(mode=0o700)
        for who in ("admin", *USERS):
            run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", who, "-f", str(keys / who)])
        shutil.copy(keys / "admin.pub", root / "admin.pub")
        (root / "admin.pub").chmod(0o644)
        self.as_owner("gitolite", "setup", "-pk", str(root / "admin.pub"))
        # Set after setup: gitolite 3.6 applies pushes to gitolite-admin only on master.
        self.as_owner("git", "config", "--global", "init.defaultBranch", "main")
        rc = Path(self.home) / ".gitolite.rc"
        text = rc.read_text()
        text = text.replace(
            '# LOCAL_CODE                =>  "$ENV{HOME}/local",',
            'LOCAL_CODE                =>  "$ENV{HOME}/local",',
        )
        text = text.replace("# 'repo-specific-hooks',", "'repo-specific-hooks',")
        rc.write_text(text)
        assert self.as_owner("gitolite", "query-rc", "LOCAL_CODE").strip() == f"{self.home}/local"
        # The hook: what `branchflow install` writes for a bare repository, as the hook.
        scratch = f"{self.home}/scratch.git"
        self.as_owner("git", "init", "-q", "--bare", scratch)
        self.as_owner(str(self.branchflow), "install", cwd=scratch)
        hooks = Path(self.home) / "local" / "hooks" / "repo-specific"
        self.as_owner("mkdir", "-p", str(hooks))
        self.as_owner("cp", f"{scratch}/hooks/pre-receive", str(hooks / "branchflow"))
        shutil.rmtree(scratch)
        self._start_sshd()
        admin = root / "gitolite-admin"
        env = {**os.environ, **self.client_env("admin")}
        run(["git", "clone", "-q", self._ssh_url("gitolite-admin"), str(admin)], env=env)
        for who in USERS:
            shutil.copy(keys / f"{who}.pub", admin / "keydir" / f"{who}.pub")
        with (admin / "conf" / "gitolite.conf").open("a") as conf:
            conf.write(
                "\nrepo hosted/..*\n"
                "    C       =   admin\n"
                "    RW+     =   admin alice bob\n"
                "    option hook.pre-receive = branchflow\n"
            )
        ident = ["-c", "user.name=admin", "-c", "user.email=admin@localhost"]
        run(["git", "-C", str(admin), "add", "-A"], env=env)
        run(
            [
                "git",
                "-C",
                str(admin),
                *ident,
                "commit",
                "-q",
                "-m",
                "hosted repositories, with branchflow",
            ],
            env=env,
        )
        run(["git", "-C", str(admin), "push", "-q", "origin", "HEAD:master"], env=env)

    def _start_sshd(self) -> None:
        conf = self.root / "sshd"
        conf.mkdir(mode=0o700)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(conf / "host")])
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # its privilege-separation dir
        log = conf / "sshd.log"
        self._listen(
            conf / "sshd_config",
            lambda port: (
                f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {conf / 'host'}\n"
                f"PidFile {conf / 'sshd.pid'}\nAuthorizedKeysFile .ssh/authorized_keys\n"
                "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
                f"PermitRootLogin no\nAllowUsers {self.owner}\nAllowTcpForwarding no\n"
                "X11Forwarding no\nPrintMotd no\nSubsystem sftp none\n"
            ),
            ["/usr/sbin/sshd", "-D", "-e", "-f"],
            log,
        )

    def stop(self) -> None:
        stop_process(getattr(self, "proc", None))
        if self.owner:
            for _ in range(50):  # the sessions of its user end with their connections
                if not run_ok(["pgrep", "-u", self.owner]):
                    break
                time.sleep(0.1)
            subprocess.run(["pkill", "-9", "-u", self.owner], check=False)
            subprocess.run(["userdel", self.owner], capture_output=True, check=False)
            subprocess.run(["groupdel", self.owner], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def _ssh_url(self, path: str) -> str:
        return f"ssh://{self.owner}@127.0.0.1:{self.port}/{path}"

    def url(self, who: str, name: str) -> str:
        return self._ssh_url(f"hosted/{name}")

    def client_env(self, who: str) -> dict[str, str]:
        key = self.root / "keys" / who
        return {
            "GIT_SSH_COMMAND": (
                f"ssh -F /dev/null -i {key} -o IdentitiesOnly=yes -o BatchMode=yes "
                "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
            )
        }

    def new_repository(self, *, policy: str | None = None) -> Hosted:
        self.count += 1
        name = f"r{self.count}"
        env = {**os.environ, **self.client_env("admin")}
        run(["git", "ls-remote", self.url("admin", name)], env=env)  # gitolite makes it
        bare = Path(self.home) / "repositories" / "hosted" / f"{name}.git"
        if not (bare / "hooks" / "pre-receive.h00-branchflow").is_symlink():
            raise RuntimeError(f"gitolite did not install branchflow's hook in {bare}")
        self._seeded(bare, policy)
        return Hosted(self, name, bare)


class SmartHttp(Server):
    """``git http-backend`` as a CGI of lighttpd, running as www-data with no writable
    home and nothing else set up for it; alice and bob log in with passwords."""

    kind = "http"
    owner = "www-data"

    def start(self) -> None:
        root = self.root
        self.home = "/var/www"
        for sub in ("empty", "log", "repos", "seeds"):
            (root / sub).mkdir()
        shutil.chown(root / "log", self.owner, self.owner)
        passwords = root / "htpasswd"
        passwords.write_text(
            "".join(
                f"{who}:{run(['openssl', 'passwd', '-apr1', pw]).stdout.strip()}\n"
                for who, pw in USERS.items()
            )
        )
        passwords.chmod(0o644)
        log = root / "log" / "lighttpd.out"
        self._listen(
            root / "lighttpd.conf",
            lambda port: LIGHTTPD_CONF.format(
                root=root, port=port, user=self.owner, backend=HTTP_BACKEND
            ),
            ["/usr/sbin/lighttpd", "-D", "-f"],
            log,
        )

    def stop(self) -> None:
        stop_process(getattr(self, "proc", None))
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, who: str, name: str) -> str:
        login = f"{who}:{USERS[who]}@" if who in USERS else ""
        return f"http://{login}127.0.0.1:{self.port}/git/{name}.git"

    def new_repository(self, *, policy: str | None = None) -> Hosted:
        self.count += 1
        name = f"r{self.count}"
        bare = self.root / "repos" / f"{name}.git"
        run(["git", "init", "-q", "--bare", "-b", "main", str(bare)])
        shutil.chown(bare, self.owner, self.owner)
        run(["chown", "-R", f"{self.owner}:{self.owner}", str(bare)])
        self._seeded(bare, policy)
        self.as_owner(str(self.branchflow), "install", cwd=str(bare))
        return Hosted(self, name, bare)


if __name__ == "__main__":  # .ci/run installs the servers' packages before the tests
    started = time.monotonic()
    ensure_packages()
    print(f"hosting packages ready in {time.monotonic() - started:.1f} s")
