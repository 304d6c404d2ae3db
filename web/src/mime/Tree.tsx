// The MIME tree, containers included. Only the rows in view are rendered,
// so a 10,000-part message scrolls like a 10-part one.
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { type MimeNode, diagCount, humanSize, worst } from "./model";
import { collapsed, model, select, selected, toggle } from "./state";

const ROW_H = 26; // px; must match .tree-row in mime.css
const OVERSCAN = 10;

interface Row {
  node: MimeNode;
  depth: number;
}

function flatten(root: MimeNode, folded: ReadonlySet<string>): Row[] {
  const out: Row[] = [];
  const stack: Row[] = [{ node: root, depth: 0 }];
  while (stack.length) {
    const r = stack.pop()!;
    out.push(r);
    if (folded.has(r.node.path)) continue;
    const kids = r.node.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], depth: r.depth + 1 });
  }
  return out;
}

export function Tree() {
  const rows = useComputed(() => (model.value ? flatten(model.value.root, collapsed.value) : []));
  const ref = useRef<HTMLDivElement>(null);
  const scrollTop = useSignal(0);
  const viewH = useSignal(400);
  const list = rows.value;
  const sel = selected.value;
  const selIndex = list.findIndex((r) => r.node.path === sel);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || selIndex < 0) return;
    const y = selIndex * ROW_H;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_H > el.scrollTop + el.clientHeight) el.scrollTop = y + ROW_H - el.clientHeight;
    scrollTop.value = el.scrollTop;
  }, [selIndex]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => (viewH.value = el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const from = Math.max(0, Math.floor(scrollTop.value / ROW_H) - OVERSCAN);
  const to = Math.min(list.length, Math.ceil((scrollTop.value + viewH.value) / ROW_H) + OVERSCAN);

  const onKey = (e: KeyboardEvent) => {
    const i = selIndex < 0 ? 0 : selIndex;
    const r = list[i];
    let next = -1;
    switch (e.key) {
      case "ArrowDown":
        next = Math.min(list.length - 1, i + 1);
        break;
      case "ArrowUp":
        next = Math.max(0, i - 1);
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = list.length - 1;
        break;
      case "ArrowRight":
      case "ArrowLeft":
        if (r && r.node.children.length && collapsed.value.has(r.node.path) === (e.key === "ArrowRight")) toggle(r.node.path);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    select(list[next].node.path);
  };

  return (
    <div class="mime-tree" id="mime-tree" role="tree" aria-label="MIME tree" tabIndex={0} ref={ref} onKeyDown={onKey} onScroll={(e) => (scrollTop.value = (e.currentTarget as HTMLElement).scrollTop)}>
      <div class="tree-spacer" style={{ height: `${list.length * ROW_H}px` }}>
        {list.slice(from, to).map((r, k) => (
          <TreeRow key={r.node.path} row={r} top={(from + k) * ROW_H} selected={r.node.path === sel} folded={collapsed.value.has(r.node.path)} />
        ))}
      </div>
    </div>
  );
}

function TreeRow({ row, top, selected, folded }: { row: Row; top: number; selected: boolean; folded: boolean }) {
  const n = row.node;
  const w = worst(n);
  const count = diagCount(n);
  const meta = [humanSize(n.size)];
  if (n.transferEncoding && n.transferEncoding !== "7bit") meta.push(n.transferEncoding);
  if (n.charset) meta.push(n.charset);
  return (
    <div
      class={`tree-row${selected ? " selected" : ""}`}
      role="treeitem"
      aria-selected={selected}
      aria-expanded={n.children.length ? !folded : undefined}
      data-path={n.path}
      style={{ top: `${top}px`, paddingLeft: `${0.4 + row.depth * 1.1}em` }}
      onClick={() => select(n.path)}
    >
      {n.children.length > 0 ? (
        <button
          class="fold"
          aria-label={folded ? "expand" : "collapse"}
          onClick={(e) => {
            e.stopPropagation();
            toggle(n.path);
          }}
        >
          {folded ? "▸" : "▾"}
        </button>
      ) : (
        <span class="fold" />
      )}
      <span class="path">{n.path || "·"}</span>
      <span class={`ct${n.message ? " msg" : ""}`}>{n.contentType}</span>
      {n.filename && <span class="fn">{n.filename}</span>}
      <span class="meta">{meta.join(" · ")}</span>
      {n.attachments?.length ? <span class="uu" title="uuencoded files inside">+{n.attachments.length} uu</span> : null}
      {count > 0 && (
        <span class={`badge sev-${w}`} title={`${count} diagnostic(s), worst: ${w}`}>
          {count}
        </span>
      )}
    </div>
  );
}
