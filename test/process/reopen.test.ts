/**
 * The `process-reopen` suite of the conformance kit (its cases live once, in
 * src/testing/suites/process-reopen.ts), on both built-in drivers.
 */
import { runConformance } from '../../src/testing.ts';
import { DRIVERS } from '../support/drivers.ts';

for (const driver of DRIVERS) runConformance(driver, { suites: ['process-reopen'] });
