"""The sample "Welcome Bot" installed on first start (B4): a starting point to edit."""

from __future__ import annotations

from parley_contracts.chatbot import ChatbotScript, OnlyIf, ScriptAnswer, ScriptStep, StepType

WELCOME_BOT_ID = "welcome-bot"

_SALES = OnlyIf(step_id="ask", answer_ids=("buy", "pricing"))
_OTHER = OnlyIf(step_id="ask", answer_ids=("other",))

WELCOME_BOT = ChatbotScript(
    id=WELCOME_BOT_ID,
    name="Welcome Bot",
    steps=(
        ScriptStep(id="hello", type=StepType.TEXT, text="Hello! I'm a bot!"),
        ScriptStep(
            id="intro",
            type=StepType.TEXT,
            text="I help visitors find their way and the right person to talk to.",
        ),
        ScriptStep(
            id="ask",
            type=StepType.QUESTION,
            text="So, what may I help you with?",
            answers=(
                ScriptAnswer(id="buy", label="I want to buy the software"),
                ScriptAnswer(id="pricing", label="I have a pricing question"),
                ScriptAnswer(id="other", label="Something else"),
            ),
        ),
        ScriptStep(
            id="checking",
            type=StepType.TEXT,
            text="Hmmm, let me check if I can find someone that could help you with that...",
            only_if=(_SALES,),
        ),
        ScriptStep(
            id="forward-sales",
            type=StepType.FORWARD_TO_OPERATOR,
            expertise=("sales",),
            only_if=(_SALES,),
        ),
        ScriptStep(
            id="describe",
            type=StepType.FREE_INPUT,
            multi_line=True,
            text="Tell me a little more about what you need (several messages are fine).",
            only_if=(_OTHER,),
        ),
        ScriptStep(
            id="forward-any",
            type=StepType.FORWARD_TO_OPERATOR,
            text="Thanks! Let me find someone who can help you.",
            only_if=(_OTHER,),
        ),
        ScriptStep(
            id="nobody",
            type=StepType.TEXT,
            text="Uh-oh, it looks like none of our operators are available right now.",
        ),
        ScriptStep(
            id="email",
            type=StepType.EMAIL,
            text="Would you mind leaving your email address so that we can reach you back?",
        ),
        ScriptStep(id="lead", type=StepType.CREATE_LEAD, only_if=(_SALES,)),
        ScriptStep(id="ticket", type=StepType.CREATE_TICKET, only_if=(_OTHER,)),
        ScriptStep(
            id="thanks",
            type=StepType.TEXT,
            text="Thank you, you should hear back from us very soon!",
        ),
    ),
)
