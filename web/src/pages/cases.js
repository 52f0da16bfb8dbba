// Cases: the review queue by state with deadlines, and a case's page with
// its transitions and finding (and, for those who may, the next move).
import { api, query } from "../api.js";
import { agencyLabel, append, h, field, humanize, link, notice, select, table } from "../dom.js";
import { getMeta } from "../meta.js";
import { may } from "../roles.js";

// "reported 3 days, supervisor review 14, ...": each open state's days, from the server.
function deadlines() {
  const { states, days } = getMeta().cases;
  return states.filter((s) => s in days).map((s, i) => `${humanize(s)} ${days[s]}${i ? "" : " days"}`).join(", ");
}

// How often closed cases ended with no action (exact counts, oversight roles only).
function outcomes(o) {
  const pct = (n, d) => (d ? ` (${Math.round((100 * n) / d)}%)` : "");
  return h("section", { id: "case-outcomes" }, h("h2", {}, "Consequences"),
    h("dl", { class: "facts" },
      h("dt", {}, "Closed cases"), h("dd", {}, String(o.closed)),
      h("dt", {}, "Closed out of policy"), h("dd", {}, String(o.out_of_policy)),
      h("dt", {}, "… with an officer's force left without action"), h("dd", { id: "oop-no-action" }, `${o.out_of_policy_no_action}${pct(o.out_of_policy_no_action, o.out_of_policy)}`),
      h("dt", {}, "Officers' force out of policy, no action"), h("dd", {}, `${o.officers_no_action} of ${o.officers_out_of_policy}`),
      h("dt", {}, "Failures to intervene or report, no action"), h("dd", {}, `${o.duty_failures_no_action} of ${o.duty_failures}`)));
}

export async function casesPage(ctx) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const STATES = getMeta().cases.states;
  const state = select("state", [["", "any state"], ...STATES.map((s) => [s, humanize(s)])], params.has("state") ? params.get("state") : "reported");
  const mine = ctx.user && ctx.user.role === "investigator" ? ctx.user.name : "";
  const assignee = h("input", { name: "assignee", maxlength: 64, value: params.get("assignee") ?? mine });
  const overdue = h("input", { type: "checkbox", name: "overdue", checked: params.get("overdue") === "true" });
  const out = h("div", { "aria-live": "polite" });
  ctx.main.append(h("h1", { tabindex: -1 }, "Review queue"),
    h("p", { class: "lede" }, `Cases oldest first, with the deadline of their current state: ${deadlines()}.`),
    h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); load(); } },
      field("State", state), field("Assigned to", assignee), field("Overdue only", overdue), h("button", { type: "submit" }, "Show")),
    out);
  async function load() {
    const data = await api(`/api/v1/cases${query({ state: state.value, assignee: assignee.value.trim(), overdue: overdue.checked ? "true" : "", limit: 200 })}`);
    const where = `${state.value ? humanize(state.value) : "any state"}${assignee.value.trim() ? `, assigned to ${assignee.value.trim()}` : ""}`;
    const rows = data.cases.map((c) => [link(`#/cases/${encodeURIComponent(c.incident)}`, c.incident), c.occurred_at.slice(0, 10), agencyLabel(c.agency, c.agency_name, c.agency_withdrawn),
      humanize(c.force_kinds).replaceAll(",", ", "), humanize(c.state), c.mandatory_review ? "yes" : "no", c.assignee || "",
      c.due ? c.due.slice(0, 10) : "", c.overdue ? h("strong", { class: "overdue" }, "overdue") : (c.due ? "on time" : ""), c.finding ? humanize(c.finding) : ""]);
    out.replaceChildren(rows.length
      ? table(`${data.cases.length}${data.more ? "+" : ""} cases in ${where}`, ["incident", "date", "agency", "force", "state", "mandatory review", "assignee", "due", "status", "finding"], rows, { id: "case-list" })
      : notice(`No case in ${where}.`));
  }
  await load();
  ctx.main.append(outcomes(await api("/api/v1/stats/consequences")));
}

// The consequences a closing records: one row per officer and what for.
function consequenceRows(officers) {
  const { consequence_kinds: KINDS, actions: ACTIONS } = getMeta().cases;
  const body = h("tbody", {});
  const add = () => body.append(h("tr", {},
    h("td", {}, select("officer", officers.map((o) => [o, o]), officers[0])),
    h("td", {}, select("for", KINDS.map((k) => [k, humanize(k)]), KINDS[0])),
    h("td", {}, select("action", ACTIONS.map((a) => [a, humanize(a)]), ACTIONS[0])),
    h("td", {}, h("button", { type: "button", onclick: (ev) => ev.target.closest("tr").remove() }, "Remove"))));
  const el = h("fieldset", { class: "consequences" }, h("legend", {}, "Consequences (when closing): the action taken per officer; none is a decision"),
    h("table", { id: "consequences" }, h("thead", {}, h("tr", {}, ["officer", "for", "action", ""].map((x) => h("th", { scope: "col" }, x)))), body),
    h("button", { type: "button", onclick: add }, "Add an officer"));
  el.values = () => [...body.querySelectorAll("tr")].map((tr) => ({
    officer: tr.querySelector("[name=officer]").value, for: tr.querySelector("[name=for]").value, action: tr.querySelector("[name=action]").value }));
  return el;
}

export async function casePage(ctx, id) {
  const c = await api(`/api/v1/cases/${encodeURIComponent(id)}`);
  const role = ctx.user ? ctx.user.role : "public";
  const meta = getMeta().cases;
  // append (dom.js) skips a null and flattens the arrays; Element.append would print them.
  append(ctx.main, [h("p", { class: "crumbs" }, link("#/cases", "Cases"), " / ", id),
    h("h1", { tabindex: -1 }, `Case ${id}`),
    h("dl", { class: "facts" },
      h("dt", {}, "State"), h("dd", { id: "case-state" }, humanize(c.state)),
      h("dt", {}, "Mandatory review"), h("dd", {}, c.mandatory_review ? "yes: investigation and board review required" : "no"),
      h("dt", {}, "Investigator"), h("dd", { id: "case-assignee" }, c.assignee || "not assigned"),
      c.due ? [h("dt", {}, "Due"), h("dd", { id: "case-due" }, c.due, c.overdue ? [" ", h("strong", { class: "overdue" }, "overdue")] : "")] : null,
      c.finding ? [h("dt", {}, "Finding"), h("dd", {}, `${humanize(c.finding)} (${c.reviewer})`)] : null,
      h("dt", {}, "Incident"), h("dd", {}, link(`#/incidents/${encodeURIComponent(id)}`, id))),
    c.consequences && c.consequences.length
      ? [h("h2", {}, "Consequences"), table(null, ["officer", "for", "action"], c.consequences.map((k) => [k.officer, humanize(k.for), humanize(k.action)]), { id: "case-consequences" })]
      : null,
    h("h2", {}, "Transitions"),
    c.transitions.length
      ? table(null, ["from", "to", "by", "role", "at", "finding", "note or reason"], c.transitions.map((t) => [humanize(t.from),
        t.assigned ? `assigned to ${t.assigned}` : humanize(t.to), t.by, t.role || "", t.at, humanize(t.finding || ""), t.reason || t.note || ""]))
      : h("p", {}, "No move yet.")]);
  // Only the moves this role may make (the server checks them again, and who investigated).
  const moves = (meta.transitions[c.state] || []).filter((m) => ((meta.move_roles[c.state] || {})[m] || []).includes(role));
  if (may(ctx.user, "move_case") && moves.length) {
    let officers = [];
    try {
      officers = ((await api(`/api/v1/incidents/${encodeURIComponent(id)}`)).officers || []).map((o) => o.id);
    } catch (e) {
      officers = [];
    }
    const to = select("to", moves.map((m) => [m, humanize(m)]), moves[0]);
    const finding = select("finding", [["", "none"], ...meta.findings.map((f) => [f, humanize(f)])], "");
    const note = h("input", { name: "note", maxlength: 256 });
    const reason = h("textarea", { name: "reason", maxlength: 1000, rows: 2 });
    const cons = officers.length ? consequenceRows(officers) : null;
    const status = h("div", { "aria-live": "polite" });
    const closing = () => to.value === "closed";
    ctx.main.append(h("h2", {}, "Move the case"), h("form", { class: "filters", id: "move-form", onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        await api(`/api/v1/cases/${encodeURIComponent(id)}/transitions`, { method: "POST",
          json: { to: to.value, ...(finding.value && closing() ? { finding: finding.value } : {}), ...(note.value ? { note: note.value } : {}),
            ...(c.state === "closed" ? { reason: reason.value } : {}), ...(cons && closing() ? { consequences: cons.values() } : {}) } });
        ctx.route();
      } catch (e) {
        status.replaceChildren(notice(e.message, "error"));
      }
    } }, field("To", to), field("Finding (when closing)", finding), field("Note", note),
      c.state === "closed" ? field("Reason for reopening", reason) : null, cons, h("button", { type: "submit" }, "Move"), status));
  }
  if (may(ctx.user, "move_case") && meta.assigners.includes(role) && c.state !== "closed") {
    const who = h("input", { name: "assignee", maxlength: 64, required: true, value: c.assignee || "" });
    const status = h("div", { "aria-live": "polite" });
    ctx.main.append(h("h2", {}, "Assign an investigator"), h("form", { class: "filters", id: "assign-form", onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        await api(`/api/v1/cases/${encodeURIComponent(id)}/assignment`, { method: "POST", json: { assignee: who.value.trim() } });
        ctx.route();
      } catch (e) {
        status.replaceChildren(notice(e.message, "error"));
      }
    } }, field("Assignee (user name)", who), h("button", { type: "submit" }, "Assign"), status));
  }
}
