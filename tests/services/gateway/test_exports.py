"""The gateway's alignment exports after review, as the SSSOM project's own tools read them."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from lxml import etree

from tests.services.gateway.conftest import matched
from tests.sssompy import rows_as_sssom_py_reads_them, sssom_validate
from translator.alignment.model import Status
from translator.alignment.sssom_read import parse_sssom

pytestmark = pytest.mark.anyio

STATE_B = "nsu=http://tolka.dev/demo/VendorB/;i=6041"
ALIGN = "{http://knowledgeweb.semanticweb.org/heterogeneity/alignment#}"


async def reviewed(client: httpx.AsyncClient) -> tuple[str, list[dict[str, object]]]:
    """A matched alignment whose first pair ana accepted, second bo retargeted, third cy rejected."""
    _, _, alignment = await matched(client)
    cs = (await client.get(f"/alignments/{alignment}")).json()["correspondences"]
    url = f"/alignments/{alignment}/correspondences"
    await client.patch(f"{url}/{cs[0]['id']}", json={"status": "accepted", "who": "ana"})
    await client.patch(f"{url}/{cs[1]['id']}", json={"object_id": STATE_B, "who": "bo"})
    await client.patch(f"{url}/{cs[2]['id']}", json={"status": "rejected", "who": "cy"})
    await client.patch(f"{url}/{cs[3]['id']}", json={"comment": "looks odd", "who": "dee"})
    return alignment, (await client.get(f"/alignments/{alignment}")).json()["correspondences"]


async def test_sssom_export_says_who_decided_and_negates_the_rejection(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    alignment, cs = await reviewed(client)
    response = await client.get(f"/alignments/{alignment}/sssom")
    path = tmp_path / "export.sssom.tsv"
    path.write_bytes(response.content)
    done = sssom_validate(path)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = rows_as_sssom_py_reads_them(path)
    assert len(rows) == len(cs)
    assert f"#mapping_set_id: http://tolka/alignments/{alignment}\n" in response.text
    assert "#mapping_tool: Tolka\n" in response.text

    parsed = parse_sssom(response.text, "export.tsv")
    by_id = dict(zip((c["id"] for c in cs), parsed.correspondences, strict=True))
    accepted, retargeted, rejected, commented = (by_id[c["id"]] for c in cs[:4])
    assert (accepted.status, accepted.reviewer_id, accepted.author_id) == (
        Status.ACCEPTED,
        "http://tolka.dev/user/ana",
        "",
    )
    assert accepted.review_date == accepted.mapping_date  # matched and reviewed today
    assert (retargeted.object_id, retargeted.author_id, retargeted.reviewer_id) == (
        STATE_B,
        "http://tolka.dev/user/bo",
        "http://tolka.dev/user/bo",
    )
    assert rejected.status is Status.REJECTED
    assert rejected.author_id == rejected.reviewer_id == "http://tolka.dev/user/cy"
    assert rejected.confidence == pytest.approx(cs[2]["confidence"])
    assert (commented.reviewer_id, commented.comment) == ("", "looks odd")  # a comment is no decision
    negated = [r for r in rows if r["predicate_modifier"]]
    assert len(negated) == 1
    assert negated[0]["reviewer_id"] == "tolkauser:cy"

    omitted = await client.get(f"/alignments/{alignment}/sssom", params={"rejected": "omit"})
    assert len(parse_sssom(omitted.text, "omitted.tsv")) == len(cs) - 1
    assert (await client.get(f"/alignments/{alignment}/sssom", params={"rejected": "no"})).status_code == 422


async def test_rdf_export_leaves_the_rejection_out_unless_asked(client: httpx.AsyncClient) -> None:
    alignment, cs = await reviewed(client)

    def cells(content: bytes) -> list[etree._Element]:
        return list(etree.fromstring(content).iter(f"{ALIGN}Cell"))

    plain = await client.get(f"/alignments/{alignment}/rdf")
    assert len(cells(plain.content)) == len(cs) - 1
    root = etree.fromstring(plain.content)
    about = root.find(f"{ALIGN}Alignment").get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")  # type: ignore[union-attr]
    assert about == f"http://tolka/alignments/{alignment}"
    marked = await client.get(f"/alignments/{alignment}/rdf", params={"rejected": "keep"})
    assert len(cells(marked.content)) == len(cs)
    assert b"<tolka:status>rejected</tolka:status>" in marked.content
    assert b"<tolka:reviewer>http://tolka.dev/user/cy</tolka:reviewer>" in marked.content


async def test_an_exported_rejection_comes_back_rejected_on_import(client: httpx.AsyncClient) -> None:
    alignment, cs = await reviewed(client)
    record = (await client.get(f"/alignments/{alignment}")).json()
    sssom = await client.get(f"/alignments/{alignment}/sssom")
    imported = await client.post(
        "/alignments/import",
        files={"file": ("decisions.sssom.tsv", sssom.content)},
        data={"source": record["source"], "target": record["target"]},
    )
    again = (await client.get(f"/alignments/{imported.json()['id']}")).json()["correspondences"]
    assert [c["status"] for c in again] == [c["status"] for c in cs]
