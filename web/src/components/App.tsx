import { wasmReady, wasmVersion, workerError } from "../core";
import { configError } from "../state";
import { CommandLine } from "./CommandLine";
import { ConnectForm } from "./ConnectForm";
import { Timeline } from "./Timeline";

export function App() {
  return (
    <>
      <header>
        <h1>Mailwire</h1>
        <span id="status" class={wasmReady.value ? "ready" : "loading"}>
          {wasmReady.value ? `WASM ready (${wasmVersion.value})` : "loading the protocol engine…"}
        </span>
      </header>
      {(workerError.value || configError.value) && <p class="error" role="alert">{workerError.value || configError.value}</p>}
      <main>
        <ConnectForm />
        <Timeline />
        <CommandLine />
      </main>
    </>
  );
}
