"""Hostile uploads, through the gateway (in process) and through ``adapters.load``: external entities,
entity bombs, compressed bodies, oversized files and path tricks in file names are refused with a
problem+json 4xx (or the right TolkaError); nothing is written outside the store's data folder,
nothing is read from outside, and a refused upload leaves the store as it was."""

from __future__ import annotations

import gzip
import http.server
import tempfile
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from fastapi import FastAPI

from adapters import load
from services.gateway import Settings, create_app
from tests.paths import PLANT, VENDOR_B
from translator.errors import InputTooLargeError, ParseError, TolkaError, UnsafeInputError

pytestmark = [pytest.mark.reliability, pytest.mark.anyio]

LIMIT = 256 * 1024
"""The gateway's upload limit in these tests."""

_UA = b'<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd">'


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY x "fetched">')

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def input_listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request: (base URL, paths requested)."""
    hits: list[str] = []
    handler = type("Recorder", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def hostile_documents(url: str) -> dict[str, tuple[str, bytes]]:
    """Name → (file name, content) of every hostile document."""
    passwd_entity = b'<!DOCTYPE UANodeSet [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    laughs = b"".join(
        b'<!ENTITY l%d "%s">' % (k, (b"&l%d;" % (k - 1)) * 10 if k else b"lol") for k in range(10)
    )
    quadratic = b'<!ENTITY a "' + b"x" * 4000 + b'">'
    rdf = b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
    return {
        "xxe-file-nodeset": (
            "a.xml",
            passwd_entity + _UA + b"<NamespaceUris><Uri>&x;</Uri></NamespaceUris></UANodeSet>",
        ),
        "xxe-http-nodeset": (
            "a.xml",
            b'<!DOCTYPE UANodeSet [<!ENTITY x SYSTEM "'
            + url.encode()
            + b'/xxe">]>\n'
            + _UA
            + b"<NamespaceUris><Uri>&x;</Uri></NamespaceUris></UANodeSet>",
        ),
        "xxe-file-rdfxml": (
            "a.rdf",
            b'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            + rdf
            + b'<e:C rdf:about="http://e/c"><e:p>&x;</e:p></e:C></rdf:RDF>',
        ),
        "xxe-parameter-entity": (
            "a.rdf",
            b'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "'
            + url.encode()
            + b'/dtd"> %p;]>\n'
            + rdf
            + b"</rdf:RDF>",
        ),
        "external-dtd": (
            "a.xml",
            b'<!DOCTYPE UANodeSet SYSTEM "' + url.encode() + b'/dtd">\n' + _UA + b"</UANodeSet>",
        ),
        "billion-laughs": (
            "a.xml",
            b"<!DOCTYPE UANodeSet ["
            + laughs
            + b"]>\n"
            + _UA
            + b"<Aliases><Alias Alias='x'>&l9;</Alias></Aliases></UANodeSet>",
        ),
        "quadratic-blowup": (
            "a.rdf",
            b"<!DOCTYPE rdf:RDF ["
            + quadratic
            + b"]>\n"
            + rdf
            + b'<e:C rdf:about="http://e/c"><e:p>'
            + b"&a;" * 50_000
            + b"</e:p></e:C></rdf:RDF>",
        ),
        "quadratic-blowup-nodeset": (
            "a.xml",
            b"<!DOCTYPE UANodeSet ["
            + quadratic
            + b"]>\n"
            + _UA
            + b"<NamespaceUris><Uri>"
            + b"&a;" * 50_000
            + b"</Uri></NamespaceUris></UANodeSet>",
        ),
        "jsonld-remote-context-file": (
            "a.jsonld",
            b'{"@context": "file:///etc/passwd", "@id": "http://e/x"}',
        ),
        "jsonld-remote-context-http": (
            "a.jsonld",
            b'{"@context": ["' + url.encode() + b'/ctx", {"@vocab": "http://e/"}], "@id": "http://e/x"}',
        ),
    }


HOSTILE = sorted(hostile_documents("http://127.0.0.1:9"))


def tree(root: Path) -> dict[str, int]:
    """Every file under ``root`` and its size."""
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def input_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the store's data folder and the temporary folder uploads are loaded in."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return tmp_path


@pytest.fixture
async def input_gateway(input_sandbox: Path) -> AsyncIterator[FastAPI]:
    app = create_app(Settings(data_dir=input_sandbox / "data", max_upload_bytes=LIMIT))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def input_client(input_gateway: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=input_gateway)
    async with httpx.AsyncClient(transport=transport, base_url="http://tolka") as client:
        yield client


class StoreWatch:
    """The store's models and every file of the sandbox, before an upload, to compare after."""

    def __init__(self, client: httpx.AsyncClient, sandbox: Path) -> None:
        self.client, self.sandbox = client, sandbox

    async def __aenter__(self) -> StoreWatch:
        self.models = (await self.client.get("/models")).json()
        self.files = tree(self.sandbox)
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass

    async def assert_unchanged(self) -> None:
        assert (await self.client.get("/models")).json() == self.models
        after = tree(self.sandbox)
        outside = {k for k in after.keys() ^ self.files.keys() if not k.startswith("data/")}
        assert not outside, f"files appeared or vanished outside the data folder: {outside}"
        sqlite = {k for k in after.keys() - self.files.keys() if not k.endswith(("-wal", "-shm", "-journal"))}
        assert not sqlite, f"new files in the data folder: {sqlite}"


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, object]:
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, object] = response.json()
    assert body["status"] == response.status_code
    assert body["detail"]
    return body


@pytest.mark.parametrize("case", HOSTILE)
async def test_hostile_xml_and_jsonld_uploads_are_refused(
    input_client: httpx.AsyncClient,
    input_sandbox: Path,
    input_listener: tuple[str, list[str]],
    case: str,
) -> None:
    url, hits = input_listener
    name, content = hostile_documents(url)[case]
    async with StoreWatch(input_client, input_sandbox) as watch:
        response = await input_client.post("/models", files={"file": (name, content)})
        body = assert_problem(response, 400, 413, 422)
        await watch.assert_unchanged()
    assert "root:" not in str(body), "the content of /etc/passwd came back"
    assert not hits, f"the gateway fetched {hits}"


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_documents_raise_unsafe_input_errors_from_load(
    tmp_path: Path, input_listener: tuple[str, list[str]], case: str
) -> None:
    url, hits = input_listener
    name, content = hostile_documents(url)[case]
    path = tmp_path / name
    path.write_bytes(content)
    # expat and libxml2 stop a quadratic blow-up themselves ("amplification factor"): a ParseError
    refused = (UnsafeInputError, ParseError) if case.startswith("quadratic") else UnsafeInputError
    with pytest.raises(refused) as caught:
        load(path)
    assert caught.value.source == str(path)
    assert not hits, f"the adapter fetched {hits}"


async def test_an_upload_over_the_limit_is_refused(
    input_client: httpx.AsyncClient, input_sandbox: Path
) -> None:
    content = PLANT.read_bytes() + b"\n# padding\n" * (LIMIT // 10)
    async with StoreWatch(input_client, input_sandbox) as watch:
        body = assert_problem(await input_client.post("/models", files={"file": ("big.ttl", content)}), 413)
        await watch.assert_unchanged()
    assert "limit" in str(body["detail"])


def test_a_file_over_the_limit_is_refused_by_load(tmp_path: Path) -> None:
    path = tmp_path / "big.ttl"
    path.write_bytes(PLANT.read_bytes())
    with pytest.raises(InputTooLargeError):
        load(path, max_bytes=1024)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_compressed_bomb_body_is_refused_without_expanding(
    input_client: httpx.AsyncClient, input_sandbox: Path, encoding: str
) -> None:
    # a multipart upload whose body, once expanded, is 1 GiB: about 1 MiB on the wire
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
    head = b'--tolkabomb\r\nContent-Disposition: form-data; name="file"; filename="m.jsonl"\r\n\r\n'
    parts = [squeeze.compress(head)]
    zeros = b"0" * (1 << 20)
    parts += [squeeze.compress(zeros) for _ in range(1024)]
    parts.append(squeeze.compress(b"\r\n--tolkabomb--\r\n") + squeeze.flush())
    body = b"".join(parts)
    assert len(body) < 2 << 20  # > 500x expansion
    headers = {"Content-Type": "multipart/form-data; boundary=tolkabomb", "Content-Encoding": encoding}
    async with StoreWatch(input_client, input_sandbox) as watch:
        response = await input_client.post("/models", content=body, headers=headers)
        assert_problem(response, 400, 411, 413, 415, 422)
        await watch.assert_unchanged()


async def test_a_compressed_model_file_is_not_expanded(
    input_client: httpx.AsyncClient, input_sandbox: Path
) -> None:
    bomb = gzip.compress(b"0" * (64 << 20), compresslevel=9)  # 64 MiB of zeros in ~64 KiB
    async with StoreWatch(input_client, input_sandbox) as watch:
        response = await input_client.post("/models", files={"file": ("m.jsonl.gz", bomb)})
        assert_problem(response, 400, 415, 422)
        response = await input_client.post("/models", files={"file": ("m.jsonl", bomb)})
        assert_problem(response, 400, 415, 422)
        await watch.assert_unchanged()


TRICKY_NAMES = [
    "../../etc/passwd",
    "../../../../tmp/tolka-escape.xml",
    "/etc/passwd",
    "/tmp/tolka-escape.xml",
    "..\\..\\windows\\system32\\x.xml",
    "C:\\Windows\\system32\\x.xml",
    "C:x.xml",
    "x.xml\0.txt",
    "\0",
    "..",
    ".",
    "a" * 10_000 + ".xml",
    "CON.xml",
]


@pytest.mark.parametrize("name", TRICKY_NAMES, ids=range(len(TRICKY_NAMES)))
async def test_path_tricks_in_file_names_stay_in_the_store(
    input_client: httpx.AsyncClient, input_sandbox: Path, name: str
) -> None:
    before = tree(input_sandbox)
    response = await input_client.post("/models", files={"file": (name, VENDOR_B.read_bytes())})
    if response.status_code != 201:
        assert_problem(response, 400, 413, 415, 422)
    else:
        model = (await input_client.get(f"/models/{response.json()['id']}")).json()
        stored = str(model.get("filename", ""))
        assert stored, model
        assert "/" not in stored, stored
        assert "\\" not in stored, stored
        assert "\0" not in stored, stored
        assert stored not in ("..", "."), stored
    after = tree(input_sandbox)
    outside = {k for k in after.keys() ^ before.keys() if not k.startswith("data/")}
    assert not outside, f"written outside the data folder: {outside}"
    assert not Path("/tmp/tolka-escape.xml").exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini"])
async def test_a_refused_upload_with_a_tricky_name_changes_nothing(
    input_client: httpx.AsyncClient, input_sandbox: Path, name: str
) -> None:
    async with StoreWatch(input_client, input_sandbox) as watch:
        response = await input_client.post("/models", files={"file": (name, b"<UANodeSet>broken")})
        body = assert_problem(response, 400, 415, 422)
        await watch.assert_unchanged()
    assert "root:" not in str(body)


def test_hostile_documents_are_tolka_errors_even_by_forced_format(
    tmp_path: Path, input_listener: tuple[str, list[str]]
) -> None:
    url, hits = input_listener
    for case, (name, content) in hostile_documents(url).items():
        path = tmp_path / name
        path.write_bytes(content)
        fmt = {"a.xml": "nodeset", "a.rdf": "rdfxml", "a.jsonld": "jsonld"}[name]
        with pytest.raises(TolkaError):
            load(path, format=fmt)
        assert not hits, (case, hits)
