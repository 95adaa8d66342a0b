import { DataTypes, type QueryInterface } from 'sequelize';

const { STRING, INTEGER, BIGINT, DATE } = DataTypes;

/**
 * Town connectors (docs/TOWNS.md): one row per `yunzhuo-connector` enrolled with a site's join
 * token; the credential is kept as sha256 only. `broker_instances.connector_url` is the URL each
 * broker process tells connectors to dial (discovery). Pools reached through a connector say so
 * in their settings (`viaConnector`), which needs no column.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('connectors', {
    id: { type: STRING(36), primaryKey: true },
    site_id: { type: STRING(36), allowNull: false, references: { model: 'sites', key: 'id' }, onDelete: 'CASCADE' },
    name: { type: STRING(200), allowNull: false },
    secret_hash: { type: STRING(64), allowNull: true },
    state: { type: STRING(16), allowNull: false },
    connector_version: { type: STRING(64), allowNull: true },
    address: { type: STRING(64), allowNull: true },
    join_token_id: { type: STRING(36), allowNull: true },
    last_seen_at: { type: DATE, allowNull: true },
    rtt_ms: { type: INTEGER, allowNull: true },
    /** bytes per second towards and from the town's desktops, over the last stats period */
    throughput_up_bps: { type: BIGINT, allowNull: true },
    throughput_down_bps: { type: BIGINT, allowNull: true },
    streams: { type: INTEGER, allowNull: false, defaultValue: 0 },
    revoked_at: { type: DATE, allowNull: true },
    created_at: { type: DATE, allowNull: false },
    updated_at: { type: DATE, allowNull: false },
  });
  await qi.addIndex('connectors', ['site_id'], { name: 'connectors_site' });
  await qi.addColumn('broker_instances', 'connector_url', { type: STRING(500), allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('broker_instances', 'connector_url');
  await qi.dropTable('connectors');
}
