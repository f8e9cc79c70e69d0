import { Booking, Customer, Product } from '../../src/db/entities';
import { AppError } from '../../src/errors';
import { createServices, type Services } from '../../src/services';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** A migrated database of its own, the services on it, and two accounts to keep apart. */
export interface DomainFixture {
  db: TestDatabase;
  services: Services;
  acme: number;
  other: number;
  rowCounts(): Promise<{ products: number; customers: number; bookings: number }>;
}

export async function createDomainFixture(): Promise<DomainFixture> {
  const db = await createTestDatabase();
  const services = createServices(db.dataSource, { KEY_CACHE_TTL_MS: 0, KEY_CACHE_MAX: 0 });
  const acme = (await services.repos.accounts.findOrCreate('acme', 'Acme Tours')).id;
  const other = (await services.repos.accounts.findOrCreate('other', 'Other Ltd')).id;
  return {
    db,
    services,
    acme,
    other,
    rowCounts: async () => ({
      products: await db.dataSource.getRepository(Product).count(),
      customers: await db.dataSource.getRepository(Customer).count(),
      bookings: await db.dataSource.getRepository(Booking).count(),
    }),
  };
}

/** Awaits a rejection and checks it is an AppError with this code (and field, when given). */
export async function expectAppError(
  promise: Promise<unknown>,
  code: AppError['code'],
  field?: string,
): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe(code);
  if (field !== undefined) expect(appError.extensions.field).toBe(field);
  return appError;
}

/** `at('10:00')` on a fixed future day, so tests read as a timetable. */
export const DAY = '2031-05-12';
export const at = (time: string, day = DAY): Date => new Date(`${day}T${time}:00.000Z`);
