import { render } from "preact";
import { App } from "./components/App";
import { startCore } from "./core";
import { loadConfig } from "./state";
import "./style.css";

startCore();
loadConfig();
render(<App />, document.getElementById("app")!);
