// Cases: the review queue by state with deadlines, and a case's page with
// its transitions and finding (and, for those who may, the next move).
import { api, query } from "../api.js";
import { h, field, humanize, link, notice, select, table } from "../dom.js";
import { getMeta } from "../meta.js";
import { may } from "../roles.js";

// "reported 3 days, supervisor review 14, ...": each open state's days, from the server.
function deadlines() {
  const { states, days } = getMeta().cases;
  return states.filter((s) => s in days).map((s, i) => `${humanize(s)} ${days[s]}${i ? "" : " days"}`).join(", ");
}

export async function casesPage(ctx) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const STATES = getMeta().cases.states;
  const state = select("state", STATES.map((s) => [s, humanize(s)]), params.get("state") || "reported");
  const out = h("div", { "aria-live": "polite" });
  ctx.main.append(h("h1", { tabindex: -1 }, "Review queue"),
    h("p", { class: "lede" }, `Cases oldest first, with the deadline of their current state: ${deadlines()}.`),
    h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); load(); } }, field("State", state), h("button", { type: "submit" }, "Show")),
    out);
  async function load() {
    const data = await api(`/api/v1/cases${query({ state: state.value, limit: 200 })}`);
    const rows = data.cases.map((c) => [link(`#/cases/${encodeURIComponent(c.incident)}`, c.incident), c.occurred_at.slice(0, 10), c.agency,
      humanize(c.force_kinds).replaceAll(",", ", "), c.mandatory_review ? "yes" : "no",
      c.due ? c.due.slice(0, 10) : "", c.overdue ? h("strong", { class: "overdue" }, "overdue") : (c.due ? "on time" : ""), c.finding ? humanize(c.finding) : ""]);
    out.replaceChildren(rows.length
      ? table(`${data.cases.length}${data.more ? "+" : ""} cases in ${humanize(state.value)}`, ["incident", "date", "agency", "force", "mandatory review", "due", "status", "finding"], rows, { id: "case-list" })
      : notice(`No case in ${humanize(state.value)}.`));
  }
  await load();
}

export async function casePage(ctx, id) {
  const c = await api(`/api/v1/cases/${encodeURIComponent(id)}`);
  ctx.main.append(h("p", { class: "crumbs" }, link("#/cases", "Cases"), " / ", id),
    h("h1", { tabindex: -1 }, `Case ${id}`),
    h("dl", { class: "facts" },
      h("dt", {}, "State"), h("dd", { id: "case-state" }, humanize(c.state)),
      h("dt", {}, "Mandatory review"), h("dd", {}, c.mandatory_review ? "yes: investigation and board review required" : "no"),
      c.finding ? [h("dt", {}, "Finding"), h("dd", {}, `${humanize(c.finding)} (${c.reviewer})`)] : null,
      h("dt", {}, "Incident"), h("dd", {}, link(`#/incidents/${encodeURIComponent(id)}`, id))),
    h("h2", {}, "Transitions"),
    c.transitions.length
      ? table(null, ["from", "to", "by", "at", "finding", "note"], c.transitions.map((t) => [humanize(t.from), humanize(t.to), t.by, t.at, humanize(t.finding || ""), t.note || ""]))
      : h("p", {}, "No move yet."));
  const { transitions, findings: FINDINGS } = getMeta().cases;
  const moves = transitions[c.state] || [];
  if (may(ctx.user, "move_case") && moves.length) {
    const to = select("to", moves.map((m) => [m, humanize(m)]), moves[0]);
    const finding = select("finding", [["", "none"], ...FINDINGS.map((f) => [f, humanize(f)])], "");
    const note = h("input", { name: "note", maxlength: 256 });
    const status = h("div", { "aria-live": "polite" });
    ctx.main.append(h("h2", {}, "Move the case"), h("form", { class: "filters", onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        await api(`/api/v1/cases/${encodeURIComponent(id)}/transitions`, { method: "POST",
          json: { to: to.value, ...(finding.value ? { finding: finding.value } : {}), ...(note.value ? { note: note.value } : {}) } });
        ctx.route();
      } catch (e) {
        status.replaceChildren(notice(e.message, "error"));
      }
    } }, field("To", to), field("Finding (when closing)", finding), field("Note", note), h("button", { type: "submit" }, "Move"), status));
  }
}
