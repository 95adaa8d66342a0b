import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { Role } from '@yunzhuo/protocol/api/common';
import { baseOptions, nameKeyHooks, uuidPk } from '../db/model-helpers.js';

export class Account extends Model<InferAttributes<Account>, InferCreationAttributes<Account>> {
  declare id: CreationOptional<string>;
  declare username: string;
  /** `nameKey(username)`, unique: set by the hooks on every write, never by hand */
  declare usernameKey: CreationOptional<string>;
  declare displayName: string;
  declare passwordHash: string;
  declare homeSiteId: string | null;
  declare roles: Role[];
  declare disabled: CreationOptional<boolean>;
  declare locked: CreationOptional<boolean>;
  declare lastLoginAt: Date | null;
  /** the identity source that vouches for this account (no usable local password), or null */
  declare identitySourceId: CreationOptional<string | null>;
  /** the account's entry in that source's directory */
  declare externalDn: CreationOptional<string | null>;
  /** a password someone else chose: its owner must replace it at the next console sign-in */
  declare mustChangePassword: CreationOptional<boolean>;
  /** TOTP secret, AES-256-GCM sealed; set at enrollment, in use once `totpEnabled` */
  declare totpSecretEnc: CreationOptional<string | null>;
  declare totpEnabled: CreationOptional<boolean>;
  /** the last 30-second step a code was accepted for: that code and older ones are refused */
  declare totpLastStep: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Account.init(
      {
        id: uuidPk,
        username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        usernameKey: { type: DataTypes.STRING(200), allowNull: true, unique: true },
        displayName: { type: DataTypes.STRING(200), allowNull: false },
        passwordHash: { type: DataTypes.STRING(300), allowNull: false },
        homeSiteId: { type: DataTypes.STRING(36), allowNull: true },
        roles: { type: DataTypes.JSON, allowNull: false },
        disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        locked: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        lastLoginAt: { type: DataTypes.DATE, allowNull: true },
        identitySourceId: { type: DataTypes.STRING(36), allowNull: true, defaultValue: null },
        externalDn: { type: DataTypes.STRING(500), allowNull: true, defaultValue: null },
        mustChangePassword: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        totpSecretEnc: { type: DataTypes.TEXT, allowNull: true, defaultValue: null },
        totpEnabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        totpLastStep: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      {
        ...baseOptions,
        sequelize,
        tableName: 'accounts',
        // every way an account is written (console, CSV import, first start) keeps the key in step
        hooks: nameKeyHooks<Account>('username', 'usernameKey'),
      },
    );
  }
}

export class AccountDepartment extends Model<InferAttributes<AccountDepartment>, InferCreationAttributes<AccountDepartment>> {
  declare accountId: string;
  declare departmentId: string;

  static initModel(sequelize: Sequelize): void {
    AccountDepartment.init(
      {
        accountId: { type: DataTypes.STRING(36), primaryKey: true },
        departmentId: { type: DataTypes.STRING(36), primaryKey: true },
      },
      { sequelize, tableName: 'account_departments', underscored: true, timestamps: false },
    );
  }
}

export class AccountPool extends Model<InferAttributes<AccountPool>, InferCreationAttributes<AccountPool>> {
  declare accountId: string;
  declare poolId: string;

  static initModel(sequelize: Sequelize): void {
    AccountPool.init(
      {
        accountId: { type: DataTypes.STRING(36), primaryKey: true },
        poolId: { type: DataTypes.STRING(36), primaryKey: true },
      },
      { sequelize, tableName: 'account_pools', underscored: true, timestamps: false },
    );
  }
}
