import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../../db/model-helpers.js';

/** Where and as whom pool actions log in over SSH. */
export class SshHost extends Model<InferAttributes<SshHost>, InferCreationAttributes<SshHost>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare siteId: string | null;
  declare host: string;
  declare port: number;
  declare username: string;
  /** AES-256-GCM sealed (SecretBox); never presented */
  declare privateKeyEnc: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SshHost.init(
      {
        id: uuidPk,
        name: { type: DataTypes.STRING(200), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: true },
        host: { type: DataTypes.STRING(255), allowNull: false },
        port: { type: DataTypes.INTEGER, allowNull: false },
        username: { type: DataTypes.STRING(64), allowNull: false },
        privateKeyEnc: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'ssh_hosts' },
    );
  }
}

/** The one host key an SSH endpoint may present; anything else is refused. */
export class SshKnownHost extends Model<InferAttributes<SshKnownHost>, InferCreationAttributes<SshKnownHost>> {
  declare id: CreationOptional<string>;
  declare host: string;
  declare port: number;
  declare fingerprint: string;
  declare source: 'first-use' | 'admin';
  declare pinnedAt: Date;

  static initModel(sequelize: Sequelize): void {
    SshKnownHost.init(
      {
        id: uuidPk,
        host: { type: DataTypes.STRING(255), allowNull: false },
        port: { type: DataTypes.INTEGER, allowNull: false },
        fingerprint: { type: DataTypes.STRING(64), allowNull: false },
        source: { type: DataTypes.STRING(16), allowNull: false },
        pinnedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'ssh_known_hosts', underscored: true, timestamps: false },
    );
  }
}
