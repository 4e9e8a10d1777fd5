"""The demo's gateway: ``tolka serve`` as a child process on 127.0.0.1, the learned mapping stored in it.

:class:`GatewayProcess` starts the server on a free port with its own store folder, waits for
``/health``, uploads both models and the learned alignment, compiles a translator from it, and
translates messages through the HTTP API while timing each round trip. :meth:`GatewayProcess.stop`
ends the child and waits for it, so no process and no port outlives the demo.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from translator.errors import TolkaError

__all__ = ["GatewayProcess"]


class GatewayProcess:
    """``tolka serve --host 127.0.0.1 --port PORT --data-dir FOLDER`` as a child process."""

    def __init__(self, port: int, data_dir: Path, log: Path) -> None:
        self.port = port
        self.data_dir = data_dir
        self.log = log
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.client = httpx.Client(base_url=self.url, timeout=30.0)
        self.round_trips: list[float] = []

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until it answers ``/health``.

        Raises:
            TolkaError: it exited or did not answer in time (its log is named).
        """
        tolka = str(Path(sys.executable).with_name("tolka"))
        command = [
            tolka,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
        ]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise TolkaError(f"the gateway exited with code {self.process.returncode}; see {self.log}")
            try:
                if self.client.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TolkaError(f"the gateway did not answer on {self.url} within {timeout:.0f} s; see {self.log}")

    def _ok(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise TolkaError(
                f"the gateway refused {response.request.method} {response.request.url.path}: {response.text}"
            )
        return response.json()

    def upload_model(self, path: Path) -> str:
        with path.open("rb") as file:
            return str(self._ok(self.client.post("/models", files={"file": (path.name, file)}))["id"])

    def import_alignment(self, path: Path, source: str, target: str) -> str:
        with path.open("rb") as file:
            response = self.client.post(
                "/alignments/import",
                files={"file": (path.name, file)},
                data={"source": source, "target": target},
            )
        return str(self._ok(response)["id"])

    def compile(self, alignment: str) -> str:
        body = {"alignment": alignment, "source_format": "opcua-pubsub-json", "target_format": "json"}
        return str(self._ok(self.client.post("/translators", json=body))["id"])

    def translate(self, translator: str, message: dict[str, Any]) -> Any:
        """Translate one message through the HTTP API; the round trip is timed."""
        started = time.perf_counter()
        response = self.client.post(
            f"/translators/{translator}/translate",
            content=orjson.dumps(message),
            headers={"content-type": "application/json"},
        )
        self.round_trips.append(time.perf_counter() - started)
        return self._ok(response)

    def stop(self) -> None:
        """End the child process (SIGTERM, then SIGKILL after 10 s) and wait for it."""
        self.client.close()
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
