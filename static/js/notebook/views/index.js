// The notebook's pages (data-view on <body>): each shows one page from the opened entries. A page
// loads only its own view module (the server preloads it with the page), and names here the kinds
// of entry it needs (none listed: every kind), so that it downloads only those, asked for before
// its module has even arrived.
export const TYPES = {
  overview: ["goal", "meeting"],
  agreement: ["agreement"],
  goals: ["goal"],
  meetings: ["meeting", "goal"],
  meeting: ["goal", "meeting"],
  evaluation: ["evaluation", "summary"],
  print: [],
};

const MODULES = {
  overview: () => import("./overview.js"),
  agreement: () => import("./agreement.js"),
  goals: () => import("./goals.js"),
  meetings: () => import("./meetings.js"),
  meeting: () => import("./meeting.js"),
  evaluation: () => import("./evaluation.js"),
  print: () => import("./print.js"),
};

/** The view module for a page name, or undefined for a page that has none. */
export async function loadView(name) {
  return Object.hasOwn(MODULES, name) ? MODULES[name]() : undefined;
}
