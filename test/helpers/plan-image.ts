import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/**
 * A real PNG floor plan (RGB, 8 bits): a pale hall with dark outer walls, a counter band along the
 * top and one across the middle, and an entrance gap at the bottom, so screenshots look like a plan.
 */
export function floorPlanPng(width = 800, height = 500): Buffer {
  const rows: Buffer[] = [];
  const wall = 8;
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const entrance = y >= height - wall && Math.abs(x - width / 2) < width / 10;
      const isWall = !entrance && (x < wall || y < wall || x >= width - wall || y >= height - wall);
      const counter =
        (y > height * 0.18 && y < height * 0.22 && x > width * 0.08 && x < width * 0.92) ||
        (y > height * 0.58 && y < height * 0.61 && x > width * 0.15 && x < width * 0.85);
      const grid = x % 50 === 0 || y % 50 === 0;
      const [r, g, b] = isWall ? [60, 70, 90] : counter ? [176, 190, 210] : grid ? [228, 232, 238] : [244, 246, 249];
      row[1 + x * 3] = r;
      row[2 + x * 3] = g;
      row[3 + x * 3] = b;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The head of a baseline JPEG (SOI, APP0, SOF0) announcing `width` × `height`: enough for the size reader. */
export function jpegHead(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

export const SVG_PLAN = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
