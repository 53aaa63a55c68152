#!/usr/bin/env node
// The TypeScript types of an OpenAPI document, as libs/client/src/openapi.ts holds them: run on a
// document file, prints them (the document's test compares them with the committed file);
// scripts/generate-client.js writes them. Plain Node, not Jest: openapi-typescript needs
// require() of ES modules, which Node has and Jest's module system has not.
const { readFileSync } = require('node:fs');

const CLIENT_TYPES_FILE = 'libs/client/src/openapi.ts';

async function clientTypesOf(document) {
  const { default: openapiTS, astToString } = require('openapi-typescript');
  const ast = await openapiTS(document, { alphabetize: true });
  return `// Generated from AutoCall's OpenAPI document by \`npm run client:generate\`: do not edit.\n${astToString(ast)}`;
}

module.exports = { clientTypesOf, CLIENT_TYPES_FILE };

if (require.main === module) {
  clientTypesOf(JSON.parse(readFileSync(process.argv[2], 'utf8')))
    .then((types) => process.stdout.write(types))
    .catch((error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    });
}
