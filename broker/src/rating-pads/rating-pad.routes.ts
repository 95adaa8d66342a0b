import type { Request, Router } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { padPairBody, padPairingOut, padPairOut, padRatingBody, padStateOut, ratingInvitationStateOut, ratingPadOut } from '@yunzhuo/protocol/api/rating-pads';
import { ratingOut } from '@yunzhuo/protocol/api/ratings';
import { idSchema } from '@yunzhuo/protocol/api/common';
import { clientAddress } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { iso } from '../http/refs.js';
import { parseInput } from '../http/validate.js';
import { presentRating } from '../ratings/rating.presenter.js';
import type { RatingService } from '../ratings/rating.service.js';
import { terminalCredentialOf, verifyTerminalCredential } from '../terminals/terminal-auth.js';
import type { RatingPad } from './rating-pad.model.js';
import type { PadView, RatingPadService } from './rating-pads.service.js';

const idParam = z.object({ id: idSchema }).strict();

/** `Authorization: Pad <pad id>.<secret>` */
function padCredentialOf(req: Request): string | undefined {
  return /^Pad\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
}

const presentPad = (pad: RatingPad) => ({
  id: pad.id,
  terminalId: pad.terminalId,
  windowId: pad.windowId,
  pairedAt: iso(pad.pairedAt),
  lastSeenAt: iso(pad.lastSeenAt),
});

const presentView = (view: PadView) => ({
  window: view.window,
  clerk: view.clerk,
  queueNumber: view.queueNumber,
  invitation: view.invitation && {
    id: view.invitation.invitation.id,
    expiresAt: iso(view.invitation.invitation.expiresAt)!,
    caseNumber: view.invitation.invitation.caseNumber,
    itemCode: view.invitation.invitation.itemCode,
    queueNumber: view.invitation.invitation.queueNumber ?? null,
    tagSet: { version: view.invitation.tagSet.version, tags: view.invitation.tagSet.tags },
  },
});

/** The rating pad (评价器): pairing at the window page (terminal credential), then the pad's own routes (pad credential). */
export function mountRatingPads(publicApi: Router, deps: { pads: RatingPadService; ratings: RatingService; docs: OpenApiDocs }): void {
  const { pads, ratings, docs } = deps;
  const terminalOf = (req: Request) => verifyTerminalCredential(terminalCredentialOf(req));

  docs.route('post', '/api/v1/terminal/rating-pads/pairing-code', {
    summary: 'A one-time code (8 digits, 5 minutes) the rating pad enters (or scans as a QR code) to pair with this terminal',
    tag: 'rating-pads',
    response: padPairingOut,
    status: 201,
  });
  publicApi.post('/terminal/rating-pads/pairing-code', async (req, res) => {
    const { code, expiresAt } = await pads.newPairingCode(await terminalOf(req));
    // the broker as the window page reached it (a proxy's X-Forwarded-* when trusted): the pad sits on the same counter
    const padUrl = `${req.protocol}://${req.get('host') ?? 'localhost'}/pad#code=${code}`;
    res.status(201).json({ code, expiresAt: iso(expiresAt)!, padUrl, qrDataUrl: await QRCode.toDataURL(padUrl, { margin: 1, width: 200 }) });
  });

  docs.route('get', '/api/v1/terminal/rating-pads', {
    summary: 'The rating pads paired with this terminal',
    tag: 'rating-pads',
    response: z.object({ items: z.array(ratingPadOut) }),
  });
  publicApi.get('/terminal/rating-pads', async (req, res) => {
    res.json({ items: (await pads.paired(await terminalOf(req))).map(presentPad) });
  });

  docs.route('delete', '/api/v1/terminal/rating-pads/{id}', {
    summary: 'Unpair a rating pad (its credential stops working)',
    tag: 'rating-pads',
    params: idParam,
    status: 204,
  });
  publicApi.delete('/terminal/rating-pads/:id', async (req, res) => {
    const terminal = await terminalOf(req);
    await pads.unpair(terminal, parseInput(idParam, req.params, 'params').id);
    res.status(204).end();
  });

  docs.route('get', '/api/v1/terminal/rating-invitations/{id}', {
    summary: 'Whether the citizen has answered an invitation (on the pad)',
    tag: 'rating-pads',
    params: idParam,
    response: ratingInvitationStateOut,
  });
  publicApi.get('/terminal/rating-invitations/:id', async (req, res) => {
    const terminal = await terminalOf(req);
    res.json(await ratings.invitationState(terminal.id, parseInput(idParam, req.params, 'params').id));
  });

  docs.route('post', '/api/v1/pad/pair', {
    summary: 'The pad enters the window’s pairing code and gets its credential',
    tag: 'rating-pads',
    body: padPairBody,
    response: padPairOut,
    status: 201,
  });
  publicApi.post('/pad/pair', async (req, res) => {
    const { code } = parseInput(padPairBody, req.body);
    const paired = await pads.pair(code, clientAddress(req));
    res.status(201).json({ padId: paired.pad.id, credential: paired.credential, windowCode: paired.windowCode });
  });

  docs.route('get', '/api/v1/pad/state', {
    summary: 'What the pad shows: window, clerk, number served, the rating card waiting',
    tag: 'rating-pads',
    response: padStateOut,
  });
  publicApi.get('/pad/state', async (req, res) => {
    const { pad, terminal } = await pads.verify(padCredentialOf(req));
    res.set('cache-control', 'no-store').json(presentView(await pads.view(pad, terminal)));
  });

  docs.route('post', '/api/v1/pad/ratings', {
    summary: 'Submit a rating from the pad; a repeat with the same idempotencyKey answers the stored rating (200)',
    tag: 'rating-pads',
    body: padRatingBody,
    response: ratingOut,
    status: 201,
  });
  publicApi.post('/pad/ratings', async (req, res) => {
    const { pad } = await pads.verify(padCredentialOf(req));
    const body = parseInput(padRatingBody, req.body);
    const { rating, repeated } = await ratings.submitFromPad(pad, body);
    res.status(repeated ? 200 : 201).json(presentRating(rating));
  });
}
