import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { QUEUE_TICKET_STATES } from '@yunzhuo/protocol/api/queue';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export type QueueTicketState = (typeof QUEUE_TICKET_STATES)[number];

/** A number a window called, and how its service ended (办结, 过号, 转移). */
export class QueueTicket extends Model<InferAttributes<QueueTicket>, InferCreationAttributes<QueueTicket>> {
  declare id: CreationOptional<string>;
  declare number: string;
  declare service: string | null;
  declare state: QueueTicketState;
  /** the window id while the number is served (unique: one number per window), else null */
  declare openKey: string | null;
  declare windowId: string;
  declare siteId: string | null;
  declare terminalId: string;
  declare sessionId: string;
  declare accountId: string;
  declare recalls: CreationOptional<number>;
  declare transferTarget: CreationOptional<string | null>;
  declare invitationId: CreationOptional<string | null>;
  declare calledAt: Date;
  declare endedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    const optional = (type: DataTypes.DataType) => ({ type, allowNull: true });
    const required = (type: DataTypes.DataType) => ({ type, allowNull: false });
    QueueTicket.init(
      {
        id: uuidPk,
        number: required(DataTypes.STRING(16)),
        service: optional(DataTypes.STRING(64)),
        state: required(DataTypes.STRING(16)),
        openKey: optional(DataTypes.STRING(36)),
        windowId: required(DataTypes.STRING(36)),
        siteId: optional(DataTypes.STRING(36)),
        terminalId: required(DataTypes.STRING(36)),
        sessionId: required(DataTypes.STRING(36)),
        accountId: required(DataTypes.STRING(36)),
        recalls: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        transferTarget: optional(DataTypes.STRING(32)),
        invitationId: optional(DataTypes.STRING(36)),
        calledAt: required(DataTypes.DATE),
        endedAt: optional(DataTypes.DATE),
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'queue_tickets' },
    );
  }
}
