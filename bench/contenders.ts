/**
 * Everything the in-process benchmark compares: (a), (b), (c) and the peers,
 * each with the key it runs with and how to build it over the fixture. A
 * contender builds only its own schema, so a process timing it holds nothing
 * of the others.
 */
import type { Fixture, KeyName } from './fixture';
import { envelopRunner, naiveRunner, shieldRunner } from './peers';
import { noAuthorization, scopeql, type Runner } from './variants';

export interface Contender {
  readonly id: string;
  readonly label: string;
  readonly key: KeyName;
  readonly build: (fixture: Fixture) => Runner;
}

export const CONTENDERS: readonly Contender[] = [
  { id: 'a', label: '(a) no authorization', key: 'allowed', build: (f) => noAuthorization(f) },
  { id: 'b', label: '(b) ScopeQL, key allowed everything', key: 'allowed', build: (f) => scopeql(f, 'allowed') },
  { id: 'c', label: '(c) ScopeQL, key denied `customers:read`', key: 'denied', build: (f) => scopeql(f, 'denied') },
  { id: 'shield', label: 'graphql-shield, key allowed everything', key: 'allowed', build: (f) => shieldRunner(f, 'allowed') },
  { id: 'shield-denied', label: 'graphql-shield, key denied `customers:read`', key: 'denied', build: (f) => shieldRunner(f, 'denied') },
  { id: 'envelop', label: '@envelop/generic-auth, key allowed everything', key: 'allowed', build: (f) => envelopRunner(f, 'allowed') },
  {
    id: 'envelop-denied',
    label: '@envelop/generic-auth, key denied `customers:read`',
    key: 'denied',
    build: (f) => envelopRunner(f, 'denied'),
  },
  { id: 'naive', label: 'naive @graphql-tools directive, key allowed everything', key: 'allowed', build: (f) => naiveRunner(f, 'allowed') },
  {
    id: 'naive-denied',
    label: 'naive @graphql-tools directive, key denied `customers:read`',
    key: 'denied',
    build: (f) => naiveRunner(f, 'denied'),
  },
];
