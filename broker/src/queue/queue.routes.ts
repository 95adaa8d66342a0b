import type { Request, Router } from 'express';
import { z } from 'zod';
import {
  queueFinishBody,
  queueFinishOut,
  queuePauseOut,
  queueStateOut,
  queueStateQuery,
  queueStepBody,
  queueTicketOut,
  queueTransferBody,
  queueWindowsOut,
  queueWindowsQuery,
} from '@yunzhuo/protocol/api/queue';
import { actorOf } from '../http/async-router.js';
import { listQueueWindows } from './queue-windows.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { iso } from '../http/refs.js';
import { parseInput } from '../http/validate.js';
import { terminalCredentialOf, verifyTerminalCredential } from '../terminals/terminal-auth.js';
import { presentQueueTicket } from './queue.presenter.js';
import type { QueueService } from './queue.service.js';
import type { QueueTicket } from './queue-ticket.model.js';
import type { Terminal } from '../terminals/terminal.model.js';

const BASE = '/api/v1/terminal/queue';

/** 排队叫号 for the window page (terminal credential + the clerk's session here). */
export function mountQueue(publicApi: Router, consoleApi: Router, queue: QueueService, docs: OpenApiDocs): void {
  const terminalOf = (req: Request) => verifyTerminalCredential(terminalCredentialOf(req));
  const present = (t: QueueTicket | null) => (t ? presentQueueTicket(t) : null);

  docs.route('get', BASE, {
    summary: 'Whether the hall has a queue system, and the number served at this window',
    tag: 'queue',
    query: queueStateQuery,
    response: queueStateOut,
  });
  publicApi.get('/terminal/queue', async (req, res) => {
    const terminal = await terminalOf(req);
    const { sessionId } = parseInput(queueStateQuery, req.query, 'query');
    if (!queue.enabled) return void res.json({ enabled: false, ticket: null, paused: null });
    const { ticket, pause } = await queue.current(terminal, sessionId);
    res.json({ enabled: true, ticket: present(ticket), paused: pause ? { pausedAt: iso(pause.pausedAt)! } : null });
  });

  docs.route('post', `${BASE}/pause`, {
    summary: '暂停叫号: the window takes no number until resumed (audited queue.pause)',
    tag: 'queue',
    body: queueStepBody,
    response: z.object({ paused: queuePauseOut }),
  });
  publicApi.post('/terminal/queue/pause', async (req, res) => {
    const terminal = await terminalOf(req);
    const { sessionId } = parseInput(queueStepBody, req.body);
    const pause = await queue.pause(terminal, sessionId);
    res.json({ paused: { pausedAt: iso(pause.pausedAt)! } });
  });
  docs.route('post', `${BASE}/resume`, {
    summary: '恢复叫号 (audited queue.resume; a window not paused changes nothing)',
    tag: 'queue',
    body: queueStepBody,
    response: z.object({ paused: z.null() }),
  });
  publicApi.post('/terminal/queue/resume', async (req, res) => {
    const terminal = await terminalOf(req);
    const { sessionId } = parseInput(queueStepBody, req.body);
    await queue.resume(terminal, sessionId);
    res.json({ paused: null });
  });

  docs.route('get', '/api/v1/queue-windows', {
    summary: 'The counters serving a number or paused (the console; site scope)',
    tag: 'queue',
    query: queueWindowsQuery,
    response: queueWindowsOut,
  });
  consoleApi.get('/queue-windows', async (req, res) => {
    const q = parseInput(queueWindowsQuery, req.query, 'query');
    res.json({ enabled: queue.enabled, items: await listQueueWindows(actorOf(req), q.siteId) });
  });

  docs.route('post', `${BASE}/call`, {
    summary: '叫号: call the next number (null ticket: nobody waits)',
    tag: 'queue',
    body: queueStepBody,
    response: z.object({ ticket: queueTicketOut.nullable() }),
  });
  publicApi.post('/terminal/queue/call', async (req, res) => {
    const terminal = await terminalOf(req);
    const { sessionId } = parseInput(queueStepBody, req.body);
    res.json({ ticket: present(await queue.call(terminal, sessionId)) });
  });

  /** 重呼, 过号, 转移: a step on the number served here, answered with the ticket as it stands after */
  const mountStep = <S extends z.ZodTypeAny>(name: string, body: S, summary: string, run: (terminal: Terminal, input: z.output<S>) => Promise<QueueTicket>) => {
    docs.route('post', `${BASE}/${name}`, { summary, tag: 'queue', body, response: queueTicketOut });
    publicApi.post(`/terminal/queue/${name}`, async (req, res) => {
      const terminal = await terminalOf(req);
      res.json(presentQueueTicket(await run(terminal, parseInput(body, req.body))));
    });
  };
  mountStep('recall', queueStepBody, '重呼: call the current number again', (t, b) => queue.recall(t, b.sessionId));
  mountStep('skip', queueStepBody, '过号: the citizen did not come', (t, b) => queue.end(t, b.sessionId, { kind: 'skip' }));
  mountStep('transfer', queueTransferBody, '转移: to another window or business line', (t, b) =>
    queue.end(t, b.sessionId, { kind: 'transfer', target: b.target }),
  );

  docs.route('post', `${BASE}/finish`, {
    summary: '办结 (结束服务): the number is closed and the citizen invited to rate',
    tag: 'queue',
    body: queueFinishBody,
    response: queueFinishOut,
  });
  publicApi.post('/terminal/queue/finish', async (req, res) => {
    const terminal = await terminalOf(req);
    const { sessionId, ...kase } = parseInput(queueFinishBody, req.body);
    const { ticket, invitation, tagSet } = await queue.finish(terminal, sessionId, kase);
    res.json({
      ticket: presentQueueTicket(ticket),
      invitation: {
        id: invitation.id,
        expiresAt: iso(invitation.expiresAt)!,
        caseNumber: invitation.caseNumber,
        itemCode: invitation.itemCode,
        queueNumber: invitation.queueNumber ?? null,
        tagSet: { version: tagSet.version, tags: tagSet.tags },
      },
    });
  });
}
