"""Live-browse benchmark: how fast Tolka reads a running OPC UA server's address space into a SchemaGraph.

Run from the repository root::

    python benchmarks/live_browse.py [--quick] [--rounds N] [--write-results]

Why: issue 7 asks ``tolka inspect opc.tcp://...`` to browse 10,000 nodes in under 10 s against a
local asyncua server, by browsing and reading in batches with a few requests in flight instead of
one request per node.

What is measured, in one run:

1. **The server.** A NodeSet2 file is generated (seeded layout, no randomness): one object type
   ``MotorType`` with three analog variables (``Speed`` in rpm, ``Current`` in A, ``Temperature`` in
   °C), each with ``EngineeringUnits`` and ``EURange`` properties, and under ``Objects/Plant``
   ``--areas`` folders (50) of ``--motors`` motors each (20), every motor an instance of
   ``MotorType`` with the same variables and properties: 10 nodes a motor, about 10,000 in all
   (``--quick``: 5 areas of 20, about 1,000). The children are spread over many parents because
   asyncua adds a child in time linear in its parent's references, so thousands under one parent
   would be quadratic to build. A real asyncua ``Server`` on a free 127.0.0.1 port imports the
   file in a **separate process** (as a real server would be: the benchmark's client and the
   server do not share a Python interpreter or an event loop).
2. **The live browse**, in this process: ``browse_endpoint(url, LiveOptions(...))`` from connecting
   to the finished graph (connection and session, the namespace array and operation limits, batched
   Browse of every own node in both directions, batched Read of the attributes, assembly of the
   graph), for five settings: the default (1,000 nodes per request, 4 requests in flight), one
   request in flight, and 100 nodes per request, all over a channel without security; and the
   default over SignAndEncrypt with Basic256Sha256 and with Aes256_Sha256_RsaPss (what a plant's
   server asks for, with each side's certificate trusted by the other beforehand, as an engineer
   would with ``tolka pki trust``): what encryption costs a browse. Each setting runs ``--rounds``
   times (3; quick 1), interleaved; the median is reported with the minimum and maximum. Before
   timing, the browsed graph is checked to hold exactly the generated file's own node ids, with the
   same units.
3. **The same model from its file**: ``load_paths([file])`` (the NodeSet2 adapter), for scale: the
   ceiling of what a browse could reach with no network and no server.

Nodes/s is the graph's nodes (own nodes and the base nodes they refer to) per second of the
whole browse. Both processes run on the same machine, so the figures include the asyncua server's
own time to answer, which is most of it.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import shlex
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from xml.sax.saxutils import escape

from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

from adapters import load_paths
from adapters.opcua.endpoint import LiveOptions
from adapters.opcua.live import BrowseStats, browse_endpoint
from adapters.opcua.pki import Pki
from adapters.opcua.security import ClientSecurity
from adapters.opcua.values import unit_id

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Live OPC UA browse (benchmarks/live_browse.py)"
PACKAGES = ("asyncua",)
NAMESPACE = "http://tolka.dev/bench/LiveBrowse/"
NONE = ClientSecurity(policy="None")
"""The first settings measure browsing alone: security None (the server also offers it)."""
SECURED = ("Basic256Sha256", "Aes256_Sha256_RsaPss")
GOAL_NODES, GOAL_SECONDS = 10_000, 10.0
"""Issue 7: 10,000 nodes in under 10 s against a local asyncua server."""
VARIABLES = (
    ("Speed", "RPM", "r/min", 3000.0),
    ("Current", "AMP", "A", 40.0),
    ("Temperature", "CEL", "°C", 120.0),
)


def settings(pki: Path) -> dict[str, LiveOptions]:
    """What is timed; the secured ones with Tolka's PKI ``pki`` (the server's certificate trusted)."""
    return {
        "1,000 nodes per request, 4 in flight (default), no security": LiveOptions(security=NONE),
        "1,000 nodes per request, 1 in flight": LiveOptions(security=NONE, concurrency=1),
        "100 nodes per request, 4 in flight": LiveOptions(security=NONE, batch_size=100),
    } | {
        f"default, SignAndEncrypt {policy}": LiveOptions(
            security=ClientSecurity(policy=policy, mode="SignAndEncrypt", pki=pki)
        )
        for policy in SECURED
    }


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


class _Ids:
    def __init__(self) -> None:
        self.next = 1000

    def __call__(self) -> str:
        self.next += 1
        return f"ns=1;i={self.next}"


def _property(
    out: list[str], ids: _Ids, parent: str, name: str, datatype: str, value: str, rule: str
) -> None:
    node = ids()
    rule_ref = f'<Reference ReferenceType="HasModellingRule">{rule}</Reference>' if rule else ""
    out.append(
        f'<UAVariable NodeId="{node}" BrowseName="{name}" ParentNodeId="{parent}" DataType="{datatype}">'
        f"<DisplayName>{name}</DisplayName><References>"
        f'<Reference ReferenceType="HasTypeDefinition">i=68</Reference>{rule_ref}'
        f'<Reference ReferenceType="HasProperty" IsForward="false">{parent}</Reference>'
        f"</References><Value>{value}</Value></UAVariable>"
    )


def _analog(out: list[str], ids: _Ids, parent: str, spec: tuple[str, str, str, float], rule: str) -> None:
    name, code, symbol, high = spec
    node = ids()
    rule_ref = f'<Reference ReferenceType="HasModellingRule">{rule}</Reference>' if rule else ""
    out.append(
        f'<UAVariable NodeId="{node}" BrowseName="1:{name}" ParentNodeId="{parent}" DataType="Double">'
        f"<DisplayName>{name}</DisplayName><Description>{name} of the motor.</Description><References>"
        f'<Reference ReferenceType="HasTypeDefinition">i=2368</Reference>{rule_ref}'
        f'<Reference ReferenceType="HasComponent" IsForward="false">{parent}</Reference>'
        f"</References></UAVariable>"
    )
    # (a line break after <ExtensionObject>: asyncua's importer reads an element without text as null)
    eu = (
        "<uax:ExtensionObject>\n<uax:TypeId><uax:Identifier>i=888</uax:Identifier></uax:TypeId><uax:Body>"
        "<uax:EUInformation><uax:NamespaceUri>http://www.opcfoundation.org/UA/units/un/cefact"
        f"</uax:NamespaceUri><uax:UnitId>{unit_id(code)}</uax:UnitId><uax:DisplayName><uax:Text>"
        f"{escape(symbol)}</uax:Text></uax:DisplayName></uax:EUInformation></uax:Body></uax:ExtensionObject>"
    )
    low_high = (
        "<uax:ExtensionObject>\n<uax:TypeId><uax:Identifier>i=885</uax:Identifier></uax:TypeId><uax:Body>"
        f"<uax:Range><uax:Low>0</uax:Low><uax:High>{high}</uax:High></uax:Range></uax:Body>"
        "</uax:ExtensionObject>"
    )
    _property(out, ids, node, "EngineeringUnits", "EUInformation", eu, rule)
    _property(out, ids, node, "EURange", "Range", low_high, rule)


def nodeset(areas: int, motors: int) -> str:
    """The NodeSet2 document of the benchmark model (see the module docstring)."""
    ids = _Ids()
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd" '
        'xmlns:uax="http://opcfoundation.org/UA/2008/02/Types.xsd">',
        f"<NamespaceUris><Uri>{NAMESPACE}</Uri></NamespaceUris>",
        f'<Models><Model ModelUri="{NAMESPACE}" Version="1.0.0">'
        '<RequiredModel ModelUri="http://opcfoundation.org/UA/" Version="1.05.03" '
        'PublicationDate="2023-12-15T00:00:00Z" /></Model></Models>',
        '<Aliases><Alias Alias="Double">i=11</Alias><Alias Alias="HasComponent">i=47</Alias>'
        '<Alias Alias="HasProperty">i=46</Alias><Alias Alias="HasTypeDefinition">i=40</Alias>'
        '<Alias Alias="HasModellingRule">i=37</Alias><Alias Alias="Organizes">i=35</Alias>'
        '<Alias Alias="HasSubtype">i=45</Alias><Alias Alias="Range">i=884</Alias>'
        '<Alias Alias="EUInformation">i=887</Alias></Aliases>',
    ]
    motor_type = ids()
    out.append(
        f'<UAObjectType NodeId="{motor_type}" BrowseName="1:MotorType"><DisplayName>MotorType</DisplayName>'
        '<References><Reference ReferenceType="HasSubtype" IsForward="false">i=58</Reference></References>'
        "</UAObjectType>"
    )
    for spec in VARIABLES:
        _analog(out, ids, motor_type, spec, "i=78")
    plant = ids()
    out.append(
        f'<UAObject NodeId="{plant}" BrowseName="1:Plant"><DisplayName>Plant</DisplayName><References>'
        '<Reference ReferenceType="HasTypeDefinition">i=61</Reference>'
        '<Reference ReferenceType="Organizes" IsForward="false">i=85</Reference></References></UAObject>'
    )
    for a in range(areas):
        area = ids()
        out.append(
            f'<UAObject NodeId="{area}" BrowseName="1:Area{a + 1:02d}" ParentNodeId="{plant}">'
            f"<DisplayName>Area{a + 1:02d}</DisplayName><References>"
            '<Reference ReferenceType="HasTypeDefinition">i=61</Reference>'
            f'<Reference ReferenceType="Organizes" IsForward="false">{plant}</Reference>'
            "</References></UAObject>"
        )
        for m in range(motors):
            motor = ids()
            out.append(
                f'<UAObject NodeId="{motor}" BrowseName="1:Motor{m + 1:03d}" ParentNodeId="{area}">'
                f"<DisplayName>Motor{m + 1:03d}</DisplayName><References>"
                f'<Reference ReferenceType="HasTypeDefinition">{motor_type}</Reference>'
                f'<Reference ReferenceType="Organizes" IsForward="false">{area}</Reference></References>'
                "</UAObject>"
            )
            for spec in VARIABLES:
                _analog(out, ids, motor, spec, "")
    out.append("</UANodeSet>")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# The server, in its own process
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(path: str, port: int, pki: str, ready: Event, stop: Event) -> None:
    """Serve the model of ``path`` on ``port`` until ``stop`` is set (the server process's target):
    anonymous clients, security None and SignAndEncrypt, its certificate in the PKI folder ``pki``."""
    import logging

    from asyncua.server.server import Server

    from services.proxy.security import ServedSecurity

    logging.getLogger("asyncua").setLevel(logging.ERROR)

    async def run() -> None:
        server = Server()
        await server.init()
        server.set_endpoint(f"opc.tcp://127.0.0.1:{port}")
        offered = ["None", *(f"{policy}-SignAndEncrypt" for policy in SECURED)]
        security = ServedSecurity.parse(offered, allow_anonymous=True, pki=Path(pki), role="bench-server")
        await security.configure(server)
        await server.import_xml(path)
        async with server:
            security.after_start(server)
            ready.set()
            await asyncio.to_thread(stop.wait)

    asyncio.run(run())


@dataclass
class Measured:
    """The rounds of one setting."""

    name: str
    options: LiveOptions
    runs: list[BrowseStats]

    def seconds(self) -> list[float]:
        return [r.seconds for r in self.runs]


def check(url: str, path: Path) -> int:
    """Browse once and compare with the file: the same own node ids and units; returns the node count."""
    live = asyncio.run(browse_endpoint(url, LiveOptions(security=NONE))).graph
    from_file = load_paths([path])
    live_own = {n.id: n.unit for n in live.own_nodes()}
    file_own = {n.id: n.unit for n in from_file.own_nodes()}
    if live_own != file_own:
        missing, extra = file_own.keys() - live_own.keys(), live_own.keys() - file_own.keys()
        raise AssertionError(f"live graph differs from the file: {len(missing)} missing, {len(extra)} extra")
    return len(live)


def measure(url: str, rounds: int, pki: Path) -> list[Measured]:
    timed = [Measured(name, options, []) for name, options in settings(pki).items()]
    for k in range(rounds):
        order = timed[k % len(timed) :] + timed[: k % len(timed)]
        for setting in order:
            setting.runs.append(asyncio.run(browse_endpoint(url, setting.options)).stats)
    return timed


def time_file(path: Path, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        load_paths([path])
        times.append(time.perf_counter() - started)
    return times


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _spread(values: Sequence[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def report(settings: list[Measured], file_times: list[float], nodes: int, own: int) -> str:
    rows = []
    for s in settings:
        median = statistics.median(s.seconds())
        last = s.runs[-1]
        rows.append(
            [
                s.name,
                f"{last.nodes:,}",
                f"{median:.2f}",
                _spread(s.seconds()),
                f"{last.nodes / median:,.0f}",
                f"{last.browse_requests:,}",
                f"{last.read_requests:,}",
            ]
        )
    file_median = statistics.median(file_times)
    rows.append(
        [
            "NodeSet2 file of the same model (`load_paths`)",
            f"{nodes:,}",
            f"{file_median:.2f}",
            _spread(file_times),
            f"{nodes / file_median:,.0f}",
            "–",
            "–",
        ]
    )
    table = markdown_table(
        ["", "nodes", "s (median)", "min–max", "nodes/s", "browse requests", "read requests"],
        rows,
        [False, True, True, True, True, True, True],
    )
    default = statistics.median(settings[0].seconds())
    scaled = default * GOAL_NODES / nodes
    verdict = (
        f"Goal (issue 7): {GOAL_NODES:,} nodes in under {GOAL_SECONDS:g} s. Measured: {nodes:,} nodes "
        f"({own:,} own) in {default:.2f} s with the default settings"
        + (f", {scaled:.2f} s scaled to {GOAL_NODES:,} nodes" if nodes < GOAL_NODES * 0.9 else "")
        + (" — met." if scaled < GOAL_SECONDS else " — NOT met.")
    )
    return "\n".join([table, "", verdict])


def section(info: dict[str, str], command: str, body: str, args: argparse.Namespace, model: str) -> str:
    return "\n".join(
        [
            SECTION,
            "",
            *header_lines(info, command),
            "",
            f"Model: {model}. A real asyncua server in a separate process on 127.0.0.1 imported the "
            "generated NodeSet2 file; this process browsed it with `browse_endpoint` (anonymous; without "
            "security, then with SignAndEncrypt, certificates trusted both ways beforehand), timed from "
            "connecting to the finished SchemaGraph, after checking once that the "
            "browsed graph holds exactly the file's own node ids and units. "
            f"{args.rounds} round(s) per setting, interleaved; median, min–max. See the docstring of "
            "`benchmarks/live_browse.py`."
            + (" Quick run: a tenth of the model, not for the record." if args.quick else ""),
            "",
            body,
        ]
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (about 1,000 nodes, 1 round)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per setting (default 3; quick 1)")
    parser.add_argument(
        "--areas", type=int, default=None, help="folders under Objects/Plant (default 50; quick 5)"
    )
    parser.add_argument(
        "--motors", type=int, default=20, help="motors per folder, 10 nodes each (default 20)"
    )
    parser.add_argument(
        "--write-results", action="store_true", help=f"rewrite this benchmark's section of {RESULTS.name}"
    )
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.areas = args.areas or (5 if args.quick else 50)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    command = shlex.join(["python", "benchmarks/live_browse.py", *(sys.argv[1:] if argv is None else argv)])
    info = run_info(PACKAGES, ("adapters", "benchmarks/live_browse.py"))
    context = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Bench.LiveBrowse.NodeSet2.xml"
        path.write_text(nodeset(args.areas, args.motors), encoding="utf-8")
        model = (
            f"{args.areas} folders × {args.motors} motors × (1 object + 3 analog variables with "
            "EngineeringUnits and EURange), plus MotorType"
        )
        print(f"Starting an asyncua server with {model} ...", flush=True)
        port = free_port()
        ready, stop = context.Event(), context.Event()
        server_pki, tolka_pki = Pki(Path(folder) / "server-pki"), Pki(Path(folder) / "tolka-pki")
        server_pki.own()  # made here, so that each side trusts the other before the first connection
        tolka_pki.trust(server_pki.own_cert)
        server_pki.trust(tolka_pki.own()[0])
        server = context.Process(
            target=serve, args=(str(path), port, str(server_pki.root), ready, stop), daemon=True
        )
        server.start()
        try:
            deadline = time.monotonic() + 300
            while not ready.wait(0.2):
                if not server.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("the asyncua server did not start (see its error above)")
            url = f"opc.tcp://127.0.0.1:{port}"
            nodes = check(url, path)
            own = sum(1 for _ in load_paths([path]).own_nodes())
            print(
                f"Browsed graph agrees with the file ({nodes:,} nodes, {own:,} own). Timing ...", flush=True
            )
            timed = measure(url, args.rounds, tolka_pki.root)
            file_times = time_file(path, args.rounds)
        finally:
            stop.set()
            server.join(30)
            if server.is_alive():
                server.terminate()
    body = report(timed, file_times, nodes, own)
    print()
    print(body)
    print(f"Run time: {time.perf_counter() - started:.1f} s")
    if args.write_results:
        write_section(section(info, command, body, args, model), RESULTS)
        print(f"\nwrote the live-browse section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
