"""Null samples on a Dask cluster (``dask.distributed``): what runs where.

Threads on one machine stay the default (:func:`analysis.nulls.rewiring.null_ensemble`
with ``workers=N``). With a *scheduler* the samples go to Dask workers instead:

- ``""`` or None: no cluster (threads, or one at a time);
- ``"local:N"``: a ``LocalCluster`` of N worker processes (one thread each) started
  on this machine for the ensemble and shut down after it;
- ``"tcp://HOST:PORT"`` (or ``tls://``): a running scheduler (``dask scheduler`` on
  one machine, ``dask worker tcp://HOST:PORT`` on each of the others); the workers
  must run the same environment (``make venv``) at the same commit, since they
  import ``analysis`` to run the samples;
- a ``distributed.Client`` already connected (kept open afterwards).

**Where.** The caller (the notebook, or ``python -m analysis run``) checks the
graph, builds the packed edges and their hash table once, and draws every
sample's seed from its generator before anything runs
(:func:`analysis.nulls.rewiring.sample_seeds`). :func:`map_shared` then sends
those arrays and the statistic to every worker *once*
(``client.scatter(..., broadcast=True)``), and one small task per sample (its
seed) to the scheduler; each worker builds the sample's chain from that seed
alone, applies the statistic and returns its value (a scalar or a short
vector). The values come back in sample order. A sample is the same function of
the same seed on the same arrays as in the threaded runner, so the ensemble is
bit-identical to it for the same seed, whatever the number of workers or the
order in which they finish.

**Memory.** Scattering rather than having each worker read the graph keeps one
code path for every graph (a descriptor's, a registered one, a filtered
subgraph) and checks the graph once; its cost is that the caller holds the
arrays too and sends them to every worker (workers x size over the network,
once per ensemble). Each worker holds one copy of the prepared arrays for all
its tasks: 8 bytes per edge of packed edges and a hash table of
``2**ceil(log2(4 E))`` slots of 8 bytes (32 to 64 bytes per edge). Each sample
running on it copies both (the chain works in place), unpacks the result
(16 bytes per edge) and applies the statistic, so a worker with T threads needs
about ``(40 to 72) E + T * (56 to 88) E`` bytes plus the statistic's own; give
big-graph workers one thread each (``dask worker --nthreads 1``; ``local:N``
does). The reciprocity-keeping null holds the same amounts (its one-way edges
and mutual pairs together are at most the edges).

**The statistic** travels to the workers with cloudpickle, which carries
lambdas and closures (also those defined in a notebook) by value, with what
they capture: keep the capture small (a mask, a class vector, not a whole
labelled graph), and nothing unpicklable in it (an open file, a lock, a database
connection). It is scattered once per worker, like the edges.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from .. import cli

__all__ = [
    "SchedulerError",
    "Scheduler",
    "SCHEDULER_FORMS",
    "CONNECT_TIMEOUT",
    "WORKER_TIMEOUT",
    "parse_scheduler",
    "wanted",
    "check_scheduler",
    "connect",
    "check_picklable",
    "map_shared",
    "map_seeds",
]

SCHEDULER_FORMS = (
    '"local:N" (a LocalCluster of N worker processes on this machine), '
    '"tcp://HOST:PORT" (a running dask scheduler, e.g. tcp://10.0.0.5:8786), '
    'or "" (threads, the default)'
)
"""What a scheduler setting may be, as the error messages say it."""

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler at an address to answer."""

WORKER_TIMEOUT = 60.0
"""Seconds to wait for a scheduler to have at least one worker."""

_LOCAL = re.compile(r"local:(\d+)")
_ADDRESS = re.compile(r"(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d+)/?")


class SchedulerError(cli.UserError, ValueError):
    """A scheduler setting that is not one of :data:`SCHEDULER_FORMS`, or a scheduler
    that cannot be reached or has no workers: the message says what to do."""


@dataclass(frozen=True)
class Scheduler:
    """A parsed scheduler setting: ``local`` workers to start, or the ``address`` of a running scheduler."""

    local: int = 0
    address: str = ""

    def __str__(self) -> str:
        return f"local:{self.local}" if self.local else self.address


def parse_scheduler(text) -> Scheduler | None:
    """The scheduler a setting names (None for ``""`` or None: no cluster).

    Raises :class:`SchedulerError` (one line: what was given and the forms it may
    take) for anything else than :data:`SCHEDULER_FORMS`.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise SchedulerError(f"scheduler {text!r}: not text; give {SCHEDULER_FORMS}")
    text = text.strip()
    if not text:
        return None
    local = _LOCAL.fullmatch(text)
    if local:
        count = int(local.group(1))
        if count < 1:
            raise SchedulerError(f"scheduler {text!r}: a LocalCluster needs at least one worker; give local:1 or more")
        return Scheduler(local=count)
    address = _ADDRESS.fullmatch(text)
    if address:
        port = int(address.group(3))
        if not 0 < port < 65536:
            raise SchedulerError(f"scheduler {text!r}: port {port} is not 1 to 65535 (dask's default is 8786)")
        return Scheduler(address=text.rstrip("/"))
    hint = ""
    if re.fullmatch(r"[A-Za-z0-9_.-]+:\d+", text):
        hint = f" (did you mean tcp://{text}?)"
    elif text.startswith("local"):
        hint = " (local:N, N a whole number of workers)"
    raise SchedulerError(f"scheduler {text!r}: not a scheduler{hint}; give {SCHEDULER_FORMS}")


def wanted(scheduler) -> bool:
    """Whether ``scheduler`` asks for a cluster: True for a setting naming one or a
    ``distributed.Client``, False for ``""`` or None; :class:`SchedulerError` otherwise."""
    if scheduler is None or isinstance(scheduler, str):
        return parse_scheduler(scheduler) is not None
    if hasattr(scheduler, "scatter") and hasattr(scheduler, "submit"):
        return True
    raise SchedulerError(f"scheduler {scheduler!r}: not a scheduler; give {SCHEDULER_FORMS}, or a distributed.Client")


def check_scheduler(text) -> str:
    """The setting in its normal form (``""`` for none); raises :class:`SchedulerError` if it is not one."""
    found = parse_scheduler(text)
    return "" if found is None else str(found)


@contextmanager
def connect(scheduler, connect_timeout: float = CONNECT_TIMEOUT, worker_timeout: float = WORKER_TIMEOUT):
    """A ``distributed.Client`` for ``scheduler`` (a setting or a Client), closed afterwards
    unless it was given; a ``local:N`` cluster is started here and shut down on exit.

    Raises :class:`SchedulerError` if the address does not answer within
    ``connect_timeout`` seconds or no worker has joined within ``worker_timeout``.
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    found = parse_scheduler(scheduler)
    if found is None:
        raise SchedulerError(f"no scheduler given; give {SCHEDULER_FORMS}")
    if found.local:
        with (
            LocalCluster(
                n_workers=found.local, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as local_cluster,
            Client(local_cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(found.address, timeout=connect_timeout)
    except (OSError, TimeoutError) as error:
        said = " ".join(str(error).split())
        why = "" if isinstance(error, TimeoutError) or not said or "Timed out" in said else f" ({said})"
        raise SchedulerError(
            f"scheduler {found.address}: no dask scheduler answered there within {connect_timeout:g} s{why}; "
            f"start one (`dask scheduler` on that machine, then `dask worker {found.address}` on each worker), "
            'or use local:N or "" (threads)'
        ) from error
    try:
        try:
            client.wait_for_workers(1, timeout=worker_timeout)
        except TimeoutError as error:
            raise SchedulerError(
                f"scheduler {found.address}: no worker joined within {worker_timeout:g} s; "
                f"start one (`dask worker {found.address}`)"
            ) from error
        yield client
    finally:
        client.close()


def check_picklable(value, what: str = "the statistic") -> None:
    """Refuse, in one line, a ``value`` that cloudpickle cannot send to the workers
    (a closure over an open file, a lock, a connection); checked before anything is
    sent, so an in-process cluster, which pickles nothing, refuses it too."""
    import cloudpickle

    try:
        cloudpickle.dumps(value)
    except Exception as error:
        raise SchedulerError(
            f"{what} cannot be sent to the Dask workers ({type(error).__name__}: {' '.join(str(error).split())}); "
            'let it capture only arrays, numbers and plain objects, or run with threads (scheduler "")'
        ) from error


def map_shared(
    function: Callable,
    items: Iterable,
    shared: Sequence = (),
    scheduler=None,
    progress: Callable[[int], None] | None = None,
    name: str = "sample",
) -> list:
    """``[function(item, *shared) for item in items]``, run on the cluster of ``scheduler``.

    The ``shared`` objects (the prepared edge arrays, the statistic) are sent to
    every worker once (``client.scatter(..., broadcast=True)``), each ``item`` (a
    seed) goes in its own task; ``function`` must be importable on the workers
    (a module-level function of ``analysis``). The values are returned in item
    order; ``progress(k)`` is called each time a value comes back, ``k`` being the
    number back so far. A task that raises re-raises here (the others are
    cancelled); the scattered data is released on return.
    """
    from distributed import as_completed

    items = list(items)
    run = f"{name}-{uuid.uuid4().hex[:12]}"
    with connect(scheduler) as client:
        scattered = client.scatter(list(shared), broadcast=True, hash=False) if shared else []
        futures = [
            client.submit(function, item, *scattered, key=f"{run}-{index}", pure=False)
            for index, item in enumerate(items)
        ]
        position = {future.key: index for index, future in enumerate(futures)}
        values: list = [None] * len(futures)
        try:
            for count, future in enumerate(as_completed(futures), start=1):
                values[position[future.key]] = future.result()  # a task's error re-raises here at once
                if progress is not None:
                    progress(count)
        finally:
            client.cancel(futures + list(scattered))
    return values


def map_seeds(function: Callable, seeds: Iterable, shared: Sequence = (), workers: int = 1, scheduler=None,
              name: str = "sample") -> list:  # fmt: skip
    """``[function(seed, *shared) for seed in seeds]``: on the cluster of ``scheduler``
    when one is wanted (:func:`map_shared`), else on ``workers`` threads (the function
    must release the GIL to gain from them), else one at a time. The values come back in
    seed order, so the runner never changes them."""
    seeds = list(seeds)
    if wanted(scheduler):
        return map_shared(function, seeds, shared, scheduler, name=name)
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda seed: function(seed, *shared), seeds))
    return [function(seed, *shared) for seed in seeds]
