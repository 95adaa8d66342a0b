import { DataTypes, type Model, type ModelAttributeColumnOptions, type ModelStatic } from 'sequelize';

export const uuidPk: ModelAttributeColumnOptions = {
  type: DataTypes.STRING(36),
  primaryKey: true,
  defaultValue: DataTypes.UUIDV4,
};

export const baseOptions = { underscored: true, timestamps: true } as const;

/** A second instance of a stored row, to change without touching the first. */
export function copyRow<M extends Model>(row: M): M {
  return (row.constructor as ModelStatic<M>).build(row.get({ plain: true }), { isNewRecord: false, raw: true });
}
