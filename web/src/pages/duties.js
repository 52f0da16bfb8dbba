// Duties: overdue statements, interventions, medical aid and training
// items, grouped per officer. Items for review, not findings of guilt.
import { api } from "../api.js";
import { h, field, humanize, link, notice, select, table } from "../dom.js";

const KINDS = ["", "statement_overdue", "statement_late", "intervention", "medical_aid", "training_device", "training_crowd_control"];

export async function dutiesPage(ctx) {
  const kind = select("kind", KINDS.map((k) => [k, k ? humanize(k) : "any"]), "");
  const out = h("div", { "aria-live": "polite" });
  ctx.main.append(h("h1", { tabindex: -1 }, "Duties"),
    h("p", { class: "lede" }, "Items for review that follow a use of force, per officer. They are not findings."),
    h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); show(); } }, field("Kind", kind), h("button", { type: "submit" }, "Show")),
    out);
  const { duties } = await api("/api/v1/duties");
  function show() {
    const items = duties.filter((d) => !kind.value || d.kind === kind.value);
    const byOfficer = new Map();
    for (const d of items) {
      const who = d.officer || "(no officer named)";
      if (!byOfficer.has(who)) byOfficer.set(who, []);
      byOfficer.get(who).push(d);
    }
    out.replaceChildren(items.length ? h("p", {}, `${items.length} items for ${byOfficer.size} officers.`) : notice("No item."),
      ...[...byOfficer.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([who, list]) => h("section", { class: "officer", "data-officer": who },
        h("h2", {}, who),
        table(null, ["kind", "incident", "detail", "due"], list.map((d) => [humanize(d.kind),
          link(`#/incidents/${encodeURIComponent(d.incident)}`, d.incident), d.detail, d.due || ""])))));
  }
  show();
}
