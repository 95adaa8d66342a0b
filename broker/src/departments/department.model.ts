import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, nameKeyHooks, uuidPk } from '../db/model-helpers.js';

export class Department extends Model<InferAttributes<Department>, InferCreationAttributes<Department>> {
  declare id: CreationOptional<string>;
  declare code: string;
  /** `nameKey(code)`: codes are unique whatever their case; set by the hooks, never by hand */
  declare codeKey: CreationOptional<string>;
  declare name: string;
  /** NULL: a county-wide department every site shares */
  declare siteId: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Department.init(
      {
        id: uuidPk,
        code: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        codeKey: { type: DataTypes.STRING(200), allowNull: true },
        name: { type: DataTypes.STRING(200), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'departments', hooks: nameKeyHooks<Department>('code', 'codeKey') },
    );
  }
}
