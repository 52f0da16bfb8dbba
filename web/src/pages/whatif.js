// What-if: choose a policy (a proposal, a pledge, another agency's rules)
// and see how many past force applications it would flag, by rule.
import { api, query } from "../api.js";
import { h, field, link, notice, select, table } from "../dom.js";

export async function whatifPage(ctx) {
  const { policies } = await api("/api/v1/policies");
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const initial = params.get("policy") || (policies.find((p) => p.name === "no-shoot-pledge") || policies[0] || {}).version;
  const choice = select("policy", policies.map((p) => [p.version, `${p.version}: ${p.title} (${p.kind})`]), initial);
  const out = h("div", { "aria-live": "polite" });
  ctx.main.append(h("h1", { tabindex: -1 }, "What-if"),
    h("p", { class: "lede" }, "How many past force applications (each judged per account) a policy would find out of policy."),
    h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); run(); } }, field("Policy", choice), h("button", { type: "submit" }, "Run")),
    out);
  async function run() {
    out.replaceChildren(h("p", {}, "Reviewing every incident…"));
    try {
      const w = await api(`/api/v1/whatif${query({ policy: choice.value })}`);
      out.replaceChildren(...[
        h("p", { class: "what-if", id: "whatif-label" }, `A what-if: ${w.policy} is applied to every incident, whether or not it governs them (it governs ${(policies.find((p) => p.version === w.policy) || {}).governs || "?"}; it is in effect for ${w.governed ?? "?"} of the incidents with force).`),
        h("p", { class: "total", id: "whatif-total" }, `${w.policy} (${w.kind}) would flag ${w.out_of_policy} of ${w.applications} force applications in ${w.incidents} incidents.`),
        // Acts that rules are "on" (reach-ins, commands) are counted apart, never as force.
        w.acts ? h("p", { class: "total", id: "whatif-acts" }, `It would also flag ${w.acts_out_of_policy} of ${w.acts} other acts it judges (reach-ins, commands...), with ${w.undetermined_acts} undetermined; these are not counted as force.`) : null,
        table("By rule", ["rule", "cite", "out of policy", "undetermined", "incidents"], w.rules.map((r) => [r.on && r.on !== "force" ? `${r.rule} (on ${r.on})` : r.rule, r.cite, String(r.out), String(r.undetermined),
          r.incidents.length ? h("span", {}, r.incidents.flatMap((id, i) => [i ? ", " : "", link(`#/incidents/${encodeURIComponent(id)}`, id)])) : "none"]), { id: "whatif-rules" })].filter(Boolean));
    } catch (e) {
      out.replaceChildren(notice(e.message, "error"));
    }
  }
}
