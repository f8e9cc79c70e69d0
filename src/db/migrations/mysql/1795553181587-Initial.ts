import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795553181587 implements MigrationInterface {
    name = 'Initial1795553181587'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`account\` (\`id\` int NOT NULL AUTO_INCREMENT, \`slug\` varchar(64) NOT NULL, \`name\` varchar(200) NOT NULL, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`IDX_d4ab593c192bae26a6cf638633\` (\`slug\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`scope_policy\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NULL, \`name\` varchar(100) NOT NULL, \`mode\` varchar(8) NOT NULL, \`scopes\` text NOT NULL, \`builtIn\` tinyint NOT NULL DEFAULT 0, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX \`IDX_e00e83274d82df7d00e50c020b\` (\`accountId\`, \`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`api_key\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`name\` varchar(100) NOT NULL, \`type\` varchar(16) NOT NULL, \`prefix\` varchar(12) NOT NULL, \`scopes\` text NOT NULL, \`bundles\` text NOT NULL, \`expiresAt\` datetime(3) NULL, \`ipAllowlist\` text NULL, \`allowedOrigins\` text NULL, \`createdById\` int NULL, \`lastUsedAt\` datetime(3) NULL, \`revokedAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_e0b280fa3f7999cd9e1f7fc7db\` (\`accountId\`, \`createdAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`api_key_secret\` (\`id\` int NOT NULL AUTO_INCREMENT, \`apiKeyId\` int NOT NULL, \`keyHash\` varchar(64) NOT NULL, \`expiresAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX \`IDX_dde8a2f36f864b3ba63aaecc85\` (\`apiKeyId\`), UNIQUE INDEX \`IDX_faef3425803bd8b4d71cbe4880\` (\`keyHash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`api_key_policy\` (\`apiKeyId\` int NOT NULL, \`policyId\` int NOT NULL, INDEX \`IDX_cd1fad9ff1ae945cd687bcb3b8\` (\`apiKeyId\`), INDEX \`IDX_a736ee9781c99efc9835715025\` (\`policyId\`), PRIMARY KEY (\`apiKeyId\`, \`policyId\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`api_key\` ADD CONSTRAINT \`FK_4551b283dcaa2667f62d917d2b7\` FOREIGN KEY (\`accountId\`) REFERENCES \`account\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`api_key_secret\` ADD CONSTRAINT \`FK_dde8a2f36f864b3ba63aaecc850\` FOREIGN KEY (\`apiKeyId\`) REFERENCES \`api_key\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`api_key_policy\` ADD CONSTRAINT \`FK_cd1fad9ff1ae945cd687bcb3b8e\` FOREIGN KEY (\`apiKeyId\`) REFERENCES \`api_key\`(\`id\`) ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE \`api_key_policy\` ADD CONSTRAINT \`FK_a736ee9781c99efc98357150252\` FOREIGN KEY (\`policyId\`) REFERENCES \`scope_policy\`(\`id\`) ON DELETE CASCADE ON UPDATE CASCADE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`api_key_policy\` DROP FOREIGN KEY \`FK_a736ee9781c99efc98357150252\``);
        await queryRunner.query(`ALTER TABLE \`api_key_policy\` DROP FOREIGN KEY \`FK_cd1fad9ff1ae945cd687bcb3b8e\``);
        await queryRunner.query(`ALTER TABLE \`api_key_secret\` DROP FOREIGN KEY \`FK_dde8a2f36f864b3ba63aaecc850\``);
        await queryRunner.query(`ALTER TABLE \`api_key\` DROP FOREIGN KEY \`FK_4551b283dcaa2667f62d917d2b7\``);
        await queryRunner.query(`DROP INDEX \`IDX_a736ee9781c99efc9835715025\` ON \`api_key_policy\``);
        await queryRunner.query(`DROP INDEX \`IDX_cd1fad9ff1ae945cd687bcb3b8\` ON \`api_key_policy\``);
        await queryRunner.query(`DROP TABLE \`api_key_policy\``);
        await queryRunner.query(`DROP INDEX \`IDX_faef3425803bd8b4d71cbe4880\` ON \`api_key_secret\``);
        await queryRunner.query(`DROP INDEX \`IDX_dde8a2f36f864b3ba63aaecc85\` ON \`api_key_secret\``);
        await queryRunner.query(`DROP TABLE \`api_key_secret\``);
        await queryRunner.query(`DROP INDEX \`IDX_e0b280fa3f7999cd9e1f7fc7db\` ON \`api_key\``);
        await queryRunner.query(`DROP TABLE \`api_key\``);
        await queryRunner.query(`DROP INDEX \`IDX_e00e83274d82df7d00e50c020b\` ON \`scope_policy\``);
        await queryRunner.query(`DROP TABLE \`scope_policy\``);
        await queryRunner.query(`DROP INDEX \`IDX_d4ab593c192bae26a6cf638633\` ON \`account\``);
        await queryRunner.query(`DROP TABLE \`account\``);
    }

}
