import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795553182845 implements MigrationInterface {
    name = 'Initial1795553182845'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "account" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "slug" varchar(64) NOT NULL, "name" varchar(200) NOT NULL, "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_d4ab593c192bae26a6cf6386332" UNIQUE ("slug"))`);
        await queryRunner.query(`CREATE TABLE "scope_policy" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer, "name" varchar(100) NOT NULL, "mode" varchar(8) NOT NULL, "scopes" text NOT NULL, "builtIn" boolean NOT NULL DEFAULT (0), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_e00e83274d82df7d00e50c020b" ON "scope_policy" ("accountId", "name") `);
        await queryRunner.query(`CREATE TABLE "api_key" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "name" varchar(100) NOT NULL, "type" varchar(16) NOT NULL, "prefix" varchar(12) NOT NULL, "scopes" text NOT NULL, "bundles" text NOT NULL, "expiresAt" datetime(3), "ipAllowlist" text, "allowedOrigins" text, "createdById" integer, "lastUsedAt" datetime(3), "revokedAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_e0b280fa3f7999cd9e1f7fc7db" ON "api_key" ("accountId", "createdAt") `);
        await queryRunner.query(`CREATE TABLE "api_key_secret" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "apiKeyId" integer NOT NULL, "keyHash" varchar(64) NOT NULL, "expiresAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_faef3425803bd8b4d71cbe48806" UNIQUE ("keyHash"))`);
        await queryRunner.query(`CREATE INDEX "IDX_dde8a2f36f864b3ba63aaecc85" ON "api_key_secret" ("apiKeyId") `);
        await queryRunner.query(`CREATE TABLE "api_key_policy" ("apiKeyId" integer NOT NULL, "policyId" integer NOT NULL, PRIMARY KEY ("apiKeyId", "policyId"))`);
        await queryRunner.query(`CREATE INDEX "IDX_cd1fad9ff1ae945cd687bcb3b8" ON "api_key_policy" ("apiKeyId") `);
        await queryRunner.query(`CREATE INDEX "IDX_a736ee9781c99efc9835715025" ON "api_key_policy" ("policyId") `);
        await queryRunner.query(`DROP INDEX "IDX_e0b280fa3f7999cd9e1f7fc7db"`);
        await queryRunner.query(`CREATE TABLE "temporary_api_key" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "name" varchar(100) NOT NULL, "type" varchar(16) NOT NULL, "prefix" varchar(12) NOT NULL, "scopes" text NOT NULL, "bundles" text NOT NULL, "expiresAt" datetime(3), "ipAllowlist" text, "allowedOrigins" text, "createdById" integer, "lastUsedAt" datetime(3), "revokedAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_4551b283dcaa2667f62d917d2b7" FOREIGN KEY ("accountId") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_api_key"("id", "accountId", "name", "type", "prefix", "scopes", "bundles", "expiresAt", "ipAllowlist", "allowedOrigins", "createdById", "lastUsedAt", "revokedAt", "createdAt", "updatedAt") SELECT "id", "accountId", "name", "type", "prefix", "scopes", "bundles", "expiresAt", "ipAllowlist", "allowedOrigins", "createdById", "lastUsedAt", "revokedAt", "createdAt", "updatedAt" FROM "api_key"`);
        await queryRunner.query(`DROP TABLE "api_key"`);
        await queryRunner.query(`ALTER TABLE "temporary_api_key" RENAME TO "api_key"`);
        await queryRunner.query(`CREATE INDEX "IDX_e0b280fa3f7999cd9e1f7fc7db" ON "api_key" ("accountId", "createdAt") `);
        await queryRunner.query(`DROP INDEX "IDX_dde8a2f36f864b3ba63aaecc85"`);
        await queryRunner.query(`CREATE TABLE "temporary_api_key_secret" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "apiKeyId" integer NOT NULL, "keyHash" varchar(64) NOT NULL, "expiresAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_faef3425803bd8b4d71cbe48806" UNIQUE ("keyHash"), CONSTRAINT "FK_dde8a2f36f864b3ba63aaecc850" FOREIGN KEY ("apiKeyId") REFERENCES "api_key" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_api_key_secret"("id", "apiKeyId", "keyHash", "expiresAt", "createdAt") SELECT "id", "apiKeyId", "keyHash", "expiresAt", "createdAt" FROM "api_key_secret"`);
        await queryRunner.query(`DROP TABLE "api_key_secret"`);
        await queryRunner.query(`ALTER TABLE "temporary_api_key_secret" RENAME TO "api_key_secret"`);
        await queryRunner.query(`CREATE INDEX "IDX_dde8a2f36f864b3ba63aaecc85" ON "api_key_secret" ("apiKeyId") `);
        await queryRunner.query(`DROP INDEX "IDX_cd1fad9ff1ae945cd687bcb3b8"`);
        await queryRunner.query(`DROP INDEX "IDX_a736ee9781c99efc9835715025"`);
        await queryRunner.query(`CREATE TABLE "temporary_api_key_policy" ("apiKeyId" integer NOT NULL, "policyId" integer NOT NULL, CONSTRAINT "FK_cd1fad9ff1ae945cd687bcb3b8e" FOREIGN KEY ("apiKeyId") REFERENCES "api_key" ("id") ON DELETE CASCADE ON UPDATE CASCADE, CONSTRAINT "FK_a736ee9781c99efc98357150252" FOREIGN KEY ("policyId") REFERENCES "scope_policy" ("id") ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY KEY ("apiKeyId", "policyId"))`);
        await queryRunner.query(`INSERT INTO "temporary_api_key_policy"("apiKeyId", "policyId") SELECT "apiKeyId", "policyId" FROM "api_key_policy"`);
        await queryRunner.query(`DROP TABLE "api_key_policy"`);
        await queryRunner.query(`ALTER TABLE "temporary_api_key_policy" RENAME TO "api_key_policy"`);
        await queryRunner.query(`CREATE INDEX "IDX_cd1fad9ff1ae945cd687bcb3b8" ON "api_key_policy" ("apiKeyId") `);
        await queryRunner.query(`CREATE INDEX "IDX_a736ee9781c99efc9835715025" ON "api_key_policy" ("policyId") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_a736ee9781c99efc9835715025"`);
        await queryRunner.query(`DROP INDEX "IDX_cd1fad9ff1ae945cd687bcb3b8"`);
        await queryRunner.query(`ALTER TABLE "api_key_policy" RENAME TO "temporary_api_key_policy"`);
        await queryRunner.query(`CREATE TABLE "api_key_policy" ("apiKeyId" integer NOT NULL, "policyId" integer NOT NULL, PRIMARY KEY ("apiKeyId", "policyId"))`);
        await queryRunner.query(`INSERT INTO "api_key_policy"("apiKeyId", "policyId") SELECT "apiKeyId", "policyId" FROM "temporary_api_key_policy"`);
        await queryRunner.query(`DROP TABLE "temporary_api_key_policy"`);
        await queryRunner.query(`CREATE INDEX "IDX_a736ee9781c99efc9835715025" ON "api_key_policy" ("policyId") `);
        await queryRunner.query(`CREATE INDEX "IDX_cd1fad9ff1ae945cd687bcb3b8" ON "api_key_policy" ("apiKeyId") `);
        await queryRunner.query(`DROP INDEX "IDX_dde8a2f36f864b3ba63aaecc85"`);
        await queryRunner.query(`ALTER TABLE "api_key_secret" RENAME TO "temporary_api_key_secret"`);
        await queryRunner.query(`CREATE TABLE "api_key_secret" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "apiKeyId" integer NOT NULL, "keyHash" varchar(64) NOT NULL, "expiresAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_faef3425803bd8b4d71cbe48806" UNIQUE ("keyHash"))`);
        await queryRunner.query(`INSERT INTO "api_key_secret"("id", "apiKeyId", "keyHash", "expiresAt", "createdAt") SELECT "id", "apiKeyId", "keyHash", "expiresAt", "createdAt" FROM "temporary_api_key_secret"`);
        await queryRunner.query(`DROP TABLE "temporary_api_key_secret"`);
        await queryRunner.query(`CREATE INDEX "IDX_dde8a2f36f864b3ba63aaecc85" ON "api_key_secret" ("apiKeyId") `);
        await queryRunner.query(`DROP INDEX "IDX_e0b280fa3f7999cd9e1f7fc7db"`);
        await queryRunner.query(`ALTER TABLE "api_key" RENAME TO "temporary_api_key"`);
        await queryRunner.query(`CREATE TABLE "api_key" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "name" varchar(100) NOT NULL, "type" varchar(16) NOT NULL, "prefix" varchar(12) NOT NULL, "scopes" text NOT NULL, "bundles" text NOT NULL, "expiresAt" datetime(3), "ipAllowlist" text, "allowedOrigins" text, "createdById" integer, "lastUsedAt" datetime(3), "revokedAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "api_key"("id", "accountId", "name", "type", "prefix", "scopes", "bundles", "expiresAt", "ipAllowlist", "allowedOrigins", "createdById", "lastUsedAt", "revokedAt", "createdAt", "updatedAt") SELECT "id", "accountId", "name", "type", "prefix", "scopes", "bundles", "expiresAt", "ipAllowlist", "allowedOrigins", "createdById", "lastUsedAt", "revokedAt", "createdAt", "updatedAt" FROM "temporary_api_key"`);
        await queryRunner.query(`DROP TABLE "temporary_api_key"`);
        await queryRunner.query(`CREATE INDEX "IDX_e0b280fa3f7999cd9e1f7fc7db" ON "api_key" ("accountId", "createdAt") `);
        await queryRunner.query(`DROP INDEX "IDX_a736ee9781c99efc9835715025"`);
        await queryRunner.query(`DROP INDEX "IDX_cd1fad9ff1ae945cd687bcb3b8"`);
        await queryRunner.query(`DROP TABLE "api_key_policy"`);
        await queryRunner.query(`DROP INDEX "IDX_dde8a2f36f864b3ba63aaecc85"`);
        await queryRunner.query(`DROP TABLE "api_key_secret"`);
        await queryRunner.query(`DROP INDEX "IDX_e0b280fa3f7999cd9e1f7fc7db"`);
        await queryRunner.query(`DROP TABLE "api_key"`);
        await queryRunner.query(`DROP INDEX "IDX_e00e83274d82df7d00e50c020b"`);
        await queryRunner.query(`DROP TABLE "scope_policy"`);
        await queryRunner.query(`DROP TABLE "account"`);
    }

}
