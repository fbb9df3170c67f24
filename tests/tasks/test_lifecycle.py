from __future__ import annotations

import pytest

from frontline.tasks import MOVES, Action, IllegalTransitionError, Status, next_status

LEGAL = {
    (Status.OPEN, Action.ASSIGN): Status.ASSIGNED,
    (Status.ASSIGNED, Action.ASSIGN): Status.ASSIGNED,
    (Status.IN_PROGRESS, Action.ASSIGN): Status.ASSIGNED,
    (Status.ASSIGNED, Action.START): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.COMPLETE): Status.DONE,
    (Status.OPEN, Action.CANCEL): Status.CANCELLED,
    (Status.ASSIGNED, Action.CANCEL): Status.CANCELLED,
    (Status.IN_PROGRESS, Action.CANCEL): Status.CANCELLED,
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_step_is_legal_exactly_as_the_lifecycle_says(status: Status, action: Action) -> None:
    expected = LEGAL.get((status, action))
    if expected is None:
        with pytest.raises(IllegalTransitionError) as refused:
            next_status(status, action, reference="T00000001")
        assert refused.value.reason == "illegal_transition"
        assert "T00000001" in str(refused.value)
    else:
        assert next_status(status, action) is expected


def test_done_and_cancelled_are_final() -> None:
    for final in (Status.DONE, Status.CANCELLED):
        assert not final.live
        assert all(final not in moves for moves in MOVES.values())
    assert all(s.live for s in Status if s not in (Status.DONE, Status.CANCELLED))
