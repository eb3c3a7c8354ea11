"""The admission of new sockets (`fair.sockets.Admission`), in one process with threads: who goes on,
in which order, and when a place is given back. The node under a real storm is in test_socket_limits."""
from __future__ import annotations

import threading

from fair.sockets import Admission
from tests.servers import wait_until


def _enter_in_thread(admission: Admission, tickets: list) -> threading.Thread:
    thread = threading.Thread(target=lambda: tickets.append(admission.enter()))
    thread.start()
    return thread


def test_the_ones_waiting_go_on_in_their_order_as_places_are_given_back():
    admission = Admission(at_once=2, max_waiting=5, wait_s=60)
    first, second = admission.enter(), admission.enter()
    got: list[list] = [[], [], []]
    threads = []
    for index in range(3):  # one after the other, each seen waiting before the next arrives
        threads.append(_enter_in_thread(admission, got[index]))
        wait_until(lambda n=index + 1: admission.waiting == n, 30, f"{index + 1} waiting", every=0.01)
    admission.leave(first)
    threads[0].join(30)
    assert got[0] and not got[1] and not got[2], "the place went to the one that waited longest"
    admission.leave(first)  # given back twice (connect, then the socket's end): counted once
    assert admission.in_progress == 2 and admission.waiting == 2
    admission.leave(second)
    admission.leave(got[0][0])
    for thread in threads[1:]:
        thread.join(30)
    assert got[1] and got[2] and admission.waiting == 0 and admission.refused == 0


def test_beyond_the_waiting_room_or_its_wait_a_socket_is_refused():
    admission = Admission(at_once=1, max_waiting=1, wait_s=60)
    held = admission.enter()
    waiting: list = []
    thread = _enter_in_thread(admission, waiting)
    wait_until(lambda: admission.waiting == 1, 30, "one waiting", every=0.01)
    assert admission.enter() is None, "the waiting room is full: refused at once"
    assert admission.refused == 1 and admission.waiting == 1
    admission.leave(held)
    thread.join(30)
    assert waiting[0] is not None and admission.in_progress == 1

    short = Admission(at_once=1, max_waiting=1, wait_s=0.05)
    assert short.enter() is not None
    assert short.enter() is None, "waited its 0.05 s with no place given back"
    assert short.refused == 1 and short.waiting == 0


def test_a_place_whose_socket_never_connects_is_given_back_after_the_hold():
    admission = Admission(at_once=1, max_waiting=0, wait_s=0, hold_s=0.0)
    assert admission.enter() is not None
    assert admission.enter() is not None, "the first place was held past its hold"
    kept = Admission(at_once=1, max_waiting=0, wait_s=0, hold_s=60)
    assert kept.enter() is not None and kept.enter() is None
