import { wasmReady, wasmVersion, workerError } from "../core";
import { MessageView } from "../mime/MessageView";
import { route, routes } from "../router";
import { SessionView } from "../session/SessionView";
import { configError } from "../state";

export function App() {
  return (
    <>
      <header>
        <h1>Mailwire</h1>
        <nav>
          {routes.map((r) => (
            <a href={`#/${r.id}`} id={`nav-${r.id}`} key={r.id} class={route.value === r.id ? "active" : ""} aria-current={route.value === r.id ? "page" : undefined}>
              {r.label}
            </a>
          ))}
        </nav>
        <span id="status" class={wasmReady.value ? "ready" : "loading"}>
          {wasmReady.value ? `WASM ready (${wasmVersion.value})` : "loading the protocol engine…"}
        </span>
      </header>
      {(workerError.value || configError.value) && (
        <p class="error" role="alert">
          {workerError.value || configError.value}
        </p>
      )}
      <main>{route.value === "message" ? <MessageView /> : <SessionView />}</main>
    </>
  );
}
