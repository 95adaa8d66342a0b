import { PadDriver } from './pad-service.client.js';

export const DEFAULT_SIGNATURE_PAD_URL = 'http://127.0.0.1:24020/signature-pad';

/**
 * The signature pad (签字板): the citizen signs, the pad service answers with the picture and
 * the pen's strokes (`POST <base>/capture {prompt}` → `{ width, height, png, strokes }`,
 * strokes as [x, y, pressure, ms] points). The wait is the citizen's, so the timeout is long.
 */
export class SignaturePadDriver extends PadDriver {
  constructor(baseUrl = DEFAULT_SIGNATURE_PAD_URL, timeoutMs = 120_000) {
    super(
      {
        deviceClass: 'signature',
        op: 'signature.capture',
        action: 'capture',
        body: (request) => (request.op === 'signature.capture' && request.prompt !== undefined ? { prompt: request.prompt } : {}),
        response: (answer) => ({
          op: 'signature.capture',
          mime: 'image/png',
          width: answer?.width,
          height: answer?.height,
          image: answer?.png,
          strokes: answer?.strokes,
        }),
      },
      baseUrl,
      timeoutMs,
    );
  }
}
