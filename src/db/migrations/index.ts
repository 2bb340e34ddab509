import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001_initial.ts';

/** Migrations in order. A static list (not a folder scan) so they load the same under tests, scripts and bundles. */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
