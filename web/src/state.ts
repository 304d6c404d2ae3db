// Page state, in signals. Components render it; the core fills it.
import { signal } from "@preact/signals";

/** A ready-made server of the sandbox (sandbox.Target). */
export interface Target {
  name: string;
  proto: string;
  host: string;
  port: number;
  tls: string;
}

/** What the page knows of the sandbox (sandbox.ClientInfo). */
export interface SandboxInfo {
  domain: string;
  users: { name: string; address: string }[];
  caURL: string;
  caPEM: string;
  trustNote: string;
}

export const targets = signal<Target[]>([]);
export const sandbox = signal<SandboxInfo | null>(null);
export const configError = signal("");
export const configLoaded = signal(false);

/** Loads the server's configuration: the sandbox's targets and CA. */
export async function loadConfig() {
  try {
    const res = await fetch("/api/config", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const cfg = (await res.json()) as { targets: Target[]; sandbox?: SandboxInfo };
    targets.value = cfg.targets ?? [];
    sandbox.value = cfg.sandbox ?? null;
  } catch (e) {
    configError.value = `could not load the server's configuration: ${e}`;
  } finally {
    configLoaded.value = true;
  }
}
