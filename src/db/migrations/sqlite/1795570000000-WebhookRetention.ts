import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand (webhook retention): an index on an event's deliveries, which
// ON DELETE CASCADE needs when retention deletes old events (SQLite makes none
// for a foreign key). Checked with `migration:generate --dryrun`: no changes.
export class WebhookRetention1795570000000 implements MigrationInterface {
  name = 'WebhookRetention1795570000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_1615e0a2977534a2e5dd192783" ON "webhook_delivery" ("eventId", "status") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_1615e0a2977534a2e5dd192783"`);
  }
}
