import type { Router } from 'express';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { z } from 'zod';
import { actorOf } from '../http/async-router.js';
import { findVisible } from '../http/crud.js';
import type { OpenApiDocs } from '../http/openapi.js';
import type { AuditService } from '../audit/audit.service.js';
import { AppError } from '../lib/app-error.js';
import { sessionVisibility } from './session-list.routes.js';

const params = z.object({ id: z.string().uuid() });

/**
 * The session's recording as guacd wrote it (raw Guacamole protocol, played in the console by
 * guacamole-common-js SessionRecording). Only admins, auditors and the site's admins may watch,
 * and every viewing is audited.
 */
export function mountSessionRecording(router: Router, deps: { audit: AuditService; docs: OpenApiDocs; recordingDir: string }): void {
  deps.docs.route('get', '/api/v1/sessions/{id}/recording', { summary: 'Download the session recording (raw Guacamole protocol)', tag: 'sessions', params });
  router.get('/sessions/:id/recording', async (req, res) => {
    const actor = actorOf(req);
    const session = await findVisible(sessionVisibility, actor, String(req.params.id), 'read');
    if (!session.recordingPath) throw new AppError('NOT_FOUND', { resource: 'recording' });
    const file = path.resolve(session.recordingPath);
    if (!file.startsWith(path.resolve(deps.recordingDir) + path.sep)) throw new AppError('NOT_FOUND', { resource: 'recording' });
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new AppError('NOT_FOUND', { resource: 'recording' });
    await deps.audit.record(actor, { action: 'session.recording.view', targetType: 'session', targetId: session.id, siteId: session.siteId });
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(info.size));
    res.setHeader('Cache-Control', 'private, no-store');
    // pipeline closes the file when the download is aborted and turns a read error into a log line, not a crash
    await pipeline(createReadStream(file), res).catch(() => res.destroy());
  });
}
