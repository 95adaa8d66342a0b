import type { AgentConfig } from '../config/agent-config.js';
import { FfmpegCameraDriver, V4L2_INPUT } from './camera.driver.js';
import { DeviceBridgeServer } from './device-bridge.server.js';
import type { DeviceDriver } from './device-driver.js';
import { ZkIdCardDriver } from './id-card.driver.js';
import { CupsPrinter } from '../paper/cups-printer.js';
import { RatingPadDriver } from './rating-pad.driver.js';
import { SignaturePadDriver } from './signature-pad.driver.js';

/** ffmpeg's input arguments for the configured camera. */
export function cameraInput(device: string): string[] {
  if (device.startsWith('lavfi:')) return ['-f', 'lavfi', '-i', device.slice('lavfi:'.length)];
  return V4L2_INPUT.map((arg) => (arg === '/dev/video0' ? device : arg));
}

/** The device bridge with this terminal's drivers and its CUPS printing, listening on a free loopback port. */
export async function startWindowDevices(
  config: Pick<AgentConfig, 'idcardServiceUrl' | 'cameraDevice' | 'cupsServer' | 'signaturePadUrl' | 'ratingPadUrl' | 'scannerDir'>,
): Promise<DeviceBridgeServer> {
  const camera = new FfmpegCameraDriver(cameraInput(config.cameraDevice));
  void camera.warmUp();
  const drivers: DeviceDriver[] = [new ZkIdCardDriver(config.idcardServiceUrl), camera];
  if (config.signaturePadUrl) drivers.push(new SignaturePadDriver(config.signaturePadUrl));
  if (config.ratingPadUrl) drivers.push(new RatingPadDriver(config.ratingPadUrl));
  const bridge = new DeviceBridgeServer(drivers, new CupsPrinter(config.cupsServer ? { server: config.cupsServer } : {}), config.scannerDir ?? null);
  await bridge.listen(0);
  return bridge;
}
