import { PLAN_MAX_SIDE } from '@yunzhuo/protocol/api/hall-plans';

export interface PlanImage {
  contentType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

export type PlanImageRefusal = { refused: 'svg' | 'not-an-image' | 'unreadable' | 'too-large-side' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic), which carry the size */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * What an uploaded plan really is, read from its bytes (never from the Content-Type the browser
 * sent): a PNG or a JPEG with its size in pixels. An SVG (or any XML/HTML) is refused outright:
 * it can carry script, and the broker serves plans from its own origin.
 */
export function readPlanImage(bytes: Buffer): PlanImage | PlanImageRefusal {
  const image = bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE) ? pngSize(bytes) : isJpeg(bytes) ? jpegSize(bytes) : null;
  if (!image) return { refused: looksLikeMarkup(bytes) ? 'svg' : isJpeg(bytes) || bytes[0] === 0x89 ? 'unreadable' : 'not-an-image' };
  if (image.width < 1 || image.height < 1) return { refused: 'unreadable' };
  if (image.width > PLAN_MAX_SIDE || image.height > PLAN_MAX_SIDE) return { refused: 'too-large-side' };
  return image;
}

function pngSize(bytes: Buffer): PlanImage | null {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { contentType: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function isJpeg(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function jpegSize(bytes: Buffer): PlanImage | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / start of scan before any frame
    const length = bytes.readUInt16BE(at + 2);
    if (JPEG_SOF.has(marker)) {
      if (at + 9 > bytes.length) return null;
      return { contentType: 'image/jpeg', height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return null;
}

function looksLikeMarkup(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  return head.startsWith('<') || head.includes('<svg');
}
