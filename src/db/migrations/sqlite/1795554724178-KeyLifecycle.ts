import { MigrationInterface, QueryRunner } from "typeorm";

export class KeyLifecycle1795554724178 implements MigrationInterface {
    name = 'KeyLifecycle1795554724178'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_entry" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "actorKeyId" integer, "action" varchar(40) NOT NULL, "targetType" varchar(40) NOT NULL, "targetId" integer NOT NULL, "changes" text NOT NULL, "at" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_f4ee4372dd7286ab73b56e7da2" ON "audit_entry" ("accountId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_eed77dffc841f1cbc9d9e2e521" ON "audit_entry" ("accountId", "actorKeyId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_9786ecbcbc8ebde9f514f42849" ON "audit_entry" ("accountId", "targetType", "targetId", "id") `);
        await queryRunner.query(`CREATE TABLE "request_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "apiKeyId" integer NOT NULL, "accountId" integer NOT NULL, "at" datetime(3) NOT NULL, "operationName" varchar(200), "rootFields" text NOT NULL, "outcome" varchar(40) NOT NULL, "durationMs" integer NOT NULL, "clientAddress" varchar(45) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_e61c9e2cdac30d738a03a7effe" ON "request_log" ("at") `);
        await queryRunner.query(`CREATE INDEX "IDX_500c12e2a634b5324df6c55c5c" ON "request_log" ("apiKeyId", "id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_1bb06ede32d682b492fc8fad3c" ON "api_key" ("accountId", "name") `);
        await queryRunner.query(`DROP INDEX "IDX_e61c9e2cdac30d738a03a7effe"`);
        await queryRunner.query(`DROP INDEX "IDX_500c12e2a634b5324df6c55c5c"`);
        await queryRunner.query(`CREATE TABLE "temporary_request_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "apiKeyId" integer NOT NULL, "accountId" integer NOT NULL, "at" datetime(3) NOT NULL, "operationName" varchar(200), "rootFields" text NOT NULL, "outcome" varchar(40) NOT NULL, "durationMs" integer NOT NULL, "clientAddress" varchar(45) NOT NULL, CONSTRAINT "FK_45318e958163f5d7be53c567841" FOREIGN KEY ("apiKeyId") REFERENCES "api_key" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_request_log"("id", "apiKeyId", "accountId", "at", "operationName", "rootFields", "outcome", "durationMs", "clientAddress") SELECT "id", "apiKeyId", "accountId", "at", "operationName", "rootFields", "outcome", "durationMs", "clientAddress" FROM "request_log"`);
        await queryRunner.query(`DROP TABLE "request_log"`);
        await queryRunner.query(`ALTER TABLE "temporary_request_log" RENAME TO "request_log"`);
        await queryRunner.query(`CREATE INDEX "IDX_e61c9e2cdac30d738a03a7effe" ON "request_log" ("at") `);
        await queryRunner.query(`CREATE INDEX "IDX_500c12e2a634b5324df6c55c5c" ON "request_log" ("apiKeyId", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_500c12e2a634b5324df6c55c5c"`);
        await queryRunner.query(`DROP INDEX "IDX_e61c9e2cdac30d738a03a7effe"`);
        await queryRunner.query(`ALTER TABLE "request_log" RENAME TO "temporary_request_log"`);
        await queryRunner.query(`CREATE TABLE "request_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "apiKeyId" integer NOT NULL, "accountId" integer NOT NULL, "at" datetime(3) NOT NULL, "operationName" varchar(200), "rootFields" text NOT NULL, "outcome" varchar(40) NOT NULL, "durationMs" integer NOT NULL, "clientAddress" varchar(45) NOT NULL)`);
        await queryRunner.query(`INSERT INTO "request_log"("id", "apiKeyId", "accountId", "at", "operationName", "rootFields", "outcome", "durationMs", "clientAddress") SELECT "id", "apiKeyId", "accountId", "at", "operationName", "rootFields", "outcome", "durationMs", "clientAddress" FROM "temporary_request_log"`);
        await queryRunner.query(`DROP TABLE "temporary_request_log"`);
        await queryRunner.query(`CREATE INDEX "IDX_500c12e2a634b5324df6c55c5c" ON "request_log" ("apiKeyId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_e61c9e2cdac30d738a03a7effe" ON "request_log" ("at") `);
        await queryRunner.query(`DROP INDEX "IDX_1bb06ede32d682b492fc8fad3c"`);
        await queryRunner.query(`DROP INDEX "IDX_500c12e2a634b5324df6c55c5c"`);
        await queryRunner.query(`DROP INDEX "IDX_e61c9e2cdac30d738a03a7effe"`);
        await queryRunner.query(`DROP TABLE "request_log"`);
        await queryRunner.query(`DROP INDEX "IDX_9786ecbcbc8ebde9f514f42849"`);
        await queryRunner.query(`DROP INDEX "IDX_eed77dffc841f1cbc9d9e2e521"`);
        await queryRunner.query(`DROP INDEX "IDX_f4ee4372dd7286ab73b56e7da2"`);
        await queryRunner.query(`DROP TABLE "audit_entry"`);
    }

}
