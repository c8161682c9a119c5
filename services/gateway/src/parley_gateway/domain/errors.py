"""Rule violations a client can cause; entry points translate them to error codes."""

from __future__ import annotations


class GatewayError(Exception):
    """Base: ``code`` is the protocol's error code (docs/protocol.md)."""

    code = "error"


class NotFound(GatewayError):
    """Unknown, or not visible to this actor: the same answer, so ids cannot be probed."""

    code = "not_found"


class Forbidden(GatewayError):
    code = "forbidden"


class Conflict(GatewayError):
    """Someone else was first (an offer already accepted), or it was done already."""

    code = "conflict"


class ConversationEnded(GatewayError):
    code = "ended"


class FutureSequence(GatewayError):
    """A resume asked for events after a sequence the conversation has not reached."""

    code = "future_seq"


class RateLimited(GatewayError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class InvalidInput(GatewayError):
    code = "bad_frame"


# Conversation rules a client can break; each keeps one of the protocol's codes above.


class AlreadyTaken(Conflict):
    """First accept wins: another agent accepted or was assigned this conversation first."""


class AlreadyRated(Conflict):
    """A conversation is rated once."""


class RatingMustWaitForTheEnd(Conflict):
    """A conversation is rated only after it ended."""


class CommentOnlyForOkayOrDissatisfied(InvalidInput):
    """A satisfied rating carries no comment (the widget asks for one only otherwise)."""


class NotWaitingForAReply(Conflict):
    """A chat request is answered once, by its addressee, while it is pending."""


class OnlyParticipantsMayTalk(Forbidden):
    """An agent posts only in conversations they joined (as an agent, not as an observer)."""


class Unavailable(GatewayError):
    """A service this request needs (routing, the chatbot) did not answer in time; retry later."""

    code = "unavailable"
