import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, nameKeyHooks, uuidPk } from '../db/model-helpers.js';

export class Site extends Model<InferAttributes<Site>, InferCreationAttributes<Site>> {
  declare id: CreationOptional<string>;
  declare parentId: string | null;
  /** materialized path of ids, `/<root>/<child>/…/<this>/`, for subtree queries */
  declare path: string;
  declare code: string;
  /** `nameKey(code)`: codes are unique whatever their case; set by the hooks, never by hand */
  declare codeKey: CreationOptional<string>;
  declare name: string;
  declare kind: 'county' | 'town' | 'other';
  declare address: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Site.init(
      {
        id: uuidPk,
        parentId: { type: DataTypes.STRING(36), allowNull: true },
        path: { type: DataTypes.STRING(1024), allowNull: false },
        code: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        codeKey: { type: DataTypes.STRING(200), allowNull: true },
        name: { type: DataTypes.STRING(200), allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        address: { type: DataTypes.STRING(500), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'sites', hooks: nameKeyHooks<Site>('code', 'codeKey') },
    );
  }
}
