/**
 * The key ring every test app runs with (SECRETS_KEYS), in-process and spawned: fixed and public,
 * for tests only. A suite that rotates keys passes its own.
 */
export const TEST_SECRETS_KEYS = 'test:dGVzdC1vbmx5LWtleS1mb3ItYXV0b2NhbGwtdGVzdHM=';
