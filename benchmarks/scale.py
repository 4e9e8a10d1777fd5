"""MQTT scale-out benchmark: messages/s through 1, 2 and 3 ``tolka bridge`` instances of one group.

Run from the repository root (needs Debian's ``mosquitto``; ``make bench-scale`` installs it as root)::

    python benchmarks/scale.py [--messages 20000] [--instances 1,2,3] [--write-results] [--note TEXT]

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

CPU (psutil, user + system seconds, from just before the first publication to just after the last
arrival — the CPU window): each instance's process with its child processes (live ones recursively, and
those it has waited for), the broker, this script (the publisher and the collector), and every process
of the machine (``/proc/stat``: all but idle, iowait and steal); "other" is the machine's less those.
From them: messages per CPU-second of the instances (delivered messages / their CPU seconds, all
instances together) — about what one fully busy core of their own would carry — and each part's share
of one core (CPU seconds / window; N instances can use more than one core). That figure depends far
less than msg/s on what else runs on the machine, though not at all would be too strong: an instance
that waits for the CPU reads larger batches, which cost less per message.

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
from typing import TYPE_CHECKING

from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

if TYPE_CHECKING:
    import psutil

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
    # vendor B's side as plain JSON: a NodeSet's messages default to OPC UA PubSub JSON (tolka compile)
    subprocess.run(
        [TOLKA, "compile", str(mapping), "--source", str(DEMO / "VendorA.PumpSkid.NodeSet2.xml"), "--target",
         str(DEMO / "VendorB.LegacySkid.NodeSet2.xml"), "--target-format", "json", "-o", str(out)],
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


def cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds (user + system) so far of ``process`` and of its child processes: the live ones
    (recursively) and those it has waited for (``children_user``/``children_system``)."""
    import psutil

    total = 0.0
    for p in (process, *process.children(recursive=True)):
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue  # ended between the listing and the reading: its parent counts it once it waits
        total += times.user + times.system + times.children_user + times.children_system
    return total


def own_cpu_seconds() -> float:
    """CPU seconds of this process (the publisher's and the collector's threads, and the polling), not
    of its children (the instances, counted apart)."""
    import psutil

    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def machine_cpu_seconds() -> float:
    """CPU seconds every process of the machine has used (user, system, …: all but idle, iowait and steal)."""
    import psutil

    times = psutil.cpu_times()
    not_used = times.idle + getattr(times, "iowait", 0.0) + getattr(times, "steal", 0.0)
    counted_twice = getattr(times, "guest", 0.0) + getattr(times, "guest_nice", 0.0)  # in user already
    return float(sum(times) - not_used - counted_twice)


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
    watched = [psutil.Process(p.pid) for p in processes]
    mosquitto = psutil.Process(broker.process.pid)

    def cpu() -> tuple[list[float], float, float, float]:
        """CPU seconds so far: each instance, the broker, this script, the machine."""
        return (
            [cpu_seconds(w) for w in watched],
            cpu_seconds(mosquitto),
            own_cpu_seconds(),
            machine_cpu_seconds(),
        )

    cpu_before = cpu()
    started = time.perf_counter()
    mids = [publisher.publish(IN, payload, qos=1).mid for payload in payloads]
    while not acknowledged.issuperset(mids):
        time.sleep(0.01)
    published = time.perf_counter() - started
    last, since = -1, time.monotonic()
    while len(arrivals) < messages and time.monotonic() - since < 10:
        if len(arrivals) != last:
            last, since = len(arrivals), time.monotonic()
        time.sleep(0.01)
    cpu_after, window = cpu(), time.perf_counter() - started
    children = sum(len(w.children(recursive=True)) for w in watched)
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
        "messages": messages,
        "rate": len(set(numbers)) / seconds,
        "publisher": messages / published,
        "lost": messages - len(set(numbers)),
        "duplicates": len(numbers) - len(set(numbers)),
        "shares": shares,
        "rss": rss,
        "window": window,
        "cpu": [b - a for a, b in zip(cpu_before[0], cpu_after[0], strict=True)],
        "broker_cpu": cpu_after[1] - cpu_before[1],
        "own_cpu": cpu_after[2] - cpu_before[2],
        "machine_cpu": cpu_after[3] - cpu_before[3],
        "children": children,
    }


def cpu_figures(result: dict[str, object]) -> dict[str, float]:
    """A run's CPU in the units reported: the instances' CPU seconds in all, delivered messages per
    CPU-second of them and CPU µs per message, and shares of one core over the CPU window."""
    window = float(result["window"])  # type: ignore[arg-type]
    instances = sum(result["cpu"])  # type: ignore[call-overload]
    delivered = int(result["messages"]) - int(result["lost"])  # type: ignore[call-overload]
    own = float(result["own_cpu"]) + float(result["broker_cpu"])  # type: ignore[arg-type]
    return {
        "cpu": instances,
        "per_cpu_second": delivered / instances if instances else float("nan"),
        "us_per_message": instances / delivered * 1e6 if delivered else float("nan"),
        "share": instances / window,
        "broker": float(result["broker_cpu"]) / window,  # type: ignore[arg-type]
        "script": float(result["own_cpu"]) / window,  # type: ignore[arg-type]
        "other": (float(result["machine_cpu"]) - instances - own) / window,  # type: ignore[arg-type]
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--instances", default="1,2,3", help="instance counts to measure (default 1,2,3)")
    parser.add_argument("--write-results", action="store_true", help="rewrite this section of RESULTS.md")
    parser.add_argument("--note", help="a line for the record: what else ran on the machine, for example")
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
                cpu, floor_cpu = cpu_figures(bridge), cpu_figures(floor)
                print(
                    f"  CPU: bridge {cpu['cpu']:.2f} s ({' / '.join(f'{c:.2f}' for c in bridge['cpu'])}), "  # type: ignore[attr-defined]
                    f"{cpu['per_cpu_second']:,.0f} msg per CPU-s, {cpu['share']:.0%} of one core; "
                    f"floor {floor_cpu['per_cpu_second']:,.0f} msg per CPU-s, {floor_cpu['share']:.0%}; "
                    f"broker {cpu['broker']:.0%}, this script {cpu['script']:.0%}, other processes "
                    f"{cpu['other']:.0%}; child processes {bridge['children']}",
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
    cpu_rows = []
    for floor, bridge in results:
        for tag, result in (("bridge", bridge), ("floor", floor)):
            cpu = cpu_figures(result)
            cpu_rows.append([
                str(result["instances"]),
                tag,
                f"{result['rate']:,.0f}",
                f"{result['window']:.2f}",
                " / ".join(f"{c:.2f}" for c in result["cpu"]),  # type: ignore[attr-defined]
                f"{cpu['cpu']:.2f}",
                f"**{cpu['per_cpu_second']:,.0f}**" if tag == "bridge" else f"{cpu['per_cpu_second']:,.0f}",
                f"{cpu['us_per_message']:.0f}",
                f"{cpu['share']:.0%}",
                f"{cpu['broker']:.0%}",
                f"{cpu['script']:.0%}",
                f"{cpu['other']:.0%}",
            ])  # fmt: skip
    children = sum(int(r["children"]) for pair in results for r in pair)  # type: ignore[call-overload]
    cpus = len(os.sched_getaffinity(0))
    command = "python benchmarks/scale.py" + (
        f" --messages {args.messages}" if args.messages != 20_000 else ""
    )
    text = "\n".join([
        "## MQTT scale-out (benchmarks/scale.py)",
        "",
        *header_lines(info, command + " --write-results"),
        f"- Broker: {mosquitto_version()}",
        *([f"- Note: {args.note}"] if args.note else []),
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
        "",
        "CPU over the CPU window (from just before the first publication to just after the last arrival; "
        "psutil, user + system). *CPU s*: the instances' (each, and in all"
        + (", with their child processes" if children else "; none had a child process at the end")
        + "); *msg per CPU-s*: delivered messages / the instances' CPU seconds — the messages/s one fully "
        "busy core would carry; the shares are of one core over the window (this machine has "
        f"{cpus * 100} %): the instances in all, the broker, this script (publisher and collector) and "
        "every other process of the machine (/proc/stat less those). Messages/s depend on what else "
        "runs; messages per CPU-second much less so (a starved instance reads larger batches, cheaper "
        "per message).",
        "",
        markdown_table(
            ["instances", "run", "msg/s", "window s", "CPU s each", "CPU s", "msg per CPU-s", "CPU µs/msg",
             "instances % core", "broker %", "script %", "other %"],
            cpu_rows,
            [True, False, True, True, False, True, True, True, True, True, True, True],
        ),
    ])  # fmt: skip
    print(text)
    if args.write_results:
        write_section(text)


if __name__ == "__main__":
    main()
