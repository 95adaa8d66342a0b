import Guacamole from 'guacamole-common-js';

/**
 * Mouse and touchscreen on the element that wraps the display (its top-left is the desktop's
 * 0,0). Coordinates are in CSS pixels; sendMouseState divides by the display scale. The remote
 * cursor replaces the local one when the browser accepts it as a CSS cursor.
 */
export function attachPointer(
  element: HTMLElement,
  client: () => Guacamole.Client | null,
  onActivity: () => void,
): { setCursorFrom(display: Guacamole.Display): void } {
  const mouse = new Guacamole.Mouse(element);
  const touch = new Guacamole.Mouse.Touchscreen(element);
  const send = (event: Guacamole.Event) => {
    onActivity();
    client()?.sendMouseState((event as Guacamole.Mouse.Event).state, true);
  };
  mouse.onEach(['mousedown', 'mouseup', 'mousemove'], send);
  touch.onEach(['mousedown', 'mouseup', 'mousemove'], send);
  return {
    setCursorFrom(display) {
      display.oncursor = (canvas, x, y) => {
        display.showCursor(!mouse.setCursor(canvas, x, y));
      };
    },
  };
}
