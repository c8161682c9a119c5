"""``python -m parley_chatbot.cli``: export, import, validate and test chatbot scripts.

    python -m parley_chatbot.cli validate welcome.yaml          # offline: no server needed
    python -m parley_chatbot.cli export welcome-bot -o welcome.json
    python -m parley_chatbot.cli import welcome.yaml other.json
    python -m parley_chatbot.cli list
    python -m parley_chatbot.cli test welcome-bot --choice buy --text ada@example.com

Files are JSON, or YAML when they end in ``.yaml``/``.yml``. Every command but ``validate``
asks the running chatbot service over RabbitMQ (``PARLEY_CHATBOT_RABBITMQ_URL`` or
``RABBITMQ_URL``), so imports are validated by the same rules as the admin API. The exit code is
0 on success, 1 when a script has errors or a query was refused, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from faststream.rabbit import RabbitBroker
from pydantic import ValidationError

from parley_contracts.base import Query, Reply
from parley_contracts.chatbot import (
    ChatbotScript,
    GetScriptV1,
    ListScriptsV1,
    RunScriptTestV1,
    SaveScriptV1,
    ScriptProblem,
    VisitorInput,
)
from parley_platform.messaging.request import QueryClient

from .domain.validation import has_errors, validate
from .settings import ChatbotSettings


def read_script(path: Path) -> ChatbotScript:
    text = path.read_text(encoding="utf-8")
    raw = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    return ChatbotScript.model_validate(raw)


def render_script(script: ChatbotScript, as_yaml: bool) -> str:
    data = script.model_dump(mode="json", exclude_defaults=True)
    data = {"format": script.format, **data}
    if as_yaml:
        return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _problems(problems: Sequence[ScriptProblem]) -> str:
    return "\n".join(f"  {p.severity.value}: {p.code}: {p.message}" for p in problems)


async def _ask(query: Query, timeout_s: float) -> dict[str, Any]:
    broker = RabbitBroker(ChatbotSettings().rabbitmq_url)
    await broker.start()
    try:
        body = await QueryClient(broker).ask(
            query.TYPE, query.model_dump_json().encode(), timeout_s=timeout_s
        )
    finally:
        await broker.stop()
    reply: type[Reply] = type(query).REPLY
    return reply.model_validate_json(body).model_dump(mode="json")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parley_chatbot.cli", description=__doc__)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for answers")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check script files (offline)")
    check.add_argument("files", nargs="+", type=Path)
    export = commands.add_parser("export", help="print or write a saved script")
    export.add_argument("script_id")
    export.add_argument("-o", "--output", type=Path, help="file (.json, .yaml); stdout if absent")
    export.add_argument("--yaml", action="store_true", help="YAML on stdout")
    load = commands.add_parser("import", help="save script files (refused when they have errors)")
    load.add_argument("files", nargs="+", type=Path)
    commands.add_parser("list", help="list the saved scripts")
    trial = commands.add_parser("test", help="run a saved script or a file in test mode")
    trial.add_argument("script", help="a saved script's id or a script file")
    trial.add_argument("--text", action="append", default=[], dest="inputs", type=_text)
    trial.add_argument("--choice", action="append", dest="inputs", type=_choice)
    trial.add_argument("--operator-available", action="store_true")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except (ValidationError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _text(value: str) -> VisitorInput:
    return VisitorInput(text=value)


def _choice(value: str) -> VisitorInput:
    return VisitorInput(choice_id=value)


async def _run(args: argparse.Namespace) -> int:
    if args.command == "validate":
        status = 0
        for path in args.files:
            problems = validate(read_script(path))
            print(f"{path}: {'invalid' if has_errors(problems) else 'valid'}")
            if problems:
                print(_problems(problems))
            status |= int(has_errors(problems))
        return status
    if args.command == "export":
        reply = await _ask(GetScriptV1(script_id=args.script_id), args.timeout)
        if reply["script"] is None:
            print(f"error: {reply['error']}", file=sys.stderr)
            return 1
        script = ChatbotScript.model_validate(reply["script"])
        if args.output is None:
            sys.stdout.write(render_script(script, args.yaml))
        else:
            args.output.write_text(
                render_script(script, args.output.suffix in (".yaml", ".yml")), encoding="utf-8"
            )
        return 0
    if args.command == "import":
        status = 0
        for path in args.files:
            reply = await _ask(SaveScriptV1(script=read_script(path)), args.timeout)
            print(f"{path}: {'saved' if reply['saved'] else 'refused'} ({reply['script_id']})")
            problems = [ScriptProblem.model_validate(p) for p in reply["problems"]]
            if problems:
                print(_problems(problems))
            status |= int(not reply["saved"])
        return status
    if args.command == "list":
        reply = await _ask(ListScriptsV1(), args.timeout)
        for summary in reply["scripts"]:
            print(f"{summary['id']}\t{summary['name']}\t{summary['step_count']} steps")
        return 0
    path = Path(args.script)
    inputs = tuple(args.inputs or ())
    query = (
        RunScriptTestV1(
            inputs=inputs, script=read_script(path), operator_available=args.operator_available
        )
        if path.suffix in (".json", ".yaml", ".yml") and path.exists()
        else RunScriptTestV1(
            inputs=inputs, script_id=args.script, operator_available=args.operator_available
        )
    )
    reply = await _ask(query, args.timeout)
    if reply["error"]:
        print(f"error: {reply['error']}", file=sys.stderr)
        return 1
    for line in reply["messages"]:
        buttons = "".join(f" [{c['label']}]" for c in line["choices"])
        print(f"{line['speaker']:>7}: {line['text']}{buttons}")
    print("-- ended --" if reply["ended"] else "-- handed over --" if reply["handed_over"] else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
