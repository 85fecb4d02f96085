"""The plain records that `raredx diagnose` and the API attach to each candidate."""

from raredx.therapy import treatments_as_dicts


def test_sma_type_1_lists_its_approved_treatments():
    recs = treatments_as_dicts("OMIM:253300")
    names = {r["therapy"] for r in recs}
    assert {"nusinersen", "risdiplam", "onasemnogene abeparvovec"} <= names
    for r in recs:
        assert r["agency"] and r["date"] and r["modality"] and r["source"]


def test_equivalent_ids_are_used_and_unknown_diseases_have_none():
    assert treatments_as_dicts("OMIM:999999") == []
    assert treatments_as_dicts("OMIM:999999", equivalents=("OMIM:253300",))
