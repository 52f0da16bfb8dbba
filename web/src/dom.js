// Building the page: every piece of record text goes in through textContent
// (h's string children become text nodes), never through innerHTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A table from column headers and rows of cells (strings or nodes).
export function table(caption, headers, rows, attrs = {}) {
  return h("div", { class: "scroll" },
    h("table", attrs,
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c)))))));
}

// A labelled form control: <label>Text <input></label> keeps them tied.
export function field(label, control) {
  return h("label", { class: "field" }, h("span", {}, label), control);
}

export function select(name, options, value) {
  return h("select", { name },
    options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
}

export function link(href, text) {
  return h("a", { href }, text);
}

export function notice(text, kind = "info") {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

export function humanize(s) {
  return String(s ?? "").replaceAll("_", " ");
}

// An agency as people read it: its name beside its id, a withdrawn one marked.
export function agencyLabel(id, name, withdrawn) {
  return `${name ? `${name} (${id})` : id}${withdrawn ? " (withdrawn)" : ""}`;
}
