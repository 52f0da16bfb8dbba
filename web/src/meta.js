// The tables the dashboard shares with the server: the roles and which may
// do each action, the case workflow, duty kinds and the incident schema's
// enumerations. Fetched once from GET /api/v1/meta (public), so the C
// tables are their only source and no page copies them by hand.
import { api } from "./api.js";

let meta = null;
let loading = null;

// Fetch the tables (once; later calls share the first answer).
export function loadMeta() {
  if (!loading) {
    loading = api("/api/v1/meta").then((m) => { meta = m; return m; },
      (e) => { loading = null; throw e; });
  }
  return loading;
}

// The tables, once loadMeta has answered.
export function getMeta() {
  if (!meta) throw new Error("the server's tables are not loaded yet");
  return meta;
}

// The roles that may do an action ("move_case"), as the server decides.
export function rolesFor(action) {
  const a = getMeta().actions[action];
  return a ? a.roles : [];
}

// An enumeration of the incident schema ("encounter"), in its order.
export function enumValues(name) {
  return getMeta().enums[name] || [];
}
