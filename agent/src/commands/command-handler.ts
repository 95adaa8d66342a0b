import type { AgentCommand, AgentCommandErrorCode, AgentCommandType, CommandOf, RemoteAgentSettings } from '@yunzhuo/protocol/agent/index';
import type { WindowScreenShow } from '@yunzhuo/protocol/agent/window-screen';
import type { Logger } from '../log.js';
import type { OsAdapters } from '../os/os-adapters.js';

/** What a command handler may touch: the OS adapters and the agent's own settings. */
export interface CommandContext {
  os: OsAdapters;
  log: Logger;
  /** `<broker>/terminal#credential=<credential>` */
  kioskUrl(): string;
  kioskEnabled(): boolean;
  /** applies and persists; returns the effective remote settings */
  applySettings(settings: RemoteAgentSettings): RemoteAgentSettings;
  bindWindow(windowId: string | null): void;
  /** the window page's screen channel: true once an open page showed it */
  screen: { show(message: WindowScreenShow): Promise<boolean> };
}

export interface HandlerResult {
  result: Record<string, unknown>;
  /** runs once the answer is sent (power actions) */
  after?: () => Promise<void>;
}

/** A refusal with one of the protocol's stable codes. */
export class CommandError extends Error {
  constructor(
    readonly code: AgentCommandErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type CommandHandler<T extends AgentCommandType> = (command: CommandOf<T>, ctx: CommandContext) => Promise<HandlerResult>;
export type CommandHandlers = { [T in AgentCommandType]: CommandHandler<T> };
export type AnyCommandHandler = (command: AgentCommand, ctx: CommandContext) => Promise<HandlerResult>;
