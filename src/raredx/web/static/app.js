// raredx web application: plain modern JavaScript, no build step, no third-party code.
// It talks to the JSON API of the same origin with the browser session cookie.

const $ = (sel) => document.querySelector(sel);

const KIND = {
  "exact": ["matched", "matched"],
  "patient-more-general": ["matched", "matched (patient term more general)"],
  "patient-more-specific": ["matched", "matched (patient term more specific)"],
  "related": ["matched", "related feature"],
  "unexplained": ["unmatched", "not explained by this disease"],
  "negated": ["contradicting", "the disease is annotated NOT to have it"],
  "contradicted": ["contradicting", "absent, but expected in this disease"],
  "consistent-absence": ["absent", "absent, as expected"],
};
const GROUPS = [
  ["matched", "Matched features"],
  ["unmatched", "Unmatched features"],
  ["contradicting", "Contradicting features"],
  ["absent", "Absent, as expected"],
];

const state = {
  user: null,
  features: [], // {id, label, excluded}
  caseId: null,
  version: null,
  analysis: null, // AnalysisOut
  compare: [],
  releases: [],
  caseIssues: [],
  asked: [], // features answered "unknown" (not suggested again for this case)
  questionsSeq: 0,
};

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : `Request failed (${status})`);
    this.status = status;
    this.body = body || {};
  }
}

async function api(method, path, body, isForm = false) {
  const opts = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    if (isForm) opts.body = body;
    else {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, { detail: "The server cannot be reached. Check the connection and try again." });
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!res.ok) {
    if (res.status === 401 && state.user && !path.endsWith("/login")) showLogin("Your session has ended; please sign in again.");
    throw new ApiError(res.status, data);
  }
  return data;
}

// -- errors shown next to the field they concern ------------------------------------------
function clearErrors() {
  document.querySelectorAll(".error").forEach((e) => { e.textContent = ""; });
  document.querySelectorAll(".features li.bad").forEach((e) => e.classList.remove("bad"));
  document.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
}

function setError(id, message, input) {
  const box = $("#" + id);
  if (!box) return false;
  box.textContent = box.textContent ? box.textContent + " " + message : message;
  if (input) input.setAttribute("aria-invalid", "true");
  return true;
}

function featureIndexFor(field) {
  // "present[2]" -> index in state.features of the 3rd present feature
  const m = /^(present|excluded)\[(\d+)\]/.exec(field || "");
  if (!m) return -1;
  const wantExcluded = m[1] === "excluded";
  let k = -1;
  for (let i = 0; i < state.features.length; i++) {
    if (state.features[i].excluded === wantExcluded) k++;
    if (k === Number(m[2]) && state.features[i].excluded === wantExcluded) return i;
  }
  return -1;
}

function showApiError(err, fallbackId = "err-form") {
  const errors = (err.body && err.body.errors && err.body.errors.length) ? err.body.errors
    : [{ field: err.body ? err.body.field : null, message: err.message }];
  for (const e of errors) {
    const f = e.field || "";
    const fi = featureIndexFor(f);
    if (fi >= 0) {
      const li = $("#features").children[fi];
      if (li) {
        li.classList.add("bad");
        li.querySelector(".ferr").textContent = e.message;
        continue;
      }
    }
    if (f === "present" || f.startsWith("patient.present") || f.startsWith("patient.excluded")) {
      setError("err-features", e.message, $("#term-input"));
    } else if (f.includes("age_years")) setError("err-age", e.message, $("#age"));
    else if (f.includes("sex")) setError("err-sex", e.message, $("#sex"));
    else if (f.startsWith("phenopacket")) setError("err-phenopacket", e.message, $("#phenopacket"));
    else if (f === "vcf") setError("err-vcf", e.message, $("#vcf"));
    else if (f === "title") setError("err-title", e.message, $("#case-title"));
    else if (f === "release") setError("err-release", e.message, $("#release-select"));
    else if (f === "username") setError("err-username", e.message, $("#login-username"));
    else if (f === "password") setError("err-password", e.message, $("#login-password"));
    else setError(fallbackId, err.body && err.body.detail ? err.body.detail : e.message);
  }
}

// -- views ----------------------------------------------------------------------------------
function show(view) {
  for (const v of ["login", "cases", "work"]) $("#view-" + v).hidden = v !== view;
  $("#nav").hidden = view === "login";
}

function showLogin(message) {
  state.user = null;
  show("login");
  clearErrors();
  if (message) setError("err-password", message);
  $("#login-username").focus();
}

async function start() {
  try {
    state.user = await api("GET", "/api/me");
  } catch {
    showLogin();
    return;
  }
  await afterLogin();
}

async function afterLogin() {
  $("#whoami").textContent = state.user.name + (state.user.team ? ` (${state.user.team})` : "");
  try {
    state.releases = await api("GET", "/api/releases");
  } catch { state.releases = []; }
  const sel = $("#release-select");
  sel.replaceChildren(...state.releases.map((r) => el("option", { value: r.name, text: r.name + (r.default ? " (default)" : "") })));
  const other = state.releases.find((r) => !r.default);
  if (other) sel.value = other.name;
  newCase();
}

function newCase() {
  state.features = [];
  state.caseId = null;
  state.version = null;
  state.analysis = null;
  state.compare = [];
  $("#case-title").value = "";
  $("#age").value = "";
  $("#sex").value = "unknown";
  $("#phenopacket").value = "";
  $("#vcf").value = "";
  $("#case-badge").textContent = "(new case)";
  $("#issues").replaceChildren();
  state.caseIssues = [];
  state.asked = [];
  clearErrors();
  renderFeatures();
  renderResults();
  show("work");
  $("#term-input").focus();
}

// -- features -------------------------------------------------------------------------------
function addFeature(id, label, excluded = false) {
  clearErrors();
  if (state.features.some((f) => f.id === id)) {
    setError("err-features", `${label} (${id}) is already in the list.`);
    return;
  }
  state.features.push({ id, label, excluded });
  renderFeatures();
}

function renderFeatures() {
  const ul = $("#features");
  ul.replaceChildren(...state.features.map((f, i) => el("li", { class: f.excluded ? "absent" : "present", "data-term": f.id },
    el("button", {
      type: "button", class: "toggle", "aria-pressed": String(!f.excluded),
      title: "Switch between present and absent",
      onclick: () => { f.excluded = !f.excluded; renderFeatures(); },
    }, f.excluded ? "absent" : "present"),
    el("span", { class: "flabel" }, f.label, " ", el("small", { class: "muted" }, f.id)),
    el("button", {
      type: "button", class: "remove", "aria-label": `Remove ${f.label}`,
      onclick: () => { state.features.splice(i, 1); renderFeatures(); },
    }, "×"),
    el("div", { class: "ferr error" }),
  )));
}

// autocomplete
let searchTimer = null;
let searchSeq = 0;
let activeOption = -1;

function closeList() {
  $("#term-list").hidden = true;
  $("#term-input").setAttribute("aria-expanded", "false");
  activeOption = -1;
}

async function runSearch(q) {
  const seq = ++searchSeq;
  if (q.trim().length < 2) { closeList(); return; }
  let hits;
  try {
    hits = await api("GET", "/api/terms?" + new URLSearchParams({ q, limit: "12" }));
  } catch (err) {
    clearErrors();
    showApiError(err, "err-features");
    return;
  }
  if (seq !== searchSeq) return; // a newer query is on its way
  const list = $("#term-list");
  if (!hits.length) {
    list.replaceChildren(el("li", { class: "none", role: "option", "aria-disabled": "true" }, "No matching term"));
  } else {
    list.replaceChildren(...hits.map((h, i) => el("li", {
      role: "option", id: `opt-${i}`, "data-id": h.id, "data-label": h.label,
      onmousedown: (ev) => { ev.preventDefault(); pick(h); },
    }, el("span", {}, h.label), " ", el("small", { class: "muted" }, h.id),
    h.matched_synonym ? el("div", { class: "syn" }, "synonym: ", h.matched_synonym) : null)));
  }
  list.hidden = false;
  $("#term-input").setAttribute("aria-expanded", "true");
  activeOption = -1;
}

function pick(h) {
  addFeature(h.id, h.label, false);
  $("#term-input").value = "";
  closeList();
  $("#term-input").focus();
}

function moveActive(delta) {
  const opts = [...$("#term-list").querySelectorAll("li[data-id]")];
  if (!opts.length) return;
  activeOption = (activeOption + delta + opts.length) % opts.length;
  opts.forEach((o, i) => o.classList.toggle("active", i === activeOption));
  $("#term-input").setAttribute("aria-activedescendant", opts[activeOption].id);
}

// -- analysis -------------------------------------------------------------------------------
function patientFromForm() {
  const age = $("#age").value.trim();
  return {
    present: state.features.filter((f) => !f.excluded).map((f) => f.id),
    excluded: state.features.filter((f) => f.excluded).map((f) => f.id),
    sex: $("#sex").value,
    age_years: age === "" ? null : Number(age),
  };
}

function loadCase(c) {
  state.caseId = c.id;
  state.version = c.version;
  $("#case-title").value = c.title || "";
  $("#case-badge").textContent = `(case ${c.id.slice(0, 8)}, version ${c.version})`;
  const p = c.patient;
  $("#age").value = p.age_years === null || p.age_years === undefined ? "" : String(Math.round(p.age_years * 100) / 100);
  $("#sex").value = p.sex || "unknown";
  state.caseIssues = p.issues || [];
  $("#issues").replaceChildren(...state.caseIssues.map((i) => el("li", {}, `${i.where}: ${i.message}`)));
}

async function analyse(ev) {
  if (ev) ev.preventDefault();
  clearErrors();
  const file = $("#phenopacket").files[0];
  const title = $("#case-title").value.trim();
  if (!file && !state.features.some((f) => !f.excluded)) {
    setError("err-features", "Add at least one observed (present) feature, or upload a phenopacket.", $("#term-input"));
    return;
  }
  $("#busy").hidden = false;
  $("#btn-analyse").disabled = true;
  try {
    let c;
    if (file) {
      const fd = new FormData();
      fd.append("file", file);
      fd.append("title", title);
      try {
        c = await api("POST", "/api/cases/phenopacket", fd, true);
      } catch (err) {
        // a file far over the limit is refused before it is read ("body"): it is the file's fault
        if (err.status === 413 || !err.body.field || err.body.field === "body") {
          setError("err-phenopacket", err.message, $("#phenopacket"));
          return;
        }
        throw err;
      }
      $("#phenopacket").value = "";
    } else if (state.caseId) {
      c = await api("PATCH", `/api/cases/${state.caseId}`, { version: state.version, title, patient: patientFromForm() });
    } else {
      c = await api("POST", "/api/cases", { title, patient: patientFromForm() });
    }
    loadCase(c);
    const last = c.analyses[c.analyses.length - 1];
    state.analysis = await api("GET", `/api/cases/${c.id}/analyses/${last.id}`);
    const vcf = $("#vcf").files[0];
    if (vcf) {
      const fd = new FormData();
      fd.append("file", vcf);
      try {
        state.analysis = await api("POST", `/api/cases/${c.id}/vcf`, fd, true);
        $("#vcf").value = "";
      } catch (err) {
        // the case is stored and analysed by phenotype; say why the VCF was not used
        if (err.status === 413 || (err.body && (err.body.field === "body" || !err.body.field))) {
          setError("err-vcf", err.message, $("#vcf"));
        } else showApiError(err, "err-vcf");
      }
    }
    syncFeaturesFromAnalysis();
    state.compare = [];
    $("#diff").hidden = true;
    renderResults();
  } catch (err) {
    if (err.status === 409) {
      setError("err-form", err.message);
      $("#err-form").append(" ", el("button", { type: "button", class: "link", onclick: () => openCase(state.caseId) }, "Reload the case"));
    } else showApiError(err);
  } finally {
    $("#busy").hidden = true;
    $("#btn-analyse").disabled = false;
  }
}

function syncFeaturesFromAnalysis() {
  const r = state.analysis.result;
  state.features = [
    ...r.present.map((t) => ({ id: t.id, label: t.label, excluded: false })),
    ...r.excluded.map((t) => ({ id: t.id, label: t.label, excluded: true })),
  ];
  renderFeatures();
}

function pct(p) {
  if (p >= 0.995) return ">99%";
  if (p < 0.001) return "<0.1%";
  return (p * 100).toFixed(p < 0.1 ? 1 : 0) + "%";
}

function renderResults() {
  const a = state.analysis;
  $("#next").hidden = !a;
  $("#results-empty").hidden = !!a;
  $("#results-body").hidden = !a;
  if (!a) return;
  const r = a.result;
  const k = a.knowledge;
  $("#versions").textContent = `Knowledge: ${a.release} — HPO ${k.hpo}, annotations ${k.annotations}` +
    (k.orphanet ? `, Orphanet ${k.orphanet}` : "") + ` · ${r.n_candidates} diseases ranked · raredx ${a.engine_version}`;
  const notes = [...state.caseIssues];
  for (const i of r.issues || []) if (!notes.some((n) => n.message === i.message)) notes.push(i);
  $("#issues").replaceChildren(...notes.map((i) => el("li", {}, `${i.where}: ${i.message}`)));
  const base = `/api/cases/${a.case_id}/analyses/${a.id}`;
  $("#report-html").href = base + "/report.html";
  $("#report-pdf").href = base + "/report.pdf";
  $("#report-pdf").setAttribute("download", "");
  if (a.knowledge.genes) {
    $("#versions").textContent += ` · genes ${a.knowledge.genes.release || ""} · VCF ${(a.knowledge.vcf_sha256 || "").slice(0, 12)}`;
  }
  const ol = $("#candidates");
  ol.replaceChildren(...r.candidates.map((c) => candidateItem(c)));
  renderCompare();
  loadQuestions();
}

// -- what to examine next --------------------------------------------------------------------
async function loadQuestions() {
  const a = state.analysis;
  const list = $("#questions");
  $("#err-questions").textContent = "";
  if (!a) { list.replaceChildren(); return; }
  const r = a.result;
  const seq = ++state.questionsSeq;
  list.replaceChildren(el("li", { class: "muted small loading" }, "finding the most informative features…"));
  $("#questions-empty").hidden = true;
  let d;
  try {
    d = await api("POST", "/api/questions", {
      patient: {
        present: r.present.map((t) => t.id), excluded: r.excluded.map((t) => t.id),
        sex: r.sex, age_years: r.age_years,
      },
      release: a.release, n: 5, asked: state.asked,
    });
  } catch (err) {
    if (seq !== state.questionsSeq) return;
    list.replaceChildren();
    setError("err-questions", err.message);
    return;
  }
  if (seq !== state.questionsSeq) return; // a newer differential is on its way
  $("#questions-empty").hidden = d.questions.length > 0;
  list.replaceChildren(...d.questions.map((q) => questionItem(q)));
}

function names(cands) {
  return cands.map((c) => `${c.label} (${pct(c.probability)})`).join(", ");
}

function questionItem(q) {
  const kind = q.kind === "test" ? `test: ${q.how}` : (q.how === "physical examination or history" ? "examination or history" : `exam: ${q.how}`);
  return el("li", { class: "question", "data-term": q.id },
    el("div", { class: "qhead" },
      el("span", { class: "qlabel" }, q.label, " ", el("small", { class: "muted" }, q.id)),
      el("span", { class: `kind ${q.kind}`, title: `expected information gain ${q.information_gain_bits.toFixed(2)} bits; predicted ${pct(q.p_present)} likely present` }, kind),
      el("span", { class: "answers", role: "group", "aria-label": `Answer for ${q.label}` },
        el("button", { type: "button", class: "a-present", onclick: () => answerQuestion(q, "present") }, "present"),
        el("button", { type: "button", class: "a-absent", onclick: () => answerQuestion(q, "absent") }, "absent"),
        el("button", { type: "button", class: "a-unknown", onclick: () => answerQuestion(q, "unknown") }, "unknown"))),
    q.supports_if_present.length ? el("p", { class: "sep" }, "If present: speaks for ", names(q.supports_if_present)) : null,
    q.supports_if_absent.length ? el("p", { class: "sep" }, "If absent: speaks for ", names(q.supports_if_absent)) : null,
  );
}

async function answerQuestion(q, reply) {
  if (reply === "unknown") {
    if (!state.asked.includes(q.id)) state.asked.push(q.id);
    await loadQuestions();
    return;
  }
  // the server applies the answer as `raredx next` does: a more specific answer replaces the
  // features it implies, a contradicting one replaces what it contradicts
  let d;
  try {
    d = await api("POST", "/api/questions/answer", {
      patient: patientFromForm(), release: state.analysis ? state.analysis.release : null,
      term: q.id, reply,
    });
  } catch (err) {
    setError("err-questions", err.message);
    return;
  }
  const labels = new Map(state.features.map((f) => [f.id, f.label]));
  labels.set(q.id, q.label);
  state.features = [
    ...d.present.map((id) => ({ id, label: labels.get(id) || id, excluded: false })),
    ...d.excluded.map((id) => ({ id, label: labels.get(id) || id, excluded: true })),
  ];
  renderFeatures();
  await analyse(null); // store the answer in the case and rank again
}

function candidateItem(c) {
  const bar = el("span", { class: "bar" });
  bar.style.width = Math.max(1, Math.round(c.probability * 100)) + "%";
  const details = el("div", { class: "evidence", hidden: true });
  const head = el("div", { class: "chead" },
    el("input", {
      type: "checkbox", class: "cmp", "aria-label": `Compare ${c.label}`,
      checked: state.compare.includes(c.disease_id),
      onchange: (ev) => toggleCompare(c.disease_id, ev.target.checked),
    }),
    el("button", {
      type: "button", class: "cname", "aria-expanded": "false",
      onclick: (ev) => {
        details.hidden = !details.hidden;
        ev.currentTarget.setAttribute("aria-expanded", String(!details.hidden));
      },
    }, el("span", { class: "rank" }, c.rank + "."), " ", c.label),
    el("span", { class: "prob", title: `log10 LR ${c.score.toFixed(2)}` }, pct(c.probability)),
  );
  const genotype = c.gene || c.genotype_explanation ? el("div", { class: "group genotype" },
    el("h4", {}, "Genotype"),
    el("p", { class: "small" }, c.gene ? [el("b", {}, c.gene), c.mode_of_inheritance ? ` (${c.mode_of_inheritance})` : "", ": "] : "",
      c.genotype_explanation || "",
      c.genotype_log10_lr !== null && c.genotype_log10_lr !== undefined
        ? el("small", { class: "muted" }, c.phenotype_weight !== null && c.phenotype_weight !== undefined
          ? ` (score ${c.score.toFixed(2)} = ${c.phenotype_weight} × phenotype ${c.phenotype_log10_lr.toFixed(2)} + genotype ${c.genotype_log10_lr.toFixed(2)})`
          : ` (genotype ${c.genotype_log10_lr.toFixed(2)}, phenotype ${c.phenotype_log10_lr.toFixed(2)})`) : ""),
    c.variants && c.variants.length ? el("ul", { class: "variants" }, ...c.variants.map((v) => el("li", {},
      v.end != null ? `${v.chrom}:${v.pos + 1}-${v.end} ${v.alt} ` : `${v.chrom}:${v.pos} ${v.ref}>${v.alt} `, el("b", {}, v.genotype), ` ${v.effect}`,
      v.hgvs_p || v.hgvs_c ? ` ${v.hgvs_p || v.hgvs_c}` : "",
      v.pathogenicity !== null ? el("small", { class: "muted" }, ` (pathogenicity ${v.pathogenicity})`) : ""))) : null) : null;
  details.append(...[
    el("p", { class: "small" },
      el("button", { type: "button", class: "link", onclick: () => openDisease(c.disease_id) }, c.disease_id),
      c.equivalent_ids.length ? ` = ${c.equivalent_ids.join(", ")}` : "",
      ` · log10 likelihood ratio ${c.score.toFixed(2)}`),
    ...GROUPS.map(([g, title]) => {
      const items = c.evidence.filter((e) => (KIND[e.kind] || ["unmatched"])[0] === g);
      if (!items.length) return null;
      return el("div", { class: `group ${g}` }, el("h4", {}, title),
        el("ul", {}, ...items.map((e) => el("li", {},
          el("b", {}, e.term_label), e.excluded ? " (absent)" : "", ": ", (KIND[e.kind] || [0, e.kind])[1],
          e.annotation_label && e.annotation !== e.term ? ` — ${e.annotation_label}` : "",
          e.frequency !== null ? `, in ${Math.round(e.frequency * 100)}% of patients` : "",
          SOURCE_NOTE[e.source] ? el("small", { class: "muted" }, ` (${SOURCE_NOTE[e.source]})`) : "",
          el("small", { class: "muted" }, ` (${e.log10_lr >= 0 ? "+" : ""}${e.log10_lr.toFixed(2)})`)))));
    }),
    genotype,
    ...(c.course || []).map((x) => el("p", { class: "small" }, `${x.message} (${x.log10_lr.toFixed(2)})`)),
  ].filter(Boolean));
  return el("li", { class: "cand", "data-disease": c.disease_id }, head, el("div", { class: "track" }, bar), details);
}

// where an annotation comes from, when it is not the disease's own phenotype annotation
const SOURCE_NOTE = {
  "disease-name": "named in the disease's name",
  "orphanet-definition": "stated in Orphanet's definition",
  "orphanet-group-definition": "stated in Orphanet's definition of its group",
  "related-disease": "borrowed from a related disease",
};

function toggleCompare(id, on) {
  state.compare = state.compare.filter((x) => x !== id);
  if (on) state.compare.push(id);
  if (state.compare.length > 2) state.compare.shift();
  document.querySelectorAll("#candidates .cand").forEach((li) => {
    li.querySelector(".cmp").checked = state.compare.includes(li.dataset.disease);
  });
  renderCompare();
}

function renderCompare() {
  const box = $("#compare");
  const r = state.analysis && state.analysis.result;
  if (!r || state.compare.length !== 2) { box.hidden = true; return; }
  const [a, b] = state.compare.map((id) => r.candidates.find((c) => c.disease_id === id));
  if (!a || !b) { box.hidden = true; return; }
  const terms = [...r.present.map((t) => [t, false]), ...r.excluded.map((t) => [t, true])];
  const cell = (c, t) => {
    const e = c.evidence.find((x) => x.term === t.id);
    if (!e) return el("td", { class: "muted" }, "—");
    const [g, text] = KIND[e.kind] || ["unmatched", e.kind];
    return el("td", { class: `k-${g}` }, text, el("small", { class: "muted" }, ` (${e.log10_lr.toFixed(2)})`));
  };
  $("#compare-table").replaceChildren(
    el("thead", {}, el("tr", {}, el("th", {}, "Feature"),
      el("th", {}, `${a.rank}. ${a.label} (${pct(a.probability)})`),
      el("th", {}, `${b.rank}. ${b.label} (${pct(b.probability)})`))),
    el("tbody", {}, ...terms.map(([t, ex]) => el("tr", {},
      el("th", {}, t.label, ex ? " (absent)" : ""), cell(a, t), cell(b, t)))),
  );
  box.hidden = false;
}

async function reanalyse() {
  clearErrors();
  if (!state.caseId) return;
  const release = $("#release-select").value;
  $("#busy").hidden = false;
  try {
    const a = await api("POST", `/api/cases/${state.caseId}/analyses`, { release });
    const d = await api("GET", `/api/cases/${state.caseId}/diff`);
    state.analysis = a;
    state.compare = [];
    renderResults();
    $("#diff-title").textContent = `(${d.before.release} → ${d.after.release})`;
    $("#diff-table tbody").replaceChildren(...d.rows.filter((x) => x.change !== "same").map((x) => el("tr", { class: `ch-${x.change}` },
      el("td", {}, x.label), el("td", {}, x.rank_before ?? "—"), el("td", {}, x.rank_after ?? "—"), el("td", {}, x.change))));
    if (!$("#diff-table tbody").children.length) {
      $("#diff-table tbody").append(el("tr", {}, el("td", { colspan: "4" }, "The ranking did not change.")));
    }
    $("#diff").hidden = false;
  } catch (err) {
    showApiError(err, "err-release");
  } finally {
    $("#busy").hidden = true;
  }
}

// -- cases ----------------------------------------------------------------------------------
async function listCases() {
  clearErrors();
  const rows = await api("GET", "/api/cases");
  $("#cases-empty").hidden = rows.length > 0;
  $("#cases-table tbody").replaceChildren(...rows.map((c) => el("tr", {},
    el("td", {}, el("button", { type: "button", class: "link", onclick: () => openCase(c.id) }, c.title || `(untitled ${c.id.slice(0, 8)})`)),
    el("td", {}, c.owner), el("td", {}, new Date(c.updated_at).toLocaleString()), el("td", {}, c.n_analyses))));
  show("cases");
}

async function openCase(id) {
  clearErrors();
  const fromList = !$("#view-cases").hidden;
  try {
    const c = await api("GET", `/api/cases/${id}`);
    state.asked = [];
    loadCase(c);
    const last = c.analyses[c.analyses.length - 1];
    state.analysis = last ? await api("GET", `/api/cases/${id}/analyses/${last.id}`) : null;
    if (state.analysis) syncFeaturesFromAnalysis();
    state.compare = [];
    $("#diff").hidden = true;
    renderResults();
    show("work");
  } catch (err) {
    // shown where the user clicked: in the case list, or above the patient form
    if (fromList) setError("err-cases", err.message);
    else showApiError(err);
  }
}

async function openDisease(id) {
  const body = $("#disease-body");
  body.replaceChildren(el("p", {}, "loading…"));
  $("#disease-dialog").showModal();
  try {
    const release = state.analysis ? state.analysis.release : undefined;
    const d = await api("GET", `/api/diseases/${encodeURIComponent(id)}` + (release ? `?release=${encodeURIComponent(release)}` : ""));
    body.replaceChildren(...[
      el("h2", {}, d.label),
      el("p", { class: "small" }, ...Object.entries(d.cross_references).map(([k, v]) => el("span", { class: "xref" }, `${k}: ${v.join(", ")}`))),
      d.genes && d.genes.length ? el("p", {}, "Genes: ", d.genes.map((g) => g.symbol).join(", ")) : null,
      d.inheritance.length ? el("p", {}, "Inheritance: ", d.inheritance.map((x) => x.label).join(", ")) : null,
      d.onsets.length ? el("p", {}, "Onset: ", d.onsets.map((x) => x.label).join(", ")) : null,
      el("table", { class: "list" }, el("thead", {}, el("tr", {}, el("th", {}, "Feature"), el("th", {}, "Frequency"))),
        el("tbody", {}, ...d.annotations.map((x) => el("tr", {},
          el("td", {}, x.negated ? `NOT ${x.label}` : x.label, " ", el("small", { class: "muted" }, x.term)),
          el("td", {}, x.frequency === null ? "unknown" : `${Math.round(x.frequency * 100)}%`))))),
    ].filter(Boolean));
  } catch (err) {
    body.replaceChildren(el("p", { class: "error" }, err.message));
  }
}

// -- wiring ---------------------------------------------------------------------------------
function wire() {
  $("#login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors();
    const username = $("#login-username").value.trim();
    const password = $("#login-password").value;
    if (!username) { setError("err-username", "Enter your user name.", $("#login-username")); return; }
    if (!password) { setError("err-password", "Enter your password or API token.", $("#login-password")); return; }
    try {
      state.user = await api("POST", "/api/login", { username, password });
      $("#login-password").value = "";
      await afterLogin();
    } catch (err) {
      showApiError(err, "err-password");
    }
  });
  $("#btn-logout").addEventListener("click", async () => {
    try { await api("POST", "/api/logout"); } catch { /* signed out anyway */ }
    showLogin();
  });
  $("#btn-new").addEventListener("click", newCase);
  $("#btn-cases").addEventListener("click", () => listCases().catch((e) => showApiError(e)));
  $("#patient-form").addEventListener("submit", analyse);
  $("#btn-reanalyse").addEventListener("click", reanalyse);
  const input = $("#term-input");
  input.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch(input.value), 120);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown") { ev.preventDefault(); moveActive(1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); moveActive(-1); }
    else if (ev.key === "Escape") closeList();
    else if (ev.key === "Enter") {
      ev.preventDefault();
      const opts = [...$("#term-list").querySelectorAll("li[data-id]")];
      const o = opts[activeOption >= 0 ? activeOption : 0];
      if (!$("#term-list").hidden && o) pick({ id: o.dataset.id, label: o.dataset.label });
    }
  });
  input.addEventListener("blur", () => setTimeout(closeList, 150));
}

wire();
start();
