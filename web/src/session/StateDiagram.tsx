import "./diagrams.css";

/**
 * The client state machines of core/explain/{smtp,imap,pop3}/state.go,
 * drawn by hand: each protocol's states at fixed places in a 380-unit-wide
 * viewBox (the side panel's width), with the commands that move between them.
 * The names must match the Go core's State constants exactly.
 */

type Proto = "smtp" | "imap" | "pop3";
type Pt = readonly [number, number];

interface StateNode {
  x: number; // centre
  y: number;
  words: string; // the state in a sentence, for the caption
  rfc: string;
}

interface Edge {
  from: string | Pt; // a state, or a free point for "from any state"
  to: string;
  label: string; // "\n" breaks lines
  bend?: number; // how far the curve bows out, to the right of from→to
  loop?: "left" | "right"; // a self-transition
  both?: boolean; // an arrowhead at each end
  at?: Pt; // where the label goes (default: on the curve's middle)
  anchor?: "start" | "middle" | "end";
}

interface Machine {
  title: string;
  height: number;
  nodes: Record<string, StateNode>;
  edges: Edge[];
}

const W = 380;
const NODE_H = 30;
const CHAR_W = 8.2; // node text is 14 units of system-ui; a generous average
const LABEL_LINE = 13; // edge labels are 11.5 units

const smtp: Machine = {
  title: "SMTP, RFC 5321",
  height: 552,
  nodes: {
    connect: { x: 165, y: 24, words: "connected, waiting for the server's greeting", rfc: "RFC 5321 §3.1" },
    refused: { x: 312, y: 24, words: "the server answered with a 554 greeting: only QUIT is accepted", rfc: "RFC 5321 §3.1" },
    greeted: { x: 165, y: 100, words: "the 220 greeting received: EHLO comes next", rfc: "RFC 5321 §4.1.4" },
    handshake: { x: 60, y: 150, words: "STARTTLS accepted: the TLS handshake", rfc: "RFC 3207 §4" },
    ready: { x: 165, y: 200, words: "EHLO answered: a mail transaction may start", rfc: "RFC 5321 §3.3" },
    auth: { x: 312, y: 200, words: "an AUTH exchange under way", rfc: "RFC 4954 §4" },
    mail: { x: 165, y: 290, words: "MAIL FROM accepted: RCPT TO comes next", rfc: "RFC 5321 §4.1.1.2" },
    rcpt: { x: 165, y: 375, words: "a recipient accepted: more RCPT TO, DATA or BDAT", rfc: "RFC 5321 §4.1.1.3" },
    data: { x: 75, y: 455, words: "354 received: the message is being sent, ending with a lone dot", rfc: "RFC 5321 §4.1.1.4" },
    bdat: { x: 255, y: 455, words: "BDAT chunks under way; BDAT LAST ends the message", rfc: "RFC 3030 §2" },
    closed: { x: 300, y: 528, words: "QUIT answered or a 421 received: the session is over", rfc: "RFC 5321 §4.1.1.10" },
  },
  edges: [
    { from: "connect", to: "greeted", label: "220", at: [172, 66], anchor: "start" },
    { from: "connect", to: "refused", label: "554", at: [239, 17] },
    { from: "greeted", to: "ready", label: "EHLO", at: [172, 154], anchor: "start" },
    { from: "ready", to: "handshake", label: "STARTTLS", bend: 10, at: [126, 192], anchor: "end" },
    { from: "handshake", to: "greeted", label: "TLS done:\nEHLO again", bend: 10, at: [96, 96], anchor: "end" },
    { from: "ready", to: "auth", label: "AUTH", bend: -14, at: [239, 172] },
    { from: "auth", to: "ready", label: "235", bend: -14, at: [239, 230] },
    { from: "ready", to: "mail", label: "MAIL FROM", at: [158, 249], anchor: "end" },
    { from: "mail", to: "ready", label: "RSET", bend: 20, at: [200, 249], anchor: "start" },
    { from: "mail", to: "rcpt", label: "RCPT TO", at: [172, 336], anchor: "start" },
    { from: "rcpt", to: "ready", label: "RSET", bend: 62, at: [232, 330], anchor: "start" },
    { from: "rcpt", to: "rcpt", label: "RCPT TO", loop: "left", at: [110, 350], anchor: "end" },
    { from: "rcpt", to: "data", label: "DATA", at: [108, 415], anchor: "end" },
    { from: "rcpt", to: "bdat", label: "BDAT", at: [222, 415], anchor: "start" },
    { from: "bdat", to: "bdat", label: "BDAT", loop: "right", at: [316, 476], anchor: "start" },
    { from: "data", to: "ready", label: "250\nafter .", bend: -95, at: [6, 300], anchor: "start" },
    { from: "bdat", to: "ready", label: "BDAT\nLAST", bend: 100, at: [374, 300], anchor: "end" },
    { from: [176, 528], to: "closed", label: "QUIT or 421,\nfrom any state", at: [8, 522], anchor: "start" },
  ],
};

const imap: Machine = {
  title: "IMAP, RFC 9051 §3.5",
  height: 400,
  nodes: {
    connect: { x: 250, y: 24, words: "connected, waiting for the server's greeting", rfc: "RFC 9051 §3.5" },
    handshake: { x: 62, y: 24, words: "STARTTLS accepted: the TLS handshake", rfc: "RFC 9051 §6.2.1" },
    "not-authenticated": { x: 110, y: 104, words: "log in first, with LOGIN or AUTHENTICATE", rfc: "RFC 9051 §3.1" },
    authenticated: { x: 150, y: 200, words: "logged in: select a mailbox to work on its messages", rfc: "RFC 9051 §3.2" },
    selected: { x: 150, y: 300, words: "a mailbox is selected: message commands are allowed", rfc: "RFC 9051 §3.3" },
    idle: { x: 302, y: 255, words: "IDLE: the server reports changes until DONE", rfc: "RFC 9051 §6.3.13" },
    logout: { x: 300, y: 376, words: "LOGOUT or BYE: both sides close the connection", rfc: "RFC 9051 §3.4" },
  },
  edges: [
    { from: "connect", to: "not-authenticated", label: "OK", at: [212, 68] },
    { from: "connect", to: "authenticated", label: "PREAUTH", at: [202, 130], anchor: "start" },
    { from: "connect", to: "logout", label: "BYE", bend: -80, at: [356, 214], anchor: "end" },
    { from: "not-authenticated", to: "handshake", label: "STARTTLS", bend: 12, at: [116, 60], anchor: "start" },
    { from: "handshake", to: "not-authenticated", label: "TLS done", bend: 12, at: [64, 74], anchor: "end" },
    { from: "not-authenticated", to: "authenticated", label: "LOGIN,\nAUTHENTICATE", at: [116, 148], anchor: "end" },
    { from: "authenticated", to: "selected", label: "SELECT,\nEXAMINE", bend: -18, at: [172, 252], anchor: "start" },
    { from: "selected", to: "authenticated", label: "CLOSE, UNSELECT,\nSELECT fails", bend: -18, at: [124, 252], anchor: "end" },
    { from: "authenticated", to: "idle", label: "IDLE / DONE", both: true, at: [262, 214] },
    { from: "selected", to: "idle", label: "IDLE / DONE", both: true, at: [258, 298] },
    { from: [184, 376], to: "logout", label: "LOGOUT,\nfrom any state", at: [8, 370], anchor: "start" },
  ],
};

const pop3: Machine = {
  title: "POP3, RFC 1939",
  height: 392,
  nodes: {
    connect: { x: 250, y: 24, words: "connected, waiting for the server's greeting", rfc: "RFC 1939 §4" },
    handshake: { x: 62, y: 24, words: "STLS accepted: the TLS handshake", rfc: "RFC 2595 §4" },
    authorization: { x: 160, y: 100, words: "the AUTHORIZATION state: log in with USER and PASS, APOP or AUTH", rfc: "RFC 1939 §4" },
    closed: { x: 322, y: 100, words: "QUIT before logging in: the session is over, nothing changed", rfc: "RFC 1939 §4" },
    "authorization-user": { x: 98, y: 192, words: "USER accepted: PASS comes next", rfc: "RFC 1939 §7" },
    auth: { x: 318, y: 192, words: "an AUTH exchange under way", rfc: "RFC 5034 §4" },
    transaction: { x: 222, y: 282, words: "the TRANSACTION state: the maildrop is open", rfc: "RFC 1939 §5" },
    update: { x: 222, y: 364, words: "the UPDATE state: QUIT in TRANSACTION, the deletions are applied", rfc: "RFC 1939 §6" },
  },
  edges: [
    { from: "connect", to: "authorization", label: "+OK", at: [216, 58], anchor: "start" },
    { from: "authorization", to: "handshake", label: "STLS", bend: 12, at: [140, 56], anchor: "start" },
    { from: "handshake", to: "authorization", label: "TLS done", bend: 12, at: [66, 72], anchor: "end" },
    { from: "authorization", to: "closed", label: "QUIT", at: [253, 93] },
    { from: "authorization", to: "authorization-user", label: "USER", at: [116, 144], anchor: "end" },
    { from: "authorization-user", to: "transaction", label: "PASS", at: [146, 246], anchor: "end" },
    { from: "authorization", to: "transaction", label: "APOP", at: [208, 228], anchor: "start" },
    { from: "authorization", to: "auth", label: "AUTH", bend: -12, at: [294, 134], anchor: "start" },
    { from: "auth", to: "authorization", label: "-ERR", bend: -12, at: [258, 190], anchor: "start" },
    { from: "auth", to: "transaction", label: "+OK", at: [280, 246], anchor: "start" },
    { from: "transaction", to: "update", label: "QUIT", at: [230, 327], anchor: "start" },
  ],
};

const machines: Record<Proto, Machine> = { smtp, imap, pop3 };

/**
 * The protocol's client state machine with the current state highlighted
 * and the commands that leave it in bold. An unknown state highlights
 * nothing; the caption still names it.
 */
export function StateDiagram(props: { proto: "smtp" | "imap" | "pop3"; state: string; tls?: boolean }) {
  const { proto, state, tls } = props;
  const m = machines[proto];
  const cur = Object.hasOwn(m.nodes, state) ? m.nodes[state] : undefined;
  return (
    <figure class={`state-diagram proto-${proto}`} id="state-diagram" data-state={state}>
      <svg viewBox={`0 0 ${W} ${m.height}`} width="100%" role="img" aria-label={`${m.title} client state machine; now in state ${state}`}>
        {m.edges.map((e, i) => (
          <EdgeView key={i} m={m} e={e} current={cur !== undefined && (e.from === state || (typeof e.from !== "string" && state !== "closed" && state !== "logout"))} />
        ))}
        {Object.entries(m.nodes).map(([name, n]) => (
          <NodeView key={name} name={name} n={n} current={name === state} />
        ))}
      </svg>
      <figcaption>
        {cur ? (
          <>
            Now <strong>{state}</strong>: {cur.words} <span class="rfc">({cur.rfc})</span>
          </>
        ) : (
          <>
            State <strong>{state || "(none)"}</strong>, not in the {m.title} diagram
          </>
        )}
        {tls && (
          <span class="over-tls" title="The session is encrypted">
            <svg viewBox="0 0 12 16" width="0.7em" height="0.95em" aria-hidden="true">
              <path d="M2.5 7 V4.5 a3.5 3.5 0 0 1 7 0 V7" />
              <rect x={0} y={7} width={12} height={8.5} rx={1.5} />
            </svg>{" "}
            over TLS
          </span>
        )}
      </figcaption>
    </figure>
  );
}

function width(name: string): number {
  return Math.round(name.length * CHAR_W + 20);
}

function NodeView({ name, n, current }: { name: string; n: StateNode; current: boolean }) {
  const w = width(name);
  return (
    <g class={`state${current ? " current" : ""}`} data-state={name} aria-current={current ? "step" : undefined}>
      <title>{`${name}: ${n.words} (${n.rfc})`}</title>
      <rect x={n.x - w / 2} y={n.y - NODE_H / 2} width={w} height={NODE_H} rx={9} />
      <text x={n.x} y={n.y + 5} text-anchor="middle">
        {name}
      </text>
    </g>
  );
}

/** Where the ray from a node's centre towards p leaves its box. */
function exit(n: StateNode, name: string, p: Pt, gap = 2): Pt {
  const dx = p[0] - n.x;
  const dy = p[1] - n.y;
  const hw = width(name) / 2 + gap;
  const hh = NODE_H / 2 + gap;
  const t = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
  return [n.x + dx * t, n.y + dy * t];
}

function arrowHead(tip: Pt, from: Pt): string {
  const dx = tip[0] - from[0];
  const dy = tip[1] - from[1];
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const bx = tip[0] - ux * 9;
  const by = tip[1] - uy * 9;
  return `M${f(tip[0])} ${f(tip[1])} L${f(bx - uy * 4.5)} ${f(by + ux * 4.5)} L${f(bx + uy * 4.5)} ${f(by - ux * 4.5)} Z`;
}

const f = (v: number) => Math.round(v * 10) / 10;

function EdgeView({ m, e, current }: { m: Machine; e: Edge; current: boolean }) {
  const to = m.nodes[e.to];
  let d: string;
  let heads: string[];
  let mid: Pt;
  if (e.loop) {
    const s = e.loop === "right" ? 1 : -1;
    const x = to.x + (s * width(e.to)) / 2;
    const a: Pt = [x, to.y - 8];
    const b: Pt = [x, to.y + 8];
    const c1: Pt = [x + s * 40, to.y - 30];
    const c2: Pt = [x + s * 40, to.y + 30];
    d = `M${f(a[0])} ${a[1]} C${f(c1[0])} ${c1[1]} ${f(c2[0])} ${c2[1]} ${f(b[0])} ${b[1]}`;
    heads = [arrowHead(b, c2)];
    mid = [x + s * 30, to.y];
  } else {
    const p0: Pt = typeof e.from === "string" ? [m.nodes[e.from].x, m.nodes[e.from].y] : e.from;
    const p1: Pt = [to.x, to.y];
    const bend = e.bend ?? 0;
    const len = Math.hypot(p1[0] - p0[0], p1[1] - p0[1]) || 1;
    // The control point: twice the bow, perpendicular to the chord, on its right.
    const c: Pt = [(p0[0] + p1[0]) / 2 - ((p1[1] - p0[1]) / len) * bend * 2, (p0[1] + p1[1]) / 2 + ((p1[0] - p0[0]) / len) * bend * 2];
    const a = typeof e.from === "string" ? exit(m.nodes[e.from], e.from, c, e.both ? 2 : 1) : p0;
    const b = exit(to, e.to, c);
    d = `M${f(a[0])} ${f(a[1])} Q${f(c[0])} ${f(c[1])} ${f(b[0])} ${f(b[1])}`;
    heads = [arrowHead(b, c)];
    if (e.both) heads.push(arrowHead(a, c));
    mid = [(a[0] + 2 * c[0] + b[0]) / 4, (a[1] + 2 * c[1] + b[1]) / 4];
  }
  const [lx, ly] = e.at ?? mid;
  const lines = e.label.split("\n");
  const from = typeof e.from === "string" ? e.from : "any";
  return (
    <g class={`transition${current ? " from-current" : ""}${typeof e.from === "string" ? "" : " any-state"}`} data-from={from} data-to={e.to}>
      <title>{`${from} → ${e.to}: ${e.label.replace(/\n/g, " ")}`}</title>
      <path class="wire" d={d} />
      {heads.map((h, i) => (
        <path key={i} class="head" d={h} />
      ))}
      <text class="edge-label" x={lx} y={ly - ((lines.length - 1) * LABEL_LINE) / 2 + 4} text-anchor={e.anchor ?? "middle"}>
        {lines.map((l, i) => (
          <tspan key={i} x={lx} dy={i === 0 ? 0 : LABEL_LINE}>
            {l}
          </tspan>
        ))}
      </text>
    </g>
  );
}
