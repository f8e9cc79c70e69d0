import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand (issue 9, scope usage): `migration:generate` copies the whole
// request_log table to add a nullable column, where SQLite's ADD COLUMN only
// rewrites the schema. Checked with `migration:generate --dryrun`: no changes.
// Rows logged before this keep `scopesUsed` NULL (not recorded), never `[]`.
export class ScopeUsage1795563052061 implements MigrationInterface {
  name = 'ScopeUsage1795563052061';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "request_log" ADD COLUMN "scopesUsed" text`);
    await queryRunner.query(`CREATE INDEX "IDX_3f6bf618e848f264a483142eb2" ON "request_log" ("apiKeyId", "at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_3f6bf618e848f264a483142eb2"`);
    await queryRunner.query(`ALTER TABLE "request_log" DROP COLUMN "scopesUsed"`);
  }
}
