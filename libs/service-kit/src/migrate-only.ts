/**
 * `node dist/apps/<service>/src/main.js --migrate-only` applies the service's migrations and exits
 * 0 without listening, consuming or touching Kafka: what a Kubernetes migration Job runs
 * (`startService` handles it, so every app has it).
 */
export const MIGRATE_ONLY_FLAG = '--migrate-only';

export function migrateOnlyRequested(argv: readonly string[] = process.argv): boolean {
  return argv.slice(2).includes(MIGRATE_ONLY_FLAG);
}
