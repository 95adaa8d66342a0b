import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { RatingLevel } from '@yunzhuo/protocol/api/rating-words';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export type WorkOrderState = 'open' | 'visited' | 'rectified' | 'appealed' | 'excluded';

/** The follow-up of one 差评: deadlines from the working-day calendar, 回访, 整改, 申诉复核, 追评. */
export class RatingWorkOrder extends Model<InferAttributes<RatingWorkOrder>, InferCreationAttributes<RatingWorkOrder>> {
  declare id: CreationOptional<string>;
  declare ratingId: string;
  declare siteId: string | null;
  declare departmentId: string | null;
  declare windowId: string | null;
  declare accountId: string;
  declare state: WorkOrderState;
  declare visitDueAt: Date;
  declare rectifyDueAt: Date;
  declare visitedAt: CreationOptional<Date | null>;
  declare visitNote: CreationOptional<string | null>;
  declare rectifiedAt: CreationOptional<Date | null>;
  declare rectifyNote: CreationOptional<string | null>;
  declare appealedAt: CreationOptional<Date | null>;
  declare appealReason: CreationOptional<string | null>;
  declare reviewedAt: CreationOptional<Date | null>;
  declare reviewedBy: CreationOptional<string | null>;
  declare reviewDecision: CreationOptional<'exclude' | 'keep' | null>;
  declare reviewNote: CreationOptional<string | null>;
  declare followUpAt: CreationOptional<Date | null>;
  declare followUpLevel: CreationOptional<RatingLevel | null>;
  declare followUpComment: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    const optional = (type: DataTypes.DataType) => ({ type, allowNull: true });
    RatingWorkOrder.init(
      {
        id: uuidPk,
        ratingId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
        siteId: optional(DataTypes.STRING(36)),
        departmentId: optional(DataTypes.STRING(36)),
        windowId: optional(DataTypes.STRING(36)),
        accountId: { type: DataTypes.STRING(36), allowNull: false },
        state: { type: DataTypes.STRING(16), allowNull: false },
        visitDueAt: { type: DataTypes.DATE, allowNull: false },
        rectifyDueAt: { type: DataTypes.DATE, allowNull: false },
        visitedAt: optional(DataTypes.DATE),
        visitNote: optional(DataTypes.TEXT),
        rectifiedAt: optional(DataTypes.DATE),
        rectifyNote: optional(DataTypes.TEXT),
        appealedAt: optional(DataTypes.DATE),
        appealReason: optional(DataTypes.TEXT),
        reviewedAt: optional(DataTypes.DATE),
        reviewedBy: optional(DataTypes.STRING(36)),
        reviewDecision: optional(DataTypes.STRING(16)),
        reviewNote: optional(DataTypes.TEXT),
        followUpAt: optional(DataTypes.DATE),
        followUpLevel: optional(DataTypes.INTEGER),
        followUpComment: optional(DataTypes.TEXT),
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'rating_work_orders' },
    );
  }
}
