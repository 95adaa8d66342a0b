import Guacamole from 'guacamole-common-js';
import { keysymsOf } from './keysyms';

export interface KeyboardTarget {
  /** the client of the desktop on screen, or null */
  client(): Guacamole.Client | null;
  /** Ctrl+Alt+Shift+<digit 1-9>: switch to that desktop */
  onSwitch(index: number): void;
  /** Ctrl+Alt+Shift+B: move focus to the top bar (keyboard-only use of its buttons) */
  onBar(): void;
}

/**
 * The page's one keyboard: Guacamole.Keyboard on the document for keys, plus a hidden textarea
 * that keeps the focus so an input method (Chinese IME) can compose there; composed text is
 * sent as one key press per code point. Disabled while a form or card of the page has focus.
 */
export class KeyboardInput {
  readonly #keyboard = new Guacamole.Keyboard(document);
  readonly #sink = document.createElement('textarea');
  #enabled = false;
  #target: KeyboardTarget | null = null;

  constructor() {
    const sink = this.#sink;
    sink.className = 'yz-input-sink';
    sink.setAttribute('aria-hidden', 'true');
    sink.setAttribute('autocomplete', 'off');
    sink.tabIndex = -1;
    document.body.appendChild(sink);
    this.#listen(sink, 'compositionend', (e) => this.#typeFromSink(e, (e as CompositionEvent).data));
    this.#listen(sink, 'input', (e) => {
      const input = e as InputEvent;
      // composed text arrives with compositionend; this is plain inserted text (virtual keyboards)
      if (input.isComposing || input.inputType === 'insertCompositionText') return e.stopPropagation();
      this.#typeFromSink(e, input.data);
    });
    // before Guacamole.Keyboard's document listener: window capture runs first
    this.#listen(window, 'keydown', (e) => this.#hotkey(e as KeyboardEvent), true);
    this.#listen(document, 'keydown', () => this.#refocus(), true);
    this.#keyboard.onkeydown = null;
    this.#keyboard.onkeyup = null;
  }

  /** Where keys and hotkeys go (the desktop stage on screen), or null on the idle screen. */
  setTarget(target: KeyboardTarget | null): void {
    this.#target = target;
    if (!target) this.disable();
  }

  /** Keys go to the desktop; the sink takes the focus. */
  enable(): void {
    if (this.#enabled) return;
    this.#enabled = true;
    this.#keyboard.onkeydown = (keysym) => {
      this.#target?.client()?.sendKeyEvent(1, keysym);
      return false;
    };
    this.#keyboard.onkeyup = (keysym) => this.#target?.client()?.sendKeyEvent(0, keysym);
    this.focus();
  }

  /** Keys stay with the page (a login form, the rating card, the top bar). */
  disable(): void {
    if (!this.#enabled) return;
    this.releaseAll();
    this.#enabled = false;
    this.#keyboard.onkeydown = null;
    this.#keyboard.onkeyup = null;
    if (document.activeElement === this.#sink) this.#sink.blur();
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Releases every key the desktop thinks is held (before switching desktops or leaving). */
  releaseAll(): void {
    this.#keyboard.reset();
  }

  focus(): void {
    if (this.#enabled && document.activeElement !== this.#sink) this.#sink.focus({ preventScroll: true });
  }

  #typeFromSink(e: Event, text: string | null): void {
    // Guacamole.Keyboard also listens for input/composition on the document: type once only
    e.stopPropagation();
    this.#sink.value = '';
    const client = this.#target?.client();
    if (!this.#enabled || !client || !text) return;
    for (const keysym of keysymsOf(text)) {
      client.sendKeyEvent(1, keysym);
      client.sendKeyEvent(0, keysym);
    }
  }

  #hotkey(e: KeyboardEvent): void {
    const target = this.#target;
    if (!target || !(e.ctrlKey && e.altKey && e.shiftKey)) return;
    const digit = /^Digit([1-9])$/.exec(e.code)?.[1];
    if (!digit && e.code !== 'KeyB') return;
    e.preventDefault();
    e.stopImmediatePropagation();
    this.releaseAll();
    if (digit) target.onSwitch(Number(digit) - 1);
    else target.onBar();
  }

  #refocus(): void {
    if (!this.#enabled) return;
    const active = document.activeElement;
    if (active && active !== document.body && active !== this.#sink && active.closest('[data-keeps-focus]')) return;
    this.focus();
  }

  #listen(target: EventTarget, type: string, handler: (e: Event) => void, capture = false): void {
    target.addEventListener(type, handler, capture);
  }
}

let shared: KeyboardInput | null = null;

/** One per page: Guacamole.Keyboard's document listeners cannot be removed, so it is never rebuilt. */
export function pageKeyboard(): KeyboardInput {
  shared ??= new KeyboardInput();
  return shared;
}
