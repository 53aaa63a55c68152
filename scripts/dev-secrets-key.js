// The development key ring of `npm start` and `npm run demo` when SECRETS_KEYS is not set: made
// once (32 random bytes) in .autocall/dev-secrets-key, git-ignored and readable by its owner only,
// and read again at every start, so the secrets encrypted at rest still decrypt after a restart.
// The apps read the same file in development (libs/config app-config.ts), never make it.
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const RELATIVE = path.join('.autocall', 'dev-secrets-key');
const ERASURE_RELATIVE = path.join('.autocall', 'dev-erasure-key');

/** The value of SECRETS_KEYS for a laptop (never used when NODE_ENV=production). */
function developmentSecretsKeys(root) {
  return keptKey(root, RELATIVE, (bytes) => `dev:${bytes}`, 'secrets at rest (keep it: it decrypts them)');
}

/** The value of ERASURE_HASH_KEY for a laptop: the key of erased numbers' hashes, made once too. */
function developmentErasureHashKey(root) {
  return keptKey(root, ERASURE_RELATIVE, (bytes) => bytes, 'erased numbers (keep it: it keeps them from being dialed)');
}

function keptKey(root, relative, format, what) {
  const file = path.join(root, relative);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, `${format(randomBytes(32).toString('base64'))}\n`, { flag: 'wx', mode: 0o600 });
      console.error(`autocall: made a development key for ${what} in ${relative}`);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error; // made meanwhile by another start: use it
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}

module.exports = { developmentSecretsKeys, developmentErasureHashKey, DEV_SECRETS_KEY_FILE: RELATIVE };
