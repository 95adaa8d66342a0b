/** Width and height from a JPEG's SOF marker; throws when the bytes are not a JPEG with one. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } {
  if (jpeg.length < 4 || jpeg.readUInt16BE(0) !== 0xffd8) throw new Error(`not a JPEG: ${jpeg.subarray(0, 40).toString()}`);
  for (let at = 2; at + 9 < jpeg.length;) {
    const marker = jpeg.readUInt16BE(at);
    if (marker >= 0xffc0 && marker <= 0xffc2) return { height: jpeg.readUInt16BE(at + 5), width: jpeg.readUInt16BE(at + 7) };
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no SOF marker');
}
