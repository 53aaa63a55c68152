/**
 * The key ring every test app runs with (SECRETS_KEYS), in-process and spawned: fixed and public,
 * for tests only. A suite that rotates keys passes its own.
 */
export const TEST_SECRETS_KEYS = 'test:dGVzdC1vbmx5LWtleS1mb3ItYXV0b2NhbGwtdGVzdHM=';

/** The key of erased numbers' hashes (ERASURE_HASH_KEY) every test app runs with: tests only. */
export const TEST_ERASURE_HASH_KEY = 'dGVzdC1vbmx5LWVyYXN1cmUta2V5LWZvci1hdXRvYyE=';
