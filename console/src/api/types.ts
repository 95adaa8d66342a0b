import type { z } from 'zod';
import type { Role } from '@yunzhuo/protocol/api/common';
import type {
  accountCreate,
  accountOut,
  accountQuery,
  accountUpdate,
  auditOut,
  auditQuery,
  departmentCreate,
  departmentOut,
  departmentQuery,
  departmentUpdate,
  desktopCreate,
  desktopOut,
  desktopQuery,
  desktopUpdate,
  gatewayCreate,
  gatewayOut,
  gatewayQuery,
  gatewayUpdate,
  meOut,
  poolCreate,
  poolOut,
  poolQuery,
  poolUpdate,
  sessionOut,
  sessionQuery,
  siteCreate,
  siteOut,
  siteQuery,
  siteUpdate,
  terminalCreate,
  terminalOut,
  terminalQuery,
  terminalUpdate,
  windowCreate,
  windowOut,
  windowQuery,
  windowUpdate,
} from '@yunzhuo/protocol/api/resources';

// Types only: the schemas stay in protocol/, the console bundle carries no zod.
export type { Role };
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };
/** query strings the list endpoints accept (everything optional in the browser) */
type QueryOf<S extends z.ZodTypeAny> = { [K in keyof z.input<S>]?: K extends 'page' | 'pageSize' ? number : z.input<S>[K] };

export type Site = z.output<typeof siteOut>;
export type SiteCreate = z.input<typeof siteCreate>;
export type SiteUpdate = z.input<typeof siteUpdate>;
export type SiteQuery = QueryOf<typeof siteQuery>;

export type Department = z.output<typeof departmentOut>;
export type DepartmentCreate = z.input<typeof departmentCreate>;
export type DepartmentUpdate = z.input<typeof departmentUpdate>;
export type DepartmentQuery = QueryOf<typeof departmentQuery>;

export type HallWindow = z.output<typeof windowOut>;
export type WindowCreate = z.input<typeof windowCreate>;
export type WindowUpdate = z.input<typeof windowUpdate>;
export type WindowQuery = QueryOf<typeof windowQuery>;

export type Terminal = z.output<typeof terminalOut>;
export type TerminalCreate = z.input<typeof terminalCreate>;
export type TerminalUpdate = z.input<typeof terminalUpdate>;
export type TerminalQuery = QueryOf<typeof terminalQuery>;

export type Account = z.output<typeof accountOut>;
export type AccountCreate = z.input<typeof accountCreate>;
export type AccountUpdate = z.input<typeof accountUpdate>;
export type AccountQuery = QueryOf<typeof accountQuery>;

export type Gateway = z.output<typeof gatewayOut>;
export type GatewayCreate = z.input<typeof gatewayCreate>;
export type GatewayUpdate = z.input<typeof gatewayUpdate>;
export type GatewayQuery = QueryOf<typeof gatewayQuery>;

export type Pool = z.output<typeof poolOut>;
export type PoolCreate = z.input<typeof poolCreate>;
export type PoolUpdate = z.input<typeof poolUpdate>;
export type PoolQuery = QueryOf<typeof poolQuery>;
export type PoolSettings = Pool['settings'];

export type Desktop = z.output<typeof desktopOut>;
export type DesktopCreate = z.input<typeof desktopCreate>;
export type DesktopUpdate = z.input<typeof desktopUpdate>;
export type DesktopQuery = QueryOf<typeof desktopQuery>;

export type DeskSession = z.output<typeof sessionOut>;
export type SessionQuery = QueryOf<typeof sessionQuery>;

export type AuditEvent = z.output<typeof auditOut>;
export type AuditQuery = QueryOf<typeof auditQuery>;

export type Me = z.output<typeof meOut>;
