import type { MigrationInterface, QueryRunner } from 'typeorm';

// Generated with migration:generate, then trimmed to the intended statements
// (MariaDB makes TypeORM list spurious default-value ALTERs; see README).
export class Webhooks1795556229635 implements MigrationInterface {
  name = 'Webhooks1795556229635';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`webhook_endpoint\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`url\` varchar(2048) NOT NULL, \`description\` text NULL, \`events\` text NOT NULL, \`enabled\` tinyint NOT NULL DEFAULT 1, \`disabledReason\` varchar(200) NULL, \`createdByKeyId\` int NULL, \`secret\` varchar(128) NOT NULL, \`previousSecret\` varchar(128) NULL, \`previousSecretExpiresAt\` datetime(3) NULL, \`failingSince\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_e29aac9248333406ac505a1af0\` (\`accountId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`webhook_event\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`type\` varchar(64) NOT NULL, \`data\` text NOT NULL, \`occurredAt\` datetime(3) NOT NULL, INDEX \`IDX_fcb0565e671e33dcaae8a53d00\` (\`accountId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`webhook_delivery\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`eventId\` int NOT NULL, \`endpointId\` int NOT NULL, \`messageId\` varchar(64) NOT NULL, \`status\` varchar(16) NOT NULL, \`attempts\` int NOT NULL DEFAULT '0', \`nextAttemptAt\` datetime(3) NULL, \`lockedUntil\` datetime(3) NULL, \`lastStatusCode\` int NULL, \`lastError\` text NULL, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_17ce698080b418f5e4f8b42b39\` (\`accountId\`, \`id\`), INDEX \`IDX_11757a6dd601245536673b2dd9\` (\`accountId\`, \`endpointId\`, \`id\`), INDEX \`IDX_94782787f6d98f21d3cf247962\` (\`status\`, \`nextAttemptAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`webhook_attempt\` (\`id\` int NOT NULL AUTO_INCREMENT, \`deliveryId\` int NOT NULL, \`accountId\` int NOT NULL, \`at\` datetime(3) NOT NULL, \`statusCode\` int NULL, \`latencyMs\` int NOT NULL, \`succeeded\` tinyint NOT NULL, \`error\` text NULL, INDEX \`IDX_f44dd2136bf8c0dbf3f1604dc2\` (\`deliveryId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`webhook_delivery\` ADD CONSTRAINT \`FK_1ce7f4ca39804d09d0aaf9c96bb\` FOREIGN KEY (\`eventId\`) REFERENCES \`webhook_event\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`webhook_delivery\` ADD CONSTRAINT \`FK_aa80c1d0b71d372bd9d844ada20\` FOREIGN KEY (\`endpointId\`) REFERENCES \`webhook_endpoint\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`webhook_attempt\` ADD CONSTRAINT \`FK_4492f1e4aced9619843382a4991\` FOREIGN KEY (\`deliveryId\`) REFERENCES \`webhook_delivery\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`webhook_attempt\` DROP FOREIGN KEY \`FK_4492f1e4aced9619843382a4991\``);
    await queryRunner.query(`ALTER TABLE \`webhook_delivery\` DROP FOREIGN KEY \`FK_aa80c1d0b71d372bd9d844ada20\``);
    await queryRunner.query(`ALTER TABLE \`webhook_delivery\` DROP FOREIGN KEY \`FK_1ce7f4ca39804d09d0aaf9c96bb\``);
    await queryRunner.query(`DROP INDEX \`IDX_f44dd2136bf8c0dbf3f1604dc2\` ON \`webhook_attempt\``);
    await queryRunner.query(`DROP TABLE \`webhook_attempt\``);
    await queryRunner.query(`DROP INDEX \`IDX_94782787f6d98f21d3cf247962\` ON \`webhook_delivery\``);
    await queryRunner.query(`DROP INDEX \`IDX_11757a6dd601245536673b2dd9\` ON \`webhook_delivery\``);
    await queryRunner.query(`DROP INDEX \`IDX_17ce698080b418f5e4f8b42b39\` ON \`webhook_delivery\``);
    await queryRunner.query(`DROP TABLE \`webhook_delivery\``);
    await queryRunner.query(`DROP INDEX \`IDX_fcb0565e671e33dcaae8a53d00\` ON \`webhook_event\``);
    await queryRunner.query(`DROP TABLE \`webhook_event\``);
    await queryRunner.query(`DROP INDEX \`IDX_e29aac9248333406ac505a1af0\` ON \`webhook_endpoint\``);
    await queryRunner.query(`DROP TABLE \`webhook_endpoint\``);
  }
}
