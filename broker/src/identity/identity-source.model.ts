import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { IdentitySourceSettings } from '@yunzhuo/protocol/api/identity';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

/** An LDAP / AD directory that vouches for the accounts of a site (or of the county, siteId null). */
export class IdentitySource extends Model<InferAttributes<IdentitySource>, InferCreationAttributes<IdentitySource>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare siteId: string | null;
  declare kind: CreationOptional<string>;
  declare enabled: boolean;
  declare settings: IdentitySourceSettings;
  /** the service account's password, AES-256-GCM sealed (SecretBox); never presented */
  declare servicePasswordEnc: string | null;
  declare lastSyncAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    IdentitySource.init(
      {
        id: uuidPk,
        name: { type: DataTypes.STRING(200), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: true },
        kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'ldap' },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        settings: { type: DataTypes.JSON, allowNull: false },
        servicePasswordEnc: { type: DataTypes.TEXT, allowNull: true },
        lastSyncAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'identity_sources' },
    );
  }
}
