import type Guacamole from 'guacamole-common-js';
import type { ScreenSize } from './desktop-connection';

/** The desktop size to ask for: the stage in device pixels, so a 1:1 picture needs no resampling. */
export function screenSizeOf(stage: { clientWidth: number; clientHeight: number } | null): ScreenSize {
  const ratio = window.devicePixelRatio || 1;
  const width = stage?.clientWidth || window.innerWidth;
  const height = stage?.clientHeight || window.innerHeight;
  return { width: Math.round(width * ratio), height: Math.round(height * ratio), dpi: Math.round(96 * ratio) };
}

/**
 * Scales the display to fit the stage, keeping its aspect ratio. When the desktop has the size
 * we asked for, the scale is exactly 1/devicePixelRatio (sharp). An integer upscale (a desktop
 * that kept a smaller size) is drawn with hard pixel edges instead of a blur.
 */
export function fitDisplay(display: Guacamole.Display, stage: HTMLElement): void {
  const width = display.getWidth();
  const height = display.getHeight();
  if (width <= 0 || height <= 0 || stage.clientWidth <= 0) return;
  const scale = Math.min(stage.clientWidth / width, stage.clientHeight / height);
  display.scale(scale);
  const devicePixels = scale * (window.devicePixelRatio || 1);
  const integral = Math.abs(devicePixels - Math.round(devicePixels)) < 1e-3;
  display.getElement().style.imageRendering = integral && Math.round(devicePixels) >= 2 ? 'pixelated' : 'auto';
}
