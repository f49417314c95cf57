/**
 * The playground's UI: open a session on OPFS or IndexedDB (or from a `.db`
 * file), play the scripted conversation, look at the graph, switch or fork
 * by clicking, tombstone / GC / vacuum with before-and-after sizes, and
 * download the database. All store work goes through `session.ts`.
 */
import { renderGraph } from './graph.ts';
import { SCRIPT } from './script.ts';
import { PlaygroundSession, bytes, deleteSession, listSessions, type SessionView, type SizeChange, type TargetKind } from './session.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const LAST = 'lash-playground:last';
const fast = new URLSearchParams(location.search).has('fast');

let target: TargetKind = 'opfs';
let session: PlaygroundSession | null = null;
let view: SessionView | null = null;
let selected: string | null = null;
let busy = false;
const activity: SizeChange[] = [];

const hooks = { ready: false, busy: false, view: () => view, script: { done: 0, total: SCRIPT.length } };
(window as unknown as { __playground: typeof hooks }).__playground = hooks;

// ---- actions --------------------------------------------------------------

async function act<T>(label: string, action: () => Promise<T>): Promise<T | undefined> {
  if (busy) return undefined;
  setBusy(true);
  try {
    return await action();
  } catch (error) {
    toast(`${label}: ${(error as Error).message ?? error}`, true);
    console.error(error);
    return undefined;
  } finally {
    setBusy(false);
  }
}

async function openSession(kind: TargetKind, name: string, data?: Uint8Array): Promise<void> {
  await act('open', async () => {
    if (session !== null) await session.close();
    session = null;
    view = null;
    selected = null;
    activity.length = 0;
    session = await PlaygroundSession.open(kind, name, data);
    target = kind;
    localStorage.setItem(LAST, JSON.stringify({ target: kind, name }));
    await refresh();
    await refreshKnown();
    const recovery = view!.recovery;
    toast(
      recovery.replayedTransactions > 0
        ? `Opened “${name}”: replayed ${recovery.replayedTransactions} logged transactions, integrity ok`
        : `Opened “${name}” on ${kind === 'opfs' ? 'OPFS' : 'IndexedDB'}`,
    );
  });
}

async function refresh(): Promise<void> {
  view = session === null ? null : await session.view();
  if (selected !== null && !view?.nodes.some((n) => n.id === selected)) selected = null;
  render();
}

async function runScript(): Promise<void> {
  await act('script', async () => {
    const memo = new Map<string, string>();
    const steps = $('script-steps').children;
    for (let i = 0; i < SCRIPT.length; i++) {
      steps[i]!.className = 'running';
      await SCRIPT[i]!.run(session!, memo);
      steps[i]!.className = 'done';
      hooks.script.done = i + 1;
      await refresh();
      if (!fast) await new Promise((resolve) => setTimeout(resolve, 380));
    }
    toast('Script finished: 9 steps, every one acknowledged by the store');
  });
}

async function sizeAction(run: (s: PlaygroundSession) => Promise<SizeChange>): Promise<void> {
  await act('storage', async () => {
    const change = await run(session!);
    activity.unshift(change);
    await refresh();
  });
}

function download(): void {
  if (session === null) return;
  const blob = new Blob([session.download() as Uint8Array<ArrayBuffer>], { type: 'application/x-sqlite3' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${session.name}.db`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// ---- rendering ------------------------------------------------------------

function render(): void {
  $('empty').hidden = view !== null;
  $('workspace').hidden = view === null;
  document.querySelectorAll<HTMLButtonElement>('[data-target]').forEach((b) => b.classList.toggle('active', b.dataset.target === target));
  if (view === null) return;
  $('session-title').textContent = view.name;
  $('graph-meta').textContent = `${view.nodes.length} nodes · revision ${view.headRevision ?? '—'} · ${view.target === 'opfs' ? 'OPFS' : 'IndexedDB'}`;
  renderGraph($('graph'), view.nodes, view.activePath, selected, (id) => {
    selected = selected === id ? null : id;
    render();
  });
  renderSelection();
  renderTranscript();
  renderQueue();
  renderStorage();
}

function renderSelection(): void {
  const card = $('node-card');
  const node = view!.nodes.find((n) => n.id === selected);
  card.hidden = node === undefined;
  if (node === undefined) return;
  const onPath = view!.activePath.includes(node.id);
  const isLeaf = view!.leaf === node.id;
  $('node-role').textContent = node.role;
  $('node-role').className = `pill role-${node.role.toLowerCase()}`;
  $('node-id').textContent = node.id;
  $('node-text').textContent = node.text;
  $('node-state').textContent = isLeaf ? 'the head’s leaf' : onPath ? 'on the active path' : 'on another branch';
  ($('switch-here') as HTMLButtonElement).disabled = isLeaf;
  ($('tombstone-branch') as HTMLButtonElement).disabled = onPath;
}

function renderTranscript(): void {
  const byId = new Map(view!.nodes.map((n) => [n.id, n]));
  const items = view!.activePath.map((id) => byId.get(id)).filter((n) => n !== undefined);
  $('transcript').replaceChildren(
    ...items.map((node) => {
      const bubble = document.createElement('div');
      bubble.className = `bubble role-${node.role.toLowerCase()}`;
      bubble.dataset.nodeId = node.id;
      const who = document.createElement('div');
      who.className = 'who';
      who.textContent = node.role === 'Tool' ? `tool result · ${node.toolName}` : node.toolName ? `${node.role} · calls ${node.toolName}` : node.role;
      const text = document.createElement('div');
      text.textContent = node.text;
      bubble.append(who, text);
      return bubble;
    }),
  );
  if (items.length === 0) $('transcript').innerHTML = '<p class="muted">No turns yet. Run the script, or start typing below.</p>';
  $('transcript').scrollTop = $('transcript').scrollHeight;
}

function renderQueue(): void {
  const queue = $('queue');
  queue.replaceChildren(
    ...view!.queue.map((item) => li(`${item.kind === 'process_wake' ? '⏰' : '✉️'} ${item.text}`, 'queued')),
  );
  if (view!.queue.length === 0) queue.append(li('nothing queued', 'muted'));
  const processes = $('processes');
  processes.replaceChildren(
    ...view!.processes.map((p) => {
      const box = document.createElement('div');
      box.className = 'process';
      const head = document.createElement('div');
      head.className = 'process-head';
      head.innerHTML = `<code></code><span class="pill state-${p.state}">${p.state}</span>`;
      head.querySelector('code')!.textContent = p.id;
      const events = document.createElement('ol');
      events.className = 'events';
      events.append(...p.events.map((e) => li(`#${e.sequence} ${e.type} — ${e.text}`)));
      box.append(head, events);
      return box;
    }),
  );
  if (view!.processes.length === 0) processes.append(li('no background processes', 'muted'));
}

function renderStorage(): void {
  const s = view!.storage;
  const r = view!.recovery;
  const rows: [string, string][] = [
    ['database', bytes(s.databaseBytes)],
    ['image checkpoint', bytes(s.imageBytes)],
    ['redo log', `${bytes(s.logBytes)} · ${s.logRecords} records`],
    ['durable', s.durableSeq === s.committedSeq ? `all ${s.committedSeq} transactions` : `${s.durableSeq} of ${s.committedSeq}`],
    ['persistent storage', s.storagePersisted === null ? 'not asked' : s.storagePersisted ? 'granted' : 'not granted (evictable)'],
    ['on open', `${r.replayedTransactions} replayed · integrity ${r.integrity} · ${r.elapsedMs} ms`],
  ];
  if (r.notes.length > 0) rows.push(['recovery notes', r.notes.join('; ')]);
  if (s.lastError) rows.push(['last error', s.lastError]);
  $('storage').replaceChildren(
    ...rows.map(([k, v]) => {
      const row = document.createElement('div');
      row.className = 'kv';
      row.innerHTML = '<span></span><strong></strong>';
      row.children[0]!.textContent = k;
      row.children[1]!.textContent = v;
      return row;
    }),
  );
  $('activity').replaceChildren(
    ...activity.slice(0, 6).map((change) => {
      const item = li('');
      item.dataset.action = change.label;
      item.innerHTML = `<strong></strong> <span class="size"></span><div class="muted small"></div>`;
      item.children[0]!.textContent = change.label;
      item.children[1]!.textContent = `${bytes(change.before)} → ${bytes(change.after)}`;
      item.children[2]!.textContent = change.detail;
      return item;
    }),
  );
}

async function refreshKnown(): Promise<void> {
  const known = await listSessions();
  const select = $<HTMLSelectElement>('known-sessions');
  select.replaceChildren(new Option(known.length ? 'Stored sessions…' : 'No stored sessions', ''));
  for (const entry of known) select.append(new Option(`${entry.name} · ${entry.target === 'opfs' ? 'OPFS' : 'IndexedDB'}`, JSON.stringify(entry)));
}

function li(text: string, className?: string): HTMLLIElement {
  const item = document.createElement('li');
  item.textContent = text;
  if (className) item.className = className;
  return item;
}

function setBusy(value: boolean): void {
  busy = value;
  hooks.busy = value;
  document.body.classList.toggle('busy', value);
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
function toast(text: string, error = false): void {
  const box = $('toast');
  box.textContent = text;
  box.className = error ? 'show error' : 'show';
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.className = ''), error ? 8000 : 3500);
}

// ---- wiring ---------------------------------------------------------------

function defaultName(): string {
  return `session-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')}`;
}

async function openFile(file: File): Promise<void> {
  const data = new Uint8Array(await file.arrayBuffer());
  const base = file.name.replace(/\.(db|sqlite3?)$/i, '').replace(/[^\w.-]+/g, '-') || 'dropped';
  const taken = new Set((await listSessions()).filter((s) => s.target === target).map((s) => s.name));
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  await openSession(target, name, data);
}

function wire(): void {
  SCRIPT.forEach((step) => $('script-steps').append(li(step.label)));
  document.querySelectorAll<HTMLButtonElement>('[data-target]').forEach((button) =>
    button.addEventListener('click', () => {
      target = button.dataset.target as TargetKind;
      render();
    }),
  );
  $<HTMLInputElement>('session-name').value = defaultName();
  $('open-session').addEventListener('click', () => openSession(target, $<HTMLInputElement>('session-name').value.trim() || defaultName()));
  $('new-session').addEventListener('click', () => {
    const name = defaultName() + '-' + Math.random().toString(36).slice(2, 6);
    $<HTMLInputElement>('session-name').value = name;
    return openSession(target, name);
  });
  $<HTMLSelectElement>('known-sessions').addEventListener('change', (event) => {
    const value = (event.target as HTMLSelectElement).value;
    if (!value) return;
    const entry = JSON.parse(value) as { target: TargetKind; name: string };
    $<HTMLInputElement>('session-name').value = entry.name;
    void openSession(entry.target, entry.name);
  });
  $<HTMLInputElement>('db-file').addEventListener('change', (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void openFile(file);
  });
  window.addEventListener('dragover', (event) => {
    event.preventDefault();
    document.body.classList.add('dragging');
  });
  window.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  window.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) void openFile(file);
  });
  $('run-script').addEventListener('click', () => void runScript());
  $('switch-here').addEventListener('click', () => act('switch', async () => {
    await session!.switchTo(selected!);
    await refresh();
  }));
  $('fork-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $<HTMLInputElement>('fork-text');
    const text = input.value.trim() || 'Let me try that differently.';
    void act('fork', async () => {
      const id = await session!.say('User', text, { parent: selected! });
      input.value = '';
      selected = id;
      await refresh();
    });
  });
  $('say-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $<HTMLInputElement>('say-text');
    const text = input.value.trim();
    if (!text) return;
    void act('message', async () => {
      await session!.say('User', text);
      input.value = '';
      await refresh();
    });
  });
  $('tombstone-branch').addEventListener('click', () => sizeAction((s) => s.tombstoneBranch(selected!)));
  $('gc').addEventListener('click', () => sizeAction((s) => s.gc()));
  $('vacuum').addEventListener('click', () => sizeAction((s) => s.vacuum()));
  $('download').addEventListener('click', download);
  $('delete-session').addEventListener('click', () =>
    act('delete', async () => {
      if (session === null) return;
      const { target: kind, name } = session;
      await session.close();
      session = null;
      view = null;
      await deleteSession(kind, name);
      localStorage.removeItem(LAST);
      await refreshKnown();
      render();
      toast(`Deleted “${name}”`);
    }),
  );
}

async function start(): Promise<void> {
  wire();
  render();
  await refreshKnown().catch(() => undefined);
  const last = localStorage.getItem(LAST);
  if (last !== null) {
    const { target: kind, name } = JSON.parse(last) as { target: TargetKind; name: string };
    $<HTMLInputElement>('session-name').value = name;
    await openSession(kind, name);
  }
  hooks.ready = true;
}

void start();
