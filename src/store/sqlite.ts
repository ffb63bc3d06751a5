// The import path the rest of the code uses for the SQLite store (the server, the bench seeder,
// the tests); the store itself is in sqlite/.
export { SqliteStore } from './sqlite/index.js';
