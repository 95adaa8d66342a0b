import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { ActionOutcome, ActionPoint } from '@yunzhuo/protocol/api/lifecycle';
import { baseOptions, uuidPk } from '../../db/model-helpers.js';

/** A command a pool runs over SSH at one lifecycle point of its desktops. */
export class PoolAction extends Model<InferAttributes<PoolAction>, InferCreationAttributes<PoolAction>> {
  declare id: CreationOptional<string>;
  declare poolId: string;
  /** the pool's site, kept here so the admin API scopes actions like every other row */
  declare siteId: string;
  declare point: ActionPoint;
  declare sshHostId: string;
  declare runOn: 'ssh-host' | 'desktop';
  declare command: string;
  declare timeoutSeconds: number;
  declare enabled: boolean;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    PoolAction.init(
      {
        id: uuidPk,
        poolId: { type: DataTypes.STRING(36), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        point: { type: DataTypes.STRING(32), allowNull: false },
        sshHostId: { type: DataTypes.STRING(36), allowNull: false },
        runOn: { type: DataTypes.STRING(16), allowNull: false },
        command: { type: DataTypes.TEXT, allowNull: false },
        timeoutSeconds: { type: DataTypes.INTEGER, allowNull: false },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'pool_actions' },
    );
  }
}

/** One execution of a pool action: what ran where, how it ended, what it printed. */
export class ActionRun extends Model<InferAttributes<ActionRun>, InferCreationAttributes<ActionRun>> {
  declare id: CreationOptional<string>;
  declare actionId: string | null;
  declare poolId: string;
  declare desktopId: string;
  declare sessionId: string | null;
  declare siteId: string | null;
  declare point: ActionPoint;
  declare host: string;
  declare port: number;
  declare command: string;
  declare outcome: ActionOutcome;
  declare exitCode: number | null;
  declare signal: string | null;
  declare stdout: string;
  declare stderr: string;
  declare error: string | null;
  declare durationMs: number;
  declare startedAt: Date;
  declare finishedAt: Date;

  static initModel(sequelize: Sequelize): void {
    const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
    ActionRun.init(
      {
        id: uuidPk,
        actionId: str(36, true),
        poolId: str(36),
        desktopId: str(36),
        sessionId: str(36, true),
        siteId: str(36, true),
        point: str(32),
        host: str(255),
        port: { type: DataTypes.INTEGER, allowNull: false },
        command: { type: DataTypes.TEXT, allowNull: false },
        outcome: str(16),
        exitCode: { type: DataTypes.INTEGER, allowNull: true },
        signal: str(32, true),
        stdout: { type: DataTypes.TEXT, allowNull: false },
        stderr: { type: DataTypes.TEXT, allowNull: false },
        error: str(1000, true),
        durationMs: { type: DataTypes.INTEGER, allowNull: false },
        startedAt: { type: DataTypes.DATE, allowNull: false },
        finishedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'action_runs', underscored: true, timestamps: false },
    );
  }
}
