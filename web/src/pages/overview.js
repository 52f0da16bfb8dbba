// Overview: incidents over time, by force kind, by injury, by finding, and a
// US map by state, with filters. Signed-in readers get exact counts; the
// public gets the suppressed public statistics (small cells withheld).
import { api, query } from "../api.js";
import { h, field, notice } from "../dom.js";
import { isReader } from "../roles.js";
import { barChart, stateMap, timeChart } from "../charts.js";

export const ENCOUNTERS = ["", "vehicle_stop", "pedestrian_stop", "foot_pursuit", "vehicle_pursuit", "arrest", "home_entry", "crowd_control", "custody", "off_duty", "welfare_check", "other", "unknown"];

// The statistics' where filter for a range of months: the months when there
// are at most 16 (the API's limit of values), else the whole years.
export function periodFilter(from, to) {
  if (!from && !to) return null;
  const [fy, fm] = (from || `${(to || "").slice(0, 4)}-01`).split("-").map(Number);
  const [ty, tm] = (to || `${fy}-12`).split("-").map(Number);
  const months = [];
  for (let y = fy, m = fm; y < ty || (y === ty && m <= tm); m === 12 ? (y++, m = 1) : m++) {
    months.push(`${y}-${String(m).padStart(2, "0")}`);
    if (months.length > 16) break;
  }
  if (!months.length) throw new Error("the range ends before it starts");
  if (months.length <= 16) return { by: "month", where: `month=${months.join("|")}` };
  if (ty - fy + 1 > 16) throw new Error("a range of at most 16 years");
  const years = [];
  for (let y = fy; y <= ty; y++) years.push(String(y));
  return { by: "year", where: `year=${years.join("|")}`, note: "Counted by whole years." };
}

export async function overviewPage(ctx) {
  const exact = isReader(ctx.user);
  const agency = h("input", { name: "agency", placeholder: "any" });
  const since = h("input", { name: "since", type: "month", placeholder: "YYYY-MM" });
  const until = h("input", { name: "until", type: "month", placeholder: "YYYY-MM" });
  const out = h("div", { class: "charts", "aria-live": "polite" });
  ctx.main.append(
    h("h1", { tabindex: -1 }, "Overview"),
    h("p", { class: "lede" }, exact
      ? "Exact counts of the incidents you may see."
      : "Public statistics: counts of incidents, never names or records. Counts under the threshold are suppressed, and so are others that would reveal them; they are not filtered."),
    exact ? h("form", { class: "filters", "aria-label": "Filters", onsubmit: (ev) => { ev.preventDefault(); load(); } },
      field("Agency", agency), field("From month", since), field("To month", until),
      h("button", { type: "submit" }, "Apply")) : "",
    out);

  async function load() {
    let period, where = [];
    try {
      period = exact ? periodFilter(since.value, until.value) : null;
    } catch (e) {
      out.replaceChildren(notice(`Dates: ${e.message}.`, "error"));
      return;
    }
    if (exact && agency.value.trim()) where.push(`agency=${agency.value.trim()}`);
    if (period) where.push(period.where);
    out.replaceChildren(h("p", {}, "Loading…"));
    const get = (by) => api(exact ? `/api/v1/stats${query({ by, where: where.join(",") })}` : `/public/stats${query({ by })}`);
    let results;
    try {
      results = await Promise.all([get(period ? period.by : "year"), get("force_kind"), get("injury"), get("finding"), get("state")]);
    } catch (e) {
      out.replaceChildren(notice(e.status === 404 ? "This server has no statistics." : `Statistics could not be loaded: ${e.message}`, "error"));
      return;
    }
    const [time, force, injury, finding, state] = results;
    out.replaceChildren(
      h("p", { class: "total" }, time.total === null || time.total === undefined ? "Total: suppressed" : `Total: ${time.total} incidents`,
        exact ? "" : ` · counts under ${time.k} are suppressed`, period && period.note ? ` · ${period.note}` : ""),
      timeChart("chart-time", "Incidents over time", time.cells, time.by[0], out),
      barChart("chart-force", "By force kind", force.cells, "force_kind", out),
      barChart("chart-injury", "By injury", injury.cells, "injury", out),
      barChart("chart-finding", "By finding", finding.cells, "finding", out),
      await stateMap("chart-map", "By state", state.cells, out));
  }
  await load();
}
