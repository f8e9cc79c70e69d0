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
        // The list itself: 'scope_policy' resolves to the entity, whose simple-json column encodes it.
        .values({ accountId: null, name: policy.name, mode: policy.mode, scopes: [...policy.scopes], builtIn: true })
        .execute();
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.manager.createQueryBuilder().delete().from('scope_policy').where('builtIn = :yes', { yes: true }).execute();
  }
}

/**
 * The first version of BuiltInPolicies encoded the scope lists twice (a JSON
 * string inside the simple-json column), so `Read only` granted nothing and
 * listing built-ins failed. Rewrites them on databases that ran it; a no-op
 * on the rest. Plain SQL that both engines read the same way.
 */
export class BuiltInPolicyScopes1795560000000 implements MigrationInterface {
  name = 'BuiltInPolicyScopes1795560000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const policy of BUILT_IN_POLICIES) {
      await queryRunner.query('UPDATE scope_policy SET scopes = ? WHERE builtIn = 1 AND accountId IS NULL AND name = ?', [
        JSON.stringify(policy.scopes),
        policy.name,
      ]);
    }
  }

  async down(): Promise<void> {
    // Nothing to undo: the rows were wrong before.
  }
}
