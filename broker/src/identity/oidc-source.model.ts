import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { OidcSourceSettings } from '@yunzhuo/protocol/api/oidc';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

/** An OpenID Connect provider that signs people in for a site (or the county, siteId null). */
export class OidcSource extends Model<InferAttributes<OidcSource>, InferCreationAttributes<OidcSource>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare siteId: string | null;
  declare enabled: boolean;
  declare settings: OidcSourceSettings;
  /** AES-256-GCM sealed (SecretBox); never presented */
  declare clientSecretEnc: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    OidcSource.init(
      {
        id: uuidPk,
        name: { type: DataTypes.STRING(200), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: true },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        settings: { type: DataTypes.JSON, allowNull: false },
        clientSecretEnc: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'oidc_sources' },
    );
  }
}

export type OidcLoginPurpose = 'console' | 'window' | 'ticket' | 'qr' | 'qr-scanned' | 'qr-done' | 'qr-redirect';
/** the rows whose key is a redirect's state (the callback may take only these) */
export const REDIRECT_PURPOSES: readonly OidcLoginPurpose[] = ['console', 'window', 'qr-redirect'];

/** One redirect to a provider under way: used once, by its state (stored as sha256). */
export class OidcLogin extends Model<InferAttributes<OidcLogin>, InferCreationAttributes<OidcLogin>> {
  declare stateHash: string;
  declare sourceId: string;
  declare nonce: string;
  declare codeVerifier: string;
  /**
   * console, window (a redirect under way for a terminal), or ticket (its answer, for the terminal to
   * redeem); 扫码登录 (oidc-qr.ts): qr (a code shown at a terminal), qr-scanned (a phone opened it),
   * qr-done (the phone signed in: `accountId` waits for the terminal's poll) and qr-redirect (the
   * phone's redirect under way; its `returnTo` is the code's row key, not a path)
   */
  declare purpose: OidcLoginPurpose;
  declare returnTo: string;
  declare terminalId: string | null;
  declare accountId: string | null;
  declare expiresAt: Date;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    OidcLogin.init(
      {
        stateHash: { type: DataTypes.STRING(64), primaryKey: true },
        sourceId: { type: DataTypes.STRING(36), allowNull: false },
        nonce: { type: DataTypes.STRING(100), allowNull: false },
        codeVerifier: { type: DataTypes.STRING(200), allowNull: false },
        purpose: { type: DataTypes.STRING(16), allowNull: false },
        returnTo: { type: DataTypes.STRING(400), allowNull: false },
        terminalId: { type: DataTypes.STRING(36), allowNull: true },
        accountId: { type: DataTypes.STRING(36), allowNull: true },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'oidc_logins', underscored: true, timestamps: false },
    );
  }
}
