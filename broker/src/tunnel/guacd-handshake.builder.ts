import { WINDOW_DRIVE_NAME } from '@yunzhuo/protocol/paper/drive';
import { encodeInstruction, negotiateVersion, type NegotiatedVersion } from '@yunzhuo/protocol';
import type { PoolSettings } from '@yunzhuo/protocol/api/common';
import { DEVICE_CHANNEL_NAME } from '@yunzhuo/protocol/devices/index';
import { guacdTraits, type GuacdTraits } from './guacd-traits.js';
import type { DisplayChoice } from './tunnel-query.parser.js';
import type { TunnelTarget } from './tunnel-target.js';

/** The name of guacd's RDP printer in the desktop: the clerk picks it in the print dialog. */
export const WINDOW_PRINTER_NAME = '窗口打印机';

/** Image formats every browser decodes; guacd picks among them. */
const IMAGE_MIMETYPES = ['image/jpeg', 'image/png', 'image/webp'];
/**
 * Announced only when the pool wants sound: with an audio mimetype guacd 1.3 loses the first
 * layer-0 `size` in about 1 session in 8 (see real-desktop-stack.md); the first-frame check retries those.
 */
const AUDIO_MIMETYPES = ['audio/L16', 'audio/L8'];

export function allowsToDesktop(settings: PoolSettings): boolean {
  return settings.clipboard === 'both' || settings.clipboard === 'to-desktop';
}

export function allowsFromDesktop(settings: PoolSettings): boolean {
  return settings.clipboard === 'both' || settings.clipboard === 'from-desktop';
}

/** Values of guacd's RDP parameters, by name; guacd's `args` decides which are sent and in what order. */
export function rdpParameters(target: TunnelTarget, display: DisplayChoice): ReadonlyMap<string, string> {
  const { settings, desktop } = target;
  const params = new Map<string, string>([
    ['hostname', desktop.host],
    ['port', String(desktop.port)],
    ['username', desktop.username],
    ['password', desktop.password],
    ['security', settings.security],
    ['ignore-cert', String(settings.ignoreCert)],
    ['width', String(display.width)],
    ['height', String(display.height)],
    ['dpi', String(display.dpi)],
    ['color-depth', String(settings.colorDepth)],
    ['disable-audio', String(!settings.audio)],
    ['disable-copy', String(!allowsFromDesktop(settings))],
    ['disable-paste', String(!allowsToDesktop(settings))],
    ['timezone', settings.timezone],
  ]);
  if (settings.serverLayout) params.set('server-layout', settings.serverLayout);
  // the window-device channel only when the pool enables a device (docs/DEVICES.md) or the window
  // printer, whose channel path yunzhuo-desk takes inside a Linux desktop (docs/PAPER.md)
  if ((settings.devices ?? []).length > 0 || settings.printing === true) params.set('static-channels', DEVICE_CHANNEL_NAME);
  // the RDP printer whose jobs come back as PDF file streams for the window's printer (docs/PAPER.md)
  if (settings.printing === true) {
    params.set('enable-printing', 'true');
    params.set('printer-name', WINDOW_PRINTER_NAME);
  }
  // the window drive 窗口材料 for scans: uploads per the pool's policy, downloads off unless it says so
  if (settings.drive && target.drive) {
    params.set('enable-drive', 'true');
    params.set('drive-name', WINDOW_DRIVE_NAME);
    params.set('drive-path', target.drive.path);
    params.set('create-drive-path', 'true');
    params.set('disable-download', String(!settings.drive.download));
    params.set('disable-upload', String(!settings.drive.upload));
  }
  if (target.recording) {
    params.set('recording-path', target.recording.path);
    params.set('recording-name', target.recording.name);
    params.set('create-recording-path', 'true');
  }
  return params;
}

export interface HandshakeReply {
  version: NegotiatedVersion;
  /** guacd's parameter names, without the version element */
  names: string[];
  /** how this guacd's version behaves where versions differ */
  traits: GuacdTraits;
  /** size, audio, video, image, [timezone], [name], connect — one string, written at once */
  instructions: string;
}

/**
 * The client half of the handshake after guacd's `args`: `connect` carries the negotiated
 * version (when guacd sent one) and then one value per parameter name, in guacd's order.
 */
export function buildHandshakeReply(
  serverArgs: readonly string[],
  params: ReadonlyMap<string, string>,
  options: { display: DisplayChoice; settings: PoolSettings; name: string },
): HandshakeReply {
  const version = negotiateVersion(serverArgs[0]);
  const names = version.versionArg ? serverArgs.slice(1) : [...serverArgs];
  const { display, settings } = options;
  let out = encodeInstruction('size', display.width, display.height, display.dpi);
  out += encodeInstruction('audio', ...(settings.audio ? AUDIO_MIMETYPES : []));
  out += encodeInstruction('video');
  out += encodeInstruction('image', ...IMAGE_MIMETYPES);
  if (version.sendTimezone) out += encodeInstruction('timezone', settings.timezone);
  if (version.sendName) out += encodeInstruction('name', options.name);
  const values = names.map((name) => params.get(name) ?? '');
  // guacd 1.6 ignores any other depth (and says so on every connection); asking for the depth it
  // will use keeps one depth per desktop, so xrdp's sesman (matching sessions by user and bpp)
  // never starts a second desktop for the same account.
  const depthAt = names.indexOf('color-depth');
  const traits = guacdTraits(serverArgs);
  if (depthAt >= 0 && traits.gfxNeeds32Bpp && params.get('disable-gfx') !== 'true') values[depthAt] = '32';
  out += version.versionArg ? encodeInstruction('connect', version.version, ...values) : encodeInstruction('connect', ...values);
  return { version, names, traits, instructions: out };
}

/** Clipboard parameters the pool needs but this guacd does not list (it would ignore them). */
export function missingPolicyArgs(settings: PoolSettings, argNames: readonly string[]): string[] {
  const missing: string[] = [];
  if (!allowsFromDesktop(settings) && !argNames.includes('disable-copy')) missing.push('disable-copy');
  if (!allowsToDesktop(settings) && !argNames.includes('disable-paste')) missing.push('disable-paste');
  return missing;
}
