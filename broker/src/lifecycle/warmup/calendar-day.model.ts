import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** A public holiday (no warm-up) or a make-up working day (调休: warm-up on a weekend), county-wide. */
export class CalendarDay extends Model<InferAttributes<CalendarDay>, InferCreationAttributes<CalendarDay>> {
  /** YYYY-MM-DD, a local date */
  declare date: string;
  declare kind: 'holiday' | 'workday';
  declare label: string | null;

  static initModel(sequelize: Sequelize): void {
    CalendarDay.init(
      {
        date: { type: DataTypes.STRING(10), primaryKey: true },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        label: { type: DataTypes.STRING(100), allowNull: true },
      },
      { sequelize, tableName: 'calendar_days', underscored: true, timestamps: false },
    );
  }
}
