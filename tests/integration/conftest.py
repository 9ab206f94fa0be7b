"""Fixtures that several integration modules share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.services import ServicesError, ServicesNetwork, available


@pytest.fixture(scope="module")
def services_network() -> Iterator[ServicesNetwork]:
    """InspIRCd + Atheme, linked, started once for the module that asks. Without the packages,
    or if the network does not come up, the tests fail (not skip), so a CI that forgot them
    cannot go green."""
    if not available():
        pytest.fail("InspIRCd and Atheme are needed: apt-get install inspircd atheme-services",
                    pytrace=False)
    net = ServicesNetwork()
    try:
        net.start()
    except ServicesError as e:
        net.stop()
        pytest.fail(str(e), pytrace=False)
    try:
        yield net
    finally:
        net.stop()


@pytest.fixture
def channel(request: pytest.FixtureRequest) -> str:
    """A channel of this test's own, for a network that lives for the whole module."""
    name: str = request.node.name
    return "#" + name.removeprefix("test_").replace("_", "-")[:40]
