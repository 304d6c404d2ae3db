// Which view is shown, kept in the URL's hash so it survives a reload and
// can be linked: #/session (the default) or #/message.
import { signal } from "@preact/signals";

export type Route = "session" | "message";
export const routes: { id: Route; label: string }[] = [
  { id: "session", label: "Live session" },
  { id: "message", label: "Message explorer" },
];

function parse(): Route {
  const id = location.hash.replace(/^#\/?/, "");
  return routes.some((r) => r.id === id) ? (id as Route) : "session";
}

export const route = signal<Route>(parse());
addEventListener("hashchange", () => (route.value = parse()));

export function go(r: Route) {
  location.hash = "/" + r;
}
