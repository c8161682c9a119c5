"""Chatbot: one bot conversation step measured end to end, over the real broker and database.

The bench plays the gateway: it starts a conversation that runs a bot (``ConversationStartedV1``),
waits for the bot's question (``PostBotMessageV1`` with buttons), then publishes the visitor's
answer (``MessagePostedV1`` with ``selected_choice_id``) and times until the
``PostBotMessageV1`` of the next step arrives. In between runs the real chatbot code in this
process: consumer, inbox, session cache, step selection, the compare-and-set session write with
its outbox, and the relay's confirmed publish. Each conversation answers 20 questions in a row
(20 runs), one run at a time (closed loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import time
import uuid
from datetime import UTC, datetime

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from parley_chatbot.bootstrap import build
from parley_chatbot.settings import ChatbotSettings
from parley_contracts.chatbot import ChatbotScript, ScriptAnswer, ScriptStep, StepType
from parley_contracts.common import Participant, ParticipantRole, VisitorInfo
from parley_contracts.envelope import CloudEvent, parse_event_as
from parley_contracts.gateway import ConversationStartedV1, MessagePostedV1
from parley_contracts.gateway.requests import PostBotMessageV1
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE
from parley_platform.storage.mongo import create_mongo_client

from .common import BenchEnv, Table, ms, percentile

DESCRIPTION = "chatbot: visitor answer -> next bot message, end to end (p50/p99)"

RUNS = {False: 1_000, True: 100}
"""Measured answers (full, quick)."""
BUDGET_S = {False: 125.0, True: 35.0}
"""Stop early (and say so) on a machine too busy to finish within run.py's section timeout."""
VISITOR = VisitorInfo(visitor_id="v-bench", name="Bench Visitor", country="DE")
AUTHOR = Participant(id="v-bench", role=ParticipantRole.VISITOR, display_name="Bench Visitor")
QUESTIONS = 20
"""Questions per conversation: each answer is one run; the last leads to the closing text."""
SCRIPT = ChatbotScript(
    id="bench-bot",
    name="Bench Bot",
    steps=(
        *(
            ScriptStep(
                id=f"q{n}",
                type=StepType.QUESTION,
                text=f"Question {n}: what can I do for you?",
                answers=(
                    ScriptAnswer(id="billing", label="Billing"),
                    ScriptAnswer(id="other", label="Something else"),
                ),
            )
            for n in range(QUESTIONS)
        ),
        ScriptStep(id="thanks", type=StepType.TEXT, text="Thank you!"),
    ),
)


async def run(env: BenchEnv) -> str:
    runs = RUNS[env.quick]
    settings = ChatbotSettings(
        service_name=f"benchbot{env.run_id}",
        rabbitmq_url=env.rabbitmq_url,
        mongodb_url=env.mongodb_url,
        database=f"parley_benchbot{env.run_id}",
        log_level="WARNING",
        typing_pause_s=0,
        install_welcome_bot=False,
    )
    logging.getLogger("parley.broker").setLevel(logging.WARNING)
    chatbot = build(settings).chatbot
    arrived: asyncio.Queue[tuple[int, PostBotMessageV1]] = asyncio.Queue()
    connection = await aio_pika.connect_robust(env.rabbitmq_url)
    try:
        env.progress("starting the chatbot runtime")
        await chatbot.runtime.start()
        await chatbot.runtime.wait_until_connected(30)
        await chatbot.scripts.save(SCRIPT, datetime.now(UTC))
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        commands = await channel.declare_queue(exclusive=True, auto_delete=True)
        await commands.bind(exchange, PostBotMessageV1.TYPE)

        seen_ids: set[str] = set()

        async def on_command(message: AbstractIncomingMessage) -> None:
            async with message.process():
                event = parse_event_as(message.body, PostBotMessageV1)
                if event.id in seen_ids:
                    return  # the outbox relay delivers at least once; the gateway dedupes too
                seen_ids.add(event.id)
                await arrived.put((time.perf_counter_ns(), event.data))

        await commands.consume(on_command)

        async def publish(data: ConversationStartedV1 | MessagePostedV1) -> None:
            event = CloudEvent.wrap(data, source="/parley/bench-gateway")
            await exchange.publish(
                aio_pika.Message(
                    event.to_json_bytes(),
                    content_type=CLOUDEVENTS_CONTENT_TYPE,
                    message_id=event.id,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                ),
                routing_key=data.TYPE,
            )

        async def bot_says(conversation_id: str) -> tuple[int, PostBotMessageV1]:
            while True:
                at, message = await asyncio.wait_for(arrived.get(), 30)
                if message.conversation_id == conversation_id:
                    return at, message

        conversations = runs // QUESTIONS
        env.progress(f"{conversations} bot conversations of {QUESTIONS} answers, one at a time")
        latencies: list[float] = []
        started = time.perf_counter()
        for n in range(conversations):
            if time.perf_counter() - started > BUDGET_S[env.quick]:
                env.progress(f"time budget spent after {len(latencies)} runs")
                break
            conversation_id = f"c-bench-{env.run_id}-{n}"
            await publish(
                ConversationStartedV1(
                    conversation_id=conversation_id,
                    channel_id="web",
                    sequence=1,
                    initiated_by=ParticipantRole.VISITOR,
                    visitor=VISITOR,
                    chatbot_script_id=SCRIPT.id,
                )
            )
            _, question = await bot_says(conversation_id)
            for step in range(QUESTIONS):
                assert question.choices, question
                sent = time.perf_counter_ns()
                await publish(
                    MessagePostedV1(
                        conversation_id=conversation_id,
                        channel_id="web",
                        sequence=3 + 2 * step,
                        message_id=f"m-{uuid.uuid4().hex[:12]}",
                        author=AUTHOR,
                        text="Billing",
                        selected_choice_id="billing",
                    )
                )
                at, question = await bot_says(conversation_id)
                latencies.append(at - sent)
            assert question.text == "Thank you!", question
            if n and n % 10 == 0:
                env.progress(f"{n * QUESTIONS} runs")
        elapsed = time.perf_counter() - started
    finally:
        with contextlib.suppress(Exception):
            await chatbot.stop()
        with contextlib.suppress(Exception):
            await _cleanup(env, settings)
        await connection.close()
    ordered = sorted(latencies)
    table = Table(
        "Chatbot: visitor answer -> next bot message (ms)",
        ["path", "runs", "p50", "p90", "p99", "max", "mean"],
    )
    table.rows.append(
        [
            "answer -> PostBotMessageV1",
            str(len(ordered)),
            ms(percentile(ordered, 50)),
            ms(percentile(ordered, 90)),
            ms(percentile(ordered, 99)),
            ms(ordered[-1]),
            ms(statistics.fmean(ordered)),
        ]
    )
    table.notes += [
        "  Timed from publishing the visitor's MessagePostedV1 (choice picked) to receiving the",
        "  chatbot's PostBotMessageV1 for the next step: broker hop in, inbox, session (cached),",
        "  step selection, session write + outbox (FerretDB), confirmed relay publish, broker hop",
        f"  out. {QUESTIONS} answers per conversation (a question answered, the next question",
        f"  comes), one at a time (closed loop): {len(ordered)} runs in {elapsed:.1f} s"
        + ("." if len(ordered) >= runs else f" (of {runs} planned: time budget spent)."),
    ]
    return table.render()


async def _cleanup(env: BenchEnv, settings: ChatbotSettings) -> None:
    client = create_mongo_client(env.mongodb_url, "bench-cleanup")
    await client.drop_database(settings.database)
    await client.close()
    connection = await aio_pika.connect(env.rabbitmq_url)
    async with connection:
        queue = f"{settings.service_name}.bot-conversations"
        for name in [queue, f"{queue}.dlq", *(f"{queue}.wait.{d}" for d in (200, 1000, 5000))]:
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.queue_delete(name)
