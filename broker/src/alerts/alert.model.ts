import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { ALERT_DELIVERY_STATES, ALERT_STATES, AlertKind } from '@yunzhuo/protocol/api/alerts';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export type AlertState = (typeof ALERT_STATES)[number];
export type AlertDeliveryState = (typeof ALERT_DELIVERY_STATES)[number];

const optional = (type: DataTypes.DataType) => ({ type, allowNull: true });
const required = (type: DataTypes.DataType) => ({ type, allowNull: false });

/** One alert, open or cleared (the history keeps every one). */
export class Alert extends Model<InferAttributes<Alert>, InferCreationAttributes<Alert>> {
  declare id: CreationOptional<string>;
  declare kind: AlertKind;
  declare state: AlertState;
  declare subjectType: string;
  declare subjectId: string;
  declare subjectName: string;
  /** `<kind>:<subject id>` while open (unique: one open alert per subject), else null */
  declare openKey: string | null;
  declare siteId: string | null;
  /** JSON: what the condition measured */
  declare facts: string;
  declare raisedAt: Date;
  declare clearedAt: CreationOptional<Date | null>;
  declare acknowledgedAt: CreationOptional<Date | null>;
  declare acknowledgedBy: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Alert.init(
      {
        id: uuidPk,
        kind: required(DataTypes.STRING(32)),
        state: required(DataTypes.STRING(16)),
        subjectType: required(DataTypes.STRING(16)),
        subjectId: required(DataTypes.STRING(36)),
        subjectName: required(DataTypes.STRING(200)),
        openKey: optional(DataTypes.STRING(80)),
        siteId: optional(DataTypes.STRING(36)),
        facts: required(DataTypes.TEXT),
        raisedAt: required(DataTypes.DATE),
        clearedAt: optional(DataTypes.DATE),
        acknowledgedAt: optional(DataTypes.DATE),
        acknowledgedBy: optional(DataTypes.STRING(36)),
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'alerts' },
    );
  }
}

/** One webhook message (an alert raised or cleared, to one URL) and how its sending went. */
export class AlertDelivery extends Model<InferAttributes<AlertDelivery>, InferCreationAttributes<AlertDelivery>> {
  declare id: CreationOptional<string>;
  declare alertId: string;
  declare event: 'raised' | 'cleared';
  declare url: string;
  declare payload: string;
  declare state: AlertDeliveryState;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: Date;
  declare lastError: CreationOptional<string | null>;
  declare deliveredAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AlertDelivery.init(
      {
        id: uuidPk,
        alertId: required(DataTypes.STRING(36)),
        event: required(DataTypes.STRING(16)),
        url: required(DataTypes.STRING(1000)),
        payload: required(DataTypes.TEXT),
        state: required(DataTypes.STRING(16)),
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: required(DataTypes.DATE),
        lastError: optional(DataTypes.STRING(500)),
        deliveredAt: optional(DataTypes.DATE),
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'alert_deliveries' },
    );
  }
}

/** The console's alert settings: one row, `id` = 'default', JSON in `settings`. */
export class AlertSettingsRow extends Model<InferAttributes<AlertSettingsRow>, InferCreationAttributes<AlertSettingsRow>> {
  declare id: string;
  declare settings: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AlertSettingsRow.init(
      { id: { type: DataTypes.STRING(16), primaryKey: true }, settings: required(DataTypes.TEXT), createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE },
      { ...baseOptions, sequelize, tableName: 'alert_settings' },
    );
  }
}

export const ALERT_MODELS = [Alert, AlertDelivery, AlertSettingsRow];
