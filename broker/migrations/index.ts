import type { QueryInterface } from 'sequelize';
import * as m0001 from './0001-initial-schema.js';

export interface Migration {
  name: string;
  up(params: { context: QueryInterface }): Promise<void>;
  down(params: { context: QueryInterface }): Promise<void>;
}

/** In order. A new migration is a new file plus one line here; a landed one is never edited. */
export const migrations: Migration[] = [{ name: '0001-initial-schema', ...m0001 }];
