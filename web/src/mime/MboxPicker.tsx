// An mbox holds several messages (RFC 4155): pick the one to explore.
import { useSignal } from "@preact/signals";
import { humanSize } from "./model";
import { bytesToText } from "./rows";
import { doc, msgIndex, parse } from "./state";

const SHOWN = 500;

export function MboxPicker() {
  const d = doc.value;
  const jump = useSignal("");
  if (!d || d.messages.length < 2) return null;
  const line = (s: number, e: number) => {
    const b = d.bytes.subarray(s, Math.min(e, s + 200));
    const nl = b.indexOf(0x0a);
    return bytesToText(nl >= 0 ? b.subarray(0, nl) : b).replace(/\r$/, "");
  };
  return (
    <div class="mime-mbox">
      <p>
        {d.name} is an mbox of {d.messages.length.toLocaleString()} messages (RFC 4155); pick one:{" "}
        <input
          type="number"
          min={1}
          max={d.messages.length}
          value={jump.value}
          placeholder="#"
          onChange={(e) => {
            const v = Number((e.currentTarget as HTMLInputElement).value);
            if (v >= 1 && v <= d.messages.length) parse(v - 1);
          }}
        />
      </p>
      <ol class="mbox-list" id="mime-mbox">
        {d.messages.slice(0, SHOWN).map(([s, e], i) => (
          <li key={i} class={i === msgIndex.value ? "selected" : ""}>
            <button class="link" data-index={i} onClick={() => parse(i)}>
              {line(s, e)}
            </button>{" "}
            <span class="meta">{humanSize(e - s)}</span>
          </li>
        ))}
        {d.messages.length > SHOWN && <li>… {d.messages.length - SHOWN} more: type a number above</li>}
      </ol>
    </div>
  );
}
