"""Terms stated in Orphanet's definitions describe diseases, also under leave-publication-out.

The mini release (tests/fixtures/mini_release) gets a hand-written product1 here: ORPHA:900002
maps exactly to OMIM:600002, whose every own annotation cites PMID:3000003, and defines it as a
disorder with ectopia lentis and scoliosis, without seizures; an Orphanet synonym names myopia.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from importlib import resources

import pytest

PRODUCT1 = """<?xml version="1.0" encoding="UTF-8"?>
<JDBOR date="2099-01-01 00:00:00" version="fixture">
  <DisorderList count="2">
    <Disorder id="1">
      <OrphaCode>900002</OrphaCode>
      <Name lang="en">Congenital lens-valve syndrome (fixture)</Name>
      <SynonymList count="1">
        <Synonym lang="en">Lens-valve syndrome with myopia</Synonym>
      </SynonymList>
      <ExternalReferenceList count="1">
        <ExternalReference id="11">
          <Source>OMIM</Source>
          <Reference>600002</Reference>
          <DisorderMappingRelation id="21">
            <Name lang="en">E (Exact mapping: the two concepts are equivalent)</Name>
          </DisorderMappingRelation>
        </ExternalReference>
      </ExternalReferenceList>
      <SummaryInformationList count="1">
        <SummaryInformation id="2" lang="en">
          <TextSectionList count="1">
            <TextSection id="3" lang="en">
              <TextSectionType id="16907"><Name lang="en">Definition</Name></TextSectionType>
              <Contents>A rare disorder characterized by &lt;i&gt;ectopia lentis&lt;/i&gt; and
 scoliosis. Patients have no seizures. Some patients may show joint hypermobility.</Contents>
            </TextSection>
          </TextSectionList>
        </SummaryInformation>
      </SummaryInformationList>
    </Disorder>
    <Disorder id="4">
      <OrphaCode>900003</OrphaCode>
      <Name lang="en">Undefined entry (fixture)</Name>
    </Disorder>
  </DisorderList>
</JDBOR>
"""

LEFT_OUT = "PMID:3000003"  # every own annotation of OMIM:600002 cites it


@pytest.fixture(scope="module")
def release(tmp_path_factory, mini_release):
    d = tmp_path_factory.mktemp("release_with_definitions")
    for name in ("hp.obo", "phenotype.hpoa"):
        shutil.copy(mini_release / name, d / name)
    (d / "en_product1.xml").write_text(PRODUCT1)
    return d


def _weights(tmp_path, definition_frequency: float):
    model = json.loads(resources.files("raredx").joinpath("data/phenotype_model.json").read_text())
    model["parameters"]["definition_frequency"] = definition_frequency
    path = tmp_path / f"weights-{definition_frequency}.json"
    path.write_text(json.dumps(model))
    return path


def _engine(release, weights):
    from raredx.engine import EngineConfig, build_engine

    return build_engine(EngineConfig(release, weights), log=lambda _m: None)


def test_definition_is_read_as_plain_text(raredx_cache, release):
    from raredx.io import load_knowledge

    kb = load_knowledge(release, log=lambda _m: None)
    text = kb.orphanet_definitions["ORPHA:900002"]
    assert text == ("A rare disorder characterized by ectopia lentis and scoliosis. "
                    "Patients have no seizures. Some patients may show joint hypermobility.")
    assert "ORPHA:900003" not in kb.orphanet_definitions


def test_definition_terms_are_the_stated_present_features(raredx_cache, release):
    from raredx.io import load_knowledge
    from raredx.scoring import definition_terms

    kb = load_knowledge(release, log=lambda _m: None)
    terms = definition_terms(kb)
    onto = kb.ontology
    # the last feature is stated of some patients only
    assert {onto.terms[t].id: hedged for t, hedged in terms["ORPHA:900002"]} == {
        "HP:0001083": False, "HP:0002650": False, "HP:0001382": True}


def test_definition_describes_a_disease_whose_annotations_are_left_out(
        raredx_cache, release, tmp_path):
    patient_terms = ["HP:0001083", "HP:0002650"]
    scores = {}
    for f in (0.0, 0.5):
        engine = _engine(release, _weights(tmp_path, f))
        patient = replace(engine.patient(patient_terms), publications=(LEFT_OUT,))
        d = engine.diagnose(patient, top=10, leave_publication_out=True)
        c = next(c for c in d.candidates if c.disease_id == "OMIM:600002")
        scores[f] = c
    # without the definition, the left-out disease explains neither feature; with it, both
    without, with_def = scores[0.0], scores[0.5]
    assert with_def.score > without.score
    explained = {e.term for e in with_def.evidence if e.log10_lr > 0}
    assert explained == set(patient_terms)
    ev = next(e for e in with_def.evidence if e.term == "HP:0002650")
    assert ev.frequency == pytest.approx(0.5)
    assert ev.source.value == "orphanet-definition"


def test_orphanet_synonyms_name_terms_of_the_mapped_omim_disease(raredx_cache, release):
    from raredx.engine import EngineConfig, build_engine

    engine = build_engine(EngineConfig(release), log=lambda _m: None)  # the packaged weights
    assert engine.knowledge.orphanet_synonyms["ORPHA:900002"] == ("Lens-valve syndrome with myopia",)
    patient = replace(engine.patient(["HP:0000545"]), publications=(LEFT_OUT,))
    d = engine.diagnose(patient, top=10, leave_publication_out=True)
    c = next(c for c in d.candidates if c.disease_id == "OMIM:600002")
    ev = next(e for e in c.evidence if e.term == "HP:0000545")
    assert ev.kind.value == "exact" and ev.source.value == "disease-name"
