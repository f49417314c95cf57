/** Stands in for `src/sqljs.ts` inside the Durable Object. */
import { notApplicable } from './not-applicable.ts';

export const openSqlJs = async (): Promise<never> => notApplicable('sql.js');
export const deleteSqlJsDatabase = (): never => notApplicable('sql.js');
export const hasSqlJsDatabase = (): never => notApplicable('sql.js');
export class SqlJsSessionStoreFactory {
  constructor() {
    notApplicable('sql.js');
  }
}
