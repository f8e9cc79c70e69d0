import { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1795556219573 implements MigrationInterface {
    name = 'Webhooks1795556219573'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "webhook_endpoint" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "url" varchar(2048) NOT NULL, "description" text, "events" text NOT NULL, "enabled" boolean NOT NULL DEFAULT (1), "disabledReason" varchar(200), "createdByKeyId" integer, "secret" varchar(128) NOT NULL, "previousSecret" varchar(128), "previousSecretExpiresAt" datetime(3), "failingSince" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_e29aac9248333406ac505a1af0" ON "webhook_endpoint" ("accountId", "id") `);
        await queryRunner.query(`CREATE TABLE "webhook_event" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "type" varchar(64) NOT NULL, "data" text NOT NULL, "occurredAt" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_fcb0565e671e33dcaae8a53d00" ON "webhook_event" ("accountId", "id") `);
        await queryRunner.query(`CREATE TABLE "webhook_delivery" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "eventId" integer NOT NULL, "endpointId" integer NOT NULL, "messageId" varchar(64) NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "nextAttemptAt" datetime(3), "lockedUntil" datetime(3), "lastStatusCode" integer, "lastError" text, "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_17ce698080b418f5e4f8b42b39" ON "webhook_delivery" ("accountId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_11757a6dd601245536673b2dd9" ON "webhook_delivery" ("accountId", "endpointId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_94782787f6d98f21d3cf247962" ON "webhook_delivery" ("status", "nextAttemptAt") `);
        await queryRunner.query(`CREATE TABLE "webhook_attempt" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "deliveryId" integer NOT NULL, "accountId" integer NOT NULL, "at" datetime(3) NOT NULL, "statusCode" integer, "latencyMs" integer NOT NULL, "succeeded" boolean NOT NULL, "error" text)`);
        await queryRunner.query(`CREATE INDEX "IDX_f44dd2136bf8c0dbf3f1604dc2" ON "webhook_attempt" ("deliveryId", "id") `);
        await queryRunner.query(`DROP INDEX "IDX_17ce698080b418f5e4f8b42b39"`);
        await queryRunner.query(`DROP INDEX "IDX_11757a6dd601245536673b2dd9"`);
        await queryRunner.query(`DROP INDEX "IDX_94782787f6d98f21d3cf247962"`);
        await queryRunner.query(`CREATE TABLE "temporary_webhook_delivery" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "eventId" integer NOT NULL, "endpointId" integer NOT NULL, "messageId" varchar(64) NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "nextAttemptAt" datetime(3), "lockedUntil" datetime(3), "lastStatusCode" integer, "lastError" text, "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_1ce7f4ca39804d09d0aaf9c96bb" FOREIGN KEY ("eventId") REFERENCES "webhook_event" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_aa80c1d0b71d372bd9d844ada20" FOREIGN KEY ("endpointId") REFERENCES "webhook_endpoint" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_webhook_delivery"("id", "accountId", "eventId", "endpointId", "messageId", "status", "attempts", "nextAttemptAt", "lockedUntil", "lastStatusCode", "lastError", "createdAt", "updatedAt") SELECT "id", "accountId", "eventId", "endpointId", "messageId", "status", "attempts", "nextAttemptAt", "lockedUntil", "lastStatusCode", "lastError", "createdAt", "updatedAt" FROM "webhook_delivery"`);
        await queryRunner.query(`DROP TABLE "webhook_delivery"`);
        await queryRunner.query(`ALTER TABLE "temporary_webhook_delivery" RENAME TO "webhook_delivery"`);
        await queryRunner.query(`CREATE INDEX "IDX_17ce698080b418f5e4f8b42b39" ON "webhook_delivery" ("accountId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_11757a6dd601245536673b2dd9" ON "webhook_delivery" ("accountId", "endpointId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_94782787f6d98f21d3cf247962" ON "webhook_delivery" ("status", "nextAttemptAt") `);
        await queryRunner.query(`DROP INDEX "IDX_f44dd2136bf8c0dbf3f1604dc2"`);
        await queryRunner.query(`CREATE TABLE "temporary_webhook_attempt" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "deliveryId" integer NOT NULL, "accountId" integer NOT NULL, "at" datetime(3) NOT NULL, "statusCode" integer, "latencyMs" integer NOT NULL, "succeeded" boolean NOT NULL, "error" text, CONSTRAINT "FK_4492f1e4aced9619843382a4991" FOREIGN KEY ("deliveryId") REFERENCES "webhook_delivery" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_webhook_attempt"("id", "deliveryId", "accountId", "at", "statusCode", "latencyMs", "succeeded", "error") SELECT "id", "deliveryId", "accountId", "at", "statusCode", "latencyMs", "succeeded", "error" FROM "webhook_attempt"`);
        await queryRunner.query(`DROP TABLE "webhook_attempt"`);
        await queryRunner.query(`ALTER TABLE "temporary_webhook_attempt" RENAME TO "webhook_attempt"`);
        await queryRunner.query(`CREATE INDEX "IDX_f44dd2136bf8c0dbf3f1604dc2" ON "webhook_attempt" ("deliveryId", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_f44dd2136bf8c0dbf3f1604dc2"`);
        await queryRunner.query(`ALTER TABLE "webhook_attempt" RENAME TO "temporary_webhook_attempt"`);
        await queryRunner.query(`CREATE TABLE "webhook_attempt" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "deliveryId" integer NOT NULL, "accountId" integer NOT NULL, "at" datetime(3) NOT NULL, "statusCode" integer, "latencyMs" integer NOT NULL, "succeeded" boolean NOT NULL, "error" text)`);
        await queryRunner.query(`INSERT INTO "webhook_attempt"("id", "deliveryId", "accountId", "at", "statusCode", "latencyMs", "succeeded", "error") SELECT "id", "deliveryId", "accountId", "at", "statusCode", "latencyMs", "succeeded", "error" FROM "temporary_webhook_attempt"`);
        await queryRunner.query(`DROP TABLE "temporary_webhook_attempt"`);
        await queryRunner.query(`CREATE INDEX "IDX_f44dd2136bf8c0dbf3f1604dc2" ON "webhook_attempt" ("deliveryId", "id") `);
        await queryRunner.query(`DROP INDEX "IDX_94782787f6d98f21d3cf247962"`);
        await queryRunner.query(`DROP INDEX "IDX_11757a6dd601245536673b2dd9"`);
        await queryRunner.query(`DROP INDEX "IDX_17ce698080b418f5e4f8b42b39"`);
        await queryRunner.query(`ALTER TABLE "webhook_delivery" RENAME TO "temporary_webhook_delivery"`);
        await queryRunner.query(`CREATE TABLE "webhook_delivery" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "eventId" integer NOT NULL, "endpointId" integer NOT NULL, "messageId" varchar(64) NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "nextAttemptAt" datetime(3), "lockedUntil" datetime(3), "lastStatusCode" integer, "lastError" text, "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "webhook_delivery"("id", "accountId", "eventId", "endpointId", "messageId", "status", "attempts", "nextAttemptAt", "lockedUntil", "lastStatusCode", "lastError", "createdAt", "updatedAt") SELECT "id", "accountId", "eventId", "endpointId", "messageId", "status", "attempts", "nextAttemptAt", "lockedUntil", "lastStatusCode", "lastError", "createdAt", "updatedAt" FROM "temporary_webhook_delivery"`);
        await queryRunner.query(`DROP TABLE "temporary_webhook_delivery"`);
        await queryRunner.query(`CREATE INDEX "IDX_94782787f6d98f21d3cf247962" ON "webhook_delivery" ("status", "nextAttemptAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_11757a6dd601245536673b2dd9" ON "webhook_delivery" ("accountId", "endpointId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_17ce698080b418f5e4f8b42b39" ON "webhook_delivery" ("accountId", "id") `);
        await queryRunner.query(`DROP INDEX "IDX_f44dd2136bf8c0dbf3f1604dc2"`);
        await queryRunner.query(`DROP TABLE "webhook_attempt"`);
        await queryRunner.query(`DROP INDEX "IDX_94782787f6d98f21d3cf247962"`);
        await queryRunner.query(`DROP INDEX "IDX_11757a6dd601245536673b2dd9"`);
        await queryRunner.query(`DROP INDEX "IDX_17ce698080b418f5e4f8b42b39"`);
        await queryRunner.query(`DROP TABLE "webhook_delivery"`);
        await queryRunner.query(`DROP INDEX "IDX_fcb0565e671e33dcaae8a53d00"`);
        await queryRunner.query(`DROP TABLE "webhook_event"`);
        await queryRunner.query(`DROP INDEX "IDX_e29aac9248333406ac505a1af0"`);
        await queryRunner.query(`DROP TABLE "webhook_endpoint"`);
    }

}
