// RTK Query endpoints and types generated (into generated/, outside src/ so that the Rust build's
// change detection does not see its own output) from Quarry's OpenAPI document (`quarry openapi`,
// committed as openapi.json; a Rust test fails when it drifts from the server).
/** @type {import('@rtk-query/codegen-openapi').ConfigFile} */
module.exports = {
  schemaFile: './openapi.json',
  apiFile: './src/api/emptyApi.ts',
  apiImport: 'emptyApi',
  outputFile: './generated/quarryApi.ts',
  exportName: 'quarryApi',
  hooks: { queries: true, lazyQueries: true, mutations: true },
  tag: true,
};
