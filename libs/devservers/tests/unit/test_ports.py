"""Port choice: the preferred port when free, another free one when it is taken."""

from __future__ import annotations

import socket

import pytest

from parley_devservers.ports import LOOPBACK, free_port, port_is_free

pytestmark = pytest.mark.unit


def test_preferred_port_is_kept_when_free() -> None:
    port = free_port()

    assert free_port(port) == port


def test_taken_preferred_port_is_replaced_by_a_free_one() -> None:
    with socket.socket() as holder:
        holder.bind((LOOPBACK, 0))
        holder.listen()
        taken = holder.getsockname()[1]

        chosen = free_port(taken)

        assert chosen != taken
        assert port_is_free(chosen)
