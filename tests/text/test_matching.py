"""Dictionary matching: normal forms, word order, specificity, abbreviations, offsets."""

from __future__ import annotations

from raredx.text import name_key, stem


def test_stem_meets_plural_and_adjective_forms():
    assert stem("seizures") == stem("Seizure")
    assert stem("microcephalic") == stem("microcephaly")
    assert stem("abnormalities") == stem("anomaly") == stem("abnormal")
    assert stem("kidneys") == stem("renal")
    assert stem("ataxic") == stem("ataxia")
    assert stem("anomia") != stem("anomaly")


def test_name_key_drops_stopwords_and_punctuation():
    assert sorted(name_key("Abnormality of the kidney")) == sorted(name_key("renal anomaly"))
    assert name_key("VSD") == ("@VSD",)


def test_offsets_are_exact_and_end_exclusive(extractor):
    text = "A boy with seizures and a small head."
    ex = extractor.extract(text)
    got = [(m.id, m.start, m.end, m.text) for m in ex.mentions]
    assert got == [("HP:0001250", 11, 19, "seizures"), ("HP:0000252", 26, 36, "small head")]


def test_offsets_with_non_ascii_text(extractor):
    text = "Ménière-like vertigo; café-au-lait? No: hypotonia — marked."
    ex = extractor.extract(text)
    (m,) = ex.mentions
    assert (m.id, text[m.start:m.end]) == ("HP:0001252", "hypotonia")


def test_plural_adjective_and_word_order_variants(find):
    got = find("Microcephalic, with kidneys were enlarged and loss of hearing.")
    assert got["Microcephalic"].id == "HP:0000252"
    assert got["kidneys were enlarged"].id == "HP:0000105"
    assert got["loss of hearing"].id == "HP:0000365"


def test_longest_and_most_specific_match_wins(find):
    got = find("Sensorineural hearing loss and congenital cataract.")
    assert got["Sensorineural hearing loss"].id == "HP:0000407"
    assert got["congenital cataract"].id == "HP:0000519"
    # the general terms named by their last words are reported as nested mentions only
    assert got["hearing loss"].nested and got["cataract"].nested
    assert not got["Sensorineural hearing loss"].nested


def test_nested_mentions_add_nothing_to_the_patient(extractor):
    ex = extractor.extract("Sensorineural hearing loss. No congenital cataract.")
    nested = [(m.id, m.text) for m in ex.mentions if m.nested]
    assert nested == [("HP:0000365", "hearing loss"), ("HP:0000518", "cataract")]
    assert ex.present() == ["HP:0000407"]
    assert ex.excluded() == ["HP:0000519"]  # not "no cataract": only the congenital kind
    assert ex.as_dict()["terms"][1]["nested"] is True
    # a word-order variant is not nested; neither is a more general head that is not an ancestor
    assert not [m for m in extractor.extract("loss of hearing").mentions if m.nested]


def test_anatomical_adjectives_meet_nouns(find):
    assert find("Renal anomalies were seen.")["Renal anomalies"].id == "HP:0000077"
    assert find("ocular abnormalities")["ocular abnormalities"].id == "HP:0000478"


def test_known_and_ambiguous_abbreviations(find):
    got = find("VSD repaired. ASD suspected by nobody.")
    assert got["VSD"].id == "HP:0001629"
    assert "ASD" not in got  # atrial septal defect or autistic behaviour: left out


def test_clinical_abbreviation_list_is_used(find):
    # "DD" is in raredx's own abbreviation list (data/text_abbreviations.json)
    assert find("Marked DD at 3 years.")["DD"].id == "HP:0001263"
    assert find("dd and Dd are not abbreviations") == {}


def test_abbreviation_defined_in_the_note(find, extractor):
    text = "An atrial septal defect (ASD) was found; the ASD was closed."
    ex = extractor.extract(text)
    assert [(m.id, m.text) for m in ex.mentions] == [
        ("HP:0001631", "atrial septal defect"), ("HP:0001631", "ASD"), ("HP:0001631", "ASD")]


def test_coordinated_modifiers_share_the_head(extractor):
    ex = extractor.extract("He had palmar and plantar pits.")
    got = {(m.id, m.text) for m in ex.mentions}
    assert ("HP:0010612", "plantar pits") in got
    assert ("HP:0010610", "palmar and plantar pits") in got


def test_terms_outside_phenotypic_abnormality_are_not_matched(find):
    assert find("Autosomal dominant inheritance was likely.") == {}


def test_words_across_punctuation_do_not_form_a_term(find):
    got = find("Short; stature normal.")
    assert all(m.id != "HP:0004322" for m in got.values())


def test_present_and_excluded_lists(extractor):
    ex = extractor.extract("Seizures. No ataxia. No seizures at night.")
    assert ex.present() == ["HP:0001250"]
    assert ex.excluded() == ["HP:0001251"]  # seizures are present somewhere: not excluded


def test_british_spelling_and_hyphenated_prefixes(extractor):
    from raredx.text import stem

    assert stem("haemorrhage") == stem("hemorrhage")
    assert stem("generalised") == stem("generalized")
    assert stem("tumours") == stem("tumor")
    assert stem("Pre-auricular") == stem("preauricular")
    text = "A pre-auricular tag; sensorineural hearing loss."
    ex = extractor.extract(text)
    assert [text[m.start:m.end] for m in ex.mentions if not m.nested] == [
        "sensorineural hearing loss"]


def test_stem_meets_derivational_and_greek_plural_forms():
    assert stem("exostoses") == stem("exostosis")
    assert stem("stenoses") == stem("stenosis")
    assert stem("epiphyses") == stem("epiphysis")
    assert stem("dislocated") == stem("dislocation")
    assert stem("duplicated") == stem("duplication")
    assert stem("calcified") == stem("calcification")
    assert stem("lichen") != stem("lichenification")
    assert stem("diseases") == stem("disease")  # an ordinary plural stays ordinary


def test_quantity_and_anatomy_synonyms_meet():
    assert stem("elevated") == stem("raised") == stem("increased")
    assert stem("reduced") == stem("diminished") == stem("decreased")
    assert name_key("radial head dislocation") == name_key("radius head dislocated")
    assert sorted(name_key("Duplication of the 2nd toe")) == sorted(
        name_key("second toe duplicated"))
    assert sorted(name_key("absence of the ulna")) == sorted(name_key("Absent ulna"))


def test_a_conjunct_that_starts_another_mention_is_not_shared(extractor):
    ex = extractor.extract("Renal enlargement and anomaly of the ear.")
    got = {(m.id, m.text) for m in ex.mentions}
    assert got == {("HP:0000105", "Renal enlargement"), ("HP:0000598", "anomaly of the ear")}
    ex = extractor.extract("Renal enlargement and anomaly.")
    got = {(m.id, m.text) for m in ex.mentions}
    assert ("HP:0000077", "Renal enlargement and anomaly") in got



def test_malformation_names_the_morphology_term(find):
    got = find("Malformations of the kidney; renal anomalies; a deformed kidney.")
    assert got["Malformations of the kidney"].id == "HP:0012210"  # Abnormal renal morphology
    assert got["deformed kidney"].id == "HP:0012210"
    assert got["renal anomalies"].id == "HP:0000077"  # Abnormality of the kidney


def test_optional_words_may_be_left_out_or_added(find):
    got = find("Raised serum creatine kinase levels; raised creatine kinase; a parathyroid neoplasm.")
    assert got["Raised serum creatine kinase levels"].id == "HP:0003236"
    assert got["raised creatine kinase"].id == "HP:0003236"
    assert got["parathyroid neoplasm"].id == "HP:0100733"
    assert find("creatine kinase") == {}  # a name keeps at least two words


def test_organ_signs_and_findings_name_its_abnormality(find):
    got = find("Neurological signs and renal findings; cutaneous defects.")
    assert got["Neurological signs"].id == "HP:0000707"
    assert got["renal findings"].id == "HP:0000077"
    assert got["cutaneous defects"].id == "HP:0000951"
    assert find("signs of kidney") == {}  # only in the order "organ signs"


def test_stacked_modifiers_share_the_head(extractor):
    got = {(m.id, m.text) for m in extractor.extract("Short broad thumbs.").mentions}
    assert got == {("HP:0011304", "broad thumbs"), ("HP:0009778", "Short broad thumbs")}
    # not before a name with words between ("abnormal" is never a stacked modifier)
    got = {m.id for m in extractor.extract("abnormal short thumbs").mentions}
    assert got == {"HP:0009778"}


def test_a_name_spans_a_conjunction_only_if_it_has_one(extractor, text_ontology):
    from dataclasses import replace

    from raredx.text import Extractor, build_text_index

    terms = list(text_ontology.terms)
    i = text_ontology.index("HP:0001250")
    terms[i] = terms[i]._replace(synonyms=(*terms[i].synonyms, "Hypotonic seizure"))
    ex = Extractor(build_text_index(replace(text_ontology, terms=terms)))
    got = {(m.id, m.text) for m in ex.extract("hypotonia and seizures; hypotonic seizures").mentions}
    assert got == {("HP:0001252", "hypotonia"), ("HP:0001250", "seizures"),
                   ("HP:0001250", "hypotonic seizures")}


def test_slash_coordinates_like_and(extractor):
    got = {(m.id, m.text) for m in extractor.extract("palmar/plantar pits").mentions}
    assert got == {("HP:0010612", "plantar pits"), ("HP:0010610", "palmar/plantar pits")}


def test_words_that_alone_mean_something_else(find):
    assert find("Negativism at 4 years.")["Negativism"].id == "HP:0410291"
    assert find("Sanger sequencing was negative.") == {}


def test_greek_plurals_and_adjectives_from_the_ontology_meet_nouns():
    assert stem("acrochordons") == stem("Acrochorda")
    assert stem("ganglia") == stem("ganglion")
    assert stem("thymic") == stem("thymus")
    assert stem("epiphyseal") == stem("epiphysis")
    assert stem("dilation") == stem("dilatation")



def test_british_re_spellings_and_absence_words_meet():
    assert stem("fibres") == stem("fiber")
    assert stem("centre") == stem("center")
    assert stem("agenesis") == stem("aplasia") == stem("absent")
    assert sorted(name_key("Congenital absence of the adrenal glands")) == sorted(
        name_key("Congenital adrenal gland agenesis"))


def test_morphology_may_be_left_out_where_three_words_remain(text_ontology):
    from dataclasses import replace

    from raredx.text import Extractor, build_text_index

    terms = list(text_ontology.terms)
    i = text_ontology.index("HP:0012210")
    terms[i] = terms[i]._replace(label="Abnormal renal pelvis morphology")
    ex = Extractor(build_text_index(replace(text_ontology, terms=terms)))
    got = {(m.id, m.text) for m in ex.extract("abnormality of the renal pelvis").mentions}
    assert ("HP:0012210", "abnormality of the renal pelvis") in got
    # two words would be too general a name: "abnormal renal" stays the broader term
    assert {m.id for m in ex.extract("renal abnormality").mentions} == {"HP:0000077"}
