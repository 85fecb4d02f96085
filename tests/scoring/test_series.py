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
    ("Marfan syndrome", None),
    ("Chromosome 22q11.2 deletion syndrome", None),
    ("Angelman syndrome", None),
])
def test_series_name(label, series):
    assert series_name(label) == series
