import type { WebSocket } from 'ws';
import type { BrokerToAgent, CommandResultMessage } from '@yunzhuo/protocol/agent/index';
import { AppError } from '../lib/app-error.js';

/** bytes queued towards an agent that is not reading before the broker gives up on it */
const MAX_BUFFERED_BYTES = 1024 * 1024;

interface PendingCommand {
  resolve(outcome: CommandResultMessage['outcome']): void;
  reject(err: AppError): void;
}

/** One live agent socket on the broker side: typed sends and the commands awaiting an answer. */
export class AgentLink {
  readonly #pending = new Map<string, PendingCommand>();

  constructor(
    readonly terminalId: string,
    readonly ws: WebSocket,
    readonly protocolVersion: string,
  ) {}

  send(message: BrokerToAgent): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      return false;
    }
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Registers a command before it is sent, so an answer can never arrive first. */
  expect(commandId: string): Promise<CommandResultMessage['outcome']> {
    return new Promise((resolve, reject) => this.#pending.set(commandId, { resolve, reject }));
  }

  forget(commandId: string): void {
    this.#pending.delete(commandId);
  }

  settle(message: CommandResultMessage): boolean {
    const pending = this.#pending.get(message.commandId);
    if (!pending) return false;
    this.#pending.delete(message.commandId);
    pending.resolve(message.outcome);
    return true;
  }

  /** The socket is gone: every command still waiting fails as offline. */
  failAll(reason: string): void {
    for (const [id, pending] of this.#pending) pending.reject(new AppError('TERMINAL_OFFLINE', { terminalId: this.terminalId, commandId: id, reason }));
    this.#pending.clear();
  }

  close(code: number, reason: string): void {
    this.failAll(reason);
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }
}
