import { installContractChecks } from './contract-hooks';

// End-to-end tests drive real processes; their deadlines are in waitFor, not in Jest's timer.
jest.setTimeout(180_000);

installContractChecks();
