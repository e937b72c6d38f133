"""Request ids: unique within a process and between forked workers (web/request_ids.py)."""

import multiprocessing

import pytest

from web.logging_setup import REQUEST_ID_RE
from web.request_ids import new_request_id


def test_ids_are_plain_and_never_repeat_in_a_process():
    ids = [new_request_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(REQUEST_ID_RE.match(i) and len(i) == 16 for i in ids)


def _ids_in_child(queue):
    queue.put([new_request_id() for _ in range(100)])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_forked_workers_start_from_a_prefix_of_their_own():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [context.Process(target=_ids_in_child, args=(queue,)) for _ in range(2)]
    for child in children:
        child.start()
    batches = [queue.get(timeout=30) for _ in children]
    for child in children:
        child.join(timeout=30)
    mine = [new_request_id() for _ in range(100)]
    prefixes = {batch[0][:8] for batch in batches} | {mine[0][:8]}
    assert len(prefixes) == 3
    assert not set(batches[0]) & set(batches[1])
