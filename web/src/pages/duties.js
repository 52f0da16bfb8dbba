// Duties: overdue statements, interventions, medical aid and training
// items, grouped per officer. Items for review, not findings of guilt.
// A large database has thousands of officers: the page shows the 50 with
// the most items, and any officer by id.
import { api } from "../api.js";
import { h, field, humanize, link, notice, select, table } from "../dom.js";
import { getMeta } from "../meta.js";

export const OFFICERS_SHOWN = 50;

export async function dutiesPage(ctx) {
  const KINDS = ["", ...getMeta().duty_kinds];
  const kind = select("kind", KINDS.map((k) => [k, k ? humanize(k) : "any"]), "");
  const officer = h("input", { name: "officer", placeholder: "any (AGENCY:LABEL)" });
  const out = h("div", { "aria-live": "polite" });
  ctx.main.append(h("h1", { tabindex: -1 }, "Duties"),
    h("p", { class: "lede" }, "Items for review that follow a use of force, per officer. They are not findings."),
    h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); show(); } },
      field("Kind", kind), field("Registry officer", officer), h("button", { type: "submit" }, "Show")),
    out);
  out.append(h("p", {}, "Loading…"));
  const { duties } = await api("/api/v1/duties");
  function show() {
    const who = officer.value.trim();
    const items = duties.filter((d) => (!kind.value || d.kind === kind.value) && (!who || d.registry === who));
    const byOfficer = new Map();
    for (const d of items) {
      // A person is a registry officer; an unlinked label is someone only within its incident.
      const o = d.registry || (d.officer ? `${d.officer} in ${d.incident}` : "(no officer named)");
      if (!byOfficer.has(o)) byOfficer.set(o, []);
      byOfficer.get(o).push(d);
    }
    const ranked = [...byOfficer.entries()].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b));
    const shown = ranked.slice(0, OFFICERS_SHOWN);
    out.replaceChildren(
      items.length ? h("p", { id: "duties-total" }, `${items.length} items for ${byOfficer.size} officers`,
        ranked.length > shown.length ? `; the ${shown.length} with the most items are shown (give an officer id for any other).` : ".")
        : notice("No item."),
      ...shown.map(([o, list]) => h("section", { class: "officer", "data-officer": o },
        h("h2", {}, `${o} (${list.length})`),
        table(null, ["kind", "incident", "detail", "due"], list.map((d) => [humanize(d.kind),
          link(`#/incidents/${encodeURIComponent(d.incident)}`, d.incident), d.detail, d.due || ""])))));
  }
  show();
}
