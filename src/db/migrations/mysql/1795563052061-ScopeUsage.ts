import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand (issue 9, scope usage), as `migration:generate` against
// MariaDB also lists spurious ALTERs (see README). A nullable TEXT column with
// no default: MySQL 8 refuses a literal default on TEXT, and adding it at the
// end is an instant change on MySQL 8 and MariaDB 10.3+, so a large request_log
// is not rewritten. Rows logged before this keep NULL (not recorded), never `[]`.
export class ScopeUsage1795563052061 implements MigrationInterface {
  name = 'ScopeUsage1795563052061';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`request_log\` ADD \`scopesUsed\` text NULL`);
    await queryRunner.query(`CREATE INDEX \`IDX_3f6bf618e848f264a483142eb2\` ON \`request_log\` (\`apiKeyId\`, \`at\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_3f6bf618e848f264a483142eb2\` ON \`request_log\``);
    await queryRunner.query(`ALTER TABLE \`request_log\` DROP COLUMN \`scopesUsed\``);
  }
}
