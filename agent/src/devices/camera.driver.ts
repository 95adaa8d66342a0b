import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import type { DeviceRequest, DeviceResponse } from '@yunzhuo/protocol/devices/index';
import { DeviceError, type DeviceDriver, type DeviceHealth } from './device-driver.js';

/** ffmpeg's input for the camera; `{width}`/`{height}` are replaced by the size asked for. */
export const V4L2_INPUT = ['-f', 'v4l2', '-video_size', '{width}x{height}', '-i', '/dev/video0'];
const MAX_JPEG_BYTES = 4 * 1024 * 1024;

/**
 * The document camera (高拍仪): one still JPEG per request, through ffmpeg from V4L2, scaled
 * to exactly the size asked for. The live preview stays on the window page, never in the channel.
 */
export class FfmpegCameraDriver implements DeviceDriver {
  readonly deviceClass = 'camera' as const;

  constructor(private readonly input: readonly string[] = V4L2_INPUT, private readonly ffmpeg = 'ffmpeg', private readonly timeoutMs = 10_000) {}

  async handle(request: DeviceRequest): Promise<DeviceResponse> {
    if (request.op !== 'camera.still') throw new DeviceError('DEVICE_REQUEST_INVALID', `${request.op} is not for the camera`);
    const { width, height } = request;
    const input = this.input.map((arg) => arg.replaceAll('{width}', String(width)).replaceAll('{height}', String(height)));
    const jpeg = await this.#run([
      '-hide_banner', '-loglevel', 'error', ...input,
      '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-q:v', '3', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1',
    ]);
    return { op: 'camera.still', mime: 'image/jpeg', width, height, jpeg: jpeg.toString('base64') };
  }

  async health(): Promise<DeviceHealth> {
    const device = this.input[this.input.indexOf('-i') + 1] ?? '';
    if (!device.startsWith('/dev/')) return { state: 'present', model: device.split(/[=:]/)[0] ?? 'ffmpeg' };
    return access(device).then(() => ({ state: 'present' as const, model: device }), () => ({ state: 'absent' as const }));
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
        if (signal === 'SIGKILL') return reject(new DeviceError(bytes > MAX_JPEG_BYTES ? 'DEVICE_FAILED' : 'DEVICE_TIMEOUT', 'the camera did not deliver a still'));
        if (code !== 0 || bytes === 0) {
          return reject(new DeviceError(/No such file|Cannot open|No such device/i.test(stderr) ? 'DEVICE_ABSENT' : 'DEVICE_FAILED', `ffmpeg exited ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
        }
        resolve(Buffer.concat(out));
      });
    });
  }
}
