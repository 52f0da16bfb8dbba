// Incidents: the list with filters and pages, and the incident page: the
// accounts as swim lanes on one time axis with the force applications
// marked, the findings per policy and account with the decisive disputed
// facts, and a plan view of positions at each force application.
import { api, query } from "../api.js";
import { agencyLabel, h, field, humanize, link, notice, select, table } from "../dom.js";
import { may } from "../roles.js";
import { enumValues } from "../meta.js";
import { Plot, plot } from "../charts.js";
import { registryCell } from "./officers.js";

export async function incidentsPage(ctx) {
  const openId = h("input", { name: "id", required: true, placeholder: "demo-0007" });
  ctx.main.append(h("h1", { tabindex: -1 }, "Incidents"),
    h("form", { class: "inline", onsubmit: (ev) => { ev.preventDefault(); location.hash = `#/incidents/${encodeURIComponent(openId.value.trim())}`; } },
      field("Open incident by id", openId), h("button", { type: "submit" }, "Open")));
  if (!may(ctx.user, "list_incidents")) {
    ctx.main.append(h("p", {}, "Officers open the incidents they took part in by id."));
    return;
  }
  const agency = h("input", { name: "agency", placeholder: "any" });
  const since = h("input", { name: "since", type: "date" });
  const until = h("input", { name: "until", type: "date" });
  const ENCOUNTERS = ["", ...enumValues("encounter")], FORCE_KINDS = ["", ...enumValues("force_kind")];
  const encounter = select("encounter", ENCOUNTERS.map((e) => [e, e ? humanize(e) : "any"]), "");
  const force = select("force_kind", FORCE_KINDS.map((e) => [e, e ? humanize(e) : "any"]), "");
  const perPage = select("limit", ["10", "20", "50", "100"].map((n) => [n, n]), "20");
  const out = h("div", { "aria-live": "polite" });
  const cursors = [null];
  let pageNo = 0;
  ctx.main.append(
    h("form", { class: "filters", "aria-label": "Filters", onsubmit: (ev) => { ev.preventDefault(); cursors.length = 1; pageNo = 0; load(); } },
      field("Agency", agency), field("From", since), field("To", until), field("Encounter", encounter), field("Force kind", force),
      field("Per page", perPage), h("button", { type: "submit" }, "Filter")),
    out);

  async function load() {
    const data = await api(`/api/v1/incidents${query({ limit: perPage.value, agency: agency.value.trim(), since: since.value, until: until.value,
      encounter: encounter.value, force_kind: force.value, cursor: cursors[pageNo] })}`);
    if (data.next_cursor) cursors[pageNo + 1] = data.next_cursor;
    const rows = data.incidents.map((i) => [link(`#/incidents/${encodeURIComponent(i.id)}`, i.id), i.occurred_at.slice(0, 10),
      agencyLabel(i.agency, i.agency_name, i.agency_withdrawn), humanize(i.encounter || ""), humanize(i.force_kinds).replaceAll(",", ", "), String(i.accounts)]);
    out.replaceChildren(
      data.incidents.length ? table(`Incidents, page ${pageNo + 1}`, ["id", "date", "agency", "encounter", "force", "accounts"], rows, { id: "incident-list" })
        : notice("No incident matches these filters."),
      h("div", { class: "pager" },
        h("button", { type: "button", disabled: pageNo === 0, onclick: () => { pageNo--; load(); } }, "Previous page"),
        h("span", {}, `Page ${pageNo + 1}`),
        h("button", { type: "button", disabled: !data.next_cursor, onclick: () => { pageNo++; load(); } }, "Next page")));
  }
  await load();
}

function eventText(ev) {
  const bits = [humanize(ev.type)];
  if (ev.actor) bits.push(ev.actor);
  if (ev.kind) bits.push(humanize(ev.kind));
  if (ev.direction) bits.push(`${ev.direction}${ev.relative_to ? ` ${ev.relative_to}` : ""}`);
  if (ev.target || ev.target_id) bits.push(`at ${ev.target_id || ev.target}`);
  return bits.join(" ");
}

// A review item is a force application, or another act a rule is "on" (a reach into
// a vehicle, a command): "type" names its event type, "act" the id of the act (review.acts)
// its accounts' items are aligned into (docs/policy-language.md).
const isForce = (a) => !a.type || a.type === "force";
const actLabel = (a) => humanize(isForce(a) ? a.kind : a.type);

function swimLanes(doc, applications) {
  const accounts = doc.accounts.map((a) => a.id);
  const events = doc.accounts.flatMap((a) => a.events.filter((e) => typeof e.t === "number")
    .map((e) => ({ account: a.id, t: e.t, type: e.type, force: e.type === "force", label: eventText(e), note: e.note || "" })));
  const forces = [...new Map(applications.filter(isForce).map((k) => [k.key, k])).values()];
  const svg = plot({
    width: Math.max(320, Math.min(900, document.getElementById("main").clientWidth - 32)),
    height: 70 + 56 * accounts.length, marginLeft: 90, marginTop: 30,
    // Symlog: seconds near the force stay apart when an account runs on for minutes.
    x: { type: "symlog", label: "seconds from the start (log scale)", grid: true },
    y: { domain: accounts, label: null },
    color: { legend: true, label: "event" },
    marks: [
      Plot.ruleX(forces, { x: "t", stroke: "#b3261e", strokeDasharray: "4,3" }),
      Plot.text(forces, { x: "t", text: (f) => `${f.actor} ${humanize(f.kind)}`, frameAnchor: "top", dy: -18, fill: "#b3261e" }),
      Plot.dot(events.filter((e) => !e.force), { x: "t", y: "account", fill: "type", r: 6, title: (e) => `${e.account} t=${e.t} s: ${e.label}. ${e.note}` }),
      Plot.dot(events.filter((e) => e.force), { x: "t", y: "account", symbol: "diamond", r: 9, fill: "#b3261e", stroke: "#000", title: (e) => `${e.account} t=${e.t} s: ${e.label}. ${e.note}` }),
    ],
  });
  const rows = events.slice().sort((a, b) => a.t - b.t || a.account.localeCompare(b.account))
    .map((e) => [e.account, `${e.t}`, e.force ? h("strong", {}, e.label) : e.label, e.note]);
  return h("figure", { class: "chart", id: "swimlanes", "aria-labelledby": "lanes-cap" },
    h("figcaption", { id: "lanes-cap" }, "The accounts on one time axis (force applications marked in red)"),
    svg,
    h("details", {}, h("summary", {}, "Every event, in time order"), table(null, ["account", "t (s)", "event", "note"], rows)));
}


const OUTCOME = { within: "within policy", out: "OUT OF POLICY", undetermined: "undetermined", "n/a": "not applicable" };

// One act as the accounts tell it (review.acts): the match across accounts, or the
// dispute when one account alone tells it.
function actNotes(act) {
  if (!act) return [];
  const notes = [];
  if (act.items.length > 1)
    notes.push(h("p", { class: "aligned", "data-act": act.act }, "Aligned: ",
      act.items.map((i) => `${i.account} t=${i.t}${act.kinds_differ ? ` ${humanize(i.kind)}` : ""}`).join(" ↔ ")));
  if (act.disputed)
    notes.push(h("p", { class: "only-in", role: "note", "data-act": act.act, "data-account": act.only_in },
      h("strong", {}, "Disputed: "), act.disputed));
  return notes;
}

// A decisive fact's values in the order of the act's accounts (JSON objects have none).
function valuesInOrder(d, act) {
  const order = act ? act.items.map((i) => i.account) : [];
  const rank = (acc) => (order.includes(acc) ? order.indexOf(acc) : order.length);
  return Object.entries(d.values).sort(([a], [b]) => rank(a) - rank(b));
}

function findingsFor(review) {
  const acts = new Map((review.acts || []).map((a) => [a.act, a]));
  const byKey = new Map();
  for (const a of review.applications) {
    const id = a.act || a.key;   // the accounts' applications of one act together
    if (!byKey.has(id)) byKey.set(id, []);
    byKey.get(id).push(a);
  }
  const decisive = review.decisive || [];
  const section = h("section", { class: "review", "data-policy": review.policy, "aria-labelledby": `pol-${review.policy}` },
    h("h3", { id: `pol-${review.policy}` }, `Under ${review.policy}`, review.policy_kind ? ` (${review.policy_kind}${review.policy_effective ? `, in effect from ${review.policy_effective}` : ""})` : ""),
    review.what_if ? h("p", { class: "what-if", "data-what-if": "true" }, `What-if: ${review.policy} is not in effect for this incident (${review.what_if_reason}).`) : null);
  for (const [key, apps] of byKey) {
    const first = apps[0];
    section.append(h("h4", {}, `${first.actor} ${actLabel(first)} at t=${first.t} s${first.target ? ` at ${first.target}` : ""}`));
    for (const note of actNotes(acts.get(key))) section.append(note);
    const rows = apps.map((a) => {
      const notable = a.rules.filter((r) => r.outcome === "out" || r.outcome === "undetermined");
      return h("tr", { class: `outcome-${a.outcome.replace("/", "")}`, "data-account": a.account, "data-outcome": a.outcome },
        h("th", { scope: "row" }, a.account),
        h("td", { class: "outcome" }, OUTCOME[a.outcome] || a.outcome),
        h("td", {}, notable.length ? h("ul", {}, notable.map((r) => h("li", {},
          h("span", { class: "rule" }, r.rule), ` (${r.cite}): ${OUTCOME[r.outcome]}`,
          r.outcome === "undetermined" && r.unknown.length
            ? h("div", { class: "decide" }, "Would be decided by: ", r.unknown.join(", ")) : null))) : "no rule breached or open"));
    });
    section.append(h("div", { class: "scroll" }, h("table", { class: "findings" },
      h("thead", {}, h("tr", {}, ["account", "finding", "rules out of policy or undetermined"].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows))));
    const dk = decisive.filter((d) => (d.act || d.key) === key);
    if (dk.length) {
      section.append(h("div", { class: "decisive", role: "note" },
        h("strong", {}, "Decisive disputed facts: "),
        h("ul", {}, dk.map((d) => h("li", { "data-fact": d.fact },
          h("mark", {}, d.fact), ` (rule ${d.rule}): `,
          valuesInOrder(d, acts.get(key)).map(([acc, v]) => `${acc} says ${v}`).join("; "))))));
    }
  }
  return section;
}

// One row per force application and policy, one column per account: the
// outcome each account's version of events gets, at a glance.
function findingMatrix(doc, reviews) {
  const accounts = doc.accounts.map((a) => a.id);
  const rows = [];
  for (const r of reviews) {
    const acts = new Map((r.acts || []).map((a) => [a.act, a]));
    const byKey = new Map();
    for (const a of r.applications) {
      const id = a.act || a.key;
      if (!byKey.has(id)) byKey.set(id, { first: a, by: new Map() });
      byKey.get(id).by.set(a.account, a.outcome);
    }
    for (const [, { first, by }] of byKey) {
      const key = first.key;
      // Disputed: the accounts' outcomes differ, or one account alone tells the act (the
      // review's acts[].only_in: the rule is lib/policy/review.c's, not re-derived here).
      const act = acts.get(first.act);
      const disputed = new Set(by.values()).size > 1 || Boolean(act && act.only_in);
      rows.push(h("tr", { "data-key": key, "data-policy": r.policy },
        h("th", { scope: "row" }, `${first.actor} ${actLabel(first)} t=${first.t} s`),
        h("td", {}, r.policy),
        accounts.map((acc) => {
          const o = by.get(acc);
          return h("td", { class: o ? `outcome outcome-${o.replace("/", "")}` : "", "data-account": acc }, o ? OUTCOME[o] : "not in this account");
        }),
        h("td", {}, disputed ? "disputed" : "")));
    }
  }
  if (!rows.length) return "";
  return h("div", { class: "scroll" }, h("table", { id: "finding-matrix", class: "matrix" },
    h("caption", {}, "Each force application's (and other judged act's) finding per policy and account"),
    h("thead", {}, h("tr", {}, ["force application or act", "policy", ...accounts, ""].map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows)));
}

function planViews(doc, applications) {
  const vehicles = new Set((doc.vehicles || []).map((v) => v.id));
  const figures = [];
  for (const acc of doc.accounts) {
    const pos = acc.events.filter((e) => e.type === "position" && typeof e.x === "number" && typeof e.y === "number");
    if (!pos.length) continue;
    const forces = applications.filter((a) => a.account === acc.id && isForce(a));
    for (const f of forces.length ? forces : [{ t: Math.max(...pos.map((p) => p.t)), actor: "", kind: "", key: "last" }]) {
      const latest = new Map();
      for (const p of pos) if (p.t <= f.t && (!latest.has(p.actor) || latest.get(p.actor).t <= p.t)) latest.set(p.actor, p);
      const at = [...latest.values()];
      const path = pos.filter((p) => vehicles.has(p.actor)).sort((a, b) => a.t - b.t);
      const arrows = at.filter((p) => typeof p.heading_deg === "number").map((p) => {
        const rad = (p.heading_deg * Math.PI) / 180, len = 2.5;
        return { x1: p.x, y1: p.y, x2: p.x + len * Math.sin(rad), y2: p.y + len * Math.cos(rad) };
      });
      const xs = pos.map((p) => p.x).concat(arrows.map((a) => a.x2)), ys = pos.map((p) => p.y).concat(arrows.map((a) => a.y2));
      const pad = 3;
      const svg = plot({
        width: 340, height: 300, inset: 10,
        x: { domain: [Math.min(...xs) - pad, Math.max(...xs) + pad], label: "x (m, east)" },
        y: { domain: [Math.min(...ys) - pad, Math.max(...ys) + pad], label: "y (m, north)" },
        marks: [
          Plot.line(path, { x: "x", y: "y", z: "actor", stroke: "#888", strokeDasharray: "3,3" }),
          Plot.arrow(arrows, { x1: "x1", y1: "y1", x2: "x2", y2: "y2", stroke: "#b3261e", strokeWidth: 2 }),
          Plot.dot(at, { x: "x", y: "y", r: 7, fill: (p) => (vehicles.has(p.actor) ? "#b3261e" : "#1d3a5f"), symbol: (p) => (vehicles.has(p.actor) ? "square" : "circle") }),
          Plot.text(at, { x: "x", y: "y", text: "actor", dy: -14 }),
        ],
      });
      figures.push(h("figure", { class: "chart plan", "data-account": acc.id },
        h("figcaption", {}, `Plan view, ${acc.id} account: positions at t=${f.t} s${f.actor ? ` (${f.actor} ${humanize(f.kind)})` : ""}`),
        svg,
        table(null, ["who", "x (m)", "y (m)", "as of t (s)", "heading (°)"], at.map((p) => [p.actor, String(p.x), String(p.y), String(p.t), p.heading_deg ?? ""]))));
    }
  }
  return figures;
}

export async function incidentPage(ctx, id) {
  const data = await api(`/api/v1/incidents/${encodeURIComponent(id)}`).catch((e) => {
    if (e.status === 404) return null;
    throw e;
  });
  if (!data) {
    ctx.main.append(h("h1", { tabindex: -1 }, `Incident ${id}`), notice(`No incident ${id} that you may see.`, "error"));
    return;
  }
  const doc = data.incident;
  const where = doc.location ? [doc.location.city, doc.location.state].filter(Boolean).join(", ") : "";
  ctx.main.append(
    h("p", { class: "crumbs" }, link("#/incidents", "Incidents"), " / ", doc.id),
    h("h1", { tabindex: -1 }, `Incident ${doc.id}`),
    h("dl", { class: "facts" },
      h("dt", {}, "When"), h("dd", {}, doc.occurred_at),
      h("dt", {}, "Agency"), h("dd", { id: "incident-agency" }, agencyLabel(doc.agency, data.agency_name, data.agency_withdrawn)),
      where ? [h("dt", {}, "Where"), h("dd", {}, where)] : null,
      doc.encounter ? [h("dt", {}, "Encounter"), h("dd", {}, humanize(doc.encounter))] : null,
      h("dt", {}, "Version"), h("dd", {}, `${data.version} of ${data.latest}, stored ${data.stored_at}`)),
    doc.summary ? h("p", { class: "summary" }, doc.summary) : "",
    partiesTable(doc));

  let reviews = [], none = "No adopted policy was in effect on the incident's date.";
  if (may(ctx.user, "read_review")) {
    const f = await api(`/api/v1/incidents/${encodeURIComponent(id)}/findings`);
    reviews = f.reviews;
    if (f.note) none = `${f.note[0].toUpperCase()}${f.note.slice(1)}: no policy is applied unless named on the What-if page.`;
  }
  const applications = reviews.length ? reviews[0].applications
    : doc.accounts.flatMap((a) => a.events.filter((e) => e.type === "force" && typeof e.t === "number")
      .map((e) => ({ account: a.id, key: `${e.actor}@${e.t}`, actor: e.actor, kind: e.kind, t: e.t })));
  ctx.main.append(h("h2", {}, "Accounts"), swimLanes(doc, applications), findingMatrix(doc, reviews));
  if (may(ctx.user, "read_review")) {
    ctx.main.append(h("h2", {}, "Findings"),
      ...(reviews.length ? reviews.map(findingsFor) : [notice(none)]));
  }
  const plans = planViews(doc, applications);
  if (plans.length) ctx.main.append(h("h2", {}, "Plan view"), h("div", { class: "plans" }, plans));
}

function partiesTable(doc) {
  const rows = [
    ...(doc.officers || []).map((o) => [o.id, "officer", humanize(o.role), o.name || "", humanize(o.injury || ""), registryCell(o)]),
    ...(doc.subjects || []).map((s) => [s.id, "subject", s.armed ? `armed: ${humanize(s.armed)}` : "", s.name || "", humanize(s.injury || ""), ""]),
    ...(doc.vehicles || []).map((v) => [v.id, "vehicle", humanize(v.kind || ""), v.description || "", "", ""]),
  ];
  return h("details", { class: "parties" }, h("summary", {}, `People and vehicles (${rows.length})`),
    table(null, ["id", "party", "role", "name or description", "injury", "registry officer"], rows));
}
