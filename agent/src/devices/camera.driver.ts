import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import type { DeviceRequest, DeviceResponse } from '@yunzhuo/protocol/devices/index';
import { DeviceError, type DeviceDriver, type DeviceHealth } from './device-driver.js';

/** ffmpeg's input for the camera; `{width}`/`{height}` are replaced by the size asked for. */
export const V4L2_INPUT = ['-f', 'v4l2', '-video_size', '{width}x{height}', '-i', '/dev/video0'];
const MAX_JPEG_BYTES = 4 * 1024 * 1024;
/** The preview on the window page: small and slow enough for a side panel, ~50 KB a frame. */
export const PREVIEW = { width: 640, height: 360, fps: 5 } as const;

/**
 * Cuts ffmpeg's MJPEG stream into JPEGs: each runs from SOI (FF D8) to EOI (FF D9); inside the
 * entropy-coded data every FF is followed by 00, and ffmpeg writes no thumbnails, so the first
 * EOI after an SOI ends the picture.
 */
export class JpegSplitter {
  #pending = Buffer.alloc(0);

  constructor(private readonly onFrame: (jpeg: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const start = this.#pending.indexOf(SOI);
      if (start < 0) {
        this.#pending = this.#pending.subarray(Math.max(0, this.#pending.length - 1));
        return;
      }
      const end = this.#pending.indexOf(EOI, start + 2);
      if (end < 0) {
        this.#pending = this.#pending.subarray(start);
        if (this.#pending.length > MAX_JPEG_BYTES) this.#pending = Buffer.alloc(0); // not a picture: drop it
        return;
      }
      this.onFrame(Buffer.from(this.#pending.subarray(start, end + 2)));
      this.#pending = this.#pending.subarray(end + 2);
    }
  }
}
const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/**
 * The document camera (高拍仪): one still JPEG per request, through ffmpeg from V4L2, scaled
 * to exactly the size asked for. The live preview stays on the window page, never in the channel.
 */
export class FfmpegCameraDriver implements DeviceDriver {
  readonly deviceClass = 'camera' as const;

  constructor(
    private readonly input: readonly string[] = V4L2_INPUT,
    private readonly ffmpeg = 'ffmpeg',
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * Starts ffmpeg once without a picture (`-version`), so that its ~150 shared libraries are read
   * from disk now and not inside the clerk's first still after the thin client boots (seen: a cold
   * first start past the still's 10 s limit on a busy machine). Never fails: no ffmpeg is reported
   * by the still itself.
   */
  warmUp(): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn(this.ffmpeg, ['-hide_banner', '-version'], { stdio: 'ignore' });
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
  }

  async handle(request: DeviceRequest): Promise<DeviceResponse> {
    if (request.op !== 'camera.still') throw new DeviceError('DEVICE_REQUEST_INVALID', `${request.op} is not for the camera`);
    const { width, height } = request;
    const input = this.input.map((arg) => arg.replaceAll('{width}', String(width)).replaceAll('{height}', String(height)));
    const jpeg = await this.#run([
      '-hide_banner',
      '-loglevel',
      'error',
      ...input,
      '-frames:v',
      '1',
      '-vf',
      `scale=${width}:${height}`,
      '-q:v',
      '3',
      '-f',
      'image2pipe',
      '-c:v',
      'mjpeg',
      'pipe:1',
    ]);
    return { op: 'camera.still', mime: 'image/jpeg', width, height, jpeg: jpeg.toString('base64') };
  }

  preview(onFrame: (jpeg: Buffer) => void): () => void {
    const { width, height, fps } = PREVIEW;
    const input = this.input.map((arg) => arg.replaceAll('{width}', String(width)).replaceAll('{height}', String(height)));
    // a test source is generated as fast as ffmpeg can: -re paces it like a camera
    const pace = input[1] === 'lavfi' ? ['-re'] : [];
    const child = spawn(
      this.ffmpeg,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        ...pace,
        ...input,
        '-vf',
        `scale=${width}:${height},fps=${fps}`,
        '-q:v',
        '7',
        '-f',
        'image2pipe',
        '-c:v',
        'mjpeg',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const splitter = new JpegSplitter(onFrame);
    child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.on('error', () => {}); // no ffmpeg: no frames; the page shows the panel empty
    return () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
  }

  async health(): Promise<DeviceHealth> {
    const device = this.input[this.input.indexOf('-i') + 1] ?? '';
    if (!device.startsWith('/dev/')) return { state: 'present', model: device.split(/[=:]/)[0] ?? 'ffmpeg' };
    return access(device).then(
      () => ({ state: 'present' as const, model: device }),
      () => ({ state: 'absent' as const }),
    );
  }

  #run(args: string[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let bytes = 0;
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), this.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_JPEG_BYTES) child.kill('SIGKILL');
        else out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-2000);
      });
      child.on('error', () => reject(new DeviceError('DEVICE_ABSENT', `${this.ffmpeg} could not be started`)));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (signal === 'SIGKILL')
          return reject(new DeviceError(bytes > MAX_JPEG_BYTES ? 'DEVICE_FAILED' : 'DEVICE_TIMEOUT', 'the camera did not deliver a still'));
        if (code !== 0 || bytes === 0) {
          return reject(
            new DeviceError(
              /No such file|Cannot open|No such device/i.test(stderr) ? 'DEVICE_ABSENT' : 'DEVICE_FAILED',
              `ffmpeg exited ${code}: ${stderr.trim().split('\n').pop() ?? ''}`,
            ),
          );
        }
        resolve(Buffer.concat(out));
      });
    });
  }
}
