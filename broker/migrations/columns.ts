import { DataTypes, type ModelAttributeColumnOptions } from 'sequelize';

export function id(): ModelAttributeColumnOptions {
  return { type: DataTypes.STRING(36), primaryKey: true, allowNull: false };
}

export function fk(
  table: string,
  opts: { allowNull?: boolean; primaryKey?: boolean; onDelete?: 'CASCADE' | 'RESTRICT' | 'SET NULL' } = {},
): ModelAttributeColumnOptions {
  return {
    type: DataTypes.STRING(36),
    allowNull: opts.allowNull ?? false,
    primaryKey: opts.primaryKey ?? false,
    references: { model: table, key: 'id' },
    onDelete: opts.onDelete ?? 'RESTRICT',
  };
}

export function timestamps(): Record<'created_at' | 'updated_at', ModelAttributeColumnOptions> {
  return {
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  };
}
