from __future__ import annotations


def test_descendants_are_the_inverse_of_ancestors(mini_ontology):
    o = mini_ontology
    for i in range(len(o)):
        below = o.descendants(i).tolist()
        assert below == sorted(below) and i in below
        assert below == [j for j in range(len(o)) if i in o.ancestors(j).tolist()]
    root = o.index("HP:0000118")
    assert o.index("HP:0002650") in o.descendants(root).tolist()
    assert o.descendants(o.index("HP:0002650")).tolist() == [o.index("HP:0002650")]
