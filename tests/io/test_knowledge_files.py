"""Knowledge files that are not what they claim (garbage, truncated, foreign) are a
KnowledgeError naming the file, never a traceback or a silently partial ontology."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from raredx.errors import KnowledgeError
from raredx.io import load_knowledge, read_obo

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini_release"


def copy_release(tmp_path: Path) -> Path:
    d = tmp_path / "release"
    shutil.copytree(MINI, d)
    return d


@pytest.mark.parametrize("content, message", [
    ("garbage\n", "no \\[Term\\] stanza; not an OBO ontology file"),
    ("[Term]\nname: nameless\n", "\\[Term\\] stanza 1 has no id"),
    ("[Term]\nid: HP:0000001\nname: All\n\n[Term]\nid: HP:0000118\nname: Phenotypic "
     "abnormality\nis_a: HP:0000001\n\n[Term]\nid: HP:0001166\nname: Arachnodactyly\n"
     "is_a: HP:0033127 ! Abnormality of the musculoskeletal system\n",
     "1 is_a parent\\(s\\) are not terms of the file \\(e.g. HP:0033127\\); it is truncated"),
    ("[Term]\nid: HP:0000001\nname: All\n", "no term HP:0000118; not a complete HPO"),
])
def test_a_broken_hp_obo_says_what_is_wrong(tmp_path, content, message):
    p = tmp_path / "hp.obo"
    p.write_text(content)
    with pytest.raises(KnowledgeError, match=message) as ei:
        read_obo(p)
    assert str(p) in str(ei.value)


def test_a_truncated_gzip_hp_obo_is_a_knowledge_error(tmp_path):
    p = tmp_path / "hp.obo.gz"
    p.write_bytes(gzip.compress((MINI / "hp.obo").read_bytes())[:300])
    with pytest.raises(KnowledgeError, match="cannot be read"):
        read_obo(p)


def test_an_hpoa_naming_no_term_of_the_ontology_is_refused(tmp_path):
    d = copy_release(tmp_path)
    lines = (d / "phenotype.hpoa").read_text().splitlines()
    body = [x for x in lines if x and not x.startswith("#") and not x.startswith("database_id")]
    foreign = [("\t".join(c if k != 3 else "HP:9999999" for k, c in enumerate(x.split("\t"))))
               for x in body]
    (d / "phenotype.hpoa").write_text("\n".join(foreign) + "\n")
    with pytest.raises(KnowledgeError, match=f"its {len(foreign)} annotation line\\(s\\) name "
                       "no term of hp.obo"):
        load_knowledge(d, log=lambda m: None)


def test_a_truncated_gzip_hpoa_is_a_knowledge_error(tmp_path):
    d = copy_release(tmp_path)
    hpoa = d / "phenotype.hpoa"
    (d / "phenotype.hpoa.gz").write_bytes(gzip.compress(hpoa.read_bytes())[:200])
    hpoa.unlink()
    with pytest.raises(KnowledgeError, match=r"phenotype.hpoa.gz: cannot be read"):
        load_knowledge(d, log=lambda m: None)
