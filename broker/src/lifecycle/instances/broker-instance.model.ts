import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** One broker process: its tunnels live only as long as it does. */
export class BrokerInstance extends Model<InferAttributes<BrokerInstance>, InferCreationAttributes<BrokerInstance>> {
  declare id: string;
  declare machine: string;
  declare pid: number;
  declare startedAt: Date;
  declare heartbeatAt: Date;
  declare heartbeatMs: number;
  declare stoppedAt: Date | null;

  static initModel(sequelize: Sequelize): void {
    BrokerInstance.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        machine: { type: DataTypes.STRING(255), allowNull: false },
        pid: { type: DataTypes.INTEGER, allowNull: false },
        startedAt: { type: DataTypes.DATE, allowNull: false },
        heartbeatAt: { type: DataTypes.DATE, allowNull: false },
        heartbeatMs: { type: DataTypes.INTEGER, allowNull: false },
        stoppedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'broker_instances', underscored: true, timestamps: false },
    );
  }
}
