import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand (webhook retention): retention asks whether any of an old
// event's deliveries is still pending, by (eventId, status). Checked with
// `migration:generate --dryrun`: no changes.
export class WebhookRetention1795570000000 implements MigrationInterface {
  name = 'WebhookRetention1795570000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`IDX_1615e0a2977534a2e5dd192783\` ON \`webhook_delivery\` (\`eventId\`, \`status\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_1615e0a2977534a2e5dd192783\` ON \`webhook_delivery\``);
  }
}
