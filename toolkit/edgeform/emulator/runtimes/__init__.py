"""Worker processes that run edge functions, one invocation at a time each.

One module per runtime kind (python, node): each says which runtimes it runs, the worker
command that runs them, and how this machine differs from Lambda's runtime. A new kind is a new
module listed in kinds.py; the worker protocol (workers/), the pool and the worker stay as
they are.

A `FunctionPool` runs one function (Python through `workers/python_worker.py`, Node.js through
`workers/node_worker.mjs`) the way Lambda does: invocations run at once, each in a worker of
its own, up to `concurrency` of them; `warm` idle workers are kept (module state survives
between invocations), and workers started for a burst are stopped once idle. Each
invocation's timeout counts from the moment it is asked for: one still queued when its time
is up is throttled, as CloudFront reports a throttled function (503 LambdaLimitExceeded).
An invocation past its timeout has its worker killed (`timeout`); a worker that dies
(`crash`), or answers more than `LINE_LIMIT` bytes (`invalid`), is killed and reported; none of
these ever reaches the server as an exception, and no worker is left behind.
"""

from edgeform.emulator.runtimes.code import EdgeLog, FunctionCode, Outcome, OutcomeKind
from edgeform.emulator.runtimes.kinds import kind_of, runtime_note, worker_command
from edgeform.emulator.runtimes.node import local_node_version
from edgeform.emulator.runtimes.pool import CONCURRENCY, FunctionPool, Scaling
from edgeform.emulator.runtimes.worker import Worker

__all__ = [
    "CONCURRENCY",
    "EdgeLog",
    "FunctionCode",
    "FunctionPool",
    "Outcome",
    "OutcomeKind",
    "Scaling",
    "Worker",
    "kind_of",
    "local_node_version",
    "runtime_note",
    "worker_command",
]
