"""The HTTP API routes (adapters: they validate, call the engine, store, and answer)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from raredx import __version__ as engine_version
from raredx.api import _patients as P
from raredx.api import _ratelimit as ratelimit
from raredx.api._deps import (
    SESSION_COOKIE,
    credential_given,
    current_user,
    get_db,
    principal,
    release,
    releases,
)
from raredx.api._errors import ApiError
from raredx.api._report import render_html, render_pdf
from raredx.api._schemas import (
    EXPLAIN_TOP,
    AnalyseIn,
    AnalysisOut,
    AnalysisSummary,
    AnnotationOut,
    AnsweredOut,
    AnswerIn,
    CaseIn,
    CaseListItem,
    CaseOut,
    CaseUpdate,
    DiagnoseIn,
    DiagnosisOut,
    DiffOut,
    DiseaseOut,
    ExplainIn,
    ExplainOut,
    LoginIn,
    PatientIn,
    QuestionsIn,
    QuestionsOut,
    TermOut,
    UserOut,
)
from raredx.errors import InputError
from raredx.store import (
    Analysis,
    ApiToken,
    Case,
    CaseFile,
    User,
    WebSession,
    hash_secret,
    new_secret,
    verify_password,
)
from raredx.therapy import treatments_as_dicts

router = APIRouter(prefix="/api")
DB = Annotated[Session, Depends(get_db)]


def _user(request: Request, s: DB) -> User:
    return current_user(request, s)


CurrentUser = Annotated[User, Depends(_user)]
# endpoints that check the caller in their handler: 401 before body validation (422)
_SIGNED_IN = [Depends(credential_given)]


# -- service -------------------------------------------------------------------------------
@router.get("/health", tags=["service"])
def health(request: Request) -> dict[str, Any]:
    """Liveness: the default release is loaded and the database answers."""
    with request.app.state.db.engine.connect() as c:
        c.exec_driver_sql("SELECT 1")
    return {"status": "ok", "releases": releases(request).names()}


@router.get("/releases", tags=["service"])
def list_releases(request: Request, _u: CurrentUser) -> list[dict[str, Any]]:
    rs = releases(request)
    out = []
    for n in rs.names():
        r = rs._loaded.get(n)
        out.append({"name": n, "default": n == rs.names()[0],
                    "knowledge": r.versions if r else None})
    return out


# -- sign-in ---------------------------------------------------------------------------------
@router.post("/login", tags=["auth"], responses={429: {
    "description": "Too many failed attempts for this account or from this address"}})
def login(body: LoginIn, request: Request, response: Response, s: DB) -> UserOut:
    """Open a browser session. The password is the user's password or one of their API tokens.

    Rate limited: after ``RAREDX_LOGIN_MAX_FAILURES`` (10) failed attempts within
    ``RAREDX_LOGIN_WINDOW_SECONDS`` (15 minutes) for one account or from one client address,
    the answer is 429 with ``Retry-After`` (seconds)."""
    settings = request.app.state.settings
    keys = ratelimit.login_keys(body.username, request.client.host if request.client else None)
    ratelimit.check(s, keys, settings.login_max_failures, settings.login_window_seconds)
    user = s.scalars(select(User).where(User.name == body.username)).first()
    ok = False
    if user is not None:
        ok = verify_password(body.password, user.password_hash)
        if not ok:
            tok = s.scalars(select(ApiToken).where(
                ApiToken.token_hash == hash_secret(body.password))).first()
            ok = tok is not None and tok.user_id == user.id and tok.revoked_at is None
    if not ok:
        ratelimit.record_failure(s, keys, settings.login_window_seconds)
        raise ApiError(401, "Wrong user name or password.", "password")
    ratelimit.clear_account(s, keys[0])
    secret = new_secret()
    hours = settings.session_hours
    s.add(WebSession(user_id=user.id, session_hash=hash_secret(secret),  # type: ignore[union-attr]
                     expires_at=datetime.now(UTC) + timedelta(hours=hours)))
    s.commit()
    response.set_cookie(SESSION_COOKIE, secret, max_age=int(hours * 3600), httponly=True,
                        secure=settings.secure_cookies, samesite="strict", path="/")
    return UserOut(name=user.name, team=user.team)  # type: ignore[union-attr]


@router.post("/logout", tags=["auth"])
def logout(request: Request, response: Response, s: DB) -> dict[str, str]:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        row = s.scalars(select(WebSession).where(
            WebSession.session_hash == hash_secret(cookie))).first()
        if row is not None:
            s.delete(row)
            s.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"status": "signed out"}


@router.get("/me", tags=["auth"])
def me(user: CurrentUser) -> UserOut:
    return UserOut(name=user.name, team=user.team)


# -- knowledge -------------------------------------------------------------------------------
@router.get("/terms", tags=["knowledge"])
def search_terms(request: Request, _u: CurrentUser,
                 q: Annotated[str, Query(max_length=200)] = "",
                 limit: Annotated[int, Query(ge=1, le=50)] = 10,
                 release_name: Annotated[str | None, Query(alias="release")] = None,
                 ) -> list[TermOut]:
    """HPO phenotype terms matching ``q`` (labels and synonyms, typo tolerant) or an HP id."""
    r = release(request, release_name)
    return [TermOut(id=h.id, label=h.label, matched_synonym=h.matched, score=h.score)
            for h in r.search.search(q, limit)]


@router.get("/terms/{term_id}", tags=["knowledge"])
def term(term_id: str, request: Request, _u: CurrentUser,
         release_name: Annotated[str | None, Query(alias="release")] = None) -> dict[str, Any]:
    r = release(request, release_name)
    onto = r.engine.knowledge.ontology
    cur, _how = onto.resolve(term_id)
    if cur is None:
        raise ApiError(404, f"{term_id} is not a term of HPO {onto.version}.")
    i = onto.index(cur)
    t = onto.terms[i]
    return {"id": t.id, "label": t.label, "synonyms": list(t.synonyms),
            "definition": t.definition,
            "parents": [{"id": onto.ids[p], "label": onto.terms[p].label}
                        for p in onto.parents[i]],
            "release": r.name}


def _xref_groups(ids: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for x in ids:
        prefix = x.split(":", 1)[0].upper()
        key = {"ICD10": "ICD-10", "ICD-10": "ICD-10", "ICD11": "ICD-11", "ICD-11": "ICD-11",
               "ORPHANET": "ORPHA"}.get(prefix, prefix)
        if x not in groups.setdefault(key, []):
            groups[key].append(x)
    return groups


@router.get("/diseases/{disease_id}", tags=["knowledge"])
def disease(disease_id: str, request: Request, _u: CurrentUser,
            release_name: Annotated[str | None, Query(alias="release")] = None) -> DiseaseOut:
    """A disease: its annotations with frequencies, onset, inheritance and cross-references."""
    r = release(request, release_name)
    kb = r.engine.knowledge
    i = kb.disease_index(disease_id)
    if i is None:
        raise ApiError(404, f"{disease_id} is not a disease of this knowledge release "
                       f"({r.name}).")
    d = kb.diseases[i]
    onto = kb.ontology
    t = kb.annotations
    rows = (t.disease == i).nonzero()[0].tolist()
    anns = [AnnotationOut(term=onto.ids[int(t.term[k])], label=onto.terms[int(t.term[k])].label,
                          frequency=None if t.freq[k] != t.freq[k] else float(t.freq[k]),
                          negated=bool(t.negated[k]), references=list(t.refs[k])) for k in rows]
    anns.sort(key=lambda a: (a.negated, -(a.frequency if a.frequency is not None else 0.5),
                             a.label))
    equivalents = list(kb.equivalents.get(d.id, ()))
    xrefs = [d.id, *equivalents, *d.xrefs]
    for o in [d.id, *equivalents]:
        xrefs.extend(kb.orphanet_xrefs.get(o, ()))
    course = kb.course.get(d.id)
    genes = releases(request).genes()
    gene_list = []
    if genes is not None:
        for gi in genes.disease_genes.get(d.id, ()):
            gene_list.append({"symbol": genes.genes[gi].symbol, "hgnc_id": genes.genes[gi].hgnc_id})
    return DiseaseOut(
        genes=gene_list,
        id=d.id, label=d.label, release=r.name, knowledge=r.versions,
        cross_references=_xref_groups(xrefs), equivalent_ids=equivalents,
        onsets=[{"id": x, "label": onto.label(x)} for x in sorted(course.onsets)] if course else [],
        inheritance=[{"id": x, "label": onto.label(x)} for x in sorted(course.inheritance)]
        if course else [],
        annotations=anns,
        treatments=treatments_as_dicts(d.id, equivalents),
    )


@router.get("/genes/{gene}", tags=["knowledge"])
def gene_page(gene: str, request: Request, _u: CurrentUser,
              release_name: Annotated[str | None, Query(alias="release")] = None
              ) -> dict[str, Any]:
    """A gene (approved symbol, HGNC id or unambiguous alias): identity, location, its diseases
    (with their inheritance for this gene) and the phenotype terms HPO links to it."""
    genes = releases(request).genes()
    if genes is None:
        raise ApiError(404, "This server has no gene knowledge configured (--genes-dir).")
    g = genes.gene(gene) if gene.startswith("HGNC:") else (
        genes.gene(gene) if genes.gene(gene) is not None else genes.gene(gene.upper()))
    if g is None:
        rel = genes.versions.get("release", "")
        raise ApiError(404, f"{gene} is not a gene of the gene knowledge ({rel}).")
    info = genes.genes[g]
    r = release(request, release_name)
    kb = r.engine.knowledge
    onto = kb.ontology
    diseases = []
    for did in genes.gene_diseases.get(g, ()):
        i = kb.disease_index(did)
        diseases.append({"id": did, "label": kb.diseases[i].label if i is not None else "",
                         "inheritance": [{"id": x, "label": onto.label(x)} for x in sorted(
                             genes.pair_inheritance.get((g, did), ()))],
                         "in_release": i is not None})
    return {"symbol": info.symbol, "hgnc_id": info.hgnc_id, "name": info.name,
            "chrom": info.chrom, "strand": info.strand, "biotype": info.biotype,
            "diseases": diseases,
            "phenotypes": [{"id": t, "label": onto.label(t)} for t in genes.gene_terms.get(g, ())],
            "gene_knowledge": dict(genes.versions), "release": r.name}


# -- diagnosis (stateless) -------------------------------------------------------------------
_DIAGNOSE_DOC = f"""Rank every disease for a patient given as terms or as a phenopacket (nothing
stored).

The best `top` candidates (default 20) are returned; the best `explain_top` of them (default
{EXPLAIN_TOP}) carry their explanation: `evidence` (each feature against the disease's
annotations) and `course` (onset, sex, features the record lacks, ...). The others come with
empty `evidence` and `course`; `explained` says how many carry theirs and `more_explanations`
how to get the rest: `POST /api/explain` with the same patient and their `disease_id` values.
Explanations are most of the cost of a request: `explain_top: 0` asks for the ranking only,
`explain_top: null` for every returned candidate explained."""


@router.post("/diagnose", tags=["diagnosis"], response_model=DiagnosisOut, dependencies=_SIGNED_IN,
             description=_DIAGNOSE_DOC)
async def diagnose(body: DiagnoseIn, request: Request) -> Response:
    """Rank every disease for a patient (see ``_DIAGNOSE_DOC``: the OpenAPI description)."""

    def work() -> bytes:  # one hop to a worker thread for the whole request (the hot path)
        principal(request)
        r = release(request, body.release)
        p = _patient_of(r, body.patient, body.phenopacket)
        return _json_bytes(P.diagnose_dict(r, p, body.top, body.explain_top))
    return Response(await run_in_threadpool(work), media_type="application/json")


def _json_bytes(doc: dict[str, Any]) -> bytes:
    """The response document as compact JSON, by orjson (a tenth of the time of ``json.dumps``
    for an explained differential; the same values, floats in shortest form, e.g. ``1e-5``
    where ``json`` writes ``1e-05``). A non-finite score, which would show in every candidate's
    score and probability, is an error as with ``json.dumps(allow_nan=False)`` (orjson would
    write null)."""
    for c in doc["candidates"]:
        if not (math.isfinite(c["score"]) and math.isfinite(c["probability"])):
            raise ValueError(f"non-finite score of {c['disease_id']}")
    return orjson.dumps(doc)


@router.post("/explain", tags=["diagnosis"], response_model=ExplainOut,
             dependencies=_SIGNED_IN)
async def explain(body: ExplainIn, request: Request) -> Response:
    """Explain chosen candidates for a patient (nothing stored): for each disease id, the
    candidate that is (or pools) it, with its rank, score, probability, ``evidence`` and
    ``course`` exactly as ``POST /api/diagnose`` would give them. Use it for candidates a
    diagnose response left unexplained (see its ``explained``) or did not return."""

    def work() -> bytes:
        principal(request)
        r = release(request, body.release)
        p = _patient_of(r, body.patient, body.phenopacket)
        return _json_bytes(P.explain(r, p, body.candidates))
    return Response(await run_in_threadpool(work), media_type="application/json")


@router.post("/questions", tags=["diagnosis"], dependencies=_SIGNED_IN)
async def questions(body: QuestionsIn, request: Request) -> QuestionsOut:
    """What to examine next: the features whose presence or absence would most change the
    differential (expected information gain over the leading candidates), each with how it is
    checked (examination or test) and the candidates it speaks for if present or if absent."""

    def work() -> QuestionsOut:
        principal(request)
        r = release(request, body.release)
        p = _patient_of(r, body.patient, body.phenopacket)
        onto = r.engine.knowledge.ontology
        asked = []
        for k, t in enumerate(body.asked):
            cur, _how = onto.resolve(t)
            if cur is None:
                raise ApiError(422, f"asked[{k}]: {t!r} is not a term of HPO {onto.version}.",
                               f"asked[{k}]")
            asked.append(cur)
        qs = r.questions().suggest(p, n=body.n, asked=frozenset(asked))
        out = []
        for q in qs:
            d = q.as_dict()
            d["kind"] = "test" if q.needs_test else "exam"
            out.append(d)
        return QuestionsOut.model_validate({
            "release": r.name, "knowledge": r.versions,
            "present": [t.value for t in p.present], "excluded": [t.value for t in p.excluded],
            "questions": out})
    return await run_in_threadpool(work)


@router.post("/questions/answer", tags=["diagnosis"], response_model=AnsweredOut,
             dependencies=_SIGNED_IN)
async def answer_question(body: AnswerIn, request: Request) -> AnsweredOut:
    """The patient's features after answering one question, as `raredx next` and the
    simulation apply it: a more specific answer supersedes what it implies, a contradicting
    answer replaces what it contradicts (unknown changes nothing)."""

    def work() -> AnsweredOut:
        from raredx.questions import Answer

        principal(request)
        r = release(request, body.release)
        onto = r.engine.knowledge.ontology
        cur, _how = onto.resolve(body.term)
        if cur is None:
            raise ApiError(422, f"term: {body.term!r} is not a term of HPO {onto.version}.",
                           "term")
        p = P.patient_from_terms(r, body.patient)
        p = r.questions().answer(p, cur, Answer(body.reply))
        return AnsweredOut(present=[t.value for t in p.present],
                           excluded=[t.value for t in p.excluded])
    return await run_in_threadpool(work)


def _patient_of(r, pin: PatientIn | None, packet: dict[str, Any] | None):  # type: ignore[no-untyped-def]
    if (pin is None) == (packet is None):
        raise ApiError(422, "Give either `patient` (terms) or `phenopacket`, not both or neither.",
                       "patient")
    if packet is not None:
        return P.patient_from_packet(r, packet)
    return P.patient_from_terms(r, pin)  # type: ignore[arg-type]


def _size(n: int) -> str:
    return f"{n / 1e6:g} MB" if n >= 1_000_000 else f"{n / 1e3:g} kB"


async def _read_upload(request: Request, file: UploadFile, field: str) -> Any:
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"The file is too large (limit {_size(limit)}).", field)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(415, "The file is not a text (UTF-8) phenopacket JSON file.", field)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"The phenopacket is not valid JSON: {exc.msg} at line {exc.lineno}, "
                       f"column {exc.colno}.", field)


@router.post("/diagnose/phenopacket", tags=["diagnosis"], dependencies=_SIGNED_IN)
async def diagnose_upload(request: Request, file: Annotated[UploadFile, File()],
                          release_name: Annotated[str | None, Form(alias="release")] = None,
                          top: Annotated[int, Form(ge=1, le=200)] = 20) -> DiagnosisOut:
    """Rank every disease for an uploaded phenopacket JSON file (nothing stored)."""
    await _auth_async(request)
    packet = await _read_upload(request, file, "phenopacket")
    r = release(request, release_name)
    return await run_in_threadpool(lambda: P.diagnose(r, P.patient_from_packet(r, packet), top))


async def _auth_async(request: Request) -> User:

    def check() -> User:
        with request.app.state.db.session() as s:
            u = current_user(request, s)
            s.expunge_all()
            return u
    return await run_in_threadpool(check)


# -- cases -----------------------------------------------------------------------------------
def _visible(user: User):  # type: ignore[no-untyped-def]
    cond = Case.owner_id == user.id
    if user.team:
        cond = or_(cond, Case.team == user.team)
    return cond


def _case(s: Session, user: User, case_id: str) -> Case:
    c = s.scalars(select(Case).where(Case.id == case_id, _visible(user))).first()
    if c is None:
        raise ApiError(404, f"No case {case_id} that you can see (it does not exist, or it "
                       "belongs to someone else).")
    return c


def _summary(a: Analysis) -> AnalysisSummary:
    return AnalysisSummary(id=a.id, case_version=a.case_version, release=a.release,
                           knowledge=a.knowledge, created_at=a.created_at,
                           top=[{"rank": c["rank"], "disease_id": c["disease_id"],
                                 "label": c["label"], "probability": c["probability"]}
                                for c in a.result["candidates"][:5]])


def _case_out(s: Session, c: Case) -> CaseOut:
    owner = s.get(User, c.owner_id)
    return CaseOut(id=c.id, title=c.title, notes=c.notes, owner=owner.name if owner else "?",
                   team=c.team, version=c.version, patient=c.patient, created_at=c.created_at,
                   updated_at=c.updated_at, analyses=[_summary(a) for a in c.analyses])


def _analyse(s: Session, request: Request, user: User, c: Case, release_name: str | None,
             strict: bool) -> Analysis:
    r = release(request, release_name)
    pin = P.patient_in(c.patient)
    p = P.patient_from_terms(r, pin, strict=strict, patient_id=c.id)
    top = request.app.state.settings.top
    vcf = next((f for f in reversed(c.files) if f.kind == "vcf"), None) if c.files else None
    genes = releases(request).genes() if vcf is not None else None
    knowledge = dict(r.versions)
    if vcf is not None and genes is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / ("patient.vcf.gz" if vcf.content[:2] == b"\x1f\x8b"
                                else "patient.vcf")
            path.write_bytes(vcf.content)
            name = vcf.filename or "patient.vcf"
            try:
                result = P.diagnose_with_vcf(r, p, top, path, genes)
            except InputError as exc:
                raise ApiError(422, "The VCF cannot be used: "
                               + _vcf_message(str(exc), path, name), "vcf")
            for issue in result.issues:  # name the uploaded file, not the server's copy
                issue.where = issue.where.replace(str(path), name)
        knowledge["genes"] = dict(genes.versions)
        knowledge["vcf_sha256"] = vcf.sha256
    else:
        result = P.diagnose(r, p, top)
    a = Analysis(id=secrets.token_hex(16), case_id=c.id, case_version=c.version, release=r.name,
                 knowledge=knowledge, engine_version=engine_version,
                 result=result.model_dump(mode="json"), created_by=user.id,
                 created_at=datetime.now(UTC))
    s.add(a)
    return a


# the reader's advice names command-line options; the API has none of them
_VCF_ADVICE = (
    ("give it with --assembly GRCh38 or --assembly GRCh37",
     "add a `##reference=GRCh38` header line (the API reads GRCh38 VCFs)"),
    ("name the patient with --sample (or give a PED file with one affected member)",
     "upload a VCF with the patient's sample only (the API reads single-sample VCFs)"),
    ("give --liftover-chain hg19ToHg38.over.chain.gz (UCSC)",
     "lift it over to GRCh38 before uploading it (or use `raredx diagnose-vcf "
     "--liftover-chain`)"),
)


def _vcf_message(message: str, path: Path, name: str) -> str:
    """A VCF reader message for an API caller: the uploaded file's name instead of the
    server's temporary copy, and advice the API can follow."""
    message = message.replace(str(path), name)
    for cli, api in _VCF_ADVICE:
        message = message.replace(cli, api)
    return message


def _create_case(s: Session, request: Request, user: User, title: str, notes: str,
                 record: dict[str, Any], release_name: str | None) -> CaseOut:
    now = datetime.now(UTC)
    c = Case(id=secrets.token_hex(16), owner_id=user.id, team=user.team, title=title,
             notes=notes, patient=record, version=1, created_at=now, updated_at=now)
    s.add(c)
    _analyse(s, request, user, c, release_name, strict=False)
    s.commit()  # durable before we answer
    s.refresh(c)
    return _case_out(s, c)


@router.post("/cases", status_code=201, tags=["cases"])
def create_case(body: CaseIn, request: Request, user: CurrentUser, s: DB) -> CaseOut:
    """Store a case (terms or phenopacket) and analyse it with the default (or given) release."""
    r = release(request, body.release)
    p = _patient_of(r, body.patient, body.phenopacket)
    record = P.patient_record(p, "phenopacket" if body.phenopacket is not None else "form")
    record["issues"] = [{"level": i.level.value, "where": i.where, "message": i.message}
                        for i in p.issues]
    return _create_case(s, request, user, body.title, body.notes, record, r.name)


@router.post("/cases/phenopacket", status_code=201, tags=["cases"], dependencies=_SIGNED_IN)
async def create_case_upload(request: Request, file: Annotated[UploadFile, File()],
                             title: Annotated[str, Form(max_length=200)] = "") -> CaseOut:
    """Store a case from an uploaded phenopacket JSON file and analyse it."""
    await _auth_async(request)
    packet = await _read_upload(request, file, "phenopacket")

    def work() -> CaseOut:
        with request.app.state.db.session() as s:
            user = current_user(request, s)
            r = release(request, None)
            p = P.patient_from_packet(r, packet)
            record = P.patient_record(p, "phenopacket")
            record["issues"] = [{"level": i.level.value, "where": i.where,
                                 "message": i.message} for i in p.issues]
            name = title or str(packet.get("id", ""))[:200]
            return _create_case(s, request, user, name, "", record, r.name)
    return await run_in_threadpool(work)


@router.get("/cases", tags=["cases"])
def list_cases(user: CurrentUser, s: DB) -> list[CaseListItem]:
    """Your cases and your team's, most recently changed first."""
    out = []
    for c in s.scalars(select(Case).where(_visible(user)).order_by(Case.updated_at.desc())):
        owner = s.get(User, c.owner_id)
        out.append(CaseListItem(id=c.id, title=c.title, owner=owner.name if owner else "?",
                                version=c.version, updated_at=c.updated_at,
                                n_analyses=len(c.analyses)))
    return out


@router.get("/cases/{case_id}", tags=["cases"])
def get_case(case_id: str, user: CurrentUser, s: DB) -> CaseOut:
    return _case_out(s, _case(s, user, case_id))


@router.patch("/cases/{case_id}", tags=["cases"])
def update_case(case_id: str, body: CaseUpdate, request: Request, user: CurrentUser,
                s: DB) -> CaseOut:
    """Edit a case. ``version`` must be the current one, else 409 (someone else changed it).
    A changed patient is validated and analysed again."""
    c = _case(s, user, case_id)
    values: dict[str, Any] = {"version": Case.version + 1,
                              "updated_at": datetime.now(UTC)}
    if body.title is not None:
        values["title"] = body.title
    if body.notes is not None:
        values["notes"] = body.notes
    if body.patient is not None:
        r = release(request, None)
        p = P.patient_from_terms(r, body.patient)
        values["patient"] = P.patient_record(p, "form")
    res = s.execute(update(Case).where(Case.id == c.id, Case.version == body.version)
                    .values(**values).execution_options(synchronize_session=False))
    if res.rowcount != 1:  # type: ignore[attr-defined]
        s.rollback()
        current = s.get(Case, case_id)
        now = current.version if current else "?"
        raise ApiError(409, f"This case was changed by someone else (it is now version {now}, "
                       f"your edit was based on version {body.version}). Reload it and apply "
                       "your change again.", "version")
    s.expire_all()
    c = _case(s, user, case_id)
    if body.patient is not None:
        _analyse(s, request, user, c, None, strict=True)
    s.commit()
    s.expire_all()
    return _case_out(s, _case(s, user, case_id))


@router.delete("/cases/{case_id}", status_code=204, tags=["cases"])
def delete_case(case_id: str, user: CurrentUser, s: DB) -> Response:
    c = _case(s, user, case_id)
    s.delete(c)
    s.commit()
    return Response(status_code=204)


@router.post("/cases/{case_id}/analyses", status_code=201, tags=["cases"])
def reanalyse(case_id: str, body: AnalyseIn, request: Request, user: CurrentUser,
              s: DB) -> AnalysisOut:
    """Analyse the stored case again, e.g. against another knowledge release."""
    c = _case(s, user, case_id)
    a = _analyse(s, request, user, c, body.release, strict=False)
    s.commit()
    return _analysis_out(a)


_VCF_HEAD = b"##fileformat=VCF"


def _check_vcf(data: bytes, limit: int) -> None:
    """415 unless the bytes are a (bgzipped or plain) VCF: the first line names the format."""
    head = data[:64]
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                head = f.read(64)
        except (OSError, EOFError):
            raise ApiError(415, "The file looks gzip-compressed but cannot be decompressed.",
                           "vcf")
    if not head.startswith(_VCF_HEAD):
        raise ApiError(415, "This is not a VCF file: its first line must be "
                       "`##fileformat=VCFv4.x` (plain or bgzip-compressed).", "vcf")


@router.post("/cases/{case_id}/vcf", status_code=201, tags=["cases"],
             dependencies=_SIGNED_IN)
async def upload_vcf(case_id: str, request: Request, file: Annotated[UploadFile, File()]
                     ) -> AnalysisOut:
    """Attach the patient's VCF to a case and analyse it with phenotype and genotype."""

    await _auth_async(request)
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"The VCF is too large (limit {_size(limit)}).", "vcf")

    def work() -> AnalysisOut:
        with request.app.state.db.session() as s:
            user = current_user(request, s)
            c = _case(s, user, case_id)
            _check_vcf(data, limit)
            if releases(request).genes() is None:
                raise ApiError(422, "This server has no gene knowledge configured (start it with "
                               "--genes-dir), so VCF files cannot be used.", "vcf")
            s.add(CaseFile(case_id=c.id, kind="vcf", filename=(file.filename or "patient.vcf")[:200],
                           size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data,
                           uploaded_by=user.id))
            s.flush()
            s.refresh(c)
            a = _analyse(s, request, user, c, None, strict=False)
            s.commit()
            return _analysis_out(a)
    return await run_in_threadpool(work)


def _analysis_out(a: Analysis) -> AnalysisOut:
    return AnalysisOut(id=a.id, case_id=a.case_id, case_version=a.case_version,
                       release=a.release, knowledge=a.knowledge,
                       engine_version=a.engine_version, created_at=a.created_at,
                       result=DiagnosisOut.model_validate(a.result))


def _analysis(s: Session, user: User, case_id: str, analysis_id: str) -> tuple[Case, Analysis]:
    c = _case(s, user, case_id)
    for a in c.analyses:
        if a.id == analysis_id:
            return c, a
    raise ApiError(404, f"Case {case_id} has no analysis {analysis_id}.")


@router.get("/cases/{case_id}/analyses/{analysis_id}", tags=["cases"])
def get_analysis(case_id: str, analysis_id: str, user: CurrentUser, s: DB) -> AnalysisOut:
    return _analysis_out(_analysis(s, user, case_id, analysis_id)[1])


@router.get("/cases/{case_id}/diff", tags=["cases"])
def diff(case_id: str, user: CurrentUser, s: DB, before: str | None = None,
         after: str | None = None) -> DiffOut:
    """How the ranking changed between two analyses (default: the last two)."""
    c = _case(s, user, case_id)
    if len(c.analyses) < 2 and (before is None or after is None):
        raise ApiError(422, "This case has only one analysis; analyse it again (e.g. with "
                       "another knowledge release) to compare.", "before")
    a_before = _analysis(s, user, case_id, before)[1] if before else c.analyses[-2]
    a_after = _analysis(s, user, case_id, after)[1] if after else c.analyses[-1]
    return DiffOut(before=_summary(a_before), after=_summary(a_after),
                   rows=P.ranking_diff(a_before.result, a_after.result))  # type: ignore[arg-type]


@router.get("/cases/{case_id}/analyses/{analysis_id}/report.html", tags=["reports"])
def report_html(case_id: str, analysis_id: str, user: CurrentUser, s: DB) -> Response:
    c, a = _analysis(s, user, case_id, analysis_id)
    html = render_html(c, a, s.get(User, a.created_by))
    return Response(html, media_type="text/html; charset=utf-8", headers={
        "Content-Disposition": f'inline; filename="raredx-report-{c.id[:8]}.html"',
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


@router.get("/cases/{case_id}/analyses/{analysis_id}/report.pdf", tags=["reports"])
def report_pdf(case_id: str, analysis_id: str, user: CurrentUser, s: DB) -> Response:
    c, a = _analysis(s, user, case_id, analysis_id)
    pdf = render_pdf(c, a, s.get(User, a.created_by))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="raredx-report-{c.id[:8]}.pdf"'})
