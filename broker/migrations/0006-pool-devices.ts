import { QueryTypes, type QueryInterface } from 'sequelize';

/**
 * Window devices per pool: `pools.settings.devices` lists the device classes a desktop of the
 * pool may use over the YZDEV channel. Pools made before it get none (the channel stays off).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await rewriteSettings(qi, (settings) => ({ ...settings, devices: Array.isArray(settings.devices) ? settings.devices : [] }));
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await rewriteSettings(qi, ({ devices: _devices, ...rest }) => rest);
}

type Settings = Record<string, unknown>;

/** Pools are few (tens per county): one UPDATE per row, in one transaction. */
async function rewriteSettings(qi: QueryInterface, change: (settings: Settings) => Settings): Promise<void> {
  const sequelize = qi.sequelize;
  await sequelize.transaction(async (transaction) => {
    const rows = await sequelize.query<{ id: string; settings: string | Settings }>('SELECT id, settings FROM pools', { type: QueryTypes.SELECT, transaction });
    for (const row of rows) {
      const settings = typeof row.settings === 'string' ? (JSON.parse(row.settings) as Settings) : row.settings;
      await sequelize.query('UPDATE pools SET settings = :settings WHERE id = :id', {
        replacements: { id: row.id, settings: JSON.stringify(change(settings)) },
        transaction,
      });
    }
  });
}
