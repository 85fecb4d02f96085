"""The fast path of ``POST /api/diagnose`` (plain dicts, one SQL round trip for the caller)
gives exactly what the documented response model gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_server import RELEASE_A

from raredx.api import _patients as P
from raredx.api._releases import Releases
from raredx.api._schemas import DiagnosisOut, PatientIn


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    mp = pytest.MonkeyPatch()
    mp.setenv("RAREDX_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield Releases(Path(RELEASE_A), {}).load_default()
    mp.undo()


@pytest.mark.parametrize("explain_top", [None, 0, 2])
def test_plain_document_equals_the_response_model(release, explain_top) -> None:  # type: ignore[no-untyped-def]
    pin = PatientIn(present=["HP:0001250", "HP:0000252"], excluded=["HP:0000518"],
                    sex="female", age_years=2.5)
    p = P.patient_from_terms(release, pin)
    fast = P.diagnose_dict(release, p, 5, explain_top)
    model = P.diagnose(release, p, 5, explain_top).model_dump(mode="json")
    assert fast == model
    assert DiagnosisOut.model_validate(fast).model_dump(mode="json") == fast
    explained = [c for c in fast["candidates"] if c["evidence"]]
    assert len(explained) == (5 if explain_top is None else explain_top)


def test_one_pass_validation_still_names_each_bad_term(release) -> None:  # type: ignore[no-untyped-def]
    from raredx.api._errors import ApiError

    pin = PatientIn(present=["HP:0001250", "HP:9999999"], excluded=["nonsense"])
    with pytest.raises(ApiError) as e:
        P.patient_from_terms(release, pin)
    fields = [x["field"] for x in e.value.errors]
    assert fields == ["present[1]", "excluded[0]"]


def test_response_bytes_hold_the_plain_document(release) -> None:  # type: ignore[no-untyped-def]
    import json

    from raredx.api._routes import _json_bytes

    pin = PatientIn(present=["HP:0001250", "HP:0000252", "HP:0002069", "HP:0004322"],
                    excluded=["HP:0000518", "HP:0001249"], sex="male", age_years=0.4)
    p = P.patient_from_terms(release, pin)
    doc = P.diagnose_dict(release, p, 5, None)
    assert json.loads(_json_bytes(doc)) == doc
    doc["candidates"][1]["score"] = float("nan")
    with pytest.raises(ValueError):
        _json_bytes(doc)
