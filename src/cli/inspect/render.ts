/** The human-readable form of an `inspect` report (the `--json` form is the report itself). */
import type { ComponentStatus } from '../components.ts';
import { formatBytes, formatTime, table, type Output } from '../output.ts';
import type { InspectReport, RefSize } from './report.ts';

export function renderInspect(report: InspectReport, out: Output): void {
  const { file } = report;
  const h = (title: string) => out.line(out.paint('bold', title));
  h(report.path);
  out.line(
    `  file ${formatBytes(file.main_bytes)}, wal ${formatBytes(file.wal_bytes)}, shm ${formatBytes(file.shm_bytes)}; ` +
      `${file.page_count} pages of ${file.page_size} B, ${file.freelist_count} free; journal ${file.journal_mode}; read as ${file.read_mode}`,
  );
  out.line(`  components: ${Object.values(report.components).map((c) => componentLabel(c, out)).join(', ')}`);

  const { session } = report;
  if (session !== null) {
    out.line();
    h('session');
    const meta = session.session_meta;
    if (meta !== null) {
      out.line(`  meta: ${meta.session_id} "${meta.session_name}", model ${meta.model || '-'}, created ${meta.created_at}, cwd ${meta.cwd ?? '-'}, ${meta.relation.kind}`);
    } else out.line('  meta: none');
    if (session.head_error !== null) out.line(`  head: ${out.paint('red', `unreadable: ${session.head_error}`)}`);
    else if (session.head === null) out.line('  head: none (nothing committed yet)');
    else {
      const head = session.head;
      out.line(`  head: ${head.session_id} revision ${head.head_revision}, leaf ${head.leaf_node_id ?? '-'}, model ${head.model || '-'}, ${head.agent_frame_count} agent frame(s)`);
    }
    out.line(`  nodes: ${session.nodes.live} live, ${session.nodes.tombstoned} tombstoned`);
    const path = session.active_path;
    out.line(`  active path: ${path.length} node(s), ${path.message_count} message(s)${path.messages.length < path.message_count ? `; last ${path.messages.length}:` : ''}`);
    for (const message of path.messages) out.line(`    ${out.paint('cyan', message.role.padEnd(9))} ${message.text}`);
    if (session.branches.length === 0) out.line('  branches off the active path: none');
    else {
      out.line(`  branches off the active path: ${session.branches.length}`);
      for (const line of table(session.branches.map((b) => [`    from ${b.parent_node_id ?? '(detached)'}`, `${b.node_id}`, `${b.node_count} node(s)`, `last ${b.last_node_id}`]))) {
        out.line(line);
      }
    }
    const cp = session.checkpoint;
    if (cp === null) out.line('  checkpoint: none');
    else {
      out.line(`  checkpoint: ${cp.checkpoint_ref}${cp.readable ? `, turn ${cp.turn_index}` : ` ${out.paint('red', '(unreadable)')}`}`);
      for (const [name, ref] of Object.entries(cp.refs)) if (ref !== null) out.line(`    ${name.padEnd(16)} ${refLine(ref)}`);
    }
    const u = session.usage.totals;
    out.line(`  usage: ${u.input_tokens} in, ${u.output_tokens} out, ${u.cached_input_tokens} cached, ${u.reasoning_tokens} reasoning (${session.usage.delta_rows} row(s), ${session.usage.ledger.length} source/model pair(s))`);
    const q = session.queued_work;
    out.line(`  queued work: ${q.pending} pending, ${q.claimed} claimed, ${q.expired_claims} with an expired claim`);
    for (const b of q.batches) {
      const claim = b.claim_id === null ? '' : ` owner ${b.claim_owner_id}, expires ${formatTime(b.claim_expires_at_ms)}`;
      out.line(`    ${b.batch_id} ${b.state} (${b.item_count} item(s))${claim}`);
    }
    out.line(`  turn commits: ${session.turn_commits}; attachments: ${session.attachments.total} (${session.attachments.uncommitted} uncommitted); artifacts: ${session.artifacts}`);
    out.line(`  blobs: ${session.blobs.count}, ${formatBytes(session.blobs.stored_bytes)}`);
    for (const [kind, entry] of Object.entries(session.blobs.by_kind)) out.line(`    ${kind.padEnd(24)} ${entry.count} (${formatBytes(entry.stored_bytes)})`);
  }

  const { process } = report;
  if (process !== null) {
    out.line();
    h('processes');
    out.line(`  ${process.processes.length} process(es): ${Object.entries(process.by_status).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`);
    for (const p of process.processes) {
      const grants = p.grants.length === 0 ? 'no grants' : `granted to ${p.grants.map((g) => g.session_id).join(', ')}`;
      out.line(`    ${p.process_id} ${p.status}, ${p.event_count} event(s), ${grants}`);
      for (const e of p.last_events) out.line(`      #${e.sequence} ${e.event_type} at ${formatTime(e.occurred_at_ms)}`);
    }
  }
  const { effects } = report;
  if (effects !== null) {
    out.line();
    h('effects');
    out.line(`  ${effects.rows} row(s) in ${effects.scopes} scope(s): ${Object.entries(effects.by_status).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`);
  }
  const hostEvents = report.host_events;
  if (hostEvents !== null) {
    out.line();
    h('host events');
    out.line(`  ${hostEvents.subscriptions.length} subscription(s), ${hostEvents.occurrences} occurrence(s), deliveries ${hostEvents.deliveries.pending} pending / ${hostEvents.deliveries.started} started`);
    for (const s of hostEvents.subscriptions) {
      out.line(`    ${s.session_id}/${s.handle} ${s.source_type} ${s.source_key || '(any)'}${s.enabled ? '' : ' (disabled)'}`);
    }
  }
  for (const warning of report.warnings) out.warn(warning);
}

function componentLabel(c: ComponentStatus, out: Output): string {
  if (c.state === 'present') return `${c.component} v${c.version}`;
  if (c.state === 'absent') return out.paint('dim', `${c.component} absent`);
  return out.paint('red', `${c.component} unsupported (v${c.version}, supports v${c.supported_version})`);
}

function refLine(ref: RefSize): string {
  if (ref.stored_bytes === null) return `${ref.ref} MISSING`;
  return `${ref.ref} ${formatBytes(ref.content_bytes)} (stored ${formatBytes(ref.stored_bytes)})${ref.content_bytes === null ? ' CORRUPT' : ''}`;
}
