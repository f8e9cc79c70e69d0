import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The locked, account-less policies every account sees. Shared by both
 * engines' migration lists because it only inserts rows.
 *
 * `Full access` is a DENY-mode policy with an empty list, i.e. "every non-admin
 * scope": it follows the catalog as scopes are added, without a new migration.
 * `Read only` lists its scopes because "every read" has no pattern.
 */
export const BUILT_IN_POLICIES = [
  { name: 'Full access', mode: 'DENY', scopes: [] as string[] },
  {
    name: 'Read only',
    mode: 'ALLOW',
    scopes: ['products:read', 'customers:read', 'bookings:read', 'reports:read', 'webhooks:read', 'webhooks.deliveries:read'],
  },
] as const;

export class BuiltInPolicies1795553190000 implements MigrationInterface {
  name = 'BuiltInPolicies1795553190000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const policy of BUILT_IN_POLICIES) {
      await queryRunner.manager
        .createQueryBuilder()
        .insert()
        .into('scope_policy')
        .values({ accountId: null, name: policy.name, mode: policy.mode, scopes: JSON.stringify(policy.scopes), builtIn: true })
        .execute();
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.manager.createQueryBuilder().delete().from('scope_policy').where('builtIn = :yes', { yes: true }).execute();
  }
}
