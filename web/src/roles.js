// What each role may see: the pages of the navigation, mirroring the API's
// role rules (docs/openapi.yaml x-roles), so nobody is shown a page whose
// data the server would refuse them.

const READERS = ["admin", "supervisor", "investigator", "board", "auditor", "analyst"];
const OVERSIGHT = ["admin", "supervisor", "investigator", "board", "auditor"];
export const CASE_MOVERS = ["admin", "supervisor", "investigator", "board"];

export const PAGES = [
  { path: "overview", title: "Overview", roles: ["public", ...READERS] },
  { path: "incidents", title: "Incidents", roles: [...READERS, "officer"] },
  { path: "cases", title: "Cases", roles: OVERSIGHT },
  { path: "duties", title: "Duties", roles: OVERSIGHT },
  { path: "whatif", title: "What-if", roles: READERS },
  { path: "log", title: "Record log", roles: ["public", ...READERS, "officer"] },
];

export function roleOf(user) {
  return user ? user.role : "public";
}

export function mayOpen(user, path) {
  const page = PAGES.find((p) => p.path === path);
  return !!page && page.roles.includes(roleOf(user));
}

export function isReader(user) {
  return READERS.includes(roleOf(user));
}
