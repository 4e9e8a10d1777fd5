"""MQTT scale-out benchmark: messages/s through 1, 2 and 3 ``tolka bridge`` instances of one group.

Run from the repository root (needs Debian's ``mosquitto``; ``make bench-scale`` installs it as root)::

    python benchmarks/scale.py [--messages 20000] [--instances 1,2,3] [--write-results]

Everything on 127.0.0.1, started by this script and stopped at the end:

* **the broker**: Mosquitto on a free port with a generated configuration (persistence on in a
  temporary folder, ``max_queued_messages`` 1,000,000 so a backlog is queued rather than dropped,
  ``set_tcp_nodelay true``);
* **the bridges**: N ``tolka bridge`` processes (``--group scale --qos 1``, each with its own
  ``--client-id``), as a user runs them, with a translator compiled by ``tolka compile`` from the demo
  models (vendor A's OPC UA PubSub JSON → vendor B's plain JSON, two unit conversions);
* **the floor**: the same number of pass-through processes — this script with ``--role passthrough``:
  the bridge's own loop (`services.bridge.runtime.Bridge`: shared subscription, batches, QoS 1
  publishing, acknowledgements after publication) with the translation replaced by handing the payload
  on as it is. What a bridge adds over it is the translation; what both cost is the broker and MQTT;
* **the publisher and the collector** (paho-mqtt, in this script, one thread each): the publisher sends
  ``--messages`` numbered messages at QoS 1 as fast as the broker takes them; the collector (QoS 1)
  records when each output message arrives and recovers its number, so lost and duplicated messages
  are counted.

Measured per run: delivered messages/s = messages / (last arrival − first publication); lost and
duplicates; each instance's share (from its final counter line) and its resident memory (RSS, psutil,
at the end of the run). Ratio = bridge rate / floor rate with the same number of instances.

Fairness and limits: all processes share the machine's cores (``nproc`` is in the record) — on 2 cores
the broker, the publisher, the collector and the instances compete, so more instances cannot scale
linearly here; the figures show what a group gains on this machine, not on a server. The publisher is
one Python thread; its own rate is reported, and a run whose rate is close to it is limited by the
publisher, not by the bridges. Runs are one after the other, on a shared, noisy machine: ±10 %.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

ROOT = Path(__file__).resolve().parents[1]
TOLKA = str(Path(sys.executable).with_name("tolka"))
DEMO = ROOT / "ontologies" / "demo"
A = "nsu=http://tolka.dev/demo/VendorA/;i="
B = "nsu=http://tolka.dev/demo/VendorB/;i="
PACKAGES = ("aiomqtt", "paho-mqtt", "orjson", "psutil")
IN, OUT = "scale/a", "scale/b"


def mosquitto_binary() -> str:
    import shutil

    found = os.environ.get("TOLKA_MOSQUITTO") or shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not os.access(found, os.X_OK):
        sys.exit(
            "benchmarks/scale.py needs Mosquitto (apt-get install mosquitto, or make bench-scale as root)"
        )
    return found


class Broker:
    def __init__(self, folder: Path) -> None:
        import pwd
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"mqtt://127.0.0.1:{self.port}"
        config = folder / "mosquitto.conf"
        config.write_text(
            f"listener {self.port} 127.0.0.1\nuser {pwd.getpwuid(os.getuid()).pw_name}\n"
            "allow_anonymous true\n"
            f"persistence true\npersistence_location {folder}/\nautosave_interval 0\n"
            "max_queued_messages 1000000\nset_tcp_nodelay true\nlog_dest none\n"
        )
        self.process = subprocess.Popen([mosquitto_binary(), "-c", str(config)], stderr=subprocess.DEVNULL)
        until = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                if time.monotonic() > until or self.process.poll() is not None:
                    raise RuntimeError("mosquitto did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(10)


def compile_translator(folder: Path) -> Path:
    from translator.alignment.formats import write_alignment
    from translator.alignment.model import Alignment, Correspondence

    mapping, out = folder / "a-b.sssom.tsv", folder / "a-b.json"
    write_alignment(
        Alignment("A", "B", [Correspondence(A + "6061", B + "6020"), Correspondence(A + "6082", B + "6008")]),
        mapping,
    )
    subprocess.run(
        [TOLKA, "compile", str(mapping), "--source", str(DEMO / "VendorA.PumpSkid.NodeSet2.xml"), "--target",
         str(DEMO / "VendorB.LegacySkid.NodeSet2.xml"), "-o", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


def message(n: int) -> bytes:
    import orjson

    payload = {
        "PumpSkid1.Pump.Speed": {"Value": float(n), "SourceTimestamp": "2026-11-01T10:00:00Z"},
        "PumpSkid1.Heater.OutletTemperature": {"Value": 20.0},
    }
    return orjson.dumps({"MessageId": str(n), "MessageType": "ua-data", "Messages": [{"Payload": payload}]})


def number(data: bytes, translated: bool) -> int:
    import orjson

    document = orjson.loads(data)
    if translated:
        return round(document["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] * 60)
    return int(document["MessageId"])


def paho(client_id: str):  # type: ignore[no-untyped-def]
    import paho.mqtt.client as mqtt

    return mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)


def passthrough(broker: str, client_id: str) -> None:
    """The floor: the bridge's loop handing each payload on untranslated."""
    from services.bridge.counters import describe
    from services.bridge.runtime import Bridge
    from services.bridge.settings import BridgeSettings

    class PassThrough:
        def translate_json(self, data: bytes) -> bytes:
            return bytes(data)

    settings = BridgeSettings.build(broker, IN, OUT, group="scale", client_id=client_id)
    bridge = Bridge(settings, PassThrough())  # type: ignore[arg-type]

    async def run() -> None:
        stop, ready = asyncio.Event(), asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        started = time.monotonic()
        task = asyncio.create_task(bridge.run(stop, ready))
        await ready.wait()
        print("tolka: bridging", file=sys.stderr, flush=True)
        await task
        print(f"tolka: stopped; {describe(bridge.counters, started)}", file=sys.stderr, flush=True)

    asyncio.run(run())


def mosquitto_version() -> str:
    done = subprocess.run([mosquitto_binary(), "-h"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0]


def measure(
    broker: Broker, folder: Path, translator: Path | None, instances: int, messages: int
) -> dict[str, object]:
    """One run: ``instances`` bridges (or pass-throughs when ``translator`` is None)."""
    import psutil

    tag = "bridge" if translator else "floor"
    logs = [folder / f"{tag}-{instances}-{k}.log" for k in range(instances)]
    processes = []
    for k, log in enumerate(logs):
        client_id = f"{tag}-{instances}-{k}"
        if translator:
            command = [TOLKA, "bridge", "--broker", broker.url, "--translator", str(translator),
                       "--subscribe", IN, "--publish", OUT, "--group", "scale", "--client-id", client_id,
                       "--report-every", "60"]  # fmt: skip
        else:
            command = [
                sys.executable,
                __file__,
                "--role",
                "passthrough",
                "--broker",
                broker.url,
                "--client-id",
                client_id,
            ]
        processes.append(subprocess.Popen(command, stderr=log.open("wb")))
    while not all("tolka: bridging" in log.read_text() for log in logs):
        time.sleep(0.05)
    arrivals: list[tuple[float, bytes]] = []
    subscribed = threading.Event()
    collector = paho(f"collector-{tag}-{instances}")
    collector.on_message = lambda c, u, m: arrivals.append((time.perf_counter(), bytes(m.payload)))
    collector.on_subscribe = lambda *a: subscribed.set()
    collector.connect("127.0.0.1", broker.port)
    collector.subscribe(OUT, qos=1)
    collector.loop_start()
    subscribed.wait(10)
    acknowledged: set[int] = set()
    publisher = paho(f"publisher-{tag}-{instances}")
    publisher.max_inflight_messages_set(200)
    publisher.on_publish = lambda c, u, mid, rc, p: acknowledged.add(mid)
    publisher.connect("127.0.0.1", broker.port)
    publisher.loop_start()
    payloads = [message(n) for n in range(messages)]
    started = time.perf_counter()
    mids = [publisher.publish(IN, payload, qos=1).mid for payload in payloads]
    while not acknowledged.issuperset(mids):
        time.sleep(0.01)
    published = time.perf_counter() - started
    last, since = -1, time.monotonic()
    while len(arrivals) < messages and time.monotonic() - since < 10:
        if len(arrivals) != last:
            last, since = len(arrivals), time.monotonic()
        time.sleep(0.02)
    rss = [psutil.Process(p.pid).memory_info().rss / 2**20 for p in processes]
    for process in processes:
        process.send_signal(signal.SIGTERM)
    shares = []
    for process, log in zip(processes, logs, strict=True):
        process.wait(30)
        final = [line for line in log.read_text().splitlines() if "stopped;" in line]
        found = re.search(r"([\d,]+) translated", final[-1]) if final else None
        shares.append(int(found.group(1).replace(",", "")) if found else -1)
    for client in (publisher, collector):
        client.disconnect()
        client.loop_stop()
    numbers = [number(data, translator is not None) for _, data in arrivals]
    seconds = (arrivals[-1][0] - started) if arrivals else float("nan")
    return {
        "instances": instances,
        "rate": len(set(numbers)) / seconds,
        "publisher": messages / published,
        "lost": messages - len(set(numbers)),
        "duplicates": len(numbers) - len(set(numbers)),
        "shares": shares,
        "rss": rss,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--instances", default="1,2,3", help="instance counts to measure (default 1,2,3)")
    parser.add_argument("--write-results", action="store_true", help="rewrite this section of RESULTS.md")
    parser.add_argument("--role", choices=["passthrough"], help=argparse.SUPPRESS)
    parser.add_argument("--broker", help=argparse.SUPPRESS)
    parser.add_argument("--client-id", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "passthrough":
        passthrough(args.broker, args.client_id)
        return
    counts = [int(k) for k in args.instances.split(",")]
    info = run_info(PACKAGES, ("services/bridge", "benchmarks/scale.py"))
    with tempfile.TemporaryDirectory(prefix="tolka-scale-") as tmp:
        folder = Path(tmp)
        translator = compile_translator(folder)
        broker = Broker(folder)
        try:
            results = []
            for k in counts:
                floor = measure(broker, folder, None, k, args.messages)
                bridge = measure(broker, folder, translator, k, args.messages)
                results.append((floor, bridge))
                print(
                    f"{k} instance(s): bridge {bridge['rate']:,.0f} msg/s, floor {floor['rate']:,.0f} msg/s "
                    f"(ratio {bridge['rate'] / floor['rate']:.2f}); publisher {bridge['publisher']:,.0f}/s; "  # type: ignore[operator]
                    f"shares {bridge['shares']}; lost {bridge['lost']}, duplicates {bridge['duplicates']}; "
                    f"RSS {', '.join(f'{r:.0f}' for r in bridge['rss'])} MiB",  # type: ignore[attr-defined]
                    flush=True,
                )
        finally:
            broker.stop()
    rows = []
    for floor, bridge in results:
        rows.append([
            str(bridge["instances"]),
            f"{bridge['rate']:,.0f}",
            f"{floor['rate']:,.0f}",
            f"{bridge['rate'] / floor['rate']:.2f}",  # type: ignore[operator]
            " / ".join(str(s) for s in bridge["shares"]),  # type: ignore[attr-defined]
            f"{bridge['lost']} / {bridge['duplicates']}",
            f"{statistics.mean(bridge['rss']):.0f}",  # type: ignore[arg-type]
            f"{bridge['publisher']:,.0f}",
        ])  # fmt: skip
    command = "python benchmarks/scale.py" + (
        f" --messages {args.messages}" if args.messages != 20_000 else ""
    )
    text = "\n".join([
        "## MQTT scale-out (benchmarks/scale.py)",
        "",
        *header_lines(info, command + " --write-results"),
        f"- Broker: {mosquitto_version()}",
        "",
        f"{args.messages:,} numbered OPC UA PubSub JSON messages at QoS 1 through N `tolka bridge` "
        "instances of one `--group` (vendor A → vendor B, two unit conversions), against the "
        "floor: the same number of pass-through instances (the bridge's loop without the translation). "
        "Delivered msg/s = distinct "
        "messages / (last arrival − first publication). Everything — broker, publisher, collector, "
        "instances — shares this machine's cores.",
        "",
        markdown_table(
            ["instances", "bridge msg/s", "floor msg/s", "ratio", "split", "lost / dup.", "RSS MiB each",
             "publisher msg/s"],
            rows,
            [True, True, True, True, False, True, True, True],
        ),
    ])  # fmt: skip
    print(text)
    if args.write_results:
        write_section(text)


if __name__ == "__main__":
    main()
