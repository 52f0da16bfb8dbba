// Overview: incidents over time, by force kind, by injury, by finding, and a
// US map by state, with filters. Signed-in readers get exact counts; the
// public gets the suppressed public statistics (small cells withheld).
import { api, query } from "../api.js";
import { h, field, notice, select } from "../dom.js";
import { isReader } from "../roles.js";
import { barChart, stateMap, timeChart } from "../charts.js";

export const ENCOUNTERS = ["", "vehicle_stop", "pedestrian_stop", "foot_pursuit", "vehicle_pursuit", "arrest", "home_entry", "crowd_control", "custody", "off_duty", "welfare_check", "other", "unknown"];

export async function overviewPage(ctx) {
  const exact = isReader(ctx.user);
  const base = exact ? "/api/v1/stats" : "/public/stats";
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const agency = h("input", { name: "agency", value: params.get("agency") || "", placeholder: "any" });
  const since = h("input", { name: "since", type: "date", value: params.get("since") || "" });
  const until = h("input", { name: "until", type: "date", value: params.get("until") || "" });
  const encounter = select("encounter", ENCOUNTERS.map((e) => [e, e ? e.replaceAll("_", " ") : "any"]), params.get("encounter") || "");
  const out = h("div", { class: "charts", "aria-live": "polite" });
  const form = h("form", { class: "filters", "aria-label": "Filters", onsubmit: (ev) => { ev.preventDefault(); load(); } },
    field("Agency", agency), field("From", since), field("To", until), field("Encounter", encounter),
    h("button", { type: "submit" }, "Apply"));
  ctx.main.append(
    h("h1", { tabindex: -1 }, "Overview"),
    h("p", { class: "lede" }, exact
      ? "Exact counts of the incidents you may see."
      : "Public statistics: counts of incidents. Cells smaller than the threshold are suppressed, and so are others that would reveal them."),
    form, out);

  async function load() {
    const filters = { agency: agency.value.trim(), since: since.value, until: until.value, encounter: encounter.value };
    out.replaceChildren(h("p", {}, "Loading…"));
    const get = (by) => api(`${base}${query({ by, ...filters })}`);
    let results;
    try {
      results = await Promise.all([get(filters.since || filters.until ? "month" : "year"), get("force_kind"), get("injury"), get("finding"), get("state")]);
    } catch (e) {
      out.replaceChildren(notice(e.status === 404 ? "This server has no statistics yet." : `Statistics could not be loaded: ${e.message}`, "error"));
      return;
    }
    const [time, force, injury, finding, state] = results;
    const k = time.k;
    out.replaceChildren(
      h("p", { class: "total" }, time.total === null || time.total === undefined ? "Total: suppressed" : `Total: ${time.total} incidents`,
        exact ? "" : ` · cells under ${k} are suppressed`),
      timeChart("chart-time", "Incidents over time", time.cells, time.by[0], out),
      barChart("chart-force", "By force kind", force.cells, "force_kind", out),
      barChart("chart-injury", "By injury", injury.cells, "injury", out),
      barChart("chart-finding", "By finding", finding.cells, "finding", out),
      await stateMap("chart-map", "By state", state.cells, out));
  }
  await load();
}
