"""What the bot says on its own, outside the script's steps."""

from __future__ import annotations

from parley_contracts.gateway import MessageChoice

RESTART_CHOICE = MessageChoice(id="restart", label="Restart the conversation")
ENDED = "Conversation ended. You can start again whenever you like."
RESTARTED = "Your previous answers have been erased. Let's start again!"
PICK_AN_ANSWER = "Please pick one of the answers below."
INVALID_EMAIL = (
    '"{given}" does not look like an e-mail address. Please check it, for example name@example.com.'
)
