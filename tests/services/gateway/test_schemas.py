"""The API's response models are the store's records: every field once, the store's own left out."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pydantic import TypeAdapter

from services.gateway.records import (
    AlignmentRecord,
    JobRecord,
    JobState,
    ModelRecord,
    ReviewRecord,
    TranslatorRecord,
)
from services.gateway.schemas import AlignmentPublic, JobPublic, ModelPublic, ReviewPublic, TranslatorPublic

RECORDS: list[tuple[Any, Any, set[str]]] = [
    (ModelPublic, ModelRecord("m-1", "m", "m.xml", "nodeset", "t", 3, 2, 1, 0, ("r.xml",)), set()),
    (
        ReviewPublic,
        ReviewRecord(1, "a-1", 0, "ana", "t", "accepted", "proposed", "accepted", "x", "x", ""),
        {"alignment"},
    ),
    (TranslatorPublic, TranslatorRecord("t-1", "a-1", "t", ("n",), {"rules": []}, True), {"accepted_only"}),
    (JobPublic, JobRecord("j-1", "match", JobState.DONE, 1.0, "done", "ok", "t", "t", "a-1"), set()),
]


@pytest.mark.parametrize(("public", "record", "hidden"), RECORDS, ids=[p.__name__ for p, _, _ in RECORDS])
def test_a_response_shows_its_record_but_the_store_s_own_fields(
    public: Any, record: Any, hidden: set[str]
) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(public)
    shown = adapter.dump_python(public.of(record), mode="json")
    fields = [f.name for f in dataclasses.fields(record)]
    assert list(shown) == [name for name in fields if name not in hidden]
    assert list(adapter.json_schema(mode="serialization")["properties"]) == list(shown)


def test_an_alignment_page_is_its_record_and_the_page() -> None:
    record = AlignmentRecord("a-1", "m-1", "m-2", "match", "auto", "t", "j-1", "", 7)
    shown = TypeAdapter(AlignmentPublic).dump_python(
        AlignmentPublic.of(record, total=7, offset=0, limit=None, correspondences=[]), mode="json"
    )
    assert shown == {
        "id": "a-1",
        "source": "m-1",
        "target": "m-2",
        "origin": "match",
        "method": "auto",
        "created": "t",
        "job": "j-1",
        "seeds": "",
        "total": 7,
        "offset": 0,
        "limit": None,
        "correspondences": [],
    }
