import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { bridgePrintSchema } from '../paper/print-job.js';
import { bridgeScanSchema } from '../paper/scan.js';
import { windowPrinterSchema } from '../paper/printer.js';
import { DEVICE_FRAME_VERSION } from './frame.js';
import { printPartRequest, printPartResponse, printSubmitRequest, printSubmitResponse } from './print-ops.js';

/** Device classes a pool may enable; the companion and the agent speak of these. */
export const DEVICE_CLASSES = ['idcard', 'camera', 'signature', 'rating'] as const;
export const deviceClassSchema = z.enum(DEVICE_CLASSES);
export type DeviceClass = z.infer<typeof deviceClassSchema>;

/** Sent first by each end after the channel (re)opens: who it is and the framing version it speaks. */
export const deviceHelloSchema = z.object({
  version: z.number().int().min(1),
  role: z.enum(['desk', 'window']),
  /** the window: the classes this session may use (the pool's setting) */
  classes: z.array(deviceClassSchema).max(DEVICE_CLASSES.length).optional(),
  software: z.string().max(64).optional(),
  /**
   * the window: it answers every request at once with a `progress` frame, before the device
   * works. A companion that sees no such frame within a second or two knows its handle is stale
   * (the desktop was reconnected over a new RDP connection) and reopens the channel.
   */
  acks: z.boolean().optional(),
  /** what the window takes beyond the device requests: `print` (print.part / print.submit, docs/PAPER.md) */
  features: z.array(z.string().max(32)).max(16).optional(),
});
export type DeviceHello = z.infer<typeof deviceHelloSchema>;

export function helloFor(role: DeviceHello['role'], extra: Omit<DeviceHello, 'version' | 'role'> = {}): DeviceHello {
  return { version: DEVICE_FRAME_VERSION, role, ...extra };
}

/** Pixel sizes a document camera still may be asked for (a 4K still is the largest sensor seen in halls). */
const stillWidth = z.number().int().min(160).max(3840);
const stillHeight = z.number().int().min(120).max(2160);

/** What the desktop asks the window for, discriminated by `op`. */
export const deviceRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('idcard.read'), withPhoto: z.boolean().default(true) }).strict(),
  z.object({ op: z.literal('camera.still'), width: stillWidth.default(1920), height: stillHeight.default(1080) }).strict(),
  /** the citizen signs on the pad; `prompt` is shown on the pad's screen if it has one */
  z.object({ op: z.literal('signature.capture'), prompt: z.string().max(64).optional() }).strict(),
  /** the rating pad facing the citizen asks for a rating of the service just given (好差评, 一次一评) */
  z.object({ op: z.literal('rating.invite'), caseNumber: z.string().max(64).optional(), itemCode: z.string().max(64).optional() }).strict(),
  z.object({ op: z.literal('devices.list') }).strict(),
  printPartRequest,
  printSubmitRequest,
]);
export type DeviceRequest = z.infer<typeof deviceRequestSchema>;
export type DeviceOp = DeviceRequest['op'];

/** The device class each op needs; `devices.list` needs none (it names what is there). */
export const CLASS_OF_OP: Record<DeviceOp, DeviceClass | null> = {
  'idcard.read': 'idcard',
  'camera.still': 'camera',
  'signature.capture': 'signature',
  'rating.invite': 'rating',
  'devices.list': null,
  // the window's printer is no device class: the pool's `printing` setting allows it
  'print.part': null,
  'print.submit': null,
};
export const DEVICE_OPS = Object.keys(CLASS_OF_OP) as [DeviceOp, ...DeviceOp[]];
/** Ops of the window's printer (the channel path of printing), allowed by the pool's `printing`. */
export function isPrintOp(op: DeviceOp): op is 'print.part' | 'print.submit' {
  return op === 'print.part' || op === 'print.submit';
}

const base64 = z
  .string()
  .max(6 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const yyyymmdd = z.string().regex(/^\d{8}$/, 'YYYYMMDD');

/** The fields printed on a second-generation ID card (GB 16101-2008 / 居民身份证), as read by the chip. */
export const idCardSchema = z.object({
  name: z.string().min(1).max(64),
  sex: z.enum(['男', '女']),
  nation: z.string().max(16),
  birthDate: yyyymmdd,
  address: z.string().max(128),
  idNumber: z.string().regex(/^\d{17}[\dX]$/, '18-character citizen ID number'),
  issuer: z.string().max(64),
  validFrom: yyyymmdd,
  /** YYYYMMDD or 长期 */
  validTo: z.union([yyyymmdd, z.literal('长期')]),
  /** the chip's photo decoded to JPEG, base64 */
  photoJpeg: base64.optional(),
});
export type IdCard = z.infer<typeof idCardSchema>;

/** One pen stroke, pen down to pen up: points of [x, y, pressure 0..1, ms since the first point of the signature], in pad pixels. */
export const strokeSchema = z
  .array(z.tuple([z.number().min(0).max(10_000), z.number().min(0).max(10_000), z.number().min(0).max(1), z.number().int().min(0).max(600_000)]))
  .min(1)
  .max(5_000);
export type Stroke = z.infer<typeof strokeSchema>;

/** The national 好差评 levels, 5 非常满意 … 1 非常不满意 (1 and 2 are 差评). */
export const RATING_PAD_LEVELS = [5, 4, 3, 2, 1] as const;

export const deviceStateSchema = z.enum(['present', 'absent', 'error']);
/** One device of a window, as the agent reports it (devices.list, heartbeats, the hall map). */
export const deviceHealthSchema = z.object({ class: deviceClassSchema, state: deviceStateSchema, model: z.string().max(64).optional() }).strict();
export type DeviceHealthReport = z.infer<typeof deviceHealthSchema>;

export const deviceResponseSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('idcard.read'), card: idCardSchema }).strict(),
  z
    .object({
      op: z.literal('camera.still'),
      mime: z.literal('image/jpeg'),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      jpeg: base64,
    })
    .strict(),
  z
    .object({
      op: z.literal('signature.capture'),
      mime: z.literal('image/png'),
      /** the pad's drawing area, pixels */
      width: z.number().int().positive().max(10_000),
      height: z.number().int().positive().max(10_000),
      image: base64,
      strokes: z.array(strokeSchema).min(1).max(200),
    })
    .strict(),
  z.object({ op: z.literal('rating.invite'), level: z.number().int().min(1).max(5) }).strict(),
  z
    .object({
      op: z.literal('devices.list'),
      devices: z.array(deviceHealthSchema).max(16),
    })
    .strict(),
  printPartResponse,
  printSubmitResponse,
]);
export type DeviceResponse = z.infer<typeof deviceResponseSchema>;

export const DEVICE_ERROR_CODES = [
  'DEVICE_CLASS_DISABLED',
  'DEVICE_NOT_ATTACHED',
  'DEVICE_ABSENT',
  'DEVICE_BUSY',
  'DEVICE_TIMEOUT',
  'DEVICE_FAILED',
  'CARD_NOT_PRESENT',
  'DEVICE_REQUEST_INVALID',
  'DEVICE_PROTOCOL_UNSUPPORTED',
] as const satisfies readonly ErrorCode[]; // each has its zh/en message in ERRORS
export const deviceErrorCodeSchema = z.enum(DEVICE_ERROR_CODES);
export type DeviceErrorCode = z.infer<typeof deviceErrorCodeSchema>;

export const deviceErrorSchema = z.object({
  code: deviceErrorCodeSchema,
  message: z.string().max(512),
  /** the op refused, so that the audit names the device even when nothing was read */
  op: z.enum(DEVICE_OPS).optional(),
});
export type DeviceError = z.infer<typeof deviceErrorSchema>;

/** Sent while a slow device works (a card being read, a camera focusing); the companion may ignore it. */
export const deviceProgressSchema = z.object({
  stage: z.enum(['waiting-for-card', 'reading', 'capturing', 'encoding', 'waiting-for-citizen', 'printing']),
  percent: z.number().min(0).max(100).optional(),
});
export type DeviceProgress = z.infer<typeof deviceProgressSchema>;

/**
 * The window page ⇄ agent socket (loopback): binary messages carry YZDEV channel bytes as they
 * are, in both directions; text messages are these control messages, page → agent (and
 * `print.result` back, `protocol/src/paper/print-job.ts`).
 */
export const bridgeControlSchema = z.discriminatedUnion('type', [
  /** sent first: the classes the session's pool enables (the agent refuses the others) */
  z
    .object({
      type: z.literal('session'),
      classes: z.array(deviceClassSchema).max(DEVICE_CLASSES.length),
      /** the pool lets the desktop print over the channel (`settings.printing`), on this printer (null: the window has none) */
      printing: z.boolean().optional(),
      printer: windowPrinterSchema.nullable().optional(),
    })
    .strict(),
  /** a desktop's print job for the window's printer (docs/PAPER.md); answered with `print.result` */
  bridgePrintSchema,
  /** a camera still or a scanner-folder file for the desktop's drive 窗口材料 (docs/PAPER.md); answered with `scan.result` */
  bridgeScanSchema,
]);
export type BridgeControl = z.infer<typeof bridgeControlSchema>;
