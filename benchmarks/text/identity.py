"""Identity check for ``raredx.text``: a digest of every mention the extractor finds on fixed
texts, so that a change meant to be output-neutral (speed work) can be shown to be so.

    .venv/bin/python benchmarks/text/identity.py [--data-dir /tmp/inst] [--dump FILE]
        [--expect DIGEST]

Texts: GSC+ dev and test (``../shared/data/text/gsc-plus``, read as ``gsc_plus.py`` reads
them), the hand-written case descriptions (``tests/fixtures/text/case_descriptions.json``) and
the Orphanet definitions of the knowledge base (``KnowledgeBase.orphanet_definitions``), and
the case descriptions and GSC+ dev laid out over lines in six ways (line breaks end clauses),
each extracted with ``normal_findings`` off and on. Every mention contributes its id, label, start,
end, text and the four flags (excluded, uncertain, family, nested), in order; also the word
count and issues of each extraction, and the text index itself (as loaded: after a change to
``raredx.text``'s sources it is rebuilt, since its cache key hashes them). Prints one SHA-256 per corpus and setting and an overall
one; ``--dump`` writes every mention as a line (to ``diff`` two runs); ``--expect`` exits 1
unless the overall digest is the given one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsc_plus import DEFAULT_GSC, read_gsc

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "fixtures" / "text" / "case_descriptions.json"


def corpora(kb, gsc: Path) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for split in ("dev", "test"):
        docs = read_gsc(gsc / f"GSCplus_{split}_gold.tsv")
        out[f"gsc_{split}"] = [(d["id"], d["text"]) for d in docs]
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    out["cases"] = [(c["id"], c["text"]) for c in cases]
    out["orphanet"] = sorted(kb.orphanet_definitions.items())
    # the same paragraphs laid out over lines (none of the texts above has a line break, which
    # ends a clause before a capital, a bullet or a blank line): sentences on lines of their
    # own, with and without their periods, clauses broken after commas, bullets, blank lines, CRLF
    lines = []
    for did, text in out["cases"] + out["gsc_dev"]:
        lines.append((did + "/sentences", text.replace(". ", ".\n")))
        lines.append((did + "/commas", text.replace(", ", ",\n")))
        lines.append((did + "/bullets", "\n- " + text.replace(". ", "\n- ").replace("; ", "\n* ")))
        lines.append((did + "/blank", text.replace(". ", "\n\n").replace(", ", " \n \n")))
        lines.append((did + "/crlf", text.replace(". ", ".\r\n").replace(" and ", "\r\nand ")))
        lines.append((did + "/no-periods", text.replace(". ", "\n").replace("; ", "\n")))
    out["lines"] = lines
    return out


def index_digest(index) -> str:
    """SHA-256 of the text index's contents (every field, dicts and sets sorted)."""
    from dataclasses import fields

    h = hashlib.sha256()
    for f in fields(index):
        v = getattr(index, f.name)
        if isinstance(v, dict):
            v = sorted(v.items())
        elif isinstance(v, (set, frozenset)):
            v = sorted(v)
        h.update(f"{f.name}={v!r}\n".encode())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/inst"))
    ap.add_argument("--gsc", type=Path, default=DEFAULT_GSC)
    ap.add_argument("--dump", type=Path, help="write every mention, one per line")
    ap.add_argument("--expect", help="exit 1 unless the overall digest is this one")
    args = ap.parse_args()

    from raredx.errors import InputError
    from raredx.io import load_knowledge
    from raredx.text import Extractor, load_text_index

    total = hashlib.sha256()
    kb = load_knowledge(args.data_dir, log=lambda s: print(s, file=sys.stderr))
    index = load_text_index(kb)
    print(f"index     {index_digest(index)[:16]}")
    total.update(index_digest(index).encode())
    texts = corpora(kb, args.gsc)
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    for normal in (False, True):
        ex = Extractor(index, normal_findings=normal)
        for name, docs in texts.items():
            h = hashlib.sha256()
            n = 0
            for did, text in docs:
                try:
                    r = ex.extract(text, where=did)
                    rows = [json.dumps([did, m.id, m.label, m.start, m.end, m.text, m.excluded,
                                        m.uncertain, m.family, m.nested], ensure_ascii=False)
                            for m in r.mentions]
                    rows.append(json.dumps([did, "words", r.words, r.characters,
                                            [(i.level.value, i.where, i.message)
                                             for i in r.issues]]))
                except InputError as e:  # part of the output too
                    rows = [json.dumps([did, "error", str(e)])]
                n += len(rows) - 1
                for row in rows:
                    h.update(row.encode("utf-8") + b"\n")
                    if dump:
                        dump.write(f"{int(normal)} {name} {row}\n")
            total.update(h.digest())
            print(f"normal_findings={int(normal)} {name:9s} docs={len(docs):5d} "
                  f"mentions={n:6d} {h.hexdigest()[:16]}")
    if dump:
        dump.close()
    digest = total.hexdigest()
    print(f"overall {digest}")
    if args.expect and digest != args.expect:
        print(f"DIFFERENT from expected {args.expect}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
