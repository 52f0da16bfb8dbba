// The officer registry: registry officers (one person serving one agency,
// id AGENCY:LABEL), listed by agency, and one officer's profile: the
// incidents they are linked in, their acts of force, findings of stored
// reviews, duty items and training. What the server lets the user see
// (their agency's officers; an officer only themself) is all that is shown.
import { api } from "../api.js";
import { agencyLabel, append, h, field, humanize, link, notice, table } from "../dom.js";

const officerLink = (id) => link(`#/officers/${encodeURIComponent(id)}`, id);
const incidentLink = (id) => link(`#/incidents/${encodeURIComponent(id)}`, id);

export async function officersPage(ctx) {
  const agency = h("input", { name: "agency", placeholder: "any" });
  const out = h("div", { "aria-live": "polite" });
  ctx.main.append(h("h1", { tabindex: -1 }, "Officers"),
    h("p", { class: "lede" }, "Registry officers: one person serving one agency. Incidents link their officers to them."),
    h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); show(); } },
      field("Agency", agency), h("button", { type: "submit" }, "Show")),
    out);
  async function show() {
    out.replaceChildren(h("p", {}, "Loading…"));
    const q = agency.value.trim() ? `?agency=${encodeURIComponent(agency.value.trim())}` : "";
    const { officers } = await api(`/api/v1/officers${q}`);
    out.replaceChildren(officers.length
      ? table(null, ["id", "agency", "name", "badge", "rank", "status"], officers.map((o) => [
        officerLink(o.id), agencyLabel(o.agency, o.agency_name, o.agency_withdrawn), o.name || "", o.badge || "", o.rank || "",
        o.withdrawn ? "withdrawn" : humanize(o.status || "")]), { id: "officers" })
      : notice("No registry officer."));
  }
  await show();
}

export async function officerPage(ctx, id) {
  let p;
  try {
    p = await api(`/api/v1/officers/${encodeURIComponent(id)}`);
  } catch (e) {
    ctx.main.append(h("h1", { tabindex: -1 }, id), notice(e.message, "error"));
    return;
  }
  const o = p.officer;
  const courses = (p.training && p.training.courses) || [];
  // append (dom.js) skips the sections a null stands for; Element.append would print "null".
  append(ctx.main, [
    h("h1", { tabindex: -1 }, o.name || o.id),
    h("p", { class: "lede", id: "officer-summary" }, [o.id, agencyLabel(o.agency, p.agency_name, p.agency_withdrawn), o.badge && `badge ${o.badge}`, o.rank,
      o.unit, o.status && humanize(o.status), o.withdrawn && "withdrawn"].filter(Boolean).join(" · ")),
    (o.assignments || []).length ? table("Assignments", ["unit", "from", "to"],
      o.assignments.map((a) => [a.unit, a.from, a.to || ""])) : null,
    h("h2", {}, `Incidents (${p.incidents.length})`),
    p.incidents.length ? table(null, ["incident", "agency", "occurred", "as", "role", "encounter"],
      p.incidents.map((i) => [incidentLink(i.id), agencyLabel(i.agency, i.agency_name, i.agency_withdrawn), i.occurred_at, i.label, humanize(i.role),
        humanize(i.encounter || "")]), { id: "officer-incidents" }) : notice("Linked in no incident."),
    h("h2", {}, `Acts of force (${p.acts.length})`),
    p.acts.length ? table(null, ["incident", "account", "t (s)", "kind", "target"],
      p.acts.map((a) => [incidentLink(a.incident), a.account, String(a.t), humanize(a.kind), a.target || ""])) : notice("None recorded."),
    // Findings, duties and training are left out for a user who may not read them (an officer).
    ...(p.findings ? [h("h2", {}, `Findings (${p.findings.length})`),
      p.findings.length ? table(null, ["incident", "policy", "application", "outcome"],
        p.findings.map((f) => [incidentLink(f.incident), f.what_if ? `${f.policy} (what-if: ${f.what_if_reason || "not in effect"})` : f.policy,
          f.key, humanize(f.outcome)])) : notice("No stored review names them.")] : []),
    ...(p.duties ? [h("h2", {}, `Duty items (${p.duties.length})`),
      h("p", {}, "Items for review, not findings."),
      p.duties.length ? table(null, ["kind", "incident", "detail"],
        p.duties.map((d) => [humanize(d.kind), incidentLink(d.incident), d.detail])) : notice("No item."),
      h("h2", {}, "Training"),
      courses.length ? table(null, ["course", "completed", "expires"],
        courses.map((c) => [humanize(c.course), c.completed, c.expires || ""])) : notice("No training recorded.")] : [])]);
}

// An incident officer's registry link, for the incident page: a link to the profile, or "".
export function registryCell(o) {
  return o.registry ? officerLink(o.registry) : "";
}
