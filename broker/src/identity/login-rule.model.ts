import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { LoginRuleSettings } from '@yunzhuo/protocol/api/identity';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

/** Who may log in at which windows, when, and from which networks (console). */
export class LoginRule extends Model<InferAttributes<LoginRule>, InferCreationAttributes<LoginRule>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare siteId: string | null;
  declare enabled: boolean;
  declare settings: LoginRuleSettings;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    LoginRule.init(
      {
        id: uuidPk,
        name: { type: DataTypes.STRING(200), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: true },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        settings: { type: DataTypes.JSON, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'login_rules' },
    );
  }
}
