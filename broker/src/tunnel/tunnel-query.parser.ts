import { z } from 'zod';
import type { PoolSettings } from '@yunzhuo/protocol/api/common';

/** What the browser may choose: the screen, within these bounds. Everything else comes from the pool. */
export const DISPLAY_BOUNDS = {
  width: { min: 640, max: 7680 },
  height: { min: 480, max: 4320 },
  dpi: { min: 48, max: 480 },
} as const;

export interface DisplayChoice {
  width: number;
  height: number;
  dpi: number;
}

export interface TunnelRequest {
  token: string | null;
  width: number | undefined;
  height: number | undefined;
  dpi: number | undefined;
}

const optionalInt = z
  .preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined), z.number().int().optional())
  .catch(undefined);

/** `Guacamole.WebSocketTunnel.connect(data)` puts `data` after `?`: token=…&width=…&height=…&dpi=… */
const tunnelQuerySchema = z.object({
  token: z.string().min(1).max(2048).optional().catch(undefined),
  width: optionalInt,
  height: optionalInt,
  dpi: optionalInt,
});

/** Parses the query part of the upgrade URL (without `?`). Unknown keys (hostname, password …) are ignored. */
export function parseTunnelQuery(query: string): TunnelRequest {
  const params = new URLSearchParams(query);
  const parsed = tunnelQuerySchema.parse({
    token: params.get('token') ?? undefined,
    width: params.get('width') ?? undefined,
    height: params.get('height') ?? undefined,
    dpi: params.get('dpi') ?? undefined,
  });
  return { token: parsed.token ?? null, width: parsed.width, height: parsed.height, dpi: parsed.dpi };
}

export function clamp(value: number, bounds: { min: number; max: number }): number {
  return Math.min(bounds.max, Math.max(bounds.min, value));
}

/** The browser's size and DPI clamped to DISPLAY_BOUNDS; the pool's when the browser gave none. */
export function chooseDisplay(request: TunnelRequest, settings: PoolSettings): DisplayChoice {
  return {
    width: clamp(request.width ?? settings.width, DISPLAY_BOUNDS.width),
    height: clamp(request.height ?? settings.height, DISPLAY_BOUNDS.height),
    dpi: clamp(request.dpi ?? settings.dpi, DISPLAY_BOUNDS.dpi),
  };
}
