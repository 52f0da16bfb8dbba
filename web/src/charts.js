// Charts with Observable Plot. Each chart is a <figure> with a caption and
// the same numbers as a table (for screen readers and for exact values);
// suppressed cells appear as "suppressed", never as a number.
import * as Plot from "@observablehq/plot";
import { feature } from "topojson-client";
import { h, table, humanize } from "./dom.js";

const INK = "#1d3a5f";

// Plot.plot, minus the <style> elements Plot adds: the page's CSP allows
// stylesheets from this server only, and style.css carries their rules.
export function plot(options) {
  const el = Plot.plot({ className: "plot", ...options });
  for (const s of el.querySelectorAll("style")) s.remove();
  return el;
}

function width(el) {
  return Math.max(280, Math.min(760, (el && el.clientWidth) || document.getElementById("main").clientWidth - 32));
}

function countText(c) {
  return c.suppressed || c.count === null ? "suppressed" : String(c.count);
}

export function chartFigure(id, title, svg, cells, dims) {
  return h("figure", { class: "chart", id, "aria-labelledby": `${id}-cap` },
    h("figcaption", { id: `${id}-cap` }, title),
    svg,
    h("details", {}, h("summary", {}, `${title}: the numbers`),
      table(null, [...dims.map(humanize), "count"],
        cells.map((c) => [...dims.map((d) => humanize(c[d])), countText(c)]),
        { class: "cells", "data-dims": dims.join(",") })));
}

export function barChart(id, title, cells, dim, host) {
  const shown = cells.filter((c) => c.count !== null && !c.suppressed);
  const svg = shown.length
    ? plot({
      width: width(host), height: 40 + 26 * shown.length, marginLeft: 150,
      x: { label: "incidents", grid: true },
      y: { label: null, domain: shown.slice().sort((a, b) => b.count - a.count).map((c) => humanize(c[dim])) },
      marks: [
        Plot.barX(shown, { x: "count", y: (c) => humanize(c[dim]), fill: INK, title: (c) => `${humanize(c[dim])}: ${c.count}` }),
        Plot.text(shown, { x: "count", y: (c) => humanize(c[dim]), text: (c) => String(c.count), dx: 4, textAnchor: "start" }),
        Plot.ruleX([0]),
      ],
    })
    : h("p", {}, "No cell large enough to show.");
  return chartFigure(id, title, svg, cells, [dim]);
}

export function timeChart(id, title, cells, dim, host) {
  const parse = (v) => new Date(dim === "year" ? `${v}-01-01T00:00:00Z` : `${v}-01T00:00:00Z`);
  const shown = cells.filter((c) => c.count !== null && !c.suppressed && c[dim] !== "unknown")
    .map((c) => ({ ...c, date: parse(c[dim]) })).sort((a, b) => a.date - b.date);
  const svg = shown.length
    ? plot({
      width: width(host), height: 260, marginLeft: 50,
      x: { label: null, type: "utc" },
      y: { label: "incidents", grid: true, zero: true },
      marks: [
        Plot.rectY(shown, { x1: "date", x2: (c) => nextPeriod(c.date, dim), y: "count", fill: INK, inset: 1, title: (c) => `${c[dim]}: ${c.count}` }),
        Plot.ruleY([0]),
      ],
    })
    : h("p", {}, "No cell large enough to show.");
  return chartFigure(id, title, svg, cells, [dim]);
}

function nextPeriod(d, dim) {
  const n = new Date(d);
  if (dim === "year") n.setUTCFullYear(n.getUTCFullYear() + 1);
  else n.setUTCMonth(n.getUTCMonth() + 1);
  return n;
}

// FIPS state codes (us-atlas feature ids) to postal codes (the statistics' values).
const FIPS = {
  "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
  "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
  "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
  "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
  "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
  "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
  "54": "WV", "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
};

let statesPromise = null;
function states() {
  statesPromise ||= fetch("/states-10m.json").then((r) => r.json()).then((us) => feature(us, us.objects.states));
  return statesPromise;
}

export async function stateMap(id, title, cells, host) {
  const geo = await states();
  const byCode = new Map(cells.map((c) => [c.state, c]));
  const value = (f) => {
    const c = byCode.get(FIPS[f.id]);
    return c && c.count !== null && !c.suppressed ? c.count : null;
  };
  const label = (f) => {
    const c = byCode.get(FIPS[f.id]);
    return `${f.properties.name}: ${c ? countText(c) : "0"}`;
  };
  const svg = plot({
    width: width(host), projection: "albers-usa",
    color: { type: "quantize", n: 5, scheme: "blues", label: "incidents", legend: true, unknown: "#e6e6e6" },
    marks: [
      Plot.geo(geo.features, { fill: value, stroke: "#fff", strokeWidth: 0.6, title: label }),
    ],
  });
  return chartFigure(id, title, svg, cells, ["state"]);
}

export { Plot };
