import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { AgentConfigError, loadAgentConfig } from '../../agent/src/config/agent-config.js';
import { AgentConnection } from '../../agent/src/connection/agent-connection.js';
import { backoffDelay, jittered } from '../../agent/src/connection/backoff.js';
import { asUser } from '../../agent/src/os/linux/chromium-kiosk.js';
import { scheduleShutdownArgs } from '../../agent/src/os/linux/linux-power.js';
import { agentToBrokerSchema, checkAgentProtocol, commandRequestBody, parseFrame } from '../../protocol/src/agent/index.js';
import { eventually } from '../helpers/eventually.js';

describe('agent building blocks', () => {
  describe('backoff', () => {
    it('grows, stays in [x/2, x] and never passes the cap', () => {
      const policy = { initialMs: 1000, maxMs: 30_000 };
      const expected = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];
      expected.forEach((ceiling, attempt) => {
        assert.equal(
          backoffDelay(attempt, policy, () => 0),
          ceiling / 2,
        );
        assert.equal(
          backoffDelay(attempt, policy, () => 1),
          ceiling,
        );
      });
      assert.equal(
        backoffDelay(500, policy, () => 1),
        30_000,
      );
    });
    it('jitters heartbeats by at most the given fraction', () => {
      assert.equal(
        jittered(10_000, 0.1, () => 0),
        9000,
      );
      assert.equal(
        jittered(10_000, 0.1, () => 1),
        11_000,
      );
      assert.equal(
        jittered(10_000, 0, () => 0.3),
        10_000,
      );
    });
  });

  describe('protocol', () => {
    it('checks the version header: any minor of a supported major', () => {
      assert.equal(checkAgentProtocol('1.0').ok, true);
      assert.equal(checkAgentProtocol('1.12').ok, true);
      for (const bad of [undefined, '', '1', '2.0', '0.9', 'v1.0', '1.0.0']) assert.equal(checkAgentProtocol(bad).ok, false, String(bad));
    });
    it('accepts a heartbeat and refuses unknown fields and types', () => {
      const info = {
        agentVersion: '1',
        hostname: 'h',
        os: 'o',
        uptimeSeconds: 1,
        load: [0, 0, 0],
        memory: { totalBytes: 1, freeBytes: 0 },
        addresses: [],
        screen: null,
        kiosk: 'running',
        hardwareId: null,
      };
      assert.equal(parseFrame(agentToBrokerSchema, JSON.stringify({ type: 'heartbeat', seq: 1, intervalMs: 10_000, lifecycle: 'ready', info })).ok, true);
      const extra = parseFrame(agentToBrokerSchema, JSON.stringify({ type: 'heartbeat', seq: 1, intervalMs: 10_000, lifecycle: 'ready', info, root: true }));
      assert.equal(extra.ok, false);
      assert.deepEqual(parseFrame(agentToBrokerSchema, '{"type":"hello"}').ok, false);
      assert.deepEqual(parseFrame(agentToBrokerSchema, 'not json'), { ok: false, reason: 'not JSON' });
    });
    it('fills command defaults and bounds the timeout', () => {
      assert.deepEqual(commandRequestBody.parse({ command: { type: 'reboot' } }), { command: { type: 'reboot', delaySeconds: 0 }, timeoutSeconds: 15 });
      assert.equal(commandRequestBody.safeParse({ command: { type: 'lock' }, timeoutSeconds: 500 }).success, false);
      assert.equal(commandRequestBody.safeParse({ command: { type: 'message', text: 'a\u0007b' } }).success, false);
    });
  });

  describe('configuration', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'yz-agent-config-'));
    const file = path.join(dir, 'agent.json');
    writeFileSync(file, JSON.stringify({ brokerUrl: 'http://file.example', name: 'from-file', heartbeatMs: 5000 }));

    it('reads file < env < flags', () => {
      const config = loadAgentConfig(['--name', 'from-flag'], {
        YUNZHUO_AGENT_CONFIG: file,
        YUNZHUO_AGENT_NAME: 'from-env',
        YUNZHUO_AGENT_HEARTBEAT_MS: '7000',
      });
      assert.deepEqual(
        [config.brokerUrl, config.name, config.heartbeatMs, config.os, config.kioskPath],
        ['http://file.example', 'from-flag', 7000, 'linux', '/terminal'],
      );
    });
    it('reports every problem at once', () => {
      assert.throws(
        () => loadAgentConfig(['--heartbeat-ms', 'soon'], { YUNZHUO_AGENT_BROKER_URL: 'ftp://x', YUNZHUO_AGENT_TYPO: '1', YUNZHUO_AGENT_OS: 'recording' }),
        (err: unknown) => {
          assert.ok(err instanceof AgentConfigError);
          const text = err.problems.join('\n');
          for (const want of ['YUNZHUO_AGENT_TYPO: unknown setting', 'YUNZHUO_AGENT_BROKER_URL', 'YUNZHUO_AGENT_HEARTBEAT_MS'])
            assert.match(text, new RegExp(want));
          return true;
        },
      );
    });
  });

  describe("the package's environment file and privileges", () => {
    it('takes YUNZHUO_BROKER_URL / YUNZHUO_JOIN_TOKEN, and the YUNZHUO_AGENT_ form wins', () => {
      const short = loadAgentConfig([], { YUNZHUO_BROKER_URL: 'https://short.example', YUNZHUO_JOIN_TOKEN: 'yzj_short-token' });
      assert.deepEqual([short.brokerUrl, short.joinToken], ['https://short.example', 'yzj_short-token']);
      const both = loadAgentConfig([], { YUNZHUO_BROKER_URL: 'https://short.example', YUNZHUO_AGENT_BROKER_URL: 'https://long.example' });
      assert.equal(both.brokerUrl, 'https://long.example');
    });
    it('starts the browser with runuser as root and sudo -n as its own user', () => {
      assert.deepEqual(asUser('kiosk', 0), ['runuser', '-u', 'kiosk', '--']);
      assert.deepEqual(asUser('kiosk', 110), ['sudo', '-n', '-u', 'kiosk', '--']);
    });
    it("polkit rule: the agent's user may reboot, power off and lock through logind, nothing else, nobody else", () => {
      let rule!: (action: { id: string }, subject: { user: string }) => string;
      const polkit = { Result: { YES: 'yes', NOT_HANDLED: 'not handled' }, addRule: (r: typeof rule) => (rule = r) };
      new Function('polkit', readFileSync(new URL('../../agent/debian/polkit.rules', import.meta.url), 'utf8'))(polkit);
      const allowed = ['org.freedesktop.login1.reboot', 'org.freedesktop.login1.power-off-multiple-sessions', 'org.freedesktop.login1.lock-sessions'];
      for (const id of allowed) assert.equal(rule({ id }, { user: 'yunzhuo-agent' }), 'yes', id);
      for (const id of ['org.freedesktop.systemd1.manage-units', 'org.freedesktop.login1.set-user-linger'])
        assert.equal(rule({ id }, { user: 'yunzhuo-agent' }), 'not handled', id);
      assert.equal(rule({ id: allowed[0]! }, { user: 'kiosk' }), 'not handled');
    });
    it('schedules a delayed reboot with logind in microseconds since the epoch', () => {
      assert.deepEqual(scheduleShutdownArgs('reboot', 1_700_000_000_123).slice(-3), ['st', 'reboot', '1700000000123000']);
    });
  });

  describe('connection against a newer broker', () => {
    it('answers an unknown command with UNSUPPORTED_COMMAND and stays connected', async () => {
      const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      const received: Array<Record<string, unknown>> = [];
      let socket: WebSocket | undefined;
      wss.on('connection', (ws) => {
        socket = ws;
        ws.on('message', (d) => received.push(JSON.parse(d.toString())));
        ws.send(
          JSON.stringify({
            type: 'welcome',
            protocolVersion: '1.3',
            terminalId: '11111111-1111-4111-8111-111111111111',
            siteId: '22222222-2222-4222-8222-222222222222',
            windowId: null,
            name: 't',
            serverTime: Date.now(),
          }),
        );
      });
      await new Promise((r) => wss.once('listening', r));
      const { port } = wss.address() as AddressInfo;
      const connection = new AgentConnection({
        brokerUrl: `http://127.0.0.1:${port}`,
        credential: 'x.y',
        heartbeatMs: 60_000,
        heartbeatJitter: 0,
        backoff: { initialMs: 100, maxMs: 100 },
        info: () => ({
          agentVersion: '1',
          hostname: 'h',
          os: 'o',
          uptimeSeconds: 1,
          load: [0, 0, 0],
          memory: { totalBytes: 1, freeBytes: 0 },
          addresses: [],
          screen: null,
          kiosk: 'disabled',
          hardwareId: null,
        }),
        onCommand: async () => ({ outcome: { ok: true, result: {} } }),
      });
      connection.start();
      await eventually(() => connection.ready && received.some((m) => m.type === 'heartbeat'));
      const commandId = '33333333-3333-4333-8333-333333333333';
      socket!.send(JSON.stringify({ type: 'command', commandId, command: { type: 'format-disk', drive: 'C:' } }));
      const answer = await eventually(() => received.find((m) => m.type === 'command-result'));
      assert.deepEqual(answer, {
        type: 'command-result',
        commandId,
        outcome: { ok: false, error: { code: 'UNSUPPORTED_COMMAND', message: 'unknown command format-disk' } },
      });
      assert.equal(connection.ready, true);
      await connection.stop();
      assert.ok(
        received.some((m) => m.type === 'lifecycle' && m.state === 'draining'),
        'a drain says so before closing',
      );
      assert.equal(connection.state, 'stopped');
      wss.close();
    });
  });
});
