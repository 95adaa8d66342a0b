import { DataTypes, type ModelAttributeColumnOptions } from 'sequelize';

export const uuidPk: ModelAttributeColumnOptions = {
  type: DataTypes.STRING(36),
  primaryKey: true,
  defaultValue: DataTypes.UUIDV4,
};

export const baseOptions = { underscored: true, timestamps: true } as const;
