// Page state, in signals. Components render it; the core fills it.
import { signal } from "@preact/signals";
import type { SessionEvent } from "./protocol";

export interface Target {
  name: string;
  proto: string;
  host: string;
  port: number;
  tls: string;
}

export const targets = signal<Target[]>([]);
export const configError = signal("");
export const events = signal<SessionEvent[]>([]);
export const sessionId = signal<number | null>(null);
export const sessionOpen = signal(false);

/** Loads the server's configuration: the sandbox's targets. */
export async function loadConfig() {
  try {
    const res = await fetch("/api/config", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const cfg = (await res.json()) as { targets: Target[] };
    targets.value = cfg.targets ?? [];
  } catch (e) {
    configError.value = `could not load the server's configuration: ${e}`;
  }
}
