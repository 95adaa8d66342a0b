import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelAttributes, type Sequelize } from 'sequelize';
import type { RatingChannel, RatingLevel, RatingTag } from '@yunzhuo/protocol/api/rating-words';
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

const caseColumns = {
  caseNumber: { type: DataTypes.STRING(64), allowNull: true },
  itemCode: { type: DataTypes.STRING(64), allowNull: true },
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
  /** 办件编号 and 事项编码 the clerk entered at the window bar */
  declare caseNumber: string | null;
  declare itemCode: string | null;
  /** the queue number whose service ended with this invitation (排队叫号 办结), when the queue is on */
  declare queueNumber: CreationOptional<string | null>;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RatingInvitation.init(
      {
        id: uuidPk,
        ...contextColumns,
        ...caseColumns,
        queueNumber: { type: DataTypes.STRING(16), allowNull: true },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'rating_invitations' },
    );
  }
}

/** A citizen's rating (5 非常满意 … 1 非常不满意) of one service; `createdAt` is when it was given. */
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
  declare level: RatingLevel;
  /** codes of the tag set version `tagSetVersion`, of this level */
  declare tags: string[];
  declare tagSetVersion: number;
  declare comment: string | null;
  declare anonymous: boolean;
  declare raterName: string | null;
  declare raterPhone: string | null;
  declare caseNumber: string | null;
  declare itemCode: string | null;
  declare channel: RatingChannel;
  /** a 差评 set aside on 申诉复核: stored, but out of every figure */
  declare excluded: CreationOptional<boolean>;
  /** the idempotency key of a rating a pad queued offline (a repeat with it is the same rating) */
  declare clientKey: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Rating.init(
      {
        id: uuidPk,
        invitationId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
        ...contextColumns,
        ...caseColumns,
        level: { type: DataTypes.INTEGER, allowNull: false },
        tags: { type: DataTypes.JSON, allowNull: false },
        tagSetVersion: { type: DataTypes.INTEGER, allowNull: false },
        comment: { type: DataTypes.TEXT, allowNull: true },
        anonymous: { type: DataTypes.BOOLEAN, allowNull: false },
        raterName: { type: DataTypes.STRING(50), allowNull: true },
        raterPhone: { type: DataTypes.STRING(11), allowNull: true },
        channel: { type: DataTypes.STRING(24), allowNull: false },
        excluded: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        clientKey: { type: DataTypes.STRING(64), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'ratings' },
    );
  }
}

/** One version of the county's tag set; a new version is a new row, an old one is never changed. */
export class RatingTagSet extends Model<InferAttributes<RatingTagSet>, InferCreationAttributes<RatingTagSet>> {
  declare version: number;
  declare tags: RatingTag[];
  declare createdBy: string | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    RatingTagSet.init(
      {
        version: { type: DataTypes.INTEGER, primaryKey: true },
        tags: { type: DataTypes.JSON, allowNull: false },
        createdBy: { type: DataTypes.STRING(36), allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'rating_tag_sets', underscored: true, timestamps: false },
    );
  }
}
