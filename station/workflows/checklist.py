"""The insert checklist of an order: put in by scanning the insert, or skipped with CMD-SKIP-INSERT."""

from __future__ import annotations

from dataclasses import replace

from station.domain.catalog import Insert
from station.workflows.packing import (
    InsertMark,
    PackingState,
    Refused,
    marked_count,
    pending_inserts,
    unweighed,
)


def confirm_insert(state: PackingState, insert: Insert) -> tuple[PackingState, InsertMark] | Refused:
    planned = next((p for p in state.inserts if p.code == insert.code), None)
    if planned is None:
        return Refused(f"{insert.name} is not for this order: leave it out")
    if planned.skip_reason is not None:
        return Refused(f"{insert.name} is out of stock and was skipped")
    if marked_count(state, planned) >= planned.quantity:
        return Refused(f"{insert.name}: {planned.quantity} already in, no more")
    mark = InsertMark(insert.code, "confirmed", None, state.open_package)
    # The insert changes what the open package weighs: a weight (and approval) taken before goes.
    packages = unweighed(state.packages, state.open_package)
    return replace(state, marks=(*state.marks, mark), packages=packages), mark


def skip_next_insert(state: PackingState) -> tuple[PackingState, InsertMark] | Refused:
    pending = pending_inserts(state)
    if not pending:
        return Refused("No insert left to skip")
    mark = InsertMark(pending[0].code, "skipped", "skipped_by_operator", state.open_package)
    return replace(state, marks=(*state.marks, mark)), mark
