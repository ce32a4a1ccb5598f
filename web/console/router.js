import { useEffect, useState } from "preact/hooks";

/**
 * Routes live in the URL's fragment (`#/customers/c_123?tab=ledger`): every view has an address that can be
 * bookmarked, shared with a colleague or opened in a new tab, and the server only ever serves one page.
 */

export function currentRoute() {
  const raw = location.hash.replace(/^#/, "") || "/activity";
  const [path = "/activity", search = ""] = raw.split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

/** The fragment for a path and its query; empty values are left out. */
export function href(path, query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ""}`;
}

export function navigate(path, query) {
  location.hash = href(path, query);
}

/** The current route, re-rendering on every change of the fragment. */
export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

/**
 * The first of `routes` ([pattern, component]) whose pattern matches the path: `:name` segments become
 * params. Undefined when none does.
 */
export function match(routes, path) {
  const segments = path.split("/").filter(Boolean);
  for (const [pattern, component] of routes) {
    const parts = pattern.split("/").filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params = {};
    const fits = parts.every((part, i) => {
      if (part.startsWith(":")) {
        params[part.slice(1)] = decodeURIComponent(segments[i]);
        return true;
      }
      return part === segments[i];
    });
    if (fits) return { component, params };
  }
  return undefined;
}
