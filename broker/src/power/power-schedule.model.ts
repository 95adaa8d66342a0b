import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

/** When a site's (or one area's) terminals are powered off at night and woken in the morning (migration 0019). */
export class PowerSchedule extends Model<InferAttributes<PowerSchedule>, InferCreationAttributes<PowerSchedule>> {
  declare id: CreationOptional<string>;
  declare siteId: string;
  declare area: string | null;
  declare enabled: CreationOptional<boolean>;
  /** `working-days`: the county calendar (weekends, holidays, 调休); `every-day` */
  declare days: CreationOptional<'working-days' | 'every-day'>;
  /** HH:MM in the hall's time zone; null: this step is not scheduled */
  declare powerOffAt: string | null;
  declare wakeAt: string | null;
  /** the local date (YYYY-MM-DD) each step last ran: one run per day, across brokers */
  declare lastPowerOffOn: CreationOptional<string | null>;
  declare lastWakeOn: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    PowerSchedule.init(
      {
        id: uuidPk,
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        area: { type: DataTypes.STRING(32), allowNull: true },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        days: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'working-days' },
        powerOffAt: { type: DataTypes.STRING(5), allowNull: true },
        wakeAt: { type: DataTypes.STRING(5), allowNull: true },
        lastPowerOffOn: { type: DataTypes.STRING(10), allowNull: true },
        lastWakeOn: { type: DataTypes.STRING(10), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'power_schedules' },
    );
  }
}
