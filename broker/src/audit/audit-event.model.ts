import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** Append-only: the database refuses UPDATE and DELETE on this table (see migration 0001). */
export class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
  declare id: CreationOptional<number>;
  declare at: Date;
  declare actorId: string | null;
  declare actorName: string | null;
  declare action: string;
  declare targetType: string | null;
  declare targetId: string | null;
  declare siteId: string | null;
  declare address: string | null;
  declare before: Record<string, unknown> | null;
  declare after: Record<string, unknown> | null;
  declare details: Record<string, unknown> | null;

  static initModel(sequelize: Sequelize): void {
    AuditEvent.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        at: { type: DataTypes.DATE, allowNull: false },
        actorId: { type: DataTypes.STRING(36), allowNull: true },
        actorName: { type: DataTypes.STRING(200), allowNull: true },
        action: { type: DataTypes.STRING(64), allowNull: false },
        targetType: { type: DataTypes.STRING(32), allowNull: true },
        targetId: { type: DataTypes.STRING(64), allowNull: true },
        siteId: { type: DataTypes.STRING(36), allowNull: true },
        address: { type: DataTypes.STRING(100), allowNull: true },
        before: { type: DataTypes.JSON, allowNull: true },
        after: { type: DataTypes.JSON, allowNull: true },
        details: { type: DataTypes.JSON, allowNull: true },
      },
      { sequelize, tableName: 'audit_events', underscored: true, timestamps: false },
    );
  }
}
