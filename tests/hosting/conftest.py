"""The hosting servers, started once per test session (in one worker: the tests here share
an xdist group) and a fresh repository on one of them for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hosting.servers import (
    Gitolite,
    Hosted,
    HostingUnavailable,
    Server,
    SmartHttp,
    ensure_packages,
    hosted_installation,
    shared_dir,
)

SERVERS = {"gitolite": Gitolite, "http": SmartHttp}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/hosting/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.xdist_group("hosting"))


@pytest.fixture(scope="session")
def hosted_branchflow() -> Iterator[object]:
    """branchflow installed where the servers' users can run it."""
    try:
        ensure_packages()
    except HostingUnavailable as why:
        pytest.skip(str(why))
    root = shared_dir("bf-install.")
    try:
        yield hosted_installation(root)
    finally:
        import shutil

        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def servers(hosted_branchflow: object) -> Iterator[dict[str, Server]]:
    started: dict[str, Server] = {}
    try:
        for kind, make in SERVERS.items():
            server = make(shared_dir(f"bf-{kind}."), hosted_branchflow)  # type: ignore[arg-type]
            started[kind] = server
            server.start()
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(params=list(SERVERS))
def server(request: pytest.FixtureRequest, servers: dict[str, Server]) -> Server:
    return servers[request.param]


@pytest.fixture
def hosted(server: Server) -> Hosted:
    """A repository with main and develop on the server, branchflow's pre-receive on it."""
    return server.new_repository()
