import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ERRORS } from '@yunzhuo/protocol/errors';
import { MAX_SCAN_BYTES, SCAN_FOLDER_TYPES, type BridgeScan, type BridgeScanResult } from '@yunzhuo/protocol/paper/scan';
import { DeviceError, type DeviceDriver } from '../devices/device-driver.js';

type Refusal = Extract<BridgeScanResult, { ok: false }>;

/**
 * What the window page sends into the desktop's drive 窗口材料 (docs/PAPER.md): a still of the
 * document camera (the same driver the desktop's `camera.still` uses), or the newest file of the
 * thin client's scanner folder (where the counter's scanner saves, `--scanner-dir`). The bytes go
 * to the page only; the page uploads them through guacd's drive, and the relay audits them.
 */
export class WindowScans {
  constructor(
    private readonly camera: DeviceDriver | null,
    private readonly scannerDir: string | null,
  ) {}

  async take(message: BridgeScan): Promise<BridgeScanResult> {
    const refuse = (code: Refusal['code'], reason: string): Refusal => ({ type: 'scan.result', id: message.id, ok: false, code, reason });
    try {
      if (message.source === 'camera') {
        if (!this.camera) return refuse('DEVICE_ABSENT', '终端未连接高拍仪');
        const still = await this.camera.handle({ op: 'camera.still', width: message.width, height: message.height });
        if (still.op !== 'camera.still') return refuse('DEVICE_FAILED', ERRORS.DEVICE_FAILED.zh);
        return { type: 'scan.result', id: message.id, ok: true, source: 'camera', mimetype: still.mime, original: null, data: still.jpeg };
      }
      if (!this.scannerDir) return refuse('DEVICE_ABSENT', '终端未设置扫描文件夹');
      const newest = await this.#newestFile(this.scannerDir);
      if (!newest) return refuse('DEVICE_ABSENT', '扫描文件夹中没有可发送的文件');
      if (newest.size > MAX_SCAN_BYTES) return refuse('DEVICE_FAILED', '扫描文件太大');
      const data = await readFile(newest.file);
      const mimetype = SCAN_FOLDER_TYPES[path.extname(newest.file).toLowerCase()]!;
      return { type: 'scan.result', id: message.id, ok: true, source: 'folder', mimetype, original: path.basename(newest.file), data: data.toString('base64') };
    } catch (error) {
      const code = error instanceof DeviceError ? error.code : 'DEVICE_FAILED';
      return refuse(code, ERRORS[code].zh);
    }
  }

  /** The most recently written JPEG / PNG / PDF directly in the folder (a scanner writes one file per scan). */
  async #newestFile(dir: string): Promise<{ file: string; size: number } | null> {
    let best: { file: string; size: number; at: number } | null = null;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile() || !(path.extname(entry.name).toLowerCase() in SCAN_FOLDER_TYPES)) continue;
      const file = path.join(dir, entry.name);
      const facts = await stat(file).catch(() => null);
      if (facts && (!best || facts.mtimeMs > best.at)) best = { file, size: facts.size, at: facts.mtimeMs };
    }
    return best && { file: best.file, size: best.size };
  }
}
