import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Sequelize } from 'sequelize';

export type Dialect = 'sqlite' | 'postgres';

/**
 * One Sequelize for the whole process. SQLite gets WAL and a busy timeout so concurrent
 * writers queue instead of failing; PostgreSQL gets a pool sized for the login rush.
 */
export function openDatabase(url: string): Sequelize {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: file,
      logging: false,
      pool: { max: 1, min: 0, idle: 60_000 },
      retry: { max: 0 },
    });
    configureSqliteConnections(sequelize);
    return sequelize;
  }
  return new Sequelize(url, {
    dialect: 'postgres',
    logging: false,
    pool: { max: 20, min: 0, idle: 10_000, acquire: 30_000 },
  });
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'postgres' ? 'postgres' : 'sqlite';
}

interface SqliteConnection {
  exec(sql: string, cb: (err: Error | null) => void): void;
}
interface ConnectionManagerLike {
  getConnection(options?: unknown): Promise<SqliteConnection>;
}

/**
 * Sequelize's SQLite dialect opens one connection per transaction and runs no afterConnect
 * hook, so every new connection gets its pragmas here: WAL (readers never block the writer)
 * and a busy timeout (concurrent writers wait their turn instead of failing SQLITE_BUSY).
 */
function configureSqliteConnections(sequelize: Sequelize): void {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManagerLike }).connectionManager;
  const original = manager.getConnection.bind(manager);
  const configured = new WeakSet<object>();
  manager.getConnection = async (options?: unknown) => {
    const connection = await original(options);
    if (!configured.has(connection)) {
      configured.add(connection);
      await new Promise<void>((resolve, reject) =>
        connection.exec('PRAGMA journal_mode=WAL; PRAGMA busy_timeout=15000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;', (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    }
    return connection;
  };
}
