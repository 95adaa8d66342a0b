import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { WarmupCalendar } from '@yunzhuo/protocol/api/lifecycle';

/** A pool's lifecycle settings; a pool without a row uses the defaults (no desktop probes, no warm-up). */
export class PoolLifecycle extends Model<InferAttributes<PoolLifecycle>, InferCreationAttributes<PoolLifecycle>> {
  declare poolId: string;
  declare probeDesktops: boolean;
  declare resetTimeoutSeconds: number;
  declare startTimeoutSeconds: number;
  declare warmup: WarmupCalendar | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    PoolLifecycle.init(
      {
        poolId: { type: DataTypes.STRING(36), primaryKey: true },
        probeDesktops: { type: DataTypes.BOOLEAN, allowNull: false },
        resetTimeoutSeconds: { type: DataTypes.INTEGER, allowNull: false },
        startTimeoutSeconds: { type: DataTypes.INTEGER, allowNull: false },
        warmup: { type: DataTypes.JSON, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'pool_lifecycle', underscored: true, timestamps: true },
    );
  }
}

export const LIFECYCLE_DEFAULTS = { probeDesktops: false, resetTimeoutSeconds: 600, startTimeoutSeconds: 900, warmup: null } as const;
