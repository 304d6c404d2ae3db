// Fetching a part's bytes from the worker for a component, and blob URLs
// that are revoked when the component lets go of them.
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { BodyKind } from "../protocol";
import { body, doc, msgIndex } from "./state";

export type Load<T> = { state: "loading" } | { state: "ready"; value: T } | { state: "error"; message: string };

/** The bytes of path (kind), fetched when path changes; null path fetches nothing. */
export function usePartBytes(path: string | null, kind: BodyKind): Signal<Load<Uint8Array>> {
  const s = useSignal<Load<Uint8Array>>({ state: "loading" });
  const d = doc.value?.id;
  const i = msgIndex.value;
  useEffect(() => {
    if (path === null) return;
    let live = true;
    s.value = { state: "loading" };
    body(path, kind).then(
      (value) => live && (s.value = { state: "ready", value }),
      (e: Error) => live && (s.value = { state: "error", message: e.message }),
    );
    return () => {
      live = false;
    };
  }, [path, kind, d, i]);
  return s;
}

/** A blob: URL for bytes, revoked when bytes change or the component goes. */
export function useBlobURL(bytes: Uint8Array | null, type: string): string | null {
  const url = useSignal<string | null>(null);
  useEffect(() => {
    if (!bytes) {
      url.value = null;
      return;
    }
    const u = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
    url.value = u;
    return () => URL.revokeObjectURL(u);
  }, [bytes, type]);
  return url.value;
}

/** Saves bytes as a file through a temporary link. */
export function saveBytes(bytes: Uint8Array, name: string, type = "application/octet-stream") {
  const u = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement("a");
  a.href = u;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(u), 60_000);
}
