import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelAttributes, type Sequelize } from 'sequelize';
import type { RatingScore } from '@yunzhuo/protocol/api/ratings';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

/** Where and by whom a service was given; copied from the session when the rating is invited. */
export interface ServiceContext {
  sessionId: string;
  terminalId: string | null;
  windowId: string | null;
  siteId: string | null;
  accountId: string;
  departmentId: string | null;
  poolId: string;
}

const contextColumns = {
  sessionId: { type: DataTypes.STRING(36), allowNull: false },
  terminalId: { type: DataTypes.STRING(36), allowNull: true },
  windowId: { type: DataTypes.STRING(36), allowNull: true },
  siteId: { type: DataTypes.STRING(36), allowNull: true },
  accountId: { type: DataTypes.STRING(36), allowNull: false },
  departmentId: { type: DataTypes.STRING(36), allowNull: true },
  poolId: { type: DataTypes.STRING(36), allowNull: false },
} satisfies Partial<ModelAttributes>;

/** The clerk pressed 请评价: one citizen may rate this service once, until `expiresAt`. */
export class RatingInvitation extends Model<InferAttributes<RatingInvitation>, InferCreationAttributes<RatingInvitation>> implements ServiceContext {
  declare id: CreationOptional<string>;
  declare sessionId: string;
  declare terminalId: string | null;
  declare windowId: string | null;
  declare siteId: string | null;
  declare accountId: string;
  declare departmentId: string | null;
  declare poolId: string;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RatingInvitation.init(
      { id: uuidPk, ...contextColumns, expiresAt: { type: DataTypes.DATE, allowNull: false }, createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE },
      { ...baseOptions, sequelize, tableName: 'rating_invitations' },
    );
  }
}

/** A citizen's 好/中/差 for one service; `createdAt` is when it was given. */
export class Rating extends Model<InferAttributes<Rating>, InferCreationAttributes<Rating>> implements ServiceContext {
  declare id: CreationOptional<string>;
  declare invitationId: string;
  declare sessionId: string;
  declare terminalId: string | null;
  declare windowId: string | null;
  declare siteId: string | null;
  declare accountId: string;
  declare departmentId: string | null;
  declare poolId: string;
  declare score: RatingScore;
  declare reasons: string[];
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Rating.init(
      {
        id: uuidPk,
        invitationId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
        ...contextColumns,
        score: { type: DataTypes.STRING(16), allowNull: false },
        reasons: { type: DataTypes.JSON, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'ratings' },
    );
  }
}
