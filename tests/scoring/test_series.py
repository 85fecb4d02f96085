"""Named disease series (``raredx.scoring._index.series_name``)."""

from __future__ import annotations

import pytest

from raredx.scoring._index import series_name


@pytest.mark.parametrize(("label", "series"), [
    ("Spermatogenic failure 89", "spermatogenic failure"),
    ("Bleeding disorder, platelet-type, 15", "bleeding disorder, platelet-type"),
    ("Charcot-Marie-Tooth disease, axonal, type 2CC", "charcot-marie-tooth disease, axonal"),
    ("Ehlers-Danlos syndrome, type VII", "ehlers-danlos syndrome"),
    ("Deafness, autosomal recessive 1A", "deafness, autosomal recessive"),
    ("Immunodeficiency 133 with autoimmunity and autoinflammation", "immunodeficiency"),
    ("Spondyloepimetaphyseal dysplasia, Li-Shao-Li type", "spondyloepimetaphyseal dysplasia"),
    ("Epileptic encephalopathy type 2 (fixture)", "epileptic encephalopathy"),
    ("Microcephaly 31, primary, autosomal recessive", "microcephaly"),
    ("Congenital disorder of glycosylation, type IIbb", "congenital disorder of glycosylation"),
    ("Neurodevelopmental disorder with microcephaly, absent speech, and hypotonia",
     "neurodevelopmental disorder"),
    ("Marfan syndrome", None),
    ("Chromosome 22q11.2 deletion syndrome", None),
    ("Angelman syndrome", None),
])
def test_series_name(label, series):
    assert series_name(label) == series


def test_series_members_include_the_unnumbered_founder():
    from types import SimpleNamespace

    from raredx.scoring._index import _series

    labels = ["Birt-Hogg-Dube syndrome", "Birt-Hogg-Dube syndrome 2", "Spermatogenic failure 1",
              "Spermatogenic failure 89", "Marfan syndrome"]
    kb = SimpleNamespace(diseases=[SimpleNamespace(label=x) for x in labels])
    series = _series(kb, [(i,) for i in range(len(labels))])  # type: ignore[arg-type]
    assert series == [(1,), (0,), (3,), (2,), ()]
