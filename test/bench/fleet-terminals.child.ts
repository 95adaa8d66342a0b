// Simulated terminals of the fleet bench, a share of them per process: they run the agent's own
// code (`enroll()` and `AgentConnection`, the production heartbeat of 10 s ± 10 % and backoff).
// Load generators, not what is measured: they run the sources under tsx. Driven over IPC by
// fleet-terminals.ts.
import { AgentConnection } from '../../agent/src/connection/agent-connection.js';
import { enroll } from '../../agent/src/identity/enroll-client.js';
import type { AgentInfo } from '../../protocol/src/agent/messages.js';
import { HEARTBEAT_MS, type WorkerCommand, type WorkerStatus } from './fleet-terminals.js';

const credentials: string[] = [];
let connections: AgentConnection[] = [];
/** connects each connection had when the last `connect` finished: more is a reconnect */
let epoch = 0;
const info = (hardwareId: string): AgentInfo => ({
  agentVersion: 'bench',
  hostname: hardwareId,
  os: 'Linux bench',
  uptimeSeconds: 3600,
  load: [0.1, 0.1, 0.1],
  memory: { totalBytes: 2 ** 31, freeBytes: 2 ** 30 },
  addresses: ['10.0.0.1'],
  screen: { width: 1920, height: 1080 },
  kiosk: 'running',
  hardwareId,
});
const reply = (message: unknown): void => void process.send!(message);

async function enrollAll(m: Extract<WorkerCommand, { cmd: 'enroll' }>): Promise<void> {
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < m.count) {
      const i = next++;
      const res = await enroll(m.brokerUrl, { joinToken: m.token, hardwareId: `${m.prefix}-${i}`, name: `bench-${m.prefix}-${i}` });
      credentials.push(res.credential);
    }
  };
  await Promise.all(Array.from({ length: m.concurrency }, one));
}

function connectAll(brokerUrl: string): void {
  connections = credentials.map((credential, i) => {
    const hardwareId = `${process.pid}-${i}`;
    const c = new AgentConnection({
      brokerUrl,
      credential,
      heartbeatMs: HEARTBEAT_MS,
      heartbeatJitter: 0.1,
      backoff: { initialMs: 1000, maxMs: 30_000 },
      info: () => info(hardwareId),
      onCommand: async () => ({ outcome: { ok: true, result: {} } }),
    });
    c.start();
    return c;
  });
  epoch = 1;
}

function status(): WorkerStatus {
  const s: WorkerStatus = { total: connections.length, ready: 0, reconnected: 0, sent: 0, acked: 0, lost: 0 };
  for (const c of connections) {
    if (c.ready) s.ready++;
    if (c.ready && c.stats.connects > epoch) s.reconnected++;
    s.sent += c.stats.heartbeatsSent;
    s.acked += c.stats.heartbeatsAcked;
    s.lost += c.stats.heartbeatsLost;
  }
  return s;
}

process.on('message', async (m: WorkerCommand) => {
  if (m.cmd === 'enroll') {
    await enrollAll(m);
    reply({ cmd: 'enrolled', count: credentials.length });
  } else if (m.cmd === 'connect') {
    connectAll(m.brokerUrl);
    reply({ cmd: 'connecting' });
  } else if (m.cmd === 'status') {
    reply({ cmd: 'status', status: status() });
  } else if (m.cmd === 'disconnect') {
    await Promise.all(connections.map((c) => c.stop()));
    connections = [];
    reply({ cmd: 'disconnected' });
  } else if (m.cmd === 'stop') {
    await Promise.all(connections.map((c) => c.stop()));
    reply({ cmd: 'stopped' });
    process.exit(0);
  }
});
reply({ cmd: 'hello' });
