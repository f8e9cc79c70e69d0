import type { MigrationInterface, QueryRunner } from 'typeorm';

// Generated with migration:generate, then trimmed to the intended statements
// (MariaDB makes TypeORM list spurious default-value ALTERs; see README).
export class KeyLifecycle1795554721993 implements MigrationInterface {
  name = 'KeyLifecycle1795554721993';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`audit_entry\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`actorKeyId\` int NULL, \`action\` varchar(40) NOT NULL, \`targetType\` varchar(40) NOT NULL, \`targetId\` int NOT NULL, \`changes\` text NOT NULL, \`at\` datetime(3) NOT NULL, INDEX \`IDX_f4ee4372dd7286ab73b56e7da2\` (\`accountId\`, \`id\`), INDEX \`IDX_eed77dffc841f1cbc9d9e2e521\` (\`accountId\`, \`actorKeyId\`, \`id\`), INDEX \`IDX_9786ecbcbc8ebde9f514f42849\` (\`accountId\`, \`targetType\`, \`targetId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`request_log\` (\`id\` int NOT NULL AUTO_INCREMENT, \`apiKeyId\` int NOT NULL, \`accountId\` int NOT NULL, \`at\` datetime(3) NOT NULL, \`operationName\` varchar(200) NULL, \`rootFields\` text NOT NULL, \`outcome\` varchar(40) NOT NULL, \`durationMs\` int NOT NULL, \`clientAddress\` varchar(45) NOT NULL, INDEX \`IDX_e61c9e2cdac30d738a03a7effe\` (\`at\`), INDEX \`IDX_500c12e2a634b5324df6c55c5c\` (\`apiKeyId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE UNIQUE INDEX \`IDX_1bb06ede32d682b492fc8fad3c\` ON \`api_key\` (\`accountId\`, \`name\`)`);
    await queryRunner.query(`ALTER TABLE \`request_log\` ADD CONSTRAINT \`FK_45318e958163f5d7be53c567841\` FOREIGN KEY (\`apiKeyId\`) REFERENCES \`api_key\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`request_log\` DROP FOREIGN KEY \`FK_45318e958163f5d7be53c567841\``);
    await queryRunner.query(`DROP INDEX \`IDX_1bb06ede32d682b492fc8fad3c\` ON \`api_key\``);
    await queryRunner.query(`DROP INDEX \`IDX_500c12e2a634b5324df6c55c5c\` ON \`request_log\``);
    await queryRunner.query(`DROP INDEX \`IDX_e61c9e2cdac30d738a03a7effe\` ON \`request_log\``);
    await queryRunner.query(`DROP TABLE \`request_log\``);
    await queryRunner.query(`DROP INDEX \`IDX_9786ecbcbc8ebde9f514f42849\` ON \`audit_entry\``);
    await queryRunner.query(`DROP INDEX \`IDX_eed77dffc841f1cbc9d9e2e521\` ON \`audit_entry\``);
    await queryRunner.query(`DROP INDEX \`IDX_f4ee4372dd7286ab73b56e7da2\` ON \`audit_entry\``);
    await queryRunner.query(`DROP TABLE \`audit_entry\``);
  }
}
