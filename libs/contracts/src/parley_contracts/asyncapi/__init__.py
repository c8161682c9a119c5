"""Generate Parley's AsyncAPI 3.0.0 document from the contract models.

``python -m parley_contracts.asyncapi docs/asyncapi.yaml`` writes the file (``make asyncapi``);
add ``--check`` to only compare, exiting 1 when the file is stale. In code:
``render(build_document())`` is the exact text of the committed file.

Why not FastStream's AsyncAPI generator: it documents the subscribers and publishers registered
on one running application, names channels after queues and describes each handler's payload.
Parley's document is a catalogue of every message on the ``parley.events`` exchange, keyed by
routing key, with the CloudEvents envelope around each model's schema, AMQP bindings FastStream
has no setting for, reply channels for queries and an example per message. Building it directly
from the pydantic JSON schemas gives exactly that, in a stable order (the registry's catalogue
order; schemas sorted by name), so a test can detect a stale file by regenerating it.
"""

from parley_contracts.asyncapi.document import build_document
from parley_contracts.asyncapi.render import render

__all__ = ["build_document", "render"]
