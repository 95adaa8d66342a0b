import { crudResource } from './resource';
import type {
  Account,
  AccountCreate,
  AccountQuery,
  AccountUpdate,
  Department,
  DepartmentCreate,
  DepartmentQuery,
  DepartmentUpdate,
  Desktop,
  DesktopCreate,
  DesktopQuery,
  DesktopUpdate,
  Gateway,
  GatewayCreate,
  GatewayQuery,
  GatewayUpdate,
  HallWindow,
  Pool,
  PoolCreate,
  PoolQuery,
  PoolUpdate,
  Site,
  SiteCreate,
  SiteQuery,
  SiteUpdate,
  Terminal,
  TerminalCreate,
  TerminalQuery,
  TerminalUpdate,
  WindowCreate,
  WindowQuery,
  WindowUpdate,
} from './types';

/** One client + query factory per admin resource (see resource.ts). */
export const sites = crudResource<Site, SiteCreate, SiteUpdate, SiteQuery>('sites');
export const departments = crudResource<Department, DepartmentCreate, DepartmentUpdate, DepartmentQuery>('departments');
export const windows = crudResource<HallWindow, WindowCreate, WindowUpdate, WindowQuery>('windows');
export const terminals = crudResource<Terminal, TerminalCreate, TerminalUpdate, TerminalQuery>('terminals');
export const accounts = crudResource<Account, AccountCreate, AccountUpdate, AccountQuery>('accounts');
export const gateways = crudResource<Gateway, GatewayCreate, GatewayUpdate, GatewayQuery>('gateways');
export const pools = crudResource<Pool, PoolCreate, PoolUpdate, PoolQuery>('pools');
export const desktops = crudResource<Desktop, DesktopCreate, DesktopUpdate, DesktopQuery>('desktops');
