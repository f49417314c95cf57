/**
 * The session graph as SVG, drawn like a commit graph: one row per node in
 * depth-first order, one lane per branch (a node's first child stays in its
 * lane, every other child opens a new lane to the right), the active path in
 * the accent colour. Clicking a node calls `onSelect`.
 */
import type { NodeView } from './session.ts';

const ROW = 34;
const LANE = 22;
const PAD = 18;
const SVG_NS = 'http://www.w3.org/2000/svg';

interface Placed {
  readonly node: NodeView;
  readonly row: number;
  readonly lane: number;
}

export function layout(nodes: readonly NodeView[]): { placed: Placed[]; lanes: number } {
  const ids = new Set(nodes.map((n) => n.id));
  const children = new Map<string | null, NodeView[]>();
  for (const node of nodes) {
    const parent = node.parent !== null && ids.has(node.parent) ? node.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), node]);
  }
  const placed: Placed[] = [];
  let lanes = 0;
  // Iterative depth-first walk (a dropped database may hold a very long path).
  const stack: { node: NodeView; lane: number }[] = (children.get(null) ?? []).map((node) => ({ node, lane: lanes++ })).reverse();
  while (stack.length > 0) {
    const { node, lane } = stack.pop()!;
    placed.push({ node, row: placed.length, lane });
    const kids = children.get(node.id) ?? [];
    const next = kids.map((kid, i) => ({ node: kid, lane: i === 0 ? lane : lanes++ }));
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return { placed, lanes: Math.max(lanes, 1) };
}

export function renderGraph(
  container: HTMLElement,
  nodes: readonly NodeView[],
  activePath: readonly string[],
  selected: string | null,
  onSelect: (id: string) => void,
): void {
  const { placed, lanes } = layout(nodes);
  const active = new Set(activePath);
  const leaf = activePath[activePath.length - 1] ?? null;
  const byId = new Map(placed.map((p) => [p.node.id, p]));
  const labelX = PAD + lanes * LANE + 8;
  const width = Math.max(container.clientWidth || 640, labelX + 360);
  const height = PAD * 2 + Math.max(placed.length, 1) * ROW;
  const svg = el('svg', { width: '100%', height: String(height), viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'session graph' });
  const x = (lane: number) => PAD + lane * LANE + LANE / 2;
  const y = (row: number) => PAD + row * ROW + ROW / 2;

  for (const p of placed) {
    if (p.node.parent === null) continue;
    const parent = byId.get(p.node.parent);
    if (parent === undefined) continue;
    const onPath = active.has(p.node.id) && active.has(parent.node.id);
    const x0 = x(parent.lane);
    const y0 = y(parent.row);
    const x1 = x(p.lane);
    const y1 = y(p.row);
    const d = x0 === x1 ? `M${x0},${y0} L${x1},${y1}` : `M${x0},${y0} C${x0},${y0 + ROW * 0.8} ${x1},${y0 + ROW * 0.2} ${x1},${y0 + ROW} L${x1},${y1}`;
    svg.append(el('path', { d, class: onPath ? 'edge edge-active' : 'edge' }));
  }

  for (const p of placed) {
    const id = p.node.id;
    const classes = ['node', `role-${p.node.role.toLowerCase()}`];
    if (active.has(id)) classes.push('on-path');
    if (id === leaf) classes.push('leaf');
    if (id === selected) classes.push('selected');
    const group = el('g', { class: classes.join(' '), 'data-node-id': id, tabindex: '0', transform: `translate(0, ${y(p.row)})` });
    group.append(el('rect', { class: 'row-hit', x: '0', y: String(-ROW / 2), width: String(width), height: String(ROW), rx: '6' }));
    group.append(el('circle', { class: 'dot', cx: String(x(p.lane)), cy: '0', r: p.node.role === 'User' ? '6.5' : '6' }));
    const label = el('text', { x: String(labelX), y: '4', class: 'label' });
    label.append(el('tspan', { class: 'badge' }, p.node.toolName && p.node.role !== 'Tool' ? `${p.node.role} · ${p.node.toolName}` : p.node.role));
    label.append(el('tspan', { class: 'snippet', dx: '8' }, snippet(p.node.text, 70)));
    label.append(el('tspan', { class: 'node-id', dx: '8' }, id));
    group.append(label);
    group.addEventListener('click', () => onSelect(id));
    group.addEventListener('keydown', (event) => (event as KeyboardEvent).key === 'Enter' && onSelect(id));
    svg.append(group);
  }
  container.replaceChildren(svg);
}

function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function el(tag: string, attributes: Record<string, string>, text?: string): SVGElement {
  const node = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}
