"""schemathesis against the gateway's own OpenAPI schema: no 5xx, every error a problem+json.

Every operation of ``create_app(...).openapi()`` gets requests generated from its schema — valid ones
and ones that break it (schemathesis' examples, coverage and fuzzing phases, seeded, so the run is the
same every time) — sent in process to a gateway with a token configured, on a store seeded through the
API (``gateway_ids``). Path parameters and id fields of bodies are drawn from the generated value or a
real id, so requests reach past "not found" into the stores' and the compilers' code. Each request is
sent with the right token, with none and with a wrong one. Checked on every response:

* no 5xx (schemathesis' ``not_a_server_error``);
* every 4xx is ``application/problem+json`` with ``type``, ``title``, ``status`` (the response's) and
  ``detail``, and ``instance`` is the request's path;
* without the right token, every response is that 401;
* the response conforms to the schema: its status is documented (``status_code_conformance``; every
  operation documents ``4XX`` as problem+json), and its content type, headers and body match what is
  documented for it (``content_type_conformance``, ``response_headers_conformance``,
  ``response_schema_conformance``), and a request that breaks the schema is refused
  (``negative_data_rejection``).

schemathesis 4.32 cannot build a validator for a body holding ``prefixItems`` (the proxies' ``gaps``,
a list of pairs); such bodies are checked with ``jsonschema`` against the same schema instead.

Proxies started with a real translator are pointed at 127.0.0.1 ports nothing listens on and stopped
again; no request leaves the machine.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis.checks import not_a_server_error
from schemathesis.core.errors import InvalidSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.gateway import Settings, create_app
from services.gateway.problems import PROBLEM_JSON
from tests.reliability.conftest import GATEWAY_TOKEN
from tests.servers import free_port

pytestmark = pytest.mark.reliability

RESULTS = """\
| Tried (tests/reliability/test_api_fuzz.py, test_auth.py) | Held |
|---|---|
| schemathesis 4.32 on all 29 operations of the OpenAPI schema, examples + coverage + fuzzing phases \
(12 fuzzed examples per operation, derandomized), valid and schema-breaking requests, ids real or \
made up, with the right token / none / a wrong one (88 tests) | no 5xx; every 4xx problem+json \
(type, title, status, detail); every status, content type, header and body as documented; every \
schema-breaking request refused — after 2 fixes: a correspondence number past SQLite's integer \
range was a 500 (now 422, and the alignment page's offset is bounded alike), and the schema documented 422 as FastAPI's JSON \
HTTPValidationError and no other error (now 422 and 4XX as problem+json) |
| every route of the app (OpenAPI operations + router walk: 34 HTTP method/path pairs besides \
/health and the WebSocket stream, incl. the review page, its assets, /metrics, /docs, /openapi.json) without a \
token, with a wrong one, with a token plus one character, and ?access_token=wrong on the review \
page | all refused: 401 problem+json with WWW-Authenticate: Bearer, WebSocket closed 1008; the \
right token accepted everywhere; only /health open |
"""
"""What was tried and what held, for ``benchmarks/RESULTS.md``."""

MAX_EXAMPLES = 12
"""Generated requests per operation and credential in the fuzzing phase (explicit examples and the
coverage phase's cases come on top)."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

OPENAPI = create_app(Settings(data_dir=Path("unused"))).openapi()
schema = schemathesis.openapi.from_dict(copy.deepcopy(OPENAPI))

KNOWN: dict[str, list[str]] = {}
"""Real ids of the seeded store (``gateway_ids``), for the generation hooks below."""

_PATH_KINDS = {
    "model_id": "model",
    "alignment_id": "alignment",
    "cid": "cid",
    "job_id": "job",
    "translator_id": "translator",
    "proxy_id": "proxy",
}
_BODY_KINDS = {
    "source": "model",
    "target": "model",
    "seeds": "alignment",
    "alignment": "alignment",
    "translator": "translator",
    "object_id": "node",
}
_URL_FIELDS = ("source", "serve", "write_to")


def _generated_or_real(value: Any, kind: str) -> st.SearchStrategy[Any]:
    real = KNOWN.get(kind, [])
    if not real:
        return st.just(value)
    if kind == "cid":
        return st.one_of(st.just(value), st.sampled_from([int(c) for c in real]))
    return st.one_of(st.just(value), st.sampled_from(real))


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> st.SearchStrategy[Any]:
    """Each id in the path: the generated value or a real one."""
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            name: _generated_or_real(value, _PATH_KINDS[name]) if name in _PATH_KINDS else st.just(value)
            for name, value in path_parameters.items()
        }
    )


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    """Each id field of a JSON or form body: the generated value or a real one. A proxy request with a
    real translator gets 127.0.0.1 endpoints nothing listens on (one with a made-up translator is
    refused before any connection is tried)."""
    if not isinstance(body, dict):
        return st.just(body)
    proxy = context.operation.path == "/proxies"
    fields = {
        name: _generated_or_real(value, _BODY_KINDS[name])
        if name in _BODY_KINDS and not (proxy and name in _URL_FIELDS)
        else st.just(value)
        for name, value in body.items()
    }
    drawn = st.fixed_dictionaries(fields)
    if proxy:
        return drawn.map(_local_endpoints)
    return drawn


def _local_endpoints(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("translator") not in KNOWN.get("translator", []):
        return body
    return {
        name: f"opc.tcp://127.0.0.1:{free_port()}"
        if name in _URL_FIELDS and isinstance(value, str)
        else value
        for name, value in body.items()
    }


@pytest.fixture(scope="module", autouse=True)
def _known_ids(gateway_ids: dict[str, list[str]]) -> Iterator[None]:
    KNOWN.update(gateway_ids)
    yield
    KNOWN.clear()


def send(client: TestClient, case: schemathesis.Case, credential: str | None) -> httpx.Response:
    """Send ``case`` in process with the given bearer token (or none)."""
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
    headers = {k: v for k, v in kwargs["headers"].items() if k.lower() != "authorization"}
    if credential is not None:
        headers["Authorization"] = f"Bearer {credential}"
    data = kwargs.get("data")
    request = client.build_request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params") or None,
        headers=headers,
        cookies=kwargs.get("cookies") or None,
        json=kwargs.get("json"),
        content=data if isinstance(data, bytes | str) else None,
        data=data if isinstance(data, dict) else None,
        files=[(name, _file(value)) for name, value in kwargs["files"]] if kwargs.get("files") else None,
    )
    request.read()  # a multipart body is a stream; read, the checks can look at what was sent
    return client.send(request)


def _file(value: Any) -> Any:
    """A multipart part as httpx takes it (requests, which schemathesis prepares for, also takes numbers)."""
    if isinstance(value, tuple):
        name, content, *rest = value
        return (name, content if isinstance(content, bytes | str) else str(content), *rest)
    return value


def conforms(case: schemathesis.Case, response: httpx.Response) -> None:
    """The JSON body of ``response`` against the schema its operation documents for its status, checked
    with ``jsonschema`` (Draft 2020-12, which OpenAPI 3.1 uses)."""
    responses = case.operation.definition.raw["responses"]
    documented = responses.get(str(response.status_code)) or responses.get(f"{response.status_code // 100}XX")
    media = response.headers.get("content-type", "").split(";")[0]
    body_schema = (documented or {}).get("content", {}).get(media, {}).get("schema")
    if body_schema is None:
        return
    root = {**body_schema, "components": OPENAPI["components"]}  # "#/components/..." resolves in here
    errors = [e.message for e in Draft202012Validator(root).iter_errors(response.json())]
    assert not errors, errors


def assert_problem(response: httpx.Response) -> None:
    """A 4xx answer is problem+json with the members RFC 9457 names, about this request."""
    assert response.headers.get("content-type", "").startswith(PROBLEM_JSON), (
        f"{response.status_code} {response.headers.get('content-type')}: {response.text[:300]}"
    )
    body = response.json()
    assert isinstance(body, dict), body
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == response.status_code, body
    for member in ("type", "title", "detail"):
        assert isinstance(body[member], str), body
        assert body[member], body
    assert str(body.get("instance", "/")).startswith("/"), body


@pytest.mark.parametrize("credential", ["token", "none", "wrong"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_contract(
    case: schemathesis.Case, credential: str, gateway_client: TestClient, gateway_ids: dict[str, list[str]]
) -> None:
    token = {"token": GATEWAY_TOKEN, "none": None, "wrong": GATEWAY_TOKEN[::-1]}[credential]
    response = send(gateway_client, case, token)
    if credential != "token" and case.path != "/health":
        assert response.status_code == 401, response.text
        assert response.headers.get("www-authenticate") == "Bearer"
    if 400 <= response.status_code < 500:
        assert_problem(response)
    try:
        case.validate_response(response, checks=CHECKS)
    except InvalidSchema:  # schemathesis cannot build a validator for the documented body (see above)
        case.validate_response(response, checks=[c for c in CHECKS if c is not response_schema_conformance])
        conforms(case, response)
    if case.path == "/proxies" and case.method == "POST" and response.status_code == 201:
        stopped = gateway_client.delete(
            f"/proxies/{response.json()['id']}", headers={"Authorization": f"Bearer {GATEWAY_TOKEN}"}
        )
        assert stopped.status_code == 204, stopped.text


def test_the_fuzzed_store_still_answers(
    gateway_client: TestClient, gateway_ids: dict[str, list[str]]
) -> None:
    """After the fuzzing, the seeded alignment and translator still read back (the store is usable)."""
    auth = {"Authorization": f"Bearer {GATEWAY_TOKEN}"}
    alignment = gateway_client.get(f"/alignments/{gateway_ids['alignment'][0]}", headers=auth)
    assert alignment.status_code == 200, alignment.text
    assert gateway_client.get(f"/translators/{gateway_ids['translator'][0]}", headers=auth).status_code == 200
