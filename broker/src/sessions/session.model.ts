import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { SessionState } from '@yunzhuo/protocol/api/common';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export class DesktopSession extends Model<InferAttributes<DesktopSession>, InferCreationAttributes<DesktopSession>> {
  declare id: CreationOptional<string>;
  declare accountId: string;
  declare poolId: string;
  declare desktopId: string | null;
  declare terminalId: string | null;
  declare windowId: string | null;
  declare siteId: string | null;
  declare departmentId: string | null;
  declare gatewayId: string | null;
  declare state: SessionState;
  declare endReason: string | null;
  declare liveKey: string | null;
  declare requestedAt: Date;
  declare connectingAt: Date | null;
  declare activeAt: Date | null;
  declare disconnectedAt: Date | null;
  declare endedAt: Date | null;
  declare lastActivityAt: Date | null;
  declare recordingPath: string | null;
  /** why a recorded session has no recording guacd wrote (issue 17): set when the first frame came and no file was there */
  declare recordingError: CreationOptional<string | null>;
  declare guacConnectionId: string | null;
  declare brokerInstance: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: true });
    // a fresh object per column: Sequelize writes each column's `field` into its definition
    const date = () => ({ type: DataTypes.DATE, allowNull: true });
    DesktopSession.init(
      {
        id: uuidPk,
        accountId: { type: DataTypes.STRING(36), allowNull: false },
        poolId: { type: DataTypes.STRING(36), allowNull: false },
        desktopId: str(36),
        terminalId: str(36),
        windowId: str(36),
        siteId: str(36),
        departmentId: str(36),
        gatewayId: str(36),
        state: { type: DataTypes.STRING(16), allowNull: false },
        endReason: str(64),
        liveKey: { type: DataTypes.STRING(80), allowNull: true, unique: true },
        requestedAt: { type: DataTypes.DATE, allowNull: false },
        connectingAt: date(),
        activeAt: date(),
        disconnectedAt: date(),
        endedAt: date(),
        lastActivityAt: date(),
        recordingPath: str(1024),
        recordingError: str(500),
        guacConnectionId: str(64),
        brokerInstance: str(64),
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'sessions' },
    );
  }
}

export class TunnelToken extends Model<InferAttributes<TunnelToken>, InferCreationAttributes<TunnelToken>> {
  declare tokenHash: string;
  declare sessionId: string;
  declare terminalId: string | null;
  declare expiresAt: Date;
  declare usedAt: Date | null;

  static initModel(sequelize: Sequelize): void {
    TunnelToken.init(
      {
        tokenHash: { type: DataTypes.STRING(64), primaryKey: true },
        sessionId: { type: DataTypes.STRING(36), allowNull: false },
        terminalId: { type: DataTypes.STRING(36), allowNull: true },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        usedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'tunnel_tokens', underscored: true, timestamps: false },
    );
  }
}
