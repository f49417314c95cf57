// Child of the SIGKILL crash test: commits turns through fileLogPersistence
// and reports each one once it is acknowledged, until it is killed.
import { fileLogPersistence } from '../../src/node.ts';
import { openSqlJs } from '../../src/sqljs.ts';
import { reply } from '../support/child.ts';
import { TurnWriter } from '../browser/workload.ts';

const conn = await openSqlJs({ persistence: fileLogPersistence(process.argv[2]!), checkpointLogBytes: 16_000 });
const writer = await TurnWriter.open(conn, 'session-kill');
for (let turn = 1; ; turn++) reply({ ack: await writer.commitTurn(turn, 400 + (turn % 7) * 300) });
