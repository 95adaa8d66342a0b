import type { Response, Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { recordingPartQuery, recordingPartsOut } from '@yunzhuo/protocol/api/resources';
import { actorOf } from '../http/async-router.js';
import { findVisible } from '../auth/row-access.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import type { Actor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { AppError } from '../lib/app-error.js';
import { type OpenRecordingPart, presentRecordingPart, RecordingParts } from './recording-parts.js';
import { sessionVisibility } from './session-list.routes.js';

const params = z.object({ id: z.string().uuid() });

/**
 * The session's recording as guacd wrote it (raw Guacamole protocol, played in the console by
 * guacamole-common-js SessionRecording), one part per guacd connection. Only admins, auditors
 * and the site's admins may watch, and every viewing is audited.
 */
export function mountSessionRecording(router: Router, deps: { audit: AuditService; docs: OpenApiDocs; recordingDir: string }): void {
  const parts = new RecordingParts(deps.recordingDir);
  deps.docs.route('get', '/api/v1/sessions/{id}/recordings', {
    summary: 'List the parts of the session recording (one per guacd connection), in order',
    tag: 'sessions',
    params,
    response: recordingPartsOut,
  });
  deps.docs.route('get', '/api/v1/sessions/{id}/recording', {
    summary: 'Download one part of the session recording (raw Guacamole protocol)',
    tag: 'sessions',
    params,
    query: recordingPartQuery,
  });

  router.get('/sessions/:id/recordings', async (req, res) => {
    const { recordingPath } = await recordedSession(actorOf(req), String(req.params.id));
    res.json({ items: (await parts.list(recordingPath)).map(presentRecordingPart) });
  });

  router.get('/sessions/:id/recording', async (req, res) => {
    const actor = actorOf(req);
    const { part: index } = parseInput(recordingPartQuery, req.query, 'query');
    const { session, recordingPath } = await recordedSession(actor, String(req.params.id));
    const part = await parts.open(recordingPath, index);
    if (!part) throw new AppError('NOT_FOUND', { resource: 'recording', part: index });
    try {
      await deps.audit.record(actor, {
        action: 'session.recording.view',
        targetType: 'session',
        targetId: session.id,
        siteId: session.siteId,
        details: { part: index },
      });
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Cache-Control', 'private, no-store');
      await sendPart(res, part);
    } finally {
      await part.handle.close();
    }
  });
}

/**
 * Exactly the bytes fstat counted when the part was opened. guacd may still be appending to it,
 * and a byte past Content-Length would be read as the start of the next response on the
 * keep-alive connection; the viewer asks again for the rest.
 */
async function sendPart(res: Response, part: OpenRecordingPart): Promise<void> {
  res.setHeader('Content-Length', String(part.size));
  if (part.size === 0) {
    res.end();
    return;
  }
  // end is inclusive; autoClose off: the route closes the handle whatever happens here
  const bytes = part.handle.createReadStream({ start: 0, end: part.size - 1, autoClose: false });
  // an aborted download or a read error closes the connection rather than crashing the process
  await pipeline(bytes, res).catch(() => res.destroy());
  // a part cut shorter under us must not leave the client waiting for the announced rest
  if (bytes.bytesRead !== part.size) res.destroy();
}

/** A session the actor may see that has a recording; both questions answer 404 alike. */
async function recordedSession(actor: Actor, id: string) {
  const session = await findVisible(sessionVisibility, actor, id, 'read');
  if (!session.recordingPath) throw new AppError('NOT_FOUND', { resource: 'recording' });
  return { session, recordingPath: session.recordingPath };
}
