import { render } from "preact";
import { App } from "./components/App";
import { closeSession, openSession, sessionOp, startCore } from "./core";
import { loadConfig } from "./state";
import "./style.css";

startCore();
// The protocol engine without the UI, for the console and for the
// round-trip benchmark (proxy/e2e/rtt_bench_test.go).
Object.assign(globalThis, { mailwireCore: { openSession, sessionOp, closeSession } });
loadConfig();
render(<App />, document.getElementById("app")!);
