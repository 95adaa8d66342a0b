import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import type { Stroke } from '../../protocol/src/devices/index.js';

/** A signature: two strokes on an 800×400 pad, [x, y, pressure, ms]. */
export const SAMPLE_STROKES: Stroke[] = [
  [
    [100, 200, 0.4, 0],
    [180, 150, 0.6, 40],
    [260, 220, 0.7, 80],
    [340, 160, 0.5, 120],
  ],
  [
    [420, 240, 0.3, 400],
    [520, 180, 0.8, 450],
    [640, 230, 0.6, 500],
  ],
];
export const PAD_SIZE = { width: 800, height: 400 };

/** The strokes drawn black on white, as an 8-bit greyscale PNG (what a pad's SDK hands back). */
export function strokesPng(strokes: readonly Stroke[], { width, height } = PAD_SIZE): Buffer {
  const pixels = Buffer.alloc((width + 1) * height, 0xff);
  for (let y = 0; y < height; y++) pixels[y * (width + 1)] = 0; // filter byte of each row: none
  for (const stroke of strokes) {
    for (let i = 1; i < stroke.length; i++) {
      const [x0, y0] = stroke[i - 1]!;
      const [x1, y1] = stroke[i]!;
      const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
      for (let s = 0; s <= steps; s++) {
        const x = Math.round(x0 + ((x1 - x0) * s) / steps);
        const y = Math.round(y0 + ((y1 - y0) * s) / steps);
        if (x >= 0 && x < width && y >= 0 && y < height) pixels[y * (width + 1) + 1 + x] = 0;
      }
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A pad on the terminal behind Yunzhuo's pad service API (docs/DEVICES.md), for a signature pad
 * or a rating pad: what the citizen does on it is set by the test (`strokes`, `level`), or
 * `nobodyAnswers` (408), or the pad unplugged (`present = false`, 503).
 */
export class PadSimulator {
  present = true;
  nobodyAnswers = false;
  strokes: Stroke[] = SAMPLE_STROKES;
  /** the citizen's press on the rating pad, 5 非常满意 … 1 非常不满意 */
  level = 5;
  /** each call's action and JSON body */
  readonly calls: Array<{ action: string; body: unknown }> = [];
  readonly server = http.createServer((req, res) => void this.#answer(req, res));

  private constructor(readonly kind: 'signature-pad' | 'rating-pad') {}

  static async start(kind: 'signature-pad' | 'rating-pad'): Promise<PadSimulator> {
    const pad = new PadSimulator(kind);
    await new Promise<void>((resolve) => pad.server.listen(0, '127.0.0.1', resolve));
    return pad;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${this.kind}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async #answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const action = new URL(req.url ?? '/', 'http://x').pathname.replace(`/${this.kind}/`, '');
    const json = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (!this.present) return void json(503, { error: 'no pad' });
    if (action === 'status' && req.method === 'GET') return void json(200, { model: this.kind === 'signature-pad' ? 'SIM-SIGN-800' : 'SIM-RATE-5' });
    const expected = this.kind === 'signature-pad' ? 'capture' : 'invite';
    if (action !== expected || req.method !== 'POST') return void json(404, { error: 'unknown' });
    this.calls.push({ action, body: text ? (JSON.parse(text) as unknown) : null });
    if (this.nobodyAnswers) return void json(408, { error: 'timeout' });
    if (this.kind === 'rating-pad') return void json(200, { level: this.level });
    json(200, { ...PAD_SIZE, png: strokesPng(this.strokes).toString('base64'), strokes: this.strokes });
  }
}
