import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class AdminSession extends Model<InferAttributes<AdminSession>, InferCreationAttributes<AdminSession>> {
  declare tokenHash: string;
  declare accountId: string;
  declare csrfToken: string;
  declare expiresAt: Date;
  declare address: string | null;
  declare createdAt: Date;
  /** a session that may only finish a step first (an error code, e.g. TOTP_ENROLLMENT_REQUIRED); null = full */
  declare restriction: CreationOptional<string | null>;

  static initModel(sequelize: Sequelize): void {
    AdminSession.init(
      {
        tokenHash: { type: DataTypes.STRING(64), primaryKey: true },
        accountId: { type: DataTypes.STRING(36), allowNull: false },
        csrfToken: { type: DataTypes.STRING(64), allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        address: { type: DataTypes.STRING(100), allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        restriction: { type: DataTypes.STRING(40), allowNull: true, defaultValue: null },
      },
      { sequelize, tableName: 'admin_sessions', underscored: true, timestamps: false },
    );
  }
}
