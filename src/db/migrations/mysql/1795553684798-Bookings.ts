import { MigrationInterface, QueryRunner } from "typeorm";

export class Bookings1795553684798 implements MigrationInterface {
    name = 'Bookings1795553684798'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`customer\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`name\` varchar(200) NOT NULL, \`nameLower\` varchar(200) NOT NULL, \`email\` varchar(254) NOT NULL, \`emailLower\` varchar(254) NOT NULL, \`phone\` varchar(40) NULL, \`notes\` text NULL, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_b37b4839058b5339a8887e2180\` (\`accountId\`, \`emailLower\`), INDEX \`IDX_4938265baf58a3db568781a00c\` (\`accountId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`product\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`name\` varchar(200) NOT NULL, \`description\` text NULL, \`priceCents\` int NOT NULL, \`capacity\` int NOT NULL, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_24e4d09a0f51b34f2e23ac5edc\` (\`accountId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`booking\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`reference\` varchar(16) NOT NULL, \`productId\` int NOT NULL, \`customerId\` int NULL, \`startsAt\` datetime(3) NOT NULL, \`endsAt\` datetime(3) NOT NULL, \`quantity\` int NOT NULL, \`status\` varchar(16) NOT NULL, \`totalCents\` int NOT NULL, \`notes\` text NULL, \`cancelledAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_9c1f687a19a8dff11b24a1501a\` (\`accountId\`, \`startsAt\`), INDEX \`IDX_b4f43057f8aaaf706ab02af74d\` (\`productId\`, \`status\`, \`startsAt\`), INDEX \`IDX_f44a830b83a67620d9845ee669\` (\`customerId\`, \`id\`), UNIQUE INDEX \`IDX_3872429980f783cfbd43d7abaf\` (\`accountId\`, \`reference\`), INDEX \`IDX_2f306cfa90a7ba6a3a9da883e1\` (\`accountId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`booking\` ADD CONSTRAINT \`FK_d85fd05667b615b5268f3d5380d\` FOREIGN KEY (\`productId\`) REFERENCES \`product\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`booking\` ADD CONSTRAINT \`FK_72e32d29a7de28b3c469f858d56\` FOREIGN KEY (\`customerId\`) REFERENCES \`customer\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`booking\` DROP FOREIGN KEY \`FK_72e32d29a7de28b3c469f858d56\``);
        await queryRunner.query(`ALTER TABLE \`booking\` DROP FOREIGN KEY \`FK_d85fd05667b615b5268f3d5380d\``);
        await queryRunner.query(`DROP INDEX \`IDX_2f306cfa90a7ba6a3a9da883e1\` ON \`booking\``);
        await queryRunner.query(`DROP INDEX \`IDX_3872429980f783cfbd43d7abaf\` ON \`booking\``);
        await queryRunner.query(`DROP INDEX \`IDX_f44a830b83a67620d9845ee669\` ON \`booking\``);
        await queryRunner.query(`DROP INDEX \`IDX_b4f43057f8aaaf706ab02af74d\` ON \`booking\``);
        await queryRunner.query(`DROP INDEX \`IDX_9c1f687a19a8dff11b24a1501a\` ON \`booking\``);
        await queryRunner.query(`DROP TABLE \`booking\``);
        await queryRunner.query(`DROP INDEX \`IDX_24e4d09a0f51b34f2e23ac5edc\` ON \`product\``);
        await queryRunner.query(`DROP TABLE \`product\``);
        await queryRunner.query(`DROP INDEX \`IDX_4938265baf58a3db568781a00c\` ON \`customer\``);
        await queryRunner.query(`DROP INDEX \`IDX_b37b4839058b5339a8887e2180\` ON \`customer\``);
        await queryRunner.query(`DROP TABLE \`customer\``);
    }

}
