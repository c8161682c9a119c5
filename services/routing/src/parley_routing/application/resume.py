"""After a restart: the state comes back from the mirror; its timers must be armed again."""

from __future__ import annotations

from functools import partial

from ..domain.presence import next_deadline
from .deps import RoutingDeps
from .route_waiting import route_all_waiting
from .when_assignment_expires import on_answer_deadline
from .when_conversation_requested import arm_request_timeout
from .when_operator_signalled import on_presence_deadline


async def resume(deps: RoutingDeps) -> None:
    state = deps.state
    for waiting in state.waiting.values():
        arm_request_timeout(deps, waiting)
    for conversation_id, held in state.held.items():
        if held.answer_by is not None:
            deps.timers.at(
                f"answer:{conversation_id}",
                held.answer_by,
                partial(on_answer_deadline, deps, held),
            )
    for agent_id, presence in state.presence.items():
        due = next_deadline(presence, deps.presence_settings)
        if due is not None:
            deps.timers.at(
                f"presence:{agent_id}",
                due,
                partial(on_presence_deadline, deps, agent_id, due),
            )
    await route_all_waiting(deps)
