import { DataTypes, type Model, type ModelAttributeColumnOptions, type ModelStatic } from 'sequelize';
import { nameKey } from '@yunzhuo/protocol/api/names';

export const uuidPk: ModelAttributeColumnOptions = {
  type: DataTypes.STRING(36),
  primaryKey: true,
  defaultValue: DataTypes.UUIDV4,
};

export const baseOptions = { underscored: true, timestamps: true } as const;

/**
 * Hooks that keep `key` = nameKey(`source`) (NFKC + case fold) on every write: create, bulk create,
 * save and instance update, whichever service or import does it. The unique index is on `key`.
 */
export function nameKeyHooks<M extends Model>(source: keyof M & string, key: keyof M & string) {
  const fill = (row: M) => {
    const value = row.get(source);
    if (typeof value === 'string') row.set(key, nameKey(value) as never);
  };
  return { beforeSave: fill, beforeBulkCreate: (rows: M[]) => rows.forEach(fill) };
}

/** A second instance of a stored row, to change without touching the first. */
export function copyRow<M extends Model>(row: M): M {
  return (row.constructor as ModelStatic<M>).build(row.get({ plain: true }), { isNewRecord: false, raw: true });
}
