import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { sandbox } from "../state";
import { type Action, actions } from "./actions";
import { answer, cancel, conn, connected, history, pending, run, sendTyped, state, validNow } from "./live";

/** The sandbox's demo password for a demo user (documented in the README). */
function demoPassword(user: string): string {
  return sandbox.value?.users.some((u) => u.name === user) ? `${user}-password` : "";
}

/** Quick actions for the commands of the protocol, the valid ones first in weight. */
export function QuickActions() {
  const open = useSignal<string | null>(null);
  const values = useSignal<Record<string, string>>({});
  const c = conn.value;
  if (!c || !connected.value) return null;
  const sb = c.sandbox && sandbox.value;
  const user = sb ? (sandbox.value!.users[0]?.name ?? "") : "";
  const dom = sb ? sandbox.value!.domain : "example.org";
  const list = actions(c.proto, {
    user,
    pass: sb ? demoPassword(user) : "",
    from: `${user || "me"}@${dom}`,
    to: sb ? (sandbox.value!.users[1]?.address ?? `bob@${dom}`) : `someone@${dom}`,
    client: "mailwire.invalid",
  });
  const valid = validNow.value;
  const awaiting = state.value?.awaiting;
  const isValid = (a: Action) => (a.verb === "MESSAGE" ? awaiting === "data" : valid.has(a.verb));
  const current = list.find((a) => a.id === open.value);

  function click(a: Action) {
    if (!a.fields) {
      run(a.op({}), a.label);
      open.value = null;
      return;
    }
    open.value = open.value === a.id ? null : a.id;
    values.value = Object.fromEntries(a.fields.map((f) => [f.name, f.value]));
  }

  function submit(ev: Event) {
    ev.preventDefault();
    if (!current) return;
    run(current.op(values.value), current.label);
    open.value = null;
  }

  return (
    <div class="quick" id="quick-actions">
      <div class="quick-buttons" role="toolbar" aria-label="Quick actions">
        {list.map((a) => (
          <button
            type="button"
            key={a.id}
            id={`qa-${a.id}`}
            class={`${isValid(a) ? "valid" : "invalid"} ${open.value === a.id ? "open" : ""}`}
            title={a.title + (isValid(a) ? "" : " — not expected in this state: the server will say why")}
            onClick={() => click(a)}
          >
            {a.label}
          </button>
        ))}
      </div>
      {current?.fields && (
        <form class="quick-form" id={`qa-form-${current.id}`} onSubmit={submit}>
          <p class="quick-title">{current.title}</p>
          {current.fields.map((f) => (
            <label key={f.name} class={f.type === "textarea" ? "wide" : ""}>
              {f.label}{" "}
              {f.type === "textarea" ? (
                <textarea
                  name={f.name}
                  rows={10}
                  spellcheck={false}
                  value={values.value[f.name]}
                  onInput={(e) => (values.value = { ...values.value, [f.name]: e.currentTarget.value })}
                />
              ) : (
                <input
                  name={f.name}
                  type={f.type ?? "text"}
                  autocomplete={f.type === "password" ? "off" : undefined}
                  spellcheck={false}
                  value={values.value[f.name]}
                  onInput={(e) => (values.value = { ...values.value, [f.name]: e.currentTarget.value })}
                />
              )}
            </label>
          ))}
          <button type="submit" id={`qa-send-${current.id}`}>
            Send
          </button>
          <button type="button" onClick={() => (open.value = null)}>
            Cancel
          </button>
        </form>
      )}
    </div>
  );
}

/**
 * The command line: what is typed goes to the server as it is, followed by
 * CR LF. Up and Down walk the history (lines with a password are not kept);
 * Tab completes the commands valid now. Shift+Enter adds a line, for a
 * message after 354 or an IMAP literal.
 */
export function CommandLine() {
  const line = useSignal("");
  const pos = useSignal(-1); // index into history while walking it
  const ref = useRef<HTMLTextAreaElement>(null);
  if (!conn.value) return null;
  const live = connected.value;
  const valid = state.value?.valid ?? [];
  const awaiting = state.value?.awaiting;

  function submit() {
    const text = line.value;
    if (text === "") return;
    sendTyped(text);
    line.value = "";
    pos.value = -1;
  }

  function complete() {
    const typed = line.value;
    const m = /^(\S*)$/.exec(typed) ?? /^([A-Za-z0-9]+\s+)(\S*)$/.exec(typed);
    if (!m) return;
    const [prefix, word] = m.length === 3 ? [m[1], m[2]] : ["", m[1]];
    const hits = valid.filter((v) => v.toUpperCase().startsWith(word.toUpperCase()));
    if (hits.length === 0) return;
    let common = hits[0];
    for (const h of hits) while (!h.toUpperCase().startsWith(common.toUpperCase())) common = common.slice(0, -1);
    line.value = prefix + (hits.length === 1 ? hits[0] + " " : common.length > word.length ? common : word);
  }

  function key(ev: KeyboardEvent) {
    const h = history.value;
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      submit();
    } else if (ev.key === "Tab" && !ev.shiftKey && line.value.indexOf("\n") < 0) {
      ev.preventDefault();
      complete();
    } else if (ev.key === "ArrowUp" && line.value.indexOf("\n") < 0 && h.length > 0) {
      ev.preventDefault();
      pos.value = pos.value < 0 ? h.length - 1 : Math.max(0, pos.value - 1);
      line.value = h[pos.value];
    } else if (ev.key === "ArrowDown" && pos.value >= 0) {
      ev.preventDefault();
      pos.value = pos.value + 1;
      if (pos.value >= h.length) {
        pos.value = -1;
        line.value = "";
      } else line.value = h[pos.value];
    }
  }

  const placeholder =
    awaiting === "data"
      ? "the message: header lines, an empty line, the body, then a line with a single ."
      : awaiting === "sasl"
        ? "the SASL response, base64 (or * to cancel)"
        : awaiting === "literal"
          ? "the literal's octets"
          : awaiting === "idle"
            ? "DONE ends IDLE"
            : valid.length > 0
              ? `${valid.slice(0, 4).join(", ")}, … (Tab completes)`
              : "a command";
  const a = answer.value;
  return (
    <div class="console">
      <form
        class="command"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <span class="who">C:</span>
        <textarea
          id="command"
          ref={ref}
          rows={Math.min(12, line.value.split("\n").length)}
          autocomplete="off"
          spellcheck={false}
          aria-label="command line"
          placeholder={live ? placeholder : "the connection is closed: Connect again to start a new session"}
          disabled={!live}
          value={line.value}
          onInput={(e) => {
            // the Enter that sent the line must not come back as an empty first line
            if (line.value === "" && e.currentTarget.value === "\n") e.currentTarget.value = "";
            else line.value = e.currentTarget.value;
          }}
          onKeyDown={key}
        />
        <button type="submit" id="send" disabled={!live}>
          Send
        </button>
        {pending.value > 0 && (
          <button type="button" id="cancel" onClick={cancel} title="Stop waiting for the answer (the connection stays open)">
            Cancel
          </button>
        )}
      </form>
      <div class="console-status" id="console-status" aria-live="polite">
        {pending.value > 0 ? (
          <span class="waiting">waiting for the server…</span>
        ) : (
          a && (
            <span class={a.result.ok ? "ok" : "bad"} id="last-answer" data-ms={a.ms.toFixed(2)} data-n={a.n} data-ok={String(a.result.ok)}>
              {a.label}: {a.result.error ?? a.result.text ?? (a.result.ok ? "OK" : "refused")} — {a.ms.toFixed(1)} ms round trip from this page
            </span>
          )
        )}
        {live && valid.length > 0 && (
          <span class="valid-now">
            valid now:{" "}
            {valid.map((v) => (
              <button
                type="button"
                class="chip"
                key={v}
                onClick={() => {
                  line.value = v + " ";
                  ref.current?.focus();
                }}
              >
                {v}
              </button>
            ))}
          </span>
        )}
      </div>
    </div>
  );
}
