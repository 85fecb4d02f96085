"""Tokens with character offsets, and the normal form (case, plural, light stemming) used to
match words of a note against words of HPO labels and synonyms."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# a word (letters/digits; a hyphenated prefix such as "pre-" or "hypo-" stays with its word,
# as in "pre-auricular") or one punctuation character
_PREFIXES = (
    "pre post ante hyper hypo micro macro peri para intra extra sub supra infra inter non anti "
    "bi tri multi poly mono neuro cardio retro trans semi hemi pseudo"
).split()
# (the lookahead of 2-6 letters and a hyphen only saves trying every prefix at each word: any
# text a prefix matches passes it, so the tokens are the same)
_TOKEN = re.compile(r"(?:(?=[^\W\d_]{2,6}-)(?:" + "|".join(_PREFIXES)
                    + r")-(?=[^\W\d_]))?[^\W_]+|[^\w\s]|_", re.UNICODE | re.IGNORECASE)

# British spellings and their American forms (the ontology mixes both; notes use either)
_SPELLING = (
    ("haem", "hem"), ("aemia", "emia"), ("aemic", "emic"), ("oedem", "edem"), ("oesoph", "esoph"),
    ("foet", "fet"), ("paed", "ped"), ("diarrhoea", "diarrhea"), ("dyspnoea", "dyspnea"),
    ("apnoea", "apnea"), ("gynaec", "gynec"), ("oestr", "estr"), ("coeliac", "celiac"),
    ("ischaem", "ischem"), ("tumour", "tumor"), ("behaviour", "behavior"), ("colour", "color"),
    ("leukaem", "leukem"), ("orthopaed", "orthoped"), ("anaesth", "anesth"), ("odour", "odor"),
    ("fibre", "fiber"), ("centre", "center"), ("litre", "liter"), ("metre", "meter"),
)
_ISE = re.compile(r"(\w{3,})is(e|ed|es|ing|ation|ations)$")

# words that may sit inside a matched phrase but do not identify a term
STOPWORDS = frozenset(
    ["of", "the", "a", "an", "in", "on", "at", "to", "with", "and", "or", "for", "from", "by", "as", "into", "its", "his", "her", "their", "is", "are", "was", "were", "be", "been"]
)
# punctuation that ends a phrase (a term never spans it)
PHRASE_BREAK = frozenset(".,;:!?()[]{}\"|=<>*•")

_IRREGULAR = {
    "feet": "foot", "teeth": "tooth", "children": "child", "vertebrae": "vertebra",
    "nevi": "nevus", "naevi": "nevus", "naevus": "nevus", "bronchi": "bronchus",
    "fungi": "fungus", "foramina": "foramen", "phalanges": "phalanx", "digits": "digit",
    "testes": "testis", "diagnoses": "diagnosis", "men": "man", "women": "woman",
    "lenses": "lens", "ovaries": "ovary", "leukaemia": "leukemia", "anaemia": "anemia",
    "oedema": "edema", "haemorrhage": "hemorrhage", "tumour": "tumor", "tumours": "tumor",
    "oesophagus": "esophagus", "oesophageal": "esophageal", "paediatric": "pediatric",
    "foetal": "fetal", "haematuria": "hematuria", "orthopaedic": "orthopedic",
    "behaviour": "behavior", "behaviours": "behavior", "colour": "color",
    "hypoplastic": "hypoplasia", "aplastic": "aplasia", "dysplastic": "dysplasia",
    "hyperplastic": "hyperplasia", "atrophic": "atrophy", "dystrophic": "dystrophy",
    "sclerotic": "sclerosis", "scoliotic": "scoliosis", "kyphotic": "kyphosis",
    "stenotic": "stenosis", "fibrotic": "fibrosis", "necrotic": "necrosis",
    "cirrhotic": "cirrhosis", "psychotic": "psychosis", "ptotic": "ptosis",
    "cyanotic": "cyanosis", "thrombotic": "thrombosis", "lordotic": "lordosis",
    "ataxic": "ataxia", "anemic": "anemia", "anaemic": "anemia", "dysmorphic": "dysmorphism",
    "hypotonic": "hypotonia", "hypertonic": "hypertonia", "spastic": "spasticity",
    "acrochorda": "acrochordon", "ganglia": "ganglion", "mitochondria": "mitochondrion",
    "phenomena": "phenomenon", "condylomata": "condyloma", "sarcomata": "sarcoma",
    "carcinomata": "carcinoma", "adenomata": "adenoma", "fibromata": "fibroma",
    "obese": "obesity", "deaf": "deafness", "epileptic": "epilepsy", "dystonic": "dystonia",
    # Latin plurals of anatomical nouns ("hypoplastic halluces", "dilated calyces")
    "halluces": "hallux", "pollices": "pollex", "fundi": "fundus", "sulci": "sulcus",
    "villi": "villus", "nuclei": "nucleus", "alveoli": "alveolus", "glomeruli": "glomerulus",
    "calculi": "calculus", "thrombi": "thrombus", "emboli": "embolus", "humeri": "humerus",
    "radii": "radius", "calcanei": "calcaneus", "tali": "talus", "femora": "femur",
    "cortices": "cortex", "apices": "apex", "cervices": "cervix", "thoraces": "thorax",
    "larynges": "larynx", "pharynges": "pharynx", "uteri": "uterus", "septa": "septum",
    "menisci": "meniscus", "lumina": "lumen", "rami": "ramus", "acini": "acinus",
    "calyces": "calyx", "matrices": "matrix", "diverticula": "diverticulum",
    "epithelia": "epithelium", "ostia": "ostium", "cilia": "cilium", "stomata": "stoma",
    "spermatozoa": "spermatozoon", "hematomata": "hematoma", "gyri": "gyrus",
}

# words that mean the same in a phenotype phrase, mapped (in the note and in the ontology alike)
# to one canonical word before stemming: "ocular abnormalities" meets "Abnormality of the eye"
_EQUIVALENT = {
    **dict.fromkeys(("anomaly", "anomalous", "abnormality", "manifestation",
                     "disorder", "disturbance", "involvement"),
                    "abnormal"),
    "multiple": "numerous",
    **dict.fromkeys(("elevated", "raised", "heightened", "elevation"), "increased"),
    **dict.fromkeys(("reduced", "diminished", "lowered", "reduction", "diminution"), "decreased"),
    **dict.fromkeys(("ocular", "ophthalmic", "ophthalmologic", "ophthalmological"), "eye"),
    **dict.fromkeys(("cutaneous", "dermal", "dermatologic", "dermatological"), "skin"),
    "neurological": "nervous", "neurologic": "nervous", "neural": "nervous",
    "renal": "kidney", "hepatic": "liver", "cardiac": "heart", "auditory": "hearing",
    "otic": "ear", "aural": "ear", "articular": "joint", "facial": "face", "dental": "tooth",
    "oral": "mouth", "nasal": "nose", "labial": "lip", "lingual": "tongue", "palatal": "palate",
    "gingival": "gingiva", "mandibular": "mandible", "maxillary": "maxilla",
    "clavicular": "clavicle", "patellar": "patella", "femoral": "femur", "tibial": "tibia",
    "humeral": "humerus", "vertebral": "vertebra", "skeletal": "skeleton", "muscular": "muscle",
    "gastric": "stomach", "splenic": "spleen", "thoracic": "thorax", "pelvic": "pelvis",
    "retinal": "retina", "corneal": "cornea", "cranial": "skull", "digital": "digit",
    "radial": "radius", "ulnar": "ulna", "fibular": "fibula", "scapular": "scapula",
    "sternal": "sternum", "cerebellar": "cerebellum", "pulmonary": "lung", "axonal": "axon",
    "neuronal": "neuron", "pancreatic": "pancreas", "arterial": "artery", "aortic": "aorta",
    "ventricular": "ventricle", "atrial": "atrium", "intestinal": "intestine", "colonic": "colon",
    "rectal": "rectum", "urethral": "urethra", "ureteral": "ureter", "ureteric": "ureter",
    "vaginal": "vagina", "uterine": "uterus", "ovarian": "ovary", "testicular": "testis",
    "scrotal": "scrotum", "penile": "penis", "palpebral": "eyelid", "scleral": "sclera",
    "conjunctival": "conjunctiva", "tracheal": "trachea", "laryngeal": "larynx",
    "pharyngeal": "pharynx", "bronchial": "bronchus", "phalangeal": "phalanx",
    "calcaneal": "calcaneus", "sacral": "sacrum", "umbilical": "umbilicus",
    # (reviewed from adjective/noun pairs that HPO's own names of one term use alike)
    "epiphyseal": "epiphysis", "metaphyseal": "metaphysis", "diaphyseal": "diaphysis",
    "choroidal": "choroid", "stromal": "stroma", "cystic": "cyst", "cortical": "cortex",
    "thalamic": "thalamus", "pupillary": "pupil", "thymic": "thymus", "septal": "septum",
    "atretic": "atresia", "ectopic": "ectopia", "clitoral": "clitoris", "meatal": "meatus",
    "vermal": "vermis", "calvarial": "calvaria", "placental": "placenta",
    "mitochondrial": "mitochondrion", "genital": "genitalia", "hypothalamic": "hypothalamus",
    "hippocampal": "hippocampus", "mediastinal": "mediastinum", "nasopharyngeal": "nasopharynx",
    "mucosal": "mucosa", "esophageal": "esophagus", "pyloric": "pylorus", "glabellar": "glabella",
    "truncal": "trunk", "acetabular": "acetabulum", "pubic": "pubis", "auricular": "auricle",
    "valvular": "valve", "hiatal": "hiatus", "vascular": "vasculature",
    "developmental": "development", "hypotrophic": "hypoplasia", "hypotrophy": "hypoplasia",
    "absence": "absent", "widened": "wide", "widening": "wide", "broad": "wide",
    "enlarged": "large", "big": "large", "enlargement": "large",
    "agenesis": "absent", "aplasia": "absent",
    "downward": "down", "upward": "up", "dilation": "dilatation", "dilated": "dilatation",
    "underdeveloped": "hypoplasia", "underdevelopment": "hypoplasia", "neoplasia": "neoplasm",
    "intellectual": "intelligence",  # "normal intelligence" vs "Intellectual disability"
    "variability": "variation", "variable": "variation",  # "fibre size variability"
    **dict.fromkeys(("shows", "showed", "showing", "shown", "revealed", "reveals", "revealing",
                     "demonstrated", "demonstrates", "disclosed", "displayed"), "show"),
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
}
# Greek/Latin plurals that the plural rule would get wrong ("exostoses" -> "exostosis"),
# for words of at least 7 letters
_GREEK_PLURAL = (("oses", "osis"), ("yses", "ysis"), ("stases", "stasis"), ("itides", "itis"))

# inflectional endings first (plural), then derivational ones, applied until nothing changes;
# a rule applies only if at least 3 characters remain
_INFLECT = (("ies", "y"), ("sses", "ss"), ("ae", "a"))
_DERIV = (
    "ically", "ical", "ation", "ated", "ities", "ity", "ment", "ness", "ism", "ies",
    "ing", "ed", "ia", "ic", "al", "y", "e",
)
MIN_STEM = 5  # a derivational ending is removed only if this many characters remain


def fold(word: str) -> str:
    """Lower-case, strip accents and hyphens, American spelling (``Ménière`` -> ``meniere``,
    ``Pre-auricular`` -> ``preauricular``, ``haemorrhage`` -> ``hemorrhage``)."""
    w = word.lower().replace("-", "")
    if not w.isascii():
        w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    if "ae" in w or "oe" in w or "our" in w or "bre" in w or "tre" in w:  # every _SPELLING key
        for a, b in _SPELLING:
            if a in w:
                w = w.replace(a, b)
    if "is" in w:
        w = _ISE.sub(r"\1iz\2", w)
    return w


def light(word: str) -> str:
    """Case, accents, plural and the word maps only (no derivational endings).

    >>> light("Ordering"), light("kidneys")
    ('ordering', 'kidney')
    """
    w = fold(word)
    w = _IRREGULAR.get(w, w)
    if len(w) <= 3 or not w.isalpha():
        return w
    if len(w) >= 7 and w.endswith("es"):
        for suf, rep in _GREEK_PLURAL:
            if w.endswith(suf):
                return w[: -len(suf)] + rep
    for suf, rep in _INFLECT:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)] + rep
            break
    else:
        if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
            w = w[:-1]
    w = _IRREGULAR.get(w, w)
    return _EQUIVALENT.get(w, w)


def stem(word: str) -> str:
    """A light, deterministic stemmer: plural and adjective/noun variants meet.

    >>> stem("microcephalic") == stem("microcephaly")
    True
    >>> stem("seizures") == stem("seizure")
    True
    >>> stem("abnormalities") == stem("abnormal")
    True
    """
    w = light(word)
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ified"):  # "calcified" meets "calcification"
        w = w[:-5] + "ification"
    for _ in range(3):
        for suf in _DERIV:
            if w.endswith(suf) and len(w) - len(suf) >= MIN_STEM:
                w = w[: -len(suf)]
                break
        else:
            break
    return w


class Token(NamedTuple):
    """A word or punctuation character and its offsets (``end`` exclusive). A named tuple
    (immutable, compared by value), which is cheap to make: a note has many."""

    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


_new_tuple = tuple.__new__


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words and punctuation of ``text`` in order, as :class:`Token` named tuples
    ``(text, start, end)``: the token's characters and its character offsets into ``text``
    (plus ``offset``), ``end`` exclusive.

    >>> tokenize("Short, broad thumbs", 10)[:2]
    [Token(text='Short', start=10, end=15), Token(text=',', start=15, end=16)]
    """
    new, tok = _new_tuple, Token
    if offset:
        return [new(tok, (m.group(), m.start() + offset, m.end() + offset))
                for m in _TOKEN.finditer(text)]
    return [new(tok, (m.group(), *m.span())) for m in _TOKEN.finditer(text)]


def is_abbreviation(word: str) -> bool:
    """An all-capitals token of 2-7 characters with a letter first (``ASD``, ``S3``)."""
    return 2 <= len(word) <= 7 and word[0].isalpha() and word.isupper() and word.isalnum()
