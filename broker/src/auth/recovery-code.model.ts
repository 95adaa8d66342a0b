import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { uuidPk } from '../db/model-helpers.js';

/** One single-use TOTP recovery code of a console account, stored as sha256. */
export class RecoveryCode extends Model<InferAttributes<RecoveryCode>, InferCreationAttributes<RecoveryCode>> {
  declare id: CreationOptional<string>;
  declare accountId: string;
  declare codeHash: string;
  declare usedAt: Date | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    RecoveryCode.init(
      {
        id: uuidPk,
        accountId: { type: DataTypes.STRING(36), allowNull: false },
        codeHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        usedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'account_recovery_codes', underscored: true, timestamps: false },
    );
  }
}
