// Overview: incidents over time, by force kind, by injury, by finding, and a
// US map by state. Signed-in readers get exact counts, filtered by agency, a
// range of months and the kind of encounter; the public gets the suppressed
// public statistics (small cells withheld, no filters).
import { api, query } from "../api.js";
import { h, field, humanize, notice, select } from "../dom.js";
import { may } from "../roles.js";
import { barChart, stateMap, timeChart } from "../charts.js";

// "2026-12-07T00:00:00Z" as "2026-12-07 00:00 UTC".
const utc = (t) => `${t.slice(0, 10)} ${t.slice(11, 16)} UTC`;

// The statistics' where term for a range of months (YYYY-MM; an open end
// reaches the first or last month the statistics know), sent as one range,
// and the time chart's dimension: months for up to three years, else years.
export function periodFilter(from, to) {
  if (!from && !to) return null;
  const lo = from || "1900-01", hi = to || "2155-12";
  if (lo > hi) throw new Error("the range ends before it starts");
  const months = (Number(hi.slice(0, 4)) - Number(lo.slice(0, 4))) * 12 + Number(hi.slice(5, 7)) - Number(lo.slice(5, 7)) + 1;
  return { by: months <= 36 ? "month" : "year", where: `month=${lo}..${hi}` };
}

export async function overviewPage(ctx) {
  const exact = may(ctx.user, "read_stats");
  const agency = h("input", { name: "agency", placeholder: "any" });
  const since = h("input", { name: "since", type: "month", placeholder: "YYYY-MM" });
  const until = h("input", { name: "until", type: "month", placeholder: "YYYY-MM" });
  // The encounter kinds the reader's statistics hold (the API has no list of
  // the enumeration's values; a kind no incident has would count nothing).
  const encounter = select("encounter", [["", "any"]], "");
  if (exact) {
    try {
      const kinds = await api(`/api/v1/stats${query({ by: "encounter" })}`);
      for (const c of kinds.cells) encounter.append(h("option", { value: c.encounter }, humanize(c.encounter)));
    } catch { /* the load below reports what is wrong */ }
  }
  const out = h("div", { class: "charts", "aria-live": "polite" });
  ctx.main.append(
    h("h1", { tabindex: -1 }, "Overview"),
    h("p", { class: "lede" }, exact
      ? "Exact counts of the incidents you may see."
      : "Public statistics: counts of incidents, never names or records. Counts under the threshold are suppressed, and so are others that would reveal them; they are not filtered."),
    exact ? h("form", { class: "filters", "aria-label": "Filters", onsubmit: (ev) => { ev.preventDefault(); load(); } },
      field("Agency", agency), field("From month", since), field("To month", until), field("Encounter", encounter),
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
    if (exact && encounter.value) where.push(`encounter=${encounter.value}`);
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
        exact ? "" : ` · counts under ${time.k} are suppressed`),
      exact || !time.as_of ? "" : h("p", { class: "published" },
        `Published as of ${utc(time.as_of)}; the next publication is due ${utc(time.next)}. Newer records count from then.`),
      timeChart("chart-time", "Incidents over time", time.cells, time.by[0], out),
      barChart("chart-force", "By force kind", force.cells, "force_kind", out),
      barChart("chart-injury", "By injury", injury.cells, "injury", out),
      barChart("chart-finding", "By finding", finding.cells, "finding", out),
      await stateMap("chart-map", "By state", state.cells, out));
  }
  await load();
}
