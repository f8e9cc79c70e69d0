import { MigrationInterface, QueryRunner } from "typeorm";

export class Bookings1795553686957 implements MigrationInterface {
    name = 'Bookings1795553686957'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "customer" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "name" varchar(200) NOT NULL, "nameLower" varchar(200) NOT NULL, "email" varchar(254) NOT NULL, "emailLower" varchar(254) NOT NULL, "phone" varchar(40), "notes" text, "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_b37b4839058b5339a8887e2180" ON "customer" ("accountId", "emailLower") `);
        await queryRunner.query(`CREATE INDEX "IDX_4938265baf58a3db568781a00c" ON "customer" ("accountId", "id") `);
        await queryRunner.query(`CREATE TABLE "product" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "name" varchar(200) NOT NULL, "description" text, "priceCents" integer NOT NULL, "capacity" integer NOT NULL, "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_24e4d09a0f51b34f2e23ac5edc" ON "product" ("accountId", "id") `);
        await queryRunner.query(`CREATE TABLE "booking" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "reference" varchar(16) NOT NULL, "productId" integer NOT NULL, "customerId" integer, "startsAt" datetime(3) NOT NULL, "endsAt" datetime(3) NOT NULL, "quantity" integer NOT NULL, "status" varchar(16) NOT NULL, "totalCents" integer NOT NULL, "notes" text, "cancelledAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_9c1f687a19a8dff11b24a1501a" ON "booking" ("accountId", "startsAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_b4f43057f8aaaf706ab02af74d" ON "booking" ("productId", "status", "startsAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_f44a830b83a67620d9845ee669" ON "booking" ("customerId", "id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_3872429980f783cfbd43d7abaf" ON "booking" ("accountId", "reference") `);
        await queryRunner.query(`CREATE INDEX "IDX_2f306cfa90a7ba6a3a9da883e1" ON "booking" ("accountId", "id") `);
        await queryRunner.query(`DROP INDEX "IDX_9c1f687a19a8dff11b24a1501a"`);
        await queryRunner.query(`DROP INDEX "IDX_b4f43057f8aaaf706ab02af74d"`);
        await queryRunner.query(`DROP INDEX "IDX_f44a830b83a67620d9845ee669"`);
        await queryRunner.query(`DROP INDEX "IDX_3872429980f783cfbd43d7abaf"`);
        await queryRunner.query(`DROP INDEX "IDX_2f306cfa90a7ba6a3a9da883e1"`);
        await queryRunner.query(`CREATE TABLE "temporary_booking" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "reference" varchar(16) NOT NULL, "productId" integer NOT NULL, "customerId" integer, "startsAt" datetime(3) NOT NULL, "endsAt" datetime(3) NOT NULL, "quantity" integer NOT NULL, "status" varchar(16) NOT NULL, "totalCents" integer NOT NULL, "notes" text, "cancelledAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_d85fd05667b615b5268f3d5380d" FOREIGN KEY ("productId") REFERENCES "product" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_72e32d29a7de28b3c469f858d56" FOREIGN KEY ("customerId") REFERENCES "customer" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_booking"("id", "accountId", "reference", "productId", "customerId", "startsAt", "endsAt", "quantity", "status", "totalCents", "notes", "cancelledAt", "createdAt", "updatedAt") SELECT "id", "accountId", "reference", "productId", "customerId", "startsAt", "endsAt", "quantity", "status", "totalCents", "notes", "cancelledAt", "createdAt", "updatedAt" FROM "booking"`);
        await queryRunner.query(`DROP TABLE "booking"`);
        await queryRunner.query(`ALTER TABLE "temporary_booking" RENAME TO "booking"`);
        await queryRunner.query(`CREATE INDEX "IDX_9c1f687a19a8dff11b24a1501a" ON "booking" ("accountId", "startsAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_b4f43057f8aaaf706ab02af74d" ON "booking" ("productId", "status", "startsAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_f44a830b83a67620d9845ee669" ON "booking" ("customerId", "id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_3872429980f783cfbd43d7abaf" ON "booking" ("accountId", "reference") `);
        await queryRunner.query(`CREATE INDEX "IDX_2f306cfa90a7ba6a3a9da883e1" ON "booking" ("accountId", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_2f306cfa90a7ba6a3a9da883e1"`);
        await queryRunner.query(`DROP INDEX "IDX_3872429980f783cfbd43d7abaf"`);
        await queryRunner.query(`DROP INDEX "IDX_f44a830b83a67620d9845ee669"`);
        await queryRunner.query(`DROP INDEX "IDX_b4f43057f8aaaf706ab02af74d"`);
        await queryRunner.query(`DROP INDEX "IDX_9c1f687a19a8dff11b24a1501a"`);
        await queryRunner.query(`ALTER TABLE "booking" RENAME TO "temporary_booking"`);
        await queryRunner.query(`CREATE TABLE "booking" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "accountId" integer NOT NULL, "reference" varchar(16) NOT NULL, "productId" integer NOT NULL, "customerId" integer, "startsAt" datetime(3) NOT NULL, "endsAt" datetime(3) NOT NULL, "quantity" integer NOT NULL, "status" varchar(16) NOT NULL, "totalCents" integer NOT NULL, "notes" text, "cancelledAt" datetime(3), "createdAt" datetime(3) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(3) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "booking"("id", "accountId", "reference", "productId", "customerId", "startsAt", "endsAt", "quantity", "status", "totalCents", "notes", "cancelledAt", "createdAt", "updatedAt") SELECT "id", "accountId", "reference", "productId", "customerId", "startsAt", "endsAt", "quantity", "status", "totalCents", "notes", "cancelledAt", "createdAt", "updatedAt" FROM "temporary_booking"`);
        await queryRunner.query(`DROP TABLE "temporary_booking"`);
        await queryRunner.query(`CREATE INDEX "IDX_2f306cfa90a7ba6a3a9da883e1" ON "booking" ("accountId", "id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_3872429980f783cfbd43d7abaf" ON "booking" ("accountId", "reference") `);
        await queryRunner.query(`CREATE INDEX "IDX_f44a830b83a67620d9845ee669" ON "booking" ("customerId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_b4f43057f8aaaf706ab02af74d" ON "booking" ("productId", "status", "startsAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_9c1f687a19a8dff11b24a1501a" ON "booking" ("accountId", "startsAt") `);
        await queryRunner.query(`DROP INDEX "IDX_2f306cfa90a7ba6a3a9da883e1"`);
        await queryRunner.query(`DROP INDEX "IDX_3872429980f783cfbd43d7abaf"`);
        await queryRunner.query(`DROP INDEX "IDX_f44a830b83a67620d9845ee669"`);
        await queryRunner.query(`DROP INDEX "IDX_b4f43057f8aaaf706ab02af74d"`);
        await queryRunner.query(`DROP INDEX "IDX_9c1f687a19a8dff11b24a1501a"`);
        await queryRunner.query(`DROP TABLE "booking"`);
        await queryRunner.query(`DROP INDEX "IDX_24e4d09a0f51b34f2e23ac5edc"`);
        await queryRunner.query(`DROP TABLE "product"`);
        await queryRunner.query(`DROP INDEX "IDX_4938265baf58a3db568781a00c"`);
        await queryRunner.query(`DROP INDEX "IDX_b37b4839058b5339a8887e2180"`);
        await queryRunner.query(`DROP TABLE "customer"`);
    }

}
