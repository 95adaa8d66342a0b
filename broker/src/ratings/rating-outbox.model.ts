import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions } from '../db/model-helpers.js';

export type OutboxState = 'pending' | 'delivered' | 'dead';

/** One rating or work-order change waiting for (or done with) the province. */
export class RatingOutboxItem extends Model<InferAttributes<RatingOutboxItem>, InferCreationAttributes<RatingOutboxItem>> {
  declare seq: CreationOptional<number>;
  declare ratingId: string;
  /** 1 for the rating itself, then one more per work-order change of that rating */
  declare changeNo: number;
  declare kind: string;
  /** the window whose order this item keeps ('' for a rating without a window) */
  declare windowKey: string;
  /** the JSON body, exactly as signed and sent */
  declare payload: string;
  declare state: OutboxState;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: Date;
  declare lastError: CreationOptional<string | null>;
  declare deliveredAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RatingOutboxItem.init(
      {
        seq: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        ratingId: { type: DataTypes.STRING(36), allowNull: false },
        changeNo: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(48), allowNull: false },
        windowKey: { type: DataTypes.STRING(36), allowNull: false },
        payload: { type: DataTypes.TEXT, allowNull: false },
        state: { type: DataTypes.STRING(16), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE, allowNull: false },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        deliveredAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'rating_outbox' },
    );
  }
}
